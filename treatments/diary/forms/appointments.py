"""Booking, moving and cancelling one appointment."""

from django import forms
from django.core.exceptions import ValidationError
from django.http import Http404

from clinic.access import can_manage_clinic
from clinic.models import User
from clinic.widgets import TimeInput
from patients.access import patient_for_front_desk
from patients.models import Patient
from treatments.diary.forms.day_and_week import DiaryDateField, MinutesField
from treatments.models import Appointment, Location, TreatmentPlan, local_datetime

# Where a service's complaint about a field belongs on these forms.
SERVICE_FIELDS = {
    "starts_at": "start_time",
    "location": "location",
    "override_reason": "override_reason",
    "plan": "plan",
}
PLAN_KINDS = (Appointment.Kind.INITIAL, Appointment.Kind.TREATMENT)
USUAL_MINUTES = {Appointment.Kind.INITIAL: 60}
DEFAULT_MINUTES = 45


def normalize_mrn(text: str) -> str:
    """'abc1234', 'ABC 1234' and 'ABC-1234' are the same MRN."""
    compact = "".join(text.split()).upper().replace("-", "")
    return f"{compact[:3]}-{compact[3:]}" if len(compact) > 3 else compact


class WhenFields(forms.Form):
    """Date, start time and length: the end follows, so it can never come before the start."""

    date = DiaryDateField()
    start_time = forms.TimeField(label="Start time", input_formats=["%H:%M", "%H:%M:%S"], widget=TimeInput())
    minutes = MinutesField(required=False)
    override_reason = forms.CharField(
        label="Reason for booking outside hours",
        max_length=200,
        required=False,
        help_text="Only needed to book outside the practitioner's working hours or on a closure day. "
        "It is kept with the appointment.",
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        # Only a clinic admin may override working hours and closures, so only they see the field.
        if not can_manage_clinic(user):
            del self.fields["override_reason"]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("date") and cleaned.get("start_time"):
            cleaned["starts_at"] = local_datetime(cleaned["date"], cleaned["start_time"])
        return cleaned

    def add_service_error(self, refused) -> None:
        """Show a BookingRefused next to the field it is about, or at the top."""
        field = SERVICE_FIELDS.get(refused.field)
        self.add_error(field if field in self.fields else None, refused.message)


class AppointmentForm(WhenFields):
    mrn = forms.CharField(
        label="Patient's MRN",
        max_length=12,
        help_text="The record number on the patient's chart, e.g. ABC-1234.",
    )
    practitioner = forms.ModelChoiceField(
        queryset=User.objects.practitioners(),
        empty_label="Choose a practitioner",
        error_messages={"invalid_choice": "Choose one of the practitioners in the list."},
    )
    location = forms.ModelChoiceField(
        queryset=Location.objects.filter(is_active=True),
        empty_label="Choose a location",
        error_messages={"invalid_choice": "Choose one of the open locations in the list."},
    )
    kind = forms.ChoiceField(label="Type of appointment", choices=Appointment.Kind.choices)
    plan = forms.ModelChoiceField(
        label="Treatment plan",
        queryset=TreatmentPlan.objects.none(),
        required=False,
        empty_label="Not part of a plan",
        help_text="A session booked on a plan counts towards its number of sessions.",
        error_messages={"invalid_choice": "Choose one of this patient's active plans."},
    )

    field_order = [
        "mrn",
        "practitioner",
        "location",
        "kind",
        "plan",
        "date",
        "start_time",
        "minutes",
        "override_reason",
    ]

    def __init__(self, *args, patient: Patient | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.patient = patient
        self.fields["practitioner"].label_from_instance = lambda user: user.display_name
        self.fields["minutes"].help_text = "Leave empty for the usual length: 60 for an initial consultation, else 45."
        if patient is not None:
            # The patient is already chosen (from their chart), so offer their active plans instead.
            del self.fields["mrn"]
            self.fields["plan"].queryset = patient.plans.open_for_booking().select_related("practitioner")
            self.fields["plan"].label_from_instance = lambda plan: f"{plan} with {plan.practitioner.display_name}"
        else:
            # Without a patient there is nothing to choose from; plans are booked from the patient's chart.
            del self.fields["plan"]

    def clean_mrn(self):
        mrn = normalize_mrn(self.cleaned_data["mrn"])
        public_id = Patient.objects.filter(mrn=mrn).values_list("public_id", flat=True).first()
        if public_id is None:
            raise ValidationError(f"No patient has the MRN {mrn}. Check the number on the patient list.")
        try:
            self.patient = patient_for_front_desk(self.user, public_id)
        except Http404 as missing:
            raise ValidationError("No such patient.") from missing
        return mrn

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("kind")
        if kind and not cleaned.get("minutes") and "minutes" not in self.errors:
            cleaned["minutes"] = USUAL_MINUTES.get(kind, DEFAULT_MINUTES)
        plan = cleaned.get("plan")
        if plan is not None and kind and kind not in PLAN_KINDS:
            self.add_error("kind", "A session on a treatment plan is an initial consultation or a treatment session.")
        return cleaned


class MoveForm(WhenFields):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["date"].label = "New date"
        self.fields["start_time"].label = "New start time"
        self.fields["minutes"].required = True


class CancelForm(forms.Form):
    cancelled_by = forms.ChoiceField(
        label="Who is cancelling?",
        choices=Appointment.CancelledBy.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Say whether the patient or the clinic is cancelling."},
    )
    reason = forms.CharField(
        max_length=200,
        error_messages={"required": "Give a short reason, e.g. 'Unwell' or 'Practitioner on a course'."},
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
