"""Forms for booking a whole course: where and when it starts, then one row per session."""

from datetime import date, datetime, time, timedelta

from django import forms
from django.utils import timezone

from clinic.widgets import DateInput, TimeInput
from treatments.models import Location, local_datetime

# A course is planned weeks ahead, not years: this also keeps date arithmetic far from its limits.
LATEST_START = timedelta(days=365)
LATEST_SESSION = LATEST_START + timedelta(days=180)
TIME_FORMATS = ["%H:%M", "%H:%M:%S"]


class CourseStartForm(forms.Form):
    # No ClinicDateField: clean_first_day's own range (today to a year ahead) is checked before any arithmetic.
    first_day = forms.DateField(
        label="First session on",
        widget=DateInput(),
        error_messages={"required": "Choose the day of the first session.", "invalid": "Enter a date."},
    )
    preferred_time = forms.TimeField(
        label="Preferred time",
        input_formats=TIME_FORMATS,
        widget=TimeInput(step_minutes=15),
        help_text="Each session is placed as close to this time as the diary allows.",
        error_messages={"required": "Choose a time of day.", "invalid": "Enter a time such as 09:00."},
    )
    location = forms.ModelChoiceField(
        queryset=Location.objects.filter(is_active=True),
        empty_label=None,
        error_messages={"invalid_choice": "Choose one of the locations open for booking."},
    )

    def __init__(self, *args, today: date | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today or timezone.localdate()

    def clean_first_day(self) -> date:
        day = self.cleaned_data["first_day"]
        if day < self.today:
            raise forms.ValidationError("That day has passed: the course can start today at the earliest.")
        if day > self.today + LATEST_START:
            raise forms.ValidationError("Choose a start within the next twelve months.")
        return day


class SessionSlotForm(forms.Form):
    """One session of the course: a day and a time on the clinic's clock. Length comes from the plan."""

    # Likewise clean() below holds the day to today .. eighteen months ahead before any arithmetic.
    date = forms.DateField(
        widget=DateInput(),
        error_messages={"required": "Choose a day.", "invalid": "Enter a date."},
    )
    time = forms.TimeField(
        input_formats=TIME_FORMATS,
        widget=TimeInput(step_minutes=15),
        error_messages={"required": "Choose a time.", "invalid": "Enter a time such as 09:00."},
    )

    def __init__(self, *args, number: int, minutes: int, now: datetime | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.number = number
        self.minutes = minutes
        self.now = now or timezone.now()

    def clean(self):
        cleaned = super().clean()
        day, at = cleaned.get("date"), cleaned.get("time")
        if day is None or at is None:
            return cleaned
        today = timezone.localdate(self.now)
        # Compare days first: far-off dates never reach datetime arithmetic.
        if day > today + LATEST_SESSION:
            raise forms.ValidationError("Choose a day within the next eighteen months.")
        starts_at = local_datetime(day, at) if day >= today else None
        if starts_at is None or starts_at < self.now:
            raise forms.ValidationError("That time has already passed: choose a time from now on.")
        cleaned["starts_at"] = starts_at
        return cleaned


def slot_initial(starts_at: datetime | None) -> dict:
    if starts_at is None:
        return {}
    local = timezone.localtime(starts_at)
    return {"date": local.date().isoformat(), "time": local.strftime("%H:%M")}


def parse_fill(value: str) -> tuple[int, str, str] | None:
    """A 'use this time' button's value, "index|YYYY-MM-DD|HH:MM"; None if it has been tampered with."""
    parts = value.split("|")
    if len(parts) != 3 or not parts[0].isdigit():
        return None
    try:
        date.fromisoformat(parts[1])
        time.fromisoformat(parts[2])
    except ValueError:
        return None
    return int(parts[0]), parts[1], parts[2]
