import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.test import RequestFactory

from clinic.access import (
    Role,
    can_manage_clinic,
    can_see_clinical,
    can_write_clinical,
    primary_role,
    role_required,
    roles_of,
)
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_roles_come_from_groups(practitioner, front_desk, clinic_admin):
    assert roles_of(practitioner) == {Role.PRACTITIONER}
    assert roles_of(front_desk) == {Role.FRONT_DESK}
    assert roles_of(clinic_admin) == {Role.CLINIC_ADMIN}


def test_anonymous_and_inactive_users_hold_no_role(practitioner):
    assert roles_of(AnonymousUser()) == frozenset()
    practitioner.is_active = False
    assert roles_of(practitioner) == frozenset()


def test_a_user_without_a_group_holds_no_role():
    assert roles_of(UserFactory()) == frozenset()
    assert primary_role(UserFactory()) is None


def test_roles_are_read_once_per_user_object(practitioner, django_assert_num_queries):
    with django_assert_num_queries(1):
        roles_of(practitioner)
        roles_of(practitioner)
        can_see_clinical(practitioner)


def test_only_clinicians_see_clinical_data(practitioner, front_desk, clinic_admin):
    assert can_see_clinical(practitioner)
    assert can_see_clinical(clinic_admin)
    assert not can_see_clinical(front_desk)


def test_only_practitioners_write_clinical_records(practitioner, front_desk, clinic_admin):
    assert can_write_clinical(practitioner)
    assert not can_write_clinical(front_desk)
    assert not can_write_clinical(clinic_admin)


def test_only_clinic_admins_manage_the_clinic(practitioner, front_desk, clinic_admin):
    assert can_manage_clinic(clinic_admin)
    assert not can_manage_clinic(practitioner)
    assert not can_manage_clinic(front_desk)


def test_the_widest_role_is_primary():
    user = UserFactory(role=Role.FRONT_DESK)
    user.groups.add(*UserFactory(role=Role.CLINIC_ADMIN).groups.all())
    assert primary_role(user) == Role.CLINIC_ADMIN


def test_role_required_denies_other_roles(practitioner, front_desk):
    @role_required(Role.PRACTITIONER)
    def view(request):
        return "ok"

    request = RequestFactory().get("/")
    request.user = practitioner
    assert view(request) == "ok"
    request.user = front_desk
    with pytest.raises(PermissionDenied):
        view(request)
    request.user = AnonymousUser()
    with pytest.raises(PermissionDenied):
        view(request)
