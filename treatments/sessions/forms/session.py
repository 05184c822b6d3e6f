"""The session record's main form: pain before and after, needles, heat, notes and home care."""

from django import forms

from patients.forms.vas import VasField
from patients.models import Intake
from treatments.models import TreatmentSession
from treatments.models.sessions import RETENTION_LIMITS, TYPICAL_RETENTION
from treatments.sessions.services import RECORD_FIELDS

NEEDLES_RANGE = "Enter a number of needles from 0 to 80."
RETENTION_RANGE = (
    f"Needles stay in between {RETENTION_LIMITS[0]} and {RETENTION_LIMITS[1]} minutes; check the number "
    f"(usually {TYPICAL_RETENTION[0]}–{TYPICAL_RETENTION[1]})."
)
NEEDED_TO_SIGN = "Needed to sign."
# The large tap target of templates/treatments/_vas_input.html.
VAS_BOX = "form-control vas-input"

# Home-care advice given at most visits; the form offers each one as a quick insert.
HOME_CARE_SNIPPETS = (
    (
        "Self-massage",
        "Self-massage of KI1 (Yongquan, on the sole) and Shimian (centre of the heel): 1–2 minutes each, "
        "moderate to strong pressure, once or twice a day.",
    ),
    (
        "Stretches",
        "Calf and heel stretches: hold each stretch for 30 seconds, three times, morning and evening, "
        "and before the first steps after resting.",
    ),
)


class SessionForm(forms.ModelForm):
    first_step_pain_before = VasField(label="First-step pain", help_text="", css_class=VAS_BOX)
    average_pain_before = VasField(label="Average pain", help_text="", css_class=VAS_BOX)
    first_step_pain_after = VasField(
        label="First-step pain", required=False, help_text=NEEDED_TO_SIGN, css_class=VAS_BOX
    )
    average_pain_after = VasField(label="Average pain", required=False, help_text=NEEDED_TO_SIGN, css_class=VAS_BOX)
    needle_count = forms.IntegerField(
        label="Needles used",
        required=False,
        min_value=0,
        max_value=80,
        error_messages={"min_value": NEEDLES_RANGE, "max_value": NEEDLES_RANGE, "invalid": NEEDLES_RANGE},
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": "0", "max": "80"}),
    )
    retention_minutes = forms.IntegerField(
        label="Needles retained (minutes)",
        required=False,
        min_value=RETENTION_LIMITS[0],
        max_value=RETENTION_LIMITS[1],
        error_messages={
            "min_value": RETENTION_RANGE,
            "max_value": RETENTION_RANGE,
            "invalid": "Enter the minutes as a whole number, such as 30.",
        },
        help_text=f"Usually {TYPICAL_RETENTION[0]}–{TYPICAL_RETENTION[1]} minutes.",
        widget=forms.NumberInput(
            attrs={
                "inputmode": "numeric",
                "min": str(RETENTION_LIMITS[0]),
                "max": str(RETENTION_LIMITS[1]),
                "data-typical-low": str(TYPICAL_RETENTION[0]),
                "data-typical-high": str(TYPICAL_RETENTION[1]),
            }
        ),
    )
    heat = forms.ChoiceField(
        label="Heat", choices=TreatmentSession.Heat.choices, required=False, widget=forms.RadioSelect
    )
    nsaid_use = forms.ChoiceField(
        label="NSAID use now", choices=Intake.NsaidUse.choices, widget=forms.RadioSelect, initial=Intake.NsaidUse.NONE
    )

    class Meta:
        model = TreatmentSession
        fields = list(RECORD_FIELDS)
        labels = {
            "other_techniques": "Other techniques",
            "pregnancy_override_reason": "Reason for needling a point to avoid in pregnancy",
            "subjective": "Subjective: what the patient reports",
            "objective": "Objective: what you found",
            "assessment": "Assessment",
            "plan_notes": "Plan",
            "home_care": "Home care given",
        }
        help_texts = {
            "other_techniques": "E.g. cupping, gua sha, taping.",
            "pregnancy_override_reason": "Only when a point listed to avoid in pregnancy is needled.",
        }
        widgets = {
            "subjective": forms.Textarea(attrs={"rows": 3}),
            "objective": forms.Textarea(attrs={"rows": 3}),
            "assessment": forms.Textarea(attrs={"rows": 3}),
            "plan_notes": forms.Textarea(attrs={"rows": 3}),
            "home_care": forms.Textarea(attrs={"rows": 3}),
            "pregnancy_override_reason": forms.TextInput(attrs={"autocomplete": "off"}),
            "other_techniques": forms.TextInput(attrs={"autocomplete": "off"}),
        }

    @property
    def retention_is_unusual(self) -> bool:
        """For the non-blocking reminder beside the field (the form as typed, or as it was saved)."""
        if self.is_bound:
            minutes = getattr(self, "cleaned_data", {}).get("retention_minutes")
        else:
            minutes = self.initial.get("retention_minutes")  # holds the saved value unless typed over
        try:
            minutes = int(minutes)
        except (TypeError, ValueError):
            return False
        return not TYPICAL_RETENTION[0] <= minutes <= TYPICAL_RETENTION[1]
