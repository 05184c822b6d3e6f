"""Writes to the clinical record that touch more than one row and must succeed or fail together."""

from django.db import transaction

from patients.models import Intake


@transaction.atomic
def intake_save(*, form, prior_treatments, by) -> Intake:
    """Save the intake and its earlier treatments together; `by` is recorded as the author of a new intake.

    `form` is a valid IntakeForm and `prior_treatments` a valid PriorTreatmentFormSet built on the same
    (possibly unsaved) intake.
    """
    intake = form.save(commit=False)
    if intake.pk is None:
        intake.recorded_by = by
    intake.save()
    prior_treatments.instance = intake
    prior_treatments.save()
    return intake
