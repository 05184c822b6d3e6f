"""The Staff page: Carmen (clinic admin) adds staff, gives each one role, deactivates and reactivates them.

Whatever she posts, an account ends up with exactly one of the three roles and no
more: never superuser, no raw permission, no other group. Nobody is deleted.
"""

import re

import pytest
from django.contrib.auth.models import Group, Permission
from django.core import mail
from django.urls import reverse

from clinic.access import Role
from clinic.models import User
from tests.factories import TEST_PASSWORD, ClinicAdminFactory, FrontDeskFactory, PractitionerFactory, UserFactory
from tests.html import assert_valid_html

pytestmark = pytest.mark.django_db

LIST = reverse("staff_list")
ADD = reverse("staff_add")
HOME = reverse("home")


def detail(user) -> str:
    return reverse("staff_detail", kwargs={"pk": user.pk})


def deactivate(user) -> str:
    return reverse("staff_deactivate", kwargs={"pk": user.pk})


def reactivate(user) -> str:
    return reverse("staff_reactivate", kwargs={"pk": user.pk})


def password(user) -> str:
    return reverse("staff_password", kwargs={"pk": user.pk})


def new_staff(**overrides) -> dict:
    return {
        "username": "dana",
        "first_name": "Dana",
        "last_name": "Okafor",
        "professional_title": "L.Ac.",
        "email": "dana@stride.example",
        "role": Role.PRACTITIONER.value,
        **overrides,
    }


def details_of(user, **overrides) -> dict:
    return {
        "first_name": user.first_name,
        "last_name": user.last_name,
        "professional_title": user.professional_title,
        "email": user.email,
        "role": Role.PRACTITIONER.value,
        **overrides,
    }


def role_names(user) -> set[str]:
    return set(user.groups.values_list("name", flat=True))


@pytest.fixture
def superuser():
    return UserFactory(username="root", is_staff=True, is_superuser=True)


# --- who may open it ---------------------------------------------------------------------


@pytest.mark.parametrize("url_name", ["staff_list", "staff_add"])
def test_anonymous_visitors_are_sent_to_sign_in(client, url_name):
    url = reverse(url_name)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={url}"


def test_anonymous_posts_change_nothing(client, practitioner):
    assert client.post(deactivate(practitioner), {"reason": "x"}).status_code == 302
    assert client.post(ADD, new_staff()).status_code == 302
    practitioner.refresh_from_db()
    assert practitioner.is_active
    assert not User.objects.filter(username="dana").exists()


@pytest.mark.parametrize("persona", ["practitioner_client", "front_desk_client"])
def test_practitioners_and_front_desk_are_refused(request, persona, other_practitioner):
    client = request.getfixturevalue(persona)
    for url in (LIST, ADD, detail(other_practitioner), deactivate(other_practitioner)):
        assert client.get(url).status_code == 403
    assert client.post(ADD, new_staff()).status_code == 403
    assert client.post(deactivate(other_practitioner), {"reason": "x"}).status_code == 403
    assert client.post(password(other_practitioner)).status_code == 403
    assert not User.objects.filter(username="dana").exists()
    other_practitioner.refresh_from_db()
    assert other_practitioner.is_active


def test_the_navigation_offers_the_staff_page_to_clinic_admins_only(
    clinic_admin_client, practitioner_client, front_desk_client
):
    link = f'href="{LIST}"'
    assert link in clinic_admin_client.get(HOME).content.decode()
    assert link not in practitioner_client.get(HOME).content.decode()
    assert link not in front_desk_client.get(HOME).content.decode()


# --- the list ------------------------------------------------------------------------------


def test_the_list_shows_each_account_with_its_role_and_why_it_was_deactivated(
    clinic_admin_client, practitioner, front_desk
):
    clinic_admin_client.post(deactivate(front_desk), {"reason": "Moved to another city"})
    response = clinic_admin_client.get(LIST)
    assert response.status_code == 200
    assert_valid_html(response.content)
    content = response.content.decode()
    assert "Alice Chen, L.Ac." in content
    assert "Moved to another city" in content
    assert "Deactivated" in content


def test_the_list_filters_by_role_and_status(clinic_admin_client, practitioner, other_practitioner, front_desk):
    clinic_admin_client.post(deactivate(other_practitioner), {"reason": "Left"})
    listed = clinic_admin_client.get(LIST, {"role": Role.PRACTITIONER.value, "status": "active"})
    assert [row["member"] for row in listed.context["rows"]] == [practitioner]
    inactive = clinic_admin_client.get(LIST, {"status": "inactive"})
    assert [row["member"] for row in inactive.context["rows"]] == [other_practitioner]


def test_an_unknown_filter_value_shows_everyone_rather_than_failing(clinic_admin_client, practitioner):
    response = clinic_admin_client.get(LIST, {"role": "Superuser", "status": "maybe", "page": "x"})
    assert response.status_code == 200
    assert practitioner in [row["member"] for row in response.context["rows"]]


def test_the_list_is_paginated_with_a_constant_number_of_queries(clinic_admin_client, django_assert_max_num_queries):
    PractitionerFactory.create_batch(30)
    first = clinic_admin_client.get(LIST)
    assert len(first.context["rows"]) == 25
    assert first.context["page_obj"].paginator.num_pages == 2
    second = clinic_admin_client.get(LIST, {"page": 2})
    assert len(second.context["rows"]) == 31 - 25  # Carmen herself is on the list too
    with django_assert_max_num_queries(10) as counted:
        clinic_admin_client.get(LIST)
    PractitionerFactory.create_batch(5)
    with django_assert_max_num_queries(len(counted.captured_queries)):
        clinic_admin_client.get(LIST)


# --- adding --------------------------------------------------------------------------------


def test_a_clinic_admin_adds_a_practitioner_who_is_emailed_a_set_password_link(clinic_admin_client, client):
    page = clinic_admin_client.get(ADD)
    assert page.status_code == 200
    assert_valid_html(page.content)
    response = clinic_admin_client.post(ADD, new_staff())
    assert response.status_code == 302
    dana = User.objects.get(username="dana")
    assert role_names(dana) == {Role.PRACTITIONER.value}
    assert (dana.is_superuser, dana.is_staff, dana.has_usable_password()) == (False, False, False)
    assert dana.professional_title == "L.Ac."

    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == ["dana@stride.example"]
    link = re.search(r"http://testserver(/accounts/set-password/\S+/)", email.body).group(1)
    form_page = client.get(link, follow=True)
    assert form_page.context["validlink"]
    assert_valid_html(form_page.content)
    new = "plantar-fascia-42"
    done = client.post(form_page.request["PATH_INFO"], {"new_password1": new, "new_password2": new})
    assert done.status_code == 302
    dana.refresh_from_db()
    assert dana.check_password(new)
    # One use only.
    assert not client.get(link, follow=True).context["validlink"]


def test_a_new_clinic_admin_may_open_the_admin_and_a_new_front_desk_clerk_may_not(clinic_admin_client):
    clinic_admin_client.post(ADD, new_staff(username="erin", email="erin@stride.example", role=Role.CLINIC_ADMIN))
    clinic_admin_client.post(ADD, new_staff(username="fred", email="fred@stride.example", role=Role.FRONT_DESK))
    assert User.objects.get(username="erin").is_staff
    assert not User.objects.get(username="fred").is_staff


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"username": "alice"}, "username", "taken"),
        ({"username": "ALICE"}, "username", "taken"),
        ({"username": "no spaces please"}, "username", "Enter a valid username"),
        ({"username": "x" * 151}, "username", "at most 150"),
        ({"email": "not-an-email"}, "email", "valid email"),
        ({"email": "alice@stride.example"}, "email", "already uses"),
        ({"role": "Superuser"}, "role", "valid choice"),
        ({"role": ""}, "role", "required"),
        ({"first_name": "x" * 151}, "first_name", "at most 150"),
        ({"last_name": ""}, "last_name", "required"),
        ({"professional_title": "x" * 81}, "professional_title", "at most 80"),
    ],
)
def test_bad_input_is_refused_at_the_field_and_nothing_is_written(
    clinic_admin_client, practitioner, overrides, field, message
):
    before = User.objects.count()
    response = clinic_admin_client.post(ADD, new_staff(**overrides))
    assert response.status_code == 200
    assert message in str(response.context["form"].errors[field])
    assert message.split()[0] in response.content.decode()
    assert User.objects.count() == before
    assert not mail.outbox


# --- escalation attempts ---------------------------------------------------------------------


def test_posting_superuser_flags_groups_or_permissions_when_adding_gives_only_the_role(clinic_admin_client):
    other_group = Group.objects.create(name="Everything")
    permission = Permission.objects.get(codename="change_intake")
    response = clinic_admin_client.post(
        ADD,
        new_staff(
            is_superuser="on",
            is_staff="on",
            groups=[other_group.pk, Group.objects.get(name=Role.CLINIC_ADMIN.value).pk],
            user_permissions=[permission.pk],
        ),
    )
    assert response.status_code == 302
    dana = User.objects.get(username="dana")
    assert (dana.is_superuser, dana.is_staff) == (False, False)
    assert role_names(dana) == {Role.PRACTITIONER.value}
    assert not dana.user_permissions.exists()


def test_changing_a_role_replaces_the_old_one_and_grants_nothing_else(clinic_admin_client, front_desk):
    extra = Group.objects.create(name="Everything")
    front_desk.groups.add(extra)
    front_desk.user_permissions.add(Permission.objects.get(codename="change_intake"))
    response = clinic_admin_client.post(
        detail(front_desk),
        details_of(front_desk, role=Role.CLINIC_ADMIN.value, is_superuser="on", user_permissions=[1, 2]),
    )
    assert response.status_code == 302
    front_desk.refresh_from_db()
    assert role_names(front_desk) == {Role.CLINIC_ADMIN.value}
    assert (front_desk.is_superuser, front_desk.is_staff) == (False, True)
    assert not front_desk.user_permissions.exists()

    clinic_admin_client.post(detail(front_desk), details_of(front_desk, role=Role.FRONT_DESK.value))
    front_desk.refresh_from_db()
    assert role_names(front_desk) == {Role.FRONT_DESK.value}
    assert not front_desk.is_staff


def test_an_unknown_role_on_the_change_page_is_refused_at_the_field(clinic_admin_client, practitioner):
    response = clinic_admin_client.post(detail(practitioner), details_of(practitioner, role="Superuser"))
    assert response.status_code == 200
    assert "valid choice" in str(response.context["form"].errors["role"])
    assert role_names(practitioner) == {Role.PRACTITIONER.value}


def test_a_superusers_account_cannot_be_opened_changed_deactivated_or_emailed(clinic_admin_client, superuser):
    assert clinic_admin_client.get(detail(superuser)).status_code == 403
    assert clinic_admin_client.post(detail(superuser), details_of(superuser, first_name="Hacked")).status_code == 403
    assert clinic_admin_client.post(deactivate(superuser), {"reason": "Take over"}).status_code == 403
    assert clinic_admin_client.post(password(superuser)).status_code == 403
    superuser.refresh_from_db()
    assert superuser.is_active
    assert superuser.first_name != "Hacked"
    assert not mail.outbox


def test_a_clinic_admin_cannot_deactivate_herself_or_change_her_own_role(clinic_admin_client, clinic_admin):
    assert clinic_admin_client.post(deactivate(clinic_admin), {"reason": "Oops"}).status_code == 403
    response = clinic_admin_client.post(detail(clinic_admin), details_of(clinic_admin, role=Role.FRONT_DESK.value))
    assert "cannot change your own role" in str(response.context["form"].errors["role"])
    clinic_admin.refresh_from_db()
    assert clinic_admin.is_active
    assert role_names(clinic_admin) == {Role.CLINIC_ADMIN.value}
    assert "You cannot deactivate your own account" in clinic_admin_client.get(detail(clinic_admin)).content.decode()


def test_there_is_no_way_to_delete_an_account(clinic_admin_client, practitioner):
    from django.urls import get_resolver

    assert not [name for name in get_resolver().reverse_dict if isinstance(name, str) and "staff_delete" in name]
    clinic_admin_client.post(detail(practitioner), {**details_of(practitioner), "delete": "on"})
    assert User.objects.filter(pk=practitioner.pk).exists()


# --- deactivating ----------------------------------------------------------------------------


def test_deactivating_signs_the_person_out_at_once_and_keeps_them_out_after_reactivation(
    clinic_admin_client, practitioner_client, practitioner, client
):
    assert practitioner_client.get(HOME).status_code == 200
    response = clinic_admin_client.post(deactivate(practitioner), {"reason": "Left the clinic"})
    assert response.status_code == 302
    practitioner.refresh_from_db()
    assert not practitioner.is_active
    assert practitioner.deactivation_reason == "Left the clinic"
    assert practitioner.deactivated_at is not None
    assert practitioner_client.get(HOME).status_code == 302

    # Reactivation lets them sign in again; the old session stays ended.
    clinic_admin_client.post(reactivate(practitioner))
    practitioner.refresh_from_db()
    assert practitioner.is_active
    assert practitioner.deactivation_reason == ""
    assert practitioner_client.get(HOME).status_code == 302
    assert client.post(reverse("login"), {"username": "alice", "password": TEST_PASSWORD}).status_code == 302


def test_deactivating_ends_only_that_persons_sessions(clinic_admin_client, practitioner, other_practitioner_client):
    clinic_admin_client.post(deactivate(practitioner), {"reason": "Left"})
    assert other_practitioner_client.get(HOME).status_code == 200
    assert clinic_admin_client.get(LIST).status_code == 200


@pytest.mark.parametrize(("reason", "message"), [("", "required"), ("x" * 201, "at most 200")])
def test_a_deactivation_needs_a_short_reason(clinic_admin_client, practitioner, reason, message):
    response = clinic_admin_client.post(deactivate(practitioner), {"reason": reason})
    assert response.status_code == 200
    assert message in str(response.context["form"].errors["reason"])
    assert_valid_html(response.content)
    practitioner.refresh_from_db()
    assert practitioner.is_active


def test_the_deactivate_page_asks_for_a_reason(clinic_admin_client, practitioner):
    response = clinic_admin_client.get(deactivate(practitioner))
    assert response.status_code == 200
    assert_valid_html(response.content)


def test_a_missing_account_is_a_404(clinic_admin_client):
    assert clinic_admin_client.get(reverse("staff_detail", kwargs={"pk": 987654})).status_code == 404


# --- passwords -----------------------------------------------------------------------------


def test_a_clinic_admin_emails_a_set_password_link_and_the_old_password_keeps_working_until_it_is_used(
    clinic_admin_client, practitioner
):
    response = clinic_admin_client.post(password(practitioner))
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [practitioner.email]
    assert "/accounts/set-password/" in mail.outbox[0].body
    practitioner.refresh_from_db()
    assert practitioner.check_password(TEST_PASSWORD)


def test_no_link_is_sent_to_a_deactivated_account(clinic_admin_client, practitioner):
    clinic_admin_client.post(deactivate(practitioner), {"reason": "Left"})
    clinic_admin_client.post(password(practitioner))
    assert not mail.outbox


def test_the_password_button_needs_a_post(clinic_admin_client, practitioner):
    assert clinic_admin_client.get(password(practitioner)).status_code == 405
    assert not mail.outbox


def test_the_change_page_is_valid_html_for_active_and_deactivated_staff(clinic_admin_client, practitioner):
    FrontDeskFactory(username="gone", is_active=False, deactivation_reason="Retired")
    for member in (practitioner, User.objects.get(username="gone")):
        response = clinic_admin_client.get(detail(member))
        assert response.status_code == 200
        assert_valid_html(response.content)


def test_another_clinic_admin_may_be_managed(clinic_admin_client):
    deputy = ClinicAdminFactory(username="deputy")
    response = clinic_admin_client.post(deactivate(deputy), {"reason": "Stepped down"})
    assert response.status_code == 302
    deputy.refresh_from_db()
    assert not deputy.is_active


def test_a_staff_members_page_links_to_their_activity(clinic_admin_client, practitioner):
    from django.urls import reverse as url

    page = clinic_admin_client.get(url("staff_detail", args=[practitioner.pk])).content.decode()
    assert url("audit:user_activity", kwargs={"pk": practitioner.pk}) in page
