"""The 6-month follow-up: proposed when a plan is completed, recorded by practitioners, judged for relapse."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from dateutil.relativedelta import relativedelta
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from tests.factories import AppointmentFactory, ConsentFactory, IntakeFactory, PatientFactory, TreatmentPlanFactory
from tests.html import assert_valid_html
from tests.treatments.test_progress import sign_sessions
from treatments.models import Appointment, FollowUp, ReliefRule, TreatmentPlan
from treatments.progress.follow_up import FollowUpFindings, follow_up_propose, follow_up_record
from treatments.progress.outcomes import GroupOutcome, Scope, outcome_table, plan_rows
from treatments.progress.plan_progress import plan_progress

pytestmark = pytest.mark.django_db

D = Decimal


@pytest.fixture
def patient(practitioner):
    patient = PatientFactory(given_name="Maria", family_name="Lopez")
    ConsentFactory(patient=patient, recorded_by=practitioner)
    IntakeFactory(patient=patient, baseline_first_step_pain=D("7.5"), baseline_average_pain=D("6.0"))
    return patient


@pytest.fixture
def plan(patient, practitioner):
    return TreatmentPlanFactory(patient=patient, practitioner=practitioner)


@pytest.fixture
def last_day():
    return timezone.localdate() - dt.timedelta(days=10)


@pytest.fixture
def completed(plan, practitioner, last_day):
    """A completed course whose last session, ten days ago, scored first-step pain 3.0 (2.0 after needling)."""
    sign_sessions(plan, [("7.0", "6.0"), ("5.0", "4.0"), ("3.0", "3.0")], first_day=last_day - dt.timedelta(days=14))
    plan.status = TreatmentPlan.Status.COMPLETED
    plan.save(update_fields=["status"])
    return plan


@pytest.fixture
def proposed(completed, practitioner):
    return follow_up_propose(plan=completed, by=practitioner)


def url(plan):
    return reverse("treatments:follow_up", kwargs={"plan_id": plan.public_id})


def findings(**changes) -> dict:
    data = {
        "recorded_on": timezone.localdate().isoformat(),
        "first_step_pain": "3.5",
        "average_pain": "2.5",
        "symptoms_returned": "no",
        "new_treatment_needed": "no",
        "notes": "Walking the dog daily without pain.",
    }
    data.update(changes)
    return data


# --- proposing ---------------------------------------------------------------------------


def test_a_completed_plan_gets_a_follow_up_six_months_after_its_last_session(proposed, last_day):
    assert proposed.due_on == last_day + relativedelta(months=6)
    assert not proposed.is_recorded
    assert proposed.relapsed is None


def test_proposing_twice_keeps_one_follow_up(proposed, completed, practitioner):
    assert follow_up_propose(plan=completed, by=practitioner) == proposed
    assert FollowUp.objects.count() == 1


def test_a_plan_still_active_gets_no_follow_up(plan, practitioner):
    assert follow_up_propose(plan=plan, by=practitioner) is None
    assert not FollowUp.objects.exists()


def test_a_completed_plan_without_sessions_is_followed_up_six_months_from_today(plan, practitioner):
    plan.status = TreatmentPlan.Status.COMPLETED
    follow_up = follow_up_propose(plan=plan, by=practitioner)
    assert follow_up.due_on == timezone.localdate() + relativedelta(months=6)
    assert follow_up.history.first().history_user == practitioner


def test_the_services_read_the_clock_they_are_given(plan, completed, practitioner):
    # A plan without sessions is due six months after `now`; findings dated after `now` are refused.
    plan_without = TreatmentPlanFactory(patient=plan.patient, practitioner=practitioner)
    plan_without.status = TreatmentPlan.Status.COMPLETED
    then = timezone.now() - dt.timedelta(days=30)
    assert follow_up_propose(plan=plan_without, by=practitioner, now=then).due_on == timezone.localdate(
        then
    ) + relativedelta(months=6)
    follow_up = follow_up_propose(plan=completed, by=practitioner)
    tomorrow = FollowUpFindings(timezone.localdate(then) + dt.timedelta(days=1), D("3.0"), D("2.0"), False, False)
    with pytest.raises(ValueError, match="in the future"):
        follow_up_record(follow_up=follow_up, findings=tomorrow, by=practitioner, now=then)
    follow_up.refresh_from_db()
    assert not follow_up.is_recorded


def test_six_months_after_august_31_is_the_last_day_of_february(plan, practitioner):
    sign_sessions(plan, [("5.0", "4.0")], first_day=dt.date(2025, 8, 31))
    plan.status = TreatmentPlan.Status.COMPLETED
    assert follow_up_propose(plan=plan, by=practitioner).due_on == dt.date(2026, 2, 28)


def test_completing_a_plan_on_its_page_proposes_the_follow_up(practitioner_client, plan, last_day):
    sign_sessions(plan, [("6.0", "5.0")], first_day=last_day)
    status_url = reverse("treatments:plan_status", kwargs={"plan_id": plan.public_id})
    response = practitioner_client.post(status_url, {"action": "complete"}, follow=True)
    assert response.status_code == 200
    follow_up = FollowUp.objects.get(plan=plan)
    assert follow_up.due_on == last_day + relativedelta(months=6)
    assert "A 6-month follow-up is proposed for" in response.content.decode()


def test_discontinuing_a_plan_proposes_nothing(practitioner_client, plan):
    status_url = reverse("treatments:plan_status", kwargs={"plan_id": plan.public_id})
    practitioner_client.post(status_url, {"action": "discontinue", "reason": "Moved away"})
    assert not FollowUp.objects.exists()


# --- who may see and write ---------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_sign_in(client, proposed, completed):
    response = client.get(url(completed))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_the_front_desk_can_neither_read_nor_record_it(front_desk_client, proposed, completed):
    assert front_desk_client.get(url(completed)).status_code == 403
    assert front_desk_client.post(url(completed), findings()).status_code == 403
    proposed.refresh_from_db()
    assert not proposed.is_recorded


def test_clinic_admins_read_it_but_cannot_record_it(clinic_admin_client, proposed, completed):
    response = clinic_admin_client.get(url(completed))
    assert response.status_code == 200
    assert_valid_html(response.content)
    assert response.context["form"] is None
    assert clinic_admin_client.post(url(completed), findings()).status_code == 403
    proposed.refresh_from_db()
    assert not proposed.is_recorded


def test_practitioners_see_the_due_date_the_booking_link_and_the_relapse_definition(
    practitioner_client, proposed, completed, patient
):
    response = practitioner_client.get(url(completed))
    assert response.status_code == 200
    assert_valid_html(response.content)
    text = response.content.decode()
    assert f"{proposed.due_on:%b} {proposed.due_on.day}, {proposed.due_on.year}" in text
    assert f"{reverse('treatments:appointment_create')}?patient={patient.public_id}&amp;kind=follow_up" in text
    assert "first-step pain back up by at least 1.9 points since the last session of the plan" in text
    assert "First-step pain at the end of the plan: <strong>3.0</strong>" in text
    assert 'name="first_step_pain"' in text


def test_a_booked_follow_up_appointment_is_shown_instead_of_the_booking_link(
    practitioner_client, proposed, completed, patient, practitioner
):
    booked = AppointmentFactory(
        patient=patient,
        practitioner=practitioner,
        kind=Appointment.Kind.FOLLOW_UP,
        starts_at=timezone.now() + dt.timedelta(days=170),
    )
    text = practitioner_client.get(url(completed)).content.decode()
    assert reverse("treatments:appointment", kwargs={"appointment_id": booked.pk}) in text
    assert "Book the follow-up appointment" not in text


def test_a_plan_not_yet_completed_has_no_follow_up_to_record(practitioner_client, plan):
    response = practitioner_client.get(url(plan))
    assert response.status_code == 200
    assert_valid_html(response.content)
    assert "once the plan is completed" in response.content.decode()
    response = practitioner_client.post(url(plan), findings(), follow=True)
    assert "There is no follow-up to record for this plan yet." in response.content.decode()
    response = practitioner_client.post(url(plan), {"action": "propose"}, follow=True)
    assert "A follow-up is proposed once the plan is completed." in response.content.decode()
    assert not FollowUp.objects.exists()


def test_a_completed_plan_without_a_follow_up_can_have_one_proposed(practitioner_client, completed):
    assert "Propose the follow-up" in practitioner_client.get(url(completed)).content.decode()
    practitioner_client.post(url(completed), {"action": "propose"})
    assert FollowUp.objects.filter(plan=completed).exists()


# --- recording -----------------------------------------------------------------------------


def test_recording_a_pain_much_as_at_the_end_is_no_relapse(practitioner_client, proposed, completed, practitioner):
    response = practitioner_client.post(url(completed), findings(first_step_pain="4.8"))
    assert response.status_code == 302
    proposed.refresh_from_db()
    assert proposed.recorded_on == timezone.localdate()
    assert proposed.first_step_pain == D("4.8")
    assert proposed.average_pain == D("2.5")
    assert proposed.symptoms_returned is False
    assert proposed.recorded_by == practitioner
    assert proposed.relapsed is False  # 4.8 − 3.0 = 1.8, short of 1.9
    text = practitioner_client.get(url(completed)).content.decode()
    assert "No relapse" in text
    assert "Walking the dog daily without pain." in text


def test_pain_back_up_by_the_rule_amount_is_a_relapse(practitioner_client, proposed, completed):
    practitioner_client.post(url(completed), findings(first_step_pain="4.9", symptoms_returned="yes"))
    proposed.refresh_from_db()
    assert proposed.relapsed is True
    assert proposed.symptoms_returned is True


def test_needing_a_new_course_is_a_relapse_whatever_the_pain(practitioner_client, proposed, completed):
    practitioner_client.post(url(completed), findings(first_step_pain="2.0", new_treatment_needed="yes"))
    proposed.refresh_from_db()
    assert proposed.relapsed is True


def test_relapse_is_judged_by_the_rule_in_force_when_recorded(practitioner_client, proposed, completed):
    ReliefRule.objects.create(relapse_rise=D("1.0"), note="stricter relapse")
    practitioner_client.post(url(completed), findings(first_step_pain="4.0"))
    proposed.refresh_from_db()
    assert proposed.relapsed is True
    # A later, looser rule leaves the stored verdict alone.
    ReliefRule.objects.create(relapse_rise=D("5.0"), note="looser")
    proposed.refresh_from_db()
    assert proposed.relapsed is True


def test_a_recorded_follow_up_can_be_corrected(practitioner_client, proposed, completed):
    practitioner_client.post(url(completed), findings(first_step_pain="4.9"))
    response = practitioner_client.get(url(completed))
    assert "Correct the record" in response.content.decode()
    assert response.context["form"].initial["symptoms_returned"] == "no"
    practitioner_client.post(url(completed), findings(first_step_pain="3.2"))
    proposed.refresh_from_db()
    assert proposed.relapsed is False
    assert proposed.history.count() == 3  # proposed, recorded, corrected


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("first_step_pain", "-1", "Enter a score from 0 (no pain) to 10"),
        ("first_step_pain", "11", "Enter a score from 0 (no pain) to 10"),
        ("first_step_pain", "abc", "Enter the score as a number from 0 to 10"),
        ("first_step_pain", "4.55", "Use at most one decimal (e.g. 6.5)"),
        ("first_step_pain", "", "Enter the patient's score (0 to 10)."),
        ("average_pain", "10.5", "Enter a score from 0 (no pain) to 10"),
        ("symptoms_returned", "", "Answer yes or no."),
        ("new_treatment_needed", "maybe", "Answer yes or no."),
        ("recorded_on", "", "Enter the date of the follow-up."),
        ("recorded_on", "not a date", "Enter a date."),
    ],
)
def test_bad_input_is_refused_at_its_field_and_nothing_is_written(practitioner_client, proposed, field, value, message):
    response = practitioner_client.post(url(proposed.plan), findings(**{field: value}))
    assert response.status_code == 200
    assert_valid_html(response.content)
    errors = response.context["form"].errors
    assert list(errors) == [field]
    assert message in errors[field][0]
    assert "Nothing was saved" in response.content.decode()
    proposed.refresh_from_db()
    assert not proposed.is_recorded
    assert proposed.relapsed is None


def test_a_follow_up_cannot_be_dated_in_the_future(practitioner_client, proposed, completed):
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    response = practitioner_client.post(url(completed), findings(recorded_on=tomorrow.isoformat()))
    assert "This date is in the future" in response.context["form"].errors["recorded_on"][0]
    proposed.refresh_from_db()
    assert not proposed.is_recorded


def test_a_follow_up_cannot_come_before_the_plans_last_session(practitioner_client, proposed, completed, last_day):
    before = last_day - dt.timedelta(days=1)
    response = practitioner_client.post(url(completed), findings(recorded_on=before.isoformat()))
    assert "the follow-up cannot come before it" in response.context["form"].errors["recorded_on"][0]
    proposed.refresh_from_db()
    assert not proposed.is_recorded


def test_the_plan_progress_page_shows_the_follow_up_status(practitioner_client, proposed, completed):
    progress_url = reverse("treatments:plan_progress", kwargs={"plan_id": completed.public_id})
    text = practitioner_client.get(progress_url).content.decode()
    assert "Not recorded yet." in text
    assert url(completed) in text
    practitioner_client.post(url(completed), findings(first_step_pain="5.5"))
    text = practitioner_client.get(progress_url).content.decode()
    assert "Relapse" in text.split('data-testid="follow-up-status"')[1]


# --- one end of plan; no relapse without relief; the 6-month window -------------------------


def outcomes_for(approach) -> GroupOutcome:
    return next(group for group in outcome_table(Scope()) if group.approach == approach)


def finished_course(
    practitioner, name: str, baseline: str, first_steps: list[str], *, at: dt.time = dt.time(10, 0)
) -> TreatmentPlan:
    """A completed acupuncture course whose weekly sessions ended about seven months ago (after = before − 1)."""
    given, family = name.split()
    patient = PatientFactory(given_name=given, family_name=family)
    ConsentFactory(patient=patient, recorded_by=practitioner)
    IntakeFactory(patient=patient, baseline_first_step_pain=D(baseline), baseline_average_pain=D("5.0"))
    plan = TreatmentPlanFactory(patient=patient, practitioner=practitioner, approach=TreatmentPlan.Approach.ACUPUNCTURE)
    sign_sessions(
        plan,
        [(score, "5.0") for score in first_steps],
        first_day=timezone.localdate() - relativedelta(months=7),
        at=at,
    )
    plan.status = TreatmentPlan.Status.COMPLETED
    plan.save(update_fields=["status"])
    follow_up_propose(plan=plan, by=practitioner)
    return plan


@pytest.fixture
def never_relieved(practitioner):
    """Pedro's course never reached relief: baseline 6.5, last session 6.0 before needling, 5.0 after."""
    return finished_course(practitioner, "Pedro Ruiz", "6.5", ["6.5", "6.2", "6.0"])


def six_months_after_last_session(plan) -> dt.date:
    return plan_progress(plan).latest.day + relativedelta(months=6)


def test_the_end_of_plan_is_the_last_score_before_needling(never_relieved):
    progress = plan_progress(never_relieved)
    assert (progress.latest.first_step_before, progress.latest.first_step_after) == (D("6.0"), D("5.0"))
    assert progress.end_first_step == D("6.0")
    row = next(row for row in plan_rows(Scope()) if row["id"] == never_relieved.pk)
    assert row["end_first_step"] == progress.end_first_step


def test_a_plan_that_never_reached_relief_is_not_judged_for_relapse(practitioner_client, never_relieved):
    day = six_months_after_last_session(never_relieved)
    # Against the pain after needling (5.0), 6.9 was a rise of 1.9: the relapse the outcomes used to count.
    practitioner_client.post(url(never_relieved), findings(recorded_on=day.isoformat(), first_step_pain="6.9"))
    follow_up = FollowUp.objects.get(plan=never_relieved)
    assert follow_up.is_recorded and follow_up.in_window
    assert follow_up.relapsed is None
    assert follow_up.never_relieved is True

    response = practitioner_client.get(url(never_relieved))
    assert_valid_html(response.content)
    text = response.content.decode()
    assert "First-step pain at the end of the plan: <strong>6.0</strong>" in text
    assert "never reached meaningful relief, so there is no relief to relapse from" in text
    assert "Never relieved: not judged for relapse" in text
    assert 'data-testid="outside-window"' not in text

    acupuncture = outcomes_for(TreatmentPlan.Approach.ACUPUNCTURE)
    assert (acupuncture.followed_up, acupuncture.relapsed, acupuncture.never_relieved) == (0, 0, 1)
    assert acupuncture.missing["relapse"] == 0  # followed up, and counted apart rather than missing


def test_a_never_relieved_plan_leaves_its_approach_at_no_relapse(practitioner_client, practitioner, never_relieved):
    """Beside Ana's relieved course that held, Pedro's leaves acupuncture at 0% relapse, not 50%."""
    held = finished_course(practitioner, "Ana Gil", "7.5", ["7.0", "5.0", "3.0"], at=dt.time(11, 0))
    for plan, pain in ((never_relieved, "6.9"), (held, "3.5")):
        day = six_months_after_last_session(plan)
        practitioner_client.post(url(plan), findings(recorded_on=day.isoformat(), first_step_pain=pain))

    acupuncture = outcomes_for(TreatmentPlan.Approach.ACUPUNCTURE)
    assert (acupuncture.followed_up, acupuncture.relapsed, acupuncture.never_relieved) == (1, 0, 1)
    assert acupuncture.relapse_rate == 0.0
    page = practitioner_client.get(reverse("treatments:outcomes")).content.decode()
    assert "1 never relieved, not counted" in page


def test_a_follow_up_on_the_day_the_plan_ends_is_kept_but_not_counted_at_six_months(practitioner_client, practitioner):
    plan = finished_course(practitioner, "Ana Gil", "7.5", ["7.0", "5.0", "3.0"])
    last_day = plan_progress(plan).latest.day
    response = practitioner_client.post(
        url(plan), findings(recorded_on=last_day.isoformat(), first_step_pain="5.5", symptoms_returned="yes")
    )
    assert response.status_code == 302
    follow_up = FollowUp.objects.get(plan=plan)
    assert follow_up.recorded_on == last_day  # kept, and judged (5.5 − 3.0 = 2.5)...
    assert follow_up.relapsed is True
    assert (follow_up.window_opens_on, follow_up.window_closes_on) == (
        last_day + relativedelta(months=5),
        last_day + relativedelta(months=8),
    )
    assert follow_up.in_window is False  # ...but outside the 6-month window

    text = practitioner_client.get(url(plan)).content.decode()
    assert 'data-testid="outside-window"' in text
    assert "outside the window for the 6-month follow-up" in text
    assert "not counted in the clinic" in text

    acupuncture = outcomes_for(TreatmentPlan.Approach.ACUPUNCTURE)
    assert (acupuncture.followed_up, acupuncture.relapsed, acupuncture.outside_window) == (0, 0, 1)
    assert acupuncture.relapse_rate is None
    row = next(row for row in plan_rows(Scope()) if row["id"] == plan.pk)
    assert (row["relapsed"], row["outside_window"]) == (None, True)
    page = practitioner_client.get(reverse("treatments:outcomes")).content.decode()
    assert "1 outside the 5–8 month window, not counted" in page


def test_a_wider_window_set_before_recording_counts_the_follow_up(practitioner_client, practitioner):
    ReliefRule.objects.create(follow_up_from_months=1, follow_up_to_months=12, note="audit asks for any follow-up")
    plan = finished_course(practitioner, "Ana Gil", "7.5", ["7.0", "5.0", "3.0"])
    day = plan_progress(plan).latest.day + relativedelta(months=2)
    practitioner_client.post(url(plan), findings(recorded_on=day.isoformat(), first_step_pain="3.5"))
    assert FollowUp.objects.get(plan=plan).in_window is True
    assert outcomes_for(TreatmentPlan.Approach.ACUPUNCTURE).followed_up == 1


def stored_the_old_way(plan, *, first_step: str) -> FollowUp:
    """A follow-up as stored before the definitions changed: relapse judged from the pain after needling."""
    follow_up = FollowUp.objects.get(plan=plan)
    day = six_months_after_last_session(plan)
    follow_up.recorded_on, follow_up.first_step_pain, follow_up.average_pain = day, D(first_step), D("5.0")
    follow_up.relapsed, follow_up.never_relieved = True, False
    follow_up.window_opens_on, follow_up.window_closes_on = day - relativedelta(months=1), day + relativedelta(months=2)
    follow_up.save()
    return follow_up


def test_rejudging_turns_an_old_relapse_of_a_never_relieved_plan_into_never_relieved(never_relieved, practitioner):
    follow_up = stored_the_old_way(never_relieved, first_step="6.9")
    out = io.StringIO()
    call_command("rejudge_follow_ups", stdout=out)
    assert f"plan {never_relieved.public_id}: Relapse -> Never relieved" in out.getvalue()
    assert "1 follow-up verdict(s) would change (dry run" in out.getvalue()
    follow_up.refresh_from_db()
    assert (follow_up.relapsed, follow_up.never_relieved) == (True, False)  # the dry run wrote nothing

    call_command("rejudge_follow_ups", "--apply", stdout=io.StringIO())
    follow_up.refresh_from_db()
    assert (follow_up.relapsed, follow_up.never_relieved) == (None, True)
    assert follow_up.history.order_by("-history_id").first().history_change_reason.startswith("Judged again")
    assert "Pedro" not in out.getvalue()  # only the plan's opaque id is printed
    again = io.StringIO()
    call_command("rejudge_follow_ups", "--apply", stdout=again)
    assert "0 follow-up verdict(s) changed" in again.getvalue()


def test_rejudging_measures_a_relieved_plan_from_the_pain_before_needling(practitioner):
    """Ana ended on 3.0 before needling (2.0 after): 4.4 at follow-up was a relapse from 2.0, not from 3.0."""
    held = finished_course(practitioner, "Ana Gil", "7.5", ["7.0", "5.0", "3.0"])
    follow_up = stored_the_old_way(held, first_step="4.4")
    call_command("rejudge_follow_ups", "--apply", stdout=io.StringIO())
    follow_up.refresh_from_db()
    assert (follow_up.relapsed, follow_up.never_relieved) == (False, False)


def test_rejudging_uses_the_rule_in_force_when_the_follow_up_was_recorded(practitioner):
    held = finished_course(practitioner, "Ana Gil", "7.5", ["7.0", "5.0", "3.0"])
    follow_up = stored_the_old_way(held, first_step="4.4")
    follow_up.relapsed = False
    follow_up.save()
    # A stricter rule set afterwards (a rise of 1 point is a relapse) does not rewrite the verdict.
    stricter = ReliefRule.objects.create(relapse_rise=D("1.0"))
    ReliefRule.objects.filter(pk=stricter.pk).update(changed_at=timezone.now() + dt.timedelta(days=1))
    out = io.StringIO()
    call_command("rejudge_follow_ups", "--apply", stdout=out)
    assert "0 follow-up verdict(s) changed" in out.getvalue()
