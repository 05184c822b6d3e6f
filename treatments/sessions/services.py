"""Writing a session: save a draft, sign it, amend it. Each is one transaction, all or nothing.

A draft's rows (points, electro pairs, adverse events) are replaced as a whole
on each save: a draft has no history worth keeping row by row, and the signed
record is what the amendments protect. Signing locks the session and completes
its appointment; an amendment records each changed field's value before and
after, beside who changed it, when and why.
"""

from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from patients.models import SymptomRecord
from treatments.models import (
    AdverseEvent,
    Appointment,
    ElectroStimulation,
    NeedledPoint,
    SessionAmendment,
    TreatmentSession,
)
from treatments.sessions.forms.record import BaseRowSet, SessionForm, SymptomScoresForm


class SessionRefused(Exception):
    """A write the rules do not allow; the message says why, for the page."""


def session_day(session: TreatmentSession) -> date:
    return timezone.localdate(session.appointment.starts_at)


@transaction.atomic
def session_save(
    *,
    session: TreatmentSession,
    form: SessionForm,
    points: BaseRowSet,
    electro: BaseRowSet,
    events: BaseRowSet,
    symptom_scores: SymptomScoresForm,
    by,
) -> TreatmentSession:
    """Create or update a draft from valid forms: the session, its rows and today's symptom scores.

    `form` is bound to `session` (a new, unsaved one carries its appointment, patient, plan and practitioner).
    """
    if session.pk is not None:
        stored = TreatmentSession.objects.select_for_update().filter(pk=session.pk).values_list("signed_at", flat=True)
        if stored.get() is not None:
            raise SessionRefused("This session is signed, so it cannot be edited. Record a correction with Amend.")
    session = form.save()

    session.needled_points.all().delete()
    NeedledPoint.objects.bulk_create(
        NeedledPoint(session=session, point=row["point"], side=row["side"], ashi_location=row.get("ashi_location", ""))
        for row in points.filled()
    )
    session.electro.all().delete()
    ElectroStimulation.objects.bulk_create(
        ElectroStimulation(
            session=session,
            point_a=row["point_a"],
            point_b=row["point_b"],
            frequency_hz=row["frequency_hz"],
            second_frequency_hz=row.get("second_frequency_hz"),
            minutes=row["minutes"],
        )
        for row in electro.filled()
    )
    session.adverse_events.all().delete()
    AdverseEvent.objects.bulk_create(
        AdverseEvent(session=session, kind=row["kind"], severity=row["severity"], action_taken=row["action_taken"])
        for row in events.filled()
    )

    day = session_day(session)
    for symptom, severity in symptom_scores.scores():
        if symptom.todays:
            # Scored already today (an earlier save of this draft): correct that score, keep its places.
            SymptomRecord.objects.filter(pk__in=[record.pk for record in symptom.todays]).update(severity=severity)
        else:
            SymptomRecord.objects.create(
                patient=session.patient,
                recorded_on=day,
                symptom=symptom.symptom,
                symptom_other=symptom.symptom_other,
                spots=symptom.spots,
                severity=severity,
                timing=symptom.timing,
                recorded_by=by,
            )
    return session


@transaction.atomic
def session_sign(*, session: TreatmentSession, by) -> TreatmentSession:
    """Lock the session and complete its appointment. Only the practitioner who gave it signs it."""
    locked = TreatmentSession.objects.select_for_update().get(pk=session.pk)
    if locked.is_signed:
        raise SessionRefused("This session is signed already.")
    if locked.practitioner_id != by.pk:
        raise SessionRefused(
            f"Only {locked.practitioner.display_name}, who gave this treatment, can sign this session."
        )
    missing = [
        label
        for label, value in (
            ("first-step pain after", locked.first_step_pain_after),
            ("average pain after", locked.average_pain_after),
        )
        if value is None
    ]
    if missing:
        raise SessionRefused(
            f"Record the {' and '.join(missing)} treatment before signing: edit the draft to add "
            f"{'it' if len(missing) == 1 else 'them'}."
        )
    session.signed_at = timezone.now()
    session.signed_by = by
    session._signing = True
    session.save(update_fields=["signed_at", "signed_by", "updated_at"])
    Appointment.objects.filter(pk=session.appointment_id).update(status=Appointment.Status.COMPLETED)
    session.appointment.status = Appointment.Status.COMPLETED
    return session


def _stored(value):
    """A value as the amendment's JSON keeps it: decimals as text ('6.5'), the rest as it is."""
    if isinstance(value, Decimal):
        return f"{value:.1f}"
    return value


@transaction.atomic
def session_amend(*, session: TreatmentSession, changes: dict, reason: str, by) -> SessionAmendment:
    """Correct a signed session: apply the changed values and keep the old ones on the amendment."""
    locked = TreatmentSession.objects.select_for_update().get(pk=session.pk)
    if not locked.is_signed:
        raise SessionRefused("This session is still a draft: edit it instead of amending it.")
    recorded = {
        name: [_stored(getattr(locked, name)), _stored(value)]
        for name, value in changes.items()
        if getattr(locked, name) != value
    }
    if not recorded:
        raise SessionRefused("Nothing changed: change at least one value to record a correction.")
    for name in recorded:
        setattr(locked, name, changes[name])
    locked._amending = True
    locked.save(update_fields=[*recorded, "updated_at"])
    return SessionAmendment.objects.create(session=locked, changes=recorded, reason=reason.strip(), amended_by=by)
