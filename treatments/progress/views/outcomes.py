"""Clinic outcomes for clinicians: the table by approach, the plans behind each figure, CSV, the review queue.

Clinic admins see the whole clinic; practitioners the same pages for their own plans only.
"""

from datetime import timedelta

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Count, Exists, F, OuterRef, Q, Subquery
from django.db.models.functions import Ceil
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from clinic.access import can_manage_clinic, clinical_staff_required
from clinic.csv_export import csv_download, csv_stream
from patients.models import Patient
from treatments.models import (
    AdverseEvent,
    AdverseEventReference,
    Appointment,
    FollowUp,
    ReferenceFigures,
    ReliefRule,
    TreatmentPlan,
)
from treatments.progress.adverse_events import adverse_event_rates, compare_with_published
from treatments.progress.forms.outcome_filters import OutcomeFilterForm
from treatments.progress.outcome_charts import adverse_event_chart, change_histogram, mean_pain_chart
from treatments.progress.outcomes import (
    Scope,
    change_distribution,
    outcome_table,
    plan_export_rows,
    plans_in_scope,
    session_means,
)
from treatments.progress.reference_figures import reference_condition, table_with_references
from treatments.progress.reporting import ReportsBusy, ReportTimedOut, gives_up_when_slow, report_queries

PLANS_PER_PAGE = 50
# Active plans past their midpoint session without relief by then (ceil(planned / 2): session 5 of 9).
STALLED_AT_MIDPOINT = (
    Q(status="active")
    & Q(sessions__gte=Ceil(F("sessions_planned") / 2.0))
    & (Q(relief_session__isnull=True) | Q(relief_session__gt=Ceil(F("sessions_planned") / 2.0)))
)
REVIEW_LIST_LIMIT = 50
NO_SHOW_WINDOW_DAYS = 180
# The plans behind each figure of the table (and the ones missing from it), as conditions on a summary row.
FIGURES = {
    "all": ("Every plan", Q()),
    "reduction": ("Plans with a measured reduction", Q(reduction__isnull=False)),
    "reduction-missing": (
        "Plans missing a reduction (no intake baseline or no signed session)",
        Q(reduction__isnull=True),
    ),
    "relief": ("Plans that reached meaningful relief", Q(relief_session__isnull=False)),
    "relief-missing": ("Plans with no signed session", Q(sessions__isnull=True)),
    "followed": ("Plans followed up at 6 months", Q(relapsed__isnull=False)),
    "relapsed": ("Plans that relapsed", Q(relapsed=True)),
    "relapse-missing": ("Plans not followed up", Q(follow_up_on__isnull=True)),
    "never-relieved": (
        "Plans followed up that never reached relief (not judged for relapse)",
        Q(never_relieved=True),
    ),
    "outside-window": ("Plans followed up outside the 6-month window (not counted)", Q(outside_window=True)),
    "improved4-eligible": ("Plans with at least 4 sessions", Q(improved_by_4__isnull=False)),
    "improved4": ("Plans with meaningful relief by session 4", Q(improved_by_4=True)),
    "improved4-missing": ("Plans with fewer than 4 sessions", Q(improved_by_4__isnull=True)),
    "nsaid-eligible": ("Patients on daily NSAIDs at intake", Q(nsaid_reduced__isnull=False)),
    "nsaid": ("Patients who reduced or stopped daily NSAIDs", Q(nsaid_reduced=True)),
    "nsaid-missing": (
        "Plans missing NSAID use (no intake, or none recorded at the last session)",
        Q(nsaid_reduced__isnull=True, nsaid_not_applicable=False),
    ),
    "nsaid-not-applicable": ("Patients not on daily NSAIDs at intake (not applicable)", Q(nsaid_not_applicable=True)),
}
CSV_PLAN_COLUMNS = [
    "plan_id",
    "mrn",
    "approach",
    "status",
    "practitioner",
    "started_on",
    "sessions_planned",
    "sessions_signed",
    "baseline_first_step",
    "end_first_step",
    "reduction",
    "relief_session",
    "weeks_to_relief",
    "improved_by_session_4",
    "nsaid_at_intake",
    "nsaid_at_end",
    "nsaid_reduced",
    "relapsed_at_follow_up",
    "follow_up_never_relieved",
    "follow_up_outside_window",
]


CSV_TABLE_COLUMNS = [
    "approach", "plans", "reduction_n", "reduction_missing", "mean_reduction", "ci95_low", "ci95_high",
    "ci95_none_because",
    "relief_reached", "relief_missing", "median_weeks_to_relief", "followed_up", "relapse_missing",
    "relapsed", "relapse_rate", "wilson95_low", "wilson95_high", "improved4_eligible", "improved4",
    "improved4_missing", "nsaid_eligible", "nsaid_reduced", "nsaid_missing", "nsaid_not_applicable",
    "follow_up_never_relieved", "follow_up_outside_window",
]  # fmt: skip
# The published figures for the row's approach (docs/clinical/measuring-progress.md#published-reference-figures).
CSV_REFERENCE_COLUMNS = [
    "reference_condition", "reference_source", "reference_mean_reduction", "mean_reduction_ci95_vs_reference",
    "reference_weeks_to_relief_low", "reference_weeks_to_relief_high", "reference_relapse_percent",
    "relapse_wilson95_vs_reference", "reference_improved4_percent", "reference_nsaid_reduced_percent",
    "reference_nsaid_reduced_is_lower_bound",
]  # fmt: skip


@require_GET
@clinical_staff_required
@gives_up_when_slow
def outcomes(request: HttpRequest) -> HttpResponse:
    form = OutcomeFilterForm.for_user(request.GET, request.user)
    context = {"form": form, "figures": FIGURES}
    if form.is_valid():
        rule, scope = ReliefRule.in_force(), form.scope()
        labels = dict(TreatmentPlan.Approach.choices)
        means = session_means(scope)
        distribution = change_distribution(scope)
        groups = outcome_table(scope)
        rows, standard_care = table_with_references(groups, scope)
        adverse = adverse_event_rates(scope)
        adverse_reference = AdverseEventReference.objects.active()
        comparisons = compare_with_published(adverse, adverse_reference)
        context.update(
            adverse=adverse,
            adverse_reference=adverse_reference,
            adverse_comparisons=comparisons,
            adverse_chart=adverse_event_chart(comparisons, described_by="adverse-reference-table"),
            severity_choices=AdverseEvent.Severity.choices,
            groups=groups,
            rows=rows,
            standard_care=standard_care,
            reference_condition=reference_condition(scope),
            rule=rule,
            active_filters=form.active_filters(),
            query=request.GET.urlencode(),
            means=[(labels[approach], points) for approach, points in sorted(means.items())],
            mean_chart=mean_pain_chart(means, labels, described_by="mean-pain-table"),
            distribution=distribution,
            distribution_chart=change_histogram(distribution, described_by="change-table"),
            own_only=form.own_plans_of is not None,
        )
    return render(request, "treatments/outcomes.html", context)


def _figure_rows(scope: Scope, condition: Q):
    return plans_in_scope(scope).filter(condition).order_by("started_at", "plan_id")


@require_GET
@clinical_staff_required
@gives_up_when_slow
def outcome_plans(request: HttpRequest) -> HttpResponse:
    form = OutcomeFilterForm.for_user(request.GET, request.user)
    figure = request.GET.get("figure", "all")
    context = {"form": form, "figure_known": figure in FIGURES}
    if figure not in FIGURES:
        form.is_valid()
        context["error"] = "That figure is not one of the table's; no plans are listed."
    elif form.is_valid():
        title, condition = FIGURES[figure]
        rows = _figure_rows(form.scope(), condition).select_related("plan__patient", "plan__practitioner")
        page = Paginator(rows, PLANS_PER_PAGE).get_page(request.GET.get("page"))
        context.update(
            title=title,
            page=page,
            rows=page.object_list,
            active_filters=form.active_filters(),
            approach_label=dict(TreatmentPlan.Approach.choices).get(request.GET.get("approach", ""), ""),
        )
    return render(request, "treatments/outcome_plans.html", context, status=200)


def _invalid_csv(form) -> HttpResponse:
    problems = "; ".join(f"{field}: {' '.join(errors)}" for field, errors in form.errors.items())
    return HttpResponse(f"The filters are not valid, so nothing was exported. {problems}", status=400,
                        content_type="text/plain; charset=utf-8")  # fmt: skip


def _number(value, places: int = 2) -> str:
    return "" if value is None else f"{value:.{places}f}"


@require_GET
@clinical_staff_required
@gives_up_when_slow
def outcomes_csv(request: HttpRequest) -> HttpResponse:
    form = OutcomeFilterForm.for_user(request.GET, request.user)
    if not form.is_valid():
        return _invalid_csv(form)
    response, writer = csv_download("outcomes-by-approach.csv")
    writer.writerow([*CSV_TABLE_COLUMNS, *CSV_REFERENCE_COLUMNS])
    scope = form.scope()
    rows, standard_care = table_with_references(outcome_table(scope), scope)
    condition = reference_condition(scope)
    for group, reference in rows:
        ci, wilson = group.reduction_ci or (None, None), group.relapse_ci or (None, None)
        writer.writerow(
            [
                group.approach or "all", group.n, group.reduction_n, group.missing["reduction"],
                _number(group.reduction_mean), _number(ci[0]), _number(ci[1]), group.reduction_no_ci or "",
                group.relief_n,
                group.missing["relief"], _number(group.relief_median_weeks, 1), group.followed_up,
                group.missing["relapse"], group.relapsed, _number(group.relapse_rate, 3), _number(wilson[0], 3),
                _number(wilson[1], 3), group.improved4_n, group.improved4, group.missing["improved4"],
                group.nsaid_n, group.nsaid_reduced, group.missing["nsaid"], group.nsaid_not_applicable,
                group.never_relieved, group.outside_window,
                *(_reference_cells(condition, reference.figures, reference.reduction_mark, reference.relapse_mark)
                  if reference else [""] * len(CSV_REFERENCE_COLUMNS)),
            ]
        )  # fmt: skip
    if standard_care:
        # Standard care is a published figure only: the clinic has no standard-care plans to count.
        blanks = [""] * (len(CSV_TABLE_COLUMNS) - 1)
        writer.writerow(["standard care (reference only)", *blanks, *_reference_cells(condition, standard_care)])
    return response


def _reference_cells(
    condition: str, figures: ReferenceFigures, reduction_mark: str | None = None, relapse_mark: str | None = None
) -> list:
    return [
        condition, figures.citation, _number(figures.mean_reduction, 1), reduction_mark or "",
        _blank(figures.weeks_to_relief_low), _blank(figures.weeks_to_relief_high),
        _blank(figures.relapse_percent), relapse_mark or "",
        _blank(figures.improved_after_4_percent), _blank(figures.nsaid_reduced_percent),
        _blank(figures.nsaid_reduced_is_lower_bound),
    ]  # fmt: skip


@require_GET
@clinical_staff_required
def outcome_plans_csv(request: HttpRequest) -> HttpResponse:
    form = OutcomeFilterForm.for_user(request.GET, request.user)
    if not form.is_valid():
        return _invalid_csv(form)
    return csv_stream("outcomes-plans.csv", _plan_csv_rows(form.scope()))


def _plan_csv_rows(scope: Scope):
    """The header, then a row per plan read through a server-side cursor: memory stays flat at any size.

    This runs while the response streams, after the view's transaction has ended, so it opens its own. A
    statement past the report timeout ends the file with a line that says so.
    """
    yield CSV_PLAN_COLUMNS
    try:
        with report_queries():
            yield from plan_export_rows(scope)
    except ReportTimedOut:
        seconds = settings.REPORT_STATEMENT_TIMEOUT_MS / 1000
        yield [f"The export stopped here: reading the plans took longer than {seconds:g} seconds. Narrow the filters."]
    except ReportsBusy:
        yield ["The export did not start: the clinic's reports were busy. Try again in a minute."]


def _blank(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


@require_GET
@clinical_staff_required
@gives_up_when_slow(takes_turns=False)
def review_queue(request: HttpRequest) -> HttpResponse:
    """What needs a clinician's attention: four short lists, each capped, each with its full count."""
    own = None if can_manage_clinic(request.user) else request.user
    rule = ReliefRule.in_force()
    scope = Scope(completed_only=False, only_practitioner_id=own.pk if own else None)
    stalled = _figure_rows(scope, STALLED_AT_MIDPOINT).select_related("plan__patient", "plan__practitioner")
    stalled_rows = list(stalled[:REVIEW_LIST_LIMIT])

    today = timezone.localdate()
    plans = TreatmentPlan.objects.filter(practitioner=own) if own else TreatmentPlan.objects.all()
    overdue = FollowUp.objects.filter(recorded_on__isnull=True, due_on__lt=today)
    if own:
        overdue = overdue.filter(plan__practitioner=own)
    overdue = overdue.select_related("plan__patient", "plan__practitioner").order_by("due_on", "pk")
    # Per active plan, its own appointments by the (plan, starts_at) index: the cost follows the active plans.
    of_plan = Appointment.objects.filter(plan=OuterRef("pk"))
    booked = of_plan.filter(status__in=Appointment.COUNTED_STATUSES).values("plan").annotate(n=Count("pk"))
    ran_out = (
        plans.filter(status=TreatmentPlan.Status.ACTIVE)
        .annotate(booked=Subquery(booked.values("n")))
        .filter(booked__lt=F("sessions_planned"), booked__gt=0)
        .exclude(Exists(of_plan.filter(status=Appointment.Status.BOOKED, starts_at__gte=timezone.now())))
        .select_related("patient", "practitioner")
        .order_by("pk")
    )
    no_show_since = timezone.now() - timedelta(days=NO_SHOW_WINDOW_DAYS)
    no_shows = Appointment.objects.filter(status=Appointment.Status.NO_SHOW, starts_at__gte=no_show_since)
    if own:
        no_shows = no_shows.filter(practitioner=own)
    repeat = no_shows.values("patient").annotate(missed=Count("pk")).filter(missed__gte=2).order_by("-missed")
    repeat_rows = list(repeat[:REVIEW_LIST_LIMIT])
    patients = Patient.objects.in_bulk([row["patient"] for row in repeat_rows])
    for row in repeat_rows:
        row["patient"] = patients[row["patient"]]
    context = {
        "stalled": stalled_rows,
        "stalled_count": stalled.count(),
        "overdue": list(overdue[:REVIEW_LIST_LIMIT]),
        "overdue_count": overdue.count(),
        "ran_out": list(ran_out[:REVIEW_LIST_LIMIT]),
        "ran_out_count": ran_out.count(),
        "no_shows": repeat_rows,
        "no_show_count": repeat.count(),
        "no_show_days": NO_SHOW_WINDOW_DAYS,
        "rule": rule,
        "own_only": own is not None,
        "limit": REVIEW_LIST_LIMIT,
    }
    return render(request, "treatments/review_queue.html", context)
