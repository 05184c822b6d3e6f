"""The audit pages' filters. Anything malformed is an error shown at its field; the list is then unfiltered."""

from datetime import date, datetime, time, timedelta

from django import forms
from django.db.models import QuerySet
from django.utils import timezone

from audit.models import AccessEvent
from clinic.forms_fields import ClinicDateField
from clinic.widgets import DateInput


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


class AuditFilterForm(forms.Form):
    date_from = ClinicDateField(label="From", required=False, widget=DateInput())
    date_to = ClinicDateField(label="To", required=False, widget=DateInput())
    kind = forms.ChoiceField(
        label="Page",
        required=False,
        choices=[("", "All pages"), *AccessEvent.Kind.choices],
        error_messages={"invalid_choice": "That is not one of the kinds of page."},
    )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", "The period ends before it starts.")
        return cleaned

    def _wanted(self) -> dict:
        return self.cleaned_data if self.is_valid() else {}

    def within_dates(self, events: QuerySet, field: str) -> QuerySet:
        """Events between the two days inclusive, in the clinic's time zone."""
        wanted = self._wanted()
        if wanted.get("date_from"):
            events = events.filter(**{f"{field}__gte": _start_of(wanted["date_from"])})
        if wanted.get("date_to"):
            events = events.filter(**{f"{field}__lt": _start_of(wanted["date_to"] + timedelta(days=1))})
        return events

    def filter_access(self, events: QuerySet) -> QuerySet:
        events = self.within_dates(events, "created_at")
        kind = self._wanted().get("kind")
        return events.filter(kind=kind) if kind else events
