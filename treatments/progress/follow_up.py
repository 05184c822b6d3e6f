"""The check six months after a course ends: proposing it, and recording what it found.

A completed plan gets one FollowUp, due six months after its last signed
session. Recording it judges relapse by the relief rule in force at that
moment and stores the verdict, so a later change of rule never rewrites a
patient's history. It also stores that rule's follow-up window: a follow-up
recorded outside it is kept but does not count as the 6-month one. A plan
that never reached relief is not judged (relapsed is None, never_relieved).

Definitions: docs/clinical/measuring-progress.md#follow-up-and-relapse.
"""

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.db import transaction
from django.utils import timezone

from treatments.models import FollowUp, ReliefRule, TreatmentPlan, TreatmentSession
from treatments.progress.plan_progress import plan_progress

FOLLOW_UP_AFTER = relativedelta(months=6)


def last_session_day(plan: TreatmentPlan) -> date | None:
    session = (
        TreatmentSession.objects.filter(plan=plan)
        .signed()
        .select_related("appointment")
        .order_by("-appointment__starts_at", "-id")
        .first()
    )
    return timezone.localdate(session.appointment.starts_at) if session else None


@transaction.atomic
def follow_up_propose(*, plan: TreatmentPlan, by, now: datetime | None = None) -> FollowUp | None:
    """The plan's follow-up, created when the plan is completed; the existing one if it was proposed already.

    It is due six months after the last signed session (after `now` for a plan without one).
    """
    if plan.status != TreatmentPlan.Status.COMPLETED:
        return None
    # The plan's row lock makes two requests for the same plan take turns, so only one proposes.
    TreatmentPlan.objects.select_for_update().filter(pk=plan.pk).values_list("pk").get()
    existing = FollowUp.objects.filter(plan=plan).first()
    if existing is not None:
        return existing
    follow_up = FollowUp(plan=plan, due_on=(last_session_day(plan) or timezone.localdate(now)) + FOLLOW_UP_AFTER)
    follow_up._history_user = by  # the audit history names who proposed it, in a request or not
    follow_up.save()
    return follow_up


@dataclass(frozen=True)
class FollowUpFindings:
    recorded_on: date
    first_step_pain: Decimal
    average_pain: Decimal
    symptoms_returned: bool
    new_treatment_needed: bool
    notes: str = ""


@transaction.atomic
def follow_up_record(*, follow_up: FollowUp, findings: FollowUpFindings, by, now: datetime | None = None) -> FollowUp:
    """Store what the follow-up found and judge relapse against the end of the plan, by the rule in force.

    Raises ValueError for findings dated after `now`'s day: the form refuses those first, at the field.
    """
    if findings.recorded_on > timezone.localdate(now):
        raise ValueError("This date is in the future: record the follow-up once it has happened.")
    rule = ReliefRule.in_force()
    progress = plan_progress(follow_up.plan, rule=rule)
    # Without a signed session the window is counted from the day the follow-up's due date was set from.
    last_day = progress.latest.day if progress.latest else follow_up.due_on - FOLLOW_UP_AFTER
    follow_up.recorded_on = findings.recorded_on
    follow_up.first_step_pain = findings.first_step_pain
    follow_up.average_pain = findings.average_pain
    follow_up.symptoms_returned = findings.symptoms_returned
    follow_up.new_treatment_needed = findings.new_treatment_needed
    follow_up.notes = findings.notes
    follow_up.recorded_by = by
    follow_up.relapsed = progress.relapse_at(
        follow_up_first_step=findings.first_step_pain, new_treatment_needed=findings.new_treatment_needed
    )
    follow_up.never_relieved = progress.never_relieved
    follow_up.window_opens_on, follow_up.window_closes_on = rule.follow_up_window(last_day)
    follow_up._history_user = by
    follow_up.save(
        update_fields=[
            "recorded_on",
            "first_step_pain",
            "average_pain",
            "symptoms_returned",
            "new_treatment_needed",
            "notes",
            "recorded_by",
            "relapsed",
            "never_relieved",
            "window_opens_on",
            "window_closes_on",
        ]
    )
    return follow_up


@transaction.atomic
def follow_up_rejudge(*, follow_up: FollowUp, by=None, apply: bool = False) -> tuple[str, str] | None:
    """Judge a recorded follow-up again by today's definitions, with the rule in force when it was recorded.

    For follow-ups stored before the end of plan was defined once (the last signed session's pain before
    needling) and before a never-relieved plan was kept apart from relapse. Returns the verdict before and
    after when they differ (None when they agree), and stores the new one only with `apply`.
    """
    if not follow_up.is_recorded:
        return None
    last_saved = follow_up.history.order_by("-history_date").values_list("history_date", flat=True).first()
    progress = plan_progress(follow_up.plan, rule=ReliefRule.in_force(at=last_saved))
    relapsed = progress.relapse_at(
        follow_up_first_step=follow_up.first_step_pain, new_treatment_needed=follow_up.new_treatment_needed
    )
    before = follow_up.verdict
    if (relapsed, progress.never_relieved) == (follow_up.relapsed, follow_up.never_relieved):
        return None
    follow_up.relapsed, follow_up.never_relieved = relapsed, progress.never_relieved
    if apply:
        follow_up._history_user = by
        follow_up._change_reason = "Judged again: one end of plan (pain before needling); never relieved kept apart"
        follow_up.save(update_fields=["relapsed", "never_relieved"])
    return before, follow_up.verdict
