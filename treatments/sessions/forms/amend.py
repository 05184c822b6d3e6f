"""Correcting a signed session: its amendable values, prefilled, and the reason for the change."""

from django import forms

from patients.forms.vas import VasField
from patients.models import Intake
from treatments.models import TreatmentSession
from treatments.sessions.forms.session import VAS_BOX, SessionForm
from treatments.sessions.services import AMENDABLE_FIELDS


class AmendForm(forms.Form):
    """The signed values, prefilled: change what is wrong, say why."""

    first_step_pain_before = VasField(label="First-step pain before treatment", help_text="", css_class=VAS_BOX)
    average_pain_before = VasField(label="Average pain before treatment", help_text="", css_class=VAS_BOX)
    first_step_pain_after = VasField(label="First-step pain after treatment", help_text="", css_class=VAS_BOX)
    average_pain_after = VasField(label="Average pain after treatment", help_text="", css_class=VAS_BOX)
    needle_count = SessionForm.base_fields["needle_count"]
    retention_minutes = SessionForm.base_fields["retention_minutes"]
    subjective = forms.CharField(label="Subjective", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    objective = forms.CharField(label="Objective", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    assessment = forms.CharField(label="Assessment", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    plan_notes = forms.CharField(label="Plan", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    home_care = forms.CharField(label="Home care given", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    nsaid_use = forms.ChoiceField(label="NSAID use now", choices=Intake.NsaidUse.choices, widget=forms.RadioSelect)
    reason = forms.CharField(
        label="Reason for the correction",
        max_length=300,
        error_messages={"required": "Say why the signed record is being corrected."},
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
        help_text="Kept with the amendment, e.g. “Patient's after-score misheard: 3.5, not 5.3”.",
    )

    def __init__(self, *args, session: TreatmentSession, **kwargs):
        kwargs.setdefault("initial", {name: getattr(session, name) for name in AMENDABLE_FIELDS})
        super().__init__(*args, **kwargs)
        self.session = session

    def changes(self) -> dict:
        """The new values of the fields that differ from the signed record."""
        return {
            name: self.cleaned_data[name]
            for name in AMENDABLE_FIELDS
            if self.cleaned_data.get(name) != getattr(self.session, name)
        }
