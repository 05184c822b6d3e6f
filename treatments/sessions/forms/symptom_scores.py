"""Today's quick re-score of the patient's current symptoms: one 0–10 box per symptom."""

from django import forms

from treatments.sessions.todays_symptoms import SymptomToRescore

SEVERITY_MESSAGE = "Enter the severity as a whole number from 0 (none) to 10 (worst imaginable)."


class SymptomScoresForm(forms.Form):
    """One 0–10 box per current symptom; a box left empty changes nothing."""

    def __init__(self, *args, symptoms: list[SymptomToRescore], **kwargs):
        super().__init__(*args, **kwargs)
        self.symptoms = symptoms
        for symptom in symptoms:
            self.fields[symptom.name] = forms.IntegerField(
                label=f"{symptom.label} today",
                required=False,
                min_value=0,
                max_value=10,
                initial=symptom.severity if symptom.todays else None,
                error_messages={
                    "min_value": SEVERITY_MESSAGE,
                    "max_value": SEVERITY_MESSAGE,
                    "invalid": SEVERITY_MESSAGE,
                },
                widget=forms.NumberInput(
                    attrs={"inputmode": "numeric", "min": "0", "max": "10", "class": "form-control"}
                ),
            )

    def rows(self):
        return [(symptom, self[symptom.name]) for symptom in self.symptoms]

    def scores(self) -> list[tuple[SymptomToRescore, int]]:
        return [
            (symptom, self.cleaned_data[symptom.name])
            for symptom in self.symptoms
            if self.cleaned_data.get(symptom.name) is not None
        ]
