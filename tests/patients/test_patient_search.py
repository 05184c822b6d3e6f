"""Fiona finds patients by any part of a name, however short, and the list never counts the whole registry.

Fragments of three letters or more are found anywhere in a name (the trigram index); one or two
letters are the start of a name (given, family or preferred), as a clerk typing "Li" expects.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from patients.models import Patient
from tests.factories import PatientFactory
from tests.html import assert_valid_html

LIST = reverse("patients:list")


def search(client, query: str):
    return client.post(LIST, {"q": query}, follow=True)


def found(client, query: str) -> set[str]:
    return {f"{p.given_name} {p.family_name}" for p in search(client, query).context["page"].object_list}


@pytest.mark.django_db
def test_two_letters_find_names_that_start_with_them_not_names_that_contain_them(front_desk_client):
    for given, family in [("Wei", "Li"), ("Grace", "Lim"), ("Liam", "Berg"), ("Eli", "Moss"), ("Colin", "Park")]:
        PatientFactory(given_name=given, family_name=family)
    assert found(front_desk_client, "Li") == {"Wei Li", "Grace Lim", "Liam Berg"}


@pytest.mark.django_db
def test_one_letter_finds_names_starting_with_it_whatever_the_accent(front_desk_client):
    PatientFactory(given_name="José", family_name="Núñez")
    PatientFactory(given_name="Ann", family_name="Berg")
    assert found(front_desk_client, "n") == {"José Núñez"}
    assert found(front_desk_client, "Ñ") == {"José Núñez"}


@pytest.mark.django_db
def test_a_short_fragment_finds_the_part_of_a_name_after_an_apostrophe_or_hyphen(front_desk_client):
    PatientFactory(given_name="Mary", family_name="O'Connor")
    PatientFactory(given_name="Sam", family_name="Smith-Jones")
    PatientFactory(given_name="Tom", family_name="Acosta")
    assert found(front_desk_client, "co") == {"Mary O'Connor"}
    assert found(front_desk_client, "jo") == {"Sam Smith-Jones"}


@pytest.mark.django_db
def test_punctuation_in_a_short_fragment_is_matched_literally(front_desk_client):
    PatientFactory(given_name="J.", family_name="Okafor")
    PatientFactory(given_name="Jo", family_name="Okafor")
    assert found(front_desk_client, "j.") == {"J. Okafor"}
    # LIKE's wildcards: unescaped, "_" would match the "o" of Jo, and "%" anything.
    assert found(front_desk_client, "j_") == set()
    assert found(front_desk_client, "%") == set()


@pytest.mark.django_db
@pytest.mark.parametrize("query", ["(", "[", "\\", "*", "?", "^", "$", "a|", "+", "{1", ")"])
def test_regular_expression_characters_never_break_the_search(front_desk_client, query):
    PatientFactory(given_name="Ada", family_name="Byron")
    response = search(front_desk_client, query)
    assert response.status_code == 200
    assert list(response.context["page"].object_list) == []
    assert_valid_html(response.content)


@pytest.mark.django_db
def test_a_fragment_and_a_short_word_together_must_both_match(front_desk_client):
    PatientFactory(given_name="José", family_name="Núñez")
    PatientFactory(given_name="José", family_name="Berg")
    PatientFactory(given_name="Ana", family_name="Núñez")
    assert found(front_desk_client, "jose n") == {"José Núñez"}


@pytest.mark.django_db
def test_search_results_come_in_the_lists_order(front_desk_client):
    for given, family in [("Zoe", "Lim"), ("Amy", "Lim"), ("Bo", "Lee"), ("Al", "Lindqvist")]:
        PatientFactory(given_name=given, family_name=family)
    names = [f"{p.family_name}, {p.given_name}" for p in search(front_desk_client, "l").context["page"].object_list]
    assert names == ["Lee, Bo", "Lim, Amy", "Lim, Zoe", "Lindqvist, Al"]


# --- counting only so far ---------------------------------------------------------------------


@pytest.fixture
def count_up_to_5(monkeypatch):
    monkeypatch.setattr("patients.views.registry.MAX_COUNTED", 5)
    monkeypatch.setattr("patients.views.registry.PATIENTS_PER_PAGE", 2)


@pytest.mark.django_db
def test_the_list_never_counts_the_whole_table(front_desk_client):
    PatientFactory.create_batch(3)
    with CaptureQueriesContext(connection) as queries:
        front_desk_client.get(LIST)
    counts = [q["sql"] for q in queries if "COUNT(" in q["sql"].upper()]
    assert counts, "the list counts its first patients"
    assert all("LIMIT 201" in sql for sql in counts), counts


@pytest.mark.django_db
def test_more_matches_than_are_counted_say_so_and_page_on_with_next(front_desk_client, count_up_to_5):
    PatientFactory.create_batch(7, family_name="Nunez")
    response = search(front_desk_client, "nunez")
    content = response.content.decode()
    assert "More than 5 patients match “nunez”" in content
    assert "add more of the name" in content
    assert response.context["page"].count is None
    assert "Next</a>" in content
    assert "Previous</a>" not in content
    assert_valid_html(response.content)


@pytest.mark.django_db
def test_a_counted_list_shows_its_total_and_page_numbers(front_desk_client, count_up_to_5):
    PatientFactory.create_batch(5, family_name="Nunez")
    content = search(front_desk_client, "nunez").content.decode()
    assert "5 patients matching “nunez” · page 1 of 3" in content


@pytest.mark.django_db
def test_the_last_page_of_an_uncounted_list_has_no_next_link(front_desk_client, count_up_to_5):
    PatientFactory.create_batch(7, family_name="Nunez")
    response = search(front_desk_client, "nunez")
    key = response.request["QUERY_STRING"].removeprefix("s=")
    last = front_desk_client.get(LIST, {"s": key, "page": "4"})
    assert len(last.context["page"].object_list) == 1
    content = last.content.decode()
    assert "Previous</a>" in content
    assert "Next</a>" not in content


@pytest.mark.django_db
def test_a_page_past_the_end_of_an_uncounted_list_shows_the_first(front_desk_client, count_up_to_5):
    PatientFactory.create_batch(7, family_name="Nunez")
    response = front_desk_client.get(LIST, {"page": "50"})
    page = response.context["page"]
    assert page.number == 1
    assert [p.pk for p in page.object_list] == list(Patient.objects.active().values_list("pk", flat=True)[:2])


@pytest.mark.django_db
def test_an_uncounted_list_runs_the_same_queries_as_a_counted_one(
    front_desk_client, count_up_to_5, django_assert_num_queries
):
    PatientFactory.create_batch(3)
    # session, user, roles, savepoint pair (ATOMIC_REQUESTS), capped count, page
    with django_assert_num_queries(7):
        front_desk_client.get(LIST)
    PatientFactory.create_batch(10)
    with django_assert_num_queries(7):
        front_desk_client.get(LIST, {"page": "3"})
