"""Adverse-event rates of the plans in the outcomes table's scope, and where they lie against published rates.

The denominators are the signed sessions of the plans in scope and the patients those sessions belong to.
An event is counted once per kind and severity; a session or patient with several events counts once in a
share. A minor event is one recorded as mild or moderate, a serious one as severe
(docs/clinical/measuring-progress.md#adverse-events). Sessions of one patient are not independent, so the
Wilson interval of the session share is narrower than it should be; the page says so.
"""

from dataclasses import dataclass, field

from treatments.models import AdverseEvent, AdverseEventReference
from treatments.progress.outcomes import Scope, fetch_rows, wilson_interval
from treatments.progress.reference_figures import compare_interval

Kind, Severity = AdverseEvent.Kind, AdverseEvent.Severity
MINOR, SERIOUS, ANY = "minor", "serious", "any"
# The severities behind each drill-down choice: one severity, a published grade, or any.
SEVERITIES = {
    **{severity.value: [severity.value] for severity in Severity},
    MINOR: [Severity.MILD.value, Severity.MODERATE.value],
    SERIOUS: [Severity.SEVERE.value],
    ANY: list(Severity.values),
}
SEVERITY_LABELS = {
    **dict(Severity.choices),
    MINOR: "Minor (mild or moderate)",
    SERIOUS: "Serious (severe)",
    ANY: "Any severity",
}

# The plans in scope come from the summary table ({plans}); only those with an event are joined to their
# sessions, so the cost follows the events, not the clinic's history.
EVENTS_CTE = """
WITH scoped AS MATERIALIZED ({plans}),
events AS (
    SELECT e.id, e.kind, e.severity, e.session_id, o.patient_id, s.started_at,
           CASE WHEN e.severity = 'severe' THEN 'serious' ELSE 'minor' END AS grade
    FROM scoped o
    JOIN treatments_treatmentsession s ON s.plan_id = o.plan_id AND s.signed_at IS NOT NULL
    JOIN treatments_adverseevent e ON e.session_id = s.id
    WHERE o.adverse_events > 0
)
"""

# Every count the page shows in one statement: by kind and severity, by kind, by severity, by published grade,
# and in all; the grand total row is there even with no events, and carries the denominators.
RATES_SQL = (
    EVENTS_CTE  # noqa: S608  (constant SQL; values go in as parameters)
    + """
SELECT kind, severity, grade, grouping(kind, severity, grade) AS level,
       count(id) AS events, count(DISTINCT session_id) AS sessions, count(DISTINCT patient_id) AS patients,
       (SELECT coalesce(sum(sessions), 0) FROM scoped) AS signed_sessions,
       (SELECT count(DISTINCT patient_id) FROM scoped WHERE sessions IS NOT NULL) AS signed_patients
FROM events
GROUP BY GROUPING SETS ((kind, severity), (kind), (severity), (grade), ())
"""
)

EVENT_LIST_SQL = (
    EVENTS_CTE
    + """
SELECT id FROM events
WHERE (%(kind)s::text IS NULL OR kind = %(kind)s) AND severity = ANY(%(severities)s::text[])
"""
)


@dataclass(frozen=True)
class Count:
    events: int = 0
    sessions: int = 0  # sessions with at least one such event
    patients: int = 0  # patients with at least one such event


@dataclass
class AdverseEventRates:
    signed_sessions: int
    signed_patients: int
    by_kind_and_severity: dict[tuple[str, str], Count] = field(default_factory=dict)
    by_kind: dict[str, Count] = field(default_factory=dict)
    by_severity: dict[str, Count] = field(default_factory=dict)
    by_grade: dict[str, Count] = field(default_factory=dict)
    total: Count = Count()

    def per_100_sessions(self, count: Count) -> float | None:
        return 100 * count.events / self.signed_sessions if self.signed_sessions else None

    def patient_share(self, count: Count) -> float | None:
        return count.patients / self.signed_patients if self.signed_patients else None

    def grade(self, grade: str) -> Count:
        return self.by_grade.get(grade, Count())

    def cell(self, severity: str, count: Count) -> "Cell":
        return Cell(severity=severity, count=count, per_100_sessions=self.per_100_sessions(count))

    def rows(self) -> list["KindRow"]:
        """The table: a row per kind with its count per severity and in all; the last row is every kind."""
        rows = [
            KindRow(
                kind=kind.value,
                label=kind.label,
                cells=[self.cell(s, self.by_kind_and_severity.get((kind.value, s.value), Count())) for s in Severity],
                total=self.cell(ANY, self.by_kind.get(kind.value, Count())),
                patient_share=self.patient_share(self.by_kind.get(kind.value, Count())),
            )
            for kind in Kind
        ]
        every_kind = KindRow(
            kind="",
            label="Any kind",
            cells=[self.cell(s, self.by_severity.get(s.value, Count())) for s in Severity],
            total=self.cell(ANY, self.total),
            patient_share=self.patient_share(self.total),
        )
        return [*rows, every_kind]


@dataclass(frozen=True)
class Cell:
    severity: str
    count: Count
    per_100_sessions: float | None


@dataclass(frozen=True)
class KindRow:
    kind: str  # "" for every kind
    label: str
    cells: list[Cell]
    total: Cell
    patient_share: float | None

    @property
    def cells_and_total(self) -> list[Cell]:
        return [*self.cells, self.total]


def adverse_event_rates(scope: Scope) -> AdverseEventRates:
    """The counts behind the adverse-event table (one query)."""
    rows = fetch_rows(RATES_SQL, scope)
    total = next(row for row in rows if row["level"] == 0b111)
    rates = AdverseEventRates(signed_sessions=total["signed_sessions"], signed_patients=total["signed_patients"])
    for row in rows:
        count = Count(row["events"], row["sessions"], row["patients"])
        if row["level"] == 0b111:
            rates.total = count
        elif row["level"] == 0b001:  # kind and severity
            rates.by_kind_and_severity[(row["kind"], row["severity"])] = count
        elif row["level"] == 0b011:  # kind
            rates.by_kind[row["kind"]] = count
        elif row["level"] == 0b101:  # severity
            rates.by_severity[row["severity"]] = count
        else:  # published grade
            rates.by_grade[row["grade"]] = count
    return rates


def event_ids(scope: Scope, *, kind: str | None, severity: str, limit: int, offset: int) -> list[int]:
    sql = EVENT_LIST_SQL + " ORDER BY started_at DESC, id DESC LIMIT %(limit)s OFFSET %(offset)s"
    params = {"kind": kind, "severities": SEVERITIES[severity], "limit": limit, "offset": offset}
    return [row["id"] for row in fetch_rows(sql, scope, params)]


def event_count(scope: Scope, *, kind: str | None, severity: str) -> int:
    sql = f"SELECT count(*) AS n FROM ({EVENT_LIST_SQL}) AS listed"  # noqa: S608  (constant SQL)
    return fetch_rows(sql, scope, {"kind": kind, "severities": SEVERITIES[severity]})[0]["n"]


@dataclass(frozen=True)
class ReferenceComparison:
    """One published rate beside the clinic's, as a share (0–1) with the clinic's Wilson interval."""

    label: str
    clinic_count: int
    clinic_of: int
    clinic_share: float | None
    clinic_interval: tuple[float, float] | None
    published_share: float | None
    mark: str | None
    per: int  # shown per 100 (percent) or per 10,000
    grade: str
    unit: str  # "sessions" or "patients"

    def shown(self, share: float | None) -> str:
        if share is None:
            return "—"
        value = share * self.per
        if self.per == 100:
            return f"{value:.1f}%"
        return f"{value:.1f} per 10,000" if value < 10 else f"{value:,.0f} per 10,000"

    @property
    def shown_clinic(self) -> str:
        return self.shown(self.clinic_share)

    @property
    def shown_published(self) -> str:
        return self.shown(self.published_share)

    @property
    def shown_low(self) -> str:
        return self.shown(self.clinic_interval[0]) if self.clinic_interval else ""

    @property
    def shown_high(self) -> str:
        return self.shown(self.clinic_interval[1]) if self.clinic_interval else ""


def compare_with_published(
    rates: AdverseEventRates, published: AdverseEventReference | None
) -> list[ReferenceComparison]:
    """The clinic's minor-event shares of sessions and patients, and its serious-event share of patients."""
    minor, serious = rates.grade(MINOR), rates.grade(SERIOUS)
    wanted = [
        ("Sessions with a minor event", minor.sessions, rates.signed_sessions, "minor_session_percent", 100, MINOR,
         "sessions"),
        ("Patients with a minor event", minor.patients, rates.signed_patients, "minor_patient_percent", 100, MINOR,
         "patients"),
        ("Patients with a serious event", serious.patients, rates.signed_patients, "serious_per_10000_patients",
         10000, SERIOUS, "patients"),
    ]  # fmt: skip
    comparisons = []
    for label, count, of, field_name, per, grade, unit in wanted:
        value = getattr(published, field_name) if published else None
        published_share = None if value is None else float(value) / per
        interval = wilson_interval(count, of)
        comparisons.append(
            ReferenceComparison(
                label=label,
                clinic_count=count,
                clinic_of=of,
                clinic_share=count / of if of else None,
                clinic_interval=interval,
                published_share=published_share,
                mark=compare_interval(interval, published_share),
                per=per,
                grade=grade,
                unit=unit,
            )
        )
    return comparisons
