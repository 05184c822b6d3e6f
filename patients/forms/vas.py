"""The pain-score box: 0 to 10 on the visual analogue scale, one decimal, with one set of messages everywhere."""

from decimal import Decimal

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator

VAS_RANGE = "Enter a score from 0 (no pain) to 10 (worst imaginable)."
VAS_REQUIRED = "Enter the patient's score (0 to 10)."
VAS_NOT_A_NUMBER = "Enter the score as a number from 0 to 10, such as 6.5."
VAS_ONE_DECIMAL = "Use at most one decimal (e.g. 6.5): the scale is read to the millimetre."
VAS_HELP = "0 to 10, one decimal allowed (e.g. 6.5)."


class VasField(forms.DecimalField):
    """A 0–10 score read to one decimal; the browser gets the same range and step."""

    default_error_messages = {
        "required": VAS_REQUIRED,
        "invalid": VAS_NOT_A_NUMBER,
        "min_value": VAS_RANGE,
        "max_value": VAS_RANGE,
        "max_digits": VAS_RANGE,
        "max_whole_digits": VAS_RANGE,
        "max_decimal_places": VAS_ONE_DECIMAL,
    }

    def __init__(self, *, css_class: str = "", help_text: str = VAS_HELP, **kwargs):
        attrs = {"step": "0.1", "min": "0", "max": "10", "inputmode": "decimal"}
        if css_class:
            attrs["class"] = css_class
        kwargs.setdefault("widget", forms.NumberInput(attrs=attrs))
        super().__init__(decimal_places=1, help_text=help_text, **kwargs)
        self.validators += [
            MinValueValidator(Decimal(0), message=VAS_RANGE),
            MaxValueValidator(Decimal(10), message=VAS_RANGE),
        ]
