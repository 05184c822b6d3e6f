"""Demo schedule for `seed_demo`: two locations, working hours, a holiday, leave, and courses of care.

Courses start some weeks back, so the diary has a past (completed sessions, a
few no-shows and cancellations), a busy today and booked weeks ahead. The
booking services refuse the past on purpose, so past and today's rows are
written directly, placed with the same ScheduleWindow the services use; the
future is proposed and booked through the services, so it respects hours,
closures and leave. The database's exclusion constraints still guard every
row: anything that would overlap is skipped, never forced.
"""

import contextlib
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from itertools import zip_longest

from django.db import IntegrityError, transaction
from django.utils import timezone

from patients.models import Consent, Diagnosis, Patient
from treatments.diary.booking import BookingConflict, BookingRefused, appointment_book, course_book
from treatments.diary.scheduling import SLOT_STEP, ScheduleWindow, propose_course
from treatments.models import (
    Appointment,
    Closure,
    Leave,
    Location,
    TreatmentPlan,
    Weekday,
    WorkingHours,
    local_datetime,
)

MAIN_CLINIC = "Main clinic"
EASTSIDE = "Eastside studio"
# Today's appointments across both practitioners, so the day sheet has something to show.
TODAY_TARGET = 6
# When a practitioner has no hours today, today's demo appointments go in this block, with a reason.
EXTRA_CLINIC = (time(9, 0), time(13, 0))

Plan = TreatmentPlan
Status = Appointment.Status


@dataclass(frozen=True)
class CourseShape:
    sessions: int
    frequency: str
    # When the first session was (positive) or will be (negative), in weeks before this week's Monday.
    weeks_ago: int
    preferred: time
    goal: str
    approach: str = Plan.Approach.ACUPUNCTURE
    co_treatments: str = ""
    twice_weekly_weeks: int | None = None


WEEKLY, TWICE, TWICE_THEN_WEEKLY = Plan.Frequency.WEEKLY, Plan.Frequency.TWICE_WEEKLY, Plan.Frequency.TWICE_THEN_WEEKLY
COURSES = [
    CourseShape(10, TWICE, weeks_ago=4, preferred=time(9), goal="First-step pain below 3"),
    CourseShape(
        12,
        TWICE_THEN_WEEKLY,
        twice_weekly_weeks=3,
        weeks_ago=5,
        preferred=time(10),
        goal="Through a full work shift without heel pain",
        approach=Plan.Approach.ACUPUNCTURE_PT,
        co_treatments="Physical therapy: calf and plantar fascia stretching",
    ),
    CourseShape(
        8,
        WEEKLY,
        weeks_ago=6,
        preferred=time(15),
        goal="Walk 30 minutes without heel pain",
        approach=Plan.Approach.OTHER,
        co_treatments="Custom orthotics",
    ),
    CourseShape(
        10,
        TWICE_THEN_WEEKLY,
        twice_weekly_weeks=2,
        weeks_ago=2,
        preferred=time(11),
        goal="Sleep through the night without burning feet",
    ),
    CourseShape(
        12,
        TWICE,
        weeks_ago=1,
        preferred=time(14),
        goal="Average pain below 3",
        approach=Plan.Approach.ACUPUNCTURE_PT,
        co_treatments="Physical therapy twice a week",
    ),
    CourseShape(8, WEEKLY, weeks_ago=3, preferred=time(16), goal="Less tingling at night"),
    CourseShape(
        11,
        TWICE_THEN_WEEKLY,
        twice_weekly_weeks=2,
        weeks_ago=0,
        preferred=time(9, 30),
        goal="Stop taking ibuprofen every day",
        approach=Plan.Approach.OTHER,
        co_treatments="Night splint; daily NSAIDs being tapered",
    ),
    CourseShape(9, WEEKLY, weeks_ago=-1, preferred=time(10, 30), goal="Run 5 km again"),
]
# A course that ended about six months ago, for the follow-up visit.
FINISHED_COURSE = CourseShape(8, WEEKLY, weeks_ago=33, preferred=time(11), goal="First-step pain below 3")


def seed_schedule(*, practitioners: list, front_desk, now: datetime | None = None) -> int:
    """Create the demo clinic's set-up and diary; returns how many appointments were added.

    Each part is created only if it is missing, and the diary only while there
    is none, so running it again (as `make run` does) changes nothing.
    """
    if not practitioners:
        return 0
    now = now or timezone.now()
    before = Appointment.objects.count()
    with transaction.atomic():
        main, eastside = _locations()
        _working_hours(practitioners, main, eastside)
        _time_off(practitioners, timezone.localdate(now))
        if before == 0:
            _Seeder(practitioners=practitioners, front_desk=front_desk, main=main, now=now).run()
    return Appointment.objects.count() - before


def _locations() -> tuple[Location, Location]:
    main, _ = Location.objects.get_or_create(
        name=MAIN_CLINIC, defaults={"address": "12 Elm Street, Springfield, IL 62701", "phone": "(555) 010-2000"}
    )
    eastside, _ = Location.objects.get_or_create(
        name=EASTSIDE, defaults={"address": "480 Harbor Road, Springfield, IL 62703", "phone": "(555) 010-3000"}
    )
    return main, eastside


def _working_hours(practitioners: list, main: Location, eastside: Location) -> None:
    weekdays = [Weekday.MONDAY, Weekday.TUESDAY, Weekday.WEDNESDAY, Weekday.THURSDAY, Weekday.FRIDAY]
    for index, practitioner in enumerate(practitioners):
        if WorkingHours.objects.filter(practitioner=practitioner).exists():
            continue
        if index % 2 == 0:
            # A split shift: mornings and late afternoons, with a long lunch.
            shifts = [(day, time(8), time(12), main) for day in weekdays]
            shifts += [(day, time(14), time(18), main) for day in weekdays]
        else:
            shifts = [(day, time(9), time(17), main) for day in weekdays]
            shifts.append((Weekday.SATURDAY, time(9), time(13), eastside))
        WorkingHours.objects.bulk_create(
            WorkingHours(practitioner=practitioner, weekday=day, starts=starts, ends=ends, location=location)
            for day, starts, ends, location in shifts
        )


def _time_off(practitioners: list, today: date) -> None:
    if not Closure.objects.exists():
        holiday = _next_weekday(today + timedelta(days=3), Weekday.THURSDAY)
        Closure.objects.create(first_day=holiday, last_day=holiday, reason="Public holiday")
    away = practitioners[1] if len(practitioners) > 1 else practitioners[0]
    if not Leave.objects.filter(practitioner=away).exists():
        first = _next_weekday(today + timedelta(days=8), Weekday.MONDAY)
        Leave.objects.create(
            practitioner=away, first_day=first, last_day=first + timedelta(days=1), reason="Continuing education course"
        )


def _next_weekday(day: date, weekday: int) -> date:
    return day + timedelta(days=(weekday - day.weekday()) % 7)


def _create(**fields) -> Appointment | None:
    """Insert one row in a savepoint; an overlap the database refuses is skipped."""
    try:
        with transaction.atomic():
            return Appointment.objects.create(**fields)
    except IntegrityError:
        return None


def _closest(starts: list[datetime], day: date, preferred: time) -> datetime | None:
    if not starts:
        return None
    target = local_datetime(day, preferred)
    return min(starts, key=lambda start: (abs(start - target), start))


class _Seeder:
    def __init__(self, *, practitioners, front_desk, main: Location, now: datetime):
        self.practitioners = practitioners
        self.front_desk = front_desk
        self.main = main
        self.now = now
        self.today = timezone.localdate(now)
        self.tomorrow = self.today + timedelta(days=1)

    def run(self) -> None:
        consented = Consent.objects.in_force().filter(covers_acupuncture=True).values("patient")
        with_consent = list(
            Patient.objects.active().filter(pk__in=consented).order_by("created_at", "pk").prefetch_related("diagnoses")
        )
        newcomers = list(
            Patient.objects.active().exclude(pk__in=Consent.objects.values("patient")).order_by("created_at", "pk")
        )
        finished = with_consent.pop() if len(with_consent) >= 4 else None
        plans = []
        for index, patient in enumerate(with_consent):
            shape = COURSES[index % len(COURSES)]
            plans.append(self.course(patient, shape, index=index))
        if finished is not None:
            self.finished_course_and_follow_up(finished, index=len(with_consent))
        self.cancel_one_future_session(plans)
        self.first_consultations(newcomers)
        self.fill_today(newcomers, plans)

    # --- courses of care ----------------------------------------------------------

    def practitioner_for(self, patient: Patient, index: int):
        recorded_by = {d.recorded_by_id for d in patient.diagnoses.all()}
        for practitioner in self.practitioners:
            if practitioner.pk in recorded_by:
                return practitioner
        return self.practitioners[index % len(self.practitioners)]

    def new_plan(self, patient: Patient, shape: CourseShape, *, index: int) -> TreatmentPlan:
        practitioner = self.practitioner_for(patient, index)
        plan = TreatmentPlan.objects.create(
            patient=patient,
            practitioner=practitioner,
            approach=shape.approach,
            co_treatments=shape.co_treatments,
            sessions_planned=shape.sessions,
            frequency=shape.frequency,
            twice_weekly_weeks=shape.twice_weekly_weeks,
            goal=shape.goal,
            status=Plan.Status.ACTIVE,
            created_by=practitioner,
        )
        plan.diagnoses.set([d for d in patient.diagnoses.all() if d.status == Diagnosis.Status.ACTIVE])
        return plan

    def first_day_of(self, shape: CourseShape, index: int) -> date:
        monday = self.today - timedelta(days=self.today.weekday())
        # Mondays and Tuesdays, so a twice-weekly course falls on Mon/Thu or Tue/Fri.
        return monday - timedelta(weeks=shape.weeks_ago) + timedelta(days=index % 2)

    def course(self, patient: Patient, shape: CourseShape, *, index: int) -> TreatmentPlan:
        plan = self.new_plan(patient, shape, index=index)
        first_day = self.first_day_of(shape, index)
        counted, next_day = 0, first_day
        if first_day <= self.today:
            window = ScheduleWindow.load(
                practitioner=plan.practitioner, patient=patient, first_day=first_day, last_day=self.today
            )
            counted, next_day = self.past_sessions(
                plan, window, first_day=first_day, preferred=shape.preferred, index=index
            )
            # Half the courses due today or tomorrow have today's session, so the day sheet shows courses too.
            due_now = next_day <= self.tomorrow and index % 2 == 0 and counted < plan.sessions_planned
            if due_now and self.session_today(plan, window, counted, shape):
                counted += 1
                next_day = self.today + timedelta(days=plan.days_until_next(counted - 1))
        self.book_future(plan, first_day=max(next_day, self.tomorrow), preferred=shape.preferred, already=counted)
        TreatmentPlan.objects.filter(pk=plan.pk).update(
            created_at=local_datetime(first_day, time(8)) - timedelta(days=3)
        )
        return plan

    def past_sessions(self, plan, window, *, first_day: date, preferred: time, index: int | None) -> tuple[int, date]:
        """Sessions before today, on the plan's rhythm; returns how many count and when the next is due.

        `index` picks the pattern of misses and cancellations; None: every session attended.
        """
        counted, attempt, day = 0, 0, first_day
        while counted < plan.sessions_planned and day < self.today:
            number = counted + 1
            minutes = plan.minutes_for(number)
            start = _closest(window.free_starts_on(day, minutes, self.main.pk), day, preferred)
            if start is None:
                day += timedelta(days=1)
                continue
            outcome = _past_outcome(index, attempt, number)
            appointment = _create(
                **self.fields(plan.patient, plan.practitioner, start, minutes, plan=plan, kind=_kind(number)),
                **_outcome_fields(outcome, start, attempt),
            )
            attempt += 1
            if appointment is None:
                day += timedelta(days=1)
                continue
            if outcome != Status.CANCELLED:
                window.reserve(appointment.starts_at, appointment.ends_at)
            if outcome == Status.COMPLETED:
                counted += 1
                day += timedelta(days=plan.days_until_next(counted - 1))
            else:
                # A missed or cancelled session is re-booked a couple of days later.
                day += timedelta(days=2)
        return counted, day

    def session_today(self, plan, window, counted: int, shape: CourseShape) -> bool:
        number = counted + 1
        minutes = plan.minutes_for(number)
        start = _closest(window.free_starts_on(self.today, minutes, self.main.pk), self.today, shape.preferred)
        if start is None:
            return False
        appointment = _create(
            **self.fields(plan.patient, plan.practitioner, start, minutes, plan=plan, kind=_kind(number)),
            **self.today_status(start, minutes),
        )
        if appointment is not None:
            window.reserve(appointment.starts_at, appointment.ends_at)
        return appointment is not None

    def book_future(self, plan, *, first_day: date, preferred: time, already: int) -> None:
        if already >= plan.sessions_planned:
            return
        proposals = propose_course(
            plan, first_day=first_day, preferred_time=preferred, location=self.main, already_booked=already
        )
        slots = [(p.starts_at, p.minutes) for p in proposals if p.starts_at]
        try:
            course_book(plan=plan, location=self.main, slots=slots, by=self.front_desk)
        except (BookingConflict, BookingRefused):
            # Book what fits one by one rather than leave the course empty.
            for starts_at, minutes in slots:
                number = plan.appointments.filter(status__in=Appointment.COUNTED_STATUSES).count() + 1
                self.book(plan.patient, plan.practitioner, starts_at, minutes, kind=_kind(number), plan=plan)

    def finished_course_and_follow_up(self, patient: Patient, *, index: int) -> None:
        shape = FINISHED_COURSE
        plan = self.new_plan(patient, shape, index=index)
        first_day = self.first_day_of(shape, index)
        window = ScheduleWindow.load(
            practitioner=plan.practitioner, patient=patient, first_day=first_day, last_day=self.today
        )
        # Every session attended: a finished course is the one outcome reports count.
        self.past_sessions(plan, window, first_day=first_day, preferred=shape.preferred, index=None)
        plan.status = Plan.Status.COMPLETED
        plan.save(update_fields=["status"])
        TreatmentPlan.objects.filter(pk=plan.pk).update(
            created_at=local_datetime(first_day, time(8)) - timedelta(days=3)
        )
        self.book_next_free(patient, plan.practitioner, after_days=5, minutes=30, kind=Appointment.Kind.FOLLOW_UP)

    def cancel_one_future_session(self, plans: list[TreatmentPlan]) -> None:
        """A patient cancels a booked session; the course now has one to re-book."""
        for plan in plans[1:]:
            upcoming = plan.appointments.filter(status=Status.BOOKED, starts_at__gt=self.now).order_by("starts_at")
            second = next(iter(upcoming[1:2]), None)
            if second is not None:
                second.cancel(by=Appointment.CancelledBy.PATIENT, reason="Away for work that week", now=self.now)
                return

    # --- visits outside a course ----------------------------------------------------

    def first_consultations(self, newcomers: list[Patient]) -> None:
        """Two new patients seen last week, and a few booked over the coming days."""
        for index, patient in enumerate(newcomers[:2]):
            practitioner = self.practitioners[index % len(self.practitioners)]
            day = self.today - timedelta(days=7 + index)
            window = ScheduleWindow.load(
                practitioner=practitioner, patient=patient, first_day=day, last_day=day + timedelta(days=3)
            )
            for offset in range(4):
                visit_day = day + timedelta(days=offset)
                start = _closest(window.free_starts_on(visit_day, 60, self.main.pk), visit_day, time(13))
                if start and visit_day < self.today:
                    _create(
                        **self.fields(patient, practitioner, start, 60, kind=Appointment.Kind.INITIAL),
                        **_outcome_fields(Status.COMPLETED, start, 0),
                    )
                    break
        for index, patient in enumerate(newcomers[2:5]):
            practitioner = self.practitioners[index % len(self.practitioners)]
            self.book_next_free(patient, practitioner, after_days=2 + index, minutes=60, kind=Appointment.Kind.INITIAL)

    def book_next_free(self, patient, practitioner, *, after_days: int, minutes: int, kind: str) -> None:
        first_day = self.today + timedelta(days=after_days)
        window = ScheduleWindow.load(
            practitioner=practitioner, patient=patient, first_day=first_day, last_day=first_day + timedelta(days=14)
        )
        for start in window.next_free(
            after=local_datetime(first_day, time(0)), minutes=minutes, location_id=self.main.pk, count=1
        ):
            self.book(patient, practitioner, start, minutes, kind=kind)

    def book(self, patient, practitioner, starts_at: datetime, minutes: int, *, kind: str, plan=None) -> None:
        """Through the booking service; a slot that turns out to be taken is simply left out of the demo."""
        with contextlib.suppress(BookingConflict, BookingRefused):
            appointment_book(
                patient=patient,
                practitioner=practitioner,
                location=self.main,
                starts_at=starts_at,
                minutes=minutes,
                kind=kind,
                by=self.front_desk,
                plan=plan,
            )

    def fill_today(self, newcomers: list[Patient], plans: list[TreatmentPlan]) -> None:
        """Top today up to a lively day sheet: new patients' first visits, then reviews."""
        seen_today = set(Appointment.objects.on_day(self.today).values_list("patient_id", flat=True))
        firsts = [(p, Appointment.Kind.INITIAL, 60) for p in newcomers[5:]]
        reviews = [(plan.patient, Appointment.Kind.REVIEW, 30) for plan in reversed(plans)]
        # Alternate new faces and reviews, as a real day would.
        visitors = [v for pair in zip_longest(firsts, reviews) for v in pair if v and v[0].pk not in seen_today]
        for turn, (patient, kind, minutes) in enumerate(visitors):
            if Appointment.objects.on_day(self.today).live().count() >= TODAY_TARGET:
                break
            practitioner = self.practitioners[turn % len(self.practitioners)]
            self.visit_today(patient, practitioner, kind=kind, minutes=minutes, preferred=time(9 + turn % 8))
        self.someone_in_the_room()

    def visit_today(self, patient, practitioner, *, kind: str, minutes: int, preferred: time) -> None:
        window = ScheduleWindow.load(
            practitioner=practitioner, patient=patient, first_day=self.today, last_day=self.today
        )
        shifts_today = window.shifts.get(self.today.weekday(), [])
        location_id, override = (shifts_today[0][2], "") if shifts_today else (self.main.pk, "Extra clinic day")
        if override:
            starts = []
            cursor, end = (local_datetime(self.today, at) for at in EXTRA_CLINIC)
            while cursor + timedelta(minutes=minutes) <= end:
                if window.clash(cursor, cursor + timedelta(minutes=minutes)) is None:
                    starts.append(cursor)
                cursor += SLOT_STEP
        else:
            starts = window.free_starts_on(self.today, minutes, location_id)
        start = _closest(starts, self.today, preferred)
        if start is None:
            return
        _create(
            **self.fields(patient, practitioner, start, minutes, kind=kind, location_id=location_id),
            override_reason=override,
            **self.today_status(start, minutes),
        )

    def someone_in_the_room(self) -> None:
        """At least one patient checked in, whatever the hour the demo is seeded."""
        todays = Appointment.objects.on_day(self.today)
        if todays.filter(status=Status.CHECKED_IN).exists():
            return
        started = todays.filter(status=Status.COMPLETED, starts_at__lte=self.now).order_by("-starts_at").first()
        waiting = todays.filter(status=Status.BOOKED).order_by("starts_at").first()
        chosen = started or waiting
        if chosen is not None:
            Appointment.objects.filter(pk=chosen.pk).update(
                status=Status.CHECKED_IN, checked_in_at=min(self.now, chosen.starts_at)
            )

    # --- row helpers ------------------------------------------------------------------

    def fields(self, patient, practitioner, start: datetime, minutes: int, *, kind: str, plan=None, location_id=None):
        return {
            "patient": patient,
            "practitioner": practitioner,
            "location_id": location_id or self.main.pk,
            "plan": plan,
            "kind": kind,
            "starts_at": start,
            "ends_at": start + timedelta(minutes=minutes),
            "booked_by": self.front_desk,
        }

    def today_status(self, start: datetime, minutes: int) -> dict:
        end = start + timedelta(minutes=minutes)
        if end <= self.now:
            return {"status": Status.COMPLETED, "checked_in_at": start - timedelta(minutes=5)}
        if start <= self.now + timedelta(minutes=20):
            return {"status": Status.CHECKED_IN, "checked_in_at": min(self.now, start)}
        return {"status": Status.BOOKED}


def _kind(number: int) -> str:
    return Appointment.Kind.INITIAL if number == 1 else Appointment.Kind.TREATMENT


def _past_outcome(plan_index: int | None, attempt: int, number: int) -> str:
    """Mostly attended; a few missed or cancelled, on a fixed pattern so the demo is the same every time."""
    if number == 1 or plan_index is None:
        return Status.COMPLETED
    return {3: Status.NO_SHOW, 7: "cancelled_patient", 11: "cancelled_clinic"}.get(
        (plan_index * 5 + attempt) % 13, Status.COMPLETED
    )


def _outcome_fields(outcome: str, start: datetime, attempt: int) -> dict:
    if outcome == Status.COMPLETED:
        return {"status": Status.COMPLETED, "checked_in_at": start - timedelta(minutes=5)}
    if outcome == Status.NO_SHOW:
        return {"status": Status.NO_SHOW}
    if outcome == "cancelled_clinic":
        return {
            "status": Status.CANCELLED,
            "cancelled_by": Appointment.CancelledBy.CLINIC,
            "cancel_reason": "Practitioner off sick",
            "cancelled_at": start - timedelta(hours=20),
        }
    late = attempt % 2 == 1
    return {
        "status": Status.CANCELLED,
        "cancelled_by": Appointment.CancelledBy.PATIENT,
        "cancel_reason": "Car trouble, called on the day" if late else "Family event",
        "cancelled_at": start - (timedelta(hours=3) if late else timedelta(days=3)),
        "late_cancellation": late,
    }
