"""The clinic's relief rule: clinicians read it and its history, clinic admins change it, every page obeys it."""

from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from tests.factories import ConsentFactory, IntakeFactory, PatientFactory, TreatmentPlanFactory
from tests.html import assert_valid_html
from tests.treatments.test_progress import MARIA, MONDAY, sign_sessions
from treatments.models import ReliefRule

pytestmark = pytest.mark.django_db

URL = reverse("treatments:relief_rule")
D = Decimal


def stricter(**changes) -> dict:
    data = {
        "first_step_drop": "2.5",
        "average_drop_percent": "50",
        "average_drop_points": "3.0",
        "relapse_rise": "1.5",
        "follow_up_from_months": "5",
        "follow_up_to_months": "8",
        "note": "Team meeting: only count clearer improvement",
    }
    data.update(changes)
    return data


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_the_front_desk_cannot_read_or_change_the_rule(front_desk_client):
    assert front_desk_client.get(URL).status_code == 403
    assert front_desk_client.post(URL, stricter()).status_code == 403
    assert not ReliefRule.objects.exists()


def test_practitioners_read_the_rule_but_cannot_change_it(practitioner_client):
    response = practitioner_client.get(URL)
    assert response.status_code == 200
    assert_valid_html(response.content)
    text = response.content.decode()
    assert ReliefRule().describe() in text
    assert "first-step pain back up by at least 1.9 points" in text
    assert "The clinic has not changed the defaults." in text
    assert '<form method="post" novalidate>' not in text
    assert practitioner_client.post(URL, stricter()).status_code == 403
    assert not ReliefRule.objects.exists()


def test_clinic_admins_see_the_form_filled_with_the_rule_in_force(clinic_admin_client):
    response = clinic_admin_client.get(URL)
    assert response.status_code == 200
    assert_valid_html(response.content)
    text = response.content.decode()
    assert 'name="first_step_drop"' in text and 'value="1.9"' in text
    assert 'name="average_drop_percent"' in text and 'value="30"' in text
    assert 'for="id_note"' in text


def test_a_change_adds_a_rule_and_keeps_the_old_one_in_the_history(clinic_admin_client, clinic_admin):
    first = ReliefRule.objects.create(note="Opening rule")
    response = clinic_admin_client.post(URL, stricter())
    assert response.status_code == 302
    assert ReliefRule.objects.count() == 2
    rule = ReliefRule.in_force()
    assert rule.pk != first.pk
    assert (rule.first_step_drop, rule.average_drop_percent, rule.average_drop_points, rule.relapse_rise) == (
        D("2.5"),
        50,
        D("3.0"),
        D("1.5"),
    )
    assert rule.changed_by == clinic_admin
    assert rule.note == "Team meeting: only count clearer improvement"
    page = clinic_admin_client.get(URL).content.decode()
    assert "first-step pain down at least 2.5 points, or average pain down at least 50% and at least 3 points" in page
    assert "Opening rule" in page and "Team meeting: only count clearer improvement" in page
    assert "Carmen Diaz" in page


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("first_step_drop", "abc", "Enter points from 0.1 to 10"),
        ("first_step_drop", "0", "Enter points from 0.1 to 10"),
        ("first_step_drop", "-1", "Enter points from 0.1 to 10"),
        ("first_step_drop", "11", "Enter points from 0.1 to 10"),
        ("first_step_drop", "1.25", "with at most one decimal"),
        ("first_step_drop", "", "This is required."),
        ("average_drop_points", "10.1", "Enter points from 0.1 to 10"),
        ("relapse_rise", "abc", "Enter points from 0.1 to 10"),
        ("average_drop_percent", "0", "Enter a whole percentage from 1 to 100."),
        ("average_drop_percent", "101", "Enter a whole percentage from 1 to 100."),
        ("average_drop_percent", "12.5", "Enter a whole percentage from 1 to 100."),
        ("average_drop_percent", "abc", "Enter a whole percentage from 1 to 100."),
        ("note", "", "Say why the rule is changing."),
        ("note", "   ", "Say why the rule is changing."),
        ("follow_up_from_months", "0", "Enter a whole number of months from 1 to 24."),
        ("follow_up_from_months", "", "Enter a whole number of months from 1 to 24."),
        ("follow_up_to_months", "25", "Enter a whole number of months from 1 to 24."),
        ("follow_up_to_months", "6.5", "Enter a whole number of months from 1 to 24."),
        ("follow_up_to_months", "abc", "Enter a whole number of months from 1 to 24."),
        # A window that ends before it starts: the message sits on the month that closes it.
        ("follow_up_to_months", "4", "The window must end on or after it starts"),
    ],
)
def test_bad_input_is_refused_at_its_field_and_nothing_is_written(clinic_admin_client, field, value, message):
    response = clinic_admin_client.post(URL, stricter(**{field: value}))
    assert response.status_code == 200
    assert_valid_html(response.content)
    form = response.context["form"]
    assert list(form.errors) == [field]
    assert message in form.errors[field][0]
    assert "Nothing was saved" in response.content.decode()
    assert not ReliefRule.objects.exists()


def test_the_follow_up_window_is_set_with_the_rule_and_shown_with_it(clinic_admin_client):
    response = clinic_admin_client.post(URL, stricter(follow_up_from_months="4", follow_up_to_months="9"))
    assert response.status_code == 302
    rule = ReliefRule.in_force()
    assert (rule.follow_up_from_months, rule.follow_up_to_months) == (4, 9)
    page = clinic_admin_client.get(URL).content.decode()
    assert "4 to 9 months after the last session of the plan" in page
    assert "4–9 months" in page  # the history
    assert "5–8 months" in page  # the defaults


def test_a_window_that_closes_before_it_opens_is_refused_by_the_database_too():
    with pytest.raises(IntegrityError), transaction.atomic():
        ReliefRule.objects.create(follow_up_from_months=8, follow_up_to_months=5, note="backwards")


def test_the_same_values_again_are_not_a_change(clinic_admin_client):
    response = clinic_admin_client.post(
        URL,
        stricter(first_step_drop="1.9", average_drop_percent="30", average_drop_points="2.0", relapse_rise="1.9"),
    )
    assert response.status_code == 200
    assert "already in force" in response.content.decode()
    assert not ReliefRule.objects.exists()


def test_every_progress_page_judges_by_the_new_rule_at_once(clinic_admin_client, practitioner_client, practitioner):
    patient = PatientFactory()
    ConsentFactory(patient=patient, recorded_by=practitioner)
    IntakeFactory(patient=patient, baseline_first_step_pain=D("7.5"), baseline_average_pain=D("6.0"))
    plan = TreatmentPlanFactory(patient=patient, practitioner=practitioner)
    sign_sessions(plan, MARIA, first_day=MONDAY)
    url = reverse("treatments:plan_progress", kwargs={"plan_id": plan.public_id})
    assert "Reached at session 3" in practitioner_client.get(url).content.decode()

    clinic_admin_client.post(URL, stricter(first_step_drop="2.3"))
    text = practitioner_client.get(url).content.decode()
    assert "Reached at session 4" in text
    assert "first-step pain down at least 2.3 points" in text

    clinic_admin_client.post(URL, stricter(first_step_drop="3.0"))
    text = practitioner_client.get(url).content.decode()
    assert "Not yet" in text
    assert "Relief · session" not in text


# --- the rule itself ------------------------------------------------------------


def test_relief_is_a_first_step_fall_of_the_rule_amount():
    rule = ReliefRule()  # first-step pain down at least 1.9
    assert rule.is_met_by(baseline_first_step=D("7.0"), baseline_average=None, first_step=D("5.1"), average=None)
    assert not rule.is_met_by(baseline_first_step=D("7.0"), baseline_average=None, first_step=D("5.2"), average=None)


@pytest.mark.parametrize(
    ("baseline", "now", "met"),
    [
        ("10.0", "8.0", False),  # 2 points, but only 20%
        ("10.0", "7.0", True),  # 3 points and 30%
        ("5.0", "3.4", False),  # 32%, but only 1.6 points
        ("5.0", "3.0", True),  # 2 points and 40%
    ],
)
def test_relief_by_average_pain_needs_both_the_points_and_the_percentage(baseline, now, met):
    rule = ReliefRule()  # average pain down at least 30% and at least 2.0
    assert (
        rule.is_met_by(baseline_first_step=None, baseline_average=D(baseline), first_step=None, average=D(now)) is met
    )


def test_a_missing_score_or_a_painless_baseline_meets_nothing():
    rule = ReliefRule(first_step_drop=D("0.1"), average_drop_percent=1, average_drop_points=D("0.1"))
    assert not rule.is_met_by(baseline_first_step=None, baseline_average=None, first_step=D("0"), average=D("0"))
    assert not rule.is_met_by(baseline_first_step=D("5.0"), baseline_average=D("5.0"), first_step=None, average=None)
    assert not rule.is_met_by(baseline_first_step=None, baseline_average=D("0.0"), first_step=None, average=D("0.0"))


def test_relapse_needs_a_score_at_both_ends_unless_a_new_course_is_needed():
    rule = ReliefRule()
    assert not rule.is_relapse(end_first_step=None, follow_up_first_step=D("9.0"), new_treatment_needed=False)
    assert not rule.is_relapse(end_first_step=D("2.0"), follow_up_first_step=None, new_treatment_needed=False)
    assert rule.is_relapse(end_first_step=None, follow_up_first_step=None, new_treatment_needed=True)


def test_the_relapse_rule_reads_as_the_pages_print_it():
    assert ReliefRule(relapse_rise=D("2.0")).describe_relapse() == (
        "first-step pain back up by at least 2 points since the last session of the plan, "
        "or a new course of treatment needed"
    )
