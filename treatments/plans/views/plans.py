"""Treatment plans: practitioners write them; every staff role sees the schedule side.

The front desk needs to know who, how many sessions, how often and when, so it
can book; what is being treated and why (diagnoses, approach, goal) is shown to
clinicians only. A plan's status (activate, complete, discontinue) is changed by
its own practitioner or a clinic admin, never by a colleague.
"""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from clinic.access import can_manage_clinic, can_see_clinical, can_write_clinical
from patients.access import patient_for_clinical_write
from patients.safety import load_facts
from treatments.access import NotYourRecord, plan_for_editing, plan_for_scheduling, plan_for_status_change
from treatments.models import Appointment, TreatmentPlan
from treatments.plans.forms import PlanForm, PlanStatusForm
from treatments.progress.follow_up import follow_up_propose


def _not_yours(request: HttpRequest, refused: NotYourRecord) -> HttpResponse:
    """A colleague's plan: say whose it is and what to do instead (403)."""
    back = refused.record.get_absolute_url()
    context = {"refusal": refused.message, "back_url": back, "back_label": "Back to the plan"}
    return render(request, "treatments/not_your_record.html", context, status=403)


def _plans_with_counts():
    return TreatmentPlan.objects.select_related("patient", "practitioner", "created_by").with_booked_count()


@require_http_methods(["GET", "POST"])
def plan_create(request: HttpRequest, public_id) -> HttpResponse:
    patient = patient_for_clinical_write(request.user, public_id)
    consent = load_facts(patient).consent_in_force
    refusal = None
    if patient.is_archived:
        refusal = "This patient is archived: restore them before planning a course."
    elif consent is None:
        refusal = "There is no consent to acupuncture in force for this patient, so no course can be planned."
    form = PlanForm(
        request.POST if request.method == "POST" and refusal is None else None,
        patient=patient,
        # Ten sessions is the clinic's usual course; the practitioner adjusts it.
        initial={"practitioner": request.user.pk, "sessions_planned": 10},
    )
    if request.method == "POST" and refusal is None and form.is_valid():
        plan = form.save(commit=False)
        plan.patient = patient
        plan.created_by = request.user
        plan.save()
        form.save_m2m()
        messages.success(request, f"Treatment plan saved as {plan.get_status_display().lower()}.")
        return redirect(plan)
    return render(
        request,
        "treatments/plan_form.html",
        {"form": form, "patient": patient, "plan": None, "refusal": refusal},
    )


@require_http_methods(["GET"])
def plan_detail(request: HttpRequest, plan_id) -> HttpResponse:
    plan = plan_for_scheduling(request.user, plan_id, _plans_with_counts())
    clinical = can_see_clinical(request.user)
    appointments = list(plan.appointments.select_related("location").with_session_number().order_by("starts_at", "pk"))
    remaining = max(plan.sessions_left(), 0)
    facts = load_facts(plan.patient)
    can_book = plan.booking_refusal(facts=facts) is None
    now = timezone.now()
    for appointment in appointments:
        appointment.can_rebook = can_book and appointment.status in (
            Appointment.Status.CANCELLED,
            Appointment.Status.NO_SHOW,
        )
        appointment.is_past = appointment.starts_at < now
    return render(
        request,
        "treatments/plan_detail.html",
        {
            "plan": plan,
            "patient": plan.patient,
            "appointments": appointments,
            "remaining": remaining,
            "has_consent": facts.consent_in_force is not None,
            "can_book": can_book,
            "clinical": clinical,
            "diagnoses": list(plan.diagnoses.all()) if clinical else [],
            "can_write": can_write_clinical(request.user),
            # Status buttons only for who may press them: the plan's practitioner or a clinic admin.
            "can_change_status": (plan.practitioner_id == request.user.pk and can_write_clinical(request.user))
            or can_manage_clinic(request.user),
            "actions": PlanStatusForm.allowed_actions(plan),
            "editable": not plan.is_finished,
        },
    )


@require_http_methods(["GET", "POST"])
def plan_edit(request: HttpRequest, plan_id) -> HttpResponse:
    try:
        plan = plan_for_editing(request.user, plan_id, _plans_with_counts())
    except NotYourRecord as refused:
        return _not_yours(request, refused)
    # A finished plan keeps its record as it was.
    if plan.is_finished:
        messages.error(request, f"This plan is {plan.get_status_display().lower()}: its record stays as it was.")
        return redirect(plan)
    form = PlanForm(
        request.POST if request.method == "POST" else None,
        instance=plan,
        patient=plan.patient,
        sessions_booked=plan.sessions_booked,
    )
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Treatment plan updated.")
        return redirect(plan)
    return render(
        request,
        "treatments/plan_form.html",
        {"form": form, "patient": plan.patient, "plan": plan, "refusal": None},
    )


@require_http_methods(["GET", "POST"])
def plan_status(request: HttpRequest, plan_id) -> HttpResponse:
    """Activate, complete or discontinue. A GET shows the confirmation (and, to discontinue, the reason)."""
    try:
        plan = plan_for_status_change(request.user, plan_id, _plans_with_counts())
    except NotYourRecord as refused:
        return _not_yours(request, refused)
    facts = load_facts(plan.patient)
    if request.method == "POST":
        form = PlanStatusForm(request.POST, plan=plan, facts=facts)
        if form.is_valid():
            plan.move_to(form.status, reason=form.cleaned_data["reason"], by=request.user, facts=facts)
            messages.success(request, f"The plan is now {plan.get_status_display().lower()}.")
            if plan.status == TreatmentPlan.Status.COMPLETED:
                due = follow_up_propose(plan=plan, by=request.user).due_on
                messages.info(request, f"A 6-month follow-up is proposed for {due:%b} {due.day}, {due.year}.")
            return redirect(plan)
        problem = form.non_field_errors()
        action = form.cleaned_data.get("action")
    else:
        action = request.GET.get("action", "")
        form = PlanStatusForm(initial={"action": action}, plan=plan, facts=facts)
        problem = [form.problem_with(action)] if form.problem_with(action) else []
    if problem:
        # Not possible from here: say why on the plan page and change nothing.
        for error in problem:
            messages.error(request, error)
        return redirect(plan)
    upcoming = plan.appointments.filter(status=Appointment.Status.BOOKED, starts_at__gte=timezone.now()).count()
    return render(
        request,
        "treatments/plan_status.html",
        {"plan": plan, "patient": plan.patient, "form": form, "action": action, "upcoming": upcoming},
    )
