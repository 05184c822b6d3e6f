"""Handing an appointment to another practitioner, e.g. a colleague covering sick leave: to whom, and why."""

from django import forms

from clinic.models import User
from treatments.models import Appointment

# Where a service's complaint about a field belongs on this form.
SERVICE_FIELDS = {"practitioner": "practitioner", "reason": "reason"}


class ReassignForm(forms.Form):
    practitioner = forms.ModelChoiceField(
        label="Reassign to",
        queryset=User.objects.none(),
        empty_label="Choose a practitioner",
        error_messages={
            "required": "Choose the practitioner who will see the patient.",
            "invalid_choice": "Choose one of the other practitioners in the list.",
        },
    )
    reason = forms.CharField(
        max_length=200,
        error_messages={"required": "Say why, e.g. 'Alice off sick; Bob covering'. It is kept with the appointment."},
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
        help_text="Shown on the appointment and on the session record, with your name and the time.",
    )

    def __init__(self, *args, appointment: Appointment, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["practitioner"]
        field.queryset = User.objects.practitioners().exclude(pk=appointment.practitioner_id)
        field.label_from_instance = lambda user: user.display_name

    def add_service_error(self, refused) -> None:
        """Show a BookingRefused next to the field it is about, or at the top."""
        self.add_error(SERVICE_FIELDS.get(refused.field), refused.message)
