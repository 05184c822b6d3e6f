import csv
import datetime as dt
import io

import pytest
from django.urls import reverse

from tests.factories import PractitionerFactory
from tests.html import assert_valid_html
from tests.treatments.test_outcomes import START, A, B, course
from treatments.models import TreatmentPlan

pytestmark = pytest.mark.django_db
URLS = ["outcomes", "outcome_plans", "outcomes_csv", "outcome_plans_csv", "review_queue"]


@pytest.fixture
def cohort(practitioner):
    return {
        "mine": course(A, "8.0", ["8.0", "7.0", "5.5", "4.0"], practitioner=practitioner, relapsed=False),
        "relapsed": course(A, "6.0", ["6.0", "5.0", "4.5"], relapsed=True),
        "pt": course(B, "9.0", ["9.0", "6.0"]),
    }


@pytest.mark.parametrize("name", URLS)
def test_anonymous_visitors_are_sent_to_sign_in(client, name):
    response = client.get(reverse(f"treatments:{name}"))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("name", URLS)
def test_the_front_desk_never_sees_outcomes(front_desk_client, name):
    assert front_desk_client.get(reverse(f"treatments:{name}")).status_code == 403


def test_clinic_admins_see_the_whole_clinic(clinic_admin_client, cohort):
    response = clinic_admin_client.get(reverse("treatments:outcomes"))
    assert response.status_code == 200
    assert response.context["groups"][-1].n == 3
    assert_valid_html(response.content)
    assert "No filters" in response.content.decode()


def test_practitioners_see_their_own_plans_only(practitioner_client, cohort):
    response = practitioner_client.get(reverse("treatments:outcomes"))
    assert response.context["groups"][-1].n == 1
    assert "of your own patients" in response.content.decode()
    rows = list(
        csv.reader(io.StringIO(practitioner_client.get(reverse("treatments:outcome_plans_csv")).getvalue().decode()))
    )
    assert len(rows) == 2


def test_a_practitioner_asking_for_another_practitioner_is_told_no(practitioner_client, cohort):
    other = cohort["pt"].practitioner
    response = practitioner_client.get(reverse("treatments:outcomes"), {"practitioner": other.pk})
    assert "groups" not in response.context
    assert "You see your own plans only" in response.content.decode()


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ({"started_from": "2026-13-45"}, "started_from", "Enter a valid date"),
        ({"started_from": "2026-05-01", "started_to": "2026-04-01"}, "started_to", "ends before it starts"),
        ({"practitioner": "999999"}, "practitioner", "no practitioner with that id"),
        ({"practitioner": "abc"}, "practitioner", "no practitioner with that id"),
        ({"approach": "cupping"}, "approach", "not one of the treatment approaches"),
        ({"diagnosis": "Z99"}, "diagnosis", "not one of the diagnosis codes"),
        ({"location": "-1"}, "location", "no location with that id"),
    ],
)
def test_bad_filters_show_a_message_and_never_an_unfiltered_table(clinic_admin_client, cohort, query, field, message):
    response = clinic_admin_client.get(reverse("treatments:outcomes"), query)
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert "groups" not in response.context
    assert 'data-testid="filters-invalid"' in response.content.decode()
    assert_valid_html(response.content)
    for export in ("outcomes_csv", "outcome_plans_csv"):
        refused = clinic_admin_client.get(reverse(f"treatments:{export}"), query)
        assert refused.status_code == 400
        assert "nothing was exported" in refused.content.decode()
    listed = clinic_admin_client.get(reverse("treatments:outcome_plans"), {**query, "figure": "all"})
    assert "rows" not in listed.context


def test_every_figure_links_to_the_plans_behind_it(clinic_admin_client, cohort):
    page = clinic_admin_client.get(reverse("treatments:outcomes")).content.decode()
    assert "figure=relapsed&amp;approach=acupuncture" in page
    response = clinic_admin_client.get(
        reverse("treatments:outcome_plans"), {"figure": "relapsed", "approach": TreatmentPlan.Approach.ACUPUNCTURE}
    )
    assert [row.plan_id for row in response.context["rows"]] == [cohort["relapsed"].pk]
    assert_valid_html(response.content)


def test_an_unknown_figure_lists_nothing_and_says_so(clinic_admin_client, cohort):
    response = clinic_admin_client.get(reverse("treatments:outcome_plans"), {"figure": "everything"})
    assert "rows" not in response.context
    assert "not one of the table" in response.content.decode()


def test_the_table_csv_carries_each_figure_with_its_counts(clinic_admin_client, cohort):
    content = clinic_admin_client.get(reverse("treatments:outcomes_csv")).content.decode()
    rows = {row["approach"]: row for row in csv.DictReader(io.StringIO(content))}
    assert set(rows) == {"acupuncture", "acupuncture_pt", "other", "all", "standard care (reference only)"}
    alone = rows["acupuncture"]
    assert (alone["plans"], alone["mean_reduction"], alone["followed_up"], alone["relapsed"]) == ("2", "2.75", "2", "1")
    assert rows["other"]["plans"] == "0"
    assert rows["acupuncture_pt"]["ci95_low"] == ""


def test_the_plan_rows_csv_has_one_row_per_plan_with_its_values(clinic_admin_client, cohort):
    content = clinic_admin_client.get(reverse("treatments:outcome_plans_csv")).getvalue().decode()
    rows = {row["plan_id"]: row for row in csv.DictReader(io.StringIO(content))}
    mine = rows[str(cohort["mine"].public_id)]
    assert (mine["baseline_first_step"], mine["end_first_step"], mine["reduction"]) == ("8.0", "4.0", "4.0")
    assert (mine["relief_session"], mine["weeks_to_relief"], mine["relapsed_at_follow_up"]) == ("3", "2.0", "no")
    assert mine["mrn"] == cohort["mine"].patient.mrn
    assert len(rows) == 3


@pytest.mark.parametrize("name", ["outcomes", "outcome_plans", "review_queue"])
def test_pages_run_the_same_number_of_queries_for_small_and_larger_cohorts(
    clinic_admin_client, django_assert_num_queries, name
):
    course(A, "8.0", ["8.0", "6.0"], relapsed=False)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    url = reverse(f"treatments:{name}")
    clinic_admin_client.get(url)
    with CaptureQueriesContext(connection) as few:
        clinic_admin_client.get(url)
    practitioner = PractitionerFactory()
    for hour in range(8):
        start = START + dt.timedelta(hours=hour)
        course(B, "7.0", ["7.0", "6.0", "4.0", "3.0"], practitioner=practitioner, relapsed=True, start=start)
    with CaptureQueriesContext(connection) as many:
        clinic_admin_client.get(url)
    assert len(many) == len(few)


def test_the_table_shows_why_a_mean_has_no_interval(clinic_admin_client):
    course(A, "8.0", ["8.0", "7.0"])
    course(A, "6.0", ["6.0", "5.0"])
    page = clinic_admin_client.get(reverse("treatments:outcomes")).content.decode()
    assert "(no interval: all values equal)" in page
    assert "(1.0 to 1.0)" not in page
    content = clinic_admin_client.get(reverse("treatments:outcomes_csv")).content.decode()
    rows = {row["approach"]: row for row in csv.DictReader(io.StringIO(content))}
    assert (rows["acupuncture"]["ci95_low"], rows["acupuncture"]["ci95_high"]) == ("", "")
    assert rows["acupuncture"]["ci95_none_because"] == "all values equal"


def test_nsaid_not_applicable_is_listed_apart_from_missing(clinic_admin_client):
    reduced = course(A, "8.0", ["8.0", "5.0"], nsaid_start="daily", nsaid_end="none")
    never_on_them = course(A, "8.0", ["8.0", "5.0"], nsaid_start="none")
    unknown = course(A, "8.0", [], nsaid_start="daily")
    page = clinic_admin_client.get(reverse("treatments:outcomes"))
    assert_valid_html(page.content)
    html = page.content.decode()
    assert "1 not applicable (no daily NSAIDs at intake)" in html
    assert "figure=nsaid-missing&amp;approach=acupuncture" in html

    def listed(figure):
        response = clinic_admin_client.get(reverse("treatments:outcome_plans"), {"figure": figure})
        return [row.plan_id for row in response.context["rows"]]

    assert listed("nsaid-not-applicable") == [never_on_them.pk]
    assert listed("nsaid-missing") == [unknown.pk]
    assert listed("nsaid-eligible") == [reduced.pk]
    content = clinic_admin_client.get(reverse("treatments:outcomes_csv")).content.decode()
    rows = {row["approach"]: row for row in csv.DictReader(io.StringIO(content))}
    assert (rows["acupuncture"]["nsaid_missing"], rows["acupuncture"]["nsaid_not_applicable"]) == ("1", "1")
    plans = clinic_admin_client.get(reverse("treatments:outcome_plans_csv")).getvalue().decode()
    by_plan = {row["plan_id"]: row for row in csv.DictReader(io.StringIO(plans))}
    assert by_plan[str(never_on_them.public_id)]["nsaid_reduced"] == "not applicable"
    assert by_plan[str(unknown.public_id)]["nsaid_reduced"] == ""
