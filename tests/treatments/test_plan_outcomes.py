"""The per-plan outcome summary follows every change in the same transaction, and matches a rebuild.

treatments.PlanOutcome is written only by database triggers (migration 0011). Each test here changes one
kind of record the summary depends on, by the app's own services where there is one, and checks the stored
row moved with it and still equals what a computation from scratch gives.
"""

import datetime as dt
from decimal import Decimal

import pytest

from tests.factories import (
    AppointmentFactory,
    ConsentFactory,
    IntakeFactory,
    PatientFactory,
    PractitionerFactory,
    TreatmentPlanFactory,
)
from tests.factories import TreatmentSessionFactory as SessionFactory
from treatments.models import AdverseEvent, Appointment, PlanOutcome, ReliefRule, TreatmentPlan, TreatmentSession
from treatments.progress.plan_outcomes import rebuild_all, rows_differing_from_rebuild
from treatments.progress.plan_progress import plan_progress
from treatments.sessions.services import session_amend, session_sign

pytestmark = pytest.mark.django_db

D = Decimal
START = dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.UTC)


def outcome(plan) -> PlanOutcome:
    return PlanOutcome.objects.get(plan=plan)


BASELINE = (D("8.0"), D("6.0"))  # the intake's first-step and average pain


def plan_with_sessions(first_steps, *, intake=BASELINE, signed=True, **plan_fields):
    practitioner = PractitionerFactory()
    patient = PatientFactory()
    if intake:
        IntakeFactory(patient=patient, baseline_first_step_pain=intake[0], baseline_average_pain=intake[1])
    plan = TreatmentPlanFactory(patient=patient, practitioner=practitioner, **plan_fields)
    for week, first_step in enumerate(first_steps):
        SessionFactory(
            appointment__patient=patient,
            appointment__practitioner=practitioner,
            appointment__plan=plan,
            appointment__starts_at=START + dt.timedelta(weeks=week),
            appointment__ends_at=START + dt.timedelta(weeks=week, minutes=45),
            first_step_pain_before=first_step,
            average_pain_before=D("5.0"),
            signed_at=START + dt.timedelta(weeks=week, hours=1) if signed else None,
            signed_by=practitioner if signed else None,
        )
    return plan


def test_a_new_plan_has_a_row_at_once_and_it_matches_a_rebuild():
    plan = plan_with_sessions([D("7.0"), D("6.5"), D("5.0")])
    row = outcome(plan)
    assert (row.sessions, row.baseline_first_step, row.end_first_step, row.reduction) == (3, 8, 5, 3)
    assert row.first_steps == [D("7.0"), D("6.5"), D("5.0")]
    # 8 → 6.5 is a fall of 1.5 (no relief); 8 → 5 is 3 (relief at session 3, two weeks after the first).
    assert (row.relief_session, row.weeks_to_relief) == (3, D("2.0"))
    assert row.started_at == START
    assert rows_differing_from_rebuild() == []


def test_with_no_rule_saved_the_database_judges_relief_by_the_models_defaults():
    # Session 2: first-step down 1.8 and average down 1.9 (38%, but under 2 points): not relief by the defaults.
    # Session 3: first-step down 1.9: relief. Other defaults would move the relief session.
    plan = plan_with_sessions([D("7.0"), D("6.2"), D("6.1")], intake=(D("8.0"), D("5.0")))
    TreatmentSession.objects.filter(plan=plan, first_step_pain_before=D("6.2")).update(average_pain_before=D("3.1"))
    assert not ReliefRule.objects.exists()
    assert outcome(plan).relief_session == 3
    assert plan_progress(plan).relief.number == 3


def test_signing_a_draft_adds_it_to_the_summary():
    plan = plan_with_sessions([D("7.0")])
    ConsentFactory(patient=plan.patient)
    draft = plan_with_sessions([], intake=None)  # a second plan, untouched by what follows
    SessionFactory(
        appointment__patient=plan.patient,
        appointment__practitioner=plan.practitioner,
        appointment__plan=plan,
        appointment__starts_at=START + dt.timedelta(weeks=1),
        appointment__ends_at=START + dt.timedelta(weeks=1, minutes=45),
        first_step_pain_before=D("4.0"),
        signed_at=None,
        signed_by=None,
    )
    assert outcome(plan).sessions == 1
    session = TreatmentSession.objects.get(plan=plan, signed_at__isnull=True)
    session_sign(session=session, by=plan.practitioner, now=START + dt.timedelta(weeks=1, hours=1))
    row = outcome(plan)
    assert (row.sessions, row.end_first_step, row.relief_session) == (2, D("4.0"), 2)
    assert outcome(draft).sessions is None
    assert rows_differing_from_rebuild() == []


def test_amending_a_signed_score_updates_the_end_of_plan_and_relief():
    plan = plan_with_sessions([D("7.0"), D("6.0")])
    last = TreatmentSession.objects.filter(plan=plan).order_by("started_at").last()
    assert outcome(plan).relief_session == 2
    session_amend(
        session=last, changes={"first_step_pain_before": D("7.5")}, reason="Typed the wrong score", by=plan.practitioner
    )
    row = outcome(plan)
    assert (row.end_first_step, row.reduction, row.relief_session) == (D("7.5"), D("0.5"), None)
    assert rows_differing_from_rebuild() == []


def test_a_status_change_an_intake_edit_and_a_moved_first_appointment_are_followed():
    plan = plan_with_sessions([D("7.0"), D("5.0")])
    plan.status = TreatmentPlan.Status.COMPLETED
    plan.save()
    assert outcome(plan).status == "completed"

    intake = plan.patient.intake
    intake.baseline_first_step_pain = D("9.5")
    intake.nsaid_use = "daily"
    intake.save()
    row = outcome(plan)
    assert (row.baseline_first_step, row.reduction, row.nsaid_start) == (D("9.5"), D("4.5"), "daily")

    earlier = START - dt.timedelta(days=3)
    AppointmentFactory(
        patient=plan.patient, practitioner=plan.practitioner, plan=plan, starts_at=earlier,
        ends_at=earlier + dt.timedelta(minutes=45), status=Appointment.Status.NO_SHOW,
    )  # fmt: skip
    assert outcome(plan).started_at == earlier
    assert rows_differing_from_rebuild() == []


def test_adverse_events_in_signed_sessions_are_counted():
    plan = plan_with_sessions([D("7.0"), D("6.0")])
    first, second = TreatmentSession.objects.filter(plan=plan).order_by("started_at")
    for session, kind in ((first, "bruising"), (first, "pain"), (second, "bruising")):
        AdverseEvent.objects.create(session=session, kind=kind, severity="mild")
    row = outcome(plan)
    assert (row.adverse_events, row.sessions_with_adverse_events) == (3, 2)
    assert rows_differing_from_rebuild() == []


def test_a_new_relief_rule_rejudges_every_plan():
    plans = [plan_with_sessions([D("7.0"), D("5.5")]) for _ in range(3)]
    assert {outcome(plan).relief_session for plan in plans} == {2}
    ReliefRule.objects.create(first_step_drop=D("3.0"), average_drop_percent=90, average_drop_points=D("9.0"))
    assert {outcome(plan).relief_session for plan in plans} == {None}
    assert rows_differing_from_rebuild() == []


def test_a_rebuild_restores_rows_lost_or_damaged_behind_the_triggers_back():
    plans = [plan_with_sessions([D("7.0"), D("5.0")]) for _ in range(2)]
    PlanOutcome.objects.filter(plan=plans[0]).delete()
    PlanOutcome.objects.filter(plan=plans[1]).update(sessions=9, first_steps=[])
    assert len(rows_differing_from_rebuild()) == 3  # one missing, one damaged (its stored and rebuilt sides)
    assert rebuild_all() == 2
    assert rows_differing_from_rebuild() == []
