import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from clinic.access import Role, roles_of
from clinic.models import User
from demo.management.commands.seed_demo import DEMO_PASSWORD, DEMO_STAFF
from demo.management.commands.seed_demo import Command as SeedDemo

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.django_db
@pytest.mark.usefixtures("clinic_clock")  # the demo counts from today
def test_seed_demo_creates_one_login_per_role_and_is_idempotent(settings):
    settings.DEBUG = True
    call_command(SeedDemo(), stdout=io.StringIO())
    call_command(SeedDemo(), stdout=io.StringIO())
    assert User.objects.count() == len(DEMO_STAFF)
    seen_roles = set()
    for username, *_rest, role in DEMO_STAFF:
        user = User.objects.get(username=username)
        assert user.check_password(DEMO_PASSWORD)
        assert roles_of(user) == {role}
        seen_roles.add(role)
    assert seen_roles == set(Role)


@pytest.mark.django_db
def test_seed_demo_refuses_to_run_with_debug_off(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command(SeedDemo())
    assert not User.objects.exists()


def _installed_apps_and_commands(debug: str) -> str:
    """What a fresh process with DEBUG set this way installs, and whether it knows seed_demo."""
    script = (
        "import django; django.setup(); "
        "from django.conf import settings; from django.core.management import get_commands; "
        "print('demo' in settings.INSTALLED_APPS, 'seed_demo' in get_commands())"
    )
    environment = {key: value for key, value in os.environ.items() if key != "DEBUG"}
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env={**environment, "DEBUG": debug, "DJANGO_SETTINGS_MODULE": "clinic.settings"},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return result.stdout.strip()


def test_the_demo_app_is_installed_only_with_debug_on():
    assert _installed_apps_and_commands("1") == "True True"
    assert _installed_apps_and_commands("0") == "False False"
