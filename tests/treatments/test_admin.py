"""Clinic admins set the clinic up in the admin site: locations, hours, closures, leave."""

import datetime as dt

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from clinic.access import Role
from tests.factories import (
    AppointmentFactory,
    LocationFactory,
    PractitionerFactory,
    TreatmentPlanFactory,
    WorkingHoursFactory,
)
from treatments.models import Appointment, Closure, Leave, Location, TreatmentPlan, Weekday, WorkingHours

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 12, 1)


def admin_url(model: str, action: str, *args) -> str:
    return reverse(f"admin:treatments_{model}_{action}", args=args)


def form_errors(response) -> dict:
    assert response.status_code == 200, response.status_code
    return response.context["adminform"].form.errors


@pytest.fixture
def main_clinic():
    return LocationFactory(name="Main clinic")


# --- what a clinic admin can do ------------------------------------------------------


def test_a_clinic_admin_adds_a_location(clinic_admin_client):
    response = clinic_admin_client.post(
        admin_url("location", "add"),
        {"name": "Eastside studio", "address": "480 Harbor Road", "phone": "(555) 010-3000", "is_active": "on"},
    )
    assert response.status_code == 302
    assert Location.objects.get().name == "Eastside studio"


def test_a_clinic_admin_adds_a_split_shift_as_two_rows(clinic_admin_client, practitioner, main_clinic):
    for starts, ends in (("08:00", "12:00"), ("14:00", "18:00")):
        response = clinic_admin_client.post(
            admin_url("workinghours", "add"),
            {
                "practitioner": practitioner.pk,
                "weekday": Weekday.MONDAY,
                "starts": starts,
                "ends": ends,
                "location": main_clinic.pk,
            },
        )
        assert response.status_code == 302
    shifts = WorkingHours.objects.filter(practitioner=practitioner, weekday=Weekday.MONDAY).order_by("starts")
    assert [(s.starts, s.ends) for s in shifts] == [(dt.time(8), dt.time(12)), (dt.time(14), dt.time(18))]


def test_hours_that_end_before_they_start_get_a_field_error_not_a_crash(clinic_admin_client, practitioner, main_clinic):
    response = clinic_admin_client.post(
        admin_url("workinghours", "add"),
        {
            "practitioner": practitioner.pk,
            "weekday": Weekday.MONDAY,
            "starts": "17:00",
            "ends": "09:00",
            "location": main_clinic.pk,
        },
    )
    assert "must end after it starts" in str(form_errors(response)["ends"])
    assert not WorkingHours.objects.exists()


def test_overlapping_shifts_on_one_day_are_refused(clinic_admin_client, practitioner, main_clinic):
    WorkingHoursFactory(
        practitioner=practitioner, location=main_clinic, weekday=Weekday.MONDAY, starts=dt.time(8), ends=dt.time(12)
    )
    response = clinic_admin_client.post(
        admin_url("workinghours", "add"),
        {
            "practitioner": practitioner.pk,
            "weekday": Weekday.MONDAY,
            "starts": "11:00",
            "ends": "15:00",
            "location": LocationFactory(name="Eastside studio").pk,
        },
    )
    assert "overlaps" in str(form_errors(response)["starts"])
    assert WorkingHours.objects.count() == 1


def test_only_practitioners_can_be_given_working_hours_or_leave(clinic_admin_client, front_desk, main_clinic):
    response = clinic_admin_client.post(
        admin_url("workinghours", "add"),
        {
            "practitioner": front_desk.pk,
            "weekday": Weekday.MONDAY,
            "starts": "09:00",
            "ends": "17:00",
            "location": main_clinic.pk,
        },
    )
    assert "practitioner" in form_errors(response)
    page = clinic_admin_client.get(admin_url("leave", "add"))
    assert list(page.context["adminform"].form.fields["practitioner"].queryset) == []


def test_a_clinic_admin_adds_a_closure(clinic_admin_client, main_clinic):
    response = clinic_admin_client.post(
        admin_url("closure", "add"),
        {"reason": "Public holiday", "location": "", "first_day": "2026-11-26", "last_day": "2026-11-26"},
    )
    assert response.status_code == 302
    closure = Closure.objects.get()
    assert closure.location is None and closure.first_day == dt.date(2026, 11, 26)


def test_a_closure_ending_before_it_starts_gets_a_field_error_not_a_crash(clinic_admin_client):
    response = clinic_admin_client.post(
        admin_url("closure", "add"),
        {"reason": "Refurbishment", "location": "", "first_day": "2026-12-10", "last_day": "2026-12-01"},
    )
    assert "cannot be before the first day" in str(form_errors(response)["last_day"])
    assert not Closure.objects.exists()


def test_a_clinic_admin_adds_leave_and_bad_dates_are_refused_at_the_field(clinic_admin_client, practitioner):
    bad = clinic_admin_client.post(
        admin_url("leave", "add"),
        {"practitioner": practitioner.pk, "first_day": "2026-12-10", "last_day": "2026-12-09", "reason": "Course"},
    )
    assert "last_day" in form_errors(bad)
    assert not Leave.objects.exists()
    good = clinic_admin_client.post(
        admin_url("leave", "add"),
        {"practitioner": practitioner.pk, "first_day": "2026-12-10", "last_day": "2026-12-10", "reason": "Course"},
    )
    assert good.status_code == 302
    assert Leave.objects.get().practitioner == practitioner


@pytest.mark.parametrize("field", ["first_day", "last_day"])
def test_a_malformed_date_is_a_field_error(clinic_admin_client, field):
    data = {"reason": "Holiday", "location": "", "first_day": "2026-12-10", "last_day": "2026-12-11"}
    data[field] = "31/31/2026"
    assert field in form_errors(clinic_admin_client.post(admin_url("closure", "add"), data))


def test_locations_are_closed_for_booking_never_deleted(clinic_admin_client, main_clinic):
    assert clinic_admin_client.get(admin_url("location", "delete", main_clinic.pk)).status_code == 403
    response = clinic_admin_client.post(
        admin_url("location", "changelist"), {"action": "close_for_booking", "_selected_action": [main_clinic.pk]}
    )
    assert response.status_code == 302
    main_clinic.refresh_from_db()
    assert not main_clinic.is_active


def test_the_admin_lists_render(clinic_admin_client, practitioner, main_clinic):
    WorkingHoursFactory(practitioner=practitioner, location=main_clinic)
    Closure.objects.create(first_day=TODAY, last_day=TODAY, reason="Holiday")
    Leave.objects.create(practitioner=practitioner, first_day=TODAY, last_day=TODAY)
    for model in ("location", "workinghours", "closure", "leave", "treatmentplan", "appointment"):
        assert clinic_admin_client.get(admin_url(model, "changelist")).status_code == 200, model


# --- plans and appointments: read-only ------------------------------------------------


def test_plans_and_appointments_are_read_only_in_the_admin(clinic_admin_client):
    appointment = AppointmentFactory(plan=TreatmentPlanFactory())
    plan = appointment.plan
    for model, obj in (("treatmentplan", plan), ("appointment", appointment)):
        assert clinic_admin_client.get(admin_url(model, "changelist")).status_code == 200
        page = clinic_admin_client.get(admin_url(model, "change", obj.pk))
        assert page.status_code == 200
        assert "Save" not in page.content.decode()
        assert clinic_admin_client.post(admin_url(model, "change", obj.pk), {}).status_code == 403
        assert clinic_admin_client.get(admin_url(model, "add")).status_code == 403
        assert clinic_admin_client.get(admin_url(model, "delete", obj.pk)).status_code == 403
        assert clinic_admin_client.get(admin_url(model, "history", obj.pk)).status_code == 200


def test_an_old_version_cannot_be_restored_through_the_history_pages(clinic_admin_client):
    appointment = AppointmentFactory()
    appointment.cancel(by=Appointment.CancelledBy.CLINIC, reason="Closed")
    booked_version = appointment.history.earliest()
    url = reverse("admin:treatments_appointment_simple_history", args=[appointment.pk, booked_version.history_id])
    assert clinic_admin_client.get(url).status_code == 200
    assert clinic_admin_client.post(url, {"status": "booked"}).status_code == 403
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.CANCELLED


def test_even_a_superuser_cannot_edit_or_delete_bookings_here(client_for):
    superuser = PractitionerFactory(username="root", is_staff=True, is_superuser=True)
    plan = TreatmentPlanFactory()
    client = client_for(superuser)
    assert client.post(admin_url("treatmentplan", "change", plan.pk), {"sessions_planned": 12}).status_code == 403
    assert client.post(admin_url("treatmentplan", "delete", plan.pk), {"post": "yes"}).status_code == 403
    assert TreatmentPlan.objects.get().sessions_planned == 10


def test_the_clinic_admin_role_holds_exactly_these_treatment_permissions():
    group = Group.objects.get(name=Role.CLINIC_ADMIN.value)
    held = {p.codename for p in group.permissions.filter(content_type__app_label="treatments")}
    assert {
        "add_location",
        "change_location",
        "view_location",
        "add_workinghours",
        "add_closure",
        "add_leave",
        "view_treatmentplan",
        "view_appointment",
    } <= held
    assert not held & {
        "delete_location",
        "add_appointment",
        "change_appointment",
        "delete_appointment",
        "add_treatmentplan",
        "change_treatmentplan",
        "delete_treatmentplan",
    }


# --- who cannot get in ---------------------------------------------------------------


@pytest.mark.parametrize("who", ["practitioner_client", "front_desk_client", "client"])
@pytest.mark.parametrize("model", ["location", "workinghours", "closure", "leave", "treatmentplan", "appointment"])
def test_practitioners_front_desk_and_strangers_cannot_reach_these_pages(request, who, model):
    client = request.getfixturevalue(who)
    response = client.get(admin_url(model, "changelist"))
    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_a_practitioner_marked_staff_by_mistake_still_cannot_change_the_set_up(client_for, main_clinic):
    client = client_for(PractitionerFactory(is_staff=True))
    assert client.get(admin_url("location", "changelist")).status_code == 403
    response = client.post(
        admin_url("closure", "add"), {"reason": "x", "first_day": "2026-12-01", "last_day": "2026-12-01"}
    )
    assert response.status_code == 403
    assert not Closure.objects.exists()
