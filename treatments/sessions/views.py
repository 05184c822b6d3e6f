"""The session record: opened from a checked-in appointment, saved as a draft, signed, then amended.

Practitioners write; practitioners and clinic admins read; the front desk is
refused every page here (it sees only the appointment's "Session recorded").
Each practitioner writes their own: the one the appointment is booked with
starts, edits and signs the session, the one who signed it amends it, and any
other practitioner adds an addendum instead (treatments.access says so).
Every refusal says why and writes nothing: no consent, a patient not checked
in, electroacupuncture for a patient with a pacemaker, a signed session.
"""

from django.contrib import messages
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from clinic.access import Role, can_write_clinical, clinical_staff_required, role_required
from patients.models import Intake
from patients.safety import SafetyFacts, load_facts
from treatments.access import (
    NotYourRecord,
    appointment_for_session,
    session_for_addendum,
    session_for_amendment,
    session_for_clinical_read,
    session_for_clinical_write,
)
from treatments.models import (
    Appointment,
    AppointmentReassignment,
    ElectroStimulation,
    NeedledPoint,
    SessionAddendum,
    SessionAmendment,
    TreatmentSession,
)
from treatments.models.sessions import TYPICAL_RETENTION
from treatments.sessions import services
from treatments.sessions.forms.addendum import AddendumForm
from treatments.sessions.forms.amend import AmendForm
from treatments.sessions.forms.page import SessionForms, protocol_points
from treatments.sessions.forms.points import PointCatalogue
from treatments.sessions.forms.session import HOME_CARE_SNIPPETS
from treatments.sessions.forms.sign import SignForm
from treatments.sessions.pregnancy import safety_flags
from treatments.sessions.refusals import recorded_session_refusals, treatment_refusal
from treatments.sessions.services import (
    RECORD_FIELDS,
    AcknowledgementNeeded,
    AdverseEventRow,
    ElectroRow,
    PointRow,
    SessionRefused,
    SymptomScore,
    session_day,
)
from treatments.sessions.todays_symptoms import symptoms_to_rescore

REFUSED = 409
practitioner_required = role_required(Role.PRACTITIONER)
MINUS = "\u2212"


def _sessions():
    return TreatmentSession.objects.select_related(
        "appointment", "appointment__location", "patient", "plan", "practitioner", "signed_by"
    )


def _session_number(session: TreatmentSession) -> int | None:
    """'Session k of n': the appointment's place among its plan's counted sessions."""
    if session.plan_id is None:
        return None
    return (
        Appointment.objects.with_session_number()
        .filter(pk=session.appointment_id)
        .values_list("session_number", flat=True)
        .first()
    )


def _banner(facts: SafetyFacts) -> dict:
    """What templates/patients/_safety_banner.html reads."""
    consent = facts.consent_in_force
    return {
        "safety_flags": safety_flags(facts),
        "intake": facts.intake,
        "consent": {"state": "in_force" if consent else "none", "current": consent},
    }


def retention_notice(minutes: int | None) -> str:
    low, high = TYPICAL_RETENTION
    if minutes is None or low <= minutes <= high:
        return ""
    return f"Needles were retained {minutes} minutes, outside the usual {low}–{high}: check that this is right."


def _refusal_page(
    request, appointment: Appointment, *, title: str, text: str, status: int = REFUSED, way_round: dict | None = None
) -> HttpResponse:
    """Why nothing can be written here; `way_round` ({"url", "label"}) offers what may be done instead."""
    return render(
        request,
        "treatments/session_form.html",
        {
            "appointment": appointment,
            "patient": appointment.patient,
            "refusal": text,
            "refusal_title": title,
            "way_round": way_round,
        },
        status=status,
    )


def _not_yours(request, appointment: Appointment, refused: NotYourRecord, *, way_round=None) -> HttpResponse:
    """A colleague's record: 403, saying whose it is and what to do instead."""
    return _refusal_page(
        request,
        appointment,
        title="Another practitioner's record",
        text=refused.message,
        status=403,
        way_round=way_round,
    )


def start_refusal(appointment: Appointment, facts: SafetyFacts) -> tuple[str, str] | None:
    """Why no session can be opened from this appointment, or None."""
    if appointment.status != Appointment.Status.CHECKED_IN:
        status = appointment.get_status_display().lower()
        return (
            "The patient is not checked in",
            f"This appointment is {status}. A session is recorded once the patient is checked in "
            "for the appointment; check them in from the day sheet or the appointment first.",
        )
    refusal = treatment_refusal(facts)
    if refusal:
        return ("No session can be recorded", refusal)
    return None


def _save_values(forms: SessionForms) -> dict:
    """The valid page as the values session_save takes."""
    main = forms.main.cleaned_data
    return {
        "record": {name: main[name] for name in RECORD_FIELDS},
        "points": [PointRow(**row) for row in forms.points.filled()],
        "electro": [ElectroRow(**row) for row in forms.electro.filled()],
        "events": [AdverseEventRow(**row) for row in forms.events.filled()],
        "symptom_scores": [
            SymptomScore(symptom=symptom.symptom, symptom_other=symptom.symptom_other, severity=severity)
            for symptom, severity in forms.symptoms.scores()
        ],
    }


def _form_page(request: HttpRequest, session: TreatmentSession, facts: SafetyFacts) -> HttpResponse:
    """The session form for a new session or a draft: show it, apply a protocol, or save it."""
    appointment = session.appointment
    patient = session.patient
    pregnant = bool(facts.intake and facts.intake.pregnant)
    catalogue = PointCatalogue.load(pregnant=pregnant)
    records = list(patient.symptom_records.order_by("-recorded_on", "-id"))
    symptoms = symptoms_to_rescore(records, session_day(session))
    initial = None
    if session.pk is None and facts.intake:
        initial = {"nsaid_use": facts.intake.nsaid_use}
    kwargs = {"session": session, "facts": facts, "catalogue": catalogue, "symptoms": symptoms}
    protocol_note = ""

    if request.method == "POST":
        forms = SessionForms(request.POST, **kwargs)
        if "apply_protocol" in request.POST:
            forms, protocol_note = forms.with_protocol(
                request.POST.get("apply_protocol") or request.POST.get("protocol", "")
            )
        elif forms.is_valid():
            try:
                session = services.session_save(appointment=appointment, **_save_values(forms), by=request.user)
            except SessionRefused as refused:
                messages.error(request, str(refused))
                return (
                    redirect(session)
                    if session.pk
                    else redirect("treatments:session_start", appointment_id=appointment.pk)
                )
            messages.success(request, "Draft saved. Sign it once the after-treatment scores are in.")
            notice = retention_notice(session.retention_minutes)
            if notice:
                messages.warning(request, notice)
            return redirect(session)
    else:
        forms = SessionForms(None, initial=initial, **kwargs)

    return render(
        request,
        "treatments/session_form.html",
        {
            "appointment": appointment,
            "patient": patient,
            "session": session,
            "creating": session.pk is None,
            "forms": forms,
            "form": forms.main,
            "pregnant": pregnant,
            "protocols": protocol_points(),
            "protocol_note": protocol_note,
            "ashi_codes": catalogue.ashi_codes,
            "home_care_snippets": HOME_CARE_SNIPPETS,
            "session_number": _session_number(session) if session.pk else getattr(appointment, "session_number", None),
            "treatment_refusal": treatment_refusal(facts),
            **_banner(facts),
        },
    )


@require_http_methods(["GET", "POST"])
@practitioner_required
def session_start(request: HttpRequest, appointment_id: int) -> HttpResponse:
    queryset = Appointment.objects.with_schedule_details()
    if request.method == "POST":
        # Two taps on "Save" must not open two sessions: the second waits, then finds the first.
        queryset = queryset.select_for_update(of=("self",))
    try:
        appointment = appointment_for_session(request.user, appointment_id, queryset)
    except NotYourRecord as refused:
        # A colleague's session already written is theirs to read (the plan page links here); writing one is not.
        recorded = TreatmentSession.objects.filter(appointment=refused.record).values_list("pk", flat=True).first()
        if recorded and request.method == "GET":
            return redirect("treatments:session", session_id=recorded)
        return _not_yours(request, refused.record, refused)
    existing = TreatmentSession.objects.filter(appointment=appointment).values_list("pk", flat=True).first()
    if existing:
        if request.method == "POST":
            messages.info(request, "A session is already recorded for this appointment; here it is.")
        return redirect("treatments:session", session_id=existing)
    facts = load_facts(appointment.patient)
    refusal = start_refusal(appointment, facts)
    if refusal:
        return _refusal_page(request, appointment, title=refusal[0], text=refusal[1])
    session = TreatmentSession(
        appointment=appointment,
        patient=appointment.patient,
        plan=appointment.plan,
        practitioner=appointment.practitioner,
    )
    return _form_page(request, session, facts)


@require_http_methods(["GET", "POST"])
@practitioner_required
def session_edit(request: HttpRequest, session_id: int) -> HttpResponse:
    try:
        session = session_for_clinical_write(request.user, session_id, _sessions())
    except NotYourRecord as refused:
        return _not_yours(request, refused.record.appointment, refused)
    if session.is_signed:
        if session.signed_by_id == request.user.pk:
            text = "To correct it, use Amend: the signed record stays visible beside the correction."
        else:
            text = "To add to a colleague's record, add an addendum: it is kept beside the session with your name."
        messages.error(request, f"This session is signed, so it can no longer be edited. {text}")
        return redirect(session)
    return _form_page(request, session, load_facts(session.patient))


def _detail_queryset():
    return _sessions().prefetch_related(
        Prefetch("needled_points", queryset=NeedledPoint.objects.select_related("point")),
        Prefetch("electro", queryset=ElectroStimulation.objects.select_related("point_a", "point_b")),
        "adverse_events",
        Prefetch("amendments", queryset=SessionAmendment.objects.select_related("amended_by")),
        Prefetch("addenda", queryset=SessionAddendum.objects.select_related("author")),
    )


# How the amendment trail names each field, and shows its values.
FIELD_LABELS = {
    "first_step_pain_before": "First-step pain before",
    "average_pain_before": "Average pain before",
    "first_step_pain_after": "First-step pain after",
    "average_pain_after": "Average pain after",
    "needle_count": "Needles used",
    "retention_minutes": "Needles retained (minutes)",
    "subjective": "Subjective",
    "objective": "Objective",
    "assessment": "Assessment",
    "plan_notes": "Plan",
    "home_care": "Home care given",
    "nsaid_use": "NSAID use now",
}


def _shown(name: str, value) -> str:
    if value in (None, ""):
        return "blank"
    if name == "nsaid_use":
        return dict(Intake.NsaidUse.choices).get(value, value)
    return str(value)


def pain_rows(session: TreatmentSession, amended: set[str]) -> list[dict]:
    """First-step and average pain, before and after, with the change the needling made.

    `amended` names the fields an amendment changed, so the table can say so beside the value.
    """
    rows = []
    for label, kind in (("First-step pain", "first_step_pain"), ("Average pain", "average_pain")):
        before, after = getattr(session, f"{kind}_before"), getattr(session, f"{kind}_after")
        change, direction = "", ""
        if before is not None and after is not None:
            delta = after - before
            direction = "down" if delta < 0 else "up" if delta > 0 else "same"
            sign = "+" if delta > 0 else MINUS
            change = "no change" if delta == 0 else f"{sign}{abs(delta):.1f}"
        rows.append(
            {
                "label": label,
                "before": before,
                "after": after,
                "change": change,
                "direction": direction,
                "before_amended": f"{kind}_before" in amended,
                "after_amended": f"{kind}_after" in amended,
            }
        )
    return rows


def hz(value) -> str:
    """2.0 as '2', 2.5 as '2.5'."""
    return f"{value.normalize():f}"


def electro_text(pair: ElectroStimulation) -> str:
    frequency = hz(pair.frequency_hz) + (f"/{hz(pair.second_frequency_hz)}" if pair.second_frequency_hz else "")
    return f"{pair.point_a.code}–{pair.point_b.code} at {frequency} Hz for {pair.minutes} min"


def amendment_rows(amendment: SessionAmendment) -> list[dict]:
    return [
        {
            "label": FIELD_LABELS.get(name, name.replace("_", " ").capitalize()),
            "before": _shown(name, values[0]),
            "after": _shown(name, values[1]),
            "long": name in ("subjective", "objective", "assessment", "plan_notes", "home_care"),
        }
        for name, values in amendment.changes.items()
    ]


def _detail_page(request: HttpRequest, session: TreatmentSession, *, sign_form: SignForm | None = None) -> HttpResponse:
    """The session record; a draft its practitioner may sign also lists the safety rules that fail now."""
    facts = load_facts(session.patient)
    day = session_day(session)
    amendments = list(session.amendments.all())
    for amendment in amendments:
        amendment.rows = amendment_rows(amendment)
    can_write = can_write_clinical(request.user)
    # Each practitioner writes their own record: a draft is its practitioner's, a signed session its signer's.
    own = session.signed_by_id if session.is_signed else session.practitioner_id
    is_author = can_write and own == request.user.pk
    can_sign = is_author and not session.is_signed
    return render(
        request,
        "treatments/session_detail.html",
        {
            "session": session,
            "appointment": session.appointment,
            "patient": session.patient,
            "plan": session.plan,
            "session_number": _session_number(session),
            "pain_rows": pain_rows(session, {name for amendment in amendments for name in amendment.changes}),
            "points": list(session.needled_points.all()),
            "electro": [electro_text(pair) for pair in session.electro.all()],
            "events": list(session.adverse_events.all()),
            "amendments": amendments,
            "addenda": list(session.addenda.all()),
            "reassignments": list(
                AppointmentReassignment.objects.filter(appointment=session.appointment_id).select_related(
                    "from_practitioner", "to_practitioner", "reassigned_by"
                )
            ),
            "symptoms_today": list(session.patient.symptom_records.filter(recorded_on=day).order_by("symptom", "id")),
            "retention_notice": retention_notice(session.retention_minutes),
            "can_write": can_write,
            "is_author": is_author,
            "can_sign": can_sign,
            "missing_after": session.first_step_pain_after is None or session.average_pain_after is None,
            "sign_refusals": list(recorded_session_refusals(session, facts).values()) if can_sign else [],
            "sign_form": sign_form or SignForm(),
            **_banner(facts),
        },
    )


@require_GET
@clinical_staff_required
def session_detail(request: HttpRequest, session_id: int) -> HttpResponse:
    return _detail_page(request, session_for_clinical_read(request.user, session_id, _detail_queryset()))


@require_POST
@practitioner_required
def session_sign(request: HttpRequest, session_id: int) -> HttpResponse:
    try:
        session = session_for_clinical_write(request.user, session_id, _detail_queryset())
    except NotYourRecord as refused:
        # The button is not shown to anyone else, so this is a stale page or a crafted post: say why, sign nothing.
        messages.error(request, refused.message)
        return redirect(refused.record)
    form = SignForm(request.POST)
    if not form.is_valid():
        return _detail_page(request, session, sign_form=form)
    try:
        services.session_sign(session=session, by=request.user, acknowledgement=form.cleaned_data["acknowledgement"])
    except AcknowledgementNeeded:
        # Nothing was signed: the page lists the failing rules beside the reason it asks for.
        form.require_reason()
        return _detail_page(request, session, sign_form=form)
    except SessionRefused as refused:
        messages.error(request, str(refused))
        return redirect(session)
    number = _session_number(session)
    if number and session.plan:
        messages.success(request, f"Signed. Session {number} of {session.plan.sessions_planned} is complete.")
    else:
        messages.success(request, "Signed. The appointment is complete.")
    if session.sign_acknowledgement:
        messages.warning(request, "Signed over safety rules that failed: they and your reason are kept on the session.")
    return redirect(session)


@require_http_methods(["GET", "POST"])
@practitioner_required
def session_amend(request: HttpRequest, session_id: int) -> HttpResponse:
    try:
        session = session_for_amendment(request.user, session_id, _sessions())
    except NotYourRecord as refused:
        way_round = None
        if refused.record.is_signed:
            way_round = {
                "url": reverse("treatments:session_addendum", kwargs={"session_id": refused.record.pk}),
                "label": "Add an addendum",
            }
        return _not_yours(request, refused.record.appointment, refused, way_round=way_round)
    if not session.is_signed:
        messages.info(request, "This session is still a draft, so it can simply be edited.")
        return redirect("treatments:session_edit", session_id=session.pk)
    form = AmendForm(request.POST if request.method == "POST" else None, session=session)
    if request.method == "POST" and form.is_valid():
        try:
            services.session_amend(
                session=session, changes=form.changes(), reason=form.cleaned_data["reason"], by=request.user
            )
        except SessionRefused as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, "Correction recorded. The signed values stay visible in the amendment trail.")
            return redirect(session)
    return render(
        request,
        "treatments/session_amend.html",
        {
            "session": session,
            "appointment": session.appointment,
            "patient": session.patient,
            "form": form,
            "detail_url": reverse("treatments:session", kwargs={"session_id": session.pk}),
            "signed_at": timezone.localtime(session.signed_at),
        },
    )


@require_http_methods(["GET", "POST"])
@practitioner_required
def session_addendum(request: HttpRequest, session_id: int) -> HttpResponse:
    """A note beside a signed session: how a practitioner adds to a record that is not theirs to amend."""
    session = session_for_addendum(request.user, session_id, _sessions())
    if not session.is_signed:
        messages.info(request, "This session is still a draft: a note can be added once it is signed.")
        return redirect(session)
    form = AddendumForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.session_addendum_add(session=session, text=form.cleaned_data["text"], by=request.user)
        except SessionRefused as refused:
            form.add_error("text", str(refused))
        else:
            messages.success(request, "Addendum added. It is kept beside the signed session with your name.")
            return redirect(session)
    return render(
        request,
        "treatments/session_addendum.html",
        {
            "session": session,
            "appointment": session.appointment,
            "patient": session.patient,
            "form": form,
            "detail_url": reverse("treatments:session", kwargs={"session_id": session.pk}),
            "signed_at": timezone.localtime(session.signed_at),
        },
    )
