"""Booking a whole course from an active plan, usually by the front desk.

Three steps on one address: choose where and when the course starts (GET);
see every remaining session proposed around holidays and the diary, moving any
of them (POST action=propose); book them all in one transaction, or none
(POST action=confirm). A clash is shown on the row it concerns, with free
times nearby that fill the row at a click, without JavaScript.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from treatments.access import plan_for_scheduling
from treatments.diary.booking import BookingConflict, BookingRefused, course_book
from treatments.diary.forms.course_booking import (
    TIME_FORMATS,
    CourseStartForm,
    SessionSlotForm,
    parse_fill,
    slot_initial,
)
from treatments.diary.scheduling import counted_starts, propose_course, session_numbers
from treatments.models import Appointment, TreatmentPlan, WorkingHours, local_datetime

DEFAULT_TIME = time(9, 0)
TEMPLATE = "treatments/course_booking.html"


@dataclass
class SessionRow:
    """One session on the proposal: the row's inputs and whatever went wrong with it."""

    index: int
    form: SessionSlotForm
    # Why the scheduler moved this session from its ideal day or time, if it did.
    note: str = ""
    # What the scheduler proposed ("YYYY-MM-DD|HH:MM"), to tell the clerk's changes from the proposal.
    proposed: str = ""
    problem: str = ""
    conflict: str = ""
    alternatives: list[dict] = field(default_factory=list)
    validated: bool = False

    @property
    def number(self) -> int:
        return self.form.number

    @property
    def minutes(self) -> int:
        return self.form.minutes

    @property
    def field_errors(self) -> dict:
        return self.form.errors if self.validated else {}

    @property
    def row_errors(self) -> list[str]:
        errors = list(self.form.non_field_errors()) if self.validated else []
        return errors + ([self.problem] if self.problem else [])

    @property
    def has_trouble(self) -> bool:
        return bool(self.field_errors or self.row_errors or self.conflict)

    @property
    def value_date(self) -> str:
        return self.form["date"].value() or ""

    @property
    def value_time(self) -> str:
        return self.form["time"].value() or ""

    @property
    def weekday(self) -> str:
        return _weekday(self.value_date)

    @property
    def changed_by_hand(self) -> bool:
        return bool(self.proposed) and self.proposed != f"{self.value_date}|{self.value_time}"

    @property
    def note_label(self) -> str:
        if self.changed_by_hand:
            return "Edited"
        if not self.proposed:
            return "Needs a time"
        return "Moved" if self.note else ""

    @property
    def display_note(self) -> str:
        if self.changed_by_hand:
            day, _, at = self.proposed.partition("|")
            return f"was proposed for {_weekday(day)}, {at}"
        return self.note


def _weekday(value) -> str:
    try:
        return f"{date.fromisoformat(str(value)):%a %b %-d}"
    except ValueError:
        return ""


def _plan_queryset():
    return TreatmentPlan.objects.select_related("patient", "practitioner").with_booked_count()


def _default_start(plan: TreatmentPlan) -> dict:
    """The practitioner's next working day (after the last booked session), at 09:00, where they work that day."""
    today = timezone.localdate()
    shifts = list(
        WorkingHours.objects.filter(practitioner=plan.practitioner, location__is_active=True)
        .order_by("weekday", "starts")
        .values_list("weekday", "location_id")
    )
    day = today + timedelta(days=1)
    if plan.sessions_booked:
        last = (
            plan.appointments.filter(status__in=Appointment.COUNTED_STATUSES)
            .order_by("-starts_at")
            .values_list("starts_at", flat=True)
            .first()
        )
        if last:
            day = max(day, timezone.localdate(last) + timedelta(days=plan.days_until_next(plan.sessions_booked - 1)))
    working_days = {weekday for weekday, _ in shifts} or {0, 1, 2, 3, 4}
    while day.weekday() not in working_days:
        day += timedelta(days=1)
    location = next((where for weekday, where in shifts if weekday == day.weekday()), None)
    return {"first_day": day, "preferred_time": DEFAULT_TIME, "location": location}


def _proposed_rows(plan: TreatmentPlan, start: CourseStartForm) -> list[SessionRow]:
    now = timezone.now()
    proposals = propose_course(
        plan,
        first_day=start.cleaned_data["first_day"],
        preferred_time=start.cleaned_data["preferred_time"],
        location=start.cleaned_data["location"],
        already_booked=plan.sessions_booked,
    )
    rows = []
    for index, proposal in enumerate(proposals):
        starts_at, note = proposal.starts_at, proposal.note
        if starts_at is not None and starts_at < now:
            starts_at, note = None, "That time today has passed — pick a time by hand"
        initial = slot_initial(starts_at)
        form = SessionSlotForm(
            initial=initial, prefix=f"slot_{index}", number=proposal.number, minutes=proposal.minutes, now=now
        )
        proposed = f"{initial['date']}|{initial['time']}" if initial else ""
        rows.append(SessionRow(index, form, note=note, proposed=proposed))
    return rows


def _posted_start(data: QueryDict, index: int) -> datetime | None:
    """The start a row's posted date and time name, or None while they are not both a day and a time."""
    raw_day, raw_time = data.get(f"slot_{index}-date", ""), data.get(f"slot_{index}-time", "")
    try:
        day = date.fromisoformat(raw_day)
    except ValueError:
        return None
    if day.year in (date.min.year, date.max.year):
        return None  # the form refuses such a day; comparing it across time zones could overflow
    for time_format in TIME_FORMATS:
        try:
            return local_datetime(day, datetime.strptime(raw_time, time_format).time())
        except ValueError:
            continue
    return None


def _posted_rows(plan: TreatmentPlan, data: QueryDict, remaining: int) -> list[SessionRow]:
    """Exactly the rows the plan has left, whatever was posted: extra rows are ignored, missing ones are errors.

    Each row is labelled with the number its session will have once booked, by its posted time.
    """
    now = timezone.now()
    numbers = session_numbers(counted_starts(plan), [_posted_start(data, index) for index in range(remaining)])
    rows = []
    for index, number in enumerate(numbers):
        # The length follows the order of booking, as course_book gives it: the plan's first booking is the long one.
        minutes = plan.minutes_for(plan.sessions_booked + index + 1)
        form = SessionSlotForm(data, prefix=f"slot_{index}", number=number, minutes=minutes, now=now)
        rows.append(
            SessionRow(
                index,
                form,
                note=data.get(f"slot_{index}-note", "")[:300],
                proposed=data.get(f"slot_{index}-proposed", "")[:40],
            )
        )
    return rows


def _render(request, plan, *, step: int, **context) -> HttpResponse:
    remaining = plan.sessions_left()
    return render(
        request,
        TEMPLATE,
        {"plan": plan, "patient": plan.patient, "remaining": remaining, "step": step, **context},
    )


@require_http_methods(["GET", "POST"])
def course_booking(request: HttpRequest, plan_id) -> HttpResponse:
    plan = plan_for_scheduling(request.user, plan_id, _plan_queryset())
    remaining = plan.sessions_left()
    blocker = plan.booking_refusal()
    if blocker:
        return _render(request, plan, step=0, blocker=blocker)

    if request.method == "GET":
        return _render(request, plan, step=1, start_form=CourseStartForm(initial=_default_start(plan)))

    start = CourseStartForm(request.POST)
    if not start.is_valid():
        return _render(request, plan, step=1, start_form=start)
    action = request.POST.get("action", "")
    if action == "propose" or request.POST.get("expected") != str(remaining):
        notice = ""
        if action != "propose":
            notice = (
                f"The plan changed while this page was open: {remaining} session{'s' if remaining != 1 else ''} "
                "remain to book. Here is a fresh proposal."
            )
        return _render(request, plan, step=2, start_form=start, rows=_proposed_rows(plan, start), notice=notice)

    return _adjust_or_confirm(request, plan, start, remaining, confirming=action == "confirm")


def _adjust_or_confirm(request, plan, start, remaining: int, *, confirming: bool) -> HttpResponse:
    """The clerk's rows: fill one with a free time they picked, or check them all and book."""
    data = request.POST.copy()
    filled = parse_fill(request.POST.get("fill", ""))
    if filled and filled[0] < remaining:
        index, day, at = filled
        data[f"slot_{index}-date"], data[f"slot_{index}-time"] = day, at
    rows = _posted_rows(plan, data, remaining)
    if not confirming:
        return _render(request, plan, step=2, start_form=start, rows=rows)
    for row in rows:
        row.validated = True
    if not all(row.form.is_valid() for row in rows):
        return _render(
            request, plan, step=2, start_form=start, rows=rows, error="Nothing was booked: check the rows marked below."
        )
    return _confirm(request, plan, start, rows)


def _confirm(request, plan: TreatmentPlan, start: CourseStartForm, rows: list[SessionRow]) -> HttpResponse:
    # Two clerks booking the same plan at once queue here, so the count of sessions left stays true.
    TreatmentPlan.objects.select_for_update().filter(pk=plan.pk).values_list("pk").first()
    slots = [(row.form.cleaned_data["starts_at"], row.minutes) for row in rows]
    error = "Nothing was booked: "
    try:
        booked = course_book(plan=plan, location=start.cleaned_data["location"], slots=slots, by=request.user)
    except BookingRefused as refused:
        index = _row_index(refused.field, len(rows))
        if index is None:
            error += refused.message
        else:
            rows[index].problem = refused.message
            error += f"session {rows[index].number} cannot be booked as it is."
    except BookingConflict as conflict:
        row = rows[conflict.index or 0]
        row.conflict = conflict.message
        row.alternatives = [
            {
                "label": f"{timezone.localtime(alternative):%a %b %-d, %H:%M}",
                "value": f"{row.index}|{timezone.localtime(alternative):%Y-%m-%d|%H:%M}",
            }
            for alternative in conflict.alternatives
        ]
        error += f"session {row.number} clashes with another appointment."
    else:
        messages.success(
            request, f"Booked {len(booked)} session{'s' if len(booked) != 1 else ''} for {plan.patient.display_name}."
        )
        return redirect(plan)
    return _render(request, plan, step=2, start_form=start, rows=rows, error=error)


def _row_index(field_name: str | None, count: int) -> int | None:
    if field_name and field_name.startswith("slot_") and field_name[5:].isdigit():
        index = int(field_name[5:])
        return index if index < count else None
    return None
