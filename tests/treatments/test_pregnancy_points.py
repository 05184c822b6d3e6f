"""Points to avoid in pregnancy come from the catalogue's column alone: change a point, and the refusal follows.

The banner and the session form ask the column when they are shown, so a superuser's correction in the
admin (clinic admins only look points up) applies from the next page on, with no deploy.
"""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from patients.models import Intake
from patients.safety import SafetyFacts
from tests.factories import IntakeFactory, PatientFactory, UserFactory
from tests.treatments.session_support import (
    counts,
    make_checked_in,
    make_patient,
    make_plan,
    session_data,
    start_url,
)
from treatments.models import AcupuncturePoint, TreatmentSession
from treatments.sessions.pregnancy import points_needing_override, safety_flags

pytestmark = pytest.mark.django_db

KI3_REFUSAL = "KI3 is to be avoided in pregnancy: give a reason to needle it anyway."


def pregnant_patient(practitioner):
    """Maria, consented and checked in today, expecting in four months."""
    patient = make_patient(practitioner)
    due = timezone.localdate() + dt.timedelta(days=120)
    Intake.objects.filter(patient=patient).update(pregnant=True, pregnancy_due_date=due)
    return patient, make_checked_in(patient, practitioner, make_plan(patient, practitioner))


def mark(code: str, *, avoid: bool) -> None:
    AcupuncturePoint.objects.filter(code=code).update(avoid_in_pregnancy=avoid)


def points(*codes: str) -> list[AcupuncturePoint]:
    by_code = AcupuncturePoint.objects.in_bulk(codes, field_name="code")
    return [by_code[code] for code in codes]


def test_the_points_needing_an_override_are_those_the_column_marks_each_once_in_order():
    pregnant = SafetyFacts(intake=IntakeFactory.build(pregnant=True), consents=(), diagnoses=())
    chosen = points("KI1", "SP6", "LI4", "GB21", "SP6", "BL67", "ST36")
    assert points_needing_override(pregnant, chosen) == ["SP6", "LI4", "BL67"]
    mark("ST36", avoid=True)
    assert points_needing_override(pregnant, points("ST36", "KI1")) == ["ST36"]


def test_no_point_needs_an_override_outside_pregnancy():
    not_pregnant = SafetyFacts(intake=IntakeFactory.build(), consents=(), diagnoses=())
    assert points_needing_override(not_pregnant, points("LI4", "SP6")) == []
    assert points_needing_override(SafetyFacts(intake=None, consents=(), diagnoses=()), points("LI4")) == []


def test_a_point_marked_in_the_admin_is_refused_without_a_reason(practitioner_client, practitioner, client_for):
    _, appointment = pregnant_patient(practitioner)
    assert practitioner_client.post(start_url(appointment), session_data(points=[("KI3", "both")])).status_code == 302
    TreatmentSession.objects.all().delete()

    ki3 = AcupuncturePoint.objects.get(code="KI3")
    superuser = client_for(UserFactory(username="root", is_staff=True, is_superuser=True))
    fields = ("code", "pinyin", "english", "meridian", "number", "location", "caution_in_pregnancy", "is_ashi")
    form = {name: getattr(ki3, name) for name in fields} | {"avoid_in_pregnancy": "on"}
    form = {name: value for name, value in form.items() if value is not False}
    change = reverse("admin:treatments_acupuncturepoint_change", args=[ki3.pk])
    assert superuser.post(change, form).status_code == 302
    assert AcupuncturePoint.objects.get(code="KI3").avoid_in_pregnancy

    page = practitioner_client.get(start_url(appointment)).content.decode()
    assert "KI3 Taixi (avoid in pregnancy)" in page
    response = practitioner_client.post(start_url(appointment), session_data(points=[("KI3", "both")]))
    assert response.status_code == 200
    assert response.context["form"].errors["pregnancy_override_reason"] == [KI3_REFUSAL]
    assert counts()["TreatmentSession"] == 0


def test_a_newly_marked_point_at_either_end_of_an_electro_pair_is_refused_too(practitioner_client, practitioner):
    _, appointment = pregnant_patient(practitioner)
    mark("KI3", avoid=True)
    response = practitioner_client.post(start_url(appointment), session_data(electro=[("KI1", "KI3", "2", "", "20")]))
    assert response.context["form"].errors["pregnancy_override_reason"] == [KI3_REFUSAL]


def test_unmarking_li4_lets_it_through_without_a_reason(practitioner_client, practitioner):
    _, appointment = pregnant_patient(practitioner)
    mark("LI4", avoid=False)
    page = practitioner_client.get(start_url(appointment)).content.decode()
    assert "LI4 Hegu (avoid in pregnancy)" not in page
    response = practitioner_client.post(start_url(appointment), session_data(points=[("LI4", "left")]))
    assert response.status_code == 302
    assert TreatmentSession.objects.get().pregnancy_override_reason == ""


def test_the_banner_names_the_points_the_catalogue_marks(practitioner):
    patient = PatientFactory()
    IntakeFactory(patient=patient, pregnant=True, pregnancy_due_date=dt.date(2030, 1, 5), recorded_by=practitioner)
    facts = SafetyFacts(intake=patient.intake, consents=(), diagnoses=())

    (flag,) = [flag for flag in safety_flags(facts) if flag.code == "pregnancy"]
    assert flag.title == "Pregnant — avoid LI4, SP6, BL60, BL67"
    assert flag.detail == "Due Jan 05, 2030. GB21 with care."

    mark("LI4", avoid=False)
    mark("KI3", avoid=True)
    (flag,) = [flag for flag in safety_flags(facts) if flag.code == "pregnancy"]
    assert flag.title == "Pregnant — avoid KI3, SP6, BL60, BL67"


def test_the_chart_banner_shows_the_points_to_avoid(practitioner_client, practitioner):
    patient, _ = pregnant_patient(practitioner)
    page = practitioner_client.get(reverse("patients:chart", args=[patient.public_id])).content.decode()
    assert "Pregnant — avoid LI4, SP6, BL60, BL67" in page
    assert "GB21 with care." in page
