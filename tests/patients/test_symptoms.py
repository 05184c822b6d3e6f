"""Symptom records: the maps of the chart's section, recording a symptom, and the history page."""

import datetime as dt

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from patients.models import SymptomRecord
from patients.symptoms import SpotChange, symptoms_section
from tests.clock import clinic_now
from tests.factories import PatientFactory, SymptomRecordFactory
from tests.html import assert_valid_html

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clinic_clock")]
# The clinic clock's today: read at import, the real clock could be a day behind the tests by the time they run.
TODAY = clinic_now().date()
DAY = dt.timedelta(days=1)


def add_url(patient) -> str:
    return reverse("patients:symptom_add", kwargs={"public_id": patient.public_id})


def history_url(patient) -> str:
    return reverse("patients:symptoms", kwargs={"public_id": patient.public_id})


def valid_post(**overrides) -> dict:
    return {
        "recorded_on": TODAY.isoformat(),
        "symptom": "heel_pain",
        "spots": ["left:heel_medial", "right:arch"],
        "severity": "6",
        "timing": "first_steps",
        "note": "Worse after the weekend",
        **overrides,
    }


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


# --- the maps of the section ------------------------------------------------------------


def test_the_section_compares_the_first_visit_with_each_symptoms_latest_picture(practitioner):
    """Worked by hand:

    day 1 (first visit): heel pain 8 at the left inner heel and left arch; numbness 5 at the left toes;
                         stiffness 4 at the right ankle.
    day 2:               numbness 6 at the left toes.
    day 3 (latest):      heel pain 3 at the left inner heel and the right ball; stiffness 4 at the right ankle.

    Heel pain's picture is day 3 (the arch is gone); numbness's is day 2; stiffness's is day 3.
    """
    patient = PatientFactory()
    day1, day2, day3 = TODAY - 40 * DAY, TODAY - 20 * DAY, TODAY
    SymptomRecordFactory(patient=patient, recorded_on=day1, spots=["left:heel_medial", "left:arch"], severity=8)
    SymptomRecordFactory(patient=patient, recorded_on=day1, symptom="numbness", spots=["left:toes"], severity=5)
    SymptomRecordFactory(patient=patient, recorded_on=day1, symptom="stiffness", spots=["right:ankle"], severity=4)
    SymptomRecordFactory(patient=patient, recorded_on=day2, symptom="numbness", spots=["left:toes"], severity=6)
    SymptomRecordFactory(patient=patient, recorded_on=day3, spots=["left:heel_medial", "right:ball"], severity=3)
    SymptomRecordFactory(patient=patient, recorded_on=day3, symptom="stiffness", spots=["right:ankle"], severity=4)

    section = symptoms_section(patient, practitioner)

    assert section["first_map"] == {"left:heel_medial": 8, "left:arch": 8, "left:toes": 5, "right:ankle": 4}
    assert section["latest_map"] == {"left:heel_medial": 3, "right:ball": 3, "left:toes": 6, "right:ankle": 4}
    rows = {change.spot: (change.first, change.latest, change.kind, change.delta) for change in section["changes"]}
    assert rows == {
        "left:heel_medial": (8, 3, "better", -5),
        "left:arch": (8, None, "resolved", -8),
        "left:toes": (5, 6, "worse", 1),
        "right:ball": (None, 3, "new", 3),
        "right:ankle": (4, 4, "same", 0),
    }
    # Left foot first, in diagram order, then the right foot.
    assert [change.spot for change in section["changes"]] == [
        "left:heel_medial",
        "left:arch",
        "left:toes",
        "right:ball",
        "right:ankle",
    ]
    assert (section["first_date"], section["latest_date"]) == (day1, day3)
    assert section["count"] == 6
    assert section["views"] == "sole,top"  # the ankle needs the top view
    assert section["can_write"]


def test_a_change_reads_with_numbers_and_a_true_minus_sign():
    assert str(SpotChange("left:heel_medial", 8, 3)) == "Left heel, inner side: 8 → 3 (−5)"
    assert str(SpotChange("right:arch", None, 4)) == "Right arch: — → 4 (+4)"
    assert str(SpotChange("left:toes", 6, None)) == "Left toes: 6 → none (−6)"


def test_a_place_recorded_at_zero_counts_as_resolved(practitioner):
    patient = PatientFactory()
    SymptomRecordFactory(patient=patient, recorded_on=TODAY - 7 * DAY, spots=["right:heel_central"], severity=7)
    SymptomRecordFactory(patient=patient, recorded_on=TODAY, spots=["right:heel_central"], severity=0)
    (change,) = symptoms_section(patient, practitioner)["changes"]
    assert (change.first, change.latest, change.kind, change.delta_text) == (7, 0, "resolved", "−7")


def test_other_symptoms_are_told_apart_by_name_whatever_the_case(practitioner):
    patient = PatientFactory()
    first, later = TODAY - 10 * DAY, TODAY
    SymptomRecordFactory(
        patient=patient, recorded_on=first, symptom="other", symptom_other="Itching", spots=["left:top"], severity=5
    )
    SymptomRecordFactory(
        patient=patient, recorded_on=first, symptom="other", symptom_other="Cold feet", spots=["left:toes"], severity=4
    )
    SymptomRecordFactory(
        patient=patient, recorded_on=later, symptom="other", symptom_other="itching ", spots=["left:top"], severity=2
    )
    latest = symptoms_section(patient, practitioner)["latest_map"]
    # "Cold feet" was never recorded again, so it stays at its last severity; itching is now 2.
    assert latest == {"left:top": 2, "left:toes": 4}


def test_records_from_a_single_day_give_one_map_and_no_changes(practitioner):
    patient = PatientFactory()
    SymptomRecordFactory(patient=patient, spots=["left:heel_medial"], severity=6)
    SymptomRecordFactory(patient=patient, symptom="burning", spots=["left:heel_medial", "left:arch"], severity=4)
    section = symptoms_section(patient, practitioner)
    assert section["one_day_only"]
    assert section["changes"] == []
    assert section["first_map"] == section["latest_map"] == {"left:heel_medial": 6, "left:arch": 4}
    assert section["views"] == "sole"


def test_a_patient_without_records_has_an_empty_section_and_admins_cannot_add(clinic_admin):
    section = symptoms_section(PatientFactory(), clinic_admin)
    assert not section["has_records"]
    assert section["count"] == 0
    assert section["changes"] == [] and section["recent"] == []
    assert not section["can_write"]


def test_the_short_timeline_holds_the_ten_newest_records(practitioner):
    patient = PatientFactory()
    records = [SymptomRecordFactory(patient=patient, recorded_on=TODAY - n * DAY) for n in range(12)]
    recent = symptoms_section(patient, practitioner)["recent"]
    assert [r.pk for r in recent] == [r.pk for r in records[:10]]


@pytest.mark.parametrize("records", [3, 60])
def test_the_section_takes_two_queries_whatever_the_number_of_records(practitioner, django_assert_num_queries, records):
    patient = PatientFactory()
    for n in range(records):
        SymptomRecordFactory(patient=patient, recorded_on=TODAY - n * DAY, recorded_by=practitioner)
    with django_assert_num_queries(2):  # the records, and the user's role
        symptoms_section(patient, practitioner)


def test_the_section_renders_maps_changes_and_timeline_as_valid_html(practitioner_client, practitioner):
    patient = PatientFactory()
    SymptomRecordFactory(patient=patient, recorded_on=TODAY - 14 * DAY, spots=["left:heel_medial"], severity=8)
    SymptomRecordFactory(patient=patient, recorded_on=TODAY, spots=["left:heel_medial"], severity=3, note="Easier")
    from django.template.loader import render_to_string

    html = render_to_string("patients/_symptoms_section.html", {"section": symptoms_section(patient, practitioner)})
    assert_valid_html(f"<!doctype html><title>t</title>{html}")
    assert "At first visit" in html and "Latest" in html
    assert "Left heel, inner side" in html and "−5" in html
    assert "Record symptoms" in html
    assert html.count("<svg") == 2


def test_the_section_has_an_empty_state_and_no_record_button_for_admins(clinic_admin):
    from django.template.loader import render_to_string

    html = render_to_string(
        "patients/_symptoms_section.html", {"section": symptoms_section(PatientFactory(), clinic_admin)}
    )
    assert "No symptoms recorded yet" in html
    assert "Record symptoms" not in html
    assert "<svg" not in html


# --- who may record, who may read --------------------------------------------------------


def test_anonymous_visitors_are_sent_to_sign_in_and_write_nothing(client):
    patient = PatientFactory()
    for url in (add_url(patient), history_url(patient)):
        response = client.get(url)
        assert response.status_code == 302
        assert "/login/" in response["Location"]
    response = client.post(add_url(patient), valid_post())
    assert response.status_code == 302 and "/login/" in response["Location"]
    assert not SymptomRecord.objects.exists()


def test_front_desk_cannot_read_or_record_symptoms(front_desk_client):
    patient = PatientFactory()
    SymptomRecordFactory(patient=patient)
    assert front_desk_client.get(add_url(patient)).status_code == 403
    assert front_desk_client.post(add_url(patient), valid_post()).status_code == 403
    assert front_desk_client.get(history_url(patient)).status_code == 403
    assert SymptomRecord.objects.count() == 1


def test_clinic_admins_read_the_history_but_cannot_record(clinic_admin_client):
    patient = PatientFactory()
    SymptomRecordFactory(patient=patient)
    assert clinic_admin_client.get(add_url(patient)).status_code == 403
    assert clinic_admin_client.post(add_url(patient), valid_post()).status_code == 403
    response = clinic_admin_client.get(history_url(patient))
    assert response.status_code == 200
    assert b"Record symptoms" not in response.content
    assert SymptomRecord.objects.count() == 1


def test_an_unknown_patient_is_not_found_for_a_practitioner_and_forbidden_for_front_desk(
    practitioner_client, front_desk_client
):
    url = reverse("patients:symptom_add", kwargs={"public_id": "00000000-0000-0000-0000-000000000000"})
    assert practitioner_client.get(url).status_code == 404
    assert front_desk_client.get(url).status_code == 403


def test_other_methods_are_refused(practitioner_client):
    patient = PatientFactory()
    assert practitioner_client.put(add_url(patient)).status_code == 405
    assert practitioner_client.post(history_url(patient)).status_code == 405


# --- recording ---------------------------------------------------------------------------


def test_the_form_offers_the_diagram_and_the_list_and_defaults_to_today(practitioner_client):
    patient = PatientFactory()
    response = practitioner_client.get(add_url(patient))
    assert response.status_code == 200
    assert_valid_html(response.content)
    html = response.content.decode()
    assert html.count('role="checkbox"') == 16
    assert html.count('type="checkbox" name="spots"') == 16
    assert f'value="{TODAY.isoformat()}"' in html
    assert "Left foot" in html and "Right foot" in html
    assert "patients/foot_map.js" in html
    assert "Save and record another" in html


def test_a_practitioner_records_a_symptom_and_returns_to_the_chart(practitioner_client, practitioner):
    patient = PatientFactory()
    response = practitioner_client.post(add_url(patient), valid_post())
    assert response.status_code == 302
    assert response["Location"] == patient.get_absolute_url()
    record = SymptomRecord.objects.get()
    assert record.patient == patient
    assert record.recorded_by == practitioner
    assert record.spots == ["left:heel_medial", "right:arch"]
    assert record.side == "both"
    assert (record.severity, record.timing, record.note) == (6, "first_steps", "Worse after the weekend")
    assert messages_of(response) == ["Saved: heel pain, 6/10."]


def test_save_and_record_another_returns_to_a_fresh_form_keeping_the_date(practitioner_client):
    patient = PatientFactory()
    earlier = TODAY - 3 * DAY
    response = practitioner_client.post(add_url(patient), valid_post(recorded_on=earlier.isoformat(), another="1"))
    assert response.status_code == 302
    assert response["Location"] == add_url(patient)
    assert "Record the next symptom" in messages_of(response)[0]
    form_page = practitioner_client.get(add_url(patient))
    html = form_page.content.decode()
    assert f'value="{earlier.isoformat()}"' in html
    assert "checked" not in html.split('name="spots"')[1].split(">")[0]
    # The carried date is used once only.
    assert f'value="{TODAY.isoformat()}"' in practitioner_client.get(add_url(patient)).content.decode()


def test_an_other_symptom_keeps_its_name_and_a_plain_one_drops_a_stray_name(practitioner_client):
    patient = PatientFactory()
    practitioner_client.post(add_url(patient), valid_post(symptom="other", symptom_other="  Cold feet "))
    practitioner_client.post(add_url(patient), valid_post(symptom="numbness", symptom_other="left over"))
    other, numbness = SymptomRecord.objects.order_by("id")
    assert (other.symptom, other.symptom_other) == ("other", "Cold feet")
    assert (numbness.symptom, numbness.symptom_other) == ("numbness", "")


def test_timing_may_be_left_out(practitioner_client):
    patient = PatientFactory()
    response = practitioner_client.post(add_url(patient), valid_post(timing=""))
    assert response.status_code == 302
    assert SymptomRecord.objects.get().timing == ""


BAD_INPUT = {
    "severity below 0": ({"severity": "-1"}, "severity", "whole number from 0"),
    "severity above 10": ({"severity": "11"}, "severity", "whole number from 0"),
    "severity not a number": ({"severity": "abc"}, "severity", "whole number from 0"),
    "severity missing": ({"severity": ""}, "severity", "whole number from 0"),
    "no place": ({"spots": []}, "spots", "Choose at least one place"),
    "unknown place": ({"spots": ["left:knee"]}, "spots", "Choose places from the diagram or the list"),
    "unknown side": ({"spots": ["middle:heel_medial"]}, "spots", "Choose places from the diagram or the list"),
    "future date": ({"recorded_on": (TODAY + DAY).isoformat()}, "recorded_on", "in the future"),
    "malformed date": ({"recorded_on": "2024-02-30"}, "recorded_on", "Enter a real date"),
    "other without a name": ({"symptom": "other", "symptom_other": "  "}, "symptom_other", "Name the symptom"),
    "unknown symptom": ({"symptom": "hiccups"}, "symptom", "Choose one of the symptoms"),
    "unknown timing": ({"timing": "teatime"}, "timing", "Choose one of the times"),
    "note too long": ({"note": "x" * 301}, "note", "300 characters or fewer"),
}


@pytest.mark.parametrize(("overrides", "field", "message"), BAD_INPUT.values(), ids=BAD_INPUT.keys())
def test_bad_input_is_refused_at_its_field_and_writes_nothing(practitioner_client, overrides, field, message):
    patient = PatientFactory()
    response = practitioner_client.post(add_url(patient), valid_post(**overrides))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert list(errors) == [field]
    assert message in errors[field][0]
    assert message in response.content.decode().replace("&#x27;", "'")
    assert "Nothing was saved" in response.content.decode()
    assert_valid_html(response.content)
    assert not SymptomRecord.objects.exists()


def test_a_date_before_the_patients_birth_is_refused(practitioner_client):
    patient = PatientFactory(date_of_birth=dt.date(1980, 5, 4))
    response = practitioner_client.post(add_url(patient), valid_post(recorded_on="1980-05-03"))
    assert response.status_code == 200
    assert "before the patient's date of birth (May 4, 1980)" in response.context["form"].errors["recorded_on"][0]
    assert not SymptomRecord.objects.exists()


def test_the_diagram_keeps_the_chosen_places_when_the_form_comes_back_with_errors(practitioner_client):
    patient = PatientFactory()
    response = practitioner_client.post(add_url(patient), valid_post(severity="abc"))
    html = response.content.decode()
    assert 'data-spot="left:heel_medial" role="checkbox" tabindex="0" aria-checked="true"' in html
    assert 'data-spot="left:arch" role="checkbox" tabindex="0" aria-checked="false"' in html


# --- the history -------------------------------------------------------------------------


def test_the_history_lists_every_record_newest_first_with_places_and_who_recorded_it(
    practitioner_client, other_practitioner
):
    patient = PatientFactory()
    SymptomRecordFactory(
        patient=patient,
        recorded_on=TODAY - 9 * DAY,
        symptom="numbness",
        spots=["right:toes"],
        severity=5,
        recorded_by=other_practitioner,
        timing="at_night",
        note="Both little toes",
    )
    SymptomRecordFactory(patient=patient, recorded_on=TODAY, spots=["left:heel_medial", "right:arch"], severity=2)
    response = practitioner_client.get(history_url(patient))
    assert response.status_code == 200
    assert_valid_html(response.content)
    html = response.content.decode()
    table = html.split('data-testid="symptom-records"')[1]
    assert table.index("Heel pain") < table.index("Numbness")
    assert "Left heel, inner side<br>Right arch" in table
    assert "Bob Reyes, L.Ac." in table and "Both little toes" in table and "at night" in table
    # The maps sit above the list.
    assert html.count("<svg") == 2


def test_the_history_filters_by_symptom(practitioner_client):
    patient = PatientFactory()
    SymptomRecordFactory(patient=patient, symptom="numbness", note="numb one")
    SymptomRecordFactory(patient=patient, symptom="heel_pain", note="heel one")
    response = practitioner_client.get(history_url(patient), {"symptom": "numbness"})
    table = response.content.decode().split('data-testid="symptom-records"')[1]
    assert "numb one" in table and "heel one" not in table


def test_an_unknown_filter_is_reported_and_every_record_shown(practitioner_client):
    patient = PatientFactory()
    SymptomRecordFactory(patient=patient, symptom="numbness", note="numb one")
    response = practitioner_client.get(history_url(patient), {"symptom": "hiccups<b>"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "There is no symptom called “hiccups&lt;b&gt;”" in html
    assert "numb one" in html
    assert_valid_html(response.content)


def test_an_empty_history_says_so(clinic_admin_client):
    response = clinic_admin_client.get(history_url(PatientFactory()))
    assert response.status_code == 200
    assert b"No symptoms recorded yet" in response.content
    assert_valid_html(response.content)


def test_the_history_pages_fifty_records_at_a_time(practitioner_client):
    patient = PatientFactory()
    for n in range(60):
        SymptomRecordFactory(patient=patient, recorded_on=TODAY - n * DAY, note=f"record {n:02d}")
    first = practitioner_client.get(history_url(patient)).content.decode()
    assert "1–50 of 60 records" in first and "record 00" in first and "record 50" not in first
    second = practitioner_client.get(history_url(patient), {"page": 2, "symptom": "heel_pain"})
    html = second.content.decode()
    assert "51–60 of 60 records" in html and "record 59" in html
    assert "?page=1&amp;symptom=heel_pain" in html
    assert practitioner_client.get(history_url(patient), {"page": "x"}).status_code == 200


@pytest.mark.parametrize("records", [3, 60])
def test_the_history_query_count_does_not_grow_with_records(
    practitioner_client, practitioner, other_practitioner, django_assert_num_queries, records
):
    patient = PatientFactory()
    for n in range(records):
        author = practitioner if n % 2 else other_practitioner
        SymptomRecordFactory(patient=patient, recorded_on=TODAY - n * DAY, recorded_by=author)
    # session, user, savepoint, roles, patient, count, page of records, records for the maps, access log, release
    with django_assert_num_queries(10):
        response = practitioner_client.get(history_url(patient))
    assert response.status_code == 200
