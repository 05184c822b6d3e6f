"""The browser's own date and time pickers, shared by every form in the clinic.

They always send ISO values (2025-06-02, 09:30), so the fields parse one format
whatever the user's locale, and a saved value is shown back in the same format.
"""

from django import forms


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class TimeInput(forms.TimeInput):
    """A time picker that steps by `step_minutes` (its arrows and its list of times)."""

    input_type = "time"

    def __init__(self, attrs=None, *, step_minutes: int = 5):
        super().__init__(attrs={"step": step_minutes * 60, **(attrs or {})}, format="%H:%M")
