"""Treatments models: plans, the diary (appointments, hours), clinical sessions, and progress."""

from treatments.models.diary import (
    LATE_CANCELLATION_NOTICE,
    Appointment,
    AppointmentActions,
    AppointmentQuerySet,
    AppointmentReassignment,
    CalendarFeed,
    Closure,
    Leave,
    Location,
    TsTzRange,
    Weekday,
    WorkingHours,
    local_datetime,
)
from treatments.models.outcomes import PlanOutcome, PlanOutcomeQuerySet
from treatments.models.plans import MAX_SESSIONS, MIN_SESSIONS, TreatmentPlan, TreatmentPlanQuerySet
from treatments.models.progress import FollowUp, ReliefRule
from treatments.models.references import AdverseEventReference, ReferenceFigures
from treatments.models.sessions import (
    AcupuncturePoint,
    AdverseEvent,
    ElectroStimulation,
    Meridian,
    NeedledPoint,
    Protocol,
    ProtocolPoint,
    SessionAddendum,
    SessionAmendment,
    TreatmentSession,
)

__all__ = [
    "LATE_CANCELLATION_NOTICE",
    "MAX_SESSIONS",
    "MIN_SESSIONS",
    "AcupuncturePoint",
    "AdverseEvent",
    "AdverseEventReference",
    "Appointment",
    "AppointmentActions",
    "AppointmentQuerySet",
    "AppointmentReassignment",
    "CalendarFeed",
    "Closure",
    "ElectroStimulation",
    "FollowUp",
    "Leave",
    "Location",
    "Meridian",
    "NeedledPoint",
    "PlanOutcome",
    "PlanOutcomeQuerySet",
    "Protocol",
    "ProtocolPoint",
    "ReferenceFigures",
    "ReliefRule",
    "SessionAddendum",
    "SessionAmendment",
    "TreatmentPlan",
    "TreatmentPlanQuerySet",
    "TreatmentSession",
    "TsTzRange",
    "Weekday",
    "WorkingHours",
    "local_datetime",
]
