"""Back up the whole database with pg_dump, as one custom-format archive in BACKUP_DIR.

The archive holds every patient's record, so it is written owner-only (0600, in a 0700 folder) and
under a temporary name until pg_dump has finished: a file with the final name is always complete.
Restore it with `manage.py restore FILE` into an empty database.
"""

import datetime as dt
import os
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from clinic.management.postgres import (
    client_environment,
    client_tool,
    connection_arguments,
    database_settings,
    run_tool,
)


class Command(BaseCommand):
    help = "Back up the database to BACKUP_DIR (default ./backups) as a timestamped pg_dump custom-format file."

    def add_arguments(self, parser):
        parser.add_argument("--dir", dest="directory", help="Folder for the backup (default: settings.BACKUP_DIR).")

    def handle(self, *args, directory: str | None = None, verbosity: int = 1, **options):
        database = database_settings()
        folder = Path(directory or settings.BACKUP_DIR).resolve()
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        # UTC, so the names sort in time order whatever the clinic's time zone or DST.
        stamp = timezone.now().astimezone(dt.UTC).strftime("%Y%m%d-%H%M%SZ")
        target = folder / f"{database['NAME']}-{stamp}.dump"
        partial = target.with_name(target.name + ".partial")
        if target.exists():
            raise CommandError(f"{target} already exists; run the backup again in a second.")
        try:
            # Created owner-only before pg_dump writes into it (pg_dump keeps the mode when it truncates).
            os.close(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        except FileExistsError as error:
            raise CommandError(f"Another backup is writing {partial}; wait for it to finish.") from error

        self.stdout.write(f"Backing up database {database['NAME']!r} to {target} …")
        command = [
            client_tool("pg_dump"),
            "--format=custom",
            "--verbose",
            "--file",
            str(partial),
            *connection_arguments(database),
            "--dbname",
            str(database["NAME"]),
        ]
        report = self.stdout.write if verbosity >= 1 else (lambda line: None)
        try:
            run_tool(command, client_environment(database), report)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
        partial.rename(target)
        size = target.stat().st_size
        self.stdout.write(self.style.SUCCESS(f"Backup written: {target} ({size / 1_048_576:.1f} MB)"))
        # The path alone on the last line, for scripts: `manage.py backup | tail -1`.
        self.stdout.write(str(target))
