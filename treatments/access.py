"""The one way views reach plans, appointments and sessions, checked against the user's role.

Schedules (who, when, where, which session of how many) are for every staff
role. A plan's clinical content (diagnoses, approach, goal) is written by
practitioners only, and read by clinicians; so is a treatment session.

A practitioner writes their own clinical records, not a colleague's: a session
is written by the practitioner its appointment is booked with (covering means
reassigning the appointment first), a signed session is amended only by its
author (others add an addendum), a plan's content is changed by its own
practitioner and its status by its practitioner or a clinic admin. Those refusals are NotYourRecord, a 403 whose
message says what to do instead, so a page can show it.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from clinic.access import (
    Role,
    can_manage_clinic,
    can_manage_front_desk,
    can_see_clinical,
    can_write_clinical,
    has_role,
)
from treatments.models import Appointment, TreatmentPlan, TreatmentSession


class NotYourRecord(PermissionDenied):
    """A practitioner reaching for a colleague's clinical record. The message says who may, and what to do instead."""

    def __init__(self, message: str, *, record=None):
        super().__init__(message)
        self.message = message
        # The record refused, so the page saying no can link to it (or to the way round).
        self.record = record


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


def plan_for_editing(user, plan_id, queryset=None) -> TreatmentPlan:
    """Changing a plan's clinical content (diagnoses, approach, goal, sessions): its own practitioner."""
    plan = plan_for_clinical_write(user, plan_id, queryset)
    if plan.practitioner_id != user.pk:
        raise NotYourRecord(
            f"This plan is {plan.practitioner.display_name}'s: only they change its content. A clinic admin can "
            "discontinue it so that you start a plan of your own.",
            record=plan,
        )
    return plan


def plan_for_status_change(user, plan_id, queryset=None) -> TreatmentPlan:
    """Activating, completing or discontinuing a plan: its practitioner, or a clinic admin."""
    if not (can_write_clinical(user) or can_manage_clinic(user)):
        raise PermissionDenied
    plan = _get(
        queryset if queryset is not None else TreatmentPlan.objects.select_related("patient", "practitioner"),
        public_id=plan_id,
    )
    if plan.practitioner_id != user.pk and not can_manage_clinic(user):
        raise NotYourRecord(
            f"This plan is {plan.practitioner.display_name}'s: only they or a clinic admin change its status.",
            record=plan,
        )
    return plan


def appointment_for_front_desk(user, appointment_id, queryset=None) -> Appointment:
    """Booking, moving, cancelling and checking in: every staff role."""
    if not can_manage_front_desk(user):
        raise PermissionDenied
    return _get(queryset if queryset is not None else Appointment.objects.with_schedule_details(), pk=appointment_id)


# --- treatment sessions -------------------------------------------------------------------
# A session's content is clinical: practitioners write it, clinicians read it. The front desk
# sees only that one took place (the appointment's status), never the record itself.


def appointment_for_session(user, appointment_id, queryset=None) -> Appointment:
    """Opening a session from an appointment: the practitioner it is booked with."""
    if not can_write_clinical(user):
        raise PermissionDenied
    appointment = _get(
        queryset if queryset is not None else Appointment.objects.with_schedule_details(), pk=appointment_id
    )
    if refusal := appointment.session_writer_refusal(user):
        raise NotYourRecord(refusal, record=appointment)
    return appointment


def appointment_for_reassignment(user, appointment_id, queryset=None) -> Appointment:
    """Handing an appointment to a covering practitioner: the front desk, a clinic admin, or the one it is booked with.

    Another practitioner cannot take a colleague's appointment for themselves: someone who runs the diary,
    or the colleague, hands it over.
    """
    if not can_manage_front_desk(user):
        raise PermissionDenied
    appointment = _get(
        queryset if queryset is not None else Appointment.objects.with_schedule_details(), pk=appointment_id
    )
    if has_role(user, Role.FRONT_DESK, Role.CLINIC_ADMIN) or appointment.practitioner_id == user.pk:
        return appointment
    raise NotYourRecord(
        f"This appointment is {appointment.practitioner.display_name}'s: they, the front desk or a clinic admin "
        "can reassign it to you.",
        record=appointment,
    )


def _sessions():
    return TreatmentSession.objects.select_related(
        "appointment", "appointment__location", "patient", "plan", "practitioner", "signed_by"
    )


def session_for_clinical_read(user, session_id, queryset=None) -> TreatmentSession:
    if not can_see_clinical(user):
        raise PermissionDenied
    return _get(queryset if queryset is not None else _sessions(), pk=session_id)


def session_for_clinical_write(user, session_id, queryset=None) -> TreatmentSession:
    """Editing or signing a draft: the session's own practitioner. (A signed session is amended, see below.)"""
    if not can_write_clinical(user):
        raise PermissionDenied
    session = _get(queryset if queryset is not None else _sessions(), pk=session_id)
    if not session.is_signed and (refusal := session.write_refusal(user)):
        raise NotYourRecord(refusal, record=session)
    return session


def session_for_amendment(user, session_id, queryset=None) -> TreatmentSession:
    """Correcting a signed session: its author only. (A draft is its practitioner's to edit.)"""
    if not can_write_clinical(user):
        raise PermissionDenied
    session = _get(queryset if queryset is not None else _sessions(), pk=session_id)
    refusal = session.amend_refusal(user) if session.is_signed else session.write_refusal(user)
    if refusal:
        raise NotYourRecord(refusal, record=session)
    return session


def session_for_addendum(user, session_id, queryset=None) -> TreatmentSession:
    """Adding a note to a signed session: any practitioner (clinic admins read records, they do not write them)."""
    if not can_write_clinical(user):
        raise PermissionDenied
    return _get(queryset if queryset is not None else _sessions(), pk=session_id)
