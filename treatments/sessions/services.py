"""Writing a session: save a draft, sign it, amend it. Each is one transaction, all or nothing.

They take plain values, not forms, and check the rules themselves, so the
session page, the demo and any later caller are held to the same rules: no
session without consent (or with a severe bleeding disorder), no
electroacupuncture with an implanted device or without consent to it, no heat
without consent to it, no point to avoid in pregnancy without a reason, and
nothing for an appointment the patient did not come to.

A draft's rows (points, electro pairs, adverse events) are replaced as a whole
on each save: a draft has no history worth keeping row by row, and the signed
record is what the amendments protect. Signing asks every safety rule again,
with the facts as they are then: a rule that now fails (a pacemaker added to
the intake, a consent withdrawn) is signed over only with a reason, kept on the
session. Signing locks the session and completes its appointment; an amendment
records each changed field's value before and after, beside who changed it,
when and why.

Each practitioner writes their own record: a session is saved and signed only
by the practitioner its appointment is booked with, and amended only by the one
who signed it. A colleague with something to add writes an addendum, a note kept
beside the record as written, with their name and the time.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from patients.models import Side, SymptomRecord
from patients.safety import load_facts
from treatments.models import (
    AcupuncturePoint,
    AdverseEvent,
    Appointment,
    ElectroStimulation,
    NeedledPoint,
    SessionAddendum,
    SessionAmendment,
    TreatmentSession,
)
from treatments.models.sessions import ADDENDUM_MAX_LENGTH
from treatments.sessions.pregnancy import points_needing_override
from treatments.sessions.refusals import recorded_session_refusals, session_refusals
from treatments.sessions.todays_symptoms import symptoms_to_rescore

# What a draft records, in the order the page asks for it.
RECORD_FIELDS = (
    "first_step_pain_before",
    "average_pain_before",
    "first_step_pain_after",
    "average_pain_after",
    "needle_count",
    "retention_minutes",
    "heat",
    "other_techniques",
    "pregnancy_override_reason",
    "subjective",
    "objective",
    "assessment",
    "plan_notes",
    "home_care",
    "nsaid_use",
)
# What a correction of a signed session may change: the techniques given (heat, other techniques) and the
# pregnancy override stay as signed, as do the points and current, which are rows of their own.
SIGNED_AS_GIVEN = ("heat", "other_techniques", "pregnancy_override_reason")
AMENDABLE_FIELDS = tuple(name for name in RECORD_FIELDS if name not in SIGNED_AS_GIVEN)
AFTER_SCORES = (("first-step pain after", "first_step_pain_after"), ("average pain after", "average_pain_after"))
ATTENDED = (Appointment.Status.CHECKED_IN, Appointment.Status.COMPLETED)


class SessionRefused(Exception):
    """A write the rules do not allow; the message says why, for the page."""


class AcknowledgementNeeded(SessionRefused):
    """Safety rules fail at signing and no reason was given to sign over them; `refusals` names each."""

    def __init__(self, refusals: dict[str, str]):
        self.refusals = refusals
        super().__init__(
            f"Safety rules now fail for this session: {' '.join(refusals.values())} "
            "To sign it anyway, give the reason (for example, the treatment was given before this changed)."
        )


def sign_acknowledgement_text(refusals: dict[str, str], reason: str) -> str:
    """What the session keeps when it is signed over failing rules: each rule on a line, then the reason."""
    rules = "\n".join(f"- {text}" for text in refusals.values())
    return f"Failed at signing:\n{rules}\nReason given: {reason}"


@dataclass(frozen=True)
class PointRow:
    point: AcupuncturePoint
    side: str = Side.BOTH
    ashi_location: str = ""


@dataclass(frozen=True)
class ElectroRow:
    point_a: AcupuncturePoint
    point_b: AcupuncturePoint
    frequency_hz: Decimal
    minutes: int
    second_frequency_hz: Decimal | None = None


@dataclass(frozen=True)
class AdverseEventRow:
    kind: str
    severity: str
    action_taken: str


@dataclass(frozen=True)
class SymptomScore:
    """Today's severity of one symptom on the patient's map; it keeps the places the map has now."""

    symptom: str
    severity: int
    symptom_other: str = ""
    note: str = ""


def session_day(session: TreatmentSession) -> date:
    return timezone.localdate(session.appointment.starts_at)


@transaction.atomic
def session_save(
    *,
    appointment: Appointment,
    record: dict,
    points: Sequence[PointRow] = (),
    electro: Sequence[ElectroRow] = (),
    events: Sequence[AdverseEventRow] = (),
    symptom_scores: Sequence[SymptomScore] = (),
    by,
) -> TreatmentSession:
    """Create or update the appointment's draft: its values, its rows and today's symptom scores.

    `record` holds values by field name (RECORD_FIELDS); a field left out keeps its value.
    Raises SessionRefused, writing nothing, when a rule forbids the record.
    """
    unknown = set(record) - set(RECORD_FIELDS)
    if unknown:
        raise TypeError(f"Not part of a session's record: {', '.join(sorted(unknown))}")
    if refusal := appointment.session_writer_refusal(by):
        raise SessionRefused(refusal)
    session = TreatmentSession.objects.select_for_update().filter(appointment=appointment).first()
    if session is None:
        if appointment.status not in ATTENDED:
            raise SessionRefused(
                f"This appointment is {appointment.get_status_display().lower()}: a session is recorded only "
                "for a patient who came."
            )
        session = TreatmentSession(
            appointment=appointment,
            patient=appointment.patient,
            plan=appointment.plan,
            practitioner=appointment.practitioner,
        )
    elif session.is_signed:
        raise SessionRefused("This session is signed, so it cannot be edited. Record a correction with Amend.")
    for name, value in record.items():
        setattr(session, name, value)

    facts = load_facts(appointment.patient)
    needled = [row.point for row in points] + [point for row in electro for point in (row.point_a, row.point_b)]
    refusals = session_refusals(
        facts,
        points=needled,
        has_electro=bool(electro),
        heat=session.heat,
        pregnancy_override_reason=session.pregnancy_override_reason,
    )
    if refusals:
        raise SessionRefused(" ".join(refusals.values()))
    if not points_needing_override(facts, needled):
        # A reason is kept only while a point needs it.
        session.pregnancy_override_reason = ""
    session.save()

    session.needled_points.all().delete()
    NeedledPoint.objects.bulk_create(
        NeedledPoint(session=session, point=row.point, side=row.side, ashi_location=row.ashi_location) for row in points
    )
    session.electro.all().delete()
    ElectroStimulation.objects.bulk_create(
        ElectroStimulation(
            session=session,
            point_a=row.point_a,
            point_b=row.point_b,
            frequency_hz=row.frequency_hz,
            second_frequency_hz=row.second_frequency_hz,
            minutes=row.minutes,
        )
        for row in electro
    )
    session.adverse_events.all().delete()
    AdverseEvent.objects.bulk_create(
        AdverseEvent(session=session, kind=row.kind, severity=row.severity, action_taken=row.action_taken)
        for row in events
    )
    if symptom_scores:
        _rescore(session, symptom_scores, by=by)
    return session


def _rescore(session: TreatmentSession, scores: Sequence[SymptomScore], *, by) -> None:
    """Each score on the places its symptom has now; a symptom scored already that day has that score corrected."""
    day = session_day(session)
    records = list(session.patient.symptom_records.order_by("-recorded_on", "-id"))
    offered = {symptom.key: symptom for symptom in symptoms_to_rescore(records, day)}
    for score in scores:
        symptom = offered.get((score.symptom, score.symptom_other.strip().casefold()))
        if symptom is None:
            name = score.symptom_other or SymptomRecord.Symptom(score.symptom).label
            raise SessionRefused(f"{name} is not on the patient's foot map, so there is nothing to re-score.")
        if symptom.todays:
            SymptomRecord.objects.filter(pk__in=[record.pk for record in symptom.todays]).update(
                severity=score.severity
            )
        else:
            SymptomRecord.objects.create(
                patient=session.patient,
                recorded_on=day,
                symptom=symptom.symptom,
                symptom_other=symptom.symptom_other,
                spots=symptom.spots,
                severity=score.severity,
                timing=symptom.timing,
                note=score.note,
                recorded_by=by,
            )


@transaction.atomic
def session_sign(
    *, session: TreatmentSession, by, now: datetime | None = None, acknowledgement: str = ""
) -> TreatmentSession:
    """Lock the session and complete its appointment. Only the practitioner who gave it signs it.

    Every safety rule is asked again with today's facts. If one fails, the session is signed only with
    an `acknowledgement` (the practitioner's reason), stored with the failing rules on the session;
    without one, AcknowledgementNeeded is raised and nothing is signed. A reason given while every
    rule passes is not kept.
    """
    # The points come with the session: the safety rules read every one of them (no query per point).
    locked = (
        TreatmentSession.objects.select_for_update(of=("self",))
        .select_related("patient")
        .prefetch_related("needled_points__point", "electro__point_a", "electro__point_b")
        .get(pk=session.pk)
    )
    if locked.is_signed:
        raise SessionRefused("This session is signed already.")
    if locked.practitioner_id != by.pk:
        raise SessionRefused(
            f"Only {locked.practitioner.display_name}, who gave this treatment, can sign this session."
        )
    missing = [label for label, name in AFTER_SCORES if getattr(locked, name) is None]
    if missing:
        raise SessionRefused(
            f"Record the {' and '.join(missing)} treatment before signing: edit the draft to add "
            f"{'it' if len(missing) == 1 else 'them'}."
        )
    refusals = recorded_session_refusals(locked, load_facts(locked.patient))
    reason = acknowledgement.strip()
    if refusals and not reason:
        raise AcknowledgementNeeded(refusals)
    session.sign_acknowledgement = sign_acknowledgement_text(refusals, reason) if refusals else ""
    session.signed_at = now or timezone.now()
    session.signed_by = by
    session._signing = True
    try:
        session.save(update_fields=["signed_at", "signed_by", "sign_acknowledgement", "updated_at"])
    finally:
        # The caller keeps this object: once signed, it is locked like any other copy.
        session._signing = False
    Appointment.objects.filter(pk=session.appointment_id).update(status=Appointment.Status.COMPLETED)
    session.appointment.status = Appointment.Status.COMPLETED
    return session


def _stored(value):
    """A value as the amendment's JSON keeps it: decimals as text ('6.5'), the rest as it is."""
    if isinstance(value, Decimal):
        return f"{value:.1f}"
    return value


@transaction.atomic
def session_amend(
    *, session: TreatmentSession, changes: dict, reason: str, by, now: datetime | None = None
) -> SessionAmendment:
    """Correct a signed session: apply the changed values and keep the old ones on the amendment."""
    unknown = set(changes) - set(AMENDABLE_FIELDS)
    if unknown:
        raise SessionRefused(f"A signed session's {', '.join(sorted(unknown))} cannot be amended.")
    locked = TreatmentSession.objects.select_for_update().get(pk=session.pk)
    if not locked.is_signed:
        raise SessionRefused("This session is still a draft: edit it instead of amending it.")
    if refusal := locked.amend_refusal(by):
        raise SessionRefused(refusal)
    if not reason.strip():
        raise SessionRefused("Say why the signed record is being corrected.")
    removed = [label for label, name in AFTER_SCORES if name in changes and changes[name] is None]
    if removed:
        raise SessionRefused(f"A signed session keeps its {' and '.join(removed)} treatment: correct it instead.")
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
    amendment = SessionAmendment.objects.create(session=locked, changes=recorded, reason=reason.strip(), amended_by=by)
    if now is not None:
        # amended_at is stamped with the wall clock on insert; a caller that says when keeps its own time.
        SessionAmendment.objects.filter(pk=amendment.pk).update(amended_at=now)
        amendment.amended_at = now
    return amendment


@transaction.atomic
def session_addendum_add(*, session: TreatmentSession, text: str, by, now: datetime | None = None) -> SessionAddendum:
    """Add a note to a signed session, kept as written with who and when. Any practitioner may; nobody changes it after.

    This is how a colleague adds to another practitioner's signed record without touching it (session_amend is
    the author's). The caller checks who `by` is (treatments.access.session_for_addendum).
    """
    locked = TreatmentSession.objects.select_for_update().get(pk=session.pk)
    if not locked.is_signed:
        raise SessionRefused("This session is still a draft: add a note once it is signed.")
    text = text.strip()
    if not text:
        raise SessionRefused("Write the addendum: it is kept beside the session as written.")
    if len(text) > ADDENDUM_MAX_LENGTH:
        raise SessionRefused(f"Keep the addendum to {ADDENDUM_MAX_LENGTH} characters.")
    return SessionAddendum.objects.create(session=locked, text=text, author=by, written_at=now or timezone.now())
