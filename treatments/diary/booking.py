"""Writes that must be all or nothing: booking, booking a whole course, rescheduling, reassigning.

The exclusion constraints in PostgreSQL are the last word on double booking.
These functions check what they can first (working hours, closures, the past)
so a clerk gets a useful message, then insert inside a savepoint and turn a
constraint violation into a BookingConflict naming what is in the way and
the next free slots.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from clinic.access import can_manage_clinic
from treatments.diary.scheduling import ScheduleWindow, counted_starts, session_numbers
from treatments.models import Appointment, AppointmentReassignment, Leave, Location, TreatmentPlan

EXCLUSION_VIOLATION = "23P01"
SEARCH_DAYS_FOR_ALTERNATIVES = 14


class BookingRefused(Exception):
    """The request itself is not acceptable; `field` says which form field to show it on."""

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


@dataclass
class BookingConflict(Exception):
    """Someone is already booked then. `blocking` is the appointment in the way, when it can be seen."""

    starts_at: datetime
    blocking: Appointment | None
    alternatives: list[datetime] = field(default_factory=list)
    index: int | None = None
    # "practitioner" or "patient": whose diary the blocking appointment is in.
    whose: str = "practitioner"

    @property
    def message(self) -> str:
        local = timezone.localtime(self.starts_at)
        if self.blocking is None:
            return f"{local:%a %b %d, %H:%M} is already taken."
        other = timezone.localtime(self.blocking.starts_at)
        return (
            f"{local:%a %b %d, %H:%M} overlaps the {self.whose}'s {self.blocking.get_kind_display().lower()} "
            f"at {other:%H:%M}–{timezone.localtime(self.blocking.ends_at):%H:%M}."
        )

    def __str__(self) -> str:
        return self.message


def _blocking_appointment(*, practitioner, patient, starts_at, ends_at, ignore=None) -> Appointment | None:
    candidates = Appointment.objects.live().between(starts_at, ends_at).filter(practitioner=practitioner)
    candidates = candidates | Appointment.objects.live().between(starts_at, ends_at).filter(patient=patient)
    if ignore is not None:
        candidates = candidates.exclude(pk=ignore.pk)
    return candidates.select_related("patient").order_by("starts_at").first()


def _alternatives(*, practitioner, patient, location, after, minutes, ignore=None) -> list[datetime]:
    window = ScheduleWindow.load(
        practitioner=practitioner,
        patient=patient,
        first_day=timezone.localdate(after),
        last_day=timezone.localdate(after) + timedelta(days=SEARCH_DAYS_FOR_ALTERNATIVES),
        ignore_appointment=ignore,
    )
    return window.next_free(after=after, minutes=minutes, location_id=location.pk, count=3)


def check_bookable(
    *,
    patient,
    practitioner,
    location: Location,
    starts_at: datetime,
    minutes: int,
    by,
    override_reason: str = "",
    plan: TreatmentPlan | None = None,
    ignore=None,
    now: datetime | None = None,
) -> None:
    """Raise BookingRefused for anything other than a clash (clashes are the database's to find).

    With a plan, this locks the plan's row until the transaction ends (see _refuse_for_plan).
    """
    now = now or timezone.now()
    if starts_at < now:
        raise BookingRefused("That time has already passed: choose a time from now on.", field="starts_at")
    if patient.is_archived:
        raise BookingRefused("This patient is archived: restore them before booking.")
    if not location.is_active:
        raise BookingRefused(f"{location} is not open for booking.", field="location")
    if plan is not None:
        _refuse_for_plan(plan, adding=1)
    window = ScheduleWindow.load(
        practitioner=practitioner,
        first_day=timezone.localdate(starts_at),
        last_day=timezone.localdate(starts_at),
        ignore_appointment=ignore,
    )
    ends_at = starts_at + timedelta(minutes=minutes)
    day = timezone.localdate(starts_at)
    closed, leave = window.closure_reason(day, location.pk), window.leave_reason(day)
    problem = None
    if closed is not None:
        problem = f"The clinic is closed that day ({closed})."
    elif leave is not None:
        problem = f"{practitioner} is on leave that day{f' ({leave})' if leave else ''}."
    if problem is None and not window.within_hours(starts_at, ends_at, location.pk):
        problem = f"{practitioner} does not work at {location} then."
    if problem is None:
        return
    if not can_manage_clinic(by):
        raise BookingRefused(problem + " Choose another time, or ask a clinic admin.", field="starts_at")
    if not override_reason.strip():
        raise BookingRefused(problem + " To book it anyway, give a reason.", field="override_reason")


def _insert(appointment: Appointment) -> Appointment:
    try:
        with transaction.atomic():
            appointment.save()
    except IntegrityError as error:
        if getattr(error.__cause__, "pgcode", None) != EXCLUSION_VIOLATION:
            raise
        blocking = _blocking_appointment(
            practitioner=appointment.practitioner,
            patient=appointment.patient,
            starts_at=appointment.starts_at,
            ends_at=appointment.ends_at,
            ignore=appointment if appointment.pk else None,
        )
        raise BookingConflict(
            starts_at=appointment.starts_at,
            blocking=blocking,
            whose="practitioner"
            if blocking is None or blocking.practitioner_id == appointment.practitioner_id
            else "patient",
            alternatives=_alternatives(
                practitioner=appointment.practitioner,
                patient=appointment.patient,
                location=appointment.location,
                after=appointment.starts_at,
                minutes=appointment.minutes,
                ignore=appointment if appointment.pk else None,
            ),
        ) from error
    return appointment


def _refuse_for_plan(plan: TreatmentPlan, *, adding: int) -> int:
    """Refuse what the plan refuses (TreatmentPlan.booking_refusal); return the sessions already booked.

    The plan's row lock, held to the end of the transaction, makes two clerks
    booking the same plan take turns, so the count stays true and nobody overfills it.
    """
    TreatmentPlan.objects.select_for_update().filter(pk=plan.pk).values_list("pk").first()
    booked = plan.count_booked()
    refusal = plan.booking_refusal(adding=adding, booked=booked)
    if refusal:
        # A plan without room is the plan field's problem (choose another, or none); the rest concern the booking.
        raise BookingRefused(refusal, field="plan" if plan.sessions_left(booked=booked) < adding else None)
    return booked


def appointment_book(
    *,
    patient,
    practitioner,
    location: Location,
    starts_at: datetime,
    minutes: int,
    kind: str,
    by,
    plan: TreatmentPlan | None = None,
    override_reason: str = "",
    now: datetime | None = None,
) -> Appointment:
    check_bookable(
        patient=patient,
        practitioner=practitioner,
        location=location,
        starts_at=starts_at,
        minutes=minutes,
        by=by,
        override_reason=override_reason,
        plan=plan,
        now=now,
    )
    return _insert(
        Appointment(
            patient=patient,
            practitioner=practitioner,
            location=location,
            plan=plan,
            kind=kind,
            starts_at=starts_at,
            ends_at=starts_at + timedelta(minutes=minutes),
            override_reason=override_reason.strip(),
            booked_by=by,
        )
    )


@transaction.atomic
def course_book(
    *, plan: TreatmentPlan, location: Location, slots: list[tuple[datetime, int]], by, now: datetime | None = None
) -> list[Appointment]:
    """Book every proposed session of a plan, or none of them.

    `slots` holds (start, minutes) for each session still to book. A clash on
    any one rolls back the lot and raises BookingConflict with its `index`.
    """
    _refuse_for_plan(plan, adding=len(slots))
    # Each session is named by the number it will have: its place by time among the plan's counted sessions.
    numbers = session_numbers(counted_starts(plan), [starts_at for starts_at, _ in slots])
    appointments = []
    for index, ((starts_at, minutes), number) in enumerate(zip(slots, numbers, strict=True)):
        try:
            appointments.append(
                appointment_book(
                    patient=plan.patient,
                    practitioner=plan.practitioner,
                    location=location,
                    starts_at=starts_at,
                    minutes=minutes,
                    kind=Appointment.Kind.INITIAL if number == 1 else Appointment.Kind.TREATMENT,
                    by=by,
                    plan=plan,
                    now=now,
                )
            )
        except BookingConflict as conflict:
            conflict.index = index
            raise
        except BookingRefused as refused:
            raise BookingRefused(f"Session {number}: {refused.message}", field=f"slot_{index}") from refused
    return appointments


def appointment_reschedule(
    appointment: Appointment, *, starts_at: datetime, minutes: int, by, override_reason: str = ""
) -> Appointment:
    """Move an appointment. It keeps its place in the plan, so the plan's count stays right."""
    if appointment.status != Appointment.Status.BOOKED:
        raise BookingRefused("Only a booked appointment can be moved.")
    check_bookable(
        patient=appointment.patient,
        practitioner=appointment.practitioner,
        location=appointment.location,
        starts_at=starts_at,
        minutes=minutes,
        by=by,
        override_reason=override_reason,
        ignore=appointment,
    )
    appointment.starts_at = starts_at
    appointment.ends_at = starts_at + timedelta(minutes=minutes)
    appointment.override_reason = override_reason.strip()
    return _insert(appointment)


def appointment_reassign(
    appointment: Appointment, *, to, reason: str, by, now: datetime | None = None
) -> AppointmentReassignment:
    """Hand the appointment to practitioner `to` (covering for a colleague), keeping who, when and why.

    Only an appointment still to be seen, with no session recorded, changes hands (Appointment.reassign_refusal):
    a session is written by the practitioner the appointment is booked with, so covering starts here. The
    new practitioner's diary is held to the same rule as any booking: the exclusion constraint refuses an
    overlap, as a BookingConflict. Working hours are not asked: whoever covers has agreed to, but someone on
    leave that day is refused. Call it with the appointment's row locked (select_for_update).
    """
    refusal = appointment.reassign_refusal()
    if refusal:
        raise BookingRefused(refusal)
    if to.pk == appointment.practitioner_id:
        raise BookingRefused(f"The appointment is already with {to.display_name}.", field="practitioner")
    reason = reason.strip()
    if not reason:
        raise BookingRefused("Say why the appointment is being reassigned.", field="reason")
    day = timezone.localdate(appointment.starts_at)
    if Leave.objects.filter(practitioner=to, first_day__lte=day, last_day__gte=day).exists():
        raise BookingRefused(f"{to.display_name} is on leave that day.", field="practitioner")
    previous = appointment.practitioner
    appointment.practitioner = to
    try:
        _insert(appointment)
    except BookingConflict:
        # The database said no; the object goes back to who it is really with.
        appointment.practitioner = previous
        raise
    return AppointmentReassignment.objects.create(
        appointment=appointment,
        from_practitioner=previous,
        to_practitioner=to,
        reason=reason,
        reassigned_by=by,
        reassigned_at=now or timezone.now(),
    )
