"""One row per plan with every value the outcomes pages aggregate, kept up to date by the database.

Reading the outcomes from the sessions themselves costs a window over every signed session in the clinic's
history on every page view; a chain's ten years made that seconds per page. PostgreSQL keeps this table
instead: statement triggers on plans, sessions, appointments, follow-ups, intakes, adverse events and the
relief rule recompute the rows of the plans a statement touched, in the same transaction
(migration 0011 holds the SQL and treatments/progress/plan_outcomes.py how to rebuild it). Nothing in
Python writes here.

Definitions (docs/clinical/measuring-progress.md#outcomes-table), as in PlanProgress:
* baseline: the intake's first-step pain, or the first signed session's when there is no intake;
* end of plan: the last signed session's first-step pain before needling; reduction = baseline - end;
* relief: the first signed session meeting the relief rule in force (ReliefRule.is_met_by in SQL);
* the follow-up's relapse judgement is the stored one, counted only inside its window.
"""

import math
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.utils import timezone

from treatments.models.plans import TreatmentPlan


def _not_a_constraint(model, **options):
    # The triggers write this table; the plan, patient and people it names are never deleted (PROTECT), and a
    # constraint check per row would only slow the rebuild after a bulk load.
    return models.ForeignKey(model, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+", **options)


class PlanOutcomeQuerySet(models.QuerySet):
    def in_scope(self, scope) -> "PlanOutcomeQuerySet":
        """The plans an outcomes filter (treatments.progress.outcomes.Scope) selects."""
        rows = self
        if scope.completed_only:
            rows = rows.filter(status="completed")
        if scope.approach:
            rows = rows.filter(approach=scope.approach)
        for practitioner in (scope.practitioner_id, scope.only_practitioner_id):
            if practitioner is not None:
                rows = rows.filter(practitioner_id=practitioner)
        if scope.location_id is not None:
            rows = rows.filter(location_id=scope.location_id)
        # Dates are the clinic's local days: from the first day's midnight to the midnight after the last.
        if scope.started_from is not None:
            rows = rows.filter(started_at__gte=local_midnight(scope.started_from))
        if scope.started_to is not None:
            rows = rows.filter(started_at__lt=local_midnight(scope.started_to + timedelta(days=1)))
        if scope.diagnosis_code:
            coded = TreatmentPlan.diagnoses.through.objects.filter(diagnosis__code=scope.diagnosis_code)
            rows = rows.filter(plan_id__in=coded.values("treatmentplan_id"))
        return rows


def local_midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


class PlanOutcome(models.Model):
    plan = models.OneToOneField(
        "treatments.TreatmentPlan",
        primary_key=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="outcome",
    )
    patient = _not_a_constraint("patients.Patient")
    practitioner = _not_a_constraint(settings.AUTH_USER_MODEL)
    approach = models.CharField(max_length=20)
    status = models.CharField(max_length=15)
    sessions_planned = models.PositiveSmallIntegerField()
    # The first appointment's start (the plan's creation when none is booked), and that appointment's location.
    started_at = models.DateTimeField()
    location = _not_a_constraint("treatments.Location", null=True)
    sessions = models.PositiveIntegerField(null=True)  # signed sessions; NULL when there is none
    baseline_first_step = models.DecimalField(max_digits=3, decimal_places=1, null=True)
    end_first_step = models.DecimalField(max_digits=3, decimal_places=1, null=True)
    reduction = models.DecimalField(max_digits=3, decimal_places=1, null=True)
    relief_session = models.PositiveIntegerField(null=True)
    weeks_to_relief = models.DecimalField(max_digits=6, decimal_places=1, null=True)
    improved_by_4 = models.BooleanField(null=True)  # NULL: fewer than 4 signed sessions
    # NULL, not "": no intake (or no NSAID use at the last session) is missing data, counted as such.
    nsaid_start = models.CharField(max_length=12, null=True)  # noqa: DJ001
    nsaid_end = models.CharField(max_length=12, null=True)  # noqa: DJ001
    nsaid_reduced = models.BooleanField(null=True)
    nsaid_not_applicable = models.BooleanField()
    follow_up_on = models.DateField(null=True)
    outside_window = models.BooleanField(null=True)
    never_relieved = models.BooleanField(null=True)
    relapsed = models.BooleanField(null=True)
    # First-step pain before needling at each signed session, in order: the mean-by-session chart.
    first_steps = ArrayField(models.DecimalField(max_digits=3, decimal_places=1), default=list)
    adverse_events = models.PositiveIntegerField(default=0)  # events recorded in signed sessions
    sessions_with_adverse_events = models.PositiveIntegerField(default=0)

    objects = PlanOutcomeQuerySet.as_manager()
    # Reports read this table from the read replica when there is one (clinic/db_routers.py).
    read_from_reports = True

    class Meta:
        indexes = [
            models.Index(fields=["status", "started_at", "plan"], name="plan_outcome_status_start"),
            models.Index(fields=["practitioner", "status"], name="plan_outcome_practitioner"),
            models.Index(fields=["started_at"], name="plan_outcome_started_at"),
            models.Index(fields=["location", "status"], name="plan_outcome_location"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(sessions__gte=1) | Q(sessions__isnull=True), name="plan_outcome_sessions"
            ),
        ]

    def __str__(self) -> str:
        return f"Outcome of plan {self.plan_id}"

    @property
    def midpoint(self) -> int:
        """The session at which the plan is half done (PlanProgress.midpoint; the midpoint review)."""
        return math.ceil(self.sessions_planned / 2)
