from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from tests.browser.helpers import screenshot_both_widths, sign_in
from tests.factories import TEST_PASSWORD, ClinicAdminFactory, PractitionerFactory
from tests.otp import code_for_secret, current_code


def _secret_on_page(page) -> str:
    """The setup key as a person would type it into their app, turned back into the hex TOTPDevice keeps."""
    from base64 import b32decode

    typed = page.get_by_test_id("two-factor-secret").inner_text().replace(" ", "")
    return b32decode(typed).hex()


def test_a_practitioner_turns_on_two_factor_and_then_signs_in_with_a_code(live_server, page):
    alice = PractitionerFactory(username="alice", first_name="Alice")
    sign_in(page, live_server.url, "alice", TEST_PASSWORD)
    page.get_by_role("link", name="Two-factor").click()
    expect(page.get_by_role("heading", name="Two-factor sign-in", exact=True)).to_be_visible()
    expect(page.get_by_role("img", name="QR code for your authenticator app")).to_be_visible()
    screenshot_both_widths(page, "two-factor-enrolment")

    secret = _secret_on_page(page)
    page.get_by_label("Code from your app").fill("000000")
    page.get_by_role("button", name="Turn on two-factor sign-in").click()
    expect(page.get_by_text("That code does not match")).to_be_visible()
    assert not TOTPDevice.objects.filter(user=alice).exists()

    page.get_by_label("Code from your app").fill(code_for_secret(secret))
    page.get_by_role("button", name="Turn on two-factor sign-in").click()
    expect(page.get_by_role("heading", name="Keep these backup codes safe")).to_be_visible()
    expect(page.get_by_test_id("backup-codes").locator("li")).to_have_count(10)
    screenshot_both_widths(page, "two-factor-backup-codes")
    page.get_by_role("link", name="I have saved my backup codes").click()

    page.get_by_role("button", name="Sign out").click()
    sign_in(page, live_server.url, "alice", TEST_PASSWORD, second_factor=False)
    expect(page.get_by_role("heading", name="Enter your code")).to_be_visible()
    screenshot_both_widths(page, "two-factor-verify")
    page.get_by_label("Code").fill(current_code(TOTPDevice.objects.get(user=alice)))
    page.get_by_role("button", name="Verify").click()
    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.get_by_test_id("signed-in-as")).to_contain_text("Alice")


def test_a_clinic_admin_without_an_app_is_sent_to_set_one_up(live_server, page):
    ClinicAdminFactory(username="carmen")
    sign_in(page, live_server.url, "carmen", TEST_PASSWORD, second_factor=False)
    expect(page).to_have_url(f"{live_server.url}/accounts/two-factor/")
    expect(page.get_by_text("Clinic admins must use two-factor sign-in")).to_be_visible()
    page.goto(f"{live_server.url}{reverse('treatments:outcomes')}")
    expect(page.get_by_role("heading", name="Two-factor sign-in", exact=True)).to_be_visible()
