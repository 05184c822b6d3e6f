"""The audit trail: who changed which record (written by PostgreSQL triggers) and who looked at it.

Writes are recorded by triggers on the tracked tables (django-pghistory), so a bulk `QuerySet.update()`,
a data migration or raw SQL is caught as surely as a form save. Every update stores two rows: the row as
it was (`before_update`) and as it became (`update`); inserts and deletes store the row itself. The
request's user, page and address reach the triggers through `audit.middleware.WriteContextMiddleware`
(the event's `pgh_context`).

Reads are recorded by `audit.middleware.AccessLogMiddleware` as `AccessEvent` rows.

Every table here is append-only: a `Protect` trigger refuses UPDATE and DELETE, whatever the code path.
"""

import pghistory
import pgtrigger
from django.conf import settings
from django.db import models
from django.utils import timezone

from patients.models import Consent, Diagnosis, Intake, Patient, PriorTreatment, SymptomRecord
from treatments.models import (
    AdverseEvent,
    Appointment,
    ElectroStimulation,
    FollowUp,
    NeedledPoint,
    SessionAmendment,
    TreatmentPlan,
    TreatmentSession,
)

APPEND_ONLY = pgtrigger.Protect(name="append_only", operation=pgtrigger.Update | pgtrigger.Delete)


def _row_trackers():
    """Fresh trackers for each model (a tracker keeps per-model state once set up)."""
    return (
        pghistory.InsertEvent(),
        pghistory.UpdateEvent("before_update", row=pghistory.Old),
        pghistory.UpdateEvent(),
        pghistory.DeleteEvent(),
    )


def _events_of(tracked_model):
    # append_only adds the `append_only` Protect trigger (UPDATE and DELETE refused) to the event table.
    return pghistory.create_event_model(tracked_model, *_row_trackers(), app_label="audit", append_only=True)


# --- patients ---------------------------------------------------------------------------------------


class PatientEvent(_events_of(Patient)):
    pass


class IntakeEvent(_events_of(Intake)):
    pass


class PriorTreatmentEvent(_events_of(PriorTreatment)):
    pass


class ConsentEvent(_events_of(Consent)):
    pass


class DiagnosisEvent(_events_of(Diagnosis)):
    pass


class SymptomRecordEvent(_events_of(SymptomRecord)):
    pass


# --- treatments -------------------------------------------------------------------------------------


class TreatmentPlanEvent(_events_of(TreatmentPlan)):
    pass


class TreatmentPlanDiagnosisEvent(
    pghistory.create_event_model(
        TreatmentPlan.diagnoses.through,
        # A link between a plan and a diagnosis is only ever added or removed, never edited.
        pghistory.InsertEvent("add"),
        pghistory.DeleteEvent("remove"),
        app_label="audit",
        append_only=True,
        # The link row itself is gone after a removal: the plan and diagnosis ids say what it was.
        obj_field=None,
    )
):
    pass


class AppointmentEvent(_events_of(Appointment)):
    pass


class TreatmentSessionEvent(_events_of(TreatmentSession)):
    pass


class NeedledPointEvent(_events_of(NeedledPoint)):
    pass


class ElectroStimulationEvent(_events_of(ElectroStimulation)):
    pass


class AdverseEventEvent(_events_of(AdverseEvent)):
    pass


class SessionAmendmentEvent(_events_of(SessionAmendment)):
    pass


class FollowUpEvent(_events_of(FollowUp)):
    pass


WRITE_EVENT_MODELS = (
    PatientEvent,
    IntakeEvent,
    PriorTreatmentEvent,
    ConsentEvent,
    DiagnosisEvent,
    SymptomRecordEvent,
    TreatmentPlanEvent,
    TreatmentPlanDiagnosisEvent,
    AppointmentEvent,
    TreatmentSessionEvent,
    NeedledPointEvent,
    ElectroStimulationEvent,
    AdverseEventEvent,
    SessionAmendmentEvent,
    FollowUpEvent,
)


# --- reads ------------------------------------------------------------------------------------------


class AccessEvent(models.Model):
    """One page of patient data, report or export served to a member of staff."""

    class Kind(models.TextChoices):
        CHART = "chart", "Chart"
        DETAILS = "details", "Patient details"
        INTAKE = "intake", "Intake"
        SYMPTOMS = "symptoms", "Symptom history"
        PLAN = "plan", "Treatment plan"
        APPOINTMENT = "appointment", "Appointment"
        SESSION = "session", "Treatment session"
        PROGRESS = "progress", "Progress"
        REPORT = "report", "Clinic report"
        EXPORT = "export", "Export (CSV)"

    created_at = models.DateTimeField("when", default=timezone.now)
    # No database constraint and no cascade: the log outlives the accounts and records it names.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+", verbose_name="who"
    )
    patient = models.ForeignKey(
        Patient,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
        help_text="Empty for a clinic-wide report or export.",
    )
    kind = models.CharField("page kind", max_length=20, choices=Kind.choices)
    url_name = models.CharField("page", max_length=100)
    # The path only: a query string may carry search terms, and the path names patients by opaque id.
    path = models.CharField(max_length=300)
    remote_addr = models.GenericIPAddressField("from address", null=True, blank=True)

    class Meta:
        verbose_name = "access event"
        indexes = [
            models.Index(fields=["patient", "-created_at"], name="audit_access_patient_idx"),
            models.Index(fields=["user", "-created_at"], name="audit_access_user_idx"),
        ]
        triggers = [APPEND_ONLY]

    def __str__(self) -> str:
        return f"{self.url_name} by user {self.user_id} at {self.created_at:%Y-%m-%d %H:%M}"
