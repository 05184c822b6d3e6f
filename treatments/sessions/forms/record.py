"""The session record's forms: pain, points, electroacupuncture, heat, adverse events, notes, home care.

One page carries a main form and three row sets (points needled, electro pairs,
adverse events) plus a quick re-score of the patient's symptoms. `SessionForms`
holds them together, because the safety rules read across them: a pregnancy
point in any row needs a reason on the main form, electro pairs are refused for
a patient with an implanted device, heat needs the consent to cover it.

Rows are never "required": a row is ignored while it is empty, and once anything
is typed in it every field the row needs is checked, with the message on that
field. Points are chosen by WHO code from a catalogue read once per request,
so a hundred rows cost no more queries than one.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.text import slugify

from patients.models import FOOT_SPOTS, Intake, Side, SymptomRecord, foot_spot_label
from patients.safety import SafetyFacts, blocks_all_treatment, blocks_electroacupuncture, blocks_heat
from patients.safety import points_needing_override as pregnancy_points
from patients.symptoms import current_records, symptom_key
from treatments.models import AcupuncturePoint, AdverseEvent, Meridian, Protocol, ProtocolPoint, TreatmentSession
from treatments.models.sessions import RETENTION_LIMITS, TYPICAL_RETENTION

VAS_RANGE = "Enter a score from 0 (no pain) to 10 (worst imaginable)."
VAS_NOT_A_NUMBER = "Enter the score as a number from 0 to 10, such as 6.5."
VAS_ONE_DECIMAL = "Use at most one decimal (e.g. 6.5): the scale is read to the millimetre."
NEEDLES_RANGE = "Enter a number of needles from 0 to 80."
RETENTION_RANGE = (
    f"Needles stay in between {RETENTION_LIMITS[0]} and {RETENTION_LIMITS[1]} minutes; check the number "
    f"(usually {TYPICAL_RETENTION[0]}–{TYPICAL_RETENTION[1]})."
)
FREQUENCY_MISSING = "Give the frequency in Hz (for example 2)."
FREQUENCY_RANGE = "The frequency must be above 0 Hz, at most 1000 Hz."
ELECTRO_MINUTES_RANGE = "Enter the minutes of stimulation, from 1 to 90."

# The page shows the pain boxes under "Before" and "After" headings; the error summary must say which.
SUMMARY_LABELS = {
    "first_step_pain_before": "First-step pain before treatment",
    "average_pain_before": "Average pain before treatment",
    "first_step_pain_after": "First-step pain after treatment",
    "average_pain_after": "Average pain after treatment",
}

# Home-care advice given at most visits; the form offers each one as a quick insert.
HOME_CARE_SNIPPETS = (
    (
        "Self-massage",
        "Self-massage of KI1 (Yongquan, on the sole) and Shimian (centre of the heel): 1–2 minutes each, "
        "moderate to strong pressure, once or twice a day.",
    ),
    (
        "Stretches",
        "Calf and heel stretches: hold each stretch for 30 seconds, three times, morning and evening, "
        "and before the first steps after resting.",
    ),
)

MAX_POINT_ROWS, MAX_ELECTRO_ROWS, MAX_EVENT_ROWS = 40, 10, 10
# Blank rows offered below the filled ones (JavaScript adds more on demand).
SPARE_POINT_ROWS, SPARE_ELECTRO_ROWS, SPARE_EVENT_ROWS = 3, 1, 1


def one_decimal_field(label: str, *, required: bool, help_text: str = "") -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        required=required,
        decimal_places=1,
        validators=[
            MinValueValidator(Decimal(0), message=VAS_RANGE),
            MaxValueValidator(Decimal(10), message=VAS_RANGE),
        ],
        error_messages={
            "required": "Enter the patient's score (0 to 10).",
            "invalid": VAS_NOT_A_NUMBER,
            "max_decimal_places": VAS_ONE_DECIMAL,
            "max_digits": VAS_RANGE,
            "max_whole_digits": VAS_RANGE,
        },
        help_text=help_text,
        widget=forms.NumberInput(
            attrs={"step": "0.1", "min": "0", "max": "10", "inputmode": "decimal", "class": "form-control vas-input"}
        ),
    )


def and_list(items: list[str]) -> str:
    """'A', 'A and B', 'A, B and C'."""
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} and {items[-1]}"


# --- why a safety rule refuses ---------------------------------------------------------------


def treatment_refusal(facts: SafetyFacts) -> str | None:
    """Why no session at all may be recorded for this patient, or None."""
    if not blocks_all_treatment(facts):
        return None
    if facts.consent_in_force is None:
        if any(consent.withdrawn_on for consent in facts.consents):
            return "The patient's consent to acupuncture was withdrawn, so no session can be recorded."
        return "There is no consent to acupuncture on file for this patient, so no session can be recorded."
    return "Severe bleeding disorder: needling is excluded for this patient, so no session can be recorded."


def electro_refusal(facts: SafetyFacts) -> str | None:
    if not blocks_electroacupuncture(facts):
        return None
    if facts.intake and facts.intake.implanted_device:
        device = facts.intake.implanted_device_detail or "Implanted electrical device"
        return f"{device} — electroacupuncture is not allowed for this patient."
    return "The consent on file does not cover electroacupuncture."


def heat_refusal(facts: SafetyFacts) -> str | None:
    return "The consent on file does not cover heat or moxibustion." if blocks_heat(facts) else None


def pregnancy_message(codes: list[str]) -> str:
    verb = "is" if len(codes) == 1 else "are"
    them = "it" if len(codes) == 1 else "them"
    return f"{and_list(codes)} {verb} to be avoided in pregnancy: give a reason to needle {them} anyway."


# --- the point catalogue ---------------------------------------------------------------------


class PointCatalogue:
    """Every point, read in one query, as grouped select choices and a lookup by code."""

    def __init__(self, points: list[AcupuncturePoint], *, pregnant: bool = False):
        order = {value: index for index, value in enumerate(Meridian.values)}
        self.points = sorted(points, key=lambda p: (order.get(p.meridian, 99), p.number or 0, p.code))
        self.by_code = {point.code.upper(): point for point in self.points}
        self.ashi_codes = [point.code for point in self.points if point.is_ashi]
        groups: dict[str, list[tuple[str, str]]] = {}
        for point in self.points:
            # "KI3 Taixi"; extra points named by their pinyin read "Shimian (sound sleep)".
            if point.pinyin.upper() == point.code.upper():
                label = f"{point.pinyin} ({point.english.lower()})"
            else:
                label = f"{point.code} {point.pinyin}"
            if pregnant and point.avoid_in_pregnancy:
                label += " (avoid in pregnancy)"
            groups.setdefault(Meridian(point.meridian).label, []).append((point.code, label))
        self.choices = [("", "Choose a point"), *groups.items()]

    @classmethod
    def load(cls, *, pregnant: bool = False) -> "PointCatalogue":
        return cls(list(AcupuncturePoint.objects.all()), pregnant=pregnant)

    def get(self, code: str) -> AcupuncturePoint | None:
        return self.by_code.get((code or "").strip().upper())


class PointField(forms.Field):
    """A point chosen by its WHO code; an unknown code is refused at the field that carries it."""

    widget = forms.Select

    def __init__(self, *, catalogue: PointCatalogue, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)
        self.catalogue = catalogue
        self.widget.choices = catalogue.choices

    def to_python(self, value):
        if value in self.empty_values:
            return None
        point = self.catalogue.get(str(value))
        if point is None:
            raise forms.ValidationError(
                "There is no point “%(code)s” in the catalogue. Choose one from the list.",
                code="unknown_point",
                params={"code": str(value)[:20]},
            )
        return point

    def prepare_value(self, value):
        return value.code if isinstance(value, AcupuncturePoint) else value


# --- the main form ---------------------------------------------------------------------------


class SessionForm(forms.ModelForm):
    first_step_pain_before = one_decimal_field("First-step pain", required=True)
    average_pain_before = one_decimal_field("Average pain", required=True)
    first_step_pain_after = one_decimal_field("First-step pain", required=False, help_text="Needed to sign.")
    average_pain_after = one_decimal_field("Average pain", required=False, help_text="Needed to sign.")
    needle_count = forms.IntegerField(
        label="Needles used",
        required=False,
        min_value=0,
        max_value=80,
        error_messages={"min_value": NEEDLES_RANGE, "max_value": NEEDLES_RANGE, "invalid": NEEDLES_RANGE},
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": "0", "max": "80"}),
    )
    retention_minutes = forms.IntegerField(
        label="Needles retained (minutes)",
        required=False,
        min_value=RETENTION_LIMITS[0],
        max_value=RETENTION_LIMITS[1],
        error_messages={
            "min_value": RETENTION_RANGE,
            "max_value": RETENTION_RANGE,
            "invalid": "Enter the minutes as a whole number, such as 30.",
        },
        help_text=f"Usually {TYPICAL_RETENTION[0]}–{TYPICAL_RETENTION[1]} minutes.",
        widget=forms.NumberInput(
            attrs={
                "inputmode": "numeric",
                "min": str(RETENTION_LIMITS[0]),
                "max": str(RETENTION_LIMITS[1]),
                "data-typical-low": str(TYPICAL_RETENTION[0]),
                "data-typical-high": str(TYPICAL_RETENTION[1]),
            }
        ),
    )
    heat = forms.ChoiceField(
        label="Heat", choices=TreatmentSession.Heat.choices, required=False, widget=forms.RadioSelect
    )
    nsaid_use = forms.ChoiceField(
        label="NSAID use now", choices=Intake.NsaidUse.choices, widget=forms.RadioSelect, initial=Intake.NsaidUse.NONE
    )

    class Meta:
        model = TreatmentSession
        fields = [
            "first_step_pain_before",
            "average_pain_before",
            "first_step_pain_after",
            "average_pain_after",
            "needle_count",
            "retention_minutes",
            "heat",
            "other_techniques",
            "pregnancy_override_reason",
            "subjective",
            "objective",
            "assessment",
            "plan_notes",
            "home_care",
            "nsaid_use",
        ]
        labels = {
            "other_techniques": "Other techniques",
            "pregnancy_override_reason": "Reason for needling a point to avoid in pregnancy",
            "subjective": "Subjective: what the patient reports",
            "objective": "Objective: what you found",
            "assessment": "Assessment",
            "plan_notes": "Plan",
            "home_care": "Home care given",
        }
        help_texts = {
            "other_techniques": "E.g. cupping, gua sha, taping.",
            "pregnancy_override_reason": "Only when a point listed to avoid in pregnancy is needled.",
        }
        widgets = {
            "subjective": forms.Textarea(attrs={"rows": 3}),
            "objective": forms.Textarea(attrs={"rows": 3}),
            "assessment": forms.Textarea(attrs={"rows": 3}),
            "plan_notes": forms.Textarea(attrs={"rows": 3}),
            "home_care": forms.Textarea(attrs={"rows": 3}),
            "pregnancy_override_reason": forms.TextInput(attrs={"autocomplete": "off"}),
            "other_techniques": forms.TextInput(attrs={"autocomplete": "off"}),
        }

    @property
    def retention_is_unusual(self) -> bool:
        """For the non-blocking reminder beside the field (the form as typed, or as it was saved)."""
        if self.is_bound:
            minutes = getattr(self, "cleaned_data", {}).get("retention_minutes")
        else:
            minutes = self.initial.get("retention_minutes")  # holds the saved value unless typed over
        try:
            minutes = int(minutes)
        except (TypeError, ValueError):
            return False
        return not TYPICAL_RETENTION[0] <= minutes <= TYPICAL_RETENTION[1]


# --- the row forms ---------------------------------------------------------------------------


class RowForm(forms.Form):
    """A row of a set: ignored while empty; once anything is typed, its needs are checked."""

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


class BaseRowSet(forms.BaseFormSet):
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


# --- today's symptoms ------------------------------------------------------------------------


@dataclass
class SymptomToRescore:
    """One symptom of the patient's current map, offered for a quick score today."""

    name: str
    symptom: str
    symptom_other: str
    label: str
    spots: list[str]
    severity: int
    recorded_on: date
    timing: str
    todays: list[SymptomRecord] = field(default_factory=list)

    @property
    def spot_labels(self) -> list[str]:
        return [foot_spot_label(spot) for spot in self.spots]


def symptoms_to_rescore(records: list[SymptomRecord], day: date) -> list[SymptomToRescore]:
    """The current picture of each symptom: its places and highest severity on its latest date."""
    grouped: dict[tuple[str, str], list[SymptomRecord]] = {}
    for record in current_records(records):
        grouped.setdefault(symptom_key(record), []).append(record)
    rows = []
    for (symptom, other), group in sorted(grouped.items()):
        places = {spot for record in group for spot in record.spots}
        newest = max(group, key=lambda r: r.pk)
        rows.append(
            SymptomToRescore(
                name=f"rescore_{symptom}" + (f"_{slugify(other)[:30]}" if other else ""),
                symptom=symptom,
                symptom_other=newest.symptom_other if other else "",
                label=newest.symptom_label,
                spots=[spot for spot in FOOT_SPOTS if spot in places],
                severity=max(record.severity for record in group),
                recorded_on=group[0].recorded_on,
                timing=newest.timing,
                todays=group if group[0].recorded_on == day else [],
            )
        )
    return rows


class SymptomScoresForm(forms.Form):
    """One 0–10 box per current symptom; a box left empty changes nothing."""

    def __init__(self, *args, symptoms: list[SymptomToRescore], **kwargs):
        super().__init__(*args, **kwargs)
        self.symptoms = symptoms
        message = "Enter the severity as a whole number from 0 (none) to 10 (worst imaginable)."
        for symptom in symptoms:
            self.fields[symptom.name] = forms.IntegerField(
                label=f"{symptom.label} today",
                required=False,
                min_value=0,
                max_value=10,
                initial=symptom.severity if symptom.todays else None,
                error_messages={"min_value": message, "max_value": message, "invalid": message},
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


# --- everything on the page together ---------------------------------------------------------


def protocol_points() -> dict[str, dict]:
    """Active protocols with their points, for the select and for session.js (two queries)."""
    protocols = {p.pk: p for p in Protocol.objects.filter(is_active=True).order_by("name")}
    rows = (
        ProtocolPoint.objects.filter(protocol__in=protocols)
        .select_related("point")
        .order_by("protocol_id", "id")
        .values_list("protocol_id", "point__code", "side")
    )
    result = {str(pk): {"name": protocol.name, "points": []} for pk, protocol in protocols.items()}
    for protocol_id, code, side in rows:
        result[str(protocol_id)]["points"].append({"code": code, "side": side})
    return result


def _raw_rows(formset) -> list[dict]:
    """A bound row set's values as typed, to show them again unsaved."""
    rows = []
    for form in formset.forms:
        values = {name: form[name].value() for name in form.fields}
        rows.append(values)
    return rows


class SessionForms:
    """The main form, the three row sets and the symptom scores of one session page."""

    def __init__(
        self,
        data=None,
        *,
        session: TreatmentSession,
        facts: SafetyFacts,
        catalogue: PointCatalogue,
        symptoms: list[SymptomToRescore],
        initial: dict | None = None,
        rows: dict[str, list[dict]] | None = None,
    ):
        self.session, self.facts, self.catalogue = session, facts, catalogue
        rows = rows if rows is not None else self._rows_of(session)
        kwargs = {"form_kwargs": {"catalogue": catalogue}}
        self.main = SessionForm(data, instance=session, initial=initial)

        def rows_with_spares(name: str, spares: int) -> list[dict] | None:
            # A bound row set reads its rows from the data; an unbound one shows the rows and a few blank ones.
            return None if data is not None else rows[name] + [{}] * spares

        self.points = PointFormSet(
            data, prefix="points", initial=rows_with_spares("points", SPARE_POINT_ROWS), **kwargs
        )
        self.electro = ElectroFormSet(
            data, prefix="electro", initial=rows_with_spares("electro", SPARE_ELECTRO_ROWS), **kwargs
        )
        self.events = AdverseEventFormSet(
            data, prefix="events", initial=rows_with_spares("events", SPARE_EVENT_ROWS), **kwargs
        )
        self.symptoms = SymptomScoresForm(
            data, symptoms=symptoms, prefix="symptoms", initial=(initial or {}).get("_symptoms")
        )
        self.electro_refusal = electro_refusal(facts)
        self.heat_refusal = heat_refusal(facts)
        self.refusal_errors: list[str] = []

    @staticmethod
    def _rows_of(session: TreatmentSession) -> dict[str, list[dict]]:
        if session.pk is None:
            return {"points": [], "electro": [], "events": []}
        return {
            "points": [
                {"point": row.point.code, "side": row.side, "ashi_location": row.ashi_location}
                for row in session.needled_points.select_related("point")
            ],
            "electro": [
                {
                    "point_a": row.point_a.code,
                    "point_b": row.point_b.code,
                    "frequency_hz": row.frequency_hz,
                    "second_frequency_hz": row.second_frequency_hz,
                    "minutes": row.minutes,
                }
                for row in session.electro.select_related("point_a", "point_b")
            ],
            "events": [
                {"kind": row.kind, "severity": row.severity, "action_taken": row.action_taken}
                for row in session.adverse_events.all()
            ],
        }

    def is_valid(self) -> bool:
        """Every field and row, then the safety rules across them (checked even when a field is wrong,
        so the practitioner hears every reason at once)."""
        parts = [self.main, self.points, self.electro, self.events, self.symptoms]
        valid = all([part.is_valid() for part in parts])
        self._check_safety()
        return valid and not self.refusal_errors and not self.main.errors and not self.electro.non_form_errors()

    def _check_safety(self) -> None:
        refusal = treatment_refusal(self.facts)
        if refusal:
            self.refusal_errors.append(refusal)
        if self.electro_refusal and self.electro.filled():
            self.electro.non_form_errors().append(self.electro_refusal)
        if self.heat_refusal and self.main.cleaned_data.get("heat"):
            self.main.add_error("heat", self.heat_refusal)
        codes = [row["point"].code for row in self.points.filled() if row.get("point")]
        for row in self.electro.filled():
            codes += [row[name].code for name in ("point_a", "point_b") if row.get(name)]
        needing = list(dict.fromkeys(pregnancy_points(self.facts, codes)))
        if needing:
            if not self.main.cleaned_data.get("pregnancy_override_reason", "").strip():
                self.main.add_error("pregnancy_override_reason", pregnancy_message(needing))
        elif "pregnancy_override_reason" in self.main.cleaned_data:
            # A reason is kept only while a point needs it.
            self.main.cleaned_data["pregnancy_override_reason"] = ""
            self.main.instance.pregnancy_override_reason = ""

    def error_summary(self) -> list[tuple[str, str]]:
        """Every problem on the page as (anchor, text), for the summary at the top."""
        items = [("", text) for text in self.refusal_errors]

        def anchor(form, name: str) -> str:
            if name == NON_FIELD_ERRORS:
                return ""
            bound = form[name]
            return f"{bound.html_name}-group" if isinstance(bound.field.widget, forms.RadioSelect) else bound.auto_id

        for name, errors in self.main.errors.items():
            label = SUMMARY_LABELS.get(name) or (self.main.fields[name].label if name in self.main.fields else "")
            items.append((anchor(self.main, name), f"{label}: {errors[0]}" if label else errors[0]))
        for title, section, formset in (
            ("Points needled", "points", self.points),
            ("Electroacupuncture", "electro", self.electro),
            ("Adverse events", "events", self.events),
        ):
            items += [(section, f"{title}: {error}") for error in formset.non_form_errors()]
            for number, form in enumerate(formset.forms, start=1):
                for name, errors in form.errors.items():
                    items.append((anchor(form, name), f"{title}, row {number}: {errors[0]}"))
        for name, errors in self.symptoms.errors.items():
            items.append((anchor(self.symptoms, name), f"{self.symptoms.fields[name].label}: {errors[0]}"))
        return items

    def with_protocol(self, protocol_id: str) -> tuple["SessionForms", str]:
        """The page again, unsaved, with the protocol's points added to the rows (and what happened)."""
        protocols = protocol_points()
        chosen = protocols.get(str(protocol_id or "").strip())
        point_rows = [row for row in _raw_rows(self.points) if row.get("point")]
        if chosen is None:
            note = "Choose a protocol to apply."
        else:
            present = {str(row["point"]).upper() for row in point_rows}
            added = [p for p in chosen["points"] if p["code"].upper() not in present]
            point_rows += [{"point": p["code"], "side": p["side"], "ashi_location": ""} for p in added]
            note = (
                f"Added {len(added)} point{'s' if len(added) != 1 else ''} of “{chosen['name']}”. "
                "Adjust them, then save: nothing is saved yet."
            )
        initial = {name: self.main[name].value() for name in self.main.fields}
        initial["_symptoms"] = {name: self.symptoms[name].value() for name in self.symptoms.fields}
        rows = {
            "points": point_rows,
            "electro": [row for row in _raw_rows(self.electro) if any(v not in (None, "") for v in row.values())],
            "events": [row for row in _raw_rows(self.events) if any(v not in (None, "") for v in row.values())],
        }
        again = SessionForms(
            session=self.session,
            facts=self.facts,
            catalogue=self.catalogue,
            symptoms=self.symptoms.symptoms,
            initial=initial,
            rows=rows,
        )
        return again, note


# --- amending a signed session ---------------------------------------------------------------

AMENDABLE_FIELDS = (
    "first_step_pain_before",
    "average_pain_before",
    "first_step_pain_after",
    "average_pain_after",
    "needle_count",
    "retention_minutes",
    "subjective",
    "objective",
    "assessment",
    "plan_notes",
    "home_care",
    "nsaid_use",
)


class AmendForm(forms.Form):
    """The signed values, prefilled: change what is wrong, say why."""

    first_step_pain_before = one_decimal_field("First-step pain before treatment", required=True)
    average_pain_before = one_decimal_field("Average pain before treatment", required=True)
    first_step_pain_after = one_decimal_field("First-step pain after treatment", required=True)
    average_pain_after = one_decimal_field("Average pain after treatment", required=True)
    needle_count = SessionForm.base_fields["needle_count"]
    retention_minutes = SessionForm.base_fields["retention_minutes"]
    subjective = forms.CharField(label="Subjective", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    objective = forms.CharField(label="Objective", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    assessment = forms.CharField(label="Assessment", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    plan_notes = forms.CharField(label="Plan", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    home_care = forms.CharField(label="Home care given", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    nsaid_use = forms.ChoiceField(label="NSAID use now", choices=Intake.NsaidUse.choices, widget=forms.RadioSelect)
    reason = forms.CharField(
        label="Reason for the correction",
        max_length=300,
        error_messages={"required": "Say why the signed record is being corrected."},
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
        help_text="Kept with the amendment, e.g. “Patient's after-score misheard: 3.5, not 5.3”.",
    )

    def __init__(self, *args, session: TreatmentSession, **kwargs):
        kwargs.setdefault("initial", {name: getattr(session, name) for name in AMENDABLE_FIELDS})
        super().__init__(*args, **kwargs)
        self.session = session

    def changes(self) -> dict:
        """The new values of the fields that differ from the signed record."""
        return {
            name: self.cleaned_data[name]
            for name in AMENDABLE_FIELDS
            if self.cleaned_data.get(name) != getattr(self.session, name)
        }
