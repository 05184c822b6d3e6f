"""The per-plan outcome summary (treatments.PlanOutcome): rebuilding it, and checking it against a rebuild.

The database keeps the summary current on every change (migration 0011). Two cases need a full rebuild:
a bulk load that ran with triggers off (`seed_scale`), and a check that the incrementally kept rows are
what a computation from scratch gives (tests, and `manage.py plan_outcomes --check` on a live clinic).
"""

from django.db import connection

from treatments.models import PlanOutcome

COLUMNS = [field.column for field in PlanOutcome._meta.concrete_fields]


def rebuild_all() -> int:
    """Recompute every plan's row from the records; returns how many rows the table holds."""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL jit = off")
        cursor.execute("SELECT treatments_plan_outcome_refresh(NULL)")
    return PlanOutcome.objects.count()


def rows_differing_from_rebuild() -> list[tuple]:
    """Stored rows that a rebuild from scratch would not give, and rebuilt rows missing from the table."""
    names = ", ".join(COLUMNS)
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            (SELECT 'stored' AS side, {names} FROM treatments_planoutcome
             EXCEPT SELECT 'stored', {names} FROM treatments_plan_outcome_rows(NULL))
            UNION ALL
            (SELECT 'rebuilt', {names} FROM treatments_plan_outcome_rows(NULL)
             EXCEPT SELECT 'rebuilt', {names} FROM treatments_planoutcome)
            ORDER BY 2, 1
            """  # noqa: S608  (column names from the model)
        )
        return cursor.fetchall()
