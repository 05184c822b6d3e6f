"""The patient registry: every staff role finds, registers, corrects and archives patients.

Fiona (front desk) does most of this work; Alice (practitioner) and Carmen
(clinic admin) may too. Only Fiona and Carmen bring archived patients back.
"""

import datetime as dt
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from patients.forms.registry import DEMOGRAPHIC_FIELDS
from patients.models import Consent, Diagnosis, Intake, Patient, SymptomRecord
from tests.factories import PatientFactory, UserFactory
from tests.html import assert_valid_html

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clinic_clock")]

LIST = reverse("patients:list")


def search(client, query: str):
    """Search as the browser does: POST the text, follow the redirect to the opaque ?s= address."""
    return client.post(LIST, {"q": query}, follow=True)


REGISTER = reverse("patients:register")
ALL_STAFF = ["practitioner_client", "front_desk_client", "clinic_admin_client"]


def edit_url(patient) -> str:
    return reverse("patients:edit", kwargs={"public_id": patient.public_id})


def archive_url(patient) -> str:
    return reverse("patients:archive", kwargs={"public_id": patient.public_id})


def restore_url(patient) -> str:
    return reverse("patients:restore", kwargs={"public_id": patient.public_id})


def today() -> dt.date:
    return timezone.localdate()


def years_ago(years: int, *, days: int = 0) -> dt.date:
    day = today()
    try:
        shifted = day.replace(year=day.year - years)
    except ValueError:
        shifted = day.replace(year=day.year - years, day=28)
    return shifted + dt.timedelta(days=days)


def registration(**overrides) -> dict:
    data = {
        "given_name": "Maria",
        "family_name": "Lopez",
        "preferred_name": "",
        "date_of_birth": "1979-04-12",
        "sex": "female",
        "phone": "(555) 010-2030",
        "email": "maria.lopez@example.org",
        "address_line": "12 Elm Street",
        "city": "Springfield",
        "region": "IL",
        "postal_code": "62701",
        "emergency_contact_name": "Luis Lopez",
        "emergency_contact_phone": "555 010 4040",
        "emergency_contact_relationship": "Husband",
        "preferred_contact": "sms",
        "reminder_opt_out": "",
        "referring_physician": "Dr. Anne Park",
        "primary_care_provider": "Riverside Family Practice",
        "occupation": "Nurse",
    }
    data.update(overrides)
    return data


def errors_of(response, field: str) -> list[str]:
    return response.context["form"].errors.get(field, [])


# --- who may use the registry ---------------------------------------------------


@pytest.mark.parametrize("url_name", ["list", "register"])
def test_anonymous_visitors_are_sent_to_sign_in(client, url_name):
    response = client.get(reverse(f"patients:{url_name}"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_anonymous_visitors_cannot_reach_a_patient_by_id(client):
    patient = PatientFactory()
    for url in (edit_url(patient), archive_url(patient)):
        assert client.get(url)["Location"].startswith(reverse("login"))
    response = client.post(restore_url(patient))
    assert response["Location"].startswith(reverse("login"))


def test_staff_without_a_role_are_refused_everywhere(client_for):
    client = client_for(UserFactory())
    patient = PatientFactory()
    for url in (LIST, REGISTER, edit_url(patient), archive_url(patient)):
        assert client.get(url).status_code == 403, url
    assert client.post(REGISTER, registration()).status_code == 403
    assert client.post(restore_url(patient)).status_code == 403
    assert Patient.objects.count() == 1


@pytest.mark.parametrize("persona", ALL_STAFF)
def test_every_staff_role_uses_the_registry_pages(request, persona):
    client = request.getfixturevalue(persona)
    patient = PatientFactory()
    for url in (LIST, REGISTER, edit_url(patient), archive_url(patient)):
        response = client.get(url)
        assert response.status_code == 200, url
        assert_valid_html(response.content)


def test_an_unknown_patient_id_is_not_found(front_desk_client):
    assert front_desk_client.get(reverse("patients:edit", kwargs={"public_id": uuid.uuid4()})).status_code == 404


# --- the list and its search --------------------------------------------------


def test_the_list_shows_each_patients_name_mrn_birth_date_age_phone_and_contact(front_desk_client):
    patient = PatientFactory(
        given_name="Grace", family_name="Okafor", date_of_birth=years_ago(52, days=-3), phone="(555) 010-7777"
    )
    response = front_desk_client.get(LIST)
    content = response.content.decode()
    assert response.status_code == 200
    assert f'href="{patient.get_absolute_url()}"' in content
    assert "Okafor, Grace" in content
    assert patient.mrn in content
    assert f"{patient.date_of_birth:%b} {patient.date_of_birth.day}, {patient.date_of_birth.year}" in content
    assert "52 y" in content
    assert "(555) 010-7777" in content
    assert "Phone call" in content
    assert_valid_html(response.content)


def test_archived_patients_leave_the_list_but_are_shown_on_request(front_desk_client):
    current = PatientFactory(family_name="Present")
    gone = PatientFactory(family_name="Departed")
    gone.archive(reason="Moved to another state")

    listed = front_desk_client.get(LIST).context["page"].object_list
    assert list(listed) == [current]

    response = front_desk_client.get(LIST, {"archived": "1"})
    assert list(response.context["page"].object_list) == [gone]
    assert "Moved to another state" in response.content.decode()
    assert f'action="{restore_url(gone)}"' in response.content.decode()
    assert_valid_html(response.content)


def test_practitioners_see_archived_patients_without_a_restore_button(practitioner_client):
    gone = PatientFactory()
    gone.archive(reason="Registered twice")
    content = practitioner_client.get(LIST, {"archived": "1"}).content.decode()
    assert gone.mrn in content
    assert restore_url(gone) not in content


@pytest.mark.parametrize(
    "query",
    ["nunez", "NÚÑ", "jose nu", "JOSÉ"],
)
def test_search_finds_a_name_in_part_whatever_the_case_or_accents(front_desk_client, query):
    jose = PatientFactory(given_name="José", family_name="Núñez")
    PatientFactory(given_name="Anna", family_name="Berg")
    assert list(search(front_desk_client, query).context["page"].object_list) == [jose]


def test_search_finds_a_patient_by_mrn_birth_date_or_phone(front_desk_client):
    wanted = PatientFactory(date_of_birth=dt.date(1970, 3, 9), phone="(555) 444-1212")
    PatientFactory(date_of_birth=dt.date(1981, 6, 1), phone="(555) 999-0000")
    for query in (wanted.mrn, wanted.mrn.lower(), "1970-03-09", "03/09/1970", "4441212", "555 444 1212"):
        found = list(search(front_desk_client, query).context["page"].object_list)
        assert found == [wanted], query


@pytest.mark.parametrize(
    "query", ["%", "_", "----", "12/34/5678", "2020-13-45", "ABC-", "'", "a" * 500, "\x00", "jo\x00se"]
)
def test_odd_search_text_never_breaks_the_list(front_desk_client, query):
    PatientFactory()
    response = search(front_desk_client, query)
    assert response.status_code == 200
    assert_valid_html(response.content)


def test_a_search_with_no_match_says_so_and_offers_to_register(front_desk_client):
    PatientFactory(family_name="Berg")
    response = search(front_desk_client, "Zzyzx")
    content = response.content.decode()
    assert "No patients match “Zzyzx”" in content
    assert f'href="{REGISTER}"' in content
    assert_valid_html(response.content)


def test_an_empty_clinic_invites_the_first_registration(front_desk_client):
    content = front_desk_client.get(LIST).content.decode()
    assert "No patients registered yet" in content


def test_the_search_text_is_shown_escaped(front_desk_client):
    response = search(front_desk_client, "<script>alert(1)</script>")
    content = response.content.decode()
    assert "<script>alert(1)</script>" not in content
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in content
    assert_valid_html(response.content)


def test_the_list_shows_25_patients_a_page_and_page_links_keep_the_search(front_desk_client):
    PatientFactory.create_batch(30, family_name="Smith")
    PatientFactory.create_batch(3, family_name="Jones")
    response = search(front_desk_client, "smith")
    assert len(response.context["page"].object_list) == 25
    key = response.request["QUERY_STRING"].removeprefix("s=")
    assert f"?s={key}&amp;page=2" in response.content.decode()

    second = front_desk_client.get(LIST, {"s": key, "page": "2"})
    assert len(second.context["page"].object_list) == 5
    assert_valid_html(second.content)


@pytest.mark.parametrize(("page", "expected"), [("abc", 1), ("", 1), ("0", 2), ("-3", 2), ("999", 2), ("1.5", 1)])
def test_a_malformed_page_number_shows_the_first_or_last_page(front_desk_client, page, expected):
    PatientFactory.create_batch(26)
    response = front_desk_client.get(LIST, {"page": page})
    assert response.status_code == 200
    assert response.context["page"].number == expected


def test_the_list_runs_the_same_number_of_queries_for_5_or_200_patients(front_desk_client, django_assert_num_queries):
    PatientFactory.create_batch(5)
    # session, user, roles, savepoint pair (ATOMIC_REQUESTS), count, page
    with django_assert_num_queries(7):
        front_desk_client.get(LIST)
    PatientFactory.create_batch(195)
    with django_assert_num_queries(7):
        front_desk_client.get(LIST)
    for patient in Patient.objects.all()[:30]:
        patient.archive(reason="Moved away")
    with django_assert_num_queries(7):
        front_desk_client.get(LIST, {"archived": "1", "page": "2"})


def test_live_search_answers_with_the_results_alone(front_desk_client):
    PatientFactory(given_name="Zoë", family_name="Adler")
    response = front_desk_client.post(LIST, {"q": "zoe"}, headers={"HX-Request": "true"})
    content = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in content
    assert "Adler, Zoë" in content
    assert "HX-Request" in response["Vary"]
    assert response["HX-Replace-Url"].startswith(f"{LIST}?s=")
    assert "zoe" not in response["HX-Replace-Url"]


def test_the_search_box_works_with_and_without_javascript(front_desk_client):
    content = front_desk_client.get(LIST).content.decode()
    assert 'method="post"' in content
    assert 'name="q"' in content
    assert 'hx-post="/patients/"' in content
    assert '<label for="patient-search"' in content


def test_search_text_never_appears_in_the_url(front_desk_client):
    PatientFactory(given_name="Sofía", family_name="Márquez", date_of_birth=dt.date(1984, 7, 21))
    for query in ("marquez", "1984-07-21", "555"):
        response = front_desk_client.post(LIST, {"q": query})
        assert response.status_code == 302
        assert query not in response["Location"]
        assert response["Location"].startswith(f"{LIST}?s=")


def test_an_unknown_search_key_shows_the_whole_list(front_desk_client):
    PatientFactory.create_batch(2)
    response = front_desk_client.get(LIST, {"s": "made-up"})
    assert response.status_code == 200
    assert len(response.context["page"].object_list) == 2


# --- registering a patient ----------------------------------------------------


def test_the_register_form_is_laid_out_in_sections(front_desk_client):
    response = front_desk_client.get(REGISTER)
    content = response.content.decode()
    for section in ("Name and birth", "How to reach them", "Address", "Emergency contact", "Referral and care team"):
        assert section in content
    assert 'type="date"' in content
    assert "confirm_not_duplicate" not in content
    assert_valid_html(response.content)


def test_registering_a_patient_saves_them_and_opens_their_chart(front_desk_client, front_desk):
    response = front_desk_client.post(REGISTER, registration(), follow=False)
    patient = Patient.objects.get()
    assert response.status_code == 302
    assert response["Location"] == patient.get_absolute_url()
    assert patient.created_by == front_desk
    assert patient.date_of_birth == dt.date(1979, 4, 12)
    assert patient.preferred_contact == Patient.ContactMethod.SMS
    assert patient.history.get().history_user == front_desk

    messages = [str(m) for m in response.wsgi_request._messages]
    assert messages == [f"Maria Lopez is registered with MRN {patient.mrn}."]


@pytest.mark.parametrize("persona", ["practitioner_client", "clinic_admin_client"])
def test_practitioners_and_clinic_admins_may_register_patients_too(request, persona):
    response = request.getfixturevalue(persona).post(REGISTER, registration())
    assert response.status_code == 302
    assert Patient.objects.count() == 1


def test_names_are_trimmed_and_may_use_any_script_accents_and_name_punctuation(front_desk_client):
    data = registration(given_name="  Zoë   Anne ", family_name="O\u2019Brien-Núñez St. John", preferred_name="李")
    assert front_desk_client.post(REGISTER, data).status_code == 302
    patient = Patient.objects.get()
    assert (patient.given_name, patient.family_name, patient.preferred_name) == (
        "Zoë Anne",
        "O\u2019Brien-Núñez St. John",
        "李",
    )


def test_a_date_of_birth_typed_the_us_way_is_understood(front_desk_client):
    assert front_desk_client.post(REGISTER, registration(date_of_birth="04/12/1979")).status_code == 302
    assert Patient.objects.get().date_of_birth == dt.date(1979, 4, 12)


def test_a_patient_exactly_120_years_old_can_be_registered(front_desk_client):
    born = years_ago(120)
    assert front_desk_client.post(REGISTER, registration(date_of_birth=born.isoformat())).status_code == 302


def test_the_date_picker_offers_only_possible_birth_dates(front_desk_client):
    field = front_desk_client.get(REGISTER).context["form"]["date_of_birth"]
    assert f'max="{today().isoformat()}"' in str(field)


# --- bad input: each is refused next to its field, and nothing is written -------


def assert_refused(client, data: dict, field: str, fragment: str) -> None:
    response = client.post(REGISTER, data)
    assert response.status_code == 200
    errors = errors_of(response, field)
    assert any(fragment in error for error in errors), errors
    # The message sits in the field's own feedback block, not only in the summary.
    assert f'id="error_1_id_{field}"' in response.content.decode()
    assert Patient.objects.count() == 0
    assert_valid_html(response.content)


def test_a_birth_date_in_the_future_is_refused(front_desk_client):
    tomorrow = today() + dt.timedelta(days=1)
    assert_refused(front_desk_client, registration(date_of_birth=tomorrow.isoformat()), "date_of_birth", "future")


def test_a_birth_date_121_years_ago_is_refused(front_desk_client):
    data = registration(date_of_birth=years_ago(121).isoformat())
    assert_refused(front_desk_client, data, "date_of_birth", "older than 120")


def test_a_birth_date_that_is_no_date_is_refused(front_desk_client):
    assert_refused(front_desk_client, registration(date_of_birth="1979-02-30"), "date_of_birth", "valid date")


def test_a_name_of_81_characters_is_refused(front_desk_client):
    assert_refused(front_desk_client, registration(family_name="A" * 81), "family_name", "80 characters or fewer")


def test_a_name_carrying_a_script_tag_is_refused(front_desk_client):
    data = registration(given_name="<script>alert(1)</script>")
    assert_refused(front_desk_client, data, "given_name", "cannot contain < or >")


def test_a_name_with_digits_or_symbols_is_refused(front_desk_client):
    assert_refused(front_desk_client, registration(family_name="Lopez2; DROP"), "family_name", "letters, spaces")


def test_a_blank_name_is_refused(front_desk_client):
    assert_refused(front_desk_client, registration(given_name="   "), "given_name", "required")


def test_a_phone_number_of_letters_only_is_refused(front_desk_client):
    assert_refused(front_desk_client, registration(phone="call my cell"), "phone", "digits")


def test_a_phone_number_with_too_few_digits_is_refused(front_desk_client):
    assert_refused(front_desk_client, registration(phone="555-01"), "phone", "7 to 15 digits")


def test_a_phone_number_with_too_many_digits_is_refused(front_desk_client):
    assert_refused(front_desk_client, registration(phone="+1 555 010 2030 4455 66"), "phone", "7 to 15 digits")


def test_an_unknown_sex_value_is_refused(front_desk_client):
    assert_refused(front_desk_client, registration(sex="robot"), "sex", "valid choice")


def test_a_malformed_email_is_refused(front_desk_client):
    assert_refused(front_desk_client, registration(email="maria@"), "email", "valid email")


def test_preferring_email_without_an_email_address_is_refused(front_desk_client):
    data = registration(preferred_contact="email", email="")
    assert_refused(front_desk_client, data, "email", "Add an email address")


def test_preferring_text_messages_without_a_usable_phone_is_refused(front_desk_client):
    assert_refused(front_desk_client, registration(preferred_contact="sms", phone=""), "phone", "required")


def test_an_emergency_contact_without_a_phone_is_refused(front_desk_client):
    data = registration(emergency_contact_phone="")
    assert_refused(front_desk_client, data, "emergency_contact_phone", "phone number for the emergency contact")


def test_markup_in_an_address_is_refused(front_desk_client):
    data = registration(address_line='<img src=x onerror="alert(1)">')
    assert_refused(front_desk_client, data, "address_line", "Remove the < and >")


def test_a_form_with_errors_lists_them_at_the_top_with_links_to_each_field(front_desk_client):
    response = front_desk_client.post(REGISTER, registration(phone="nope", sex="robot"))
    content = response.content.decode()
    assert "Please correct the fields marked below" in content
    assert 'href="#id_phone"' in content
    assert 'href="#id_sex_0"' in content


# --- possible duplicates ----------------------------------------------------------


def test_a_possible_duplicate_is_shown_instead_of_saving(front_desk_client):
    existing = PatientFactory(given_name="María", family_name="López", date_of_birth=dt.date(1979, 4, 12))
    response = front_desk_client.post(REGISTER, registration(given_name="maria", family_name="LOPEZ"))
    content = response.content.decode()
    assert response.status_code == 200
    assert Patient.objects.count() == 1
    assert response.context["form"].possible_duplicates == [existing]
    assert "already registered" in content
    assert existing.mrn in content
    assert f'href="{existing.get_absolute_url()}"' in content
    assert "Apr 12, 1979" in content
    assert 'name="confirm_not_duplicate"' in content
    # The clerk only has to confirm: no "correct the fields" alarm.
    assert "Please correct the fields" not in content
    assert_valid_html(response.content)


def test_an_archived_patient_counts_as_a_possible_duplicate(front_desk_client):
    existing = PatientFactory(given_name="Maria", family_name="Lopez", date_of_birth=dt.date(1979, 4, 12))
    existing.archive(reason="Moved away")
    response = front_desk_client.post(REGISTER, registration())
    assert response.status_code == 200
    assert "Archived" in response.content.decode()
    assert Patient.objects.count() == 1


def test_confirming_a_different_person_registers_them_anyway(front_desk_client):
    PatientFactory(given_name="Maria", family_name="Lopez", date_of_birth=dt.date(1979, 4, 12))
    response = front_desk_client.post(REGISTER, registration(confirm_not_duplicate="on"))
    assert response.status_code == 302
    assert Patient.objects.filter(family_name="Lopez").count() == 2


def test_the_same_name_born_another_day_is_no_duplicate(front_desk_client):
    PatientFactory(given_name="Maria", family_name="Lopez", date_of_birth=dt.date(1980, 4, 12))
    assert front_desk_client.post(REGISTER, registration()).status_code == 302


# --- front desk never touches clinical data through the registry -------------------


CLINICAL_LOOKING_FIELDS = {
    "diabetes": "type_2",
    "pregnant": "on",
    "pregnancy_due_date": "2030-01-01",
    "implanted_device": "on",
    "anticoagulant": "on",
    "baseline_first_step_pain": "9",
    "baseline_average_pain": "8",
    "affected_side": "left",
    "onset_date": "2024-01-01",
    "current_medicines": "warfarin",
    "code": "M72.2",
    "severity": "7",
    "covers_acupuncture": "on",
}


def test_the_registry_forms_hold_demographic_fields_only(front_desk_client):
    patient = PatientFactory()
    for url in (REGISTER, edit_url(patient)):
        response = front_desk_client.get(url)
        form = response.context["form"]
        assert set(form.fields) - {"confirm_not_duplicate"} == set(DEMOGRAPHIC_FIELDS)
        content = response.content.decode()
        for name in CLINICAL_LOOKING_FIELDS:
            assert f'name="{name}"' not in content


def test_clinical_fields_posted_to_the_registry_are_ignored(front_desk_client):
    response = front_desk_client.post(REGISTER, registration(**CLINICAL_LOOKING_FIELDS))
    assert response.status_code == 302
    patient = Patient.objects.get()
    front_desk_client.post(edit_url(patient), registration(**CLINICAL_LOOKING_FIELDS, city="Shelbyville"))
    assert Patient.objects.get().city == "Shelbyville"
    assert Intake.objects.count() == 0
    assert Diagnosis.objects.count() == 0
    assert Consent.objects.count() == 0
    assert SymptomRecord.objects.count() == 0


# --- correcting details ---------------------------------------------------------------


def test_the_edit_form_starts_from_the_patients_details(front_desk_client):
    patient = PatientFactory(given_name="Ines", family_name="Duarte", date_of_birth=dt.date(1990, 1, 31))
    response = front_desk_client.get(edit_url(patient))
    content = response.content.decode()
    assert 'value="Ines"' in content
    assert 'value="1990-01-31"' in content
    assert patient.mrn in content
    assert_valid_html(response.content)


def test_correcting_details_saves_them_and_records_who_did_it(front_desk_client, front_desk):
    patient = PatientFactory(given_name="Ines", family_name="Duarte")
    data = registration(given_name="Inês", family_name="Duarte", phone="555 777 8888")
    response = front_desk_client.post(edit_url(patient), data)
    assert response.status_code == 302
    assert response["Location"] == patient.get_absolute_url()
    patient.refresh_from_db()
    assert (patient.given_name, patient.phone_digits) == ("Inês", "5557778888")
    assert patient.history.first().history_user == front_desk


def test_saving_a_patient_unchanged_does_not_flag_them_as_their_own_duplicate(front_desk_client):
    patient = PatientFactory(given_name="Maria", family_name="Lopez", date_of_birth=dt.date(1979, 4, 12))
    assert front_desk_client.post(edit_url(patient), registration()).status_code == 302


def test_a_bad_correction_is_refused_and_changes_nothing(front_desk_client):
    patient = PatientFactory(given_name="Ines", phone="(555) 010-1111")
    response = front_desk_client.post(edit_url(patient), registration(given_name="<b>Ines</b>", phone="none"))
    assert response.status_code == 200
    assert errors_of(response, "given_name")
    assert errors_of(response, "phone")
    patient.refresh_from_db()
    assert (patient.given_name, patient.phone) == ("Ines", "(555) 010-1111")
    assert_valid_html(response.content)


# --- archiving and restoring ------------------------------------------------------


def test_the_archive_page_explains_that_nothing_is_deleted(front_desk_client):
    patient = PatientFactory()
    response = front_desk_client.get(archive_url(patient))
    content = response.content.decode()
    assert "Nothing is deleted" in content
    assert 'name="reason"' in content
    assert_valid_html(response.content)


@pytest.mark.parametrize("persona", ALL_STAFF)
def test_archiving_with_a_reason_takes_the_patient_off_the_list(request, persona):
    client = request.getfixturevalue(persona)
    patient = PatientFactory()
    response = client.post(archive_url(patient), {"reason": "  Moved   to Oregon "})
    assert response.status_code == 302
    assert response["Location"] == LIST
    patient.refresh_from_db()
    assert patient.is_archived
    assert patient.archive_reason == "Moved to Oregon"
    assert patient not in client.get(LIST).context["page"].object_list


def test_archiving_without_a_reason_is_refused(front_desk_client):
    patient = PatientFactory()
    response = front_desk_client.post(archive_url(patient), {"reason": "   "})
    assert response.status_code == 200
    assert response.context["form"].errors["reason"] == ["Say why this patient is being archived."]
    assert 'id="error_1_id_reason"' in response.content.decode()
    patient.refresh_from_db()
    assert not patient.is_archived
    assert_valid_html(response.content)


def test_an_over_long_archive_reason_is_refused(front_desk_client):
    patient = PatientFactory()
    response = front_desk_client.post(archive_url(patient), {"reason": "x" * 201})
    assert "200 characters or fewer" in response.context["form"].errors["reason"][0]
    patient.refresh_from_db()
    assert not patient.is_archived


def test_archiving_twice_keeps_the_first_reason(front_desk_client):
    patient = PatientFactory()
    patient.archive(reason="Registered twice")
    page = front_desk_client.get(archive_url(patient))
    assert "Registered twice" in page.content.decode()
    assert_valid_html(page.content)
    front_desk_client.post(archive_url(patient), {"reason": "Another reason"})
    patient.refresh_from_db()
    assert patient.archive_reason == "Registered twice"


@pytest.mark.parametrize("persona", ["front_desk_client", "clinic_admin_client"])
def test_front_desk_and_clinic_admins_restore_archived_patients(request, persona):
    client = request.getfixturevalue(persona)
    patient = PatientFactory()
    patient.archive(reason="Moved away")
    response = client.post(restore_url(patient))
    assert response.status_code == 302
    patient.refresh_from_db()
    assert not patient.is_archived
    assert patient in client.get(LIST).context["page"].object_list


def test_practitioners_cannot_restore_patients(practitioner_client):
    patient = PatientFactory()
    patient.archive(reason="Moved away")
    assert practitioner_client.post(restore_url(patient)).status_code == 403
    patient.refresh_from_db()
    assert patient.is_archived


def test_restoring_needs_a_post(front_desk_client):
    patient = PatientFactory()
    patient.archive(reason="Moved away")
    assert front_desk_client.get(restore_url(patient)).status_code == 405
    patient.refresh_from_db()
    assert patient.is_archived


def test_archiving_keeps_every_record_and_its_history(front_desk_client):
    patient = PatientFactory()
    front_desk_client.post(archive_url(patient), {"reason": "Deceased"})
    front_desk_client.post(restore_url(patient))
    assert Patient.objects.filter(pk=patient.pk).exists()
    assert [record.archive_reason for record in patient.history.order_by("history_date")] == ["", "Deceased", ""]
