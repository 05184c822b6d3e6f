"""A practitioner's appointments as an iCalendar feed, for their phone or desktop calendar.

Anyone holding the feed's address can read it, and calendar apps copy it to
servers we do not control, so each event carries the bare minimum to run a
day: when, where, the patient's initials and MRN, and which session it is.
Never a name, contact detail, diagnosis or note.
"""

from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta

from icalendar import Calendar, Event

from treatments.models import Appointment

PRODID = "-//Stride foot clinic//Practitioner schedule//EN"
# Calendar apps poll a subscription; once an hour keeps a moved booking from going unnoticed for long.
REFRESH_EVERY = timedelta(hours=1)


def event_summary(appointment: Appointment) -> str:
    """E.g. "JD · MRN ABC-1234 · Treatment session 3/10". Needs `session_number` (with_session_number)."""
    what = appointment.get_kind_display()
    number = getattr(appointment, "session_number", None)
    if appointment.plan_id and number:
        what = f"{what} {number}/{appointment.plan.sessions_planned}"
    summary = f"{appointment.patient.initials} · MRN {appointment.patient.mrn} · {what}"
    if appointment.status == Appointment.Status.CANCELLED:
        return f"Cancelled: {summary}"
    return summary


def practitioner_calendar(
    practitioner, appointments: Iterable[Appointment], *, link_for: Callable[[Appointment], str], now: datetime
) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", f"Stride — {practitioner.display_name}")
    calendar.add("refresh-interval", REFRESH_EVERY, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", "PT1H")
    stamp = now.astimezone(UTC)
    for appointment in appointments:
        calendar.add_component(_event(appointment, link=link_for(appointment), stamp=stamp))
    return calendar.to_ical()


def _event(appointment: Appointment, *, link: str, stamp: datetime) -> Event:
    event = Event()
    # Stable across refreshes, so a moved or cancelled appointment updates the event instead of adding one.
    event.add("uid", f"appointment-{appointment.pk}@stride")
    event.add("dtstamp", stamp)
    event.add("dtstart", appointment.starts_at.astimezone(UTC))
    event.add("dtend", appointment.ends_at.astimezone(UTC))
    event.add("summary", event_summary(appointment))
    event.add("location", appointment.location.name)
    cancelled = appointment.status == Appointment.Status.CANCELLED
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    event.add("transp", "TRANSPARENT" if cancelled else "OPAQUE")
    event.add("class", "PRIVATE")
    # The page behind the link asks for a Stride sign-in; the address holds only a number.
    event.add("url", link)
    return event
