"""The diary: locations, working hours, closures and leave, and the appointments that carry out a course.

PostgreSQL itself refuses a double booking: two appointments that are not
cancelled can never overlap in time for the same practitioner or the same
patient (exclusion constraints over tstzrange; btree_gist for the equality).
Times are stored in UTC and shown in the clinic's time zone.
"""

import secrets
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import DateTimeRangeField, RangeBoundary, RangeOperators
from django.db import models
from django.db.models import Count, F, Func, OuterRef, Q, Subquery
from django.utils import timezone
from simple_history.models import HistoricalRecords

from patients.models import Patient
from treatments.models.plans import TreatmentPlan

# A cancellation with less notice than this is flagged as late.
LATE_CANCELLATION_NOTICE = timedelta(hours=24)


class TsTzRange(Func):
    function = "TSTZRANGE"
    output_field = DateTimeRangeField()


def local_datetime(day: date, at: time) -> datetime:
    """The clinic's wall-clock time on a day, as an aware datetime (daylight saving handled)."""
    return timezone.make_aware(datetime.combine(day, at))


class Location(models.Model):
    name = models.CharField(max_length=80, unique=True)
    address = models.CharField(max_length=200, blank=True)
    phone = models.CharField(max_length=30, blank=True)
    is_active = models.BooleanField("open for booking", default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Weekday(models.IntegerChoices):
    MONDAY = 0, "Monday"
    TUESDAY = 1, "Tuesday"
    WEDNESDAY = 2, "Wednesday"
    THURSDAY = 3, "Thursday"
    FRIDAY = 4, "Friday"
    SATURDAY = 5, "Saturday"
    SUNDAY = 6, "Sunday"


class WorkingHours(models.Model):
    """One shift: a practitioner at a location on a weekday. Split shifts are two rows."""

    practitioner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="working_hours")
    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="working_hours")
    weekday = models.PositiveSmallIntegerField(choices=Weekday.choices)
    starts = models.TimeField("from")
    ends = models.TimeField("until")

    class Meta:
        ordering = ["practitioner", "weekday", "starts"]
        verbose_name_plural = "working hours"
        constraints = [
            models.CheckConstraint(condition=Q(ends__gt=F("starts")), name="hours_end_after_start"),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.starts:%H:%M}–{self.ends:%H:%M} at {self.location}"


class Closure(models.Model):
    """Days the clinic, or one location, is shut: public holidays, training days."""

    location = models.ForeignKey(
        Location, null=True, blank=True, on_delete=models.CASCADE, help_text="Leave empty to close every location."
    )
    first_day = models.DateField("first day")
    last_day = models.DateField("last day")
    reason = models.CharField(max_length=120)

    class Meta:
        ordering = ["first_day"]
        constraints = [models.CheckConstraint(condition=Q(last_day__gte=F("first_day")), name="closure_dates_ordered")]

    def __str__(self) -> str:
        where = self.location or "all locations"
        return f"{self.reason}: {self.first_day:%b %d}–{self.last_day:%b %d, %Y} ({where})"


class Leave(models.Model):
    practitioner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="leave")
    first_day = models.DateField("first day")
    last_day = models.DateField("last day")
    reason = models.CharField(max_length=120, blank=True)

    class Meta:
        ordering = ["first_day"]
        verbose_name_plural = "leave"
        constraints = [models.CheckConstraint(condition=Q(last_day__gte=F("first_day")), name="leave_dates_ordered")]

    def __str__(self) -> str:
        return f"{self.practitioner} away {self.first_day:%b %d}–{self.last_day:%b %d, %Y}"


class AppointmentQuerySet(models.QuerySet):
    def live(self):
        return self.exclude(status=Appointment.Status.CANCELLED)

    def between(self, start: datetime, end: datetime):
        return self.filter(starts_at__lt=end, ends_at__gt=start)

    def on_day(self, day: date):
        start = local_datetime(day, time.min)
        return self.filter(starts_at__gte=start, starts_at__lt=local_datetime(day + timedelta(days=1), time.min))

    def with_session_number(self):
        """`session_number`: this appointment's place among its plan's counted sessions (k of n).

        One correlated count per row, served by the (plan, starts_at) index.
        """
        earlier = (
            Appointment.objects.filter(
                plan=OuterRef("plan"), status__in=Appointment.COUNTED_STATUSES, starts_at__lte=OuterRef("starts_at")
            )
            .order_by()
            .values("plan")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return self.annotate(
            session_number=models.Case(
                models.When(plan__isnull=False, status__in=Appointment.COUNTED_STATUSES, then=Subquery(earlier)),
                default=None,
                output_field=models.IntegerField(),
            )
        )

    def with_schedule_details(self):
        return self.select_related("patient", "practitioner", "location", "plan").with_session_number()


@dataclass(frozen=True)
class AppointmentActions:
    check_in: bool
    no_show: bool
    cancel: bool
    move: bool


class Appointment(models.Model):
    class Kind(models.TextChoices):
        INITIAL = "initial", "Initial consultation"
        TREATMENT = "treatment", "Treatment session"
        REVIEW = "review", "Review"
        FOLLOW_UP = "follow_up", "6-month follow-up"

    class Status(models.TextChoices):
        BOOKED = "booked", "Booked"
        CHECKED_IN = "checked_in", "Checked in"
        COMPLETED = "completed", "Completed"
        CANCELLED = "cancelled", "Cancelled"
        NO_SHOW = "no_show", "Did not attend"

    class CancelledBy(models.TextChoices):
        PATIENT = "patient", "Patient"
        CLINIC = "clinic", "Clinic"

    # Sessions that count towards a plan's total; cancelled and missed ones are re-booked.
    COUNTED_STATUSES = (Status.BOOKED, Status.CHECKED_IN, Status.COMPLETED)

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="appointments")
    practitioner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="appointments")
    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="appointments")
    plan = models.ForeignKey(
        TreatmentPlan, null=True, blank=True, on_delete=models.PROTECT, related_name="appointments"
    )
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.TREATMENT)
    starts_at = models.DateTimeField("starts")
    ends_at = models.DateTimeField("ends")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.BOOKED)
    checked_in_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancelled_by = models.CharField("cancelled by", max_length=8, choices=CancelledBy.choices, blank=True)
    cancel_reason = models.CharField("reason", max_length=200, blank=True)
    late_cancellation = models.BooleanField(default=False)
    # A clinic admin may book outside working hours or on a closure day, saying why.
    override_reason = models.CharField("reason for booking outside hours", max_length=200, blank=True)
    reminder_sent_at = models.DateTimeField(null=True, blank=True)
    booked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = AppointmentQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["starts_at"]
        indexes = [
            models.Index(fields=["starts_at"], name="appointment_start"),
            models.Index(fields=["practitioner", "starts_at"], name="appointment_practitioner_start"),
            models.Index(fields=["patient", "starts_at"], name="appointment_patient_start"),
            models.Index(fields=["plan", "starts_at"], name="appointment_plan_start"),
            # The review queue's repeated no-shows: only the no-shows, by date.
            models.Index(fields=["starts_at", "patient"], condition=Q(status="no_show"), name="appointment_no_shows"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="appointment_ends_after_start"),
            models.CheckConstraint(
                condition=~Q(status="cancelled") | (~Q(cancelled_by="") & Q(cancelled_at__isnull=False)),
                name="appointment_cancellation_recorded",
            ),
            ExclusionConstraint(
                name="no_double_booking_practitioner",
                expressions=[
                    (TsTzRange("starts_at", "ends_at", RangeBoundary()), RangeOperators.OVERLAPS),
                    ("practitioner", RangeOperators.EQUAL),
                ],
                condition=~Q(status="cancelled"),
            ),
            ExclusionConstraint(
                name="no_double_booking_patient",
                expressions=[
                    (TsTzRange("starts_at", "ends_at", RangeBoundary()), RangeOperators.OVERLAPS),
                    ("patient", RangeOperators.EQUAL),
                ],
                condition=~Q(status="cancelled"),
            ),
        ]

    def __str__(self) -> str:
        local = timezone.localtime(self.starts_at)
        return f"{self.get_kind_display()} {local:%a %b %d, %H:%M}"

    @property
    def minutes(self) -> int:
        return int((self.ends_at - self.starts_at).total_seconds() // 60)

    @property
    def counts_towards_plan(self) -> bool:
        return self.status in self.COUNTED_STATUSES

    def _not_booked(self, then: str) -> str | None:
        if self.status != self.Status.BOOKED:
            return f"This appointment is already {self.get_status_display().lower()}: {then}."
        return None

    def check_in_refusal(self, now: datetime) -> str | None:
        """Why the patient cannot be checked in now, or None.

        Checking in means the patient is at the desk, so it is only for a booked
        appointment and only on its day (early arrivals are fine).
        """
        if refusal := self._not_booked("nothing was changed"):
            return refusal
        if timezone.localdate(self.starts_at) != timezone.localdate(now):
            return "A patient can be checked in only on the day of the appointment."
        return None

    def no_show_refusal(self, now: datetime) -> str | None:
        """Why the appointment cannot be marked as missed now, or None.

        Nobody has missed an appointment before it begins, so this waits for the start time.
        """
        if refusal := self._not_booked("nothing was changed"):
            return refusal
        if self.starts_at > now:
            return "An appointment can be marked as missed only once its start time has passed."
        return None

    def cancel_refusal(self) -> str | None:
        return self._not_booked("it cannot be cancelled")

    # Covering for a colleague: an appointment still to be seen may change hands.
    REASSIGNABLE_STATUSES = (Status.BOOKED, Status.CHECKED_IN)

    def reassign_refusal(self) -> str | None:
        """Why the appointment cannot be handed to another practitioner now, or None.

        Once a session is recorded it is its practitioner's record, so the appointment stays with them.
        """
        if self.status not in self.REASSIGNABLE_STATUSES:
            status = self.get_status_display().lower()
            return f"This appointment is {status}: it stays with {self.practitioner.display_name}."
        if type(self).objects.filter(pk=self.pk, treatment_session__isnull=False).exists():
            return (
                f"A session is already recorded for this appointment by {self.practitioner.display_name}, "
                "so it stays with them."
            )
        return None

    def session_writer_refusal(self, user) -> str | None:
        """Why `user` may not record this appointment's session, or None: only the practitioner it is booked with."""
        if self.practitioner_id != user.pk:
            return (
                f"This appointment is booked with {self.practitioner.display_name}: only they record its session. "
                "To cover for them, have the appointment reassigned to you first (Reassign, on the appointment page)."
            )
        return None

    def allowed_actions(self, now: datetime) -> "AppointmentActions":
        """Which buttons the appointment's card offers at `now`."""
        return AppointmentActions(
            check_in=self.check_in_refusal(now) is None,
            no_show=self.no_show_refusal(now) is None,
            cancel=self.cancel_refusal() is None,
            move=self.status == self.Status.BOOKED,
        )

    def check_in(self, *, now: datetime | None = None) -> None:
        self.status = self.Status.CHECKED_IN
        self.checked_in_at = now or timezone.now()
        self.save(update_fields=["status", "checked_in_at"])

    def mark_no_show(self) -> None:
        self.status = self.Status.NO_SHOW
        self.save(update_fields=["status"])

    def cancel(self, *, by: str, reason: str, now: datetime | None = None) -> None:
        now = now or timezone.now()
        self.status = self.Status.CANCELLED
        self.cancelled_by = by
        self.cancel_reason = reason
        self.cancelled_at = now
        self.late_cancellation = by == self.CancelledBy.PATIENT and self.starts_at - now < LATE_CANCELLATION_NOTICE
        self.save(update_fields=["status", "cancelled_by", "cancel_reason", "cancelled_at", "late_cancellation"])


class AppointmentReassignment(models.Model):
    """An appointment handed from one practitioner to another, e.g. to cover sick leave: who, when and why.

    The appointment's practitioner changes (and its audit history says so); this row keeps the reason,
    and is what the appointment and session pages show.
    """

    appointment = models.ForeignKey(Appointment, on_delete=models.CASCADE, related_name="reassignments")
    from_practitioner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="from"
    )
    to_practitioner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="to"
    )
    reason = models.CharField(max_length=200)
    reassigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reassigned_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["reassigned_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(reason__regex=r"\S"), name="reassignment_has_reason"),
            models.CheckConstraint(
                condition=~Q(from_practitioner=F("to_practitioner")), name="reassignment_to_someone_else"
            ),
        ]

    def __str__(self) -> str:
        return f"Reassigned {timezone.localtime(self.reassigned_at):%Y-%m-%d %H:%M}"


class CalendarFeed(models.Model):
    """A practitioner's private iCalendar address. Resetting the token revokes the old address."""

    practitioner = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed"
    )
    token = models.CharField(max_length=64, unique=True, default=secrets.token_urlsafe)
    created_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Calendar feed of {self.practitioner}"

    def reset(self) -> None:
        self.token = secrets.token_urlsafe()
        self.save(update_fields=["token", "created_at"])
