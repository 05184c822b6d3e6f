"""The front desk's diary: a day for everyone side by side, a week for one practitioner, the next free slot.

Each page runs a fixed number of queries however full the diary is: the
appointments come in one query with their patient, practitioner, location,
plan and session number; hours, closures and leave in one query each. The
grid is then laid out in Python, one row per hour.
"""

import math
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from clinic.access import Role, any_staff_required, has_role
from clinic.models import User
from treatments.diary.cards import CARD_FIELDS, CardMaker
from treatments.diary.forms.day_and_week import (
    FREE_SLOT_SEARCH_DAYS,
    FREE_SLOTS_SHOWN,
    DayForm,
    NextFreeForm,
    WeekForm,
)
from treatments.diary.scheduling import ScheduleWindow
from treatments.models import Appointment, Closure, Leave, Location, WorkingHours, local_datetime

# Hours shown when nobody works and nothing is booked.
DEFAULT_FIRST_HOUR, DEFAULT_LAST_HOUR = 8, 18


@dataclass
class Cell:
    working: bool = False
    closed: bool = False
    appointments: list = field(default_factory=list)


@dataclass
class Row:
    hour: int
    cells: list[Cell]

    @property
    def label(self) -> str:
        return f"{self.hour:02d}:00"


@dataclass(kw_only=True)
class Column:
    """One column of the grid: a practitioner's day on the day sheet, or one day of the week view."""

    shifts: list[WorkingHours] = field(default_factory=list)
    appointments: list[Appointment] = field(default_factory=list)
    closed_reason: str = ""

    @property
    def shift_times(self) -> list[tuple[time, time]]:
        return [(shift.starts, shift.ends) for shift in self.shifts]


def _hour_span(shift_times: list[tuple[time, time]], appointments: list[Appointment]) -> range:
    """From the first hour anyone works or is booked to the last, whole hours."""
    starts = [start.hour for start, _ in shift_times]
    ends = [math.ceil(end.hour + end.minute / 60) for _, end in shift_times]
    for appointment in appointments:
        local_start, local_end = timezone.localtime(appointment.starts_at), timezone.localtime(appointment.ends_at)
        starts.append(local_start.hour)
        ends.append(24 if local_end.date() > local_start.date() else math.ceil(local_end.hour + local_end.minute / 60))
    if not starts:
        return range(DEFAULT_FIRST_HOUR, DEFAULT_LAST_HOUR)
    return range(min(starts), max(*ends, min(starts) + 1))


def _overlaps_hour(shifts: list[tuple[time, time]], hour: int) -> bool:
    hour_start = time(hour)
    hour_end = time(hour + 1) if hour < 23 else time.max
    return any(start < hour_end and hour_start < end for start, end in shifts)


def _closure_applies(closure: Closure, location_ids: set[int]) -> bool:
    return closure.location_id is None or closure.location_id in location_ids


def _closure_text(closures: list[Closure], shift_locations: set[int]) -> str:
    """'Closed: …' when a closure shuts the whole clinic, or every place this person works that day."""
    for closure in closures:
        if closure.location_id is None or (shift_locations and shift_locations <= {closure.location_id}):
            return f"Closed: {closure.reason}"
    return ""


def _leave_text(reason: str) -> str:
    return f"On leave: {reason}" if reason else "On leave"


def _fill_rows(columns: list[Column], hours: range, shown=None) -> list[Row]:
    """One row per hour; each column contributes its shifts, closed state and the appointments starting then.

    A cell holds `shown(appointment)` for each (the day sheet's ready-made cards), or the appointment itself.
    """
    by_hour = []
    for column in columns:
        starting: dict[int, list] = {}
        for appointment in column.appointments:
            hour = timezone.localtime(appointment.starts_at).hour
            starting.setdefault(hour, []).append(shown(appointment) if shown else appointment)
        by_hour.append(starting)
    rows = []
    for hour in hours:
        cells = []
        for column, starting in zip(columns, by_hour, strict=True):
            cells.append(
                Cell(
                    working=not column.closed_reason and _overlaps_hour(column.shift_times, hour),
                    closed=bool(column.closed_reason),
                    appointments=starting.get(hour, []),
                )
            )
        rows.append(Row(hour, cells))
    return rows


def _shift_text(shifts: list[WorkingHours], with_location: bool) -> str:
    parts = []
    for shift in shifts:
        text = f"{shift.starts:%H:%M}–{shift.ends:%H:%M}"
        parts.append(f"{text} · {shift.location}" if with_location else text)
    return ", ".join(parts)


# --- the day sheet -------------------------------------------------------------------------


@dataclass
class PractitionerColumn(Column):
    practitioner: object

    @property
    def hours_text(self) -> str:
        return _shift_text(self.shifts, with_location=True) or "Not working today"


def _parse_errors(request: HttpRequest, form, today: date, *, default_label: str) -> None:
    for name in ("date", "start"):
        if name in form.errors:
            raw = request.GET.get(name, "")[:20]
            # A real date too far off for the diary gets its range; anything else, the format.
            problem = form.errors[name][0].rstrip(".") if form.has_error(name, "out_of_range") else "use YYYY-MM-DD"
            messages.warning(
                request, f"“{raw}” is not a date the diary understands ({problem}), so this is {default_label}."
            )


@require_GET
@any_staff_required
def day_sheet(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    form = DayForm(request.GET)
    form.is_valid()
    _parse_errors(request, form, today, default_label="the sheet for today")
    day = form.cleaned_data.get("date") or today

    locations = list(Location.objects.all())
    location = None
    if request.GET.get("location"):
        location = next((loc for loc in locations if loc.pk == form.cleaned_data.get("location")), None)
        if location is None:
            messages.warning(request, "There is no such location, so this sheet shows every location.")

    appointments = (
        Appointment.objects.on_day(day)
        .with_schedule_details()
        # What a card and a column heading show, and no more: building 750 model instances is much of the page.
        .only(*CARD_FIELDS)
        .order_by("starts_at", "pk")
    )
    shifts = (
        WorkingHours.objects.filter(weekday=day.weekday(), practitioner__is_active=True)
        .select_related("practitioner", "location")
        .order_by("starts")
    )
    closures = list(Closure.objects.filter(first_day__lte=day, last_day__gte=day).select_related("location"))
    if location is not None:
        appointments = appointments.filter(location=location)
        shifts = shifts.filter(location=location)
        closures = [closure for closure in closures if _closure_applies(closure, {location.pk})]
    leave = dict(Leave.objects.filter(first_day__lte=day, last_day__gte=day).values_list("practitioner_id", "reason"))
    appointments = list(appointments)
    next_url = request.get_full_path()
    maker = CardMaker(request, next_url=next_url)
    cards = {appointment.pk: maker.html(appointment) for appointment in appointments}

    columns: dict[int, PractitionerColumn] = {}
    for shift in shifts:
        columns.setdefault(shift.practitioner_id, PractitionerColumn(shift.practitioner)).shifts.append(shift)
    for appointment in appointments:
        columns.setdefault(
            appointment.practitioner_id, PractitionerColumn(appointment.practitioner)
        ).appointments.append(appointment)
    for pk, column in columns.items():
        if pk in leave:
            column.closed_reason = _leave_text(leave[pk])
        else:
            column.closed_reason = _closure_text(closures, {shift.location_id for shift in column.shifts})
    ordered = sorted(
        columns.values(),
        key=lambda c: (c.practitioner.last_name, c.practitioner.first_name, c.practitioner.username),
    )
    hours = _hour_span([t for c in ordered for t in c.shift_times], appointments)
    counts = {status: 0 for status in Appointment.Status}
    for appointment in appointments:
        counts[appointment.status] += 1

    return render(
        request,
        "treatments/day_sheet.html",
        {
            "form": form,
            "day": day,
            "today": today,
            "is_today": day == today,
            "location": location,
            "locations": locations,
            "columns": ordered,
            "rows": _fill_rows(ordered, hours, shown=lambda appointment: cards[appointment.pk]),
            "closures": closures,
            "appointment_count": len(appointments) - counts[Appointment.Status.CANCELLED],
            "counts": counts,
            "links": _day_links(day, today, location),
        },
    )


def _day_links(day: date, today: date, location: Location | None) -> dict:
    def url(target: date) -> str:
        query = {"date": target.isoformat()}
        if location is not None:
            query["location"] = location.pk
        return f"{reverse('treatments:day')}?{urlencode(query)}"

    return {"previous": url(day - timedelta(days=1)), "next": url(day + timedelta(days=1)), "today": url(today)}


# --- the week view -------------------------------------------------------------------------


@dataclass
class DayColumn(Column):
    day: date


@require_GET
@any_staff_required
def week_view(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    form = WeekForm(request.GET)
    form.is_valid()
    _parse_errors(request, form, today, default_label="this week")
    start = form.cleaned_data.get("start") or today
    monday = start - timedelta(days=start.weekday())
    days = [monday + timedelta(days=offset) for offset in range(7)]

    staff = list(User.objects.practitioners())
    practitioner = None
    if request.GET.get("practitioner"):
        practitioner = next((p for p in staff if p.pk == form.cleaned_data.get("practitioner")), None)
        if practitioner is None:
            messages.warning(request, "There is no such practitioner, so this shows the first one in the list.")
    if practitioner is None:
        practitioner = next((p for p in staff if p.pk == request.user.pk), staff[0] if staff else None)

    context = {
        "form": form,
        "staff": staff,
        "practitioner": practitioner,
        "monday": monday,
        "sunday": days[-1],
        "today": today,
        "links": _week_links(monday, today, practitioner),
    }
    if practitioner is None:
        return render(request, "treatments/week_view.html", context)

    appointments = list(
        Appointment.objects.filter(
            practitioner=practitioner,
            starts_at__gte=local_datetime(monday, time.min),
            starts_at__lt=local_datetime(monday + timedelta(days=7), time.min),
        )
        .with_schedule_details()
        .order_by("starts_at", "pk")
    )
    shifts = list(WorkingHours.objects.filter(practitioner=practitioner).select_related("location").order_by("starts"))
    closures = list(Closure.objects.filter(first_day__lte=days[-1], last_day__gte=monday).select_related("location"))
    leave = list(Leave.objects.filter(practitioner=practitioner, first_day__lte=days[-1], last_day__gte=monday))

    columns = [DayColumn(day) for day in days]
    for column in columns:
        column.shifts = [shift for shift in shifts if shift.weekday == column.day.weekday()]
        on_leave = next((item for item in leave if item.first_day <= column.day <= item.last_day), None)
        if on_leave is not None:
            column.closed_reason = _leave_text(on_leave.reason)
        else:
            that_day = [c for c in closures if c.first_day <= column.day <= c.last_day]
            column.closed_reason = _closure_text(that_day, {shift.location_id for shift in column.shifts})
    for appointment in appointments:
        columns[(timezone.localdate(appointment.starts_at) - monday).days].appointments.append(appointment)

    hours = _hour_span([t for c in columns for t in c.shift_times], appointments)
    weekly_minutes = sum(
        (datetime.combine(monday, s.ends) - datetime.combine(monday, s.starts)).seconds // 60 for s in shifts
    )
    context.update(
        {
            "columns": columns,
            "rows": _fill_rows(columns, hours),
            "booked_count": sum(1 for a in appointments if a.status != Appointment.Status.CANCELLED),
            "weekly_hours": weekly_minutes / 60,
        }
    )
    return render(request, "treatments/week_view.html", context)


def _week_links(monday: date, today: date, practitioner) -> dict:
    def url(target: date) -> str:
        query = {"start": target.isoformat()}
        if practitioner is not None:
            query["practitioner"] = practitioner.pk
        return f"{reverse('treatments:week')}?{urlencode(query)}"

    this_monday = today - timedelta(days=today.weekday())
    return {
        "previous": url(monday - timedelta(days=7)),
        "next": url(monday + timedelta(days=7)),
        "today": url(this_monday),
        "is_this_week": monday == this_monday,
    }


# --- next free slot ------------------------------------------------------------------------


@require_GET
@any_staff_required
def next_free_slot(request: HttpRequest) -> HttpResponse:
    initial = {}
    if has_role(request.user, Role.PRACTITIONER):
        initial["practitioner"] = request.user.pk
    submitted = any(key in request.GET for key in ("minutes", "location", "from_date"))
    if not submitted and request.GET.get("practitioner"):
        initial["practitioner"] = request.GET["practitioner"]
    form = NextFreeForm(request.GET if submitted else None, initial=initial)
    slots = None
    if submitted and form.is_valid():
        data = form.cleaned_data
        window = ScheduleWindow.load(
            practitioner=data["practitioner"], first_day=data["from_date"], last_day=form.last_day
        )
        after = max(timezone.now(), local_datetime(data["from_date"], time.min))
        starts = window.next_free(
            after=after, minutes=data["minutes"], location_id=data["location"].pk, count=FREE_SLOTS_SHOWN
        )
        slots = [_slot(start, data) for start in starts]
    return render(
        request,
        "treatments/next_free.html",
        {"form": form, "slots": slots, "slot_days": _by_day(slots or []), "search_days": FREE_SLOT_SEARCH_DAYS},
    )


def _by_day(slots: list[dict]) -> list[dict]:
    days: list[dict] = []
    for slot in slots:
        day = timezone.localdate(slot["starts_at"])
        if not days or days[-1]["day"] != day:
            days.append({"day": day, "slots": []})
        days[-1]["slots"].append(slot)
    return days


def _slot(start: datetime, data: dict) -> dict:
    local = timezone.localtime(start)
    query = {
        "practitioner": data["practitioner"].pk,
        "location": data["location"].pk,
        "date": local.date().isoformat(),
        "time": f"{local:%H:%M}",
        "minutes": data["minutes"],
    }
    return {
        "starts_at": start,
        "ends_at": start + timedelta(minutes=data["minutes"]),
        "book_url": f"{reverse('treatments:appointment_create')}?{urlencode(query)}",
    }
