"""Published figures the clinic's own results are shown beside: outcomes by condition and approach.

They are a source's claims, for comparison only (docs/clinical/measuring-progress.md#published-reference-figures);
clinic admins edit them and add newer sets, and a set is archived, never deleted.
"""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from patients.models import DiagnosisCode
from treatments.models.plans import TreatmentPlan


def _percent_field(verbose_name: str):
    return models.PositiveSmallIntegerField(
        verbose_name, null=True, blank=True, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )


class ReferenceFiguresQuerySet(models.QuerySet):
    def active_for(self, condition_code: str) -> dict[str, "ReferenceFigures"]:
        """The active sets for one condition, by approach ("" is standard care). One query."""
        return {figures.approach: figures for figures in self.filter(is_active=True, condition_code=condition_code)}


class ReferenceFigures(models.Model):
    """Published outcome figures for one condition and approach, shown beside the clinic's own.

    They are a source's claims, for comparison only (docs/clinical/measuring-progress.md#published-reference-figures).
    A blank approach is standard care: a reference row only, as the clinic records acupuncture courses alone.
    Sets are archived (not active), never deleted; one active set per condition and approach.
    """

    condition_code = models.CharField(
        "condition (ICD-10-CM code)",
        max_length=10,
        choices=DiagnosisCode.choices,
        default=DiagnosisCode.PLANTAR_FASCIITIS,
    )
    approach = models.CharField(
        "approach",
        max_length=20,
        choices=TreatmentPlan.Approach.choices,
        blank=True,
        help_text="Leave empty for standard care (shown as a reference row only).",
    )
    citation = models.TextField("source", help_text="Who published these figures, where and when.")
    mean_reduction = models.DecimalField(
        "mean fall in first-step pain (points, VAS 0–10)",
        max_digits=3,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("10"))],
    )
    weeks_to_relief_low = models.PositiveSmallIntegerField(
        "weeks to relief, from", null=True, blank=True, validators=[MaxValueValidator(104)]
    )
    weeks_to_relief_high = models.PositiveSmallIntegerField(
        "weeks to relief, to", null=True, blank=True, validators=[MaxValueValidator(104)]
    )
    relapse_percent = _percent_field("relapse within 6 months (%)")
    improved_after_4_percent = _percent_field("significantly improved after 4 sessions (%)")
    nsaid_reduced_percent = _percent_field("reduced or stopped daily NSAIDs (%)")
    # Sources give some shares only as a bound ("more than half").
    nsaid_reduced_is_lower_bound = models.BooleanField("NSAID share is a lower bound (“more than”)", default=False)
    is_active = models.BooleanField("shown beside the clinic's figures", default=True)

    history = HistoricalRecords()
    objects = ReferenceFiguresQuerySet.as_manager()

    class Meta:
        verbose_name = "published reference figures"
        verbose_name_plural = "published reference figures"
        ordering = ["condition_code", "approach", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(mean_reduction__isnull=True) | Q(mean_reduction__gte=0, mean_reduction__lte=10),
                name="reference_mean_reduction_0_10",
            ),
            models.CheckConstraint(
                condition=(Q(relapse_percent__isnull=True) | Q(relapse_percent__lte=100))
                & (Q(improved_after_4_percent__isnull=True) | Q(improved_after_4_percent__lte=100))
                & (Q(nsaid_reduced_percent__isnull=True) | Q(nsaid_reduced_percent__lte=100)),
                name="reference_percent_0_100",
            ),
            models.CheckConstraint(
                condition=Q(weeks_to_relief_low__isnull=True)
                | Q(weeks_to_relief_high__isnull=True)
                | Q(weeks_to_relief_low__lte=F("weeks_to_relief_high")),
                name="reference_weeks_low_le_high",
            ),
            models.CheckConstraint(condition=~Q(citation=""), name="reference_has_citation"),
            models.UniqueConstraint(
                fields=["condition_code", "approach"],
                condition=Q(is_active=True),
                name="reference_one_active_set",
                violation_error_message=(
                    "There is already an active set for this condition and approach: archive it first "
                    "(untick “shown beside the clinic's figures”)."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.condition_code} · {self.approach_label}"

    def clean(self):
        low, high = self.weeks_to_relief_low, self.weeks_to_relief_high
        if low is not None and high is not None and low > high:
            raise ValidationError(
                {"weeks_to_relief_high": f"The weeks to relief cannot end before they start ({low})."}
            )

    @property
    def approach_label(self) -> str:
        return self.get_approach_display() if self.approach else "Standard care"

    @property
    def weeks_to_relief(self) -> str:
        low, high = self.weeks_to_relief_low, self.weeks_to_relief_high
        if low is None and high is None:
            return ""
        if low is None or high is None or low == high:
            return f"{low if low is not None else high}"
        return f"{low}–{high}"

    @property
    def nsaid_reduced(self) -> str:
        if self.nsaid_reduced_percent is None:
            return ""
        return f"{'more than ' if self.nsaid_reduced_is_lower_bound else ''}{self.nsaid_reduced_percent}%"


def _rate_field(verbose_name: str, *, ceiling: int, help_text: str = ""):
    return models.DecimalField(
        verbose_name,
        max_digits=7,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal(ceiling))],
        help_text=help_text,
    )


class AdverseEventReferenceQuerySet(models.QuerySet):
    def active(self) -> "AdverseEventReference | None":
        return self.filter(is_active=True).first()


class AdverseEventReference(models.Model):
    """Published adverse-event rates, shown beside the clinic's own on the outcomes page.

    The clinic records severity as mild, moderate or severe; a published "minor" event is compared with the
    clinic's mild and moderate ones, a "serious" one with its severe ones
    (docs/clinical/measuring-progress.md#adverse-events). One set is active; the others are archived, never deleted.
    """

    citation = models.TextField("source", help_text="Who published these rates, where and when.")
    minor_session_percent = _rate_field(
        "treatments with a minor event (%)", ceiling=100, help_text="Share of treatment sessions, 0–100."
    )
    minor_patient_percent = _rate_field(
        "patients with a minor event (%)", ceiling=100, help_text="Share of patients over their course, 0–100."
    )
    serious_per_10000_patients = _rate_field(
        "patients with a serious event (per 10,000)", ceiling=10000, help_text="For example 1 for 1 in 10,000."
    )
    is_active = models.BooleanField("shown beside the clinic's figures", default=True)

    history = HistoricalRecords()
    objects = AdverseEventReferenceQuerySet.as_manager()

    class Meta:
        verbose_name = "published adverse-event rates"
        verbose_name_plural = "published adverse-event rates"
        ordering = ["-is_active", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(minor_session_percent__isnull=True) | Q(minor_session_percent__range=(0, 100)))
                & (Q(minor_patient_percent__isnull=True) | Q(minor_patient_percent__range=(0, 100)))
                & (Q(serious_per_10000_patients__isnull=True) | Q(serious_per_10000_patients__range=(0, 10000))),
                name="adverse_reference_rates_in_range",
            ),
            models.CheckConstraint(condition=~Q(citation=""), name="adverse_reference_has_citation"),
            models.UniqueConstraint(
                fields=["is_active"],
                condition=Q(is_active=True),
                name="adverse_reference_one_active_set",
                violation_error_message=(
                    "Another set of adverse-event rates is shown already: archive it first "
                    "(untick “shown beside the clinic's figures”)."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.citation[:60]
