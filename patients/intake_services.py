"""Writes to the clinical record that touch more than one row and must succeed or fail together."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from django.db import transaction

from patients.models import Intake, Patient, PriorTreatment


@dataclass(frozen=True)
class PriorTreatmentRow:
    """One earlier treatment as the practitioner entered it; `id` names a row being corrected."""

    kind: str
    outcome: str
    note: str = ""
    id: int | None = None


@transaction.atomic
def intake_save(
    *, patient: Patient, values: Mapping[str, object], prior_treatments: Sequence[PriorTreatmentRow] = (), by
) -> Intake:
    """Save the patient's intake and its earlier treatments together; `by` is recorded as the author of a new intake.

    `values` are the intake's field values by name. Each row with an `id` corrects that earlier
    treatment of this intake; the others are added. Earlier treatments are never deleted.
    """
    intake = Intake.objects.select_for_update().filter(patient=patient).first() or Intake(patient=patient)
    for name, value in values.items():
        setattr(intake, name, value)
    if intake.pk is None:
        intake.recorded_by = by
    intake.save()
    existing = {row.pk: row for row in intake.prior_treatments.all()} if prior_treatments else {}
    for row in prior_treatments:
        treatment = existing[row.id] if row.id is not None else PriorTreatment(intake=intake)
        treatment.kind, treatment.outcome, treatment.note = row.kind, row.outcome, row.note
        treatment.save()
    return intake
