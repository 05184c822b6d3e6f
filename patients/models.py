"""Who the patient is, what they feel and where, and what makes needling unsafe for them.

Demographics (Patient) are for every member of staff. Everything else here is
clinical and only for practitioners and clinic admins (clinic.access).
Clinical rows are never deleted: patients are archived, consents withdrawn,
diagnoses resolved, and every change is kept in the audit history.
"""

import secrets
import unicodedata
import uuid
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import IntegrityError, models, transaction
from django.db.models import Func, Q
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

VAS_VALIDATORS = [MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("10"))]
MAX_AGE_YEARS = 120
# Letters that cannot be misheard for digits or each other on the phone (no I, O, Q, S, Z).
MRN_LETTERS = "ABCDEFGHJKLMNPRTUVWXY"


def normalize_for_search(text: str) -> str:
    """Lower-case, accents stripped: 'José Núñez' and 'jose nunez' match."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold().strip()


def digits_only(text: str) -> str:
    return "".join(ch for ch in text or "" if ch.isdigit())


def new_mrn() -> str:
    letters = "".join(secrets.choice(MRN_LETTERS) for _ in range(3))
    return f"{letters}-{secrets.randbelow(10_000):04d}"


class Side(models.TextChoices):
    LEFT = "left", "Left"
    RIGHT = "right", "Right"
    BOTH = "both", "Both"


class Timing(models.TextChoices):
    FIRST_STEPS = "first_steps", "First steps in the morning"
    AFTER_SITTING = "after_sitting", "After sitting or rest"
    AFTER_ACTIVITY = "after_activity", "After activity"
    AT_NIGHT = "at_night", "At night"
    CONSTANT = "constant", "Constant"


# ---------------------------------------------------------------------------
# Patient (demographics: every role)
# ---------------------------------------------------------------------------


class PatientQuerySet(models.QuerySet):
    def active(self):
        return self.filter(archived_at__isnull=True)

    def search(self, query: str):
        """Name (partial, any case or accent), MRN, date of birth or phone, from one box."""
        query = (query or "").strip()
        if not query:
            return self
        parsed = _parse_date(query)
        if parsed:
            return self.filter(date_of_birth=parsed)
        compact = query.upper().replace(" ", "")
        if _looks_like_mrn(compact):
            return self.filter(mrn__startswith=compact if "-" in compact else f"{compact[:3]}-{compact[3:]}")
        digits = digits_only(query)
        if len(digits) >= 4 and len(digits) >= len(query.replace(" ", "")) - 4:
            return self.filter(phone_digits__contains=digits)
        result = self
        for term in normalize_for_search(query).split():
            if len(term) >= MIN_TRIGRAM_TERM:
                result = result.filter(search_name__contains=term)
            else:
                # Too short for a trigram of its own: the start of a name ("li" finds Li, Lim and Liam), which
                # the trigram index answers from its word-start trigrams ("  l", " li"). LIKE, not a regular
                # expression: PostgreSQL checks a LIKE on thousands of rows several times faster.
                starts = Q(search_name__startswith=term)
                for mark in NAME_BREAKS:
                    starts |= Q(search_name__contains=mark + term)
                result = result.filter(starts)
        if not self.query.order_by:
            # The list's order, but not from the list's index: walking that index, PostgreSQL would read
            # every name before "N" to find the first Núñez. Sorting only the matches, found through the
            # trigram index, costs the same whatever the name.
            result = result.order_by(Unindexed("family_name"), Unindexed("given_name"), "id")
        return result

    def possible_duplicates_of(self, *, family_name: str, given_name: str, date_of_birth: date) -> list["Patient"]:
        """Patients born the same day whose names match, ignoring case and accents."""
        wanted = (normalize_for_search(given_name), normalize_for_search(family_name))
        same_day = self.filter(date_of_birth=date_of_birth)
        return [
            p for p in same_day if (normalize_for_search(p.given_name), normalize_for_search(p.family_name)) == wanted
        ]


# Name fragments this long or longer are found anywhere in a name; shorter ones at the start of one.
MIN_TRIGRAM_TERM = 3
# What separates the parts of search_name: spaces, and the punctuation names keep (O'Connor, Smith-Jones).
NAME_BREAKS = (" ", "-", "'", "\u2019")


class Unindexed(Func):
    """A column's value, as an expression no index provides in order, so the planner sorts what matched."""

    template = "(%(expressions)s || '')"
    output_field = models.CharField()


def _parse_date(text: str) -> date | None:
    for fmt in ("%Y-%m-%d", "%m/%d/%Y", "%d.%m.%Y"):
        try:
            return timezone.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def _looks_like_mrn(text: str) -> bool:
    bare = text.replace("-", "")
    return len(bare) >= 4 and bare[:3].isalpha() and bare[3:].isdigit() and len(bare) <= 7


class Patient(models.Model):
    class Sex(models.TextChoices):
        FEMALE = "female", "Female"
        MALE = "male", "Male"
        INTERSEX = "intersex", "Intersex"
        UNKNOWN = "unknown", "Not stated"

    class ContactMethod(models.TextChoices):
        PHONE = "phone", "Phone call"
        SMS = "sms", "Text message"
        EMAIL = "email", "Email"

    public_id = models.UUIDField("opaque id", default=uuid.uuid4, unique=True, editable=False)
    mrn = models.CharField("MRN", max_length=8, unique=True, editable=False)
    family_name = models.CharField("family name", max_length=80)
    given_name = models.CharField("given name", max_length=80)
    preferred_name = models.CharField("preferred name", max_length=80, blank=True)
    date_of_birth = models.DateField("date of birth")
    sex = models.CharField(max_length=10, choices=Sex.choices)
    phone = models.CharField(max_length=30)
    email = models.EmailField(blank=True)
    address_line = models.CharField("street address", max_length=200, blank=True)
    city = models.CharField(max_length=80, blank=True)
    region = models.CharField("state or region", max_length=80, blank=True)
    postal_code = models.CharField("postal code", max_length=12, blank=True)
    emergency_contact_name = models.CharField("emergency contact", max_length=120, blank=True)
    emergency_contact_phone = models.CharField("emergency contact phone", max_length=30, blank=True)
    emergency_contact_relationship = models.CharField("relationship", max_length=60, blank=True)
    preferred_contact = models.CharField(
        "preferred contact method", max_length=10, choices=ContactMethod.choices, default=ContactMethod.PHONE
    )
    reminder_opt_out = models.BooleanField(
        "no appointment reminders", default=False, help_text="Tick if the patient asked not to be sent reminders."
    )
    referring_physician = models.CharField("referring physician", max_length=120, blank=True)
    primary_care_provider = models.CharField("primary care provider", max_length=120, blank=True)
    occupation = models.CharField(max_length=120, blank=True)

    # Kept in step on save: an accent-free, lower-case name for the trigram index, and bare phone digits.
    search_name = models.CharField(max_length=250, editable=False)
    phone_digits = models.CharField(max_length=30, editable=False)

    archived_at = models.DateTimeField(null=True, blank=True, editable=False)
    archive_reason = models.CharField("reason for archiving", max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+", editable=False
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = PatientQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["search_name", "phone_digits", "updated_at"])

    class Meta:
        ordering = ["family_name", "given_name", "id"]
        indexes = [
            GinIndex(fields=["search_name"], opclasses=["gin_trgm_ops"], name="patient_name_trgm"),
            GinIndex(fields=["phone_digits"], opclasses=["gin_trgm_ops"], name="patient_phone_trgm"),
            models.Index(fields=["date_of_birth"], name="patient_dob"),
            models.Index(
                fields=["family_name", "given_name", "id"],
                name="patient_list_order",
                condition=Q(archived_at__isnull=True),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(archived_at__isnull=True) | ~Q(archive_reason=""), name="patient_archive_has_reason"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.display_name} ({self.mrn})"

    def save(self, *args, **kwargs):
        self.search_name = self.search_name_for(self.given_name, self.family_name, self.preferred_name)
        self.phone_digits = digits_only(self.phone)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "search_name", "phone_digits", "updated_at"}
        if self.mrn:
            return super().save(*args, **kwargs)
        # A random MRN can collide; retry inside a savepoint so the outer transaction survives.
        for _ in range(10):
            self.mrn = new_mrn()
            try:
                with transaction.atomic():
                    return super().save(*args, **kwargs)
            except IntegrityError as error:
                if "mrn" not in str(error):
                    raise
        raise IntegrityError("Could not find a free MRN")

    def get_absolute_url(self) -> str:
        return reverse("patients:chart", kwargs={"public_id": self.public_id})

    @staticmethod
    def search_name_for(given: str, family: str, preferred: str) -> str:
        return normalize_for_search(" ".join(part for part in (given, family, preferred) if part))

    @property
    def display_name(self) -> str:
        shown = f"{self.given_name} {self.family_name}"
        return f"{shown} (“{self.preferred_name}”)" if self.preferred_name else shown

    @property
    def initials(self) -> str:
        return f"{self.given_name[:1]}{self.family_name[:1]}".upper()

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None

    def age_on(self, day: date) -> int:
        before_birthday = (day.month, day.day) < (self.date_of_birth.month, self.date_of_birth.day)
        return day.year - self.date_of_birth.year - before_birthday

    @property
    def age(self) -> int:
        return self.age_on(timezone.localdate())

    def archive(self, *, reason: str) -> None:
        self.archived_at = timezone.now()
        self.archive_reason = reason
        self.save(update_fields=["archived_at", "archive_reason"])

    def restore(self) -> None:
        self.archived_at = None
        self.archive_reason = ""
        self.save(update_fields=["archived_at", "archive_reason"])


# ---------------------------------------------------------------------------
# Intake: the first visit's consultation (clinical)
# ---------------------------------------------------------------------------


class Intake(models.Model):
    class Aggravator(models.TextChoices):
        FIRST_STEPS = Timing.FIRST_STEPS.value, Timing.FIRST_STEPS.label
        AFTER_SITTING = Timing.AFTER_SITTING.value, Timing.AFTER_SITTING.label
        AFTER_ACTIVITY = Timing.AFTER_ACTIVITY.value, Timing.AFTER_ACTIVITY.label
        AT_NIGHT = Timing.AT_NIGHT.value, Timing.AT_NIGHT.label
        CONSTANT = Timing.CONSTANT.value, Timing.CONSTANT.label

    class Sport(models.TextChoices):
        NONE = "none", "None"
        RUNNING = "running", "Running"
        OTHER = "other", "Other sport"

    class FootPosture(models.TextChoices):
        FLAT = "flat", "Flat (low arch)"
        NORMAL = "normal", "Normal"
        HIGH_ARCH = "high_arch", "High arch"

    class Diabetes(models.TextChoices):
        NONE = "none", "No diabetes"
        TYPE_1 = "type_1", "Type 1"
        TYPE_2 = "type_2", "Type 2"
        OTHER = "other", "Other or unsure"

    class BleedingDisorder(models.TextChoices):
        NONE = "none", "None"
        MILD = "mild", "Mild"
        SEVERE = "severe", "Severe"

    class NsaidUse(models.TextChoices):
        NONE = "none", "None"
        OCCASIONAL = "occasional", "Occasional"
        DAILY = "daily", "Daily"

    patient = models.OneToOneField(Patient, on_delete=models.PROTECT, related_name="intake")

    # Complaint and history
    affected_side = models.CharField("which foot", max_length=5, choices=Side.choices)
    onset_date = models.DateField("pain or symptoms began")
    aggravators = ArrayField(
        models.CharField(max_length=20, choices=Aggravator.choices),
        default=list,
        blank=True,
        verbose_name="worse when",
    )
    complaint_notes = models.TextField("complaint in the patient's words", blank=True)

    # Risk factors
    height_cm = models.DecimalField(
        "height (cm)",
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("50")), MaxValueValidator(Decimal("250"))],
    )
    weight_kg = models.DecimalField(
        "weight (kg)",
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("20")), MaxValueValidator(Decimal("350"))],
    )
    standing_hours_per_day = models.DecimalField(
        "hours a day standing or walking on hard surfaces",
        max_digits=3,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("24"))],
    )
    sport = models.CharField("running or other sport", max_length=10, choices=Sport.choices, default=Sport.NONE)
    sport_detail = models.CharField("which sport, how often", max_length=120, blank=True)
    tight_calves = models.BooleanField("tight calf muscles", default=False)
    foot_posture = models.CharField("foot posture", max_length=10, choices=FootPosture.choices, blank=True)
    footwear = models.CharField("usual footwear", max_length=200, blank=True)

    # Medical history and precautions
    diabetes = models.CharField(max_length=10, choices=Diabetes.choices, default=Diabetes.NONE)
    peripheral_vascular_disease = models.BooleanField("peripheral vascular disease", default=False)
    anticoagulant = models.BooleanField("takes an anticoagulant or antiplatelet medicine", default=False)
    bleeding_disorder = models.CharField(
        "bleeding disorder", max_length=10, choices=BleedingDisorder.choices, default=BleedingDisorder.NONE
    )
    implanted_device = models.BooleanField("pacemaker or other implanted electrical device", default=False)
    implanted_device_detail = models.CharField("which device", max_length=120, blank=True)
    pregnant = models.BooleanField(default=False)
    pregnancy_due_date = models.DateField("expected date of delivery", null=True, blank=True)
    foot_ulcer_or_infection = models.BooleanField("active foot ulcer or infection", default=False)
    ulcer_site = models.CharField("where is the ulcer or infection", max_length=120, blank=True)
    fainting_history = models.BooleanField("has fainted before (e.g. with needles or blood)", default=False)
    needle_phobia = models.BooleanField("fear of needles", default=False)
    metal_allergy = models.BooleanField("metal allergy", default=False)
    current_medicines = models.TextField("current medicines", blank=True)
    nsaid_use = models.CharField(
        "anti-inflammatory (NSAID) use", max_length=10, choices=NsaidUse.choices, default=NsaidUse.NONE
    )

    # Examination
    gait_notes = models.TextField("gait analysis", blank=True)
    palpation_notes = models.TextField("palpation (e.g. Bladder and Spleen meridians)", blank=True)
    baseline_first_step_pain = models.DecimalField(
        "first-step pain (VAS 0–10)", max_digits=3, decimal_places=1, validators=VAS_VALIDATORS
    )
    baseline_average_pain = models.DecimalField(
        "average pain over the last week (VAS 0–10)", max_digits=3, decimal_places=1, validators=VAS_VALIDATORS
    )

    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(baseline_first_step_pain__gte=0, baseline_first_step_pain__lte=10)
                & Q(baseline_average_pain__gte=0, baseline_average_pain__lte=10),
                name="intake_baseline_vas_0_10",
            ),
            models.CheckConstraint(
                condition=Q(height_cm__isnull=True) | Q(height_cm__gte=50, height_cm__lte=250),
                name="intake_height_human_range",
            ),
            models.CheckConstraint(
                condition=Q(weight_kg__isnull=True) | Q(weight_kg__gte=20, weight_kg__lte=350),
                name="intake_weight_human_range",
            ),
            models.CheckConstraint(
                condition=Q(pregnant=False) | Q(pregnancy_due_date__isnull=False),
                name="intake_pregnancy_has_due_date",
            ),
        ]

    def __str__(self) -> str:
        return f"Intake for {self.patient}"

    @property
    def bmi(self) -> Decimal | None:
        if not self.height_cm or not self.weight_kg:
            return None
        metres = self.height_cm / 100
        return (self.weight_kg / (metres * metres)).quantize(Decimal("0.1"))

    def get_aggravators_display(self) -> list[str]:
        labels = dict(self.Aggravator.choices)
        return [labels.get(value, value) for value in self.aggravators]


class PriorTreatment(models.Model):
    class Kind(models.TextChoices):
        ORTHOTICS = "orthotics", "Orthotics or insoles"
        PHYSICAL_THERAPY = "physical_therapy", "Physical therapy"
        INJECTION = "injection", "Injections"
        NSAIDS = "nsaids", "NSAIDs"
        SURGERY = "surgery", "Surgery"
        OTHER = "other", "Other"

    class Outcome(models.TextChoices):
        HELPED = "helped", "Helped"
        PARTLY = "partly", "Helped a little"
        NO_CHANGE = "no_change", "No change"
        WORSE = "worse", "Made it worse"

    intake = models.ForeignKey(Intake, on_delete=models.PROTECT, related_name="prior_treatments")
    kind = models.CharField("treatment", max_length=20, choices=Kind.choices)
    outcome = models.CharField("how it worked", max_length=10, choices=Outcome.choices)
    note = models.CharField(max_length=200, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.get_outcome_display()}"


# ---------------------------------------------------------------------------
# Diagnoses (ICD-10-CM)
# ---------------------------------------------------------------------------


class DiagnosisCode(models.TextChoices):
    PLANTAR_FASCIITIS = "M72.2", "M72.2 Plantar fasciitis"
    SPUR_RIGHT = "M77.31", "M77.31 Calcaneal spur, right foot"
    SPUR_LEFT = "M77.32", "M77.32 Calcaneal spur, left foot"
    SPUR_UNSPECIFIED = "M77.30", "M77.30 Calcaneal spur, unspecified foot"
    POLYNEUROPATHY = "G62.9", "G62.9 Polyneuropathy, unspecified"
    DIABETIC_POLYNEUROPATHY = "E11.42", "E11.42 Type 2 diabetes with diabetic polyneuropathy"
    PARESTHESIA = "R20.2", "R20.2 Paresthesia of skin"
    NUMBNESS = "R20.0", "R20.0 Anesthesia (numbness) of skin"
    FOOT_PAIN_RIGHT = "M79.671", "M79.671 Pain in right foot"
    FOOT_PAIN_LEFT = "M79.672", "M79.672 Pain in left foot"


# Codes that name a side themselves: the recorded side must agree.
CODE_SIDE = {
    DiagnosisCode.SPUR_RIGHT: Side.RIGHT,
    DiagnosisCode.SPUR_LEFT: Side.LEFT,
    DiagnosisCode.FOOT_PAIN_RIGHT: Side.RIGHT,
    DiagnosisCode.FOOT_PAIN_LEFT: Side.LEFT,
}
NEUROPATHY_CODES = {DiagnosisCode.POLYNEUROPATHY, DiagnosisCode.DIABETIC_POLYNEUROPATHY}


class Diagnosis(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        RESOLVED = "resolved", "Resolved"

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="diagnoses")
    code = models.CharField("diagnosis", max_length=8, choices=DiagnosisCode.choices)
    side = models.CharField(max_length=5, choices=Side.choices)
    onset_date = models.DateField("onset", null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    note = models.CharField(max_length=200, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name_plural = "diagnoses"
        ordering = ["status", "-recorded_at"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(code__in=["M77.31", "M79.671"]) | Q(side="right"), name="diagnosis_right_code_right_side"
            ),
            models.CheckConstraint(
                condition=~Q(code__in=["M77.32", "M79.672"]) | Q(side="left"), name="diagnosis_left_code_left_side"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_code_display()} ({self.get_side_display().lower()})"

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE


# ---------------------------------------------------------------------------
# Consent to acupuncture
# ---------------------------------------------------------------------------


class ConsentQuerySet(models.QuerySet):
    def in_force(self):
        return self.filter(withdrawn_on__isnull=True)


class Consent(models.Model):
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="consents")
    given_on = models.DateField("consent signed on")
    covers_acupuncture = models.BooleanField("acupuncture", default=True)
    covers_electroacupuncture = models.BooleanField("electroacupuncture", default=False)
    covers_heat = models.BooleanField("heat or moxibustion", default=False)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)
    withdrawn_on = models.DateField("withdrawn on", null=True, blank=True)
    withdrawal_reason = models.CharField("reason for withdrawal", max_length=200, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = ConsentQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-given_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gte=models.F("given_on")),
                name="consent_withdrawn_after_given",
            ),
            # Electroacupuncture and heat are additions to needling, never consented to alone.
            models.CheckConstraint(
                condition=Q(covers_acupuncture=True) | Q(covers_electroacupuncture=False, covers_heat=False),
                name="consent_extras_need_acupuncture",
            ),
        ]

    def __str__(self) -> str:
        return f"Consent of {self.given_on:%Y-%m-%d} ({', '.join(self.covers) or 'nothing'})"

    @property
    def in_force(self) -> bool:
        return self.withdrawn_on is None and self.covers_acupuncture

    @property
    def covers(self) -> list[str]:
        parts = []
        if self.covers_acupuncture:
            parts.append("acupuncture")
        if self.covers_electroacupuncture:
            parts.append("electroacupuncture")
        if self.covers_heat:
            parts.append("heat")
        return parts

    def withdraw(self, *, on: date, reason: str, by) -> None:
        self.withdrawn_on = on
        self.withdrawal_reason = reason
        self.withdrawn_by = by
        self.save(update_fields=["withdrawn_on", "withdrawal_reason", "withdrawn_by"])


# ---------------------------------------------------------------------------
# Symptom records placed on the foot
# ---------------------------------------------------------------------------


class FootRegion(models.TextChoices):
    """Places on one foot; a record names them per foot, e.g. 'left:heel_medial'."""

    HEEL_MEDIAL = "heel_medial", "Heel, inner side"
    HEEL_CENTRAL = "heel_central", "Heel, centre"
    HEEL_LATERAL = "heel_lateral", "Heel, outer side"
    ARCH = "arch", "Arch"
    BALL = "ball", "Ball of foot"
    TOES = "toes", "Toes"
    TOP = "top", "Top of foot"
    ANKLE = "ankle", "Ankle"


FOOT_SPOTS = [f"{foot}:{region}" for foot in (Side.LEFT, Side.RIGHT) for region in FootRegion.values]


def foot_spot_label(spot: str) -> str:
    foot, region = spot.split(":", 1)
    return f"{Side(foot).label} {FootRegion(region).label.lower()}"


FOOT_SPOT_CHOICES = [(spot, foot_spot_label(spot)) for spot in FOOT_SPOTS]


class SymptomRecord(models.Model):
    class Symptom(models.TextChoices):
        HEEL_PAIN = "heel_pain", "Heel pain"
        ARCH_PAIN = "arch_pain", "Arch pain"
        NUMBNESS = "numbness", "Numbness"
        TINGLING = "tingling", "Tingling (pins and needles)"
        BURNING = "burning", "Burning"
        SHARP = "sharp", "Sharp or stabbing pain"
        STIFFNESS = "stiffness", "Stiffness"
        WEAKNESS = "weakness", "Weakness"
        CRAMPING = "cramping", "Cramping"
        OTHER = "other", "Other"

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="symptom_records")
    recorded_on = models.DateField("date")
    symptom = models.CharField(max_length=12, choices=Symptom.choices)
    symptom_other = models.CharField("other symptom", max_length=80, blank=True)
    spots = ArrayField(models.CharField(max_length=20, choices=FOOT_SPOT_CHOICES), verbose_name="where on the foot")
    side = models.CharField(max_length=5, choices=Side.choices, editable=False)
    severity = models.PositiveSmallIntegerField(
        "severity (0–10)", validators=[MinValueValidator(0), MaxValueValidator(10)]
    )
    timing = models.CharField("when it is worst", max_length=20, choices=Timing.choices, blank=True)
    note = models.CharField(max_length=300, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-recorded_on", "-id"]
        indexes = [models.Index(fields=["patient", "-recorded_on"], name="symptom_patient_date")]
        constraints = [
            models.CheckConstraint(condition=Q(severity__gte=0, severity__lte=10), name="symptom_severity_0_10"),
            models.CheckConstraint(condition=Q(spots__len__gt=0), name="symptom_has_a_place"),
            models.CheckConstraint(condition=~Q(symptom="other") | ~Q(symptom_other=""), name="symptom_other_is_named"),
        ]

    def __str__(self) -> str:
        return f"{self.symptom_label} {self.severity}/10 on {self.recorded_on}"

    def save(self, *args, **kwargs):
        self.side = self.side_of(self.spots)
        return super().save(*args, **kwargs)

    @staticmethod
    def side_of(spots: list[str]) -> str:
        feet = {spot.split(":", 1)[0] for spot in spots}
        if feet == {Side.LEFT}:
            return Side.LEFT
        if feet == {Side.RIGHT}:
            return Side.RIGHT
        return Side.BOTH

    @property
    def symptom_label(self) -> str:
        return self.symptom_other if self.symptom == self.Symptom.OTHER else self.get_symptom_display()

    @property
    def spot_labels(self) -> list[str]:
        return [foot_spot_label(spot) for spot in self.spots]
