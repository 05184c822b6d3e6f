"""A date field that refuses dates no one means, before they reach date arithmetic or PostgreSQL.

Python's dates run from year 1 to 9999 and PostgreSQL's further still, but the
clinic's code adds days, weeks and time zones to the dates it is given: near
either end of that range the arithmetic overflows and the page fails with a
500. Every date the app accepts is therefore held to a range, 1900 to 2199 by
default and tighter wherever the domain says so (a booking within ten years of
today, a date of birth not in the future), with the range in the message.
"""

from collections.abc import Callable
from datetime import date, timedelta

from django import forms
from django.forms import formsets
from django.utils import timezone

EARLIEST_DATE = date(1900, 1, 1)
LATEST_DATE = date(2199, 12, 31)
# The diary looks this far either side of today: bookings, the day sheet, the week, the next free slot.
DIARY_REACH = timedelta(days=3653)
OUT_OF_RANGE = "Enter a date between %(low)s and %(high)s."

# A bound is a date, or a function giving one, for bounds that move with the clinic's today.
Bound = date | Callable[[], date] | None


def _resolved(bound: Bound, fallback: date) -> date:
    if bound is None:
        return fallback
    return bound() if callable(bound) else bound


def diary_earliest() -> date:
    return timezone.localdate() - DIARY_REACH


def diary_latest() -> date:
    return timezone.localdate() + DIARY_REACH


def today() -> date:
    return timezone.localdate()


class ClinicDateField(forms.DateField):
    """A DateField between `min_date` and `max_date` inclusive (dates or callables), with the range in the message.

    The domain's own rules (a date in the future, before a date of birth) stay in the forms' clean
    methods with their own words; this field only keeps the value within sense, so those rules and
    any arithmetic after them always have an ordinary date to work with.
    """

    default_error_messages = {"out_of_range": OUT_OF_RANGE}

    def __init__(self, *, min_date: Bound = None, max_date: Bound = None, **kwargs):
        self.min_date, self.max_date = min_date, max_date
        super().__init__(**kwargs)

    def set_range(self, *, min_date: Bound = None, max_date: Bound = None) -> None:
        """Tighten the range after construction (a model form's field, or one whose bounds depend on the record)."""
        self.min_date, self.max_date = min_date, max_date
        self._show_range(self.widget)

    def __deepcopy__(self, memo):
        # Each form gets a copy of its class's fields: bounds that move with today are worked out afresh.
        copied = super().__deepcopy__(memo)
        copied._show_range(copied.widget)
        return copied

    @property
    def low(self) -> date:
        return max(_resolved(self.min_date, EARLIEST_DATE), EARLIEST_DATE)

    @property
    def high(self) -> date:
        return min(_resolved(self.max_date, LATEST_DATE), LATEST_DATE)

    def widget_attrs(self, widget) -> dict:
        attrs = super().widget_attrs(widget)
        if getattr(widget, "input_type", None) == "date":
            attrs.update(self._range_attrs())
        return attrs

    def _range_attrs(self) -> dict:
        # The browser's picker offers the same range; the server still checks it.
        return {"min": self.low.isoformat(), "max": self.high.isoformat()}

    def _show_range(self, widget) -> None:
        if getattr(widget, "input_type", None) == "date":
            widget.attrs.update(self._range_attrs())

    def validate(self, value) -> None:
        super().validate(value)
        if value in self.empty_values:
            return
        low, high = self.low, self.high
        if not low <= value <= high:
            raise forms.ValidationError(
                self.error_messages["out_of_range"],
                code="out_of_range",
                params={"low": f"{low:%b} {low.day}, {low.year}", "high": f"{high:%b} {high.day}, {high.year}"},
            )


class CappedFormSetMixin:
    """A formset that builds no rows at all when a post claims more than absolute_max of them.

    Django already builds at most absolute_max rows and refuses the post (validate_max), but it
    still builds, validates and shows that many. A count above the cap never comes from the page,
    whose "add a row" stops at max_num, so nothing typed is lost by refusing it outright; the page
    comes back small, with the message. Set absolute_max to max_num in the factory as well.
    """

    default_error_messages = {
        "too_many_forms": "There can be at most %(num)d rows here, and more were sent: nothing was saved.",
    }

    def total_form_count(self) -> int:
        if self.is_bound and self._claims_too_many_rows():
            return 0
        return super().total_form_count()

    def _claims_too_many_rows(self) -> bool:
        management = self.management_form
        if not management.is_valid():
            return False  # Django reports a damaged management form itself
        return management.cleaned_data[formsets.TOTAL_FORM_COUNT] > self.absolute_max
