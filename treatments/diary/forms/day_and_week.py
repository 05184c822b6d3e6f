"""Forms behind the front desk's views of the diary: which day, which week, which free slot."""

from datetime import timedelta

from django import forms
from django.utils import timezone

from clinic.forms_fields import ClinicDateField, diary_earliest, diary_latest
from clinic.models import User
from clinic.widgets import DateInput
from treatments.models import Location

# The next-free-slot search looks this far ahead of the chosen day.
FREE_SLOT_SEARCH_DAYS = 28
FREE_SLOTS_SHOWN = 5
MIN_MINUTES, MAX_MINUTES, MINUTES_STEP = 15, 120, 5


class MinutesField(forms.IntegerField):
    def __init__(self, **kwargs):
        kwargs.setdefault("label", "Length (minutes)")
        super().__init__(
            min_value=MIN_MINUTES,
            max_value=MAX_MINUTES,
            step_size=MINUTES_STEP,
            error_messages={
                "min_value": f"An appointment lasts at least {MIN_MINUTES} minutes.",
                "max_value": f"An appointment lasts at most {MAX_MINUTES} minutes.",
                "step_size": f"Use a multiple of {MINUTES_STEP} minutes.",
            },
            **kwargs,
        )


class DiaryDateField(ClinicDateField):
    """A day in the diary: ISO only, within ten years either side of today (no one books or looks further)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("input_formats", ["%Y-%m-%d"])
        kwargs.setdefault("widget", DateInput())
        super().__init__(min_date=diary_earliest, max_date=diary_latest, **kwargs)


class DayForm(forms.Form):
    """The day sheet's query string. Ids are checked against lists the view has already loaded."""

    date = DiaryDateField(required=False)
    location = forms.IntegerField(required=False, min_value=1)


class WeekForm(forms.Form):
    start = DiaryDateField(required=False)
    practitioner = forms.IntegerField(required=False, min_value=1)


class NextFreeForm(forms.Form):
    practitioner = forms.ModelChoiceField(
        queryset=User.objects.practitioners(),
        empty_label="Choose a practitioner",
        error_messages={"invalid_choice": "Choose one of the practitioners in the list."},
    )
    minutes = MinutesField(initial=45)
    location = forms.ModelChoiceField(
        queryset=Location.objects.filter(is_active=True),
        empty_label="Choose a location",
        error_messages={"invalid_choice": "Choose one of the locations in the list."},
    )
    from_date = DiaryDateField(label="From")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["from_date"].initial = timezone.localdate()
        self.fields["from_date"].help_text = f"Searches {FREE_SLOT_SEARCH_DAYS} days from this day."
        self.fields["practitioner"].label_from_instance = lambda user: user.display_name

    def clean_from_date(self):
        day = self.cleaned_data["from_date"]
        if day < timezone.localdate():
            raise forms.ValidationError("Choose today or a later day: free slots in the past are no use.")
        return day

    @property
    def last_day(self):
        return self.cleaned_data["from_date"] + timedelta(days=FREE_SLOT_SEARCH_DAYS - 1)
