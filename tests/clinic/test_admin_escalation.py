"""The Django admin offers no way up: Carmen (clinic admin) cannot make a superuser, grant groups or
permissions, or touch a superuser there, and nobody (a superuser included) deletes an account or changes
a clinical record, such as a patient's pacemaker flag, through it."""

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from clinic.access import Role
from clinic.models import User
from patients.models import Consent, Diagnosis, Intake, Patient, PriorTreatment, SymptomRecord
from tests.factories import (
    AppointmentFactory,
    ConsentFactory,
    DiagnosisFactory,
    IntakeFactory,
    SymptomRecordFactory,
    TreatmentPlanFactory,
    UserFactory,
)
from treatments.models import Appointment, FollowUp, ReliefRule, TreatmentPlan, TreatmentSession

pytestmark = pytest.mark.django_db

CLINICAL_MODELS = (
    Intake,
    PriorTreatment,
    Diagnosis,
    Consent,
    SymptomRecord,
    TreatmentPlan,
    Appointment,
    TreatmentSession,
    FollowUp,
    ReliefRule,
)


def admin_url(model, action: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{action}", args=args)


@pytest.fixture
def superuser():
    return UserFactory(username="root", is_staff=True, is_superuser=True)


@pytest.fixture
def superuser_client(client_for, superuser):
    return client_for(superuser)


def user_form(user, **overrides) -> dict:
    return {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "is_active": "on",
        "is_staff": "on",
        "date_joined_0": "2026-01-01",
        "date_joined_1": "09:00:00",
        **overrides,
    }


# --- user accounts in the admin --------------------------------------------------------------


def test_clinic_admins_hold_no_user_group_or_permission_rights():
    held = {
        f"{p.content_type.app_label}.{p.codename}"
        for p in Group.objects.get(name=Role.CLINIC_ADMIN.value).permissions.select_related("content_type")
    }
    assert not {p for p in held if p.startswith(("auth.", "clinic.", "admin.", "contenttypes.", "sessions."))}
    assert not {p for p in held if ".delete_" in p} - {
        "treatments.delete_workinghours",
        "treatments.delete_closure",
        "treatments.delete_leave",
        "treatments.delete_protocolpoint",
    }


def test_the_admin_index_offers_clinic_admins_no_user_or_group_pages(clinic_admin_client):
    response = clinic_admin_client.get(reverse("admin:index"))
    assert response.status_code == 200
    content = response.content.decode()
    assert reverse("admin:clinic_user_changelist") not in content
    assert reverse("admin:auth_group_changelist") not in content


@pytest.mark.parametrize("action", ["changelist", "add"])
def test_clinic_admins_cannot_open_the_user_or_group_admin(clinic_admin_client, action):
    assert clinic_admin_client.get(admin_url(User, action)).status_code == 403
    assert clinic_admin_client.get(admin_url(Group, action)).status_code == 403


def test_a_clinic_admin_cannot_make_anyone_superuser_through_the_admin(clinic_admin_client, practitioner):
    everything = Group.objects.create(name="Everything")
    response = clinic_admin_client.post(
        admin_url(User, "change", practitioner.pk),
        user_form(
            practitioner,
            is_superuser="on",
            groups=[everything.pk],
            user_permissions=[Permission.objects.get(codename="change_intake").pk],
        ),
    )
    assert response.status_code == 403
    practitioner.refresh_from_db()
    assert not practitioner.is_superuser
    assert not practitioner.is_staff
    assert set(practitioner.groups.values_list("name", flat=True)) == {Role.PRACTITIONER.value}
    assert not practitioner.user_permissions.exists()


def test_a_clinic_admin_cannot_add_a_superuser_through_the_admin(clinic_admin_client):
    response = clinic_admin_client.post(
        admin_url(User, "add"),
        {
            "username": "mallory",
            "password1": "plantar-fascia-42",
            "password2": "plantar-fascia-42",
            "usable_password": "true",
        },
    )
    assert response.status_code == 403
    assert not User.objects.filter(username="mallory").exists()


def test_a_clinic_admin_cannot_edit_a_superuser_or_their_own_account_in_the_admin(
    clinic_admin_client, clinic_admin, superuser
):
    for target in (superuser, clinic_admin):
        response = clinic_admin_client.post(admin_url(User, "change", target.pk), user_form(target, is_superuser="on"))
        assert response.status_code == 403
    clinic_admin.refresh_from_db()
    assert not clinic_admin.is_superuser


def test_a_clinic_admin_cannot_change_a_role_groups_permissions(clinic_admin_client):
    group = Group.objects.get(name=Role.CLINIC_ADMIN.value)
    every_permission = list(Permission.objects.values_list("pk", flat=True))
    response = clinic_admin_client.post(
        admin_url(Group, "change", group.pk), {"name": group.name, "permissions": every_permission}
    )
    assert response.status_code == 403
    assert group.permissions.count() < len(every_permission)


@pytest.mark.parametrize("who", ["superuser", "clinic_admin"])
def test_nobody_deletes_a_user_through_the_admin(request, client_for, practitioner, who):
    client = client_for(request.getfixturevalue(who))
    assert client.post(admin_url(User, "delete", practitioner.pk), {"post": "yes"}).status_code == 403
    client.post(admin_url(User, "changelist"), {"action": "delete_selected", "_selected_action": [practitioner.pk]})
    assert User.objects.filter(pk=practitioner.pk).exists()


def test_the_user_admin_refuses_deletion_even_to_a_superuser(rf, superuser):
    request = rf.get("/")
    request.user = superuser
    assert admin.site._registry[User].has_delete_permission(request) is False
    assert admin.site._registry[Group].has_delete_permission(request) is False


def test_a_superuser_still_manages_accounts_in_the_admin(superuser_client, practitioner):
    response = superuser_client.get(admin_url(User, "change", practitioner.pk))
    assert response.status_code == 200
    assert response.context["has_change_permission"]
    assert not response.context["has_delete_permission"]


def test_practitioners_marked_staff_by_mistake_get_no_user_admin(client_for):
    from tests.factories import PractitionerFactory

    client = client_for(PractitionerFactory(username="oops", is_staff=True))
    assert client.get(admin_url(User, "changelist")).status_code == 403


# --- clinical records in the admin: read-only for everyone ------------------------------------


@pytest.mark.parametrize("who", ["superuser", "clinic_admin"])
@pytest.mark.parametrize("model", CLINICAL_MODELS, ids=lambda model: model.__name__)
def test_no_one_adds_changes_or_deletes_clinical_records_in_the_admin(request, rf, who, model):
    http_request = rf.get("/")
    http_request.user = request.getfixturevalue(who)
    model_admin = admin.site._registry[model]
    assert model_admin.has_add_permission(http_request) is False
    assert model_admin.has_change_permission(http_request) is False
    assert model_admin.has_delete_permission(http_request) is False


@pytest.mark.parametrize("who", ["superuser", "clinic_admin"])
def test_the_pacemaker_flag_cannot_be_removed_through_the_admin(request, client_for, who):
    intake = IntakeFactory(implanted_device=True)
    client = client_for(request.getfixturevalue(who))
    url = admin_url(Intake, "change", intake.pk)
    page = client.get(url)
    assert page.status_code == 200
    assert not page.context["has_change_permission"]
    response = client.post(
        url,
        {
            "patient": intake.patient.pk,
            "affected_side": intake.affected_side,
            "onset_date": intake.onset_date.isoformat(),
            "implanted_device": "",
            "prior_treatments-TOTAL_FORMS": "0",
            "prior_treatments-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 403
    # Nor by restoring an earlier version from the history pages.
    first = intake.history.earliest()
    history_url = reverse(
        "admin:patients_intake_simple_history", kwargs={"object_id": intake.pk, "version_id": first.pk}
    )
    assert client.post(history_url, {"implanted_device": ""}).status_code == 403
    assert client.post(admin_url(Intake, "delete", intake.pk), {"post": "yes"}).status_code == 403
    intake.refresh_from_db()
    assert intake.implanted_device is True


@pytest.mark.parametrize("who", ["superuser", "clinic_admin"])
def test_clinical_records_cannot_be_deleted_through_the_admin(request, client_for, who):
    intake = IntakeFactory()
    records = {
        Intake: intake,
        Diagnosis: DiagnosisFactory(patient=intake.patient),
        Consent: ConsentFactory(patient=intake.patient),
        SymptomRecord: SymptomRecordFactory(patient=intake.patient),
        TreatmentPlan: TreatmentPlanFactory(patient=intake.patient),
        Appointment: AppointmentFactory(patient=intake.patient),
        Patient: intake.patient,
    }
    client = client_for(request.getfixturevalue(who))
    for model, record in records.items():
        assert client.post(admin_url(model, "delete", record.pk), {"post": "yes"}).status_code == 403, model
        client.post(admin_url(model, "changelist"), {"action": "delete_selected", "_selected_action": [record.pk]})
        assert model.objects.filter(pk=record.pk).exists(), model


@pytest.mark.parametrize("model", [Intake, Diagnosis, Consent, SymptomRecord], ids=lambda model: model.__name__)
def test_even_a_superuser_cannot_add_clinical_records_in_the_admin(superuser_client, model):
    assert superuser_client.get(admin_url(model, "add")).status_code == 403
