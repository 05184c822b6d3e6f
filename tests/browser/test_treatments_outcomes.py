import re

from playwright.sync_api import expect

from tests.browser.helpers import screenshot_both_widths, sign_in
from tests.factories import TEST_PASSWORD, ClinicAdminFactory
from tests.treatments.test_outcomes import A, B, course
from treatments.models import AdverseEvent


def test_a_clinic_admin_filters_the_outcomes_and_drills_down_to_the_plans(live_server, page):
    ClinicAdminFactory(username="carmen")
    course(A, "8.0", ["8.0", "7.0", "5.5", "4.0"], nsaid_start="daily", nsaid_end="none", relapsed=False)
    course(A, "6.0", ["6.0", "6.0", "5.0", "5.0", "4.5"], nsaid_start="daily", nsaid_end="daily", relapsed=True)
    course(B, "9.0", ["9.0", "6.0", "4.0", "3.0"])
    sign_in(page, live_server.url, "carmen", TEST_PASSWORD)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Outcomes").click()

    table = page.get_by_role("table", name="Outcomes of completed plans")
    expect(table.get_by_role("row", name="All approaches")).to_contain_text("3")
    expect(page.get_by_test_id("active-filters")).to_contain_text("No filters")
    screenshot_both_widths(page, "outcomes")

    page.get_by_label("Approach", exact=True).select_option("acupuncture")
    page.get_by_role("button", name="Apply").click()
    expect(page.get_by_test_id("active-filters")).to_contain_text("Approach: Acupuncture alone")
    alone = table.get_by_role("row", name="Acupuncture alone")
    expect(alone).to_contain_text("2.8 points")

    alone.get_by_role("link", name="1 of 2 followed up").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Plans followed up at 6 months")
    expect(page.get_by_role("row")).to_have_count(3)
    screenshot_both_widths(page, "outcomes-drilldown")

    page.goto(f"{live_server.url}/treatments/outcomes/?started_from=2026-05-01&started_to=2026-04-01")
    expect(page.get_by_test_id("filters-invalid")).to_be_visible()
    expect(page.get_by_text("The period ends before it starts.")).to_be_visible()
    expect(page.get_by_role("table", name="Outcomes of completed plans")).to_have_count(0)

    page.get_by_role("link", name="Outcomes", exact=True).first.click()
    page.get_by_role("link", name="Review queue").click()
    expect(page.get_by_role("heading", name="Review queue")).to_be_visible()
    screenshot_both_widths(page, "review-queue")


def test_at_tablet_width_a_clinic_admin_goes_from_a_reference_row_to_the_plans_and_sessions_behind_a_figure(
    live_server, page
):
    """At 768 px: the table with its published rows, the plans behind the clinic's figure, the adverse events."""
    ClinicAdminFactory(username="carmen")
    # Falls of 7.0, 8.0 and 7.5 points: 95% CI 6.3 to 8.7, above the published 5.8 for acupuncture alone.
    plans = [course(A, "9.0", ["9.0", "5.0", str(9 - fall)]) for fall in (7.0, 8.0, 7.5)]
    course(B, "9.0", ["9.0", "6.0", "4.0", "3.0"])
    first_session = plans[0].sessions.order_by("started_at").first()
    AdverseEvent.objects.create(
        session=first_session,
        kind=AdverseEvent.Kind.BLEEDING,
        severity=AdverseEvent.Severity.MILD,
        action_taken="Pressed for two minutes; small bruise",
    )
    page.set_viewport_size({"width": 768, "height": 1000})
    sign_in(page, live_server.url, "carmen", TEST_PASSWORD)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Outcomes").click()

    table = page.get_by_role("table", name="Outcomes of completed plans")
    reference = page.get_by_test_id("reference-acupuncture")
    expect(reference).to_contain_text("Published reference")
    expect(reference).to_contain_text("5.8 points")
    expect(reference.get_by_test_id("reduction-mark")).to_have_text("Clinic's 95% CI: above the reference")
    expect(page.get_by_test_id("reference-standard-care")).to_contain_text("reference only")
    screenshot_both_widths(page, "outcomes-references")

    # The clinic's own figure above the reference row opens the three plans behind it.
    alone = table.get_by_role("row", name="Acupuncture alone")
    alone.get_by_role("link", name="7.5 points").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Plans with a measured reduction")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Acupuncture alone")
    listed = page.get_by_role("table", name="Plans with a measured reduction")
    expect(listed.get_by_role("row")).to_have_count(4)
    expect(listed).to_contain_text("9.0 → 1.0 (−8.0)")
    listed.get_by_role("link").first.click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    page.go_back()

    # The adverse event from the table's own section, through its sessions list, to the signed session.
    page.get_by_role("navigation", name="Breadcrumb").get_by_role("link", name="Outcomes").click()
    events = page.get_by_role("table", name="Adverse events by kind and severity")
    bleeding = events.get_by_role("row", name="Bleeding or bruise (haematoma)")
    expect(bleeding).to_contain_text("per 100 sessions")
    bleeding.get_by_role("link", name="1").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("bleeding or bruise")
    expect(page.get_by_role("table", name="Adverse events and the sessions")).to_contain_text("small bruise")
    screenshot_both_widths(page, "outcomes-adverse-events")
    page.get_by_role("table", name="Adverse events and the sessions").get_by_role("link").first.click()
    expect(page).to_have_url(re.compile(rf"/treatments/sessions/{first_session.pk}/$"))
