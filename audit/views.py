"""The audit trail as clinic admins read it: who saw a patient's record, and what one member of staff did."""

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET
from pghistory.models import Events

from audit.forms import AuditFilterForm
from audit.models import WRITE_EVENT_MODELS, AccessEvent
from clinic.access import Role, role_required
from clinic.models import User
from patients.models import Patient

EVENTS_PER_PAGE = 50

# "audit.PatientEvent" → "patient": what a write event's row was, in words.
_RECORD_NAMES = {
    f"audit.{model.__name__}": str(model.pgh_tracked_model._meta.verbose_name) for model in WRITE_EVENT_MODELS
}
_RECORD_NAMES["audit.TreatmentPlanDiagnosisEvent"] = "diagnosis treated by a plan"
_ACTIONS = {"insert": "Created", "update": "Changed", "delete": "Deleted", "add": "Added", "remove": "Removed"}


@require_GET
@role_required(Role.CLINIC_ADMIN)
def patient_access_log(request: HttpRequest, public_id) -> HttpResponse:
    patient = get_object_or_404(Patient, public_id=public_id)
    filter_form = AuditFilterForm(request.GET)
    events = filter_form.filter_access(
        AccessEvent.objects.filter(patient=patient).select_related("user").order_by("-created_at", "-id")
    )
    page = Paginator(events, EVENTS_PER_PAGE).get_page(request.GET.get("page"))
    context = {"patient": patient, "filter_form": filter_form, "page": page}
    return render(request, "audit/patient_access_log.html", context)


@require_GET
@role_required(Role.CLINIC_ADMIN)
def user_activity(request: HttpRequest, pk: int) -> HttpResponse:
    staff = get_object_or_404(User, pk=pk)
    filter_form = AuditFilterForm(request.GET)
    seen = filter_form.filter_access(
        AccessEvent.objects.filter(user=staff).select_related("patient").order_by("-created_at", "-id")
    )
    # Each update is stored as a before and an after row; the "after" row stands for the change.
    writes = filter_form.within_dates(
        Events.objects.across(*WRITE_EVENT_MODELS)
        .filter(pgh_context__user=staff.pk)
        .exclude(pgh_label="before_update")
        .order_by("-pgh_created_at", "pgh_model", "-pgh_id"),
        "pgh_created_at",
    )
    views_page = Paginator(seen, EVENTS_PER_PAGE).get_page(request.GET.get("page"))
    writes_page = Paginator(writes, EVENTS_PER_PAGE).get_page(request.GET.get("changes_page"))
    context = {
        "staff": staff,
        "filter_form": filter_form,
        "page": views_page,
        "changes": [_described(event) for event in writes_page.object_list],
        "changes_page": writes_page,
    }
    return render(request, "audit/user_activity.html", context)


def _described(event) -> dict:
    context = event.pgh_context or {}
    return {
        "when": event.pgh_created_at,
        "action": _ACTIONS.get(event.pgh_label, event.pgh_label),
        "record": _RECORD_NAMES.get(event.pgh_model, event.pgh_model),
        "record_id": event.pgh_obj_id or "",
        "path": context.get("url", ""),
        "remote_addr": context.get("remote_addr") or "",
    }
