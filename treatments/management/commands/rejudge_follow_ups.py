"""Judge recorded follow-ups again after the end-of-plan definition changed (once, after upgrading).

Dry run by default: it says how many verdicts would change and for which plans (by their opaque id only),
and writes nothing. With --apply it stores the new verdicts; each change is kept in the follow-up's history.
"""

from django.core.management.base import BaseCommand
from django.db import transaction

from treatments.models import FollowUp
from treatments.progress.follow_up import follow_up_rejudge


class Command(BaseCommand):
    help = "Judge recorded 6-month follow-ups again by the current definitions (dry run unless --apply)."

    def add_arguments(self, parser):
        parser.add_argument("--apply", action="store_true", help="Store the new verdicts (default: only report).")

    def handle(self, *args, apply: bool = False, **options):
        changed = 0
        with transaction.atomic():
            recorded = FollowUp.objects.filter(recorded_on__isnull=False).select_related("plan").order_by("pk")
            for follow_up in recorded.iterator(chunk_size=500):
                verdicts = follow_up_rejudge(follow_up=follow_up, apply=apply)
                if verdicts:
                    changed += 1
                    self.stdout.write(f"plan {follow_up.plan.public_id}: {verdicts[0]} -> {verdicts[1]}")
        done = "changed" if apply else "would change (dry run: run again with --apply to store them)"
        self.stdout.write(self.style.SUCCESS(f"{changed} follow-up verdict(s) {done}."))
