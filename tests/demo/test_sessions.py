"""The demo sessions: signed records whose pain follows different courses, within the safety rules."""

import io
from decimal import Decimal

import pytest
from dateutil.relativedelta import relativedelta
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count, Q
from django.test import override_settings
from django.utils import timezone

import demo.sessions
from demo.history import HISTORY_GIVEN_NAMES
from demo.management.commands.seed_demo import Command as SeedDemo
from demo.sessions import seed_sessions
from patients.models import Consent, Intake, SymptomRecord
from treatments.models import (
    AdverseEvent,
    Appointment,
    ElectroStimulation,
    FollowUp,
    NeedledPoint,
    ReliefRule,
    SessionAmendment,
    TreatmentPlan,
    TreatmentSession,
)
from treatments.progress.plan_progress import plan_progress

COUNTED = (
    TreatmentSession,
    NeedledPoint,
    ElectroStimulation,
    AdverseEvent,
    FollowUp,
    SymptomRecord,
    Appointment,
    SessionAmendment,
)


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker, clinic_clock_for_module):
    """The whole demo, seeded once for this module and rolled back after it (seeding takes seconds).

    On the clinic clock (a Wednesday morning), for this module's tests too: the demo counts from today, and
    on a Monday before the first visit's end the patient with the foot ulcer has no session yet.
    """
    with django_db_blocker.unblock(), override_settings(DEBUG=True), transaction.atomic():
        call_command(SeedDemo(), stdout=io.StringIO())
        yield
        transaction.set_rollback(True)


@pytest.fixture
def progress(seeded, db):
    plans = TreatmentPlan.objects.exclude(HISTORY).select_related("patient").order_by("created_at")
    return {plan.patient.given_name: plan_progress(plan) for plan in plans}


# The two years of past courses (demo.history) have tests of their own; these are about the cohort's courses.
HISTORY = Q(patient__given_name__in=HISTORY_GIVEN_NAMES)
IN_HISTORY = Q(plan__patient__given_name__in=HISTORY_GIVEN_NAMES)


def counts():
    return [model.objects.count() for model in COUNTED]


def test_seeding_the_demo_again_adds_no_session_follow_up_or_symptom_twice(seeded, db):
    before = counts()
    assert TreatmentSession.objects.count() >= 40
    out = io.StringIO()
    with override_settings(DEBUG=True):
        call_command(SeedDemo(), stdout=out)
    assert counts() == before
    assert "0 treatment sessions" in out.getvalue()


def test_without_practitioners_or_again_the_seed_adds_nothing(seeded, db):
    assert seed_sessions(practitioners=[]) == 0
    assert seed_sessions(practitioners=[TreatmentSession.objects.first().practitioner]) == 0


def test_every_completed_course_appointment_has_a_signed_session_and_nothing_else_does(seeded, db):
    course_visits = Appointment.objects.filter(
        plan__isnull=False, status=Appointment.Status.COMPLETED, ends_at__lte=timezone.now()
    )
    assert not course_visits.filter(treatment_session__isnull=True).exists()
    sessions = TreatmentSession.objects.select_related("appointment")
    assert sessions.count() == course_visits.count()
    for session in sessions:
        assert session.is_signed and session.signed_by_id == session.practitioner_id
        assert session.appointment.status == Appointment.Status.COMPLETED
        assert session.plan_id == session.appointment.plan_id
        assert session.patient_id == session.appointment.patient_id
        assert session.appointment.starts_at <= session.signed_at <= timezone.now()


def test_there_are_quick_slow_and_non_responders(progress):
    quick = [p for p in progress.values() if p.relief and p.relief.number <= 4]
    slow = [p for p in progress.values() if p.relief and p.relief.number > 6]
    flagged = [p for p in progress.values() if p.needs_review]
    assert quick and slow and flagged
    # The quick responder the brief describes: first-step 7.8, about 2 by session 4.
    maria = progress["Maria"]
    assert maria.baseline_first_step == Decimal("7.8")
    assert maria.scores[3].first_step_before <= Decimal("2.5")
    # A non-responder changes little, and the flag is on an active plan.
    non_responder = progress["James"]
    assert non_responder.needs_review and non_responder.plan.status == TreatmentPlan.Status.ACTIVE
    assert abs(non_responder.first_step_change.points) < 1
    assert non_responder.relief is None


def test_one_finished_course_relapsed_at_follow_up_and_one_held(seeded, db):
    rule = ReliefRule.in_force()
    recorded = FollowUp.objects.exclude(IN_HISTORY).filter(recorded_on__isnull=False).select_related("plan")
    assert recorded.filter(relapsed=True).count() == 1
    assert recorded.filter(relapsed=False).count() == 1
    for follow_up in recorded:
        progress = plan_progress(follow_up.plan, rule=rule)
        assert follow_up.plan.status == TreatmentPlan.Status.COMPLETED
        # Six months or more after the course ended, and judged by the rule in force.
        assert follow_up.recorded_on >= follow_up.due_on == progress.latest.day + relativedelta(months=6)
        assert follow_up.recorded_on <= timezone.localdate()
        assert follow_up.relapsed == rule.is_relapse(
            end_first_step=progress.end_first_step,
            follow_up_first_step=follow_up.first_step_pain,
            new_treatment_needed=follow_up.new_treatment_needed,
        )
    relapse = recorded.get(relapsed=True)
    assert relapse.first_step_pain - plan_progress(relapse.plan).end_first_step >= 2
    assert relapse.symptoms_returned


def test_a_finished_course_without_a_recorded_visit_has_its_follow_up_due_and_the_visit_booked(seeded, db):
    due = FollowUp.objects.exclude(IN_HISTORY).select_related("plan").get(recorded_on__isnull=True)
    assert due.relapsed is None
    assert due.due_on == plan_progress(due.plan).latest.day + relativedelta(months=6)
    # The follow-up page offers the visit the desk booked for it.
    visit = Appointment.objects.live().get(patient=due.plan.patient_id, kind=Appointment.Kind.FOLLOW_UP)
    assert visit.status == Appointment.Status.BOOKED


def test_a_signed_session_was_corrected_through_an_amendment_that_keeps_the_signed_value(seeded, db):
    amendment = SessionAmendment.objects.select_related("session").get()
    (name, (signed, now)), *_others = amendment.changes.items()
    assert (name, str(getattr(amendment.session, name))) == ("average_pain_after", now)
    assert signed != now and amendment.reason
    assert amendment.session.signed_at < amendment.amended_at <= timezone.now()


def test_the_demo_leaves_relief_and_relapse_to_the_app():
    for judge in ("meets_relief", "is_relapse", "plan_progress"):
        assert not hasattr(demo.sessions, judge)


def test_every_score_is_on_the_scale_and_lower_after_needling(seeded, db):
    for session in TreatmentSession.objects.all():
        for value in (
            session.first_step_pain_before,
            session.average_pain_before,
            session.first_step_pain_after,
            session.average_pain_after,
        ):
            assert Decimal("0") <= value <= Decimal("10")
            assert value == value.quantize(Decimal("0.1"))
        assert session.first_step_pain_after < session.first_step_pain_before
        assert session.average_pain_after < session.average_pain_before
        assert 8 <= session.needle_count <= 16
        assert 25 <= session.retention_minutes <= 40
        assert session.subjective and session.objective and session.assessment and session.plan_notes
        assert session.home_care


def test_no_electroacupuncture_for_the_pacemaker_patient_or_without_consent_to_it(seeded, db):
    pacemaker = Intake.objects.get(implanted_device=True).patient
    assert TreatmentSession.objects.filter(patient=pacemaker).exists()
    assert not ElectroStimulation.objects.filter(session__patient=pacemaker).exists()
    assert ElectroStimulation.objects.exists()
    for electro in ElectroStimulation.objects.select_related("session"):
        consent = Consent.objects.in_force().filter(patient=electro.session.patient_id).first()
        assert consent.covers_electroacupuncture
        needled = set(electro.session.needled_points.values_list("point_id", flat=True))
        assert {electro.point_a_id, electro.point_b_id} <= needled
        assert electro.minutes <= electro.session.retention_minutes


def test_the_pregnant_patient_gets_no_point_to_avoid_in_pregnancy_and_no_current(seeded, db):
    pregnant = Intake.objects.get(pregnant=True).patient
    needled = NeedledPoint.objects.filter(session__patient=pregnant)
    assert needled.exists()
    assert not needled.filter(point__avoid_in_pregnancy=True).exists()
    assert not ElectroStimulation.objects.filter(session__patient=pregnant).exists()


def test_nothing_is_needled_on_the_foot_with_the_ulcer(seeded, db):
    intake = Intake.objects.get(foot_ulcer_or_infection=True)
    on_the_foot = ["KI1", "LR3", "GB41", "EX-LE10", "SHIMIAN"]
    needled = NeedledPoint.objects.filter(session__patient=intake.patient, point__code__in=on_the_foot)
    assert needled.exists()
    assert set(needled.values_list("side", flat=True)) == {"left"}


def test_every_session_is_covered_by_consent_given_before_it(seeded, db):
    for session in TreatmentSession.objects.select_related("appointment"):
        day = timezone.localdate(session.appointment.starts_at)
        assert Consent.objects.filter(patient=session.patient_id, given_on__lte=day, covers_acupuncture=True).exists()


def test_a_few_mild_adverse_events_are_recorded(seeded, db):
    events = AdverseEvent.objects.exclude(session__patient__given_name__in=HISTORY_GIVEN_NAMES)
    assert 3 <= events.count() <= TreatmentSession.objects.exclude(HISTORY).count() // 6
    assert set(events.values_list("severity", flat=True)) == {AdverseEvent.Severity.MILD}
    assert {AdverseEvent.Kind.BLEEDING, AdverseEvent.Kind.NEEDLE_PAIN} <= set(events.values_list("kind", flat=True))


def test_some_patients_cut_down_their_anti_inflammatories(seeded, db):
    per_patient = TreatmentSession.objects.values("patient").annotate(
        daily=Count("pk", filter=Q(nsaid_use="daily")), none=Count("pk", filter=Q(nsaid_use="none"))
    )
    stopped = [row for row in per_patient if row["daily"] and row["none"]]
    assert len(stopped) >= 2
    for row in stopped:
        uses = list(
            TreatmentSession.objects.filter(patient=row["patient"])
            .order_by("appointment__starts_at")
            .values_list("nsaid_use", flat=True)
        )
        assert uses[0] == "daily" and uses[-1] == "none"


def test_numbness_and_tingling_are_re_scored_at_each_session_and_ease_slowly(seeded, db):
    rescored = SymptomRecord.objects.filter(note__startswith="Re-scored at session")
    patients = set(rescored.values_list("patient", flat=True))
    assert len(patients) >= 3
    for patient in patients:
        session_days = {
            timezone.localdate(starts)
            for starts in TreatmentSession.objects.filter(patient=patient).values_list(
                "appointment__starts_at", flat=True
            )
        }
        for symptom in set(rescored.filter(patient=patient).values_list("symptom", flat=True)):
            # A session on a day the symptom was recorded already corrects that record instead of adding one.
            records = SymptomRecord.objects.filter(patient=patient, symptom=symptom, recorded_on__in=session_days)
            assert set(records.values_list("recorded_on", flat=True)) == session_days
            severities = [r.severity for r in records.order_by("recorded_on")]
            assert severities == sorted(severities, reverse=True), (patient, symptom, severities)
