"""When can a practitioner see a patient? Free slots, and a proposed course of sessions.

Everything is judged on the clinic's wall clock (TIME_ZONE): a course booked at
09:00 stays at 09:00 across a daylight-saving change. `ScheduleWindow` loads
what it needs for a date range in a fixed number of queries; the functions
below then answer without touching the database.
"""

from bisect import bisect_right
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from treatments.models import Appointment, Closure, Leave, Location, TreatmentPlan, WorkingHours, local_datetime

SLOT_STEP = timedelta(minutes=15)
# How many of the practitioner's working days after its ideal day a session may slide before the
# proposal gives up on it. Days they do not work at the location (a weekend) are passed over uncounted,
# so a Friday holiday moves a session to Monday rather than leaving it blank.
MAX_SLIDE_DAYS = 3
# However few days a practitioner works there, the search for a session's day stops this far out.
MAX_SLIDE_CALENDAR_DAYS = 7 * (MAX_SLIDE_DAYS + 1)


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
        """Why nobody can be booked with this practitioner there that day: a closure, or their leave."""
        closure = self.closure_reason(day, location_id)
        if closure is not None:
            return closure
        leave = self.leave_reason(day)
        if leave is not None:
            return f"Practitioner on leave{': ' + leave if leave else ''}"
        return None

    def closure_reason(self, day: date, location_id: int) -> str | None:
        """The reason the clinic (or this location) is closed that day, or None when it is open."""
        for first, last, where, reason in self.closures:
            if first <= day <= last and where in (None, location_id):
                return reason
        return None

    def leave_reason(self, day: date) -> str | None:
        """The practitioner's reason for leave that day ("" when none was given), or None when they are in."""
        for first, last, reason in self.leave:
            if first <= day <= last:
                return reason
        return None

    def works_on(self, day: date, location_id: int) -> bool:
        """Whether the practitioner has hours at this location on that weekday (closures and leave aside)."""
        return any(where == location_id for _, _, where in self.shifts.get(day.weekday(), []))

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


def counted_starts(plan: TreatmentPlan) -> list[datetime]:
    """When the plan's counted appointments (booked, checked in, completed) start: one query."""
    return list(
        plan.appointments.filter(status__in=Appointment.COUNTED_STATUSES)
        .order_by("starts_at")
        .values_list("starts_at", flat=True)
    )


def session_numbers(booked_starts: list[datetime], new_starts: list[datetime | None]) -> list[int]:
    """The number each new session will have once booked, counted as `with_session_number` counts.

    A session's number is its place by start time among the plan's counted
    appointments, so a cancelled session re-booked between two others takes the
    number of the gap it fills, not the last one. New sessions without a time
    yet take the numbers after everything that has one, in order.
    """
    ordered = sorted([*booked_starts, *(start for start in new_starts if start is not None)])
    numbers, unplaced = [], 0
    for start in new_starts:
        if start is None:
            unplaced += 1
            numbers.append(len(ordered) + unplaced)
        else:
            numbers.append(bisect_right(ordered, start))
    return numbers


def propose_course(
    plan: TreatmentPlan, *, first_day: date, preferred_time: time, location: Location, already_booked: int = 0
) -> list[ProposedSession]:
    """Every remaining session of the plan, on its ideal day where possible.

    A session that cannot be at the preferred time takes the nearest free time
    that day; on a closed or full day it slides to the next working day, up to
    MAX_SLIDE_DAYS working days later. The note says why a session moved, so
    the clerk can judge it. Each proposal is numbered as it will be once
    booked (see session_numbers).
    """
    wanted = ideal_days(plan, first_day=first_day, first_number=already_booked + 1)
    if not wanted:
        return []
    last_day = wanted[-1][1] + timedelta(days=MAX_SLIDE_CALENDAR_DAYS + 7)
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
    numbers = session_numbers(counted_starts(plan), [p.starts_at for p in proposals])
    for proposal, number in zip(proposals, numbers, strict=True):
        proposal.number = number
    return proposals


def _place_session(window, *, number, ideal, earliest, preferred_time, minutes, location_id) -> ProposedSession:
    reasons = []
    first = max(ideal, earliest)
    if first > ideal:
        reasons.append(f"{ideal:%a %b %d}: the session before it moved past that day")
    working_days_tried = 0
    for offset in range(MAX_SLIDE_CALENDAR_DAYS + 1):
        day = first + timedelta(days=offset)
        if working_days_tried > MAX_SLIDE_DAYS or day > window.last_day:
            break
        if not window.works_on(day, location_id):
            # Not a working day here: passed over without using up the slide.
            if day == ideal:
                reasons.append(f"{day:%a %b %d}: not a working day at this location")
            continue
        working_days_tried += 1
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
        if day != first:
            reasons.append(f"moved to the next working day with free time, {day:%a %b %d}")
        return ProposedSession(number, best, minutes, ideal, "; ".join(reasons))
    return ProposedSession(number, None, minutes, ideal, "; ".join(reasons) + " — pick a time by hand")
