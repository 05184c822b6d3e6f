"""Forms of the progress pages: the clinic's relief rule, and the 6-month follow-up.

Every limit the database enforces is checked here first, with the message on
the field to fix, so a bad value never reaches PostgreSQL.
"""

from datetime import date
from decimal import Decimal

from django import forms
from django.utils import timezone

from clinic.forms_fields import ClinicDateField
from clinic.widgets import DateInput
from patients.forms.vas import VasField
from treatments.models import FollowUp, ReliefRule

POINTS_MESSAGE = "Enter points from 0.1 to 10, with at most one decimal (e.g. 1.9)."
PERCENT_MESSAGE = "Enter a whole percentage from 1 to 100."
MONTHS_MESSAGE = "Enter a whole number of months from 1 to 24."
YES_NO = [("yes", "Yes"), ("no", "No")]


def _one_decimal(label: str, low: str, high: str, message: str, **kwargs) -> forms.DecimalField:
    """A 0–10 style number whose every way of being wrong gets the same plain message."""
    return forms.DecimalField(
        label=label,
        min_value=Decimal(low),
        max_value=Decimal(high),
        max_digits=3,
        decimal_places=1,
        error_messages={
            key: message
            for key in ("invalid", "min_value", "max_value", "max_digits", "max_decimal_places", "max_whole_digits")
        }
        | {"required": "This is required."},
        widget=forms.NumberInput(attrs={"step": "0.1", "min": low, "max": high, "inputmode": "decimal"}),
        **kwargs,
    )


def yes_no(label: str) -> forms.TypedChoiceField:
    # Two explicit answers rather than a checkbox: an unticked box cannot tell "no" from "forgot to ask".
    return forms.TypedChoiceField(
        label=label,
        choices=YES_NO,
        coerce=lambda answer: answer == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": "Answer yes or no.", "invalid_choice": "Answer yes or no."},
    )


class ReliefRuleForm(forms.ModelForm):
    first_step_drop = _one_decimal("First-step pain falls by at least (points)", "0.1", "10", POINTS_MESSAGE)
    average_drop_percent = forms.IntegerField(
        label="or average pain falls by at least (%)",
        min_value=1,
        max_value=100,
        error_messages={key: PERCENT_MESSAGE for key in ("invalid", "min_value", "max_value", "required")},
        widget=forms.NumberInput(attrs={"min": 1, "max": 100, "step": 1, "inputmode": "numeric"}),
    )
    average_drop_points = _one_decimal("and average pain falls by at least (points)", "0.1", "10", POINTS_MESSAGE)
    relapse_rise = _one_decimal(
        "First-step pain rises again by at least (points)",
        "0.1",
        "10",
        POINTS_MESSAGE,
        help_text=(
            "Since the end of the plan (the last session's score, before needling). Needing a new course always "
            "counts as a relapse; a plan that never reached relief is not judged."
        ),
    )
    follow_up_from_months = forms.IntegerField(
        label="The 6-month follow-up counts from (months after the last session)",
        min_value=1,
        max_value=24,
        error_messages={key: MONTHS_MESSAGE for key in ("invalid", "min_value", "max_value", "required")},
        widget=forms.NumberInput(attrs={"min": 1, "max": 24, "step": 1, "inputmode": "numeric"}),
    )
    follow_up_to_months = forms.IntegerField(
        label="until (months after the last session)",
        min_value=1,
        max_value=24,
        help_text="A follow-up recorded outside these months is kept but not counted in the 6-month relapse figure.",
        error_messages={key: MONTHS_MESSAGE for key in ("invalid", "min_value", "max_value", "required")},
        widget=forms.NumberInput(attrs={"min": 1, "max": 24, "step": 1, "inputmode": "numeric"}),
    )
    note = forms.CharField(
        label="Why is the rule changing?",
        max_length=200,
        help_text="Kept with the rule's history, e.g. the study or the clinical meeting behind it.",
        error_messages={"required": "Say why the rule is changing."},
    )

    class Meta:
        model = ReliefRule
        fields = [
            "first_step_drop",
            "average_drop_percent",
            "average_drop_points",
            "relapse_rise",
            "follow_up_from_months",
            "follow_up_to_months",
            "note",
        ]

    RULE_FIELDS = (
        "first_step_drop",
        "average_drop_percent",
        "average_drop_points",
        "relapse_rise",
        "follow_up_from_months",
        "follow_up_to_months",
    )

    def __init__(self, *args, in_force: ReliefRule, **kwargs):
        kwargs.setdefault("initial", {name: getattr(in_force, name) for name in self.RULE_FIELDS})
        super().__init__(*args, **kwargs)
        self.in_force = in_force

    def clean_note(self) -> str:
        note = self.cleaned_data["note"].strip()
        if not note:
            raise forms.ValidationError("Say why the rule is changing.")
        return note

    def clean(self):
        cleaned = super().clean()
        opens, closes = cleaned.get("follow_up_from_months"), cleaned.get("follow_up_to_months")
        if opens is not None and closes is not None and opens > closes:
            # The message goes on the field to fix, and the bad value never reaches the database's check.
            self.add_error(
                "follow_up_to_months",
                f"The window must end on or after it starts: enter {opens} months or more, or start it earlier.",
            )
            return cleaned
        if all(name in cleaned for name in self.RULE_FIELDS) and all(
            cleaned[name] == getattr(self.in_force, name) for name in self.RULE_FIELDS
        ):
            raise forms.ValidationError("These are the values already in force: change at least one of them.")
        return cleaned


class FollowUpForm(forms.Form):
    """What the follow-up found. A plain form: the stored follow-up changes only through follow_up_record()."""

    recorded_on = ClinicDateField(
        label="Date of the follow-up",
        widget=DateInput(),
        error_messages={"required": "Enter the date of the follow-up.", "invalid": "Enter a date."},
    )
    first_step_pain = VasField(label="First-step pain now")
    average_pain = VasField(label="Average pain over the last week")
    symptoms_returned = yes_no("Have the symptoms come back?")
    new_treatment_needed = yes_no("Is a new course of treatment needed?")
    notes = forms.CharField(label="Notes", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, follow_up: FollowUp, last_session_day: date | None, **kwargs):
        if follow_up.is_recorded:
            kwargs.setdefault(
                "initial",
                {
                    "recorded_on": follow_up.recorded_on,
                    "first_step_pain": follow_up.first_step_pain,
                    "average_pain": follow_up.average_pain,
                    "symptoms_returned": "yes" if follow_up.symptoms_returned else "no",
                    "new_treatment_needed": "yes" if follow_up.new_treatment_needed else "no",
                    "notes": follow_up.notes,
                },
            )
        else:
            kwargs.setdefault("initial", {"recorded_on": timezone.localdate()})
        super().__init__(*args, **kwargs)
        self.last_session_day = last_session_day

    def clean_recorded_on(self) -> date:
        day = self.cleaned_data["recorded_on"]
        if day > timezone.localdate():
            raise forms.ValidationError("This date is in the future: record the follow-up once it has happened.")
        if self.last_session_day and day < self.last_session_day:
            raise forms.ValidationError(
                f"The plan's last session was on {self.last_session_day:%b} {self.last_session_day.day}, "
                f"{self.last_session_day.year}: the follow-up cannot come before it."
            )
        return day
