"""Forms for the clinical record: the intake consultation, diagnoses and consent.

Every rule that would otherwise surface as a database constraint error is
checked here first, with the message placed on the field to fix.
"""

from datetime import date
from decimal import Decimal

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils import timezone

from clinic.forms_fields import CappedFormSetMixin, ClinicDateField
from clinic.widgets import DateInput
from patients.forms.vas import VasField
from patients.models import CODE_SIDE, Consent, Diagnosis, DiagnosisCode, Intake, PriorTreatment, Side

# A pregnancy lasts about nine months; a due date further out than this is a typing mistake.
MAX_MONTHS_TO_DUE_DATE = 10
FUTURE_DATE_MESSAGE = "This date is in the future."
# More rows than any history needs; also the most the intake page will ever build from a post.
MAX_PRIOR_TREATMENTS = 20


def add_months(day: date, months: int) -> date:
    """The same day `months` later, or the month's last day when it is shorter (Jan 31 → Feb 28)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for candidate_day in (day.day, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=candidate_day)
        except ValueError:
            continue
    raise ValueError(f"cannot add {months} months to {day}")


def _range_field(low: int, high: int, message: str, *, step: str = "0.1", required: bool = False, **kwargs):
    """A one-decimal number with a plain-language range message (and the same range in the browser)."""
    return forms.DecimalField(
        decimal_places=1,
        required=required,
        validators=[
            MinValueValidator(Decimal(low), message=message),
            MaxValueValidator(Decimal(high), message=message),
        ],
        widget=forms.NumberInput(attrs={"step": step, "min": low, "max": high, "inputmode": "decimal"}),
        **kwargs,
    )


# The intake form's sections, in the order of the consultation.
INTAKE_SECTIONS = (
    ("complaint", "Complaint and history", ("affected_side", "onset_date", "aggravators", "complaint_notes")),
    (
        "risk-factors",
        "Risk factors",
        (
            "height_cm",
            "weight_kg",
            "standing_hours_per_day",
            "foot_posture",
            "sport",
            "sport_detail",
            "tight_calves",
            "footwear",
        ),
    ),
    (
        "medical-history",
        "Medical history and precautions",
        (
            "diabetes",
            "peripheral_vascular_disease",
            "anticoagulant",
            "bleeding_disorder",
            "implanted_device",
            "implanted_device_detail",
            "pregnant",
            "pregnancy_due_date",
            "foot_ulcer_or_infection",
            "ulcer_site",
            "fainting_history",
            "needle_phobia",
            "metal_allergy",
            "nsaid_use",
            "current_medicines",
        ),
    ),
    (
        "examination",
        "Examination and baseline pain",
        ("gait_notes", "palpation_notes", "baseline_first_step_pain", "baseline_average_pain"),
    ),
)


class IntakeForm(forms.ModelForm):
    aggravators = forms.MultipleChoiceField(
        label="Worse when",
        choices=Intake.Aggravator.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Tick every time of day the pain is at its worst.",
    )
    height_cm = _range_field(50, 250, "Enter a height between 50 and 250 cm.", label="Height (cm)")
    weight_kg = _range_field(20, 350, "Enter a weight between 20 and 350 kg.", label="Weight (kg)")
    standing_hours_per_day = _range_field(
        0,
        24,
        "Enter a number of hours from 0 to 24.",
        step="0.5",
        label="Hours a day standing or walking on hard surfaces",
    )
    baseline_first_step_pain = VasField(label="First-step pain in the morning")
    baseline_average_pain = VasField(label="Average pain over the last week")

    class Meta:
        model = Intake
        fields = [name for _, _, names in INTAKE_SECTIONS for name in names]
        # Dates within sense (1900–2199) before the rules below look at them.
        field_classes = {"onset_date": ClinicDateField, "pregnancy_due_date": ClinicDateField}
        widgets = {
            "onset_date": DateInput(),
            "pregnancy_due_date": DateInput(),
            "complaint_notes": forms.Textarea(attrs={"rows": 3}),
            "current_medicines": forms.Textarea(attrs={"rows": 2}),
            "gait_notes": forms.Textarea(attrs={"rows": 3}),
            "palpation_notes": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "implanted_device_detail": "For example “pacemaker” or “spinal cord stimulator”.",
            "pregnancy_due_date": "Needed when the patient is pregnant.",
            "ulcer_site": "Needed when there is an ulcer or infection, e.g. “left heel, plantar side”.",
            "onset_date": "An approximate date is fine.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["affected_side"].choices = [("", "Choose…"), *Side.choices]
        self.fields["foot_posture"].choices = [("", "Not assessed"), *Intake.FootPosture.choices]

    def clean_onset_date(self):
        onset = self.cleaned_data["onset_date"]
        if onset and onset > timezone.localdate():
            raise forms.ValidationError("The pain cannot have begun in the future.")
        return onset

    def clean(self):
        cleaned = super().clean()
        today = timezone.localdate()
        if cleaned.get("pregnant"):
            due = cleaned.get("pregnancy_due_date")
            if "pregnancy_due_date" in self.errors:
                pass  # already malformed; one message is enough
            elif due is None:
                self.add_error("pregnancy_due_date", "Enter the expected date of delivery.")
            elif due < today:
                self.add_error("pregnancy_due_date", "The expected date of delivery has passed: check the date.")
            elif due > add_months(today, MAX_MONTHS_TO_DUE_DATE):
                self.add_error(
                    "pregnancy_due_date",
                    f"That is more than {MAX_MONTHS_TO_DUE_DATE} months from today: check the date.",
                )
        elif "pregnancy_due_date" in cleaned:
            # A due date without a pregnancy means nothing; keep the record consistent.
            cleaned["pregnancy_due_date"] = None
        if cleaned.get("foot_ulcer_or_infection") and not (cleaned.get("ulcer_site") or "").strip():
            self.add_error("ulcer_site", "Say where the ulcer or infection is, so no one needles there.")
        return cleaned

    def sections(self) -> list[tuple[str, str, list[forms.BoundField]]]:
        """(anchor, heading, bound fields) for each section, so the template stays a loop."""
        return [(anchor, title, [self[name] for name in names]) for anchor, title, names in INTAKE_SECTIONS]


class PriorTreatmentForm(forms.ModelForm):
    class Meta:
        model = PriorTreatment
        fields = ["kind", "outcome", "note"]
        widgets = {"note": forms.TextInput(attrs={"placeholder": "e.g. 6 weeks, custom insoles"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", "Choose…"), *PriorTreatment.Kind.choices]
        self.fields["outcome"].choices = [("", "Choose…"), *PriorTreatment.Outcome.choices]
        if self.instance.pk:
            # What was tried stays on record; only how it worked (and the note) can change.
            self.fields["kind"].disabled = True


class BasePriorTreatmentFormSet(CappedFormSetMixin, forms.BaseInlineFormSet):
    default_error_messages = {
        "too_many_forms": f"List at most {MAX_PRIOR_TREATMENTS} earlier treatments: nothing was saved.",
    }

    def add_fields(self, form, index):
        super().add_fields(form, index)
        form.row_number = (index or 0) + 1


PriorTreatmentFormSet = forms.inlineformset_factory(
    Intake,
    PriorTreatment,
    form=PriorTreatmentForm,
    formset=BasePriorTreatmentFormSet,
    extra=2,
    can_delete=False,
    max_num=MAX_PRIOR_TREATMENTS,
    validate_max=True,
    # Django's default absolute_max is max_num + 1000: a forged TOTAL_FORMS would build a thousand rows
    # before the count is refused. At max_num, no more rows than the page offers are ever built.
    absolute_max=MAX_PRIOR_TREATMENTS,
)


class DiagnosisForm(forms.ModelForm):
    class Meta:
        model = Diagnosis
        fields = ["code", "side", "onset_date", "status", "note"]
        field_classes = {"onset_date": ClinicDateField}
        widgets = {
            "onset_date": DateInput(),
            "side": forms.RadioSelect,
            "status": forms.RadioSelect,
        }
        labels = {"code": "Diagnosis (ICD-10-CM)", "side": "Which foot", "onset_date": "Onset"}
        help_texts = {
            "onset_date": "Leave blank if not known.",
            "code": "Codes for heel spur and foot pain name a side themselves (M77.31 is the right foot, for example).",
            "status": "Diagnoses are never deleted: mark one resolved when it no longer applies.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].choices = [("", "Choose a diagnosis…"), *DiagnosisCode.choices]
        # Radio buttons need no "nothing chosen" option: leaving them all unticked says that.
        self.fields["side"].choices = Side.choices

    def clean_onset_date(self):
        onset = self.cleaned_data["onset_date"]
        if onset and onset > timezone.localdate():
            raise forms.ValidationError(FUTURE_DATE_MESSAGE + " Enter when the condition began.")
        return onset

    def clean(self):
        cleaned = super().clean()
        code, side = cleaned.get("code"), cleaned.get("side")
        required_side = CODE_SIDE.get(code) if code else None
        if required_side and side and side != required_side:
            self.add_error(
                "side",
                f"{code} is the {Side(required_side).label.lower()} foot: choose {Side(required_side).label}.",
            )
        return cleaned


class ConsentForm(forms.ModelForm):
    class Meta:
        model = Consent
        fields = ["given_on", "covers_acupuncture", "covers_electroacupuncture", "covers_heat"]
        field_classes = {"given_on": ClinicDateField}
        widgets = {"given_on": DateInput()}
        labels = {
            "given_on": "Signed on",
            "covers_acupuncture": "Acupuncture (needling)",
            "covers_electroacupuncture": "Electroacupuncture",
            "covers_heat": "Heat or moxibustion",
        }
        help_texts = {"given_on": "The date on the signed form."}

    def clean_given_on(self):
        given_on = self.cleaned_data["given_on"]
        if given_on > timezone.localdate():
            raise forms.ValidationError(FUTURE_DATE_MESSAGE + " Enter the date the patient signed.")
        return given_on

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("covers_acupuncture"):
            # Electroacupuncture and heat are added to needling, never consented to alone.
            extras = [name for name in ("covers_electroacupuncture", "covers_heat") if cleaned.get(name)]
            for name in extras:
                self.add_error(name, "This is given with needling: tick Acupuncture as well.")
            if not extras:
                self.add_error("covers_acupuncture", "A consent must cover acupuncture at least.")
        return cleaned


class ConsentWithdrawForm(forms.Form):
    withdrawn_on = ClinicDateField(label="Withdrawn on", widget=DateInput())
    reason = forms.CharField(
        label="Reason",
        max_length=200,
        error_messages={"required": "Say why the consent was withdrawn."},
        widget=forms.TextInput(attrs={"placeholder": "e.g. patient asked to stop needling"}),
        help_text="In the patient's words if possible. Kept with the consent record.",
    )

    def __init__(self, *args, consent: Consent, **kwargs):
        super().__init__(*args, **kwargs)
        self.consent = consent

    def clean_withdrawn_on(self):
        withdrawn_on = self.cleaned_data["withdrawn_on"]
        if withdrawn_on > timezone.localdate():
            raise forms.ValidationError(FUTURE_DATE_MESSAGE + " Record a withdrawal once it has happened.")
        if withdrawn_on < self.consent.given_on:
            raise forms.ValidationError(
                f"The consent was signed on {self.consent.given_on:%b %d, %Y}; it cannot be withdrawn before that."
            )
        return withdrawn_on
