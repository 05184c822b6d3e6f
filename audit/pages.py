"""Which pages are logged when viewed, and how each names its patient.

Keyed by URL name (namespace included). Each entry gives the page kind and, for a patient's page, the URL
argument that identifies the patient and a subquery from that argument to the patient's id. Reports and
exports over the whole clinic name no patient. A page missing here is not logged: add new patient pages.
"""

from dataclasses import dataclass

from django.db.models import QuerySet

from audit.models import AccessEvent
from patients.models import Patient
from treatments.models import Appointment, TreatmentPlan, TreatmentSession

Kind = AccessEvent.Kind


def _by_patient(value) -> QuerySet:
    return Patient.objects.filter(public_id=value).values("pk")


def _by_plan(value) -> QuerySet:
    return TreatmentPlan.objects.filter(public_id=value).values("patient_id")


def _by_session(value) -> QuerySet:
    return TreatmentSession.objects.filter(pk=value).values("patient_id")


def _by_appointment(value) -> QuerySet:
    return Appointment.objects.filter(pk=value).values("patient_id")


# The URL argument each kind of page names its record by, and the way from it to the patient.
_PATIENT_BY_ARGUMENT = {
    "public_id": _by_patient,
    "plan_id": _by_plan,
    "session_id": _by_session,
    "appointment_id": _by_appointment,
}


@dataclass(frozen=True)
class LoggedPage:
    kind: str
    names_patient: bool = True


LOGGED_PAGES = {
    "patients:chart": LoggedPage(Kind.CHART),
    "patients:edit": LoggedPage(Kind.DETAILS),
    "patients:intake": LoggedPage(Kind.INTAKE),
    "patients:symptoms": LoggedPage(Kind.SYMPTOMS),
    "treatments:plan": LoggedPage(Kind.PLAN),
    "treatments:plan_edit": LoggedPage(Kind.PLAN),
    "treatments:appointment": LoggedPage(Kind.APPOINTMENT),
    "treatments:session": LoggedPage(Kind.SESSION),
    "treatments:session_edit": LoggedPage(Kind.SESSION),
    "treatments:session_amend": LoggedPage(Kind.SESSION),
    "treatments:plan_progress": LoggedPage(Kind.PROGRESS),
    "treatments:patient_progress": LoggedPage(Kind.PROGRESS),
    "treatments:follow_up": LoggedPage(Kind.PROGRESS),
    "treatments:outcomes": LoggedPage(Kind.REPORT, names_patient=False),
    "treatments:outcome_plans": LoggedPage(Kind.REPORT, names_patient=False),
    "treatments:adverse_event_sessions": LoggedPage(Kind.REPORT, names_patient=False),
    "treatments:review_queue": LoggedPage(Kind.REPORT, names_patient=False),
    "treatments:outcomes_csv": LoggedPage(Kind.EXPORT, names_patient=False),
    "treatments:outcome_plans_csv": LoggedPage(Kind.EXPORT, names_patient=False),
}


def patient_subquery(url_kwargs: dict) -> QuerySet | None:
    """The patient's id as a one-row subquery, from the first URL argument that leads to a patient."""
    for argument, subquery in _PATIENT_BY_ARGUMENT.items():
        if argument in url_kwargs:
            return subquery(url_kwargs[argument]).order_by()[:1]
    return None
