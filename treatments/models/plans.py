"""Treatment plans: a course of 8 to 12 sessions on a weekly or twice-weekly rhythm.

The course length and its rhythm are described in docs/clinical/course-of-care.md.
Whether a plan can be booked, and where its status may move, are answered here
and nowhere else: the pages, the forms and the booking services all ask the plan.
"""

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Count, Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from patients.models import Diagnosis, Patient
from patients.safety import SafetyFacts, load_facts

MIN_SESSIONS, MAX_SESSIONS = 8, 12


class TreatmentPlanQuerySet(models.QuerySet):
    def with_booked_count(self):
        """`sessions_booked`: appointments that count towards the course (not cancelled, not missed)."""
        from treatments.models.diary import Appointment

        return self.annotate(
            sessions_booked=Count("appointments", filter=Q(appointments__status__in=Appointment.COUNTED_STATUSES))
        )

    def open_for_booking(self):
        """Plans whose status lets sessions be booked (the status part of TreatmentPlan.booking_refusal)."""
        return self.filter(status=TreatmentPlan.BOOKABLE_STATUS)


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

    # Only an active plan takes bookings: a draft is still being discussed, a finished plan is over.
    BOOKABLE_STATUS = Status.ACTIVE
    # Where a plan may go from each status. Completed and discontinued are final: the record stays as it was.
    STATUS_MOVES = {
        Status.DRAFT: (Status.ACTIVE, Status.DISCONTINUED),
        Status.ACTIVE: (Status.COMPLETED, Status.DISCONTINUED),
    }

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

    # --- booking ---------------------------------------------------------------

    def count_booked(self) -> int:
        """Appointments that count towards the course, counted now (one query)."""
        from treatments.models.diary import Appointment

        return self.appointments.filter(status__in=Appointment.COUNTED_STATUSES).count()

    def sessions_left(self, *, booked: int | None = None) -> int:
        """Sessions of the course not booked yet (negative if the plan was overfilled by hand).

        `booked` is a count the caller took (under the plan's row lock, when the
        answer guards a write); by default the `with_booked_count()` annotation,
        or one query when the plan was loaded without it.
        """
        if booked is None:
            booked = getattr(self, "sessions_booked", None)
        if booked is None:
            booked = self.count_booked()
        return self.sessions_planned - booked

    def booking_refusal(
        self, *, adding: int = 1, booked: int | None = None, facts: SafetyFacts | None = None
    ) -> str | None:
        """Why `adding` more sessions cannot be booked on this plan now, or None when they can.

        The one answer to "can this plan be booked?": the plan page's button, the
        course booking page and the booking services all ask it. `booked` is as for
        sessions_left(); `facts` are the patient's safety facts when the caller has
        loaded them already (else three queries).
        """
        if refusal := self._status_refusal_for_booking():
            return refusal
        if self.patient.is_archived:
            return "This patient is archived: restore them before booking."
        if (facts or load_facts(self.patient)).consent_in_force is None:
            return "There is no consent to acupuncture on file for this patient: it must be recorded before booking."
        return self._room_refusal(adding=adding, booked=booked)

    def _status_refusal_for_booking(self) -> str | None:
        if self.status == self.Status.DRAFT:
            return "This plan is still a draft: a practitioner activates it before its sessions can be booked."
        if self.status != self.BOOKABLE_STATUS:
            return f"This plan is {self.get_status_display().lower()}: no more sessions can be booked for it."
        return None

    def _room_refusal(self, *, adding: int, booked: int | None) -> str | None:
        left = self.sessions_left(booked=booked)
        if left <= 0:
            return (
                f"All {self.sessions_planned} sessions of this plan are booked already. "
                "Cancel one first, or ask the practitioner to change the plan."
            )
        if adding > left:
            return (
                f"The plan has {self.sessions_planned} sessions and {self.sessions_planned - left} are booked: "
                f"{left} remain, not {adding}."
            )
        return None

    @property
    def is_bookable(self) -> bool:
        """booking_refusal() has nothing to say (queries: see there)."""
        return self.booking_refusal() is None

    # --- status --------------------------------------------------------------

    @property
    def is_finished(self) -> bool:
        """Completed or discontinued: nothing moves any more, and the record stays as it was."""
        return not self.allowed_status_moves()

    def allowed_status_moves(self) -> tuple[str, ...]:
        """The statuses this plan may move to from where it is (the page offers these)."""
        return self.STATUS_MOVES.get(self.status, ())

    def status_move_refusal(self, status: str, *, facts: SafetyFacts | None = None) -> str | None:
        """Why the plan cannot move to `status` now, or None. (A reason to stop is asked for by stop_reason_refusal.)"""
        if status not in self.allowed_status_moves():
            return f"A {self.get_status_display().lower()} plan cannot be made {self.Status(status).label.lower()}."
        # An active plan can be booked at once, so it needs the patient's consent first.
        if status == self.Status.ACTIVE and (facts or load_facts(self.patient)).consent_in_force is None:
            return "There is no consent to acupuncture in force for this patient: record it before activating the plan."
        return None

    def stop_reason_refusal(self, status: str, reason: str) -> str | None:
        """A discontinued plan says why it stopped (the database insists too)."""
        if status == self.Status.DISCONTINUED and not reason.strip():
            return "Give a reason for stopping the course."
        return None

    def move_to(self, status: str, *, reason: str = "", by, facts: SafetyFacts | None = None) -> None:
        """Move the plan to `status`, keeping the reason when it is discontinued; `by` is named in the history.

        Raises ValueError for a move the plan refuses: callers ask status_move_refusal()
        and stop_reason_refusal() first, to show the refusal where it belongs.
        """
        refusal = self.status_move_refusal(status, facts=facts) or self.stop_reason_refusal(status, reason)
        if refusal:
            raise ValueError(refusal)
        self.status = status
        fields = ["status", "updated_at"]
        if status == self.Status.DISCONTINUED:
            self.discontinued_reason = reason.strip()
            fields.append("discontinued_reason")
        self._history_user = by  # the audit history names who moved it, in a request or not
        self.save(update_fields=fields)

    # --- schedule ------------------------------------------------------------

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
