"""Appointment reminders by email, sent the day before.

Each appointment is claimed in its own short transaction (a row lock taken
with SKIP LOCKED, then `reminder_sent_at` set before commit), so two runs at
the same time (a cron job and someone running it by hand) never send the same
reminder twice, and a failed send leaves the appointment to the next run.

The email goes to the patient's own address but mailboxes are not private
places: it says when and where, never why.
"""

from dataclasses import dataclass
from datetime import date, datetime

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import dateformat, timezone

from treatments.models import Appointment


@dataclass
class ReminderTally:
    sent: int = 0
    opted_out: int = 0
    no_email: int = 0
    archived: int = 0
    # Claimed by another run at the same moment; that run sends them.
    elsewhere: int = 0
    already_sent: int = 0

    @property
    def skipped(self) -> int:
        return self.opted_out + self.no_email + self.archived

    def summary(self, *, dry_run: bool = False) -> str:
        """Counts only: the output ends up in cron mail and logs, so it names nobody."""
        reasons = [
            f"{label} {count}"
            for label, count in (
                ("opted out", self.opted_out),
                ("no email", self.no_email),
                ("archived", self.archived),
            )
            if count
        ]
        verb = "would send" if dry_run else "sent"
        text = f"{verb} {self.sent}, skipped {self.skipped}"
        if reasons:
            text += f" ({', '.join(reasons)})"
        if self.already_sent:
            text += f"; {self.already_sent} reminded earlier"
        if self.elsewhere:
            text += f"; {self.elsewhere} being sent by another run"
        return text


def due_on(day: date):
    """Booked appointments starting on `day` (clinic time): the ones a reminder is for."""
    return Appointment.objects.on_day(day).filter(status=Appointment.Status.BOOKED)


def send_reminders(*, day: date, dry_run: bool = False, connection=None) -> ReminderTally:
    tally = ReminderTally()
    due = due_on(day)
    tally.already_sent = due.filter(reminder_sent_at__isnull=False).count()
    pending = due.filter(reminder_sent_at__isnull=True).order_by("starts_at")
    if dry_run:
        for appointment in pending.select_related("patient"):
            _count_skip_or_send(tally, appointment)
        return tally
    connection = connection or get_connection()
    for pk in list(pending.values_list("pk", flat=True)):
        _send_one(pk, tally, connection)
    return tally


def _skip_reason(appointment: Appointment) -> str | None:
    patient = appointment.patient
    if patient.is_archived:
        return "archived"
    if patient.reminder_opt_out:
        return "opted_out"
    if not patient.email.strip():
        return "no_email"
    return None


def _count_skip_or_send(tally: ReminderTally, appointment: Appointment) -> bool:
    reason = _skip_reason(appointment)
    if reason:
        setattr(tally, reason, getattr(tally, reason) + 1)
        return False
    tally.sent += 1
    return True


def _send_one(pk: int, tally: ReminderTally, connection) -> None:
    with transaction.atomic():
        appointment = (
            Appointment.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("patient", "location", "practitioner")
            .filter(pk=pk, status=Appointment.Status.BOOKED, reminder_sent_at__isnull=True)
            .first()
        )
        if appointment is None:
            # Locked by a parallel run, or sent or cancelled since we listed it.
            tally.elsewhere += 1
            return
        if not _count_skip_or_send(tally, appointment):
            return
        reminder_message(appointment, connection=connection).send()
        appointment.reminder_sent_at = timezone.now()
        appointment.save(update_fields=["reminder_sent_at"])


def reminder_message(appointment: Appointment, *, connection=None) -> EmailMessage:
    patient = appointment.patient
    starts: datetime = timezone.localtime(appointment.starts_at)
    context = {
        "name": patient.preferred_name or patient.given_name,
        "starts": starts,
        "minutes": appointment.minutes,
        "location": appointment.location,
        "practitioner": appointment.practitioner.display_name,
        "phone": appointment.location.phone,
    }
    subject = (
        f"Reminder: your appointment on {dateformat.format(starts, 'l, F j')} at {dateformat.format(starts, 'g:i A')}"
    )
    body = render_to_string("treatments/email/reminder.txt", context)
    return EmailMessage(
        subject=subject,
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[patient.email],
        connection=connection,
    )
