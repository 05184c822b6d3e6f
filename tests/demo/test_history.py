"""The demo's two years of finished courses (demo.history): enough, and varied enough, for the outcomes page."""

import io
import re

import pytest
from dateutil.relativedelta import relativedelta
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count, Q
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from clinic.models import User
from demo.history import HISTORY_GIVEN_NAMES, plans_spec
from demo.management.commands.seed_demo import Command as SeedDemo
from patients.models import Diagnosis, Intake, Patient
from treatments.models import (
    AdverseEvent,
    Appointment,
    FollowUp,
    TreatmentPlan,
    TreatmentSession,
)
from treatments.progress.outcomes import Scope, outcome_table

Plan = TreatmentPlan
HISTORY = Q(patient__given_name__in=HISTORY_GIVEN_NAMES)
APPROACHES = set(Plan.Approach.values)


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker, clinic_clock_for_module):
    """The whole demo seeded once for the module (it takes most of a minute), on the clinic clock; rolled back after."""
    out = io.StringIO()
    with django_db_blocker.unblock(), override_settings(DEBUG=True), transaction.atomic():
        call_command(SeedDemo(), stdout=out)
        yield out.getvalue()
        transaction.set_rollback(True)


@pytest.fixture
def plans(seeded, db):
    return Plan.objects.filter(HISTORY)


@pytest.fixture
def completed(plans):
    return plans.filter(status=Plan.Status.COMPLETED)


def test_about_a_hundred_past_plans_started_over_the_last_two_years_and_all_finished(seeded, plans, completed):
    now = timezone.now()
    assert plans.count() == len(plans_spec(timezone.localdate())) >= 100
    assert completed.count() >= 90
    assert not plans.filter(appointments__isnull=True).exists()
    visits = Appointment.objects.filter(plan__in=plans)
    earliest, latest = visits.order_by("starts_at").first(), visits.order_by("-ends_at").first()
    assert now - relativedelta(months=25) <= earliest.starts_at <= now - relativedelta(months=20)
    assert latest.ends_at <= now
    # Spread out: first sessions in at least 18 different months.
    months = {
        timezone.localdate(plan.appointments.order_by("starts_at").first().starts_at).strftime("%Y-%m")
        for plan in plans
    }
    assert len(months) >= 18
    assert not plans.filter(status__in=[Plan.Status.ACTIVE, Plan.Status.DRAFT]).exists()


def test_the_three_approaches_and_the_three_conditions_are_all_there(completed):
    by_approach = dict(completed.values_list("approach").annotate(n=Count("pk")))
    assert set(by_approach) == APPROACHES
    assert by_approach[Plan.Approach.ACUPUNCTURE] > by_approach[Plan.Approach.OTHER]
    assert by_approach[Plan.Approach.ACUPUNCTURE_PT] > by_approach[Plan.Approach.OTHER] >= 10
    codes = set(Diagnosis.objects.filter(plans__in=completed).values_list("code", flat=True))
    assert {"M72.2", "G62.9", "E11.42"} <= codes
    assert codes & {"M77.31", "M77.32"}
    # Heel spurs often come with plantar fasciitis.
    spurs = completed.filter(diagnoses__code__in=["M77.31", "M77.32"]).distinct()
    assert spurs.filter(diagnoses__code="M72.2").exists()


def test_every_plan_has_8_to_12_sessions_weekly_or_twice_weekly_and_each_is_signed_by_its_practitioner(
    plans, completed
):
    assert set(plans.values_list("frequency", flat=True)) == set(Plan.Frequency.values)
    assert not plans.filter(Q(sessions_planned__lt=8) | Q(sessions_planned__gt=12)).exists()
    for plan in completed.annotate(signed=Count("sessions", filter=Q(sessions__signed_at__isnull=False))):
        assert plan.signed == plan.sessions_planned, plan
    sessions = TreatmentSession.objects.filter(plan__in=plans).select_related("appointment")
    assert sessions.exists()
    for session in sessions:
        assert session.is_signed and session.signed_by_id == session.practitioner_id
        assert session.appointment.status == Appointment.Status.COMPLETED
        assert session.appointment.starts_at <= session.signed_at <= timezone.now()
    # Both demo practitioners, at the main clinic.
    assert plans.values("practitioner").distinct().count() == 2


def test_about_a_tenth_stopped_early_after_two_to_five_sessions(plans):
    stopped = plans.filter(status=Plan.Status.DISCONTINUED)
    assert 0.06 <= stopped.count() / plans.count() <= 0.15
    for plan in stopped:
        assert plan.discontinued_reason
        assert 2 <= plan.sessions.signed().count() <= 5
        assert not FollowUp.objects.filter(plan=plan).exists()


def test_every_completed_plan_has_its_follow_up_and_the_recorded_ones_fall_in_their_window(completed):
    today = timezone.localdate()
    follow_ups = FollowUp.objects.filter(plan__in=completed)
    assert follow_ups.count() == completed.count()
    recorded = follow_ups.filter(recorded_on__isnull=False)
    assert recorded.count() >= 30
    for follow_up in recorded:
        # Recorded 5 to 8 months after the last session, and not in the future.
        assert follow_up.window_opens_on <= follow_up.recorded_on <= follow_up.window_closes_on
        assert follow_up.recorded_on <= today
    due = follow_ups.filter(due_on__lt=today)
    missing = due.filter(recorded_on__isnull=True)
    # About a fifth of the due follow-ups were never recorded: the review queue lists them as overdue.
    assert 0.15 <= missing.count() / due.count() <= 0.3


def test_some_relieved_patients_relapsed_and_a_non_responder_was_never_relieved(completed):
    judged = FollowUp.objects.filter(plan__in=completed, relapsed__isnull=False)
    relapsed = judged.filter(relapsed=True)
    assert 0.08 <= relapsed.count() / judged.count() <= 0.25
    assert all(follow_up.symptoms_returned for follow_up in relapsed)
    assert FollowUp.objects.filter(plan__in=completed, never_relieved=True).exists()


def test_minor_adverse_events_in_about_one_session_in_twelve_and_one_severe(plans):
    sessions = TreatmentSession.objects.filter(plan__in=plans)
    events = AdverseEvent.objects.filter(session__in=sessions)
    assert 0.05 <= events.count() / sessions.count() <= 0.11
    by_severity = dict(events.values_list("severity").annotate(n=Count("pk")))
    assert 1 <= by_severity[AdverseEvent.Severity.SEVERE] <= 2
    assert by_severity[AdverseEvent.Severity.MILD] > 0.85 * events.count()
    assert by_severity.get(AdverseEvent.Severity.MODERATE, 0) >= 1
    kinds = dict(events.values_list("kind").annotate(n=Count("pk")))
    assert kinds[AdverseEvent.Kind.BLEEDING] + kinds[AdverseEvent.Kind.NEEDLE_PAIN] > events.count() / 2
    assert 1 <= kinds[AdverseEvent.Kind.FAINTING] <= 2
    assert kinds[AdverseEvent.Kind.FLARE] >= 1
    severe = events.get(severity=AdverseEvent.Severity.SEVERE)
    assert severe.kind == AdverseEvent.Kind.INFECTION
    assert "flucloxacillin" in severe.action_taken


def test_most_were_on_daily_nsaids_and_cut_down(plans, completed):
    intakes = Intake.objects.filter(patient__plans__in=plans)
    uses = dict(intakes.values_list("nsaid_use").annotate(n=Count("pk")))
    assert uses["daily"] > 0.6 * intakes.count()
    assert uses.get("none", 0) + uses.get("occasional", 0) >= 5
    daily = completed.filter(patient__intake__nsaid_use="daily")
    last_uses = [plan.sessions.signed().order_by("-started_at").first().nsaid_use for plan in daily]
    reduced = [use for use in last_uses if use in ("occasional", "none")]
    assert len(reduced) > daily.count() / 2


def test_the_outcomes_table_compares_the_three_approaches(seeded, db):
    groups = {group.approach: group for group in outcome_table(Scope())}
    for approach in APPROACHES:
        group = groups[approach]
        assert group.n > 10
        assert group.reduction_mean and group.reduction_ci
        assert group.relief_median_weeks
        assert group.followed_up > 0 and group.relapse_rate is not None
        assert group.improved4_n > 0 and group.nsaid_n > 0
    heel = {group.approach: group for group in outcome_table(Scope(diagnosis_code="M72.2"))}
    # Acupuncture with physical therapy does best for plantar fasciitis, acupuncture alone least well.
    assert heel["acupuncture_pt"].reduction_mean > heel["acupuncture"].reduction_mean
    assert heel["acupuncture_pt"].relief_median_weeks <= heel["acupuncture"].relief_median_weeks
    assert heel["acupuncture"].improved4_share >= 0.5


def test_the_outcomes_page_and_the_review_queue_show_the_history(seeded, db, client_for):
    client = client_for(User.objects.get(username="clinicadmin"))
    page = client.get(reverse("treatments:outcomes"))
    assert page.status_code == 200
    for label in Plan.Approach.labels:
        assert label in page.content.decode()
    queue = client.get(reverse("treatments:review_queue"))
    assert queue.status_code == 200
    assert queue.context["overdue_count"] >= 10


def test_the_progress_bar_ends_on_one_line_and_the_summary_counts_the_plans(seeded):
    total = len(plans_spec(timezone.localdate()))
    bars = [line for line in seeded.splitlines() if line.startswith("History")]
    assert bars == [f"History  [{'#' * 30}] {total}/{total} plans"]
    assert "\r" not in seeded
    assert re.search(rf"and {total} past treatment plans added this time", seeded)


def test_seeding_again_adds_nothing(seeded, db):
    models = (Patient, Plan, Appointment, TreatmentSession, FollowUp, AdverseEvent)
    before = [model.objects.count() for model in models]
    out = io.StringIO()
    with override_settings(DEBUG=True):
        call_command(SeedDemo(), stdout=out)
    assert [model.objects.count() for model in models] == before
    assert "0 patients, 0 appointments, 0 treatment sessions and 0 past treatment plans" in out.getvalue()
