"""Who is busy when: each practitioner's days as bitmasks of quarter hours, so no two visits ever overlap.

The database refuses a double booking (exclusion constraints); placing every visit here first means a
million COPY rows never meet that refusal. A patient's visits are on different days by construction.
"""

from functools import cache

from demo.scale.clock import QUARTERS_PER_DAY, SUNDAY, weekday

# How far a visit may slip when its day is full, before the course gives up on it.
MAX_SLIP_DAYS = 14


@cache
def _search_order(preferred: int, quarters: int) -> tuple[int, ...]:
    starts = range(QUARTERS_PER_DAY - quarters + 1)
    return tuple(sorted(starts, key=lambda start: (abs(start - preferred), start)))


class Diary:
    def __init__(self):
        self._busy: dict[tuple[int, int], int] = {}

    def place(self, practitioner: int, day: int, quarters: int, preferred: int) -> tuple[int, int] | None:
        """The first free (day, quarter) from `day` on, closest to `preferred` in the day; Sundays are skipped."""
        for candidate in range(day, day + MAX_SLIP_DAYS):
            if weekday(candidate) == SUNDAY:
                continue
            quarter = self.place_on(practitioner, candidate, quarters, preferred)
            if quarter is not None:
                return candidate, quarter
        return None

    def place_on(self, practitioner: int, day: int, quarters: int, preferred: int) -> int | None:
        busy = self._busy.get((practitioner, day), 0)
        need = (1 << quarters) - 1
        for start in _search_order(preferred, quarters):
            if not (busy >> start) & need:
                self._busy[(practitioner, day)] = busy | (need << start)
                return start
        return None

    def take(self, practitioner: int, day: int, quarter: int, quarters: int) -> None:
        """Reserve an exact slot (the busy day sheet); the caller knows it is free."""
        key = (practitioner, day)
        self._busy[key] = self._busy.get(key, 0) | (((1 << quarters) - 1) << quarter)

    def close_day(self, practitioner: int, day: int) -> None:
        """Nothing else goes on this day: the busy sheet keeps exactly what was placed on it."""
        self._busy[(practitioner, day)] = (1 << QUARTERS_PER_DAY) - 1
