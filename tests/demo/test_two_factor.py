import io

import pytest
from django.core.management import CommandError, call_command
from django_otp.plugins.otp_totp.models import TOTPDevice

from demo.management.commands.demo_code import Command as DemoCode
from demo.two_factor import DEMO_TOTP_KEY, ensure_demo_device
from tests.factories import ClinicAdminFactory
from tests.otp import code_for_secret

pytestmark = pytest.mark.django_db


def test_the_demo_admin_gets_one_app_with_the_published_secret_however_often_it_runs():
    admin = ClinicAdminFactory(username="clinicadmin")
    first = ensure_demo_device(admin)
    assert ensure_demo_device(admin) == first
    device = TOTPDevice.objects.get(user=admin)
    assert device.confirmed and device.key == DEMO_TOTP_KEY
    assert "KN2H E2LE MUQG IZLN N4QD ERSB EAZD AMRW" in first
    assert "otpauth://totp/" in first


def test_demo_code_prints_the_code_the_app_shows(settings, clinic_clock):
    settings.DEBUG = True
    ensure_demo_device(ClinicAdminFactory(username="clinicadmin"))
    out = io.StringIO()
    call_command(DemoCode(), stdout=out, stderr=io.StringIO())
    assert out.getvalue().strip() == code_for_secret(DEMO_TOTP_KEY)


def test_demo_code_refuses_to_run_with_debug_off(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command(DemoCode())


def test_demo_code_says_what_to_do_before_the_demo_is_seeded(settings):
    settings.DEBUG = True
    with pytest.raises(CommandError, match="seed_demo"):
        call_command(DemoCode(), "nobody")
