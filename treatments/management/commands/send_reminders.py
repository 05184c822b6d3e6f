"""Email tomorrow's appointment reminders. Meant for cron, once a day (see the README)."""

from datetime import date, timedelta

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from treatments.diary.reminders import send_reminders


def parse_day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CommandError(
            f"--date must be a calendar date written YYYY-MM-DD, e.g. 2026-03-09; got {text!r}."
        ) from None


class Command(BaseCommand):
    help = (
        "Email a reminder for each booked appointment tomorrow (clinic time), once per appointment. "
        "Skips patients who opted out, have no email address or are archived."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--date", dest="day", metavar="YYYY-MM-DD", help="Remind about this day instead of tomorrow."
        )
        parser.add_argument("--dry-run", action="store_true", help="Count what would be sent, without sending.")

    def handle(self, *args, day=None, dry_run=False, **options):
        day = parse_day(day) if day is not None else timezone.localdate() + timedelta(days=1)
        tally = send_reminders(day=day, dry_run=dry_run)
        prefix = "Dry run, nothing sent. " if dry_run else ""
        self.stdout.write(f"{prefix}Reminders for {day:%a %Y-%m-%d}: {tally.summary(dry_run=dry_run)}.")
