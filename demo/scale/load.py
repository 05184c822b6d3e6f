"""seed_scale's load: one transaction, triggers off, every table written with COPY, sequences moved on.

Patients are written in id order. The first ones fill the busy day sheet (`--today` at the busy location,
prac01..prac10, back to back from 07:30); their visits are placed before anyone else's, so they always fit.
Everyone else's first visit falls anywhere in the ten years before `--today` (a few in the fortnight after).
"""

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from random import Random

from django.db import DatabaseError, connection, transaction

from demo.scale import marker
from demo.scale.clock import Clock
from demo.scale.courses import CourseWriter, draw_shape
from demo.scale.diary import Diary
from demo.scale.people import MRN_CAPACITY, draw_patient, write_patient
from demo.scale.staff import ensure_staff
from demo.scale.tables import COLUMNS, Tables
from treatments.models import AcupuncturePoint

YEARS_BACK_DAYS = 3652
BUSY_VISITS_PER_PRACTITIONER = 15
BUSY_FIRST_QUARTER = 2  # 07:30
VISIT_QUARTERS = 3  # 45 minutes


@dataclass
class LoadResult:
    counts: dict[str, int]
    copy_seconds: dict[str, float]
    seconds: float
    triggers_off: bool
    busy_visits: int
    notes: list[str] = field(default_factory=list)


def busy_visits_per_practitioner(patients: int) -> int:
    """Fifteen each on a full-size data set; fewer on a tiny one, so it stays mostly history."""
    return min(BUSY_VISITS_PER_PRACTITIONER, max(2, patients // 60))


def load(*, patients: int, today: date, seed: int, replace: bool, progress: Callable[[int, dict], None]) -> LoadResult:
    if patients > MRN_CAPACITY:
        raise ValueError(f"At most {MRN_CAPACITY} patients: the generated MRNs would run out.")
    started = time.monotonic()
    with transaction.atomic():
        cursor = connection.cursor()
        triggers_off = _triggers_off()
        marker.prepare(cursor)
        if replace:
            marker.clear(cursor)
        staff = ensure_staff()
        tables = Tables(cursor, connection.connection.cursor())
        writer = _Writer(tables, staff, today=today.toordinal(), rng=Random(seed))  # noqa: S311  (reproducible data, not secrets)
        try:
            busy = writer.busy_day(busy_visits_per_practitioner(patients), patients)
            for index in range(busy, patients):
                writer.patient(index)
                if (index + 1) % max(1, patients // 20) == 0:
                    progress(index + 1, tables.counts())
            tables.finish()
        except BaseException:
            tables.abandon()
            raise
        progress(patients, tables.counts())
        analyze_started = time.monotonic()
        for table in COLUMNS:
            cursor.execute(f"ANALYZE {table}")
        notes = [f"ANALYZE took {time.monotonic() - analyze_started:.1f} s"]
        seconds = time.monotonic() - started
        marker.record_run(cursor, patients=patients, seed=seed, today=today, seconds=seconds)
    return LoadResult(tables.counts(), tables.copy_seconds(), seconds, triggers_off, busy, notes)


def _triggers_off() -> bool:
    """Audit, append-only and summary triggers stay quiet for the load (needs a superuser); False if refused."""
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL session_replication_role = replica")
    except DatabaseError:
        return False
    return True


class _Writer:
    def __init__(self, tables: Tables, staff, *, today: int, rng: Random):
        self.tables, self.staff, self.today, self.rng = tables, staff, today, rng
        self.clock = Clock()
        self.diary = Diary()
        point_ids = dict(AcupuncturePoint.objects.values_list("code", "id"))
        self.courses = CourseWriter(tables, self.clock, rng, self.diary, today=today, point_ids=point_ids)
        self.practitioners = [
            (practitioner, where) for where, ids in staff.practitioners_by_location.items() for practitioner in ids
        ]

    def busy_day(self, per_practitioner: int, patients: int) -> int:
        """The first patients: each has a session today with prac01..prac10, back to back. Returns how many."""
        busy_ids = self.staff.practitioners_by_location[0]
        count = min(patients, per_practitioner * len(busy_ids))
        for index in range(count):
            practitioner = busy_ids[index % len(busy_ids)]
            quarter = BUSY_FIRST_QUARTER + (index // len(busy_ids)) * VISIT_QUARTERS
            facts = draw_patient(self.rng, index)
            shape = draw_shape(self.rng, facts.condition, may_drop_out=False)
            number = self.rng.randint(2, min(6, shape.planned))
            start = self.today - shape.days_to_session(number)
            self._course(facts, shape, practitioner, 0, start, anchor=(number, quarter))
        for practitioner in busy_ids:
            self.diary.close_day(practitioner, self.today)
        return count

    def patient(self, index: int) -> None:
        practitioner, where = self.rng.choice(self.practitioners)
        facts = draw_patient(self.rng, index)
        start = self.today - self.rng.randrange(-14, YEARS_BACK_DAYS)
        end = self._course(facts, draw_shape(self.rng, facts.condition), practitioner, where, start)
        # A relapse that needs a new course: a second plan soon after the follow-up visit.
        if end and end.needs_new_course and end.follow_up_day + 28 < self.today:
            start = end.follow_up_day + self.rng.randint(7, 28)
            self._course(facts, draw_shape(self.rng, facts.condition), practitioner, where, start, returning=True)

    def _course(self, facts, shape, practitioner, where, start, *, anchor=None, returning=False):
        first_slot = None
        for attempt in range(4):  # a full fortnight is rare; try the next one before giving up on the course
            first_slot = self.courses.place_first(practitioner, start + 14 * attempt, facts.preferred_quarter)
            if first_slot is not None:
                break
        if first_slot is None:
            return None
        desk = self.rng.choice(self.staff.desk_by_location[where])
        location = self.staff.location_ids[where]
        if not returning:
            write_patient(
                self.tables, self.clock, self.rng, facts, first_day=first_slot[0], practitioner=practitioner, desk=desk
            )
        return self.courses.write(
            facts, shape, first_slot=first_slot, practitioner=practitioner, location=location, desk=desk, anchor=anchor
        )
