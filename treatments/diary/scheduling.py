"""When can a practitioner see a patient? Free slots, and a proposed course of sessions.

Everything is judged on the clinic's wall clock (TIME_ZONE): a course booked at
09:00 stays at 09:00 across a daylight-saving change. `ScheduleWindow` loads
what it needs for a date range in a fixed number of queries; the functions
below then answer without touching the database.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from treatments.models import Appointment, Closure, Leave, Location, TreatmentPlan, WorkingHours, local_datetime

SLOT_STEP = timedelta(minutes=15)
# How far a session may slide from its ideal day before the proposal gives up on it.
MAX_SLIDE_DAYS = 3


@dataclass
class ScheduleWindow:
    practitioner_id: int
    first_day: date
    last_day: date
    shifts: dict[int, list[tuple[time, time, int]]] = field(default_factory=dict)
    closures: list[tuple[date, date, int | None, str]] = field(default_factory=list)
    leave: list[tuple[date, date, str]] = field(default_factory=list)
    busy: list[tuple[datetime, datetime, int]] = field(default_factory=list)

    @classmethod
    def load(cls, *, practitioner, first_day: date, last_day: date, patient=None, ignore_appointment=None):
        """Four queries: shifts, closures, leave and the live appointments of practitioner and patient."""
        window = cls(practitioner_id=practitioner.pk, first_day=first_day, last_day=last_day)
        for shift in WorkingHours.objects.filter(practitioner=practitioner):
            window.shifts.setdefault(shift.weekday, []).append((shift.starts, shift.ends, shift.location_id))
        window.closures = list(
            Closure.objects.filter(first_day__lte=last_day, last_day__gte=first_day).values_list(
                "first_day", "last_day", "location_id", "reason"
            )
        )
        window.leave = list(
            Leave.objects.filter(
                practitioner=practitioner, first_day__lte=last_day, last_day__gte=first_day
            ).values_list("first_day", "last_day", "reason")
        )
        start = local_datetime(first_day, time.min)
        end = local_datetime(last_day + timedelta(days=1), time.min)
        appointments = Appointment.objects.live().between(start, end)
        who = appointments.filter(practitioner=practitioner)
        if patient is not None:
            who = who | appointments.filter(patient=patient)
        if ignore_appointment is not None:
            who = who.exclude(pk=ignore_appointment.pk)
        window.busy = list(who.values_list("starts_at", "ends_at", "pk"))
        return window

    # --- questions about one day or one slot ---------------------------------

    def closed_reason(self, day: date, location_id: int) -> str | None:
        for first, last, where, reason in self.closures:
            if first <= day <= last and where in (None, location_id):
                return reason
        for first, last, reason in self.leave:
            if first <= day <= last:
                return f"Practitioner on leave{': ' + reason if reason else ''}"
        return None

    def within_hours(self, start: datetime, end: datetime, location_id: int) -> bool:
        local_start, local_end = timezone.localtime(start), timezone.localtime(end)
        if local_start.date() != local_end.date() and local_end.time() != time.min:
            return False
        for shift_start, shift_end, where in self.shifts.get(local_start.weekday(), []):
            if where == location_id and shift_start <= local_start.time() and local_end.time() <= shift_end:
                return True
        return False

    def clash(self, start: datetime, end: datetime) -> int | None:
        """The id of a live appointment overlapping [start, end), if any."""
        for busy_start, busy_end, pk in self.busy:
            if busy_start < end and start < busy_end:
                return pk
        return None

    def free_starts_on(self, day: date, minutes: int, location_id: int) -> list[datetime]:
        if self.closed_reason(day, location_id):
            return []
        starts = []
        for shift_start, shift_end, where in sorted(self.shifts.get(day.weekday(), [])):
            if where != location_id:
                continue
            cursor = local_datetime(day, shift_start)
            last_start = local_datetime(day, shift_end) - timedelta(minutes=minutes)
            while cursor <= last_start:
                if self.clash(cursor, cursor + timedelta(minutes=minutes)) is None:
                    starts.append(cursor)
                cursor += SLOT_STEP
        return starts

    def next_free(self, *, after: datetime, minutes: int, location_id: int, count: int = 3) -> list[datetime]:
        found = []
        day = timezone.localdate(after)
        while day <= self.last_day and len(found) < count:
            found += [start for start in self.free_starts_on(day, minutes, location_id) if start >= after]
            day += timedelta(days=1)
        return found[:count]

    def reserve(self, start: datetime, end: datetime) -> None:
        self.busy.append((start, end, 0))


@dataclass
class ProposedSession:
    number: int
    starts_at: datetime | None
    minutes: int
    ideal_day: date
    note: str = ""

    @property
    def ends_at(self) -> datetime | None:
        return self.starts_at + timedelta(minutes=self.minutes) if self.starts_at else None


def ideal_days(plan: TreatmentPlan, *, first_day: date, first_number: int) -> list[tuple[int, date]]:
    """The day each remaining session would fall on if nothing were in the way."""
    days, day = [], first_day
    for number in range(first_number, plan.sessions_planned + 1):
        days.append((number, day))
        day += timedelta(days=plan.days_until_next(number - 1))
    return days


def propose_course(
    plan: TreatmentPlan, *, first_day: date, preferred_time: time, location: Location, already_booked: int = 0
) -> list[ProposedSession]:
    """Every remaining session of the plan, on its ideal day where possible.

    A session that cannot be at the preferred time takes the nearest free time
    that day; on a closed or full day it slides up to MAX_SLIDE_DAYS later.
    The note says why a session moved, so the clerk can judge it.
    """
    wanted = ideal_days(plan, first_day=first_day, first_number=already_booked + 1)
    if not wanted:
        return []
    last_day = wanted[-1][1] + timedelta(days=MAX_SLIDE_DAYS + 7)
    window = ScheduleWindow.load(
        practitioner=plan.practitioner, patient=plan.patient, first_day=first_day, last_day=last_day
    )
    proposals, earliest = [], first_day
    for number, ideal in wanted:
        minutes = plan.minutes_for(number)
        proposal = _place_session(
            window,
            number=number,
            ideal=ideal,
            earliest=earliest,
            preferred_time=preferred_time,
            minutes=minutes,
            location_id=location.pk,
        )
        if proposal.starts_at:
            window.reserve(proposal.starts_at, proposal.ends_at)
            earliest = timezone.localdate(proposal.starts_at) + timedelta(days=1)
        proposals.append(proposal)
    return proposals


def _place_session(window, *, number, ideal, earliest, preferred_time, minutes, location_id) -> ProposedSession:
    reasons = []
    for slide in range(MAX_SLIDE_DAYS + 1):
        day = max(ideal, earliest) + timedelta(days=slide)
        closed = window.closed_reason(day, location_id)
        if closed:
            reasons.append(f"{day:%a %b %d}: {closed}")
            continue
        starts = window.free_starts_on(day, minutes, location_id)
        if not starts:
            reasons.append(f"{day:%a %b %d}: no free time")
            continue
        preferred = local_datetime(day, preferred_time)
        best = min(starts, key=lambda start: (abs(start - preferred), start))
        if best != preferred:
            reasons.append(f"{preferred_time:%H:%M} taken or outside hours")
        return ProposedSession(number, best, minutes, ideal, "; ".join(reasons))
    return ProposedSession(number, None, minutes, ideal, "; ".join(reasons) + " — pick a time by hand")
