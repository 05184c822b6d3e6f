"""Days as ordinals and wall-clock minutes, written as COPY timestamps with that day's UTC offset.

Working with integers keeps a million appointments cheap to place and to write; PostgreSQL turns
"2024-05-13 09:00:00-04" into UTC itself. The clinic's offset is taken at noon: shifts run 07:00–20:00,
and daylight saving changes at 02:00.
"""

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from django.conf import settings

DAY_START_MINUTE = 7 * 60  # the diary's first quarter hour (demo.scale.staff.DAY_STARTS)
QUARTERS_PER_DAY = 13 * 4  # 07:00–20:00
SUNDAY = 6


def weekday(day: int) -> int:
    """Monday 0 … Sunday 6 for a date ordinal (ordinal 1 was a Monday)."""
    return (day - 1) % 7


class Clock:
    def __init__(self):
        self.zone = ZoneInfo(settings.TIME_ZONE)
        self._days: dict[int, str] = {}
        self._offsets: dict[int, str] = {}

    def day(self, day: int) -> str:
        text = self._days.get(day)
        if text is None:
            text = self._days[day] = date.fromordinal(day).isoformat()
        return text

    def stamp(self, day: int, minute: int) -> str:
        """The clinic's wall-clock `minute` (after midnight) on `day`, with the offset in force."""
        offset = self._offsets.get(day)
        if offset is None:
            offset = self._offsets[day] = self._offset(day)
        return f"{self.day(day)} {minute // 60:02d}:{minute % 60:02d}:00{offset}"

    def quarter_stamp(self, day: int, quarter: int, plus_minutes: int = 0) -> str:
        return self.stamp(day, DAY_START_MINUTE + quarter * 15 + plus_minutes)

    def _offset(self, day: int) -> str:
        noon = datetime.combine(date.fromordinal(day), time(12), tzinfo=self.zone)
        minutes = int(noon.utcoffset().total_seconds() // 60)
        sign = "-" if minutes < 0 else "+"
        hours, rest = divmod(abs(minutes), 60)
        return f"{sign}{hours:02d}:{rest:02d}"
