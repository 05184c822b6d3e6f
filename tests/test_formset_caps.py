"""A post claiming a thousand rows is refused at once: a message, nothing written, a small page, never a 500.

Every formset sets absolute_max to its max_num, so Django builds no more rows than the page offers
however large TOTAL_FORMS claims to be, and validate_max turns the claim into a message.
"""

import time

import pytest
from django.urls import reverse

from patients.forms.intake import MAX_PRIOR_TREATMENTS, PriorTreatmentFormSet
from tests.input_world import World, build_world, main_form, row_counts
from treatments.sessions.forms.rows import AdverseEventFormSet, ElectroFormSet, PointFormSet

pytestmark = pytest.mark.django_db

CLAIMED_ROWS = 1000
SMALL_PAGE = 200_000


@pytest.fixture
def world(practitioner, clinic_clock) -> World:
    return build_world(practitioner)


def _intake(world):
    return reverse("patients:intake", kwargs={"public_id": world.patient.public_id})


def _session_edit(world):
    return reverse("treatments:session_edit", kwargs={"session_id": world.session.pk})


FORMSET_PAGES = [
    ("intake", _intake, "prior"),
    ("session points", _session_edit, "points"),
    ("session electroacupuncture", _session_edit, "electro"),
    ("session adverse events", _session_edit, "events"),
]


@pytest.mark.parametrize(("name", "url", "prefix"), FORMSET_PAGES, ids=[page[0] for page in FORMSET_PAGES])
def test_a_thousand_claimed_rows_are_refused_quickly_with_a_message(practitioner_client, world, name, url, prefix):
    page = url(world)
    form = main_form(practitioner_client.get(page).content.decode(), having=f"{prefix}-TOTAL_FORMS")
    # Rows enough to look real, but fewer fields than DATA_UPLOAD_MAX_NUMBER_FIELDS (that limit answers 400 first).
    rows = {f"{prefix}-{index}-note": "x" for index in range(200)}
    data = form.data(**{f"{prefix}-TOTAL_FORMS": str(CLAIMED_ROWS), **rows})
    before = row_counts()

    started = time.monotonic()
    response = practitioner_client.post(page, data)
    elapsed = time.monotonic() - started

    assert response.status_code == 200
    assert row_counts() == before
    assert len(response.content) < SMALL_PAGE
    assert "at most" in response.content.decode()
    assert "nothing was saved" in response.content.decode()
    assert elapsed < 3, f"{name} took {elapsed:.1f} s to refuse"


@pytest.mark.parametrize("formset_class", [PriorTreatmentFormSet, PointFormSet, ElectroFormSet, AdverseEventFormSet])
def test_no_formset_builds_more_rows_than_it_may_save(formset_class):
    assert formset_class.validate_max
    assert formset_class.absolute_max == formset_class.max_num


def test_a_forged_row_count_builds_no_rows_at_all(db):
    data = {"prior-TOTAL_FORMS": str(CLAIMED_ROWS), "prior-INITIAL_FORMS": "0"}
    formset = PriorTreatmentFormSet(data, prefix="prior")
    assert formset.forms == []
    assert not formset.is_valid()
    assert f"at most {MAX_PRIOR_TREATMENTS}" in str(formset.non_form_errors())


def test_a_full_but_honest_intake_still_builds_every_row(db):
    data = {"prior-TOTAL_FORMS": str(MAX_PRIOR_TREATMENTS), "prior-INITIAL_FORMS": "0"}
    assert len(PriorTreatmentFormSet(data, prefix="prior").forms) == MAX_PRIOR_TREATMENTS
