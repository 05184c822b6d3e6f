"""The outcomes table, checked against a small cohort worked out by hand.

Acupuncture alone (first-step pain, weekly sessions, default relief rule: a fall of 1.9 points):
  P1  baseline 8.0, scores 8.0 7.0 5.5 4.0  → reduction 4.0; relief at session 3 (2.5), week 2;
      improved by session 4; NSAIDs daily → none (reduced); follow-up: no relapse
  P2  baseline 6.0, scores 6.0 6.0 5.0 5.0 4.5 → reduction 1.5; no relief; not improved by 4;
      NSAIDs daily → daily (not reduced); followed up, but never relieved: counted apart, not judged
  P3  baseline 7.0, scores 6.0 4.0 → reduction 3.0; relief at session 2, week 1; too few sessions
      for "after 4"; no NSAIDs at intake; follow-up: relapse
  mean reduction 2.833, sd 1.258, 95% CI 2.833 ± 4.303 × 1.258 / √3 = (−0.293, 5.959)
  median weeks to relief: (1 + 2) / 2 = 1.5, reached by 2 of 3
  relapse 1 of 2 followed up, Wilson 95% CI (0.095, 0.905)
Acupuncture with physical therapy: P4 baseline 9.0, scores 9.0 6.0 (a group of one);
  P5 completed with no signed session (missing everywhere).
Other approach: no plans (an empty group). An active plan is never counted.
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from patients.models import Intake
from tests.clock import clinic_now
from tests.factories import (
    AppointmentFactory,
    IntakeFactory,
    PatientFactory,
    PractitionerFactory,
    TreatmentPlanFactory,
    TreatmentSessionFactory,
)
from treatments.models import FollowUp, ReliefRule, TreatmentPlan
from treatments.progress.outcomes import (
    Scope,
    change_distribution,
    mean_interval,
    no_interval_reason,
    outcome_table,
    plan_rows,
    session_means,
    wilson_interval,
)

pytestmark = pytest.mark.django_db
# Counted back from the clinic clock every test here runs on (tests/treatments/conftest.py), not from the real one.
START = clinic_now() - dt.timedelta(days=200)
A, B, C = TreatmentPlan.Approach.ACUPUNCTURE, TreatmentPlan.Approach.ACUPUNCTURE_PT, TreatmentPlan.Approach.OTHER


def course(
    approach,
    baseline,
    scores,
    *,
    nsaid_start="none",
    nsaid_end="none",
    relapsed=None,
    never_relieved=False,
    status=TreatmentPlan.Status.COMPLETED,
    practitioner=None,
    start=START,
):
    patient = PatientFactory()
    IntakeFactory(
        patient=patient,
        baseline_first_step_pain=Decimal(baseline),
        baseline_average_pain=Decimal("5.0"),
        nsaid_use=nsaid_start,
    )
    practitioner = practitioner or PractitionerFactory()
    plan = TreatmentPlanFactory(
        patient=patient, practitioner=practitioner, approach=approach, status=status, sessions_planned=8
    )
    for index, score in enumerate(scores):
        appointment = AppointmentFactory(
            patient=patient, practitioner=practitioner, plan=plan, starts_at=start + dt.timedelta(days=7 * index)
        )
        TreatmentSessionFactory(
            appointment=appointment,
            first_step_pain_before=Decimal(score),
            average_pain_before=Decimal("5.0"),
            nsaid_use=nsaid_end if index == len(scores) - 1 else nsaid_start,
        )
    if relapsed is not None or never_relieved:
        today = timezone.localdate()
        FollowUp.objects.create(
            plan=plan,
            due_on=today,
            recorded_on=today,
            relapsed=None if never_relieved else relapsed,
            never_relieved=never_relieved,
            # Recorded inside the window, so it counts as the 6-month follow-up.
            window_opens_on=today - dt.timedelta(days=30),
            window_closes_on=today + dt.timedelta(days=60),
        )
    return plan


@pytest.fixture
def cohort():
    plans = {
        "P1": course(A, "8.0", ["8.0", "7.0", "5.5", "4.0"], nsaid_start="daily", nsaid_end="none", relapsed=False),
        "P2": course(
            A, "6.0", ["6.0", "6.0", "5.0", "5.0", "4.5"], nsaid_start="daily", nsaid_end="daily", never_relieved=True
        ),
        "P3": course(A, "7.0", ["6.0", "4.0"], relapsed=True),
        "P4": course(B, "9.0", ["9.0", "6.0"]),
        "P5": course(B, "7.0", []),
    }
    course(A, "9.0", ["9.0", "2.0"], status=TreatmentPlan.Status.ACTIVE)
    return plans


def by_approach(groups):
    return {group.approach: group for group in groups}


def test_plan_rows_carry_every_value_the_table_uses(cohort):
    rows = {row["id"]: row for row in plan_rows(Scope())}
    assert len(rows) == 5
    p1 = rows[cohort["P1"].pk]
    assert p1["sessions"] == 4
    assert p1["baseline_first_step"] == Decimal("8.0")
    assert p1["end_first_step"] == Decimal("4.0")
    assert p1["reduction"] == Decimal("4.0")
    assert p1["relief_session"] == 3
    assert p1["weeks_to_relief"] == Decimal("2.0")
    assert p1["improved_by_4"] is True
    assert p1["nsaid_reduced"] is True
    assert p1["relapsed"] is False
    p3 = rows[cohort["P3"].pk]
    assert (p3["relief_session"], p3["weeks_to_relief"], p3["improved_by_4"], p3["nsaid_reduced"]) == (
        2,
        Decimal("1.0"),
        None,
        None,
    )
    p5 = rows[cohort["P5"].pk]
    assert (p5["sessions"], p5["reduction"], p5["relief_session"]) == (None, None, None)


def test_the_table_matches_the_hand_worked_figures(cohort):
    groups = by_approach(outcome_table(Scope()))
    alone = groups[A]
    assert alone.n == 3
    assert alone.reduction_n == 3
    assert alone.reduction_mean == pytest.approx(2.8333, abs=1e-3)
    assert alone.reduction_ci == pytest.approx((-0.293, 5.959), abs=2e-3)
    assert (alone.relief_n, alone.relief_median_weeks) == (2, 1.5)
    assert (alone.followed_up, alone.relapsed, alone.relapse_rate) == (2, 1, 0.5)
    assert alone.relapse_ci == pytest.approx((0.0945, 0.9055), abs=1e-3)
    assert (alone.improved4_n, alone.improved4) == (2, 1)
    assert (alone.nsaid_n, alone.nsaid_reduced, alone.nsaid_not_applicable) == (2, 1, 1)
    assert alone.never_relieved == 1
    assert alone.missing == {"reduction": 0, "relief": 0, "relapse": 0, "improved4": 1, "nsaid": 0}


def test_a_group_of_one_has_no_interval_and_missing_data_is_counted(cohort):
    groups = by_approach(outcome_table(Scope()))
    with_pt = groups[B]
    assert with_pt.n == 2
    assert (with_pt.reduction_n, with_pt.reduction_mean, with_pt.reduction_ci) == (1, 3.0, None)
    assert with_pt.reduction_no_ci == "n < 2"
    assert with_pt.missing == {"reduction": 1, "relief": 1, "relapse": 2, "improved4": 2, "nsaid": 0}
    assert with_pt.relapse_ci is None


def test_an_empty_group_is_shown_with_zero_plans_and_the_total_adds_up(cohort):
    groups = outcome_table(Scope())
    other = by_approach(groups)[C]
    assert (other.n, other.reduction_mean, other.relapse_rate) == (0, None, None)
    total = groups[-1]
    assert total.approach is None
    assert total.n == 5
    assert total.reduction_n == 4


def test_a_stricter_rule_changes_relief_and_time_to_relief(cohort):
    # Saving a rule recomputes every plan's stored outcome (the relief-rule trigger).
    ReliefRule.objects.create(
        first_step_drop=Decimal("3.0"), average_drop_percent=90, average_drop_points=Decimal("9.0")
    )
    alone = by_approach(outcome_table(Scope()))[A]
    # P1 now reaches relief at session 4 (8 − 4 = 4), week 3; P3 at session 2 (7 − 4 = 3), week 1.
    assert (alone.relief_n, alone.relief_median_weeks) == (2, 2.0)


def test_filters_narrow_the_plans(cohort):
    practitioner = cohort["P1"].practitioner
    assert outcome_table(Scope(practitioner_id=practitioner.pk))[-1].n == 1
    assert outcome_table(Scope(approach=B))[-1].n == 2
    later = timezone.localdate(START) + dt.timedelta(days=1)
    # P5 has no appointments, so it started when it was created (today).
    assert outcome_table(Scope(started_from=later))[-1].n == 1
    assert outcome_table(Scope(started_to=later))[-1].n == 4
    assert outcome_table(Scope(diagnosis_code="G62.9"))[-1].n == 0


def test_session_means_and_the_change_distribution(cohort):
    means = session_means(Scope())
    # Session 1 of acupuncture alone: (8.0 + 6.0 + 6.0) / 3; session 5: P2 alone.
    assert means[A][0] == (1, pytest.approx(6.6667, abs=1e-3), 3)
    assert means[A][-1] == (5, 4.5, 1)
    assert dict(change_distribution(Scope())) == {1: 1, 3: 2, 4: 1}


@pytest.mark.parametrize(("successes", "n", "expected"), [(0, 10, (0.0, 0.2775)), (10, 10, (0.7225, 1.0))])
def test_wilson_interval_at_the_edges(successes, n, expected):
    assert wilson_interval(successes, n) == pytest.approx(expected, abs=1e-3)


def test_intake_nsaid_choices_match_the_sql():
    assert set(Intake.NsaidUse.values) == {"none", "occasional", "daily"}


def test_patients_not_on_daily_nsaids_at_intake_are_not_applicable_not_missing():
    course(A, "8.0", ["8.0", "5.0"], nsaid_start="daily", nsaid_end="none")
    course(A, "8.0", ["8.0", "5.0"], nsaid_start="none")
    course(A, "8.0", ["8.0", "5.0"], nsaid_start="occasional", nsaid_end="occasional")
    course(A, "8.0", [], nsaid_start="daily")  # on daily NSAIDs, but no session to say what changed
    alone = by_approach(outcome_table(Scope()))[A]
    assert (alone.nsaid_n, alone.nsaid_reduced) == (1, 1)
    assert alone.nsaid_not_applicable == 2
    assert alone.missing["nsaid"] == 1
    rows = plan_rows(Scope())
    assert sorted(row["nsaid_not_applicable"] for row in rows) == [False, False, True, True]


def test_equal_values_give_no_interval_and_say_why_rather_than_a_zero_width_one():
    course(A, "8.0", ["8.0", "7.0"])
    course(A, "6.0", ["6.0", "5.0"])
    alone = by_approach(outcome_table(Scope()))[A]
    assert (alone.reduction_n, alone.reduction_mean) == (2, 1.0)
    assert alone.reduction_ci is None
    assert alone.reduction_no_ci == "all values equal"


@pytest.mark.parametrize(
    ("mean", "sd", "n", "reason"),
    [(1.0, 0.0, 5, "all values equal"), (1.0, None, 1, "n < 2"), (1.0, None, 0, "n < 2"), (2.0, 1.0, 4, None)],
)
def test_a_mean_has_an_interval_only_with_spread_and_two_values(mean, sd, n, reason):
    assert no_interval_reason(n, sd) == reason
    assert (mean_interval(mean, sd, n) is None) == (reason is not None)
