"""The sessions behind an adverse-event figure of the outcomes page: one kind, one severity or grade, or all."""

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from clinic.access import clinical_staff_required
from treatments.models import AdverseEvent
from treatments.progress.adverse_events import ANY, SEVERITIES, SEVERITY_LABELS, event_count, event_ids
from treatments.progress.forms.outcome_filters import OutcomeFilterForm
from treatments.progress.paging import FetchedByWindow
from treatments.progress.reporting import gives_up_when_slow

EVENTS_PER_PAGE = 50


@require_GET
@clinical_staff_required
@gives_up_when_slow
def adverse_event_sessions(request: HttpRequest) -> HttpResponse:
    form = OutcomeFilterForm.for_user(request.GET, request.user)
    kind, severity = request.GET.get("kind") or None, request.GET.get("severity") or ANY
    context = {"form": form}
    if kind is not None and kind not in AdverseEvent.Kind.values:
        form.is_valid()
        context["error"] = "That is not one of the kinds of adverse event; no sessions are listed."
    elif severity not in SEVERITIES:
        form.is_valid()
        context["error"] = "That is not one of the severities; no sessions are listed."
    elif form.is_valid():
        scope = form.scope()
        page = Paginator(
            FetchedByWindow(
                count=lambda: event_count(scope, kind=kind, severity=severity),
                fetch=lambda limit, offset: event_ids(scope, kind=kind, severity=severity, limit=limit, offset=offset),
            ),
            EVENTS_PER_PAGE,
        ).get_page(request.GET.get("page"))
        ids = list(page.object_list)
        found = AdverseEvent.objects.select_related(
            "session__patient", "session__practitioner", "session__plan"
        ).in_bulk(ids)
        context.update(
            page=page,
            events=[found[pk] for pk in ids],
            kind_label=AdverseEvent.Kind(kind).label if kind else "Any kind",
            severity_label=SEVERITY_LABELS[severity],
            active_filters=form.active_filters(),
        )
    return render(request, "treatments/adverse_event_sessions.html", context)
