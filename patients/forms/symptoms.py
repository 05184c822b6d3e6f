"""Recording a symptom on the foot: what, where, how bad, when."""

from django import forms
from django.utils import timezone

from patients.forms.intake import FUTURE_DATE_MESSAGE, DateInput
from patients.models import FOOT_SPOT_CHOICES, Side, SymptomRecord

UNKNOWN_PLACE = "Choose places from the diagram or the list."


class SymptomRecordForm(forms.ModelForm):
    spots = forms.MultipleChoiceField(
        label="Where on the foot",
        choices=FOOT_SPOT_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one place on the foot.", "invalid_choice": UNKNOWN_PLACE},
    )
    severity = forms.IntegerField(
        label="Severity (0–10)",
        min_value=0,
        max_value=10,
        error_messages={
            "invalid": "Enter a whole number from 0 (none) to 10 (worst imaginable).",
            "min_value": "Enter a whole number from 0 (none) to 10 (worst imaginable).",
            "max_value": "Enter a whole number from 0 (none) to 10 (worst imaginable).",
        },
        widget=forms.NumberInput(attrs={"min": 0, "max": 10, "step": 1, "inputmode": "numeric"}),
    )

    class Meta:
        model = SymptomRecord
        fields = ["recorded_on", "symptom", "symptom_other", "spots", "severity", "timing", "note"]
        widgets = {"recorded_on": DateInput(), "note": forms.TextInput()}
        labels = {"recorded_on": "Date", "symptom_other": "Name of the other symptom"}

    def __init__(self, *args, patient, **kwargs):
        super().__init__(*args, **kwargs)
        self.patient = patient
        self.fields["recorded_on"].initial = timezone.localdate()
        self.fields["timing"].empty_label = None
        self.fields["timing"].choices = [("", "Not stated"), *self.fields["timing"].choices[1:]]

    def spots_by_foot(self):
        """The checkboxes grouped as the practitioner thinks of them: left foot, right foot."""
        boxes = list(self["spots"])
        return [
            (Side.LEFT.label, [box for box in boxes if box.data["value"].startswith("left:")]),
            (Side.RIGHT.label, [box for box in boxes if box.data["value"].startswith("right:")]),
        ]

    def clean_recorded_on(self):
        day = self.cleaned_data["recorded_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(FUTURE_DATE_MESSAGE)
        if day < self.patient.date_of_birth:
            raise forms.ValidationError("This date is before the patient was born.")
        return day

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("symptom") == SymptomRecord.Symptom.OTHER and not cleaned.get("symptom_other", "").strip():
            self.add_error("symptom_other", "Name the symptom when you choose “Other”.")
        return cleaned
