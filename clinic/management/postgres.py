"""What `backup` and `restore` share: running PostgreSQL's client tools against DATABASES["default"]."""

import os
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import psycopg2
from django.core.management.base import CommandError
from django.db import connections


def database_settings() -> dict:
    return connections["default"].settings_dict


def client_tool(name: str) -> str:
    """The path of pg_dump or pg_restore: PG_BIN_DIR if set, else the first on PATH."""
    directory = os.environ.get("PG_BIN_DIR")
    found = str(Path(directory) / name) if directory else shutil.which(name)
    if not found or not Path(found).is_file():
        raise CommandError(
            f"{name} was not found. Install PostgreSQL's client tools (Debian: postgresql-client, the same "
            "major version as the server or newer), or set PG_BIN_DIR to the folder that holds them."
        )
    return found


def connection_arguments(database: dict) -> list[str]:
    """--host/--port/--username for a client tool; the password travels in the environment, never argv."""
    arguments = []
    if database.get("HOST"):
        arguments += ["--host", str(database["HOST"])]
    if database.get("PORT"):
        arguments += ["--port", str(database["PORT"])]
    if database.get("USER"):
        arguments += ["--username", str(database["USER"])]
    return arguments


def client_environment(database: dict) -> dict[str, str]:
    environment = dict(os.environ)
    if database.get("PASSWORD"):
        environment["PGPASSWORD"] = str(database["PASSWORD"])
    sslmode = database.get("OPTIONS", {}).get("sslmode")
    if sslmode:
        environment["PGSSLMODE"] = str(sslmode)
    return environment


def public_table_count(database: dict, name: str) -> int:
    """How many tables the public schema of database `name` holds (its own connection, not Django's)."""
    try:
        connection = psycopg2.connect(
            dbname=name,
            host=database.get("HOST") or None,
            port=database.get("PORT") or None,
            user=database.get("USER") or None,
            password=database.get("PASSWORD") or None,
            connect_timeout=10,
        )
    except psycopg2.OperationalError as error:
        raise CommandError(f"Cannot connect to database {name!r}: {str(error).strip()}") from error
    try:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'"
                " AND table_type = 'BASE TABLE'"
            )
            return cursor.fetchone()[0]
    finally:
        connection.close()


def run_tool(command: list[str], environment: dict[str, str], report: Callable[[str], None]) -> None:
    """Run a client tool, passing its --verbose lines on as progress; fail with its last words."""
    process = subprocess.Popen(  # noqa: S603 - a fixed tool path and arguments, no shell
        command,
        env=environment,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    last_lines: list[str] = []
    for raw in process.stdout or ():
        line = raw.rstrip()
        report(line)
        last_lines = [*last_lines[-9:], line]
    if process.wait() != 0:
        tool = Path(command[0]).name
        raise CommandError(f"{tool} failed (exit code {process.returncode}):\n" + "\n".join(last_lines))
