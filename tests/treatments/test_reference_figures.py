"""Published reference figures beside the clinic's outcomes.

The seeded set (migration 0008) is the clinic's source document for plantar fasciitis (M72.2): acupuncture alone
5.8 points, 3–6 weeks, 19% relapse; with physical therapy 7.1 points, 2–4 weeks, 11%; standard care 3.2 points,
8–12 weeks, 41%. Hand-made cohorts of acupuncture alone (the `course` helper) put the clinic's interval above,
below or across the published 5.8:
  above:  reductions 7.0, 8.0, 7.5 → mean 7.5, 95% CI 7.5 ± 4.303 × 0.5 / √3 = (6.26, 8.74)
  below:  reductions 1.0, 2.0, 1.5 → (0.26, 2.74)
  across: reductions 4.0, 8.0 → mean 6.0, 95% CI (−19.4, 31.4)
"""

import csv
import io
from decimal import Decimal
from html import unescape

import pytest
from django.contrib.auth.models import Group
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from clinic.access import Role
from tests.html import assert_valid_html
from tests.treatments.test_outcomes import A, B, course
from treatments.models import ReferenceFigures
from treatments.progress.reference_figures import ABOVE, ACROSS, BELOW, compare_interval

pytestmark = pytest.mark.django_db
SOURCE = "The clinic's source document"


def page(client, **query) -> str:
    response = client.get(reverse("treatments:outcomes"), query)
    assert response.status_code == 200
    assert_valid_html(response.content)
    return response.content.decode()


def reference_row(html: str, approach: str) -> str:
    """The text of one reference row, entities decoded."""
    start = html.index(f'data-testid="reference-{approach}"')
    return unescape(html[start : html.index("</tr>", start)])


def cohort(*reductions: str, **extra):
    for reduction in reductions:
        course(A, "9.0", ["9.0", str(Decimal("9.0") - Decimal(reduction))], **extra)


def seeded(approach: str) -> ReferenceFigures:
    return ReferenceFigures.objects.get(condition_code="M72.2", approach=approach, is_active=True)


def test_the_migration_seeds_the_published_set_with_its_source():
    alone, with_pt, standard = seeded(A), seeded(B), seeded("")
    assert (alone.mean_reduction, alone.weeks_to_relief, alone.relapse_percent) == (Decimal("5.8"), "3–6", 19)
    assert (alone.improved_after_4_percent, alone.nsaid_reduced) == (73, "more than 50%")
    assert (with_pt.mean_reduction, with_pt.weeks_to_relief, with_pt.relapse_percent) == (Decimal("7.1"), "2–4", 11)
    assert (standard.mean_reduction, standard.weeks_to_relief, standard.relapse_percent) == (Decimal("3.2"), "8–12", 41)
    assert all(figures.citation.startswith(SOURCE) for figures in (alone, with_pt, standard))


def test_each_approach_row_has_its_reference_row_beneath_it_with_the_source(clinic_admin_client):
    cohort("7.0", "8.0")
    html = page(clinic_admin_client)
    alone = reference_row(html, "acupuncture")
    assert "Published reference" in alone
    assert "5.8 points" in alone and "3–6 weeks" in alone and "19%" in alone and "more than 50%" in alone
    assert f"Source: {SOURCE}" in alone
    assert "7.1 points" in reference_row(html, "acupuncture_pt")
    # Beneath its own approach's row, before the next approach's.
    assert html.index("Acupuncture alone</th>") < html.index('data-testid="reference-acupuncture"')
    assert html.index('data-testid="reference-acupuncture"') < html.index("Acupuncture with physical therapy</th>")
    # No published set for the other co-treatments: no reference row.
    assert 'data-testid="reference-other"' not in html


def test_standard_care_is_shown_as_a_reference_row_only(clinic_admin_client):
    response = clinic_admin_client.get(reverse("treatments:outcomes"))
    html = response.content.decode()
    standard = reference_row(html, "standard-care")
    assert "Standard care" in standard and "reference only" in standard
    assert "3.2 points" in standard and "8–12 weeks" in standard and "41%" in standard
    assert f"Source: {SOURCE}" in standard
    # Not a group of the clinic's own: no plans, no links to plans, nothing to compare.
    assert "" not in {group.approach for group in response.context["groups"]}
    assert "outcome_plans" not in standard and "/plans" not in standard
    assert "Clinic's 95% CI" not in standard


@pytest.mark.parametrize(
    ("reductions", "mark"), [(("7.0", "8.0", "7.5"), ABOVE), (("1.0", "2.0", "1.5"), BELOW), (("4.0", "8.0"), ACROSS)]
)
def test_the_clinic_interval_is_marked_above_below_or_across_the_reference(clinic_admin_client, reductions, mark):
    cohort(*reductions)
    response = clinic_admin_client.get(reverse("treatments:outcomes"))
    rows = {group.approach: reference for group, reference in response.context["rows"]}
    assert rows[A].reduction_mark == mark
    assert f"Clinic's 95% CI: {mark}" in reference_row(response.content.decode(), "acupuncture")


def test_the_relapse_interval_is_marked_against_the_published_rate(clinic_admin_client):
    # Five of five relapsed: Wilson 95% CI (0.57, 1.0), wholly above the published 19%.
    cohort("7.0", "8.0", "7.5", "6.5", "7.0", relapsed=True)
    row = reference_row(page(clinic_admin_client), "acupuncture")
    assert row.count(f"Clinic's 95% CI: {ABOVE}") == 2
    assert 'data-testid="relapse-mark"' in row


def test_a_figure_without_an_interval_is_not_marked(clinic_admin_client):
    cohort("7.0")
    row = reference_row(page(clinic_admin_client), "acupuncture")
    assert "Clinic's 95% CI" not in row
    assert "5.8 points" in row


@pytest.mark.parametrize(
    ("interval", "value", "mark"),
    [((6.3, 8.7), 5.8, ABOVE), ((0.3, 2.7), 5.8, BELOW), ((5.0, 6.0), 5.8, ACROSS), ((5.8, 6.0), 5.8, ACROSS),
     (None, 5.8, None), ((1.0, 2.0), None, None)],
)  # fmt: skip
def test_compare_interval(interval, value, mark):
    assert compare_interval(interval, value) == mark


def test_the_table_csv_carries_the_reference_figures_clearly_labelled(clinic_admin_client):
    cohort("7.0", "8.0", "7.5")
    content = clinic_admin_client.get(reverse("treatments:outcomes_csv")).content.decode()
    rows = {row["approach"]: row for row in csv.DictReader(io.StringIO(content))}
    alone = rows["acupuncture"]
    assert alone["reference_condition"] == "M72.2"
    assert alone["reference_source"].startswith(SOURCE)
    assert (alone["reference_mean_reduction"], alone["mean_reduction_ci95_vs_reference"]) == ("5.8", ABOVE)
    assert (alone["reference_weeks_to_relief_low"], alone["reference_weeks_to_relief_high"]) == ("3", "6")
    assert (alone["reference_relapse_percent"], alone["reference_improved4_percent"]) == ("19", "73")
    assert (alone["reference_nsaid_reduced_percent"], alone["reference_nsaid_reduced_is_lower_bound"]) == ("50", "yes")
    assert rows["other"]["reference_source"] == ""
    standard = rows["standard care (reference only)"]
    assert (standard["plans"], standard["reference_mean_reduction"], standard["reference_relapse_percent"]) == (
        "",
        "3.2",
        "41",
    )


def admin_form(figures: ReferenceFigures, **changes) -> dict:
    data = {
        "condition_code": figures.condition_code,
        "approach": figures.approach,
        "citation": figures.citation,
        "mean_reduction": figures.mean_reduction,
        "weeks_to_relief_low": figures.weeks_to_relief_low,
        "weeks_to_relief_high": figures.weeks_to_relief_high,
        "relapse_percent": figures.relapse_percent,
        "improved_after_4_percent": figures.improved_after_4_percent or "",
        "nsaid_reduced_percent": figures.nsaid_reduced_percent or "",
        "is_active": "on",
        **changes,
    }
    if figures.nsaid_reduced_is_lower_bound:
        data["nsaid_reduced_is_lower_bound"] = "on"
    return data


def test_a_clinic_admin_edits_a_figure_and_the_page_shows_it(clinic_admin_client):
    figures = seeded(A)
    url = reverse("admin:treatments_referencefigures_change", args=[figures.pk])
    assert clinic_admin_client.get(url).status_code == 200
    response = clinic_admin_client.post(
        url, admin_form(figures, mean_reduction="6.4", citation="A newer trial, 2025, as summarised by the clinic.")
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    row = reference_row(page(clinic_admin_client), "acupuncture")
    assert "6.4 points" in row and "Source: A newer trial, 2025" in row
    # The change is kept in the set's history (the seeded version predates it).
    assert figures.history.order_by("-history_id").first().mean_reduction == Decimal("6.4")


def test_a_newer_set_replaces_an_archived_one(clinic_admin_client):
    old = seeded(B)
    add = reverse("admin:treatments_referencefigures_add")
    newer = admin_form(old, mean_reduction="6.0", citation="A newer trial")
    refused = clinic_admin_client.post(add, newer)
    assert refused.status_code == 200
    assert "archive it first" in str(refused.context["adminform"].form.errors)
    change = reverse("admin:treatments_referencefigures_change", args=[old.pk])
    data = admin_form(old)
    del data["is_active"]
    assert clinic_admin_client.post(change, data).status_code == 302
    assert clinic_admin_client.post(add, newer).status_code == 302
    row = reference_row(page(clinic_admin_client), "acupuncture_pt")
    assert "6.0 points" in row and "Source: A newer trial" in row and "7.1 points" not in row
    assert ReferenceFigures.objects.filter(pk=old.pk, is_active=False).exists()


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"relapse_percent": "120"}, "relapse_percent", "less than or equal to 100"),
        ({"weeks_to_relief_low": "-2"}, "weeks_to_relief_low", "greater than or equal to 0"),
        ({"mean_reduction": "10.5"}, "mean_reduction", "less than or equal to 10"),
        ({"mean_reduction": "-1"}, "mean_reduction", "greater than or equal to 0"),
        ({"weeks_to_relief_low": "6", "weeks_to_relief_high": "3"}, "weeks_to_relief_high", "cannot end before"),
        ({"citation": ""}, "citation", "This field is required"),
    ],
)
def test_bad_figures_are_refused_with_a_message_at_the_field(clinic_admin_client, changes, field, message):
    figures = seeded(A)
    url = reverse("admin:treatments_referencefigures_change", args=[figures.pk])
    response = clinic_admin_client.post(url, admin_form(figures, **changes))
    assert response.status_code == 200
    assert message in " ".join(response.context["adminform"].form.errors[field])
    figures.refresh_from_db()
    assert (figures.relapse_percent, figures.weeks_to_relief_high) == (19, 6)


def test_the_database_refuses_figures_out_of_range():
    with pytest.raises(IntegrityError), transaction.atomic():
        ReferenceFigures.objects.create(approach="other", citation="x", relapse_percent=120)
    with pytest.raises(IntegrityError), transaction.atomic():
        ReferenceFigures.objects.create(approach="other", citation="x", weeks_to_relief_low=6, weeks_to_relief_high=3)


def test_the_clinic_admin_role_adds_and_changes_reference_figures_but_never_deletes_them(clinic_admin_client):
    held = set(Group.objects.get(name=Role.CLINIC_ADMIN.value).permissions.values_list("codename", flat=True))
    assert {"add_referencefigures", "change_referencefigures", "view_referencefigures"} <= held
    assert "delete_referencefigures" not in held
    figures = seeded(A)
    delete = reverse("admin:treatments_referencefigures_delete", args=[figures.pk])
    assert clinic_admin_client.post(delete, {"post": "yes"}).status_code == 403
    assert ReferenceFigures.objects.filter(pk=figures.pk).exists()


def test_the_front_desk_still_sees_no_outcomes_and_no_reference_figures(front_desk_client):
    assert front_desk_client.get(reverse("treatments:outcomes")).status_code == 403
    assert front_desk_client.get(reverse("treatments:outcomes_csv")).status_code == 403
    admin = front_desk_client.get(reverse("admin:treatments_referencefigures_changelist"))
    assert admin.status_code in (302, 403)


def test_the_diagnosis_filter_chooses_that_condition_s_figures(clinic_admin_client):
    ReferenceFigures.objects.create(
        condition_code="G62.9", approach=A, citation="A neuropathy source", mean_reduction=2
    )
    filtered = page(clinic_admin_client, diagnosis="G62.9")
    assert "Source: A neuropathy source" in reference_row(filtered, "acupuncture")
    assert 'data-testid="reference-standard-care"' not in filtered
    assert "5.8 points" not in filtered
    assert "Source: A neuropathy source" not in page(clinic_admin_client)


def test_an_archived_set_is_not_shown(clinic_admin_client):
    ReferenceFigures.objects.filter(approach=A).update(is_active=False)
    html = page(clinic_admin_client)
    assert 'data-testid="reference-acupuncture"' not in html
    assert 'data-testid="reference-acupuncture_pt"' in html


def test_one_query_loads_the_references_however_many_sets_there_are(clinic_admin_client):
    cohort("7.0", "8.0")
    url = reverse("treatments:outcomes")
    clinic_admin_client.get(url)
    with CaptureQueriesContext(connection) as few:
        clinic_admin_client.get(url)
    for code in ("M77.31", "M77.32", "G62.9", "E11.42"):
        for approach in (A, B, "other", ""):
            ReferenceFigures.objects.create(condition_code=code, approach=approach, citation=f"{code} source")
    ReferenceFigures.objects.create(approach="other", citation="Another co-treatment source", relapse_percent=20)
    ReferenceFigures.objects.filter(approach=A, condition_code="M72.2").update(is_active=False)
    ReferenceFigures.objects.create(approach=A, citation="The newer set", mean_reduction=6)
    with CaptureQueriesContext(connection) as many:
        response = clinic_admin_client.get(url)
    assert len(many) == len(few)
    assert sum("treatments_referencefigures" in query["sql"] for query in many.captured_queries) == 1
    assert "Source: Another co-treatment source" in response.content.decode()
