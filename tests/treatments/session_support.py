"""What the session tests share: Maria (consented, on a plan, checked in today) and the form's POST data.

tests/treatments/conftest.py makes `patient`, `plan` and `appointment` fixtures of `make_patient`,
`make_plan` and `make_checked_in`; "today" is the clinic clock's (tests/clock.py).
"""

from django.urls import reverse
from django.utils import timezone

from tests.clock import today_at
from tests.factories import (
    AppointmentFactory,
    ConsentFactory,
    DiagnosisFactory,
    IntakeFactory,
    PatientFactory,
    TreatmentPlanFactory,
)
from treatments.models import (
    AdverseEvent,
    Appointment,
    ElectroStimulation,
    NeedledPoint,
    TreatmentSession,
)


def make_patient(practitioner):
    patient = PatientFactory(given_name="Maria", family_name="Lopez")
    IntakeFactory(patient=patient, recorded_by=practitioner)
    ConsentFactory(patient=patient, recorded_by=practitioner, covers_electroacupuncture=True, covers_heat=True)
    DiagnosisFactory(patient=patient, recorded_by=practitioner)
    return patient


def make_plan(patient, practitioner):
    return TreatmentPlanFactory(patient=patient, practitioner=practitioner, sessions_planned=10)


def make_checked_in(patient, practitioner, plan):
    """Maria's session today at 10:00, and she is at the desk."""
    return AppointmentFactory(
        patient=patient,
        practitioner=practitioner,
        plan=plan,
        starts_at=today_at(10),
        status=Appointment.Status.CHECKED_IN,
        checked_in_at=timezone.now(),
    )


def start_url(appointment) -> str:
    return reverse("treatments:session_start", kwargs={"appointment_id": appointment.pk})


def session_url(name: str, session) -> str:
    return reverse(f"treatments:{name}", kwargs={"session_id": session.pk})


def management(prefix: str, total: int) -> dict:
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "40",
    }


def session_data(*, points=(), electro=(), events=(), **changes) -> dict:
    """A valid draft: pain before and after, ten needles for 30 minutes; rows as given.

    points: (code, side[, ashi_location]); electro: (a, b, hz, second_hz, minutes); events: (kind, severity, action).
    """
    data = {
        "first_step_pain_before": "6.5",
        "average_pain_before": "5.0",
        "first_step_pain_after": "4.0",
        "average_pain_after": "3.5",
        "needle_count": "10",
        "retention_minutes": "30",
        "heat": "",
        "other_techniques": "",
        "pregnancy_override_reason": "",
        "subjective": "Heel better on waking.",
        "objective": "Tender medial calcaneal tubercle.",
        "assessment": "Improving.",
        "plan_notes": "Continue weekly.",
        "home_care": "",
        "nsaid_use": "none",
    }
    data |= management("points", len(points))
    for index, row in enumerate(points):
        data[f"points-{index}-point"] = row[0]
        data[f"points-{index}-side"] = row[1]
        data[f"points-{index}-ashi_location"] = row[2] if len(row) > 2 else ""
    data |= management("electro", len(electro))
    for index, (a, b, hz, second, minutes) in enumerate(electro):
        data[f"electro-{index}-point_a"] = a
        data[f"electro-{index}-point_b"] = b
        data[f"electro-{index}-frequency_hz"] = hz
        data[f"electro-{index}-second_frequency_hz"] = second
        data[f"electro-{index}-minutes"] = minutes
    data |= management("events", len(events))
    for index, (kind, severity, action) in enumerate(events):
        data[f"events-{index}-kind"] = kind
        data[f"events-{index}-severity"] = severity
        data[f"events-{index}-action_taken"] = action
    data.update({key: value for key, value in changes.items()})
    return data


def counts() -> dict[str, int]:
    """How many of each session record exist: a refused request leaves these unchanged."""
    return {
        model.__name__: model.objects.count()
        for model in (TreatmentSession, NeedledPoint, ElectroStimulation, AdverseEvent)
    }


def errors_at(response, field: str, *, form: str = "form") -> list[str]:
    return list(response.context[form].errors.get(field, []))
