import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]


def _environment() -> dict:
    """The real environment, less what the test suite sets for itself."""
    test_only = {"DEBUG", "HTTPS_ONLY", "DJANGO_ALLOW_ASYNC_UNSAFE", "STATICFILES_BACKEND", "CONN_MAX_AGE"}
    return {key: value for key, value in os.environ.items() if key not in test_only}


def _run_manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    environment = {**_environment(), **env}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_production_settings_pass_the_deployment_checklist():
    result = _run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="clinic.example",
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_refuses_to_start_without_a_secret_key():
    result = _run_manage("check", DEBUG="0", SECRET_KEY="")
    assert result.returncode != 0
    assert "Set SECRET_KEY" in result.stderr
    served = subprocess.run(
        [sys.executable, "-c", "import clinic.wsgi"],
        cwd=ROOT,
        env={**_environment(), "DEBUG": "0", "SECRET_KEY": ""},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert served.returncode != 0
    assert "Set SECRET_KEY" in served.stderr


def test_one_off_commands_run_without_a_secret_key():
    result = _run_manage("makemigrations", "--check", "--dry-run", DEBUG="0", SECRET_KEY="")
    assert result.returncode == 0, result.stdout + result.stderr


def test_only_postgresql_is_accepted():
    result = _run_manage("check", DEBUG="1", DATABASE_URL="sqlite:///tmp/x.db")
    assert result.returncode != 0
    assert "must point at PostgreSQL" in result.stderr


def test_the_database_is_postgresql_with_atomic_requests():
    database = settings.DATABASES["default"]
    assert database["ENGINE"] == "django.db.backends.postgresql"
    assert database["ATOMIC_REQUESTS"] is True


def test_database_connections_are_persistent_by_default():
    result = _run_manage(
        "shell",
        "-c",
        "from django.conf import settings; print(settings.DATABASES['default']['CONN_MAX_AGE'])",
        DEBUG="1",
    )
    assert result.stdout.strip().splitlines()[-1] == "60", result.stderr


@pytest.mark.django_db
def test_the_extensions_later_features_need_are_installed():
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT extname FROM pg_extension")
        installed = {row[0] for row in cursor.fetchall()}
    assert {"btree_gist", "pg_trgm"} <= installed


@pytest.mark.django_db
def test_the_three_role_groups_exist_with_their_permissions():
    from django.contrib.auth.models import Group

    groups = {group.name: group for group in Group.objects.prefetch_related("permissions")}
    assert {"Practitioner", "Front desk", "Clinic admin"} <= set(groups)
    admin_codenames = {p.codename for p in groups["Clinic admin"].permissions.all()}
    # Staff accounts are managed on the Staff page; the admin must offer no way to escalate.
    assert {"add_location", "add_protocol"} <= admin_codenames
    assert not admin_codenames & {"add_user", "change_user", "delete_user", "change_group", "change_permission"}
