"""The patient chart: one page, demographics for every role, the clinical record for clinicians only.

For the front desk the clinical tables are never queried, not merely left unrendered.
"""

from datetime import timedelta

from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.timesince import timesince
from django.views.decorators.http import require_GET

from clinic.access import can_see_clinical, can_write_clinical
from patients.access import patient_for_front_desk
from patients.models import Consent, Intake, Patient
from patients.safety import load_facts
from patients.symptoms import symptoms_section
from treatments.models import Appointment
from treatments.progress.plan_progress import patient_progress
from treatments.sessions.pregnancy import safety_flags

# The chart lists appointments from this far back, and every one ahead (up to the cap).
RECENT_APPOINTMENT_DAYS = 60
MAX_CHART_APPOINTMENTS = 30
BMI_BANDS = ((18.5, "underweight range"), (25, "healthy range"), (30, "overweight range"))


def _clinical_chart_queryset():
    """Everything the clinical sections read, in a fixed number of queries whatever the history."""
    return Patient.objects.select_related("intake", "intake__recorded_by").prefetch_related(
        "intake__prior_treatments",
        Prefetch("consents", queryset=Consent.objects.select_related("recorded_by", "withdrawn_by")),
        "diagnoses",
    )


def bmi_band(bmi) -> str:
    for upper, label in BMI_BANDS:
        if bmi < upper:
            return label
    return "obesity range"


def risk_factors(intake: Intake) -> list[str]:
    """The intake's answers that raise the odds of heel pain or complicate care, in words."""
    factors = []
    if intake.bmi is not None and intake.bmi >= 25:
        factors.append(f"BMI {intake.bmi} ({bmi_band(intake.bmi)})")
    if intake.standing_hours_per_day:
        hours = intake.standing_hours_per_day.normalize()
        factors.append(f"On their feet {hours:f} h a day on hard surfaces")
    if intake.sport == Intake.Sport.RUNNING:
        factors.append("Runs")
    elif intake.sport == Intake.Sport.OTHER:
        factors.append(f"Sport: {intake.sport_detail}" if intake.sport_detail else "Plays sport")
    if intake.tight_calves:
        factors.append("Tight calf muscles")
    if intake.foot_posture in (Intake.FootPosture.FLAT, Intake.FootPosture.HIGH_ARCH):
        factors.append(intake.get_foot_posture_display())
    if intake.diabetes != Intake.Diabetes.NONE:
        factors.append(f"Diabetes: {intake.get_diabetes_display().lower()}")
    if intake.peripheral_vascular_disease:
        factors.append("Poor circulation (peripheral vascular disease)")
    if intake.nsaid_use == Intake.NsaidUse.DAILY:
        factors.append("Takes NSAIDs daily")
    return factors


def _consent_summary(consents: list[Consent]) -> dict:
    """The consent that matters now (in force, else the latest) and its state: in_force, withdrawn or none."""
    in_force = next((consent for consent in consents if consent.in_force), None)
    current = in_force or (consents[0] if consents else None)
    if in_force:
        state = "in_force"
    elif current and current.withdrawn_on:
        state = "withdrawn"
    else:
        state = "none"
    return {"state": state, "current": current, "all": consents}


def _clinical_context(patient: Patient, user) -> dict:
    facts = load_facts(patient)
    return {
        "safety_flags": safety_flags(facts),
        "intake": facts.intake,
        "onset_ago": timesince(facts.intake.onset_date, depth=1) if facts.intake else "",
        "risk_factors": risk_factors(facts.intake) if facts.intake else [],
        "prior_treatments": list(facts.intake.prior_treatments.all()) if facts.intake else [],
        "diagnoses": [
            (diagnosis, diagnosis.get_code_display().removeprefix(f"{diagnosis.code} "))
            for diagnosis in facts.diagnoses
        ],
        "consent": _consent_summary(list(facts.consents)),
        "symptoms": symptoms_section(patient, user),
        "progress_card": _progress_card(patient),
    }


def _progress_card(patient: Patient) -> dict:
    """The latest plan with signed sessions (else the latest plan), in a fixed number of queries."""
    plans = patient_progress(patient)
    current = next((progress for progress in plans if progress.scores), plans[0] if plans else None)
    return {"current": current, "plans": len(plans)}


def _schedule_context(patient: Patient) -> dict:
    """Plans and appointments: schedule facts every role may see (no clinical content)."""
    since = timezone.now() - timedelta(days=RECENT_APPOINTMENT_DAYS)
    appointments = (
        Appointment.objects.filter(patient=patient, starts_at__gte=since)
        .with_schedule_details()
        .order_by("starts_at")[:MAX_CHART_APPOINTMENTS]
    )
    return {
        "appointments": list(appointments),
        "plans": list(patient.plans.select_related("practitioner").with_booked_count().order_by("-created_at")),
    }


@require_GET
def patient_chart(request: HttpRequest, public_id) -> HttpResponse:
    clinical = can_see_clinical(request.user)
    queryset = _clinical_chart_queryset() if clinical else Patient.objects.all()
    patient = patient_for_front_desk(request.user, public_id, queryset)
    context = {
        "patient": patient,
        "can_see_clinical": clinical,
        "can_write_clinical": can_write_clinical(request.user),
        **_schedule_context(patient),
    }
    if clinical:
        context.update(_clinical_context(patient, request.user))
    return render(request, "treatments/patient_chart.html", context)
