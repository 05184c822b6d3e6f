"""Recording a symptom on the foot: what, where, how bad, when.

One symptom per submission; the places come from the foot diagram or, without
JavaScript, from the plain list of checkboxes it drives. Every rule the
database would enforce is checked here first, with the message on the field.
"""

from django import forms
from django.utils import timezone

from clinic.forms_fields import ClinicDateField
from clinic.widgets import DateInput
from patients import foot_map
from patients.forms.intake import FUTURE_DATE_MESSAGE
from patients.models import FOOT_SPOT_CHOICES, Side, SymptomRecord, Timing

UNKNOWN_PLACE = "“%(value)s” is not a place on the foot. Choose places from the diagram or the list."
NO_PLACE = "Choose at least one place on the foot, on the diagram or in the list."
SEVERITY_RANGE = "Enter the severity as a whole number from 0 (none) to 10 (worst imaginable)."


def severity_word(severity: int) -> str:
    """The usual bands of a 0–10 rating, for a word beside the number."""
    if severity == 0:
        return "none"
    if severity <= 3:
        return "mild"
    if severity <= 6:
        return "moderate"
    return "severe"


def severity_scale() -> list[dict]:
    """Colour, text colour and word for each severity, for the form's live preview."""
    return [
        {
            "fill": foot_map.severity_colour(value),
            "ink": foot_map.severity_text_colour(value),
            "word": severity_word(value),
        }
        for value in range(11)
    ]


class SymptomFilterForm(forms.Form):
    """The history page's filter; an unknown symptom is reported, not silently ignored."""

    symptom = forms.ChoiceField(
        label="Symptom",
        required=False,
        choices=[("", "All symptoms"), *SymptomRecord.Symptom.choices],
        error_messages={"invalid_choice": "There is no symptom called “%(value)s”. Showing every symptom instead."},
    )


class SymptomRecordForm(forms.ModelForm):
    symptom = forms.ChoiceField(
        label="Symptom",
        choices=SymptomRecord.Symptom.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose the symptom.",
            "invalid_choice": "Choose one of the symptoms listed.",
        },
    )
    symptom_other = forms.CharField(
        label="Name of the other symptom",
        required=False,
        max_length=80,
        error_messages={"max_length": "Keep the name under %(limit_value)d characters."},
    )
    spots = forms.MultipleChoiceField(
        label="Where on the feet",
        choices=FOOT_SPOT_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": NO_PLACE, "invalid_choice": UNKNOWN_PLACE, "invalid_list": NO_PLACE},
    )
    severity = forms.IntegerField(
        label="Severity (0–10)",
        min_value=0,
        max_value=10,
        error_messages={
            "required": SEVERITY_RANGE,
            "invalid": SEVERITY_RANGE,
            "min_value": SEVERITY_RANGE,
            "max_value": SEVERITY_RANGE,
        },
        widget=forms.NumberInput(attrs={"min": 0, "max": 10, "step": 1, "inputmode": "numeric"}),
    )
    timing = forms.ChoiceField(
        label="When it is worst",
        required=False,
        choices=[("", "Not noted"), *Timing.choices],
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": "Choose one of the times listed, or “Not noted”."},
    )
    note = forms.CharField(
        label="Note",
        required=False,
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2, "maxlength": 300}),
        help_text="Optional, up to 300 characters: what the patient said, what makes it better or worse.",
        error_messages={"max_length": "Keep the note to %(limit_value)d characters or fewer (it has %(show_value)d)."},
    )

    class Meta:
        model = SymptomRecord
        fields = ["symptom", "symptom_other", "spots", "severity", "timing", "recorded_on", "note"]
        field_classes = {"recorded_on": ClinicDateField}
        widgets = {"recorded_on": DateInput()}
        labels = {"recorded_on": "Date"}
        error_messages = {"recorded_on": {"required": "Enter the date.", "invalid": "Enter a real date."}}

    def __init__(self, *args, patient, **kwargs):
        super().__init__(*args, **kwargs)
        self.patient = patient
        today = timezone.localdate()
        self.fields["recorded_on"].initial = today
        self.fields["recorded_on"].widget.attrs.update(
            {"max": today.isoformat(), "min": patient.date_of_birth.isoformat()}
        )

    def spots_by_foot(self) -> list[tuple[str, list]]:
        """The checkboxes grouped as the practitioner thinks of them: left foot, then right foot."""
        boxes = list(self["spots"])
        return [
            (Side.LEFT.label, [box for box in boxes if box.data["value"].startswith(f"{Side.LEFT}:")]),
            (Side.RIGHT.label, [box for box in boxes if box.data["value"].startswith(f"{Side.RIGHT}:")]),
        ]

    def chosen_spots(self) -> list[str]:
        """What to tick on the diagram when the form is shown again (after an error)."""
        value = self["spots"].value() or []
        return [spot for spot in value if isinstance(spot, str)]

    def clean_recorded_on(self):
        day = self.cleaned_data["recorded_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(f"{FUTURE_DATE_MESSAGE} Record symptoms on or before today.")
        if day < self.patient.date_of_birth:
            raise forms.ValidationError(
                "This date is before the patient's date of birth (%(born)s).",
                params={"born": self.patient.date_of_birth.strftime("%b %-d, %Y")},
            )
        return day

    def clean_symptom_other(self):
        return self.cleaned_data["symptom_other"].strip()

    def clean(self):
        cleaned = super().clean()
        symptom = cleaned.get("symptom")
        named = cleaned.get("symptom_other") or "symptom_other" in self.errors
        if symptom == SymptomRecord.Symptom.OTHER and not named:
            self.add_error("symptom_other", "Name the symptom when you choose “Other”.")
        elif symptom and symptom != SymptomRecord.Symptom.OTHER:
            # A leftover name from switching away from "Other" would be misleading.
            cleaned["symptom_other"] = ""
        return cleaned
