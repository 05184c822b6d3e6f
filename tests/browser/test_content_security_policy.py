"""Chromium enforces the strict Content-Security-Policy: no page trips it, and what moved out of the
templates (colours, widths, the copy button's script, htmx's indicator styles) still works."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.helpers import sign_in
from tests.factories import (
    TEST_PASSWORD,
    AppointmentFactory,
    LocationFactory,
    PatientFactory,
    SymptomRecordFactory,
    TreatmentPlanFactory,
    WorkingHoursFactory,
)
from treatments.models import local_datetime


@pytest.fixture
def violations(page):
    """Every CSP violation the page reports (Chromium logs each one to the console)."""
    found: list[str] = []
    page.on(
        "console",
        lambda message: found.append(message.text) if "Content Security Policy" in message.text else None,
    )
    return found


@pytest.fixture
def clinic_day(practitioner):
    patient = PatientFactory(given_name="Maria", family_name="Lopez")
    SymptomRecordFactory(patient=patient, recorded_by=practitioner, severity=9)
    plan = TreatmentPlanFactory(patient=patient, practitioner=practitioner, sessions_planned=10)
    location = LocationFactory()
    today = timezone.localdate()
    WorkingHoursFactory(
        practitioner=practitioner, location=location, weekday=today.weekday(), starts=dt.time(8), ends=dt.time(18)
    )
    for day in range(3):
        start = local_datetime(today + dt.timedelta(days=day), dt.time(15, 0))
        AppointmentFactory(
            patient=patient,
            practitioner=practitioner,
            location=location,
            plan=plan,
            starts_at=start,
            ends_at=start + dt.timedelta(minutes=45),
        )
    return patient, plan


def test_the_pages_run_under_the_policy_without_violations(live_server, page, practitioner, clinic_day, violations):
    patient, plan = clinic_day
    sign_in(page, live_server.url, "alice", TEST_PASSWORD)

    page.goto(live_server.url + reverse("patients:list"))
    page.get_by_role("searchbox").fill("Lopez")
    expect(page.get_by_text("Lopez").first).to_be_visible()  # htmx still swaps the results

    page.goto(live_server.url + reverse("patients:chart", args=[patient.public_id]))
    chip = page.locator(".severity-chip").first
    expect(chip).to_have_css("background-color", "rgb(177, 0, 38)")  # severity 9, from foot_map.css
    expect(chip).to_have_css("color", "rgb(255, 255, 255)")

    page.goto(live_server.url + reverse("patients:symptom_add", args=[patient.public_id]))
    expect(page.locator("[data-foot-map]")).to_be_visible()  # foot_map.js ran

    page.goto(live_server.url + plan.get_absolute_url())
    bar = page.locator(".course-progress .progress-bar")
    track = page.locator(".course-progress .progress")
    assert abs(bar.bounding_box()["width"] / track.bounding_box()["width"] - 0.3) < 0.02  # 3 of 10 booked

    page.goto(live_server.url + reverse("treatments:day"))
    expect(page.locator("table.day-grid")).to_be_visible()
    assert page.locator("table.day-grid").evaluate("t => getComputedStyle(t).getPropertyValue('--columns')") == "1"

    page.goto(live_server.url + reverse("treatments:my_schedule"))
    expect(page.get_by_role("button", name="Copy")).to_be_visible()  # my_schedule.js un-hid it

    assert violations == []
