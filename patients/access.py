"""The one way views reach a patient: by opaque id, checked against the user's role.

Front-desk staff reach a patient's demographics; only clinicians reach the
clinical record. A denied request is a 403 whatever the id, and an unknown id
a 404 only for those who could have seen it, so ids cannot be probed.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from clinic.access import can_manage_front_desk, can_see_clinical, can_write_clinical
from patients.models import Patient


def _get(public_id, queryset=None) -> Patient:
    queryset = queryset if queryset is not None else Patient.objects.all()
    try:
        return queryset.get(public_id=public_id)
    except (Patient.DoesNotExist, ValueError, ValidationError) as missing:
        raise Http404("No such patient") from missing


def patient_for_front_desk(user, public_id, queryset=None) -> Patient:
    """Demographics and scheduling: every staff role."""
    if not can_manage_front_desk(user):
        raise PermissionDenied
    return _get(public_id, queryset)


def patient_for_clinical_read(user, public_id, queryset=None) -> Patient:
    """History, symptoms, diagnoses, notes: practitioners and clinic admins."""
    if not can_see_clinical(user):
        raise PermissionDenied
    return _get(public_id, queryset)


def patient_for_clinical_write(user, public_id, queryset=None) -> Patient:
    """Writing clinical records: practitioners only."""
    if not can_write_clinical(user):
        raise PermissionDenied
    return _get(public_id, queryset)
