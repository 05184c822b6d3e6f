"""Two-factor sign-in: Alice (practitioner) may turn it on, Carmen (clinic admin) must have it."""

import pytest
from django.test import Client
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from clinic.two_factor_views import PENDING_SECRET_SESSION_KEY
from tests.factories import TEST_PASSWORD, ClinicAdminFactory, UserFactory
from tests.otp import code_for_secret, confirmed_app, current_code

pytestmark = pytest.mark.django_db

ENROL = reverse("two_factor")
VERIFY = reverse("two_factor_verify")
BACKUP = reverse("two_factor_backup_codes")
LOGIN = reverse("login")
HOME = reverse("home")


def _password_sign_in(username: str) -> Client:
    client = Client()
    response = client.post(LOGIN, {"username": username, "password": TEST_PASSWORD})
    assert response.status_code == 302
    return client


def _pending_secret(client: Client) -> str:
    client.get(ENROL)
    return client.session[PENDING_SECRET_SESSION_KEY]


# --- who may open the pages -------------------------------------------------------------------


@pytest.mark.parametrize("url", [ENROL, VERIFY, BACKUP, reverse("keep_alive")])
def test_strangers_are_sent_to_sign_in(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response.url.startswith(LOGIN)


def test_a_user_without_a_staff_role_cannot_enrol(client_for):
    assert client_for(UserFactory()).get(ENROL).status_code == 403


@pytest.mark.parametrize("persona", ["practitioner_client", "front_desk_client", "clinic_admin_client"])
def test_every_staff_role_can_open_the_enrolment_page(request, persona):
    response = request.getfixturevalue(persona).get(ENROL)
    assert response.status_code == 200
    content = response.content.decode()
    assert '<svg role="img" aria-label="QR code for your authenticator app"' in content
    assert 'data-testid="two-factor-secret"' in content


def test_the_enrolment_page_draws_the_qr_code_itself_without_inline_script_or_style(practitioner_client):
    content = practitioner_client.get(ENROL).content.decode()
    assert "<script>" not in content
    assert "style=" not in content
    assert "http://" not in content.split("<svg", 1)[1].split("</svg>", 1)[0].replace("http://www.w3.org", "")


# --- enrolment --------------------------------------------------------------------------------


def test_a_practitioner_turns_on_two_factor_and_sees_ten_backup_codes_once(practitioner_client, practitioner):
    secret = _pending_secret(practitioner_client)
    response = practitioner_client.post(ENROL, {"code": code_for_secret(secret)})
    assert response.status_code == 302 and response.url == BACKUP

    app = TOTPDevice.objects.get(user=practitioner)
    assert app.confirmed and app.key == secret
    assert practitioner_client.session[DEVICE_ID_SESSION_KEY] == app.persistent_id
    assert StaticToken.objects.filter(device__user=practitioner).count() == 10

    page = practitioner_client.get(BACKUP)
    assert page.status_code == 200
    assert "Keep these backup codes safe" in page.content.decode()
    assert len(page.context["codes"]) == 10
    # Shown once: the next visit has nothing to show.
    assert practitioner_client.get(BACKUP).status_code == 302


def test_a_wrong_code_is_refused_at_the_field_and_nothing_is_written(practitioner_client, practitioner):
    _pending_secret(practitioner_client)
    response = practitioner_client.post(ENROL, {"code": "000000"})
    assert response.status_code == 200
    assert "That code does not match" in str(response.context["form"].errors["code"])
    assert not TOTPDevice.objects.filter(user=practitioner).exists()
    assert not StaticDevice.objects.filter(user=practitioner).exists()


@pytest.mark.parametrize("code", ["", "12345", "abcdef", "1234567890"])
def test_malformed_codes_are_refused_without_an_error_page(practitioner_client, practitioner, code):
    _pending_secret(practitioner_client)
    response = practitioner_client.post(ENROL, {"code": code})
    assert response.status_code == 200
    assert response.context["form"].errors["code"]
    assert not TOTPDevice.objects.filter(user=practitioner).exists()


def test_enrolling_again_replaces_the_app_and_the_backup_codes(practitioner_client, practitioner):
    for _ in range(2):
        secret = _pending_secret(practitioner_client)
        practitioner_client.post(ENROL, {"code": code_for_secret(secret)})
    assert TOTPDevice.objects.filter(user=practitioner).count() == 1
    assert StaticToken.objects.filter(device__user=practitioner).count() == 10


# --- signing in ---------------------------------------------------------------------------------


def test_without_an_app_a_practitioner_signs_in_with_the_password_alone(practitioner):
    client = _password_sign_in("alice")
    assert client.get(HOME).status_code == 200


def test_with_an_app_the_password_alone_opens_nothing_but_the_code_step(practitioner):
    app = confirmed_app(practitioner)
    client = _password_sign_in("alice")
    response = client.get(reverse("patients:list"))
    assert response.status_code == 302 and response.url.startswith(VERIFY)

    response = client.post(VERIFY, {"code": current_code(app), "next": reverse("patients:list")})
    assert response.status_code == 302 and response.url == reverse("patients:list")
    assert client.get(HOME).status_code == 200


def test_a_wrong_sign_in_code_is_refused_at_the_field(practitioner):
    confirmed_app(practitioner)
    client = _password_sign_in("alice")
    response = client.post(VERIFY, {"code": "000000"})
    assert response.status_code == 200
    assert "That code is not right" in str(response.context["form"].errors["code"])
    assert DEVICE_ID_SESSION_KEY not in client.session
    assert client.get(HOME).status_code == 302


def test_a_sign_in_code_works_once(practitioner):
    app = confirmed_app(practitioner)
    code = current_code(app)
    first = _password_sign_in("alice")
    assert first.post(VERIFY, {"code": code}).status_code == 302
    second = _password_sign_in("alice")
    assert second.post(VERIFY, {"code": code}).status_code == 200
    assert DEVICE_ID_SESSION_KEY not in second.session


def test_a_backup_code_signs_in_once_and_is_refused_after(practitioner_client, practitioner):
    secret = _pending_secret(practitioner_client)
    practitioner_client.post(ENROL, {"code": code_for_secret(secret)})
    backup_code = practitioner_client.get(BACKUP).context["codes"][0]

    client = _password_sign_in("alice")
    assert client.post(VERIFY, {"code": backup_code.upper()}).status_code == 302
    assert client.get(HOME).status_code == 200

    again = _password_sign_in("alice")
    response = again.post(VERIFY, {"code": backup_code})
    assert response.status_code == 200
    assert "used already" in str(response.context["form"].errors["code"])
    assert StaticToken.objects.filter(device__user=practitioner).count() == 9


def test_repeated_wrong_codes_pause_sign_in(practitioner, settings):
    confirmed_app(practitioner)
    client = _password_sign_in("alice")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = client.post(VERIFY, {"code": "000000"})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


# --- clinic admins must --------------------------------------------------------------------------


def test_a_clinic_admin_without_an_app_can_open_only_enrolment_and_sign_out(db):
    ClinicAdminFactory(username="carmen")
    client = _password_sign_in("carmen")
    for url in [HOME, reverse("patients:list"), reverse("treatments:outcomes"), VERIFY]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url.startswith(ENROL), url
    assert client.get(ENROL).status_code == 200
    assert client.post(reverse("logout")).status_code == 302


def test_a_clinic_admin_reaches_the_pages_once_enrolled(db):
    carmen = ClinicAdminFactory(username="carmen")
    client = _password_sign_in("carmen")
    secret = _pending_secret(client)
    assert client.post(ENROL, {"code": code_for_secret(secret)}).url == BACKUP
    assert client.get(HOME).status_code == 200
    assert TOTPDevice.objects.get(user=carmen).confirmed


def test_a_clinic_admin_with_an_app_must_give_a_code(db):
    carmen = ClinicAdminFactory(username="carmen")
    app = confirmed_app(carmen)
    client = _password_sign_in("carmen")
    assert client.get(HOME).url.startswith(VERIFY)
    # The app cannot be swapped for another with the password alone.
    assert client.get(ENROL).url.startswith(VERIFY)
    client.post(VERIFY, {"code": current_code(app)})
    assert client.get(HOME).status_code == 200


def test_the_clinic_admin_fixture_comes_verified(clinic_admin_client):
    assert clinic_admin_client.get(HOME).status_code == 200


@pytest.mark.parametrize("next_page", ["0", "home", "https://evil.example/", "//evil.example/"])
def test_a_next_page_that_is_not_a_path_on_this_site_goes_home_instead(practitioner, next_page):
    app = confirmed_app(practitioner)
    client = _password_sign_in("alice")
    response = client.post(VERIFY, {"code": current_code(app), "next": next_page})
    assert response.status_code == 302
    assert response["Location"] == HOME
