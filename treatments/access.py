"""The one way views reach plans, appointments and sessions, checked against the user's role.

Schedules (who, when, where, which session of how many) are for every staff
role. A plan's clinical content (diagnoses, approach, goal) is written by
practitioners only, and read by clinicians; so is a treatment session.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from clinic.access import can_manage_front_desk, can_see_clinical, can_write_clinical
from treatments.models import Appointment, TreatmentPlan, TreatmentSession


def _get(queryset, **lookup):
    try:
        return queryset.get(**lookup)
    except (queryset.model.DoesNotExist, ValueError) as missing:
        raise Http404("Not found") from missing


def plan_for_scheduling(user, plan_id, queryset=None) -> TreatmentPlan:
    """Booking a plan's sessions: every staff role."""
    if not can_manage_front_desk(user):
        raise PermissionDenied
    return _get(
        queryset if queryset is not None else TreatmentPlan.objects.select_related("patient"), public_id=plan_id
    )


def plan_for_clinical_read(user, plan_id, queryset=None) -> TreatmentPlan:
    if not can_see_clinical(user):
        raise PermissionDenied
    return _get(
        queryset if queryset is not None else TreatmentPlan.objects.select_related("patient"), public_id=plan_id
    )


def plan_for_clinical_write(user, plan_id, queryset=None) -> TreatmentPlan:
    if not can_write_clinical(user):
        raise PermissionDenied
    return _get(
        queryset if queryset is not None else TreatmentPlan.objects.select_related("patient"), public_id=plan_id
    )


def appointment_for_front_desk(user, appointment_id, queryset=None) -> Appointment:
    """Booking, moving, cancelling and checking in: every staff role."""
    if not can_manage_front_desk(user):
        raise PermissionDenied
    return _get(queryset if queryset is not None else Appointment.objects.with_schedule_details(), pk=appointment_id)


# --- treatment sessions -------------------------------------------------------------------
# A session's content is clinical: practitioners write it, clinicians read it. The front desk
# sees only that one took place (the appointment's status), never the record itself.


def appointment_for_session(user, appointment_id, queryset=None) -> Appointment:
    """Opening a session from an appointment: practitioners only."""
    if not can_write_clinical(user):
        raise PermissionDenied
    return _get(queryset if queryset is not None else Appointment.objects.with_schedule_details(), pk=appointment_id)


def _sessions():
    return TreatmentSession.objects.select_related(
        "appointment", "appointment__location", "patient", "plan", "practitioner", "signed_by"
    )


def session_for_clinical_read(user, session_id, queryset=None) -> TreatmentSession:
    if not can_see_clinical(user):
        raise PermissionDenied
    return _get(queryset if queryset is not None else _sessions(), pk=session_id)


def session_for_clinical_write(user, session_id, queryset=None) -> TreatmentSession:
    if not can_write_clinical(user):
        raise PermissionDenied
    return _get(queryset if queryset is not None else _sessions(), pk=session_id)
