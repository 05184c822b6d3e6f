"""Everything on the session page together: the main form, the three row sets and today's symptom scores."""

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS

from patients.safety import SafetyFacts
from treatments.models import Protocol, ProtocolPoint, TreatmentSession
from treatments.sessions.forms.points import PointCatalogue
from treatments.sessions.forms.rows import AdverseEventFormSet, ElectroFormSet, PointFormSet
from treatments.sessions.forms.session import SessionForm
from treatments.sessions.forms.symptom_scores import SymptomScoresForm
from treatments.sessions.refusals import (
    ELECTRO,
    HEAT,
    PREGNANCY,
    TREATMENT,
    electro_refusal,
    heat_refusal,
    session_refusals,
)
from treatments.sessions.todays_symptoms import SymptomToRescore

# Blank rows offered below the filled ones (JavaScript adds more on demand).
SPARE_POINT_ROWS, SPARE_ELECTRO_ROWS, SPARE_EVENT_ROWS = 3, 1, 1

# The page shows the pain boxes under "Before" and "After" headings; the error summary must say which.
SUMMARY_LABELS = {
    "first_step_pain_before": "First-step pain before treatment",
    "average_pain_before": "Average pain before treatment",
    "first_step_pain_after": "First-step pain after treatment",
    "average_pain_after": "Average pain after treatment",
}


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
        main = self.main.cleaned_data
        points = [row["point"] for row in self.points.filled() if row.get("point")]
        for row in self.electro.filled():
            points += [row[name] for name in ("point_a", "point_b") if row.get(name)]
        refusals = session_refusals(
            self.facts,
            points=points,
            has_electro=bool(self.electro.filled()),
            heat=main.get("heat", ""),
            pregnancy_override_reason=main.get("pregnancy_override_reason", ""),
        )
        if TREATMENT in refusals:
            self.refusal_errors.append(refusals[TREATMENT])
        if ELECTRO in refusals:
            self.electro.non_form_errors().append(refusals[ELECTRO])
        if HEAT in refusals:
            self.main.add_error("heat", refusals[HEAT])
        if PREGNANCY in refusals:
            self.main.add_error("pregnancy_override_reason", refusals[PREGNANCY])

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
