"""Treatment plans: a course of 8 to 12 sessions on a weekly or twice-weekly rhythm.

The course length and its rhythm are described in docs/clinical/course-of-care.md.
"""

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Count, Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from patients.models import Diagnosis, Patient

MIN_SESSIONS, MAX_SESSIONS = 8, 12


class TreatmentPlanQuerySet(models.QuerySet):
    def with_booked_count(self):
        """`sessions_booked`: appointments that count towards the course (not cancelled, not missed)."""
        from treatments.models.diary import Appointment

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
