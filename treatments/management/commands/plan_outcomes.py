"""Check the per-plan outcome summary against a computation from scratch, or rebuild it.

The database keeps treatments.PlanOutcome current on every change; this is for after a bulk load with
triggers off, or to confirm on a live clinic that nothing has drifted. `--check` exits non-zero when a row
differs and names the plans by their row id only.
"""

import time

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from treatments.progress.plan_outcomes import rebuild_all, rows_differing_from_rebuild


class Command(BaseCommand):
    help = "Check the per-plan outcome summary against a rebuild (--check), or rebuild it (--rebuild)."

    def add_arguments(self, parser):
        action = parser.add_mutually_exclusive_group(required=True)
        action.add_argument("--check", action="store_true", help="Compare stored rows with a rebuild; write nothing.")
        action.add_argument("--rebuild", action="store_true", help="Recompute every plan's row.")

    def handle(self, *args, check: bool = False, rebuild: bool = False, **options):
        started = time.monotonic()
        if rebuild:
            with transaction.atomic():
                rows = rebuild_all()
            self.stdout.write(
                self.style.SUCCESS(f"Rebuilt {rows} plan outcome rows in {time.monotonic() - started:.1f} s.")
            )
            return
        differing = rows_differing_from_rebuild()
        plans = sorted({row[1] for row in differing})
        if plans:
            shown = ", ".join(str(plan) for plan in plans[:20])
            raise CommandError(f"{len(plans)} plan outcome row(s) differ from a rebuild (plan ids {shown}).")
        self.stdout.write(
            self.style.SUCCESS(f"Every plan outcome row matches a rebuild ({time.monotonic() - started:.1f} s).")
        )
