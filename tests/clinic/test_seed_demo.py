import io

import pytest
from django.core.management import CommandError, call_command

from clinic.access import Role, roles_of
from clinic.management.commands.seed_demo import DEMO_PASSWORD, DEMO_STAFF
from clinic.models import User

pytestmark = pytest.mark.django_db


def test_seed_demo_creates_one_login_per_role_and_is_idempotent(settings):
    settings.DEBUG = True
    call_command("seed_demo", stdout=io.StringIO())
    call_command("seed_demo", stdout=io.StringIO())
    assert User.objects.count() == len(DEMO_STAFF)
    seen_roles = set()
    for username, *_rest, role in DEMO_STAFF:
        user = User.objects.get(username=username)
        assert user.check_password(DEMO_PASSWORD)
        assert roles_of(user) == {role}
        seen_roles.add(role)
    assert seen_roles == set(Role)


def test_seed_demo_refuses_to_run_with_debug_off(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("seed_demo")
    assert not User.objects.exists()
