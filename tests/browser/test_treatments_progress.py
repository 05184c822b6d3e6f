"""A practitioner follows a course's pain on the progress charts; a clinic admin tightens the relief rule."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from patients.models import SymptomRecord
from tests.browser.helpers import screenshot_both_widths, sign_in
from tests.factories import (
    TEST_PASSWORD,
    ClinicAdminFactory,
    ConsentFactory,
    DiagnosisFactory,
    IntakeFactory,
    PatientFactory,
    PractitionerFactory,
    SymptomRecordFactory,
    TreatmentPlanFactory,
    TreatmentSessionFactory,
)
from treatments.models import TreatmentPlan, local_datetime
from treatments.progress.follow_up import follow_up_propose

D = Decimal
# Twice a week; first-step pain 7.5 and average 6.0 at intake. First-step is down 2.0 at session 4.
COURSE = [("7.3", "6.0"), ("6.9", "5.8"), ("6.2", "5.3"), ("5.5", "4.9"), ("4.8", "4.3"), ("4.1", "3.8")]
EARLIER = [("7.8", "6.4"), ("7.6", "6.3"), ("7.5", "6.3"), ("7.1", "6.0"), ("6.8", "5.9"), ("6.5", "5.6")]


def sign_course(plan, scores, first_day):
    for index, (first_step, average) in enumerate(scores):
        day = first_day + dt.timedelta(days=(index // 2) * 7 + (index % 2) * 3)
        TreatmentSessionFactory(
            appointment__plan=plan,
            appointment__patient=plan.patient,
            appointment__practitioner=plan.practitioner,
            appointment__starts_at=local_datetime(day, dt.time(9, 30)),
            first_step_pain_before=D(first_step),
            average_pain_before=D(average),
            first_step_pain_after=D(first_step) - D("1.4"),
            average_pain_after=D(average) - D("0.9"),
        )


@pytest.fixture
def clinic(transactional_db):
    alice = PractitionerFactory(username="alice", first_name="Alice", last_name="Chen")
    ClinicAdminFactory(username="carmen", first_name="Carmen", last_name="Diaz")
    patient = PatientFactory(given_name="Maria", family_name="Lopez")
    ConsentFactory(patient=patient, recorded_by=alice)
    DiagnosisFactory(patient=patient, recorded_by=alice)
    IntakeFactory(patient=patient, recorded_by=alice, baseline_first_step_pain=D("7.5"), baseline_average_pain=D("6.0"))
    today = timezone.localdate()
    # An earlier course that did not help much, completed, with its follow-up proposed.
    earlier = TreatmentPlanFactory(patient=patient, practitioner=alice, sessions_planned=8)
    sign_course(earlier, EARLIER, today - dt.timedelta(days=150))
    earlier.status = TreatmentPlan.Status.COMPLETED
    earlier.save(update_fields=["status"])
    follow_up_propose(plan=earlier, by=alice)
    # The current course: twelve sessions, six signed.
    plan = TreatmentPlanFactory(patient=patient, practitioner=alice, sessions_planned=12)
    first_day = today - dt.timedelta(days=20)
    sign_course(plan, COURSE, first_day)
    for offset, numbness, tingling in ((0, 6, 5), (7, 5, 5), (14, 3, 4), (18, 2, 2)):
        day = first_day + dt.timedelta(days=offset)
        SymptomRecordFactory(
            patient=patient,
            recorded_by=alice,
            recorded_on=day,
            symptom=SymptomRecord.Symptom.NUMBNESS,
            spots=["left:toes", "right:toes"],
            severity=numbness,
        )
        SymptomRecordFactory(
            patient=patient,
            recorded_by=alice,
            recorded_on=day,
            symptom=SymptomRecord.Symptom.TINGLING,
            spots=["left:ball"],
            severity=tingling,
        )
    return {"patient": patient, "plan": plan, "earlier": earlier}


def test_a_practitioner_reads_the_progress_and_an_admin_tightens_the_rule(live_server, page, clinic):
    patient, plan, earlier = clinic["patient"], clinic["plan"], clinic["earlier"]

    sign_in(page, live_server.url, "alice", TEST_PASSWORD)
    page.goto(f"{live_server.url}/treatments/plans/{plan.public_id}/")
    page.get_by_role("link", name="Progress", exact=True).click()

    expect(page.get_by_role("heading", name="Progress of the treatment plan")).to_be_visible()
    expect(page.get_by_test_id("signed-count")).to_have_text("Session 6 of 12 signed")
    charts = page.get_by_role("img", name="First-step pain before and after each session")
    expect(charts).to_be_visible()
    expect(page.get_by_role("img", name="Average pain before and after each session")).to_be_visible()
    expect(page.locator("svg.pain-chart-svg").first).to_contain_text("Relief · session 4")
    expect(page.get_by_test_id("relief")).to_contain_text("Reached at session 4")
    table = page.get_by_role("table", name="Pain at each signed session")
    expect(table).to_be_visible()
    expect(table.get_by_role("row")).to_have_count(9)  # two header rows, baseline, six sessions
    expect(page.get_by_test_id("rule-in-force")).to_contain_text("first-step pain down at least 1.9 points")
    expect(page.get_by_test_id("trends")).to_contain_text("Numbness")
    screenshot_both_widths(page, "plan-progress")

    page.get_by_role("link", name="All plans of this patient").click()
    expect(page.get_by_role("heading", name="Progress of Maria Lopez")).to_be_visible()
    expect(page.get_by_test_id("plan-progress")).to_have_count(2)
    expect(page.get_by_test_id("overall")).to_contain_text("2 treatment plans, 12 signed sessions")
    screenshot_both_widths(page, "patient-progress")

    page.goto(f"{live_server.url}/patients/{patient.public_id}/")
    card = page.get_by_test_id("progress-card")
    expect(card).to_contain_text("Meaningful relief at session 4")
    expect(card).to_contain_text("7.5 → 4.1")
    card.scroll_into_view_if_needed()
    screenshot_both_widths(page, "chart-progress-card")

    # The earlier course's follow-up: first a score off the scale, then the real one.
    page.goto(f"{live_server.url}/treatments/plans/{earlier.public_id}/follow-up/")
    expect(page.get_by_role("heading", name="6-month follow-up")).to_be_visible()
    expect(page.get_by_test_id("relapse-rule")).to_contain_text("first-step pain back up by at least 1.9 points")
    expect(page.get_by_role("link", name="Book the follow-up appointment")).to_be_visible()
    page.get_by_label("First-step pain now").fill("11")
    page.get_by_label("Average pain over the last week").fill("4.0")
    page.get_by_role("group", name="Have the symptoms come back?").get_by_label("Yes").check()
    page.get_by_role("group", name="Is a new course of treatment needed?").get_by_label("No").check()
    page.get_by_role("button", name="Record the follow-up").click()
    expect(page.get_by_text("Nothing was saved")).to_be_visible()
    screenshot_both_widths(page, "follow-up-errors")
    page.get_by_label("First-step pain now").fill("7.2")
    page.get_by_role("button", name="Record the follow-up").click()
    expect(page.get_by_test_id("follow-up-result")).to_contain_text("Relapse")
    screenshot_both_widths(page, "follow-up")

    page.get_by_role("button", name="Sign out").click()
    sign_in(page, live_server.url, "carmen", TEST_PASSWORD)
    page.goto(f"{live_server.url}/treatments/plans/{plan.public_id}/progress/")
    page.get_by_role("link", name="Change the rule").click()
    page.get_by_label("First-step pain falls by at least (points)").fill("2.8")
    page.get_by_label("or average pain falls by at least (%)").fill("50")
    page.get_by_label("and average pain falls by at least (points)").fill("3.0")
    page.get_by_label("Why is the rule changing?").fill("Count only clearer improvement for the audit")
    page.get_by_role("button", name="Put the new rule in force").click()
    expect(page.get_by_text("The new rule is in force")).to_be_visible()
    expect(page.get_by_test_id("rule-history").get_by_role("row")).to_have_count(3)  # header, new rule, defaults
    screenshot_both_widths(page, "relief-rule")

    page.goto(f"{live_server.url}/treatments/plans/{plan.public_id}/progress/")
    expect(page.get_by_test_id("rule-in-force")).to_contain_text("first-step pain down at least 2.8 points")
    expect(page.get_by_test_id("relief")).to_contain_text("Reached at session 6")
    expect(page.locator("svg.pain-chart-svg").first).to_contain_text("Relief · session 6")
    screenshot_both_widths(page, "plan-progress-stricter-rule")
