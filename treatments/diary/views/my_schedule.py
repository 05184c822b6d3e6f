"""A practitioner's own fortnight, and the private calendar feed that carries it to their phone."""

from dataclasses import dataclass, field
from datetime import date, time, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST, require_safe

from clinic.access import Role, role_required
from clinic.models import User
from treatments.diary.ical import practitioner_calendar
from treatments.models import Appointment, CalendarFeed, Closure, Leave, Weekday, WorkingHours, local_datetime

SCHEDULE_DAYS = 14
CLOSURES_AHEAD = timedelta(weeks=8)
FEED_PAST = timedelta(days=30)
FEED_AHEAD = timedelta(days=180)
# Longer than any token CalendarFeed issues; anything longer is not worth a query.
MAX_TOKEN_LENGTH = 64


@dataclass
class ScheduleDay:
    day: date
    is_today: bool
    hours: list[tuple[list[str], str]]
    closed: str = ""
    on_leave: str = ""
    appointments: list[Appointment] = field(default_factory=list)

    @property
    def booked_count(self) -> int:
        return sum(1 for appointment in self.appointments if appointment.status != Appointment.Status.CANCELLED)


@require_GET
@role_required(Role.PRACTITIONER)
def my_schedule(request: HttpRequest) -> HttpResponse:
    practitioner = request.user
    feed, _ = CalendarFeed.objects.get_or_create(practitioner=practitioner)
    today = timezone.localdate()
    last_day = today + timedelta(days=SCHEDULE_DAYS - 1)
    appointments = (
        Appointment.objects.filter(practitioner=practitioner)
        .between(local_datetime(today, time.min), local_datetime(last_day + timedelta(days=1), time.min))
        .with_schedule_details()
        .order_by("starts_at")
    )
    shifts = list(WorkingHours.objects.filter(practitioner=practitioner).select_related("location"))
    leave = list(Leave.objects.filter(practitioner=practitioner, last_day__gte=today).order_by("first_day")[:6])
    closures = list(
        Closure.objects.filter(first_day__lte=today + CLOSURES_AHEAD, last_day__gte=today).select_related("location")
    )
    days = _fortnight(today, shifts=shifts, leave=leave, closures=closures, appointments=appointments)
    feed_url = request.build_absolute_uri(reverse("treatments:calendar_feed", kwargs={"token": feed.token}))
    return render(
        request,
        "treatments/my_schedule.html",
        {
            "days": days,
            "first_day": today,
            "last_day": last_day,
            "booked_total": sum(day.booked_count for day in days),
            "booked_today": days[0].booked_count,
            "weekly_hours": _weekly_hours(shifts),
            "leave": leave,
            "closures": closures,
            "feed_url": feed_url,
            "webcal_url": "webcal://" + feed_url.split("://", 1)[1],
        },
    )


@require_POST
@role_required(Role.PRACTITIONER)
def calendar_reset(request: HttpRequest) -> HttpResponse:
    # Always the signed-in practitioner's own feed: there is no id to tamper with.
    feed, _ = CalendarFeed.objects.select_for_update().get_or_create(practitioner=request.user)
    feed.reset()
    messages.success(
        request,
        "Your calendar link has been reset. The old link no longer works: add the new one to your calendar app.",
    )
    return redirect("treatments:my_schedule")


@login_not_required
@require_safe
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The token is the credential: calendar apps cannot sign in."""
    if len(token) > MAX_TOKEN_LENGTH:
        raise Http404
    # The same rule as role_required(Role.PRACTITIONER), inside the one lookup: a deactivated
    # account, or one that is no longer a practitioner, loses its feed at once.
    feed = (
        CalendarFeed.objects.select_related("practitioner")
        .filter(token=token, practitioner__in=User.objects.practitioners())
        .first()
    )
    if feed is None:
        raise Http404
    now = timezone.now()
    appointments = (
        Appointment.objects.filter(practitioner=feed.practitioner)
        .between(now - FEED_PAST, now + FEED_AHEAD)
        .select_related("patient", "location", "plan")
        .with_session_number()
        .order_by("starts_at")
    )
    body = practitioner_calendar(
        feed.practitioner,
        appointments,
        link_for=lambda appointment: request.build_absolute_uri(
            reverse("treatments:appointment", kwargs={"appointment_id": appointment.pk})
        ),
        now=now,
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="stride-schedule.ics"'
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"
    return response


def _fortnight(today: date, *, shifts, leave, closures, appointments) -> list[ScheduleDay]:
    days = []
    for offset in range(SCHEDULE_DAYS):
        day = today + timedelta(days=offset)
        todays_shifts = sorted((s for s in shifts if s.weekday == day.weekday()), key=lambda s: s.starts)
        where = {shift.location_id for shift in todays_shifts}
        closed = next(
            (
                c.reason
                for c in closures
                if c.first_day <= day <= c.last_day and (c.location_id is None or c.location_id in where)
            ),
            "",
        )
        away = next((item for item in leave if item.first_day <= day <= item.last_day), None)
        days.append(
            ScheduleDay(
                day=day,
                is_today=offset == 0,
                hours=_shift_groups(todays_shifts),
                closed=closed,
                on_leave=(away.reason or "On leave") if away else "",
            )
        )
    for appointment in appointments:
        index = (timezone.localdate(appointment.starts_at) - today).days
        if 0 <= index < SCHEDULE_DAYS:
            days[index].appointments.append(appointment)
    return days


def _shift_groups(shifts: list[WorkingHours]) -> list[tuple[list[str], str]]:
    """A day's shifts by place: [(["08:00–12:00", "14:00–18:00"], "Main clinic")]."""
    groups: list[tuple[list[str], str]] = []
    for shift in sorted(shifts, key=lambda s: s.starts):
        span = f"{shift.starts:%H:%M}–{shift.ends:%H:%M}"
        if groups and groups[-1][1] == shift.location.name:
            groups[-1][0].append(span)
        else:
            groups.append(([span], shift.location.name))
    return groups


def _weekly_hours(shifts: list[WorkingHours]) -> list[tuple[str, list[tuple[list[str], str]]]]:
    """The working week in a few lines: consecutive days with the same hours share one ("Monday to Friday")."""
    by_day: dict[int, list[WorkingHours]] = {}
    for shift in shifts:
        by_day.setdefault(shift.weekday, []).append(shift)
    runs: list[tuple[int, int, list[tuple[list[str], str]]]] = []
    for weekday in sorted(by_day):
        groups = _shift_groups(by_day[weekday])
        if runs and runs[-1][2] == groups and runs[-1][1] == weekday - 1:
            runs[-1] = (runs[-1][0], weekday, groups)
        else:
            runs.append((weekday, weekday, groups))
    return [
        (Weekday(first).label if first == last else f"{Weekday(first).label} to {Weekday(last).label}", groups)
        for first, last, groups in runs
    ]
