"""The session's row sets: points needled, electroacupuncture pairs and adverse events, each row optional."""

from decimal import Decimal

from django import forms

from clinic.forms_fields import CappedFormSetMixin
from patients.models import Side
from treatments.models import AdverseEvent
from treatments.sessions.forms.points import PointCatalogue, PointField

FREQUENCY_MISSING = "Give the frequency in Hz (for example 2)."
FREQUENCY_RANGE = "The frequency must be above 0 Hz, at most 1000 Hz."
ELECTRO_MINUTES_RANGE = "Enter the minutes of stimulation, from 1 to 90."

MAX_POINT_ROWS, MAX_ELECTRO_ROWS, MAX_EVENT_ROWS = 40, 10, 10


class RowForm(forms.Form):
    """A row of a set: ignored while empty; once anything is typed, each field it needs is checked.

    Rows are never "required", and a message goes on the field to fix. Every row shares one
    catalogue read once per request, so a hundred rows cost no more queries than one.
    """

    # Fields whose value alone does not make a row "filled" (they come with a default).
    defaulted: tuple[str, ...] = ()
    # Point fields of the row: name → label.
    point_fields: dict[str, str] = {}

    def __init__(self, *args, catalogue: PointCatalogue, **kwargs):
        self.catalogue = catalogue
        super().__init__(*args, **kwargs)
        for name, label in self.point_fields.items():
            self.fields[name] = PointField(catalogue=catalogue, label=label)
        self.order_fields([*self.point_fields, *self.base_fields])
        for bound in self.fields.values():
            widget = bound.widget
            if isinstance(widget, forms.RadioSelect):
                continue
            css = "form-select" if isinstance(widget, forms.Select) else "form-control"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()

    def is_blank(self) -> bool:
        data = self.cleaned_data
        return all(data.get(name) in (None, "") for name in self.fields if name not in self.defaulted)

    def require(self, *names: str, message: str = "Fill this in, or clear the whole row.") -> None:
        for name in names:
            if self.cleaned_data.get(name) in (None, "") and name not in self.errors:
                self.add_error(name, message)


class NeedledPointForm(RowForm):
    defaulted = ("side",)
    point_fields = {"point": "Point"}

    side = forms.ChoiceField(label="Side", choices=Side.choices, initial=Side.BOTH, widget=forms.RadioSelect)
    ashi_location = forms.CharField(
        label="Where (ashi points)",
        max_length=120,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "placeholder": "e.g. medial heel, 2 cm from the edge"}),
    )

    def clean(self):
        data = super().clean()
        if "point" in self.errors or self.is_blank():
            return data
        point = data.get("point")
        if point is None:
            self.add_error("point", "Choose the point, or clear the row.")
        elif point.is_ashi and not data.get("ashi_location", "").strip():
            self.add_error("ashi_location", "Say where the ashi point is (it is found by palpation).")
        elif not point.is_ashi:
            data["ashi_location"] = ""
        return data


class ElectroForm(RowForm):
    point_fields = {"point_a": "From point", "point_b": "To point"}
    frequency_hz = forms.DecimalField(
        label="Frequency (Hz)",
        required=False,
        decimal_places=1,
        min_value=Decimal("0.1"),
        max_value=Decimal(1000),
        error_messages={
            "min_value": FREQUENCY_RANGE,
            "max_value": FREQUENCY_RANGE,
            "invalid": "Enter the frequency as a number of Hz, such as 2.",
            "max_decimal_places": "Use at most one decimal for the frequency.",
        },
        widget=forms.NumberInput(attrs={"step": "0.1", "min": "0.1", "inputmode": "decimal"}),
    )
    second_frequency_hz = forms.DecimalField(
        label="Alternating (Hz)",
        required=False,
        decimal_places=1,
        min_value=Decimal("0.1"),
        max_value=Decimal(1000),
        help_text="Dense-disperse only, e.g. 100 for 2/100 Hz.",
        error_messages={
            "min_value": FREQUENCY_RANGE,
            "max_value": FREQUENCY_RANGE,
            "invalid": "Enter the frequency as a number of Hz, such as 100.",
            "max_decimal_places": "Use at most one decimal for the frequency.",
        },
        widget=forms.NumberInput(attrs={"step": "0.1", "min": "0.1", "inputmode": "decimal"}),
    )
    minutes = forms.IntegerField(
        label="Minutes",
        required=False,
        min_value=1,
        max_value=90,
        error_messages={
            "min_value": ELECTRO_MINUTES_RANGE,
            "max_value": ELECTRO_MINUTES_RANGE,
            "invalid": ELECTRO_MINUTES_RANGE,
        },
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": "1", "max": "90"}),
    )

    def clean(self):
        data = super().clean()
        if self.is_blank() and not self.errors:
            return data
        self.require("point_a", "point_b", message="Choose both points of the pair.")
        self.require("frequency_hz", message=FREQUENCY_MISSING)
        self.require("minutes", message="Give the minutes of stimulation.")
        if data.get("point_a") and data.get("point_a") == data.get("point_b"):
            self.add_error("point_b", "A pair joins two different points.")
        return data


class AdverseEventForm(RowForm):
    kind = forms.ChoiceField(
        label="What happened", choices=[("", "Choose…"), *AdverseEvent.Kind.choices], required=False
    )
    severity = forms.ChoiceField(
        label="Severity", choices=[("", "Choose…"), *AdverseEvent.Severity.choices], required=False
    )
    action_taken = forms.CharField(
        label="Action taken", max_length=300, required=False, widget=forms.TextInput(attrs={"autocomplete": "off"})
    )

    def clean(self):
        data = super().clean()
        if self.is_blank() and not self.errors:
            return data
        self.require("kind", message="Choose what happened.")
        self.require("severity", message="Choose how severe it was.")
        self.require("action_taken", message="Say what was done about it (e.g. pressure applied, none needed).")
        return data


class BaseRowSet(CappedFormSetMixin, forms.BaseFormSet):
    """Rows in order; `filled()` gives the cleaned rows that carry something."""

    def filled(self) -> list[dict]:
        return [form.cleaned_data for form in self.forms if form.cleaned_data and not form.is_blank()]


class PointRowSet(BaseRowSet):
    def clean(self):
        if any(self.errors):
            return
        seen: dict[tuple[str, str, str], int] = {}
        for index, form in enumerate(self.forms):
            if not form.cleaned_data or form.is_blank():
                continue
            data = form.cleaned_data
            key = (data["point"].code, data["side"], data.get("ashi_location", "").strip().lower())
            if key in seen:
                form.add_error("point", f"{data['point'].code} is already listed in row {seen[key] + 1}.")
            else:
                seen[key] = index


def _row_set(form_class, base, max_rows):
    return forms.formset_factory(
        form_class, formset=base, extra=0, max_num=max_rows, validate_max=True, absolute_max=max_rows
    )


PointFormSet = _row_set(NeedledPointForm, PointRowSet, MAX_POINT_ROWS)
ElectroFormSet = _row_set(ElectroForm, BaseRowSet, MAX_ELECTRO_ROWS)
AdverseEventFormSet = _row_set(AdverseEventForm, BaseRowSet, MAX_EVENT_ROWS)
