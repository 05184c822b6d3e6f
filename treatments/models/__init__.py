"""Treatments models: plans, the diary (appointments, hours), clinical sessions, and progress."""

from treatments.models.diary import (
    LATE_CANCELLATION_NOTICE,
    Appointment,
    AppointmentActions,
    AppointmentQuerySet,
    CalendarFeed,
    Closure,
    Leave,
    Location,
    TsTzRange,
    Weekday,
    WorkingHours,
    local_datetime,
)
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
    "CalendarFeed",
    "Closure",
    "ElectroStimulation",
    "FollowUp",
    "Leave",
    "Location",
    "Meridian",
    "NeedledPoint",
    "Protocol",
    "ProtocolPoint",
    "ReferenceFigures",
    "ReliefRule",
    "SessionAmendment",
    "TreatmentPlan",
    "TreatmentPlanQuerySet",
    "TreatmentSession",
    "TsTzRange",
    "Weekday",
    "WorkingHours",
    "local_datetime",
]
