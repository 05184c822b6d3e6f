"""Clinic outcomes by treatment approach, computed in PostgreSQL.

One SQL statement (CTEs and window functions) turns every plan in scope into a
row of the values the outcomes table is built from; a second aggregates those
rows per approach. Python only does arithmetic on the aggregates (confidence
intervals). Definitions match treatments.progress.plan_progress, and
tests/treatments/test_outcomes_agree_with_progress.py checks that both give
every plan the same relief session, end of plan and relapse:

* pain: first-step pain (VAS 0–10); a session's score is the pain before needling;
* baseline: the intake's, or the first signed session's when there is no intake;
* end of plan: the last signed session's score, before needling, as
  PlanProgress.end_first_step (the one definition, which the follow-up is
  compared with too); reduction = baseline − end;
* meaningful relief: ReliefRule.is_met_by, written again in SQL below (CTE
  `judged`), with the rule in force; time to relief in weeks from the first
  signed session to the first session meeting it;
* improvement after 4 sessions: relief reached by session 4 (plans with at least
  4 signed sessions);
* NSAIDs: among patients on daily NSAIDs at intake, those whose last session
  records occasional or none. A patient the intake records as not on daily
  NSAIDs has nothing to reduce: "not applicable" (`nsaid_not_applicable`),
  counted apart and not missing; missing is no intake, or no NSAID use at the
  last signed session;
* relapse: the stored judgement of a follow-up recorded inside its 6-month
  window (ReliefRule.follow_up_window, stored with the follow-up). A follow-up
  outside the window is counted apart (`outside_window`), and so is one of a
  plan that never reached relief (`never_relieved`): neither is in the relapse
  rate's denominator.

A plan lacking the data for a figure is counted as missing for that figure.

Definitions and their sources: docs/clinical/measuring-progress.md#outcomes-table.
"""

import math
from dataclasses import dataclass, field
from datetime import date

from django.db import connection, transaction

from treatments.models import ReliefRule, TreatmentPlan

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


CTE_SQL = """
WITH rule AS (
    SELECT %(fs_drop)s::numeric AS fs_drop, %(avg_pct)s::numeric AS avg_pct, %(avg_pts)s::numeric AS avg_pts
),
plans AS (
    SELECT p.id, p.public_id, p.approach, p.status, p.practitioner_id, p.patient_id, p.sessions_planned,
           COALESCE(fa.starts_at, p.created_at) AS started_at, fa.location_id,
           i.baseline_first_step_pain AS intake_fs, i.baseline_average_pain AS intake_avg, i.nsaid_use AS nsaid_start
    FROM treatments_treatmentplan p
    -- The plan starts with its first appointment: one probe of the (plan, starts_at) index per plan.
    LEFT JOIN LATERAL (
        SELECT a.starts_at, a.location_id FROM treatments_appointment a
        WHERE a.plan_id = p.id ORDER BY a.starts_at LIMIT 1
    ) fa ON TRUE
    LEFT JOIN patients_intake i ON i.patient_id = p.patient_id
    WHERE (%(completed_only)s = FALSE OR p.status = 'completed')
      AND (%(approach)s::text IS NULL OR p.approach = %(approach)s)
      AND (%(practitioner_id)s::bigint IS NULL OR p.practitioner_id = %(practitioner_id)s)
      AND (%(only_practitioner_id)s::bigint IS NULL OR p.practitioner_id = %(only_practitioner_id)s)
      AND (%(location_id)s::bigint IS NULL OR fa.location_id = %(location_id)s)
      AND (%(started_from)s::date IS NULL
           OR (COALESCE(fa.starts_at, p.created_at) AT TIME ZONE %(tz)s)::date >= %(started_from)s::date)
      AND (%(started_to)s::date IS NULL
           OR (COALESCE(fa.starts_at, p.created_at) AT TIME ZONE %(tz)s)::date <= %(started_to)s::date)
      AND (%(diagnosis_code)s::text IS NULL OR EXISTS (
            SELECT 1 FROM treatments_treatmentplan_diagnoses pd
            JOIN patients_diagnosis d ON d.id = pd.diagnosis_id
            WHERE pd.treatmentplan_id = p.id AND d.code = %(diagnosis_code)s))
),
scored AS (
    SELECT s.plan_id, s.started_at AS starts_at, s.first_step_pain_before AS fs, s.average_pain_before AS avg,
           s.nsaid_use,
           row_number() OVER w AS n,
           count(*) OVER (PARTITION BY s.plan_id) AS total,
           first_value(s.first_step_pain_before) OVER w AS first_fs,
           first_value(s.average_pain_before) OVER w AS first_avg,
           first_value(s.started_at) OVER w AS first_at
    FROM treatments_treatmentsession s
    JOIN plans ON plans.id = s.plan_id
    WHERE s.signed_at IS NOT NULL
    WINDOW w AS (PARTITION BY s.plan_id ORDER BY s.started_at, s.id)
),
-- ReliefRule.is_met_by in SQL: a NULL comparison meets nothing, as a missing value does there.
judged AS (
    SELECT sc.*, b.b_fs, b.b_avg,
           ((b.b_fs - sc.fs) >= rule.fs_drop
            OR ((b.b_avg - sc.avg) >= rule.avg_pts AND b.b_avg > 0
                AND (b.b_avg - sc.avg) * 100 >= b.b_avg * rule.avg_pct)) AS meets
    FROM scored sc
    JOIN plans p ON p.id = sc.plan_id
    CROSS JOIN rule
    CROSS JOIN LATERAL (
        SELECT CASE WHEN p.intake_fs IS NULL AND p.intake_avg IS NULL THEN sc.first_fs ELSE p.intake_fs END AS b_fs,
               CASE WHEN p.intake_fs IS NULL AND p.intake_avg IS NULL THEN sc.first_avg ELSE p.intake_avg END AS b_avg
    ) b
),
per_plan AS (
    SELECT plan_id,
           max(total) AS sessions,
           max(b_fs) AS baseline_fs,
           max(fs) FILTER (WHERE n = total) AS end_fs,
           max(nsaid_use) FILTER (WHERE n = total) AS nsaid_end,
           min(n) FILTER (WHERE meets) AS relief_session,
           min(starts_at) FILTER (WHERE meets) AS relief_at,
           min(first_at) AS first_at,
           CASE WHEN max(total) >= 4 THEN coalesce(bool_or(meets) FILTER (WHERE n <= 4), FALSE) END AS improved_by_4
    FROM judged
    GROUP BY plan_id
)
"""

PLAN_ROWS_SQL = (
    CTE_SQL
    + """
SELECT p.id, p.public_id, p.approach, p.status, p.practitioner_id, p.patient_id, p.sessions_planned,
       p.started_at, p.location_id,
       pp.sessions, pp.baseline_fs, pp.end_fs,
       pp.baseline_fs - pp.end_fs AS reduction,
       pp.relief_session,
       round((extract(epoch FROM pp.relief_at - pp.first_at) / 604800.0)::numeric, 1) AS weeks_to_relief,
       pp.improved_by_4,
       p.nsaid_start, pp.nsaid_end,
       CASE WHEN p.nsaid_start = 'daily' AND pp.nsaid_end IS NOT NULL
            THEN pp.nsaid_end IN ('occasional', 'none') END AS nsaid_reduced,
       -- Not on daily NSAIDs at intake: nothing to reduce, so not applicable rather than missing.
       coalesce(p.nsaid_start <> 'daily', FALSE) AS nsaid_not_applicable,
       f.recorded_on AS follow_up_on,
       -- Only a follow-up inside its window counts as the 6-month one; only a relieved plan can relapse.
       CASE WHEN f.recorded_on IS NOT NULL THEN NOT fw.in_window END AS outside_window,
       CASE WHEN fw.in_window THEN f.never_relieved END AS never_relieved,
       CASE WHEN fw.in_window THEN f.relapsed END AS relapsed
FROM plans p
LEFT JOIN per_plan pp ON pp.plan_id = p.id
LEFT JOIN treatments_followup f ON f.plan_id = p.id AND f.recorded_on IS NOT NULL
CROSS JOIN LATERAL (
    SELECT f.recorded_on BETWEEN f.window_opens_on AND f.window_closes_on AS in_window
) fw
"""
)

GROUP_SQL = (
    """
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
FROM ("""
    + PLAN_ROWS_SQL
    + """) AS plan_rows
GROUP BY GROUPING SETS ((approach), ())
"""
)

SESSION_MEANS_SQL = (
    CTE_SQL
    + """
SELECT p.approach, j.n, avg(j.fs) AS mean_fs, count(j.fs) AS n_plans
FROM judged j
JOIN plans p ON p.id = j.plan_id
GROUP BY p.approach, j.n
ORDER BY p.approach, j.n
"""
)

CHANGE_DISTRIBUTION_SQL = (
    """
SELECT floor(reduction)::int AS bucket, count(*) AS plans
FROM ("""
    + PLAN_ROWS_SQL
    + """) AS plan_rows
WHERE reduction IS NOT NULL
GROUP BY 1 ORDER BY 1
"""
)


def sql_params(scope: Scope, rule: ReliefRule | None) -> dict:
    """The statements' parameters; with no rule, the SQL can select plans but judges no relief."""
    from django.conf import settings

    return {
        "fs_drop": rule.first_step_drop if rule else None,
        "avg_pct": rule.average_drop_percent if rule else None,
        "avg_pts": rule.average_drop_points if rule else None,
        "completed_only": scope.completed_only,
        "approach": scope.approach,
        "practitioner_id": scope.practitioner_id,
        "only_practitioner_id": scope.only_practitioner_id,
        "location_id": scope.location_id,
        "started_from": scope.started_from,
        "started_to": scope.started_to,
        "diagnosis_code": scope.diagnosis_code,
        "tz": settings.TIME_ZONE,
    }


def fetch_rows(sql: str, params: dict) -> list[dict]:
    # These statements sort a row per session: give them memory to sort in, and skip JIT compilation,
    # which costs more than it saves on queries this size. SET LOCAL ends with the transaction.
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL jit = off; SET LOCAL work_mem = '256MB'")
        cursor.execute(sql, params)
        names = [column.name for column in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def plan_rows(scope: Scope, rule: ReliefRule) -> list[dict]:
    """One dict per plan in scope with every value the table is computed from (one query)."""
    rows = fetch_rows(PLAN_ROWS_SQL + " ORDER BY p.approach, p.started_at, p.id", sql_params(scope, rule))
    for row in rows:
        row["baseline_first_step"] = row.pop("baseline_fs")
        row["end_first_step"] = row.pop("end_fs")
    return rows


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


def outcome_table(scope: Scope, rule: ReliefRule) -> list[GroupOutcome]:
    """Every approach (empty ones included, with n = 0), then the total row. One query."""
    found = {row["approach"]: row for row in fetch_rows(GROUP_SQL, sql_params(scope, rule))}
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


def session_means(scope: Scope, rule: ReliefRule) -> dict[str, list[tuple[int, float, int]]]:
    """Mean first-step pain by session number, per approach: {approach: [(session, mean, n)]}."""
    series: dict[str, list[tuple[int, float, int]]] = {}
    for row in fetch_rows(SESSION_MEANS_SQL, sql_params(scope, rule)):
        if row["mean_fs"] is not None:
            series.setdefault(row["approach"], []).append((row["n"], float(row["mean_fs"]), row["n_plans"]))
    return series


def change_distribution(scope: Scope, rule: ReliefRule) -> list[tuple[int, int]]:
    """How many plans fell by 0–1, 1–2, … points of first-step pain (negative: got worse)."""
    return [(row["bucket"], row["plans"]) for row in fetch_rows(CHANGE_DISTRIBUTION_SQL, sql_params(scope, rule))]
