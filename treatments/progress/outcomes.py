"""Clinic outcomes by treatment approach: aggregates over the per-plan summary table.

Every plan's outcome (baseline, end of plan, relief session and weeks, improvement by session 4, NSAID
change, the 6-month follow-up, adverse events) is stored in treatments.PlanOutcome and kept up to date by the
database in the same transaction as the change (treatments/models/outcomes.py says what each column means
and migration 0011 holds the SQL). So each figure here is one aggregate over that indexed table, whatever the
clinic's history: the cost follows the plans in scope, never the sessions behind them. Python only does
arithmetic on the aggregates (confidence intervals).

The definitions agree with treatments.progress.plan_progress (the progress pages), which
tests/treatments/test_outcomes_agree_with_progress.py checks on random cohorts, with the stored rows compared
against a rebuild from scratch. A plan lacking the data for a figure is counted as missing for that figure.

Report statements run on the reports database (a read replica when REPORTS_DATABASE_URL is set) under a
statement timeout, so a slow report gives up with a message instead of holding a worker the front desk needs.

Definitions and their sources: docs/clinical/measuring-progress.md#outcomes-table.
"""

import math
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date

from django.conf import settings as django_settings
from django.db import connections

from treatments.models import PlanOutcome, TreatmentPlan
from treatments.progress.reporting import reports_db

Z_95 = 1.959963984540054
# Two-sided 95% Student t quantiles for small samples; beyond 30 degrees of freedom the normal value is close.
T_95 = {
    1: 12.706, 2: 4.303, 3: 3.182, 4: 2.776, 5: 2.571, 6: 2.447, 7: 2.365, 8: 2.306, 9: 2.262, 10: 2.228,
    11: 2.201, 12: 2.179, 13: 2.160, 14: 2.145, 15: 2.131, 16: 2.120, 17: 2.110, 18: 2.101, 19: 2.093, 20: 2.086,
    21: 2.080, 22: 2.074, 23: 2.069, 24: 2.064, 25: 2.060, 26: 2.056, 27: 2.052, 28: 2.048, 29: 2.045, 30: 2.042,
}  # fmt: skip

APPROACHES = TreatmentPlan.Approach


@dataclass(frozen=True)
class Scope:
    """Which plans count: the filters, already validated."""

    started_from: date | None = None
    started_to: date | None = None
    practitioner_id: int | None = None
    diagnosis_code: str | None = None
    approach: str | None = None
    location_id: int | None = None
    # Practitioners see their own plans only.
    only_practitioner_id: int | None = None
    completed_only: bool = True


def t_quantile(degrees_of_freedom: int) -> float:
    return T_95.get(degrees_of_freedom, Z_95 if degrees_of_freedom > 30 else float("nan"))


NO_INTERVAL_FEW = "n < 2"
NO_INTERVAL_EQUAL = "all values equal"


def no_interval_reason(n: int, sd: float | None) -> str | None:
    """Why a mean of `n` values with standard deviation `sd` gets no confidence interval, if it does not.

    One value has no spread to estimate; values that are all equal give an
    interval of zero width, which would claim a certainty a sample cannot give.
    """
    if n < 2 or sd is None:
        return NO_INTERVAL_FEW
    if sd == 0:
        return NO_INTERVAL_EQUAL
    return None


def mean_interval(mean: float | None, sd: float | None, n: int) -> tuple[float, float] | None:
    """The 95% t interval of a mean, or None when there is none (see no_interval_reason)."""
    if mean is None or no_interval_reason(n, sd) is not None:
        return None
    half = t_quantile(n - 1) * sd / math.sqrt(n)
    return (mean - half, mean + half)


def wilson_interval(successes: int, n: int) -> tuple[float, float] | None:
    if n == 0:
        return None
    p = successes / n
    z2 = Z_95 * Z_95
    centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    half = Z_95 * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / (1 + z2 / n)
    return (max(0.0, centre - half), min(1.0, centre + half))


GROUP_SQL = """
SELECT approach,
       count(*) AS n,
       count(reduction) AS reduction_n, avg(reduction) AS reduction_mean, stddev_samp(reduction) AS reduction_sd,
       count(weeks_to_relief) AS relief_n,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY weeks_to_relief) AS relief_median_weeks,
       count(sessions) AS with_sessions,
       count(relapsed) AS followed_up, count(*) FILTER (WHERE relapsed) AS relapsed,
       count(*) FILTER (WHERE never_relieved) AS never_relieved,
       count(*) FILTER (WHERE outside_window) AS outside_window,
       count(improved_by_4) AS improved4_n, count(*) FILTER (WHERE improved_by_4) AS improved4,
       count(nsaid_reduced) AS nsaid_n, count(*) FILTER (WHERE nsaid_reduced) AS nsaid_reduced,
       count(*) FILTER (WHERE nsaid_not_applicable) AS nsaid_not_applicable
FROM ({plans}) AS o
GROUP BY GROUPING SETS ((approach), ())
"""

SESSION_MEANS_SQL = """
SELECT o.approach, s.n, avg(s.first_step) AS mean_fs, count(s.first_step) AS n_plans
FROM ({plans}) AS o
CROSS JOIN LATERAL unnest(o.first_steps) WITH ORDINALITY AS s(first_step, n)
GROUP BY o.approach, s.n
ORDER BY o.approach, s.n
"""

CHANGE_DISTRIBUTION_SQL = """
SELECT floor(reduction)::int AS bucket, count(*) AS plans
FROM ({plans}) AS o
WHERE reduction IS NOT NULL
GROUP BY 1 ORDER BY 1
"""


def plans_in_scope(scope: Scope, alias: str | None = None):
    return PlanOutcome.objects.using(alias or reports_db()).in_scope(scope)


def scoped_sql(sql: str, scope: Scope, params: dict | None = None, *, alias: str) -> tuple[str, dict]:
    """`sql` with its `{plans}` replaced by the summary rows in scope, and the parameters of both."""
    plans_sql, plans_params = plans_in_scope(scope, alias).query.sql_with_params()
    # The scope's SQL comes from the ORM with %s placeholders; the statement's own values are named.
    named = {f"scope_{index}": value for index, value in enumerate(plans_params)}
    plans_sql = plans_sql % tuple(f"%({name})s" for name in named)
    return sql.format(plans=plans_sql), {**named, **(params or {})}


def fetch_rows(sql: str, scope: Scope, params: dict | None = None, *, alias: str | None = None) -> list[dict]:
    """Rows of `sql`, whose `{plans}` stands for the summary rows in scope (call inside report_queries)."""
    alias = alias or reports_db()
    with connections[alias].cursor() as cursor:
        cursor.execute(*scoped_sql(sql, scope, params, alias=alias))
        names = [column.name for column in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _yes_no(column: str) -> str:
    return f"CASE WHEN {column} THEN 'yes' WHEN NOT {column} THEN 'no' ELSE '' END"


# The plan-level export, a row of text cells per plan: PostgreSQL formats the values, so streaming a
# hundred thousand plans costs little Python. Blank for missing; yes/no for the judgements.
PLAN_EXPORT_SQL = f"""
SELECT p.public_id::text, pt.mrn, o.approach, o.status, u.username,
       to_char(o.started_at AT TIME ZONE %(tz)s, 'YYYY-MM-DD'), o.sessions_planned::text,
       coalesce(o.sessions, 0)::text, coalesce(o.baseline_first_step::text, ''),
       coalesce(o.end_first_step::text, ''), coalesce(o.reduction::text, ''), coalesce(o.relief_session::text, ''),
       coalesce(o.weeks_to_relief::text, ''), {_yes_no("o.improved_by_4")}, coalesce(o.nsaid_start, ''),
       coalesce(o.nsaid_end, ''),
       CASE WHEN o.nsaid_not_applicable THEN 'not applicable' ELSE {_yes_no("o.nsaid_reduced")} END,
       {_yes_no("o.relapsed")}, {_yes_no("o.never_relieved")}, {_yes_no("o.outside_window")}
FROM ({{plans}}) AS o
JOIN treatments_treatmentplan p ON p.id = o.plan_id
JOIN patients_patient pt ON pt.id = o.patient_id
JOIN clinic_user u ON u.id = o.practitioner_id
ORDER BY o.started_at, o.plan_id
"""  # noqa: S608  (constant SQL; values go in as parameters)


def plan_export_rows(scope: Scope, *, chunk: int = 2000) -> Iterator[tuple[str, ...]]:
    """Every plan in scope as text cells, read through a server-side cursor (call inside report_queries)."""
    alias = reports_db()
    sql, params = scoped_sql(PLAN_EXPORT_SQL, scope, {"tz": django_settings.TIME_ZONE}, alias=alias)
    with connections[alias].chunked_cursor() as cursor:
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(chunk):
            yield from rows


def plan_rows(scope: Scope) -> list[dict]:
    """One dict per plan in scope with every value the table is computed from (one query)."""
    rows = plans_in_scope(scope).order_by("approach", "started_at", "plan_id").values()
    return [{"id": row["plan_id"], **row} for row in rows]


@dataclass
class GroupOutcome:
    approach: str | None  # None: every approach together
    n: int
    reduction_n: int
    reduction_mean: float | None
    reduction_ci: tuple[float, float] | None
    reduction_no_ci: str | None  # why there is no interval: "n < 2" or "all values equal"
    relief_n: int
    relief_median_weeks: float | None
    with_sessions: int
    followed_up: int  # judged at the 6-month follow-up: the relapse rate's denominator
    relapsed: int
    never_relieved: int  # followed up in the window, but never reached relief: not judged
    outside_window: int  # followed up outside the 6-month window: kept, not counted
    relapse_ci: tuple[float, float] | None
    improved4_n: int
    improved4: int
    nsaid_n: int
    nsaid_reduced: int
    nsaid_not_applicable: int  # not on daily NSAIDs at intake: counted apart, not missing
    missing: dict = field(default_factory=dict)

    @property
    def label(self) -> str:
        return APPROACHES(self.approach).label if self.approach else "All approaches"

    @property
    def relapse_rate(self) -> float | None:
        return self.relapsed / self.followed_up if self.followed_up else None

    @property
    def improved4_share(self) -> float | None:
        return self.improved4 / self.improved4_n if self.improved4_n else None

    @property
    def nsaid_share(self) -> float | None:
        return self.nsaid_reduced / self.nsaid_n if self.nsaid_n else None


def _to_float(value) -> float | None:
    return None if value is None else float(value)


def outcome_table(scope: Scope) -> list[GroupOutcome]:
    """Every approach (empty ones included, with n = 0), then the total row. One query."""
    found = {row["approach"]: row for row in fetch_rows(GROUP_SQL, scope)}
    wanted = [scope.approach] if scope.approach else list(APPROACHES.values)
    groups = []
    for approach in [*wanted, None]:
        row = found.get(approach) or {}
        n = row.get("n", 0)
        mean, sd = _to_float(row.get("reduction_mean")), _to_float(row.get("reduction_sd"))
        group = GroupOutcome(
            approach=approach,
            n=n,
            reduction_n=row.get("reduction_n", 0),
            reduction_mean=mean,
            reduction_ci=mean_interval(mean, sd, row.get("reduction_n", 0)),
            reduction_no_ci=None if mean is None else no_interval_reason(row.get("reduction_n", 0), sd),
            relief_n=row.get("relief_n", 0),
            relief_median_weeks=_to_float(row.get("relief_median_weeks")),
            with_sessions=row.get("with_sessions", 0),
            followed_up=row.get("followed_up", 0),
            relapsed=row.get("relapsed", 0),
            never_relieved=row.get("never_relieved", 0),
            outside_window=row.get("outside_window", 0),
            relapse_ci=wilson_interval(row.get("relapsed", 0), row.get("followed_up", 0)),
            improved4_n=row.get("improved4_n", 0),
            improved4=row.get("improved4", 0),
            nsaid_n=row.get("nsaid_n", 0),
            nsaid_reduced=row.get("nsaid_reduced", 0),
            nsaid_not_applicable=row.get("nsaid_not_applicable", 0),
        )
        group.missing = {
            "reduction": n - group.reduction_n,
            "relief": n - group.with_sessions,
            # Not followed up at all; the never relieved and those outside the window are counted apart.
            "relapse": n - group.followed_up - group.never_relieved - group.outside_window,
            "improved4": n - group.improved4_n,
            # On daily NSAIDs at intake (or no intake to say) but no NSAID use at the last session.
            "nsaid": n - group.nsaid_n - group.nsaid_not_applicable,
        }
        groups.append(group)
    return groups


def session_means(scope: Scope) -> dict[str, list[tuple[int, float, int]]]:
    """Mean first-step pain by session number, per approach: {approach: [(session, mean, n)]}."""
    series: dict[str, list[tuple[int, float, int]]] = {}
    for row in fetch_rows(SESSION_MEANS_SQL, scope):
        if row["mean_fs"] is not None:
            series.setdefault(row["approach"], []).append((row["n"], float(row["mean_fs"]), row["n_plans"]))
    return series


def change_distribution(scope: Scope) -> list[tuple[int, int]]:
    """How many plans fell by 0–1, 1–2, … points of first-step pain (negative: got worse)."""
    return [(row["bucket"], row["plans"]) for row in fetch_rows(CHANGE_DISTRIBUTION_SQL, scope)]
