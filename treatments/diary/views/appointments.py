"""One appointment: book it, see it, move it, reassign it, cancel it, check the patient in, or record a no-show.

Check-in, no-show and cancel are also buttons on the day sheet's cards. For an
htmx request they answer with the updated card (treatments.diary.cards);
a plain form post redirects back to `next`, so the buttons work without
JavaScript too. Nothing here is clinical: every staff role may use it, except
that a practitioner reassigns only their own appointments (a colleague's is
handed over by them, the front desk or a clinic admin).
"""

import uuid
from datetime import datetime
from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from clinic.access import Role, any_staff_required, has_role
from patients.access import patient_for_front_desk
from treatments.access import NotYourRecord, appointment_for_front_desk, appointment_for_reassignment
from treatments.diary import booking
from treatments.diary.booking import BookingConflict, BookingRefused, appointment_book, appointment_reschedule
from treatments.diary.cards import CardMaker
from treatments.diary.forms.appointments import AppointmentForm, CancelForm, MoveForm
from treatments.diary.forms.reassign import ReassignForm
from treatments.models import LATE_CANCELLATION_NOTICE, Appointment, AppointmentReassignment

# Query-string keys that may prefill the booking form (from "next free slot" or a conflict's alternatives).
PREFILL_KEYS = ("practitioner", "location", "kind", "plan", "date", "time", "minutes")


# --- helpers -------------------------------------------------------------------------------


def safe_next(request: HttpRequest, fallback: str) -> str:
    """Where to go after an action: `next` if it points back into this site, else `fallback`."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    # A path on this site only: redirect() would read a bare word such as "0" as a view name, and fail.
    if candidate.startswith("/") and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return fallback


def day_sheet_url(appointment: Appointment) -> str:
    day = timezone.localdate(appointment.starts_at)
    return f"{reverse('treatments:day')}?{urlencode({'date': day.isoformat()})}"


def _front_desk_patient(request: HttpRequest, public_id: str):
    try:
        uuid.UUID(public_id)
    except ValueError as malformed:
        raise Http404("No such patient") from malformed
    return patient_for_front_desk(request.user, public_id)


def _locked_appointment(request: HttpRequest, appointment_id: int) -> Appointment:
    """The appointment, locked until the request ends, so two clerks' actions cannot interleave."""
    queryset = Appointment.objects.with_schedule_details().select_for_update(of=("self",))
    return appointment_for_front_desk(request.user, appointment_id, queryset)


def render_card(request, appointment, *, next_url, notice="", notice_ok=True, cancel_form=None) -> HttpResponse:
    """The appointment's day-sheet card alone, for htmx to swap in (with the cancel form, if given)."""
    cards = CardMaker(request, next_url=next_url)
    card = cards.card(appointment)
    cancel_form_html = ""
    if cancel_form is not None:
        context = {**cards.context(), "appointment": card, "cancel_form": cancel_form}
        cancel_form_html = render_to_string("treatments/_appointment_cancel_form.html", context, request=request)
    return HttpResponse(cards.card_html(card, notice=notice, notice_ok=notice_ok, cancel_form_html=cancel_form_html))


def _after_action(request, appointment, *, text: str, ok: bool) -> HttpResponse:
    next_url = safe_next(request, appointment_url(appointment))
    if request.htmx:
        return render_card(request, appointment, next_url=next_url, notice=text, notice_ok=ok)
    (messages.success if ok else messages.error)(request, text)
    return redirect(next_url)


def appointment_url(appointment: Appointment) -> str:
    return reverse("treatments:appointment", kwargs={"appointment_id": appointment.pk})


def _alternative_links(base_url: str, params: dict, alternatives: list[datetime]) -> list[dict]:
    """Each free start as a link back to the same form with that date and time filled in."""
    links = []
    for start in alternatives:
        local = timezone.localtime(start)
        query = {**params, "date": local.date().isoformat(), "time": f"{local:%H:%M}"}
        links.append({"starts_at": start, "url": f"{base_url}?{urlencode(query)}"})
    return links


# --- views ---------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@any_staff_required
def appointment_create(request: HttpRequest) -> HttpResponse:
    patient = _front_desk_patient(request, request.GET["patient"]) if request.GET.get("patient") else None
    initial = {key: request.GET[key] for key in PREFILL_KEYS if request.GET.get(key)}
    if "time" in initial:
        initial["start_time"] = initial.pop("time")
    if initial.get("kind") == Appointment.Kind.INITIAL and "minutes" not in initial:
        initial["minutes"] = 60
    form = AppointmentForm(
        request.POST if request.method == "POST" else None, patient=patient, user=request.user, initial=initial
    )
    conflict, alternatives = None, []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        plan = data.get("plan")
        try:
            # The service asks the plan whether it takes one more session, under the plan's row lock.
            appointment = appointment_book(
                patient=form.patient,
                practitioner=data["practitioner"],
                location=data["location"],
                starts_at=data["starts_at"],
                minutes=data["minutes"],
                kind=data["kind"],
                by=request.user,
                plan=plan,
                override_reason=data.get("override_reason", ""),
            )
        except BookingRefused as refused:
            form.add_service_error(refused)
        except BookingConflict as found:
            conflict = found
            params = {
                "patient": form.patient.public_id,
                "practitioner": data["practitioner"].pk,
                "location": data["location"].pk,
                "kind": data["kind"],
                "minutes": data["minutes"],
            }
            if plan is not None:
                params["plan"] = plan.pk
            alternatives = _alternative_links(reverse("treatments:appointment_create"), params, found.alternatives)
        else:
            local = timezone.localtime(appointment.starts_at)
            messages.success(
                request,
                f"Booked {appointment.get_kind_display().lower()} for {form.patient.display_name} "
                f"on {local:%A, %B} {local.day} at {local:%H:%M}.",
            )
            return redirect(appointment_url(appointment))
    return render(
        request,
        "treatments/appointment_form.html",
        {"form": form, "patient": patient, "conflict": conflict, "alternatives": alternatives},
    )


@require_GET
@any_staff_required
def appointment_detail(request: HttpRequest, appointment_id: int) -> HttpResponse:
    appointment = appointment_for_front_desk(request.user, appointment_id)
    if request.htmx:
        # The day sheet's "Keep appointment" button asks for the plain card back.
        return render_card(request, appointment, next_url=safe_next(request, day_sheet_url(appointment)))
    appointment.actions = appointment.allowed_actions(timezone.now())
    history = appointment.history.select_related("history_user").order_by("history_date", "history_id")
    reassignments = AppointmentReassignment.objects.filter(appointment=appointment).select_related(
        "from_practitioner", "to_practitioner", "reassigned_by"
    )
    return render(
        request,
        "treatments/appointment_detail.html",
        {
            "appointment": appointment,
            "reassignments": list(reassignments),
            "can_reassign": _may_reassign(request.user, appointment) and appointment.reassign_refusal() is None,
            "events": status_events(history),
            "booked_by": appointment.booked_by,
            "next_url": request.get_full_path(),
            "day_url": day_sheet_url(appointment),
        },
    )


def _may_reassign(user, appointment: Appointment) -> bool:
    """Whether to offer Reassign: what treatments.access.appointment_for_reassignment allows."""
    return has_role(user, Role.FRONT_DESK, Role.CLINIC_ADMIN) or appointment.practitioner_id == user.pk


def status_events(history) -> list[dict]:
    """What happened to the appointment, oldest first, from its audit history."""
    events, previous = [], None
    for record in history:
        who = record.history_user.display_name if record.history_user else "the system"
        texts = []
        if previous is None:
            texts.append(f"Booked for {_when(record.starts_at)}")
        else:
            if record.starts_at != previous.starts_at or record.ends_at != previous.ends_at:
                texts.append(f"Moved from {_when(previous.starts_at)} to {_when(record.starts_at)}")
            if record.practitioner_id != previous.practitioner_id:
                texts.append("Reassigned to another practitioner")
            if record.status != previous.status:
                texts.append(_status_text(record))
        if texts:
            events.append({"at": record.history_date, "who": who, "text": "; ".join(texts)})
        previous = record
    return events


def _when(moment: datetime) -> str:
    local = timezone.localtime(moment)
    return f"{local:%a %b} {local.day}, {local:%H:%M}"


def _status_text(record) -> str:
    if record.status == Appointment.Status.CANCELLED:
        by = dict(Appointment.CancelledBy.choices).get(record.cancelled_by, "someone").lower()
        late = " (late cancellation)" if record.late_cancellation else ""
        return f"Cancelled by the {by}{late}: {record.cancel_reason}"
    labels = {
        Appointment.Status.CHECKED_IN: "Checked in",
        Appointment.Status.NO_SHOW: "Marked as did not attend",
        Appointment.Status.COMPLETED: "Completed",
        Appointment.Status.BOOKED: "Booked again",
    }
    return labels.get(record.status, record.status)


@require_http_methods(["GET", "POST"])
@any_staff_required
def appointment_move(request: HttpRequest, appointment_id: int) -> HttpResponse:
    if request.method == "POST":
        appointment = _locked_appointment(request, appointment_id)
    else:
        appointment = appointment_for_front_desk(request.user, appointment_id)
    if appointment.status != Appointment.Status.BOOKED:
        messages.error(
            request, f"Only a booked appointment can be moved; this one is {appointment.get_status_display().lower()}."
        )
        return redirect(appointment_url(appointment))
    local = timezone.localtime(appointment.starts_at)
    initial = {"date": local.date(), "start_time": local.time(), "minutes": appointment.minutes}
    for key, field in (("date", "date"), ("time", "start_time"), ("minutes", "minutes")):
        if request.GET.get(key):
            initial[field] = request.GET[key]
    form = MoveForm(request.POST if request.method == "POST" else None, user=request.user, initial=initial)
    conflict, alternatives = None, []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            appointment_reschedule(
                appointment,
                starts_at=data["starts_at"],
                minutes=data["minutes"],
                by=request.user,
                override_reason=data.get("override_reason", ""),
            )
        except BookingRefused as refused:
            form.add_service_error(refused)
        except BookingConflict as found:
            # The service moved the object in memory before the database said no; show where it really is.
            appointment.refresh_from_db(fields=["starts_at", "ends_at", "override_reason"])
            conflict = found
            alternatives = _alternative_links(
                reverse("treatments:appointment_move", kwargs={"appointment_id": appointment.pk}),
                {"minutes": data["minutes"]},
                found.alternatives,
            )
        else:
            messages.success(request, f"Moved to {_when(appointment.starts_at)}.")
            return redirect(appointment_url(appointment))
    return render(
        request,
        "treatments/appointment_move.html",
        {"form": form, "appointment": appointment, "conflict": conflict, "alternatives": alternatives},
    )


@require_http_methods(["GET", "POST"])
@any_staff_required
def appointment_cancel(request: HttpRequest, appointment_id: int) -> HttpResponse:
    if request.method == "POST":
        appointment = _locked_appointment(request, appointment_id)
    else:
        appointment = appointment_for_front_desk(request.user, appointment_id)
    next_url = safe_next(request, appointment_url(appointment))
    refusal = appointment.cancel_refusal()
    if refusal:
        return _after_action(request, appointment, text=refusal, ok=False)
    # Ids carry the appointment's number: several cards on one day sheet may show this form at once.
    form = CancelForm(request.POST if request.method == "POST" else None, auto_id=f"cancel-{appointment.pk}-%s")
    if request.method == "POST" and form.is_valid():
        appointment.cancel(by=form.cleaned_data["cancelled_by"], reason=form.cleaned_data["reason"])
        # A cancelled session no longer counts towards its plan.
        appointment.session_number = None
        text = "Appointment cancelled; the time is free again."
        if appointment.late_cancellation:
            text = "Appointment cancelled, and recorded as a late cancellation; the time is free again."
        return _after_action(request, appointment, text=text, ok=True)
    if request.htmx:
        return render_card(request, appointment, next_url=next_url, cancel_form=form)
    return render(
        request,
        "treatments/appointment_cancel.html",
        {
            "form": form,
            "appointment": appointment,
            "next_url": next_url,
            "would_be_late": appointment.starts_at - timezone.now() < LATE_CANCELLATION_NOTICE,
        },
    )


@require_POST
@any_staff_required
def appointment_check_in(request: HttpRequest, appointment_id: int) -> HttpResponse:
    appointment = _locked_appointment(request, appointment_id)
    refusal = appointment.check_in_refusal(timezone.now())
    if refusal is None:
        appointment.check_in()
    text = refusal or f"{appointment.patient.display_name} is checked in."
    return _after_action(request, appointment, text=text, ok=refusal is None)


@require_POST
@any_staff_required
def appointment_no_show(request: HttpRequest, appointment_id: int) -> HttpResponse:
    appointment = _locked_appointment(request, appointment_id)
    refusal = appointment.no_show_refusal(timezone.now())
    if refusal is None:
        appointment.mark_no_show()
        # A missed session no longer counts towards its plan; it can be booked again.
        appointment.session_number = None
    text = refusal or f"Recorded that {appointment.patient.display_name} did not attend."
    return _after_action(request, appointment, text=text, ok=refusal is None)


@require_http_methods(["GET", "POST"])
@any_staff_required
def appointment_reassign(request: HttpRequest, appointment_id: int) -> HttpResponse:
    """Hand the appointment to a covering practitioner, who then records its session. The reason is kept and shown."""
    queryset = Appointment.objects.with_schedule_details()
    if request.method == "POST":
        # Locked until the request ends, so a check-in or a session started meanwhile waits for the hand-over.
        queryset = queryset.select_for_update(of=("self",))
    try:
        appointment = appointment_for_reassignment(request.user, appointment_id, queryset)
    except NotYourRecord as refused:
        context = {
            "refusal": refused.message,
            "back_url": appointment_url(refused.record),
            "back_label": "Back to the appointment",
        }
        return render(request, "treatments/not_your_record.html", context, status=403)
    refusal = appointment.reassign_refusal()
    if refusal:
        messages.error(request, refusal)
        return redirect(appointment_url(appointment))
    form = ReassignForm(request.POST if request.method == "POST" else None, appointment=appointment)
    conflict = None
    if request.method == "POST" and form.is_valid():
        covering = form.cleaned_data["practitioner"]
        try:
            booking.appointment_reassign(appointment, to=covering, reason=form.cleaned_data["reason"], by=request.user)
        except BookingRefused as refused:
            form.add_service_error(refused)
        except BookingConflict as found:
            conflict = found
            form.add_error("practitioner", f"{covering.display_name} is not free then: {found.message}")
        else:
            messages.success(request, f"Reassigned to {covering.display_name}, who now records this session.")
            return redirect(appointment_url(appointment))
    return render(
        request,
        "treatments/appointment_reassign.html",
        {"form": form, "appointment": appointment, "conflict": conflict},
    )
