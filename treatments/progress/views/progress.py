"""Progress against the clinic's relief rule, the rule itself, and the 6-month follow-up.

Clinicians (practitioners and clinic admins) read all of it; the front desk
none of it. Clinic admins change the relief rule; practitioners record
follow-ups. Each page loads what it shows in a fixed number of queries, however
many sessions or plans there are (treatments.progress.plan_progress does the loading).
"""

from dataclasses import dataclass
from datetime import date

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Max
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString
from django.views.decorators.http import require_GET, require_http_methods

from clinic.access import can_manage_clinic, can_see_clinical, can_write_clinical
from patients.access import patient_for_clinical_read
from patients.models import SymptomRecord
from treatments.access import plan_for_clinical_read, plan_for_clinical_write
from treatments.models import Appointment, FollowUp, ReliefRule, TreatmentPlan
from treatments.progress.follow_up import FollowUpFindings, follow_up_propose, follow_up_record
from treatments.progress.forms.relief_and_follow_up import FollowUpForm, ReliefRuleForm
from treatments.progress.plan_progress import PlanProgress, follow_up_of, patient_progress, plan_progress
from treatments.progress.progress_charts import progress_charts, sparkline

# The symptoms whose course the progress page follows beside the pain scores.
TRENDS = (SymptomRecord.Symptom.NUMBNESS, SymptomRecord.Symptom.TINGLING)
TREND_NAMES = {SymptomRecord.Symptom.NUMBNESS: "Numbness", SymptomRecord.Symptom.TINGLING: "Tingling"}


@dataclass
class Trend:
    name: str
    points: list[tuple[date, int]]
    table_id: str
    svg: SafeString | None


@dataclass
class PlanView:
    """One plan's progress and what its page section draws."""

    progress: PlanProgress
    charts: list
    table_id: str
    follow_up: FollowUp | None

    @property
    def plan(self) -> TreatmentPlan:
        return self.progress.plan


def _plan_view(progress: PlanProgress) -> PlanView:
    key = progress.plan.public_id.hex[:10]
    table_id = f"scores-{key}"
    return PlanView(
        progress=progress,
        charts=progress_charts(progress, id_prefix=f"chart-{key}", table_id=table_id),
        table_id=table_id,
        follow_up=follow_up_of(progress.plan),
    )


def _period(progress: PlanProgress) -> tuple[date, date]:
    """From the plan's start (written, or first session if earlier) to its last session once over, else today."""
    plan = progress.plan
    start = timezone.localdate(plan.created_at)
    if progress.scores:
        start = min(start, progress.scores[0].day)
    if plan.is_finished and progress.scores:
        end = progress.scores[-1].day
    elif plan.is_finished:
        end = timezone.localdate(plan.updated_at)
    else:
        end = timezone.localdate()
    return start, max(start, end)


def symptom_trends(progress: PlanProgress) -> tuple[list[Trend], tuple[date, date]]:
    """Numbness and tingling over the plan's period: the worst severity on each day recorded (one query)."""
    start, end = _period(progress)
    rows = (
        SymptomRecord.objects.filter(
            patient_id=progress.plan.patient_id, symptom__in=TRENDS, recorded_on__range=(start, end)
        )
        .values("symptom", "recorded_on")
        .annotate(worst=Max("severity"))
        .order_by("recorded_on")
    )
    by_symptom: dict[str, list[tuple[date, int]]] = {symptom: [] for symptom in TRENDS}
    for row in rows:
        by_symptom[row["symptom"]].append((row["recorded_on"], row["worst"]))
    trends = []
    for symptom in TRENDS:
        name, points = TREND_NAMES[symptom], by_symptom[symptom]
        table_id = f"trend-{symptom}"
        svg = (
            sparkline(
                chart_id=f"spark-{symptom}",
                title=f"{name}: the worst severity recorded each day, {start:%b} {start.day} to {end:%b} {end.day}",
                points=points,
                start=start,
                end=end,
                table_id=table_id,
            )
            if points
            else None
        )
        trends.append(Trend(name, points, table_id, svg))
    return trends, (start, end)


@require_GET
def plan_progress_page(request: HttpRequest, plan_id) -> HttpResponse:
    plan = plan_for_clinical_read(
        request.user, plan_id, TreatmentPlan.objects.select_related("patient", "practitioner", "follow_up")
    )
    view = _plan_view(plan_progress(plan))
    trends, period = symptom_trends(view.progress)
    return render(
        request,
        "treatments/plan_progress.html",
        {
            "plan": plan,
            "patient": plan.patient,
            "view": view,
            "progress": view.progress,
            "trends": trends,
            "period": period,
            "relapse_rule": view.progress.rule.describe_relapse(),
            "can_change_rule": can_manage_clinic(request.user),
        },
    )


def _overall(views: list[PlanView]) -> dict:
    """The patient's course in one line: plans, signed sessions, relief, and pain now against the baseline."""
    with_sessions = [view for view in views if view.progress.scores]
    latest = with_sessions[0].progress if with_sessions else None
    return {
        "plans": len(views),
        "sessions": sum(view.progress.sessions_signed for view in views),
        "relieved": sum(1 for view in with_sessions if view.progress.relief),
        "with_sessions": len(with_sessions),
        "latest": latest,
        "review": sum(1 for view in views if view.progress.needs_review),
    }


@require_GET
def patient_progress_page(request: HttpRequest, public_id) -> HttpResponse:
    patient = patient_for_clinical_read(request.user, public_id)
    views = [_plan_view(progress) for progress in patient_progress(patient)]
    rule = views[0].progress.rule if views else ReliefRule.in_force()
    return render(
        request,
        "treatments/patient_progress.html",
        {
            "patient": patient,
            "views": views,
            "overall": _overall(views),
            "rule": rule,
            "can_change_rule": can_manage_clinic(request.user),
        },
    )


@require_http_methods(["GET", "POST"])
def relief_rule(request: HttpRequest) -> HttpResponse:
    """Everyone clinical may read the rule and its history; only clinic admins change it."""
    if not can_see_clinical(request.user):
        raise PermissionDenied
    may_change = can_manage_clinic(request.user)
    if request.method == "POST" and not may_change:
        raise PermissionDenied
    history = list(ReliefRule.objects.select_related("changed_by").order_by("-changed_at", "-id"))
    in_force = history[0] if history else ReliefRule()
    form = None
    if may_change:
        form = ReliefRuleForm(request.POST if request.method == "POST" else None, in_force=in_force)
        if request.method == "POST" and form.is_valid():
            rule = form.save(commit=False)
            rule.changed_by = request.user
            rule.save()
            messages.success(request, "The new rule is in force: every progress page now judges relief by it.")
            return redirect("treatments:relief_rule")
    return render(
        request,
        "treatments/relief_rule.html",
        {
            "in_force": in_force,
            "relapse_rule": in_force.describe_relapse(),
            "history": history,
            "defaults": ReliefRule(),
            "form": form,
        },
    )


def _booked_follow_up(plan: TreatmentPlan, after: date | None) -> Appointment | None:
    """The patient's follow-up appointment after the course, if the front desk has booked one."""
    if plan.follow_up.appointment_id:
        return plan.follow_up.appointment
    booked = Appointment.objects.live().filter(patient_id=plan.patient_id, kind=Appointment.Kind.FOLLOW_UP)
    if after:
        booked = booked.filter(starts_at__date__gte=after)
    return booked.order_by("starts_at").first()


def _booking_url(plan: TreatmentPlan, follow_up: FollowUp) -> str:
    query = f"patient={plan.patient.public_id}&kind={Appointment.Kind.FOLLOW_UP}&practitioner={plan.practitioner_id}"
    if follow_up.due_on >= timezone.localdate():
        query += f"&date={follow_up.due_on.isoformat()}"
    return f"{reverse('treatments:appointment_create')}?{query}"


@require_http_methods(["GET", "POST"])
def follow_up(request: HttpRequest, plan_id) -> HttpResponse:
    """Practitioners record the follow-up; clinic admins read it."""
    queryset = TreatmentPlan.objects.select_related(
        "patient", "practitioner", "follow_up", "follow_up__recorded_by", "follow_up__appointment"
    )
    if request.method == "POST":
        plan = plan_for_clinical_write(request.user, plan_id, queryset)
    else:
        plan = plan_for_clinical_read(request.user, plan_id, queryset)
    progress = plan_progress(plan)
    last_day = progress.scores[-1].day if progress.scores else None
    record = follow_up_of(plan)

    if request.method == "POST" and request.POST.get("action") == "propose":
        if follow_up_propose(plan=plan, by=request.user) is None:
            messages.error(request, "A follow-up is proposed once the plan is completed.")
        else:
            messages.success(request, "Follow-up proposed.")
        return redirect("treatments:follow_up", plan_id=plan.public_id)

    form = None
    if record is not None and can_write_clinical(request.user):
        form = FollowUpForm(
            request.POST if request.method == "POST" else None, follow_up=record, last_session_day=last_day
        )
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            follow_up_record(
                follow_up=record,
                findings=FollowUpFindings(
                    recorded_on=data["recorded_on"],
                    first_step_pain=data["first_step_pain"],
                    average_pain=data["average_pain"],
                    symptoms_returned=data["symptoms_returned"],
                    new_treatment_needed=data["new_treatment_needed"],
                    notes=data["notes"],
                ),
                by=request.user,
            )
            messages.success(request, "Follow-up recorded.")
            return redirect("treatments:follow_up", plan_id=plan.public_id)
    elif request.method == "POST":
        messages.error(request, "There is no follow-up to record for this plan yet.")
        return redirect("treatments:follow_up", plan_id=plan.public_id)

    if record is not None and record.is_recorded:
        window = (record.window_opens_on, record.window_closes_on)
    else:
        window = progress.rule.follow_up_window(last_day) if last_day else None
    return render(
        request,
        "treatments/follow_up.html",
        {
            "window": window,
            "plan": plan,
            "patient": plan.patient,
            "progress": progress,
            "follow_up": record,
            "form": form,
            "booked": _booked_follow_up(plan, last_day) if record else None,
            "booking_url": _booking_url(plan, record) if record else "",
            "relapse_rule": progress.rule.describe_relapse(),
            "can_write": can_write_clinical(request.user),
        },
    )
