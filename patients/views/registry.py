"""The patient registry: finding, registering, correcting and archiving patients.

Demographics only, so every staff role may use it. Clinical records are reached
from the chart, never from here.
"""

import secrets
from dataclasses import dataclass
from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_http_methods, require_POST

from clinic.access import Role, has_role, role_required
from patients.access import patient_for_front_desk
from patients.forms.registry import ArchiveForm, PatientForm, PatientRegisterForm
from patients.models import Patient

PATIENTS_PER_PAGE = 25
# Counting stops here: a count of the whole registry (or of every Núñez) would cost more than the page itself.
MAX_COUNTED = 200
MAX_SEARCH_LENGTH = 100
SEARCH_SESSION_KEY = "patient_searches"
MAX_REMEMBERED_SEARCHES = 20

# The same people clinic.access.can_manage_front_desk lets in: everyone who registers patients.
registry_staff_required = role_required(Role.FRONT_DESK, Role.PRACTITIONER, Role.CLINIC_ADMIN)
# Bringing a patient back is desk work; practitioners ask the desk.
RESTORING_ROLES = (Role.FRONT_DESK, Role.CLINIC_ADMIN)


def search_text(raw: str) -> str:
    """What was typed in the search box, without control characters (PostgreSQL refuses NUL)."""
    return "".join(ch for ch in raw if ch.isprintable()).strip()[:MAX_SEARCH_LENGTH]


def remember_search(request: HttpRequest, query: str) -> str:
    """Keep the search text in the session and return an opaque key for the URL.

    Names, birth dates and phone numbers must not appear in URLs (browser
    history, proxy and access logs), so the list is addressed as ?s=<key>.
    """
    searches = request.session.get(SEARCH_SESSION_KEY, {})
    key = secrets.token_urlsafe(6)
    # Keep the most recent few, so back and forward still work without the session growing.
    searches = dict(list(searches.items())[-(MAX_REMEMBERED_SEARCHES - 1) :])
    searches[key] = query
    request.session[SEARCH_SESSION_KEY] = searches
    return key


def recalled_search(request: HttpRequest) -> str:
    return request.session.get(SEARCH_SESSION_KEY, {}).get(request.GET.get("s", ""), "")


def list_url(*, key: str | None, show_archived: bool) -> str:
    params = {name: value for name, value in (("s", key), ("archived", "1" if show_archived else None)) if value}
    return f"{reverse('patients:list')}{'?' + urlencode(params) if params else ''}"


@dataclass(frozen=True)
class PatientPage:
    """One page of patients, from a list counted only up to MAX_COUNTED.

    `count` is None when more than MAX_COUNTED match: then the pages go on with
    Previous and Next (a page fetches one patient more than it shows, to know).
    """

    object_list: list[Patient]
    number: int
    count: int | None
    has_next: bool

    ELLIPSIS = Paginator.ELLIPSIS

    @property
    def more_than(self) -> int:
        return MAX_COUNTED

    @property
    def num_pages(self) -> int | None:
        return None if self.count is None else max(1, -(-self.count // PATIENTS_PER_PAGE))

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def previous_page_number(self) -> int:
        return self.number - 1

    @property
    def next_page_number(self) -> int:
        return self.number + 1

    def page_range(self) -> list:
        """Page links around this one (with … between), when the number of pages is known."""
        if self.num_pages is None:
            return []
        # A paginator over a range only does arithmetic: it never touches the database.
        counted = Paginator(range(self.count), PATIENTS_PER_PAGE)
        return list(counted.get_elided_page_range(self.number, on_each_side=2, on_ends=1))


def patient_page(patients: QuerySet, query: str, page: str | None) -> PatientPage:
    """The asked-for page of `patients` matching `query`, in two queries whatever the size of the registry.

    A page number that is not a number shows the first page; one past the end (or below 1) the last,
    when the count is known, else the first.
    """
    found = patients.search(query)
    matches = found.order_by()[: MAX_COUNTED + 1].count()
    count = matches if matches <= MAX_COUNTED else None
    try:
        number = int(page or 1)
    except ValueError:
        number = 1
    last = None if count is None else max(1, -(-count // PATIENTS_PER_PAGE))
    if number < 1 or (last is not None and number > last):
        number = last or 1
    start = (number - 1) * PATIENTS_PER_PAGE
    rows = list(found[start : start + PATIENTS_PER_PAGE + 1])
    if not rows and number > 1:
        # Past the end of an uncounted list (an old link): the first page rather than an empty one.
        number, rows = 1, list(found[: PATIENTS_PER_PAGE + 1])
    return PatientPage(
        object_list=rows[:PATIENTS_PER_PAGE], number=number, count=count, has_next=len(rows) > PATIENTS_PER_PAGE
    )


@require_http_methods(["GET", "POST"])
@registry_staff_required
def patient_list(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        query = search_text(request.POST.get("q", ""))
        show_archived = request.POST.get("archived") == "1"
        url = list_url(key=remember_search(request, query) if query else None, show_archived=show_archived)
        if not request.htmx:
            return redirect(url)
    else:
        query = recalled_search(request)
        show_archived = request.GET.get("archived") == "1"
    if show_archived:
        patients = Patient.objects.filter(archived_at__isnull=False).order_by("-archived_at", "id")
    else:
        patients = Patient.objects.active()
    page = patient_page(patients, query, request.GET.get("page"))
    context = {
        "page": page,
        "page_range": page.page_range(),
        "q": query,
        "show_archived": show_archived,
        "can_restore": has_role(request.user, *RESTORING_ROLES),
    }
    # Live search swaps in the results alone; a history restore needs the whole page.
    if request.htmx and not request.htmx.history_restore_request:
        response = render(request, "patients/_patient_rows.html", context)
        if request.method == "POST":
            response["HX-Replace-Url"] = url
    else:
        response = render(request, "patients/patient_list.html", context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@require_http_methods(["GET", "POST"])
@registry_staff_required
def patient_register(request: HttpRequest) -> HttpResponse:
    form = PatientRegisterForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        patient = form.save(commit=False)
        patient.created_by = request.user
        patient.save()
        messages.success(request, f"{patient.given_name} {patient.family_name} is registered with MRN {patient.mrn}.")
        return redirect(patient)
    return render(request, "patients/patient_form.html", {"form": form, "patient": None})


@require_http_methods(["GET", "POST"])
def patient_edit(request: HttpRequest, public_id) -> HttpResponse:
    patient = patient_for_front_desk(request.user, public_id)
    form = PatientForm(request.POST if request.method == "POST" else None, instance=patient)
    if form.is_valid():
        form.save()
        messages.success(request, f"Saved the details of {patient.given_name} {patient.family_name}.")
        return redirect(patient)
    return render(request, "patients/patient_form.html", {"form": form, "patient": patient})


@require_http_methods(["GET", "POST"])
def patient_archive(request: HttpRequest, public_id) -> HttpResponse:
    patient = patient_for_front_desk(request.user, public_id)
    if patient.is_archived:
        if request.method == "POST":
            messages.info(request, f"{patient.given_name} {patient.family_name} was already archived.")
            return redirect(f"{reverse('patients:list')}?archived=1")
        form = None
    else:
        form = ArchiveForm(request.POST if request.method == "POST" else None)
        if form.is_valid():
            patient.archive(reason=form.cleaned_data["reason"])
            messages.success(
                request,
                f"{patient.given_name} {patient.family_name} is archived. "
                "Their records are kept and they can be restored from the archived list.",
            )
            return redirect("patients:list")
    context = {"patient": patient, "form": form, "can_restore": has_role(request.user, *RESTORING_ROLES)}
    return render(request, "patients/patient_archive.html", context)


@require_POST
@role_required(*RESTORING_ROLES)
def patient_restore(request: HttpRequest, public_id) -> HttpResponse:
    patient = patient_for_front_desk(request.user, public_id)
    if patient.is_archived:
        patient.restore()
        messages.success(request, f"{patient.given_name} {patient.family_name} is back on the patient list.")
    else:
        messages.info(request, f"{patient.given_name} {patient.family_name} was not archived.")
    return redirect("patients:list")
