"""Progress against the relief rule: the numbers, hand-checked, and the pages that show them.

The cohort: Maria has an intake (first-step 7.5, average 6.0) and comes weekly;
Noor has no intake, so her first session is her baseline.
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from patients.models import SymptomRecord
from tests.factories import (
    ConsentFactory,
    IntakeFactory,
    PatientFactory,
    SymptomRecordFactory,
    TreatmentPlanFactory,
    TreatmentSessionFactory,
)
from tests.html import assert_valid_html
from treatments.models import ReliefRule, TreatmentPlan, local_datetime
from treatments.progress.plan_progress import patient_progress, plan_progress

pytestmark = pytest.mark.django_db

D = Decimal
WEEKLY = 7


def sign_sessions(plan, scores, *, first_day=None, every_days=WEEKLY, start_number=0, at=dt.time(10, 0)):
    """Signed sessions for `plan`, one per (first-step, average) pair of scores before needling.

    The pain after needling is a point lower (never below 0), and a pair may be None to leave a gap.
    """
    first_day = first_day or timezone.localdate() - dt.timedelta(days=every_days * len(scores) + 1)
    sessions = []
    for index, (first_step, average) in enumerate(scores):
        day = first_day + dt.timedelta(days=every_days * (index + start_number))
        sessions.append(
            TreatmentSessionFactory(
                appointment__plan=plan,
                appointment__patient=plan.patient,
                appointment__practitioner=plan.practitioner,
                appointment__starts_at=local_datetime(day, at),
                first_step_pain_before=D(first_step),
                average_pain_before=D(average),
                first_step_pain_after=max(D(first_step) - 1, D(0)),
                average_pain_after=max(D(average) - 1, D(0)),
            )
        )
    return sessions


@pytest.fixture
def maria(practitioner):
    patient = PatientFactory(given_name="Maria", family_name="Lopez")
    ConsentFactory(patient=patient, recorded_by=practitioner)
    IntakeFactory(
        patient=patient,
        recorded_by=practitioner,
        baseline_first_step_pain=D("7.5"),
        baseline_average_pain=D("6.0"),
    )
    return patient


@pytest.fixture
def plan(maria, practitioner):
    return TreatmentPlanFactory(patient=maria, practitioner=practitioner, sessions_planned=10)


MONDAY = dt.date(2026, 1, 5)
# Weekly: relief at session 3, when first-step pain is exactly 1.9 below the intake's 7.5.
MARIA = [("7.2", "6.0"), ("6.6", "5.5"), ("5.6", "4.8"), ("5.2", "4.2")]


def plan_url(plan):
    return reverse("treatments:plan_progress", kwargs={"plan_id": plan.public_id})


def patient_url(patient):
    return reverse("treatments:patient_progress", kwargs={"public_id": patient.public_id})


# --- the numbers ---------------------------------------------------------------------------


def test_the_baseline_comes_from_the_intake_and_relief_is_reached_at_exactly_the_threshold(plan):
    sign_sessions(plan, MARIA, first_day=MONDAY)
    progress = plan_progress(plan)
    assert progress.baseline_source == "intake"
    assert (progress.baseline_first_step, progress.baseline_average) == (D("7.5"), D("6.0"))
    assert [score.meets_relief for score in progress.scores] == [False, False, True, True]
    assert progress.relief.number == 3
    assert progress.relief.day == MONDAY + dt.timedelta(days=14)
    assert progress.weeks_to_relief == D("2.0")
    # 7.5 → 5.2 is 2.3 points down, 30.7%; 6.0 → 4.2 is 1.8 down, 30%.
    assert (progress.first_step_change.points, progress.first_step_change.percent) == (D("-2.3"), D("-30.7"))
    assert (progress.average_change.points, progress.average_change.percent) == (D("-1.8"), D("-30.0"))
    assert progress.sessions_signed == 4
    assert progress.end_first_step == D("5.2")  # the last session's score, before needling (4.2 after)


def test_without_an_intake_the_first_session_is_the_baseline(practitioner):
    noor = PatientFactory(given_name="Noor")
    plan = TreatmentPlanFactory(patient=noor, practitioner=practitioner)
    sign_sessions(plan, [("8.0", "7.0"), ("7.0", "6.0"), ("6.2", "5.0"), ("6.1", "4.9")], first_day=MONDAY)
    progress = plan_progress(plan)
    assert progress.baseline_source == "first session"
    assert (progress.baseline_first_step, progress.baseline_average) == (D("8.0"), D("7.0"))
    # 8.0 − 6.2 = 1.8 falls short; 8.0 − 6.1 = 1.9 meets it (average 7.0 → 4.9 is 2.1 but only 30%, which also meets).
    assert progress.relief.number == 4
    assert progress.weeks_to_relief == D("3.0")


def test_average_pain_must_fall_by_both_the_points_and_the_percentage(practitioner):
    patient = PatientFactory()
    IntakeFactory(patient=patient, baseline_first_step_pain=D("5.0"), baseline_average_pain=D("8.0"))
    plan = TreatmentPlanFactory(patient=patient, practitioner=practitioner)
    # 8.0 → 6.0: 2 points but only 25%; 8.0 → 5.6: 2.4 points and 30%.
    sign_sessions(plan, [("5.0", "6.0"), ("5.0", "5.6")], first_day=MONDAY)
    assert [score.meets_relief for score in plan_progress(plan).scores] == [False, True]


def test_a_plan_without_relief_by_its_midpoint_is_flagged_for_review(plan):
    sign_sessions(plan, [("7.4", "6.0")] * 4, first_day=MONDAY)
    assert plan_progress(plan).midpoint == 5
    assert not plan_progress(plan).needs_review  # not at the midpoint yet
    sign_sessions(plan, [("7.0", "5.9")], first_day=MONDAY, start_number=4)
    assert plan_progress(plan).needs_review
    plan.status = TreatmentPlan.Status.COMPLETED
    assert not plan_progress(plan).needs_review  # a finished plan is not reviewed


def test_relief_after_the_midpoint_still_leaves_the_flag(plan):
    sign_sessions(plan, [("7.4", "6.0")] * 5 + [("5.0", "4.0")], first_day=MONDAY)
    progress = plan_progress(plan)
    assert progress.relief.number == 6
    assert progress.needs_review


def test_relapse_is_a_rise_of_the_rule_amount_or_a_new_course():
    rule = ReliefRule()
    assert rule.is_relapse(end_first_step=D("3.0"), follow_up_first_step=D("4.9"), new_treatment_needed=False)
    assert not rule.is_relapse(end_first_step=D("3.0"), follow_up_first_step=D("4.8"), new_treatment_needed=False)
    assert rule.is_relapse(end_first_step=D("3.0"), follow_up_first_step=D("2.0"), new_treatment_needed=True)


def test_a_stricter_rule_moves_relief_later_or_out_of_reach(plan, clinic_admin):
    sign_sessions(plan, MARIA, first_day=MONDAY)
    assert plan_progress(plan).relief.number == 3
    ReliefRule.objects.create(
        first_step_drop=D("2.3"), average_drop_percent=50, average_drop_points=D("3.0"), changed_by=clinic_admin
    )
    assert plan_progress(plan).relief.number == 4
    ReliefRule.objects.create(first_step_drop=D("3.0"), average_drop_percent=50, average_drop_points=D("3.0"))
    assert plan_progress(plan).relief is None


def test_patient_progress_gives_every_plan_most_recent_first(maria, plan, practitioner):
    sign_sessions(plan, MARIA, first_day=MONDAY)
    later = TreatmentPlanFactory(patient=maria, practitioner=practitioner)
    sign_sessions(later, [("6.0", "5.0")], first_day=MONDAY + dt.timedelta(days=60))
    first, second = patient_progress(maria)
    assert first.plan == later
    assert [s.first_step_before for s in first.scores] == [D("6.0")]
    assert second.plan == plan
    assert second.relief.number == 3


@pytest.mark.parametrize("plans", [1, 4])
def test_patient_progress_runs_four_queries_whatever_the_number_of_plans(
    maria, practitioner, plans, django_assert_num_queries
):
    for index in range(plans):
        plan = TreatmentPlanFactory(patient=maria, practitioner=practitioner)
        sign_sessions(plan, MARIA, first_day=MONDAY + dt.timedelta(days=60 * index))
    with django_assert_num_queries(4):
        assert len(patient_progress(maria)) == plans


# --- the plan's progress page --------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_sign_in(client, plan):
    for url in (plan_url(plan), patient_url(plan.patient)):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))


def test_the_front_desk_cannot_see_progress(front_desk_client, plan):
    sign_sessions(plan, MARIA)
    for url in (plan_url(plan), patient_url(plan.patient)):
        response = front_desk_client.get(url)
        assert response.status_code == 403
        assert b"7.2" not in response.content


def test_an_unknown_plan_is_not_found(practitioner_client):
    url = reverse("treatments:plan_progress", kwargs={"plan_id": "00000000-0000-0000-0000-000000000000"})
    assert practitioner_client.get(url).status_code == 404


@pytest.mark.parametrize("persona", ["practitioner_client", "clinic_admin_client"])
def test_clinicians_see_the_plan_progress(request, persona, plan):
    sign_sessions(plan, MARIA, first_day=MONDAY)
    response = request.getfixturevalue(persona).get(plan_url(plan))
    assert response.status_code == 200
    assert_valid_html(response.content)
    text = response.content.decode()
    assert "Session 4 of 10 signed" in text
    assert "From the intake consultation" in text
    assert "Reached at session 3" in text
    assert "On Jan 19, 2026, 2.0 weeks after the first session" in text
    assert "down <strong>2.3</strong> points (31%)" in text
    assert ReliefRule().describe() in text
    assert text.count('role="img"') == 2
    assert "Relief · session 3" in text
    assert 'id="scores-' in text and "<caption>" in text
    assert text.count('<th scope="row">') == 5  # the baseline and four sessions


def test_the_rule_link_offers_a_change_to_clinic_admins_only(practitioner_client, clinic_admin_client, plan):
    assert "Change the rule" in clinic_admin_client.get(plan_url(plan)).content.decode()
    text = practitioner_client.get(plan_url(plan)).content.decode()
    assert "Change the rule" not in text
    assert "About the rule and its history" in text


def test_a_plan_without_sessions_says_so(practitioner_client, plan):
    response = practitioner_client.get(plan_url(plan))
    assert response.status_code == 200
    assert_valid_html(response.content)
    text = response.content.decode()
    assert "Session 0 of 10 signed" in text
    assert "No signed sessions yet" in text
    assert "Not yet" in text


def test_the_review_flag_shows_at_the_midpoint(practitioner_client, plan):
    sign_sessions(plan, [("7.4", "6.0")] * 5)
    text = practitioner_client.get(plan_url(plan)).content.decode()
    assert "No meaningful relief by session 5, the plan's midpoint." in text


def test_numbness_and_tingling_over_the_plan_show_beside_the_pain(practitioner_client, plan, maria):
    sign_sessions(plan, MARIA)
    first_day = plan_progress(plan).scores[0].day
    SymptomRecordFactory(patient=maria, symptom=SymptomRecord.Symptom.NUMBNESS, recorded_on=first_day, severity=6)
    SymptomRecordFactory(patient=maria, symptom=SymptomRecord.Symptom.NUMBNESS, recorded_on=first_day, severity=4)
    SymptomRecordFactory(
        patient=maria, symptom=SymptomRecord.Symptom.NUMBNESS, recorded_on=first_day + dt.timedelta(days=14), severity=3
    )
    # Outside the plan's period, another symptom, and another patient: none of them count.
    SymptomRecordFactory(
        patient=maria, symptom=SymptomRecord.Symptom.NUMBNESS, recorded_on=first_day - dt.timedelta(days=90), severity=9
    )
    SymptomRecordFactory(patient=maria, symptom=SymptomRecord.Symptom.BURNING, recorded_on=first_day, severity=7)
    SymptomRecordFactory(symptom=SymptomRecord.Symptom.TINGLING, recorded_on=first_day, severity=8)
    response = practitioner_client.get(plan_url(plan))
    assert_valid_html(response.content)
    trends = response.content.decode().split('data-testid="trends"')[1].split("</section>")[0]
    assert trends.count('role="img"') == 1  # numbness only
    assert "6 / 10" in trends and "3 / 10" in trends
    assert "4 / 10" not in trends and "9 / 10" not in trends and "7 / 10" not in trends
    assert "Tingling" in trends and "Not recorded in this period." in trends


def test_the_plan_page_runs_the_same_queries_for_3_or_30_sessions(practitioner_client, plan, maria):
    SymptomRecordFactory(patient=maria, symptom=SymptomRecord.Symptom.TINGLING, severity=5)
    sign_sessions(plan, MARIA[:3])
    with CaptureQueriesContext(connection) as small:
        assert practitioner_client.get(plan_url(plan)).status_code == 200
    other = TreatmentPlanFactory(patient=maria, practitioner=plan.practitioner)
    sign_sessions(other, [("7.0", "5.5")] * 27 + [("4.0", "3.0")] * 3, at=dt.time(14, 0))
    for day in range(10):
        SymptomRecordFactory(
            patient=maria,
            symptom=SymptomRecord.Symptom.NUMBNESS,
            severity=day % 10,
            recorded_on=MONDAY.replace(day=day + 1),
        )
    with CaptureQueriesContext(connection) as large:
        response = practitioner_client.get(plan_url(other))
    assert response.status_code == 200
    assert "Session 30 of 10 signed" in response.content.decode()
    assert len(large) == len(small)


# --- the patient's progress page -----------------------------------------------------------


@pytest.mark.parametrize("persona", ["practitioner_client", "clinic_admin_client"])
def test_clinicians_see_every_plan_of_the_patient_most_recent_first(request, persona, maria, plan, practitioner):
    sign_sessions(plan, MARIA, first_day=MONDAY)
    later = TreatmentPlanFactory(patient=maria, practitioner=practitioner, sessions_planned=8)
    later.created_at = timezone.now() + dt.timedelta(seconds=1)
    TreatmentPlan.objects.filter(pk=later.pk).update(created_at=later.created_at)
    response = request.getfixturevalue(persona).get(patient_url(maria))
    assert response.status_code == 200
    assert_valid_html(response.content)
    text = response.content.decode()
    assert "2 treatment plans, 4 signed sessions" in text
    assert "Meaningful relief in 1 of 1 plan with sessions" in text
    assert "First-step pain 7.5 at baseline, 5.2 on Jan 26, 2026" in text
    assert text.index("Session 0 of 8 signed") < text.index("Session 4 of 10 signed")
    assert "No signed sessions in this plan yet." in text
    assert text.count('role="img"') == 2  # the one plan with sessions


def test_a_patient_without_plans_has_an_empty_progress_page(practitioner_client):
    patient = PatientFactory()
    response = practitioner_client.get(patient_url(patient))
    assert response.status_code == 200
    assert_valid_html(response.content)
    assert "No treatment plan yet." in response.content.decode()


def test_the_patient_page_runs_the_same_queries_for_1_or_4_plans(practitioner_client, maria, plan, practitioner):
    sign_sessions(plan, MARIA[:2])
    with CaptureQueriesContext(connection) as small:
        assert practitioner_client.get(patient_url(maria)).status_code == 200
    for index in range(3):
        more = TreatmentPlanFactory(patient=maria, practitioner=practitioner)
        sign_sessions(more, MARIA * 2, first_day=MONDAY - dt.timedelta(days=100 * (index + 1)))
    with CaptureQueriesContext(connection) as large:
        response = practitioner_client.get(patient_url(maria))
    assert response.content.decode().count('data-testid="plan-progress"') == 4
    assert len(large) == len(small)


# --- the progress card on the patient chart ---------------------------------------------------


def chart_url(patient):
    return reverse("patients:chart", kwargs={"public_id": patient.public_id})


def test_the_chart_shows_the_latest_progress_to_clinicians(practitioner_client, maria, plan):
    sign_sessions(plan, MARIA, first_day=MONDAY)
    response = practitioner_client.get(chart_url(maria))
    assert_valid_html(response.content)
    card = response.content.decode().split('data-testid="progress-card"')[1].split("</section>")[0]
    assert "7.5 → 5.2" in card
    assert "6.0 → 4.2" in card
    assert "Meaningful relief at session 3" in card
    assert patient_url(maria) in card
    assert plan_url(plan) in card
    assert "No progress recorded yet." not in response.content.decode()


def test_the_chart_card_flags_a_plan_for_review(practitioner_client, maria, plan):
    sign_sessions(plan, [("7.4", "6.0")] * 5)
    card = practitioner_client.get(chart_url(maria)).content.decode().split('data-testid="progress-card"')[1]
    assert "No meaningful relief yet" in card
    assert "Review the plan:" in card


def test_the_front_desk_chart_has_no_progress_card(front_desk_client, maria, plan):
    sign_sessions(plan, MARIA)
    text = front_desk_client.get(chart_url(maria)).content.decode()
    assert 'data-testid="progress-card"' not in text
    assert "7.5 →" not in text


def test_the_chart_runs_the_same_queries_with_more_plans_and_sessions(practitioner_client, maria, plan, practitioner):
    sign_sessions(plan, MARIA[:1], first_day=MONDAY)
    with CaptureQueriesContext(connection) as small:
        assert practitioner_client.get(chart_url(maria)).status_code == 200
    sign_sessions(plan, MARIA[1:], first_day=MONDAY, start_number=1)
    for index in range(3):
        more = TreatmentPlanFactory(patient=maria, practitioner=practitioner)
        sign_sessions(more, MARIA, first_day=MONDAY - dt.timedelta(days=100 * (index + 1)))
    with CaptureQueriesContext(connection) as large:
        assert practitioner_client.get(chart_url(maria)).status_code == 200
    assert len(large) == len(small)
