"""Restore a `manage.py backup` archive with pg_restore, into an empty database only.

Restoring over live data would mix two states of the clinical record, so the command refuses any
database whose public schema already has tables. The restore runs as one transaction: if it fails
part-way, the database is left as empty as it was.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from clinic.management.postgres import (
    client_environment,
    client_tool,
    connection_arguments,
    database_settings,
    public_table_count,
    run_tool,
)


class Command(BaseCommand):
    help = "Restore a backup file (from `manage.py backup`) into an EMPTY database (default: DATABASE_URL's)."
    # Checks would look at a database that is, by design, empty.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("file", help="The backup file (pg_dump custom format).")
        parser.add_argument(
            "--database-name",
            help="Restore into this database on the same server instead of the one DATABASE_URL names.",
        )

    def handle(self, *args, file: str, database_name: str | None = None, verbosity: int = 1, **options):
        database = database_settings()
        archive = Path(file)
        if not archive.is_file():
            raise CommandError(f"No backup file at {archive}.")
        name = database_name or str(database["NAME"])
        tables = public_table_count(database, name)
        if tables:
            raise CommandError(
                f"Refusing to restore: database {name!r} is not empty ({tables} table(s) in its public schema). "
                "Restore only into a new, empty database, e.g. `createdb clinic_restored`, then "
                "`manage.py restore FILE --database-name clinic_restored` (or point DATABASE_URL at it)."
            )

        self.stdout.write(f"Restoring {archive} into database {name!r} …")
        command = [
            client_tool("pg_restore"),
            "--verbose",
            "--exit-on-error",
            "--single-transaction",
            # The restoring user owns everything: the backup may come from a server with other role names.
            "--no-owner",
            "--no-privileges",
            *connection_arguments(database),
            "--dbname",
            name,
            str(archive),
        ]
        report = self.stdout.write if verbosity >= 1 else (lambda line: None)
        run_tool(command, client_environment(database), report)
        self.stdout.write(self.style.SUCCESS(f"Restored {archive.name} into {name!r}."))
