"""Courses of care and the appointments that carry them out.

PostgreSQL itself refuses a double booking: two appointments that are not
cancelled can never overlap in time for the same practitioner or the same
patient (exclusion constraints over tstzrange; btree_gist for the equality).
Times are stored in UTC and shown in the clinic's time zone.
"""

import secrets
import uuid
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import DateTimeRangeField, RangeBoundary, RangeOperators
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Count, F, Func, OuterRef, Q, Subquery
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from patients.models import Diagnosis, Patient

MIN_SESSIONS, MAX_SESSIONS = 8, 12
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


class TreatmentPlanQuerySet(models.QuerySet):
    def with_booked_count(self):
        """`sessions_booked`: appointments that count towards the course (not cancelled, not missed)."""
        return self.annotate(
            sessions_booked=Count("appointments", filter=Q(appointments__status__in=Appointment.COUNTED_STATUSES))
        )


class TreatmentPlan(models.Model):
    class Approach(models.TextChoices):
        ACUPUNCTURE = "acupuncture", "Acupuncture alone"
        ACUPUNCTURE_PT = "acupuncture_pt", "Acupuncture with physical therapy"
        OTHER = "other", "Acupuncture with another co-treatment"

    class Frequency(models.TextChoices):
        WEEKLY = "weekly", "Once a week"
        TWICE_WEEKLY = "twice_weekly", "Twice a week"
        TWICE_THEN_WEEKLY = "twice_then_weekly", "Twice a week at first, then weekly"

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        ACTIVE = "active", "Active"
        COMPLETED = "completed", "Completed"
        DISCONTINUED = "discontinued", "Discontinued"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="plans")
    practitioner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="plans",
        verbose_name="responsible practitioner",
    )
    diagnoses = models.ManyToManyField(Diagnosis, related_name="plans", blank=True, verbose_name="diagnoses treated")
    approach = models.CharField(max_length=20, choices=Approach.choices, default=Approach.ACUPUNCTURE)
    co_treatments = models.CharField(
        "other co-treatments", max_length=200, blank=True, help_text="E.g. orthotics, stretching, NSAIDs."
    )
    sessions_planned = models.PositiveSmallIntegerField(
        "number of sessions", validators=[MinValueValidator(MIN_SESSIONS), MaxValueValidator(MAX_SESSIONS)]
    )
    frequency = models.CharField(max_length=20, choices=Frequency.choices, default=Frequency.TWICE_WEEKLY)
    twice_weekly_weeks = models.PositiveSmallIntegerField(
        "weeks at twice a week",
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(6)],
        help_text="Only for 'twice a week at first, then weekly'.",
    )
    session_minutes = models.PositiveSmallIntegerField(
        "session length (minutes)", default=45, validators=[MinValueValidator(15), MaxValueValidator(120)]
    )
    first_session_minutes = models.PositiveSmallIntegerField(
        "first session length (minutes)",
        default=60,
        validators=[MinValueValidator(15), MaxValueValidator(120)],
        help_text="The initial consultation takes longer.",
    )
    goal = models.CharField(max_length=200, blank=True, help_text="E.g. first-step pain below 3.")
    status = models.CharField(max_length=15, choices=Status.choices, default=Status.DRAFT)
    discontinued_reason = models.CharField("reason for stopping", max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = TreatmentPlanQuerySet.as_manager()
    history = HistoricalRecords(m2m_fields=[diagnoses])

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["patient", "status"], name="plan_patient_status")]
        constraints = [
            models.CheckConstraint(
                condition=Q(sessions_planned__gte=MIN_SESSIONS, sessions_planned__lte=MAX_SESSIONS),
                name="plan_sessions_8_to_12",
            ),
            models.CheckConstraint(
                condition=~Q(frequency="twice_then_weekly") | Q(twice_weekly_weeks__isnull=False),
                name="plan_twice_then_weekly_has_weeks",
            ),
            models.CheckConstraint(
                condition=~Q(status="discontinued") | ~Q(discontinued_reason=""),
                name="plan_discontinued_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.sessions_planned} sessions, {self.get_frequency_display().lower()}"

    def get_absolute_url(self) -> str:
        return reverse("treatments:plan", kwargs={"plan_id": self.public_id})

    @property
    def is_bookable(self) -> bool:
        return self.status == self.Status.ACTIVE

    def days_until_next(self, session_index: int) -> int:
        """Days from session `session_index` (0-based) to the next one, following the frequency.

        Twice a week alternates 3 and 4 days (e.g. Monday and Thursday), so the
        weekday pattern repeats every week.
        """
        twice_weekly_sessions = {
            self.Frequency.WEEKLY: 0,
            self.Frequency.TWICE_WEEKLY: self.sessions_planned,
            self.Frequency.TWICE_THEN_WEEKLY: 2 * (self.twice_weekly_weeks or 0),
        }[self.frequency]
        if session_index < twice_weekly_sessions:
            return 3 if session_index % 2 == 0 else 4
        return 7

    def minutes_for(self, session_number: int) -> int:
        return self.first_session_minutes if session_number == 1 else self.session_minutes


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
    def is_cancellable(self) -> bool:
        return self.status == self.Status.BOOKED

    @property
    def counts_towards_plan(self) -> bool:
        return self.status in self.COUNTED_STATUSES

    def check_in(self) -> None:
        self.status = self.Status.CHECKED_IN
        self.checked_in_at = timezone.now()
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
