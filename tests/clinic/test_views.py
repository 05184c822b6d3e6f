import pytest
from django.urls import reverse
from django.utils.html import escape

from clinic.access import Role
from clinic.views import ROLE_DUTIES
from tests.factories import TEST_PASSWORD, PractitionerFactory, UserFactory
from tests.html import assert_valid_html

pytestmark = pytest.mark.django_db

HOME = reverse("home")
LOGIN = reverse("login")


def test_anonymous_visitor_is_sent_to_sign_in(client):
    response = client.get(HOME)
    assert response.status_code == 302
    assert response["Location"] == f"{LOGIN}?next={HOME}"


@pytest.mark.parametrize(
    ("persona", "role"),
    [
        ("practitioner_client", Role.PRACTITIONER),
        ("front_desk_client", Role.FRONT_DESK),
        ("clinic_admin_client", Role.CLINIC_ADMIN),
    ],
)
def test_each_role_sees_its_own_home_page(request, persona, role):
    response = request.getfixturevalue(persona).get(HOME)
    assert response.status_code == 200
    assert response.context["role"] == role
    content = response.content.decode()
    for duty in ROLE_DUTIES[role]:
        assert escape(duty) in content
    assert_valid_html(response.content)


def test_navigation_offers_staff_settings_to_clinic_admins_only(
    practitioner_client, front_desk_client, clinic_admin_client
):
    admin_link = f'href="{reverse("admin:index")}"'
    assert admin_link in clinic_admin_client.get(HOME).content.decode()
    assert admin_link not in practitioner_client.get(HOME).content.decode()
    assert admin_link not in front_desk_client.get(HOME).content.decode()


def test_staff_without_a_role_are_refused(client_for):
    response = client_for(UserFactory()).get(HOME)
    assert response.status_code == 403
    assert "not available to your role" in response.content.decode()


def test_home_page_runs_a_constant_number_of_queries(practitioner_client, django_assert_num_queries):
    # session, user, roles, and the savepoint pair of ATOMIC_REQUESTS
    with django_assert_num_queries(5):
        practitioner_client.get(HOME)
    PractitionerFactory.create_batch(20)
    with django_assert_num_queries(5):
        practitioner_client.get(HOME)


def test_login_page_is_public_and_valid_html(client):
    response = client.get(LOGIN)
    assert response.status_code == 200
    assert_valid_html(response.content)


def test_signing_in_leads_home(client, practitioner):
    response = client.post(LOGIN, {"username": "alice", "password": TEST_PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == HOME


@pytest.mark.parametrize(
    ("username", "password"),
    [("alice", "wrong-password"), ("nobody-here", TEST_PASSWORD), ("", ""), ("alice", "x" * 5000)],
)
def test_failed_sign_in_gives_one_message_for_every_mistake(client, practitioner, username, password):
    response = client.post(LOGIN, {"username": username, "password": password})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    if username and password:
        content = response.content.decode()
        assert "do not match an active staff account" in content
        assert "username is wrong" not in content.lower()
        assert "password is wrong" not in content.lower()


def test_deactivated_staff_cannot_sign_in(client, practitioner):
    practitioner.is_active = False
    practitioner.save(update_fields=["is_active"])
    response = client.post(LOGIN, {"username": "alice", "password": TEST_PASSWORD})
    assert "do not match an active staff account" in response.content.decode()


def test_repeated_failures_pause_sign_in(client, practitioner):
    for _ in range(5):
        client.post(LOGIN, {"username": "alice", "password": "wrong-password"})
    response = client.post(LOGIN, {"username": "alice", "password": TEST_PASSWORD})
    assert response.status_code == 429
    assert "Sign-in paused" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_sign_out_needs_a_post_and_ends_the_session(practitioner_client):
    assert practitioner_client.get(reverse("logout")).status_code == 405
    response = practitioner_client.post(reverse("logout"))
    assert response.status_code == 302
    assert practitioner_client.get(HOME).status_code == 302


def test_password_change_rejects_a_weak_password_and_accepts_a_strong_one(practitioner_client, practitioner):
    url = reverse("password_change")
    weak = {"old_password": TEST_PASSWORD, "new_password1": "123", "new_password2": "123"}
    response = practitioner_client.post(url, weak)
    assert response.status_code == 200
    assert response.context["form"].errors["new_password2"]
    strong = {"old_password": TEST_PASSWORD, "new_password1": "plantar-fascia-42", "new_password2": "plantar-fascia-42"}
    response = practitioner_client.post(url, strong)
    assert response.status_code == 302
    practitioner.refresh_from_db()
    assert practitioner.check_password("plantar-fascia-42")


def test_health_check_needs_no_login(client):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_unknown_page_shows_a_friendly_404(practitioner_client):
    response = practitioner_client.get("/no-such-page/")
    assert response.status_code == 404
    assert "could not find that page" in response.content.decode()


def test_pages_carry_a_skip_link_and_landmarks(practitioner_client):
    content = practitioner_client.get(HOME).content.decode()
    assert 'href="#main"' in content
    assert '<main id="main"' in content
    assert 'aria-label="Main"' in content


def test_static_assets_are_served_locally(practitioner_client):
    content = practitioner_client.get(HOME).content.decode()
    assert "/static/bootstrap/css/bootstrap.min.css" in content
    assert "/static/django_htmx/htmx-2.min.js" in content
    assert "://" not in "".join(line for line in content.splitlines() if "<script" in line or "<link" in line)
