"""Where and how reports run: the reports database, one report slot at a time, a statement timeout.

A report over the whole clinic's history keeps a core busy for a while; the front desk must not wait for
it. So at most REPORTS_AT_ONCE reports run at a time across every app server (PostgreSQL advisory locks,
held until the report's transaction ends) and the others queue for up to REPORT_QUEUE_TIMEOUT_MS; each
statement runs under REPORT_STATEMENT_TIMEOUT_MS and without parallel workers, so a report never takes
more than one core. Reports read from the `reports` alias, a read replica, when REPORTS_DATABASE_URL is
set (clinic/db_routers.py routes the models marked `read_from_reports` the same way).
"""

import random
from contextlib import contextmanager
from functools import wraps

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, OperationalError, connections, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from psycopg2.errors import LockNotAvailable, QueryCanceled

from clinic.db_routers import REPORTS_ALIAS


class ReportTimedOut(Exception):
    """A report statement ran past REPORT_STATEMENT_TIMEOUT_MS and PostgreSQL cancelled it."""


class ReportsBusy(Exception):
    """Every report slot stayed taken for REPORT_QUEUE_TIMEOUT_MS."""


# The advisory-lock key space of the report slots (any number no other lock uses).
REPORT_SLOT_LOCKS = 7210


def reports_db() -> str:
    """The database alias reports read from: the read replica when one is configured."""
    return REPORTS_ALIAS if settings.REPORTS_ON_REPLICA else DEFAULT_DB_ALIAS


@contextmanager
def report_queries(*, takes_turns: bool = True):
    """Run a report's statements on the reports database, in a report slot, under the timeout, on one core.

    A worklist a clinician needs now (the review queue: short, capped lists) passes `takes_turns=False`:
    it keeps the timeout and the single core but never queues behind the clinic admins' reports.
    Inside the request's transaction a savepoint keeps a cancelled statement from breaking it; SET LOCAL
    would outlive the savepoint, so the settings are put back once the report is done.
    """
    alias = reports_db()
    try:
        with transaction.atomic(using=alias), connections[alias].cursor() as cursor:
            # JIT compilation costs more than it saves on aggregates this size.
            cursor.execute(
                "SELECT set_config('statement_timeout', %s, true), set_config('lock_timeout', %s, true),"
                " set_config('jit', 'off', true), set_config('max_parallel_workers_per_gather', '0', true),"
                " %s OR pg_try_advisory_xact_lock(%s, 0)",
                [
                    str(settings.REPORT_STATEMENT_TIMEOUT_MS), str(settings.REPORT_QUEUE_TIMEOUT_MS),
                    not takes_turns, REPORT_SLOT_LOCKS,
                ],
            )  # fmt: skip
            if not cursor.fetchone()[-1]:
                _wait_for_a_report_slot(cursor)
            yield alias
            cursor.execute(
                "SET LOCAL statement_timeout TO DEFAULT; SET LOCAL lock_timeout TO DEFAULT; SET LOCAL jit TO DEFAULT;"
                " SET LOCAL max_parallel_workers_per_gather TO DEFAULT"
            )
    except OperationalError as error:
        if isinstance(error.__cause__, QueryCanceled):
            raise ReportTimedOut from error
        if isinstance(error.__cause__, LockNotAvailable):
            raise ReportsBusy from error
        raise


def _wait_for_a_report_slot(cursor) -> None:
    for slot in range(1, settings.REPORTS_AT_ONCE):
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s, %s)", [REPORT_SLOT_LOCKS, slot])
        if cursor.fetchone()[0]:
            return
    # Every slot is taken: queue for one (lock_timeout bounds the wait).
    cursor.execute(
        "SELECT pg_advisory_xact_lock(%s, %s)",
        [REPORT_SLOT_LOCKS, random.randrange(settings.REPORTS_AT_ONCE)],  # noqa: S311  (spreads waiters)
    )


def gives_up_when_slow(view=None, *, takes_turns: bool = True):
    """A report view in a report slot under the timeout; past either, a page that says so (503)."""
    if view is None:
        return lambda view: gives_up_when_slow(view, takes_turns=takes_turns)

    @wraps(view)
    def report(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        try:
            with report_queries(takes_turns=takes_turns):
                return view(request, *args, **kwargs)
        except ReportTimedOut:
            return _unavailable(request, "slow", settings.REPORT_STATEMENT_TIMEOUT_MS)
        except ReportsBusy:
            return _unavailable(request, "busy", settings.REPORT_QUEUE_TIMEOUT_MS)

    return report


def _unavailable(request: HttpRequest, why: str, milliseconds: int) -> HttpResponse:
    context = {"why": why, "seconds": f"{milliseconds / 1000:g}"}
    return render(request, "treatments/report_timed_out.html", context, status=503)
