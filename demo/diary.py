"""Demo schedule for `seed_demo`: two locations, working hours, a holiday, leave, and courses of care.

Courses start some weeks back, so the diary has a past (completed sessions, a
few no-shows and cancellations), a busy today and booked weeks ahead. Every
visit is booked through the booking services, told when the desk booked it
(`now=`), so the past respects hours, closures, consent and the plan's size as
the future does; what became of a visit is then recorded as the desk records
it (check-in, no-show, cancellation). The one row written directly is an extra
clinic on a practitioner's day off (see visit_today). The database's exclusion
constraints still guard every row: anything that would overlap is skipped.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from itertools import zip_longest

from django.db import IntegrityError, transaction
from django.utils import timezone

from patients.models import Consent, Diagnosis, Intake, Patient
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
    CourseShape(8, WEEKLY, weeks_ago=0, preferred=time(16), goal="Less tingling at night"),
    CourseShape(
        11,
        TWICE_THEN_WEEKLY,
        twice_weekly_weeks=2,
        # Three weeks in, so the patient with a foot ulcer has sessions to show on any day of the week.
        weeks_ago=3,
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


# How long before a past visit the desk booked it.
BOOKED_AHEAD = timedelta(days=2)


def book_visit(
    *, starts_at: datetime, minutes: int, now: datetime, outcome: str = Status.BOOKED, attempt: int = 0, **booking
) -> Appointment | None:
    """Book through the booking service as the desk did (days ahead, or at `now`), then record what became of it.

    `booking` is what appointment_book takes besides the time; a slot the service refuses is left out.
    """
    try:
        appointment = appointment_book(
            starts_at=starts_at, minutes=minutes, now=min(now, starts_at - BOOKED_AHEAD), **booking
        )
    except (BookingConflict, BookingRefused):
        return None
    _happened(appointment, outcome, attempt=attempt, now=now)
    return appointment


def _happened(appointment: Appointment, outcome: str, *, attempt: int, now: datetime) -> None:
    """What became of a booked visit, recorded as the desk records it."""
    start = appointment.starts_at
    if outcome == Status.CHECKED_IN:
        appointment.check_in(now=min(now, start))
    elif outcome == Status.COMPLETED:
        appointment.check_in(now=start - timedelta(minutes=5))
        # In the app a visit is completed by signing its session; demo.sessions signs the course visits.
        Appointment.objects.filter(pk=appointment.pk).update(status=Status.COMPLETED)
        appointment.status = Status.COMPLETED
    elif outcome == Status.NO_SHOW:
        appointment.mark_no_show()
    elif outcome == "cancelled_clinic":
        appointment.cancel(
            by=Appointment.CancelledBy.CLINIC, reason="Practitioner off sick", now=start - timedelta(hours=20)
        )
    elif outcome == "cancelled_patient":
        late = attempt % 2 == 1
        appointment.cancel(
            by=Appointment.CancelledBy.PATIENT,
            reason="Car trouble, called on the day" if late else "Family event",
            now=start - (timedelta(hours=3) if late else timedelta(days=3)),
        )


def consent_before(patient: Patient, first_day: date) -> None:
    """A course seeded further back than the cohort's consent gets its consent (and onset) moved back."""
    Consent.objects.filter(patient=patient, given_on__gt=first_day, withdrawn_on__isnull=True).update(
        given_on=first_day - timedelta(days=7)
    )
    onset = first_day - timedelta(days=120)
    Intake.objects.filter(patient=patient, onset_date__gt=first_day).update(onset_date=onset)
    Diagnosis.objects.filter(patient=patient, onset_date__gt=first_day).update(onset_date=onset)


def book_past_course(
    plan: TreatmentPlan,
    *,
    location: Location,
    first_day: date,
    until: date,
    preferred: time,
    by,
    now: datetime,
    pattern: int | None = None,
    limit: int | None = None,
) -> tuple[int, date]:
    """Visits before `until` on the plan's rhythm; returns how many count and when the next is due.

    `pattern` picks the misses and cancellations (None: every visit attended); a missed or
    cancelled visit is booked again a couple of days later. `limit` stops after that many
    attended visits (a course the patient gave up), else the plan's size.
    """
    window = ScheduleWindow.load(
        practitioner=plan.practitioner, patient=plan.patient, first_day=first_day, last_day=until
    )
    counted, attempt, day = 0, 0, first_day
    while counted < min(limit or plan.sessions_planned, plan.sessions_planned) and day < until:
        number = counted + 1
        minutes = plan.minutes_for(number)
        start = _closest(window.free_starts_on(day, minutes, location.pk), day, preferred)
        if start is None:
            day += timedelta(days=1)
            continue
        outcome = _past_outcome(pattern, attempt, number)
        appointment = book_visit(
            patient=plan.patient,
            practitioner=plan.practitioner,
            location=location,
            plan=plan,
            kind=_kind(number),
            starts_at=start,
            minutes=minutes,
            by=by,
            now=now,
            outcome=outcome,
            attempt=attempt,
        )
        attempt += 1
        if appointment is None:
            day += timedelta(days=1)
            continue
        if appointment.status != Status.CANCELLED:
            window.reserve(appointment.starts_at, appointment.ends_at)
        if appointment.status == Status.COMPLETED:
            counted += 1
            day += timedelta(days=plan.days_until_next(counted - 1))
        else:
            day += timedelta(days=2)
    return counted, day


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

    def practitioner_for(self, patient: Patient, index: int):
        recorded_by = {d.recorded_by_id for d in patient.diagnoses.all()}
        for practitioner in self.practitioners:
            if practitioner.pk in recorded_by:
                return practitioner
        return self.practitioners[index % len(self.practitioners)]

    def new_plan(self, patient: Patient, shape: CourseShape, *, index: int, first_day: date) -> TreatmentPlan:
        """A draft plan, activated as the practitioner activates it (which needs consent in force)."""
        practitioner = self.practitioner_for(patient, index)
        consent_before(patient, first_day)
        plan = TreatmentPlan.objects.create(
            patient=patient,
            practitioner=practitioner,
            approach=shape.approach,
            co_treatments=shape.co_treatments,
            sessions_planned=shape.sessions,
            frequency=shape.frequency,
            twice_weekly_weeks=shape.twice_weekly_weeks,
            goal=shape.goal,
            created_by=practitioner,
        )
        plan.diagnoses.set([d for d in patient.diagnoses.all() if d.status == Diagnosis.Status.ACTIVE])
        plan.move_to(Plan.Status.ACTIVE, by=practitioner)
        TreatmentPlan.objects.filter(pk=plan.pk).update(
            created_at=local_datetime(first_day, time(8)) - timedelta(days=3)
        )
        return plan

    def first_day_of(self, shape: CourseShape, index: int) -> date:
        monday = self.today - timedelta(days=self.today.weekday())
        # Mondays and Tuesdays, so a twice-weekly course falls on Mon/Thu or Tue/Fri.
        return monday - timedelta(weeks=shape.weeks_ago) + timedelta(days=index % 2)

    def course(self, patient: Patient, shape: CourseShape, *, index: int) -> TreatmentPlan:
        first_day = self.first_day_of(shape, index)
        plan = self.new_plan(patient, shape, index=index, first_day=first_day)
        counted, next_day = 0, first_day
        if first_day <= self.today:
            counted, next_day = self.past_course(plan, first_day=first_day, preferred=shape.preferred, pattern=index)
            # Half the courses due today or tomorrow have today's session, so the day sheet shows courses too.
            due_now = next_day <= self.tomorrow and index % 2 == 0 and counted < plan.sessions_planned
            if due_now and self.session_today(plan, counted, shape):
                counted += 1
                next_day = self.today + timedelta(days=plan.days_until_next(counted - 1))
        self.book_future(plan, first_day=max(next_day, self.tomorrow), preferred=shape.preferred, already=counted)
        return plan

    def past_course(self, plan, *, first_day: date, preferred: time, pattern: int | None) -> tuple[int, date]:
        return book_past_course(
            plan,
            location=self.main,
            first_day=first_day,
            until=self.today,
            preferred=preferred,
            by=self.front_desk,
            now=self.now,
            pattern=pattern,
        )

    def session_today(self, plan, counted: int, shape: CourseShape) -> bool:
        number = counted + 1
        minutes = plan.minutes_for(number)
        window = ScheduleWindow.load(
            practitioner=plan.practitioner, patient=plan.patient, first_day=self.today, last_day=self.today
        )
        start = _closest(window.free_starts_on(self.today, minutes, self.main.pk), self.today, shape.preferred)
        if start is None:
            return False
        appointment = book_visit(
            **self.booking(plan.patient, plan.practitioner, kind=_kind(number), plan=plan),
            starts_at=start,
            minutes=minutes,
            now=self.now,
            outcome=self.outcome_today(start, minutes),
        )
        return appointment is not None

    def book_future(self, plan, *, first_day: date, preferred: time, already: int) -> None:
        if already >= plan.sessions_planned:
            return
        proposals = propose_course(
            plan, first_day=first_day, preferred_time=preferred, location=self.main, already_booked=already
        )
        slots = [(p.starts_at, p.minutes) for p in proposals if p.starts_at]
        try:
            course_book(plan=plan, location=self.main, slots=slots, by=self.front_desk, now=self.now)
        except (BookingConflict, BookingRefused):
            # Book what fits one by one rather than leave the course empty.
            for starts_at, minutes in slots:
                number = plan.appointments.filter(status__in=Appointment.COUNTED_STATUSES).count() + 1
                self.book(plan.patient, plan.practitioner, starts_at, minutes, kind=_kind(number), plan=plan)

    def finished_course_and_follow_up(self, patient: Patient, *, index: int) -> None:
        shape = FINISHED_COURSE
        first_day = self.first_day_of(shape, index)
        plan = self.new_plan(patient, shape, index=index, first_day=first_day)
        # Every session attended: a finished course is the one outcome reports count.
        self.past_course(plan, first_day=first_day, preferred=shape.preferred, pattern=None)
        plan.move_to(Plan.Status.COMPLETED, by=plan.practitioner)
        self.book_next_free(patient, plan.practitioner, after_days=5, minutes=30, kind=Appointment.Kind.FOLLOW_UP)

    def cancel_one_future_session(self, plans: list[TreatmentPlan]) -> None:
        """A patient cancels a booked session; the course now has one to re-book."""
        for plan in plans[1:]:
            upcoming = plan.appointments.filter(status=Status.BOOKED, starts_at__gt=self.now).order_by("starts_at")
            second = next(iter(upcoming[1:2]), None)
            if second is not None:
                second.cancel(by=Appointment.CancelledBy.PATIENT, reason="Away for work that week", now=self.now)
                return

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
                    book_visit(
                        **self.booking(patient, practitioner, kind=Appointment.Kind.INITIAL),
                        starts_at=start,
                        minutes=60,
                        now=self.now,
                        outcome=Status.COMPLETED,
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
        book_visit(
            **self.booking(patient, practitioner, kind=kind, plan=plan),
            starts_at=starts_at,
            minutes=minutes,
            now=self.now,
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
        if shifts_today:
            location_id = shifts_today[0][2]
            start = _closest(window.free_starts_on(self.today, minutes, location_id), self.today, preferred)
            if start is not None:
                book_visit(
                    **self.booking(patient, practitioner, kind=kind, location=Location.objects.get(pk=location_id)),
                    starts_at=start,
                    minutes=minutes,
                    now=self.now,
                    outcome=self.outcome_today(start, minutes),
                )
            return
        # A practitioner with no hours today sees these visits in an extra clinic. Booking outside hours
        # takes a clinic admin's override, and the demo has no admin to hand, so the row is written here.
        starts = []
        cursor, end = (local_datetime(self.today, at) for at in EXTRA_CLINIC)
        while cursor + timedelta(minutes=minutes) <= end:
            if window.clash(cursor, cursor + timedelta(minutes=minutes)) is None:
                starts.append(cursor)
            cursor += SLOT_STEP
        start = _closest(starts, self.today, preferred)
        if start is None:
            return
        try:
            with transaction.atomic():
                appointment = Appointment.objects.create(
                    **self.booking(patient, practitioner, kind=kind),
                    starts_at=start,
                    ends_at=start + timedelta(minutes=minutes),
                    override_reason="Extra clinic day",
                )
        except IntegrityError:
            return
        _happened(appointment, self.outcome_today(start, minutes), attempt=0, now=self.now)

    def someone_in_the_room(self) -> None:
        """At least one patient checked in, whatever the hour the demo is seeded."""
        todays = Appointment.objects.on_day(self.today)
        if todays.filter(status=Status.CHECKED_IN).exists():
            return
        started = todays.filter(status=Status.COMPLETED, starts_at__lte=self.now).order_by("-starts_at").first()
        waiting = todays.filter(status=Status.BOOKED).order_by("starts_at").first()
        chosen = started or waiting
        if chosen is not None:
            chosen.check_in(now=min(self.now, chosen.starts_at))

    def booking(self, patient, practitioner, *, kind: str, plan=None, location=None) -> dict:
        return {
            "patient": patient,
            "practitioner": practitioner,
            "location": location or self.main,
            "plan": plan,
            "kind": kind,
            "by": self.front_desk,
        }

    def outcome_today(self, start: datetime, minutes: int) -> str:
        if start + timedelta(minutes=minutes) <= self.now:
            return Status.COMPLETED
        if start <= self.now + timedelta(minutes=20):
            return Status.CHECKED_IN
        return Status.BOOKED


def _kind(number: int) -> str:
    return Appointment.Kind.INITIAL if number == 1 else Appointment.Kind.TREATMENT


def _past_outcome(plan_index: int | None, attempt: int, number: int) -> str:
    """Mostly attended; a few missed or cancelled, on a fixed pattern so the demo is the same every time."""
    if number == 1 or plan_index is None:
        return Status.COMPLETED
    return {3: Status.NO_SHOW, 7: "cancelled_patient", 11: "cancelled_clinic"}.get(
        (plan_index * 5 + attempt) % 13, Status.COMPLETED
    )
