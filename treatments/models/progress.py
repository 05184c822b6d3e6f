"""The clinic's relief rule, and the 6-month follow-up that asks whether the pain came back.

Definitions: docs/clinical/measuring-progress.md.
"""

from datetime import date, datetime
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from treatments.models.sessions import _points, vas_field, vas_range


class ReliefRule(models.Model):
    """The clinic's definition of meaningful relief and of relapse. The newest row is in force.

    Defaults (docs/clinical/measuring-progress.md#meaningful-change): a fall of 19 mm (1.9 points) in
    first-step pain for plantar heel pain (Landorf, Radford & Hudson 2010), or for pain in
    general a fall of at least 30% and at least 2 points (Farrar 2001).
    """

    first_step_drop = models.DecimalField(
        "first-step pain falls by at least (points)",
        max_digits=3,
        decimal_places=1,
        default=Decimal("1.9"),
        validators=[MinValueValidator(Decimal("0.1")), MaxValueValidator(Decimal("10"))],
    )
    average_drop_percent = models.PositiveSmallIntegerField(
        "or average pain falls by at least (%)", default=30, validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    average_drop_points = models.DecimalField(
        "and by at least (points)",
        max_digits=3,
        decimal_places=1,
        default=Decimal("2.0"),
        validators=[MinValueValidator(Decimal("0.1")), MaxValueValidator(Decimal("10"))],
    )
    relapse_rise = models.DecimalField(
        "relapse: first-step pain rises again by at least (points)",
        max_digits=3,
        decimal_places=1,
        default=Decimal("1.9"),
        validators=[MinValueValidator(Decimal("0.1")), MaxValueValidator(Decimal("10"))],
    )
    # The window in which a follow-up counts as the 6-month one, in calendar months after the plan's last session.
    follow_up_from_months = models.PositiveSmallIntegerField(
        "6-month follow-up counts from (months after the last session)",
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(24)],
    )
    follow_up_to_months = models.PositiveSmallIntegerField(
        "until (months after the last session)",
        default=8,
        validators=[MinValueValidator(1), MaxValueValidator(24)],
    )
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    changed_at = models.DateTimeField(auto_now_add=True)
    note = models.CharField("why it changed", max_length=200, blank=True)

    class Meta:
        ordering = ["-changed_at", "-id"]
        get_latest_by = ["changed_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(first_step_drop__gt=0, average_drop_points__gt=0, relapse_rise__gt=0)
                & Q(average_drop_percent__gte=1, average_drop_percent__lte=100),
                name="relief_rule_positive",
            ),
            models.CheckConstraint(
                condition=Q(follow_up_from_months__gte=1, follow_up_to_months__lte=24)
                & Q(follow_up_from_months__lte=F("follow_up_to_months")),
                name="relief_rule_follow_up_window",
            ),
        ]

    def __str__(self) -> str:
        return self.describe()

    @classmethod
    def in_force(cls, at: datetime | None = None) -> "ReliefRule":
        """The newest rule (as it stood at `at`, if given), or the defaults (unsaved) when none was set by then."""
        rules = cls.objects.filter(changed_at__lte=at) if at is not None else cls.objects.all()
        return rules.order_by("-changed_at", "-id").first() or cls()

    def describe(self) -> str:
        return (
            f"first-step pain down at least {_points(self.first_step_drop)} points, or average pain down at least "
            f"{self.average_drop_percent}% and at least {_points(self.average_drop_points)} points"
        )

    def describe_relapse(self) -> str:
        return (
            f"first-step pain back up by at least {_points(self.relapse_rise)} points since the last session of the "
            "plan, or a new course of treatment needed"
        )

    def describe_follow_up_window(self) -> str:
        return f"{self.follow_up_from_months} to {self.follow_up_to_months} months after the last session of the plan"

    def follow_up_window(self, last_session_day: date) -> tuple[date, date]:
        """The first and last day (both included) on which a follow-up counts as the 6-month one."""
        return (
            last_session_day + relativedelta(months=self.follow_up_from_months),
            last_session_day + relativedelta(months=self.follow_up_to_months),
        )

    def is_met_by(
        self,
        *,
        baseline_first_step: Decimal | None,
        baseline_average: Decimal | None,
        first_step: Decimal | None,
        average: Decimal | None,
    ) -> bool:
        """Whether pain now (first-step, average) is meaningful relief from the baseline; a missing value meets nothing.

        The outcomes table says the same in SQL (treatments.progress.outcomes, CTE `judged`);
        tests/treatments/test_outcomes_agree_with_progress.py holds the two together.
        """
        if (
            baseline_first_step is not None
            and first_step is not None
            and baseline_first_step - first_step >= self.first_step_drop
        ):
            return True
        # A baseline of 0 leaves no pain to lose, and no percentage to take of it.
        if baseline_average is not None and average is not None and baseline_average > 0:
            drop = baseline_average - average
            if drop >= self.average_drop_points and drop * 100 >= baseline_average * self.average_drop_percent:
                return True
        return False

    def is_relapse(
        self, *, end_first_step: Decimal | None, follow_up_first_step: Decimal | None, new_treatment_needed: bool
    ) -> bool:
        """At follow-up: a new course is needed, or first-step pain rose by the relapse amount since the plan ended.

        `end_first_step` is the end of plan as everywhere else: the last signed session's score, before needling
        (PlanProgress.end_first_step). Only a plan that reached relief can relapse: PlanProgress.relapse_at asks
        that first, and this rule only for a plan that did.
        """
        if new_treatment_needed:
            return True
        if end_first_step is None or follow_up_first_step is None:
            return False
        return follow_up_first_step - end_first_step >= self.relapse_rise


class FollowUp(models.Model):
    """The check six months after a course ends: is the pain back?"""

    plan = models.OneToOneField("treatments.TreatmentPlan", on_delete=models.PROTECT, related_name="follow_up")
    due_on = models.DateField("due on")
    appointment = models.ForeignKey(
        "treatments.Appointment", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_on = models.DateField(null=True, blank=True)
    first_step_pain = vas_field("first-step pain now", required=False)
    average_pain = vas_field("average pain now", required=False)
    symptoms_returned = models.BooleanField("symptoms came back", default=False)
    new_treatment_needed = models.BooleanField("needs a new course of treatment", default=False)
    relapsed = models.BooleanField(
        null=True,
        editable=False,
        help_text="Judged by the relief rule in force; left empty for a plan that never reached relief.",
    )
    # A plan that never reached meaningful relief cannot relapse from it: its follow-up is kept, not judged.
    never_relieved = models.BooleanField("never reached relief", default=False, editable=False)
    # The 6-month window of the rule in force when the follow-up was recorded; outside it, it is kept, not counted.
    window_opens_on = models.DateField("counts as the 6-month follow-up from", null=True, blank=True, editable=False)
    window_closes_on = models.DateField("until", null=True, blank=True, editable=False)
    notes = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["due_on"]
        indexes = [models.Index(fields=["due_on"], name="follow_up_due")]
        constraints = [
            models.CheckConstraint(condition=vas_range("first_step_pain", "average_pain"), name="follow_up_vas_0_10"),
            models.CheckConstraint(
                condition=Q(recorded_on__isnull=True)
                | Q(relapsed__isnull=False, never_relieved=False)
                | Q(relapsed__isnull=True, never_relieved=True),
                name="follow_up_recorded_is_judged",
            ),
            models.CheckConstraint(
                condition=Q(recorded_on__isnull=True)
                | Q(
                    window_opens_on__isnull=False,
                    window_closes_on__isnull=False,
                    window_opens_on__lte=F("window_closes_on"),
                ),
                name="follow_up_recorded_has_window",
            ),
        ]

    def __str__(self) -> str:
        return f"Follow-up due {self.due_on}"

    @property
    def is_recorded(self) -> bool:
        return self.recorded_on is not None

    @property
    def in_window(self) -> bool | None:
        """Whether the recorded follow-up counts as the 6-month one (None until it is recorded)."""
        if not self.is_recorded:
            return None
        return self.window_opens_on <= self.recorded_on <= self.window_closes_on

    @property
    def verdict(self) -> str:
        if not self.is_recorded:
            return ""
        if self.never_relieved:
            return "Never relieved"
        return "Relapse" if self.relapsed else "No relapse"
