"""The outcomes table (SQL) and the progress page (Python) tell the same story about every plan.

Both say which session brought meaningful relief, what first-step pain the plan
ended on, and whether the patient relapsed (docs/clinical/measuring-progress.md).
The outcomes table reads them from the per-plan summary the database keeps
(treatments.progress.outcomes.plan_rows); the progress page works them out in Python,
one plan at a time (treatments.progress.plan_progress with ReliefRule.is_met_by
and ReliefRule.is_relapse). Hypothesis builds random cohorts and checks that the
two agree on every plan: with and without an intake, with unsigned drafts among
the signed sessions, sessions recorded out of date order, two plans for one
patient, follow-ups, and relief rules from the defaults to the odd.

Both take the same end of plan, the last signed session's score *before*
needling (PlanProgress.end_first_step), and the follow-up is judged against it.
A follow-up of a plan that never reached relief is not judged for relapse, and
one recorded outside its 6-month window is not counted: both sides must leave
the same plans out. See "End of plan" in measuring-progress.md.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import pytest
import time_machine
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.clock import at, clinic_now
from tests.factories import IntakeFactory, PatientFactory, PractitionerFactory, TreatmentPlanFactory
from tests.factories import TreatmentSessionFactory as SessionFactory
from treatments.models import FollowUp, ReliefRule, TreatmentPlan
from treatments.progress.follow_up import FollowUpFindings, follow_up_propose, follow_up_record
from treatments.progress.outcomes import Scope, plan_rows
from treatments.progress.plan_outcomes import rows_differing_from_rebuild
from treatments.progress.plan_progress import plan_progress

pytestmark = pytest.mark.django_db

D = Decimal
# VAS 0–10 in tenths, as the app stores it.
VAS = st.integers(min_value=0, max_value=100).map(lambda tenths: D(tenths) / 10)
POSITIVE_POINTS = st.integers(min_value=1, max_value=100).map(lambda tenths: D(tenths) / 10)

RELIEF_SETTINGS = st.one_of(
    st.sampled_from(
        [
            {},  # the clinic's defaults
            {"first_step_drop": D("3.0"), "average_drop_percent": 50, "average_drop_points": D("3.0")},
            {"first_step_drop": D("0.5"), "average_drop_percent": 10, "average_drop_points": D("0.5")},
            # Relief by average pain only, in practice: a first-step fall of 10 needs a baseline of 10 and a 0.
            {"first_step_drop": D("10.0"), "average_drop_percent": 30, "average_drop_points": D("2.0")},
        ]
    ),
    st.fixed_dictionaries(
        {
            "first_step_drop": POSITIVE_POINTS,
            "average_drop_percent": st.integers(min_value=1, max_value=100),
            "average_drop_points": POSITIVE_POINTS,
        }
    ),
)
RULES = st.tuples(RELIEF_SETTINGS, POSITIVE_POINTS).map(lambda drawn: {**drawn[0], "relapse_rise": drawn[1]})


@dataclass(frozen=True)
class SessionSpec:
    first_step: Decimal
    average: Decimal
    first_step_after: Decimal | None
    signed: bool


@dataclass(frozen=True)
class FollowUpSpec:
    first_step: Decimal
    new_treatment_needed: bool
    # Recorded this many days ago: the sessions end 23 to 30 weeks ago, so some fall outside the 5–8 month window.
    days_ago: int


@dataclass(frozen=True)
class PlanSpec:
    # None: the patient has no intake, so the first signed session is the baseline.
    intake: tuple[Decimal, Decimal] | None
    # In date order; `recorded_in` is the order they were written to the database.
    sessions: tuple[SessionSpec, ...]
    recorded_in: tuple[int, ...]
    status: str
    follow_up: FollowUpSpec | None
    # A second course for the previous plan's patient (and so the same intake).
    same_patient_as_previous: bool


SESSIONS = st.builds(
    SessionSpec,
    first_step=VAS,
    average=VAS,
    first_step_after=st.none() | VAS,
    # Mostly signed: a draft is the exception both sides must leave out.
    signed=st.sampled_from([True, True, True, True, False]),
)


@st.composite
def plan_specs(draw) -> PlanSpec:
    sessions = tuple(draw(st.lists(SESSIONS, max_size=8)))
    follow_up = draw(
        st.none()
        | st.builds(
            FollowUpSpec,
            first_step=VAS,
            new_treatment_needed=st.booleans(),
            days_ago=st.integers(min_value=0, max_value=160),
        )
    )
    # Only a completed plan is followed up.
    statuses = [TreatmentPlan.Status.COMPLETED] if follow_up else list(TreatmentPlan.Status)
    return PlanSpec(
        intake=draw(st.none() | st.tuples(VAS, VAS)),
        sessions=sessions,
        recorded_in=tuple(draw(st.permutations(range(len(sessions))))),
        status=draw(st.sampled_from(statuses)),
        follow_up=follow_up,
        same_patient_as_previous=draw(st.booleans()),
    )


COHORTS = st.lists(plan_specs(), min_size=1, max_size=5)


def build_plan(spec: PlanSpec, *, index: int, practitioner, previous: TreatmentPlan | None) -> TreatmentPlan:
    if previous is not None and spec.same_patient_as_previous:
        patient = previous.patient
    else:
        patient = PatientFactory()
        if spec.intake is not None:
            first_step, average = spec.intake
            IntakeFactory(
                patient=patient,
                recorded_by=practitioner,
                baseline_first_step_pain=first_step,
                baseline_average_pain=average,
            )
    plan = TreatmentPlanFactory(
        patient=patient,
        practitioner=practitioner,
        sessions_planned=12,
        status=spec.status,
        discontinued_reason="Moved away" if spec.status == TreatmentPlan.Status.DISCONTINUED else "",
    )
    # Weekly sessions from 30 weeks ago; each plan an hour later in the day, so no two appointments overlap.
    first_day = timezone.localdate() - dt.timedelta(weeks=30)
    for position in spec.recorded_in:
        session = spec.sessions[position]
        SessionFactory(
            appointment__plan=plan,
            appointment__patient=patient,
            appointment__practitioner=practitioner,
            appointment__starts_at=at(first_day + dt.timedelta(weeks=position), 9 + index),
            first_step_pain_before=session.first_step,
            average_pain_before=session.average,
            first_step_pain_after=session.first_step_after,
            signed_at=timezone.now() if session.signed else None,
            signed_by=practitioner if session.signed else None,
        )
    if spec.follow_up is not None:
        follow_up_record(
            follow_up=follow_up_propose(plan=plan, by=practitioner),
            findings=FollowUpFindings(
                recorded_on=timezone.localdate() - dt.timedelta(days=spec.follow_up.days_ago),
                first_step_pain=spec.follow_up.first_step,
                average_pain=D("3.0"),
                symptoms_returned=False,
                new_treatment_needed=spec.follow_up.new_treatment_needed,
            ),
            by=practitioner,
        )
    return plan


def assert_agree(plan: TreatmentPlan, row: dict, rule: ReliefRule) -> None:
    progress = plan_progress(plan, rule=rule)
    latest = progress.latest
    relief = progress.relief.number if progress.relief else None

    assert row["sessions"] == (progress.sessions_signed or None)
    assert row["relief_session"] == relief
    assert row["improved_by_4"] == ((relief is not None and relief <= 4) if progress.sessions_signed >= 4 else None)

    # One end of plan for both: the last signed session's score, before needling.
    assert row["end_first_step"] == progress.end_first_step == (latest.first_step_before if latest else None)
    if latest is not None:
        assert row["baseline_first_step"] == progress.baseline_first_step
        assert row["reduction"] == -progress.first_step_change.points

    follow_up = FollowUp.objects.filter(plan=plan, recorded_on__isnull=False).first()
    relapsed = never_relieved = outside_window = None
    if follow_up is not None:
        judged = progress.relapse_at(
            follow_up_first_step=follow_up.first_step_pain, new_treatment_needed=follow_up.new_treatment_needed
        )
        # The stored verdict is the one the progress page would give, against the same end of plan...
        assert follow_up.relapsed == judged
        assert follow_up.never_relieved == progress.never_relieved
        # ...and the 6-month figure counts it only inside the window.
        outside_window = not follow_up.in_window
        if follow_up.in_window:
            relapsed, never_relieved = judged, progress.never_relieved
    assert row["relapsed"] == relapsed
    assert row["never_relieved"] == never_relieved
    assert row["outside_window"] == outside_window


@settings(max_examples=25, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(rule_fields=RULES, cohort=COHORTS)
def test_the_outcomes_table_and_the_progress_page_agree_on_every_plan(rule_fields, cohort):
    with time_machine.travel(clinic_now(), tick=False), transaction.atomic():
        # The rule in force, as both the follow-up (which judges relapse) and the two computations use it.
        rule = ReliefRule.objects.create(**rule_fields, note="Drawn by Hypothesis")
        practitioner = PractitionerFactory()
        plans, previous = [], None
        for index, spec in enumerate(cohort):
            previous = build_plan(spec, index=index, practitioner=practitioner, previous=previous)
            plans.append(previous)

        # The stored summaries were kept row by row as the cohort was built: a rebuild gives the same.
        assert rows_differing_from_rebuild() == []
        rows = {row["id"]: row for row in plan_rows(Scope(completed_only=False))}
        assert set(rows) == {plan.pk for plan in plans}
        for plan in plans:
            assert_agree(plan, rows[plan.pk], rule)
        # Each example starts from an empty clinic.
        transaction.set_rollback(True)
