"""Where reads and writes go when the clinic has a read replica for reports.

With REPORTS_DATABASE_URL set, models that exist only to be reported on (they say so with
`read_from_reports = True`, as treatments.PlanOutcome does) are read from the `reports` alias, a PostgreSQL
streaming replica; everything else, and every write, goes to the primary. Without it, `reports` is not used.
Report code that runs its own SQL asks treatments.progress.outcomes.reports_db() for the same answer.
"""

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS

REPORTS_ALIAS = "reports"


class ReportsRouter:
    def db_for_read(self, model, **hints):
        if settings.REPORTS_ON_REPLICA and getattr(model, "read_from_reports", False):
            return REPORTS_ALIAS
        return None

    def db_for_write(self, model, **hints):
        # A replica is read-only: every write goes to the primary.
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        # Both aliases hold the same data (one replicates the other), so rows may refer across them.
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        # Only the primary is migrated; the replica follows it.
        return db == DEFAULT_DB_ALIAS
