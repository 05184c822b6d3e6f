"""What the practitioner records at each visit, and the rules that judge the patient's progress.

A session is written by a practitioner from a checked-in appointment. Once
signed it is locked: a correction is a SessionAmendment that records who, when,
why and the values before and after, so the original stays visible. Only the
session's author amends it; any other practitioner adds a SessionAddendum, a
signed note beside the record that is never changed or deleted.
"""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from patients.models import VAS_VALIDATORS, Intake, Patient, Side

# Needles usually stay in 20–60 minutes; the form warns outside that and refuses outside 1–120.
TYPICAL_RETENTION = (20, 60)
RETENTION_LIMITS = (1, 120)


def vas_field(label: str, *, required: bool = True) -> models.DecimalField:
    return models.DecimalField(
        label, max_digits=3, decimal_places=1, validators=VAS_VALIDATORS, null=not required, blank=not required
    )


def vas_range(*names: str) -> Q:
    condition = Q()
    for name in names:
        condition &= Q(**{f"{name}__isnull": True}) | Q(**{f"{name}__gte": 0, f"{name}__lte": 10})
    return condition


def _points(value: Decimal) -> str:
    """1.9 as '1.9', 2.0 as '2'."""
    return f"{Decimal(value).normalize():f}"


class Meridian(models.TextChoices):
    KIDNEY = "KI", "Kidney"
    BLADDER = "BL", "Bladder"
    SPLEEN = "SP", "Spleen"
    STOMACH = "ST", "Stomach"
    LIVER = "LR", "Liver"
    GALLBLADDER = "GB", "Gallbladder"
    PERICARDIUM = "PC", "Pericardium"
    LARGE_INTESTINE = "LI", "Large Intestine"
    EXTRA = "EX", "Extra point"
    ASHI = "ASHI", "Ashi (tender point)"


class AcupuncturePointQuerySet(models.QuerySet):
    def flagged_in_pregnancy(self) -> "AcupuncturePointQuerySet":
        """Points to avoid or to needle with care in pregnancy, as the catalogue marks them now.

        The columns are the clinic's one list (the data migration only seeds them), so a change in the
        admin reaches the safety banner and the session form's refusal at once. Ordered by number,
        the order the clinic names them in (LI4, SP6, BL60, BL67).
        """
        return self.filter(Q(avoid_in_pregnancy=True) | Q(caution_in_pregnancy=True)).order_by("number", "code")


class AcupuncturePoint(models.Model):
    """A point of the catalogue, named by its WHO standard code (loaded by a data migration)."""

    code = models.CharField("WHO code", max_length=12, unique=True)
    pinyin = models.CharField(max_length=40)
    english = models.CharField("English name", max_length=60)
    meridian = models.CharField(max_length=4, choices=Meridian.choices)
    number = models.PositiveSmallIntegerField(null=True, blank=True, help_text="Order along the meridian.")
    location = models.CharField("where it is", max_length=300)
    avoid_in_pregnancy = models.BooleanField(default=False)
    caution_in_pregnancy = models.BooleanField(default=False)
    # Ashi points are tender spots found by palpation; the session records where.
    is_ashi = models.BooleanField("ashi point", default=False)

    objects = AcupuncturePointQuerySet.as_manager()

    class Meta:
        ordering = ["meridian", "number", "code"]

    def __str__(self) -> str:
        return f"{self.code} {self.pinyin}"


class Protocol(models.Model):
    """A named set of points a practitioner applies in one tap, then edits."""

    name = models.CharField(max_length=80, unique=True)
    description = models.CharField(max_length=300, blank=True)
    points = models.ManyToManyField(AcupuncturePoint, through="ProtocolPoint", related_name="protocols")
    is_active = models.BooleanField("offered on the session form", default=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ProtocolPoint(models.Model):
    protocol = models.ForeignKey(Protocol, on_delete=models.CASCADE, related_name="protocol_points")
    point = models.ForeignKey(AcupuncturePoint, on_delete=models.PROTECT, related_name="+")
    side = models.CharField(max_length=5, choices=Side.choices, default=Side.BOTH)

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["protocol", "point"], name="protocol_point_once")]

    def __str__(self) -> str:
        return f"{self.point.code} ({self.get_side_display().lower()})"


class TreatmentSessionQuerySet(models.QuerySet):
    def signed(self):
        return self.filter(signed_at__isnull=False)

    def for_progress(self):
        """Signed sessions in the order they happened, with what the progress pages show."""
        return self.signed().select_related("appointment").order_by("started_at", "id")


class TreatmentSession(models.Model):
    class Heat(models.TextChoices):
        NONE = "", "None"
        MOXIBUSTION = "moxibustion", "Moxibustion"
        HEAT_LAMP = "heat_lamp", "Heat lamp"

    appointment = models.OneToOneField(
        "treatments.Appointment", on_delete=models.PROTECT, related_name="treatment_session"
    )
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="treatment_sessions")
    plan = models.ForeignKey(
        "treatments.TreatmentPlan", null=True, blank=True, on_delete=models.PROTECT, related_name="sessions"
    )
    practitioner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # A copy of the appointment's start, so progress and outcomes can order a plan's sessions
    # from one index without joining a million appointments.
    started_at = models.DateTimeField(editable=False)

    # Pain on the 0–10 VAS, one decimal: first-step (morning) and average over the last week.
    first_step_pain_before = vas_field("first-step pain before")
    average_pain_before = vas_field("average pain before")
    first_step_pain_after = vas_field("first-step pain after", required=False)
    average_pain_after = vas_field("average pain after", required=False)

    needle_count = models.PositiveSmallIntegerField(
        "needles used", null=True, blank=True, validators=[MaxValueValidator(80)]
    )
    retention_minutes = models.PositiveSmallIntegerField(
        "needles retained (minutes)",
        null=True,
        blank=True,
        validators=[MinValueValidator(RETENTION_LIMITS[0]), MaxValueValidator(RETENTION_LIMITS[1])],
    )
    heat = models.CharField("heat", max_length=12, choices=Heat.choices, blank=True)
    other_techniques = models.CharField("other techniques", max_length=200, blank=True)
    pregnancy_override_reason = models.CharField(
        "reason for needling a point to avoid in pregnancy", max_length=300, blank=True
    )

    subjective = models.TextField("S: what the patient reports", blank=True)
    objective = models.TextField("O: what you found", blank=True)
    assessment = models.TextField("A: assessment", blank=True)
    plan_notes = models.TextField("P: plan", blank=True)
    home_care = models.TextField("home care given", blank=True)
    nsaid_use = models.CharField(
        "NSAID use now", max_length=10, choices=Intake.NsaidUse.choices, default=Intake.NsaidUse.NONE
    )

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    signed_at = models.DateTimeField(null=True, blank=True, editable=False)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", editable=False
    )
    # A signature over safety rules that failed when it was given (treatments.sessions.session_sign):
    # which rules, and the practitioner's reason. Blank when every rule passed.
    sign_acknowledgement = models.TextField("safety rules acknowledged at signing", blank=True, editable=False)

    objects = TreatmentSessionQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["patient", "created_at"], name="session_patient_created"),
            models.Index(fields=["plan", "signed_at"], name="session_plan_signed"),
            models.Index(
                fields=["plan", "started_at", "id"],
                name="session_plan_order",
                include=["first_step_pain_before", "average_pain_before", "nsaid_use"],
                condition=Q(signed_at__isnull=False),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=vas_range(
                    "first_step_pain_before", "average_pain_before", "first_step_pain_after", "average_pain_after"
                ),
                name="session_vas_0_10",
            ),
            models.CheckConstraint(
                condition=Q(retention_minutes__isnull=True) | Q(retention_minutes__gte=1, retention_minutes__lte=120),
                name="session_retention_1_120",
            ),
            models.CheckConstraint(
                condition=Q(signed_at__isnull=True) | Q(signed_by__isnull=False), name="session_signed_by_someone"
            ),
            models.CheckConstraint(
                condition=Q(signed_at__isnull=False) | Q(sign_acknowledgement=""),
                name="session_acknowledged_only_when_signed",
            ),
        ]

    def __str__(self) -> str:
        return f"Session of {timezone.localtime(self.appointment.starts_at):%b %d, %Y}"

    def save(self, *args, **kwargs):
        if self.started_at is None:
            self.started_at = self.appointment.starts_at
        # Signed sessions change only through an amendment (treatments.sessions.session_amend).
        if self.pk and not getattr(self, "_amending", False) and not getattr(self, "_signing", False):
            stored = type(self).objects.filter(pk=self.pk).values_list("signed_at", flat=True).first()
            if stored is not None:
                raise ValidationError("This session is signed; record a correction as an amendment.")
        return super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("treatments:session", kwargs={"session_id": self.pk})

    @property
    def is_signed(self) -> bool:
        return self.signed_at is not None

    def write_refusal(self, user) -> str | None:
        """Why `user` may not edit or sign this draft, or None: a session is its practitioner's to write."""
        if self.practitioner_id != user.pk:
            return (
                f"Only {self.practitioner.display_name}, who gave this treatment, can edit or sign this session. "
                "To cover for a colleague, have the appointment reassigned to you before the session is started."
            )
        return None

    def amend_refusal(self, user) -> str | None:
        """Why `user` may not amend this signed session, or None: only its author corrects it."""
        if self.signed_by_id != user.pk:
            return (
                f"Only {self.signed_by.display_name}, who signed this session, can amend it. "
                "Add an addendum instead: it is kept beside the record with your name."
            )
        return None

    @property
    def retention_is_unusual(self) -> bool:
        low, high = TYPICAL_RETENTION
        return self.retention_minutes is not None and not low <= self.retention_minutes <= high


class NeedledPoint(models.Model):
    session = models.ForeignKey(TreatmentSession, on_delete=models.CASCADE, related_name="needled_points")
    point = models.ForeignKey(AcupuncturePoint, on_delete=models.PROTECT, related_name="+")
    side = models.CharField(max_length=5, choices=Side.choices, default=Side.BOTH)
    ashi_location = models.CharField("where (ashi points)", max_length=120, blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.point.code} ({self.get_side_display().lower()})"


class ElectroStimulation(models.Model):
    """Mild current between two needled points, e.g. KI3–KI1 at 2 Hz, or 2/100 Hz dense-disperse."""

    session = models.ForeignKey(TreatmentSession, on_delete=models.CASCADE, related_name="electro")
    point_a = models.ForeignKey(AcupuncturePoint, on_delete=models.PROTECT, related_name="+")
    point_b = models.ForeignKey(AcupuncturePoint, on_delete=models.PROTECT, related_name="+")
    frequency_hz = models.DecimalField(
        "frequency (Hz)", max_digits=5, decimal_places=1, validators=[MinValueValidator(Decimal("0.1"))]
    )
    second_frequency_hz = models.DecimalField(
        "alternating with (Hz)",
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.1"))],
    )
    minutes = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(90)])

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=Q(frequency_hz__gt=0), name="electro_frequency_positive"),
            models.CheckConstraint(
                condition=Q(second_frequency_hz__isnull=True) | Q(second_frequency_hz__gt=0),
                name="electro_second_frequency_positive",
            ),
            models.CheckConstraint(condition=~Q(point_a=models.F("point_b")), name="electro_two_points"),
        ]

    def __str__(self) -> str:
        hz = _points(self.frequency_hz) + (f"/{_points(self.second_frequency_hz)}" if self.second_frequency_hz else "")
        return f"{self.point_a.code}–{self.point_b.code} at {hz} Hz for {self.minutes} min"


class AdverseEvent(models.Model):
    class Kind(models.TextChoices):
        BLEEDING = "bleeding", "Bleeding or bruise (haematoma)"
        NEEDLE_PAIN = "needle_pain", "Pain at a needle site"
        FLARE = "flare", "Symptom flare"
        FAINTING = "fainting", "Fainting (vasovagal)"
        INFECTION = "infection", "Infection"
        OTHER = "other", "Other"

    class Severity(models.TextChoices):
        MILD = "mild", "Mild"
        MODERATE = "moderate", "Moderate"
        SEVERE = "severe", "Severe"

    session = models.ForeignKey(TreatmentSession, on_delete=models.CASCADE, related_name="adverse_events")
    kind = models.CharField("what happened", max_length=12, choices=Kind.choices)
    severity = models.CharField(max_length=10, choices=Severity.choices)
    action_taken = models.CharField("action taken", max_length=300)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.get_severity_display().lower()})"


class SessionAmendment(models.Model):
    """A correction to a signed session: the values it replaced stay on record."""

    session = models.ForeignKey(TreatmentSession, on_delete=models.PROTECT, related_name="amendments")
    changes = models.JSONField(help_text="{field: [value before, value after]}")
    reason = models.CharField(max_length=300)
    amended_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    amended_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["amended_at", "id"]

    def __str__(self) -> str:
        return f"Amendment of {self.amended_at:%Y-%m-%d} ({', '.join(self.changes)})"


# What an addendum may hold: a note, not a second record.
ADDENDUM_MAX_LENGTH = 2000


class SessionAddendum(models.Model):
    """A note added to a signed session by a practitioner, shown beside it with who and when.

    Only a session's author amends it; a colleague who has something to add (they saw the patient next,
    they noticed a mistake) writes an addendum instead, so nobody's signed record is changed by someone
    else. An addendum is signed by being saved: it is never changed or deleted (save() and delete()
    refuse, and a trigger from migration 0010 refuses UPDATE and DELETE in the database itself).
    """

    session = models.ForeignKey(TreatmentSession, on_delete=models.PROTECT, related_name="addenda")
    text = models.TextField("addendum", max_length=ADDENDUM_MAX_LENGTH)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    written_at = models.DateTimeField("written", default=timezone.now, editable=False)

    class Meta:
        ordering = ["written_at", "id"]
        verbose_name_plural = "session addenda"
        constraints = [
            # Something other than spaces: an empty addendum says nothing and cannot be taken back.
            models.CheckConstraint(condition=Q(text__regex=r"\S"), name="addendum_has_text"),
        ]

    def __str__(self) -> str:
        return f"Addendum of {timezone.localtime(self.written_at):%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValidationError("An addendum is never changed: add another one.")
        return super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError("An addendum is never deleted: it is part of the session's record.")
