"""How a patient's pain changes over a course, judged by the clinic's relief rule.

Definitions (the progress pages print them):

* **Baseline**: the intake's first-step and average pain; when there is no
  intake, the first signed session's pain before treatment.
* Each session's **score** is the pain reported *before* needling (the morning
  first-step pain and the average over the last week): it measures how the
  patient has been since the last visit. The pain *after* needling is shown
  beside it as the session's immediate effect.
* **Meaningful relief** is reached at the first session whose score meets the
  rule in force (ReliefRule.is_met_by): first-step pain down by at least N
  points, or average pain down by at least P% and at least M points.
* **Time to meaningful relief**: weeks from the first session to that one.
* A plan with no meaningful relief by its **midpoint** (half its planned
  sessions signed) is flagged for review.
* **End of plan** (`end_first_step`): the last signed session's score, the
  first-step pain *before* needling, the same value the outcomes table ends on.
  The pain after needling is the session's immediate effect, not where the
  course left the patient.
* **Relapse** at follow-up (`relapse_at`, ReliefRule.is_relapse): first-step
  pain back up by at least the rule's relapse amount since the end of plan, or a
  new course needed. A plan that never reached meaningful relief cannot relapse
  from it: its follow-up is not judged (None) and counted apart.
"""

import math
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone

from patients.models import Intake, Patient
from treatments.models import FollowUp, ReliefRule, TreatmentPlan, TreatmentSession

ONE_DECIMAL = Decimal("0.1")


def _round(value: Decimal | float | None) -> Decimal | None:
    return None if value is None else Decimal(value).quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class SessionScore:
    number: int
    session_id: int
    day: date
    first_step_before: Decimal | None
    first_step_after: Decimal | None
    average_before: Decimal | None
    average_after: Decimal | None
    meets_relief: bool


@dataclass
class Change:
    points: Decimal | None
    percent: Decimal | None

    @classmethod
    def between(cls, baseline: Decimal | None, now: Decimal | None) -> "Change":
        if baseline is None or now is None:
            return cls(None, None)
        points = now - baseline
        percent = _round(points * 100 / baseline) if baseline else None
        return cls(_round(points), percent)


@dataclass
class PlanProgress:
    plan: TreatmentPlan | None
    rule: ReliefRule
    baseline_first_step: Decimal | None
    baseline_average: Decimal | None
    baseline_source: str
    scores: list[SessionScore] = field(default_factory=list)

    @property
    def latest(self) -> SessionScore | None:
        return self.scores[-1] if self.scores else None

    @property
    def first_step_change(self) -> Change:
        return Change.between(self.baseline_first_step, self.latest.first_step_before if self.latest else None)

    @property
    def average_change(self) -> Change:
        return Change.between(self.baseline_average, self.latest.average_before if self.latest else None)

    @property
    def relief(self) -> SessionScore | None:
        return next((score for score in self.scores if score.meets_relief), None)

    @property
    def weeks_to_relief(self) -> Decimal | None:
        if not self.relief:
            return None
        return _round(Decimal((self.relief.day - self.scores[0].day).days) / 7)

    @property
    def midpoint(self) -> int | None:
        return math.ceil(self.plan.sessions_planned / 2) if self.plan else None

    @property
    def needs_review(self) -> bool:
        """No meaningful relief by the plan's midpoint (while the plan is active)."""
        if not self.plan or self.plan.status != TreatmentPlan.Status.ACTIVE:
            return False
        return len(self.scores) >= self.midpoint and not any(s.meets_relief for s in self.scores[: self.midpoint])

    @property
    def end_first_step(self) -> Decimal | None:
        """End of plan: the last signed session's first-step pain before needling (its score).

        The one end the outcomes table, the change from baseline and the follow-up all use.
        """
        return self.latest.first_step_before if self.latest else None

    @property
    def never_relieved(self) -> bool:
        """No signed session met the rule: there was no relief to relapse from."""
        return self.relief is None

    def relapse_at(self, *, follow_up_first_step: Decimal | None, new_treatment_needed: bool) -> bool | None:
        """Relapse at follow-up by this progress's rule; None for a plan that never reached relief."""
        if self.never_relieved:
            return None
        return self.rule.is_relapse(
            end_first_step=self.end_first_step,
            follow_up_first_step=follow_up_first_step,
            new_treatment_needed=new_treatment_needed,
        )

    @property
    def sessions_signed(self) -> int:
        return len(self.scores)

    @property
    def first_step_relief_line(self) -> Decimal | None:
        """First-step pain at or below this meets the rule (None when the baseline leaves no room)."""
        if self.baseline_first_step is None:
            return None
        line = self.baseline_first_step - self.rule.first_step_drop
        return line if line >= 0 else None

    @property
    def average_relief_line(self) -> Decimal | None:
        """Average pain at or below this meets the rule: down by the points *and* by the percentage."""
        if not self.baseline_average:
            return None
        by_points = self.baseline_average - self.rule.average_drop_points
        by_percent = self.baseline_average * (100 - self.rule.average_drop_percent) / 100
        line = min(by_points, by_percent)
        return line if line >= 0 else None


def _baseline(intake: Intake | None, sessions: list[TreatmentSession]) -> tuple[Decimal | None, Decimal | None, str]:
    if intake is not None:
        return intake.baseline_first_step_pain, intake.baseline_average_pain, "intake"
    if sessions:
        return sessions[0].first_step_pain_before, sessions[0].average_pain_before, "first session"
    return None, None, "none"


def progress_from(
    *, plan: TreatmentPlan | None, sessions: list[TreatmentSession], intake: Intake | None, rule: ReliefRule
) -> PlanProgress:
    """Pure computation from rows already loaded (sessions must carry their appointment)."""
    first_step, average, source = _baseline(intake, sessions)
    progress = PlanProgress(plan, rule, first_step, average, source)
    for number, session in enumerate(sessions, start=1):
        progress.scores.append(
            SessionScore(
                number=number,
                session_id=session.pk,
                day=timezone.localdate(session.appointment.starts_at),
                first_step_before=session.first_step_pain_before,
                first_step_after=session.first_step_pain_after,
                average_before=session.average_pain_before,
                average_after=session.average_pain_after,
                meets_relief=rule.is_met_by(
                    baseline_first_step=first_step,
                    baseline_average=average,
                    first_step=session.first_step_pain_before,
                    average=session.average_pain_before,
                ),
            )
        )
    return progress


def plan_progress(plan: TreatmentPlan, *, rule: ReliefRule | None = None) -> PlanProgress:
    """Three queries: the rule, the intake, the plan's signed sessions."""
    rule = rule or ReliefRule.in_force()
    intake = Intake.objects.filter(patient_id=plan.patient_id).first()
    sessions = list(plan.sessions.for_progress())
    return progress_from(plan=plan, sessions=sessions, intake=intake, rule=rule)


def patient_progress(patient: Patient, *, rule: ReliefRule | None = None) -> list[PlanProgress]:
    """Every plan of the patient, most recent first, in four queries whatever their number and length.

    The rule, the intake, the plans (with their follow-up) and all their signed
    sessions at once; sessions recorded outside a plan are not part of a course.
    """
    rule = rule or ReliefRule.in_force()
    intake = Intake.objects.filter(patient_id=patient.pk).first()
    plans = list(
        TreatmentPlan.objects.filter(patient_id=patient.pk)
        .select_related("practitioner", "follow_up")
        .order_by("-created_at", "-id")
    )
    by_plan: dict[int, list[TreatmentSession]] = {plan.pk: [] for plan in plans}
    for session in TreatmentSession.objects.filter(patient_id=patient.pk, plan__isnull=False).for_progress():
        by_plan.setdefault(session.plan_id, []).append(session)
    return [progress_from(plan=plan, sessions=by_plan[plan.pk], intake=intake, rule=rule) for plan in plans]


def follow_up_of(plan: TreatmentPlan) -> FollowUp | None:
    """The plan's follow-up if one was proposed (select_related("follow_up") makes this free)."""
    try:
        return plan.follow_up
    except FollowUp.DoesNotExist:
        return None
