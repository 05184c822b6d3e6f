"""The outcomes page's filters. Anything malformed is an error shown at its field, never ignored."""

from django import forms

from clinic.access import can_manage_clinic
from clinic.forms_fields import ClinicDateField
from clinic.models import User
from clinic.widgets import DateInput
from patients.models import DiagnosisCode
from treatments.models import Location, TreatmentPlan
from treatments.progress.outcomes import Scope


class OutcomeFilterForm(forms.Form):
    started_from = ClinicDateField(label="Plans started from", required=False, widget=DateInput())
    started_to = ClinicDateField(label="to", required=False, widget=DateInput())
    practitioner = forms.ModelChoiceField(
        label="Practitioner",
        queryset=User.objects.none(),
        required=False,
        empty_label="All practitioners",
        error_messages={"invalid_choice": "There is no practitioner with that id."},
    )
    diagnosis = forms.ChoiceField(
        label="Diagnosis",
        required=False,
        choices=[("", "All diagnoses"), *DiagnosisCode.choices],
        error_messages={"invalid_choice": "That is not one of the diagnosis codes."},
    )
    approach = forms.ChoiceField(
        label="Approach",
        required=False,
        choices=[("", "All approaches"), *TreatmentPlan.Approach.choices],
        error_messages={"invalid_choice": "That is not one of the treatment approaches."},
    )
    location = forms.ModelChoiceField(
        label="Location",
        queryset=Location.objects.all(),
        required=False,
        empty_label="All locations",
        error_messages={"invalid_choice": "There is no location with that id."},
    )

    @classmethod
    def for_user(cls, data, user) -> "OutcomeFilterForm":
        """The filters as asked, with a practitioner held to their own plans (a clinic admin sees the clinic's)."""
        return cls(data, own_plans_of=None if can_manage_clinic(user) else user)

    def __init__(self, *args, own_plans_of=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.own_plans_of = own_plans_of
        if own_plans_of is not None:
            # A practitioner sees their own plans; the practitioner filter would only mislead.
            del self.fields["practitioner"]
        else:
            # Plans outlive employment: a practitioner who has left still has outcomes to report.
            self.fields["practitioner"].queryset = User.objects.practitioners(include_inactive=True)

    def clean(self):
        cleaned = super().clean()
        asked = self.data.get("practitioner")
        if self.own_plans_of is not None and asked not in (None, "", str(self.own_plans_of.pk)):
            raise forms.ValidationError("You see your own plans only; the practitioner filter is for clinic admins.")
        start, end = cleaned.get("started_from"), cleaned.get("started_to")
        if start and end and end < start:
            self.add_error("started_to", "The period ends before it starts.")
        return cleaned

    def scope(self) -> Scope:
        data = self.cleaned_data
        practitioner = data.get("practitioner")
        location = data.get("location")
        return Scope(
            started_from=data.get("started_from"),
            started_to=data.get("started_to"),
            practitioner_id=practitioner.pk if practitioner else None,
            diagnosis_code=data.get("diagnosis") or None,
            approach=data.get("approach") or None,
            location_id=location.pk if location else None,
            only_practitioner_id=self.own_plans_of.pk if self.own_plans_of else None,
        )

    def active_filters(self) -> list[str]:
        """The filters in force, in words, so a filtered figure is never mistaken for the whole clinic."""
        labels = []
        for name, value in self.cleaned_data.items():
            if value in (None, ""):
                continue
            field = self.fields[name]
            shown = dict(field.choices).get(value, value) if isinstance(field, forms.ChoiceField) else value
            labels.append(f"{field.label}: {shown}")
        return labels
