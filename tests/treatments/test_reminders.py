"""`send_reminders`: the day before, once per appointment, only to patients who want one."""

import datetime as dt
import io
import threading

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.utils import timezone

from tests.factories import AppointmentFactory, LocationFactory, PatientFactory, PractitionerFactory
from treatments.diary.reminders import send_reminders
from treatments.models import Appointment, local_datetime

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def locmem_email(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture
def tomorrow() -> dt.date:
    return timezone.localdate() + dt.timedelta(days=1)


@pytest.fixture
def location():
    return LocationFactory(name="Main clinic", address="12 Elm Street, Springfield", phone="(555) 010-2000")


@pytest.fixture
def practitioner():
    return PractitionerFactory(first_name="Mei", last_name="Lin")


def booked(day: dt.date, hour: int, *, patient=None, **extra) -> Appointment:
    return AppointmentFactory(
        starts_at=local_datetime(day, dt.time(hour, 0)), patient=patient or PatientFactory(), **extra
    )


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("send_reminders", *args, stdout=out)
    return out.getvalue()


def test_tomorrows_booked_appointments_get_one_email_each(tomorrow, location, practitioner):
    maria = PatientFactory(given_name="Maria", preferred_name="Mari", email="maria@example.org")
    appointment = booked(tomorrow, 9, patient=maria, location=location, practitioner=practitioner)
    booked(tomorrow, 11, location=location)
    booked(tomorrow + dt.timedelta(days=1), 9)  # the day after: not yet
    booked(timezone.localdate(), 23)  # today: too late for a reminder

    output = run()

    assert len(mail.outbox) == 2
    message = next(m for m in mail.outbox if m.to == ["maria@example.org"])
    assert message.subject.startswith("Reminder: your appointment on ")
    assert "Hello Mari," in message.body
    assert "9:00 AM" in message.body and "9:00 AM" in message.subject
    assert "Main clinic" in message.body and "12 Elm Street, Springfield" in message.body
    assert "Mei Lin, L.Ac." in message.body
    assert "phone us on (555) 010-2000" in message.body
    assert f"{tomorrow:%A}" in message.body
    appointment.refresh_from_db()
    assert appointment.reminder_sent_at is not None
    assert "sent 2, skipped 0." in output


def test_the_email_says_nothing_clinical(tomorrow, location):
    from tests.factories import DiagnosisFactory, TreatmentPlanFactory

    patient = PatientFactory(email="p@example.org")
    DiagnosisFactory(patient=patient, note="Thickened plantar fascia")
    plan = TreatmentPlanFactory(patient=patient, goal="First-step pain below 3")
    booked(tomorrow, 9, patient=patient, plan=plan, practitioner=plan.practitioner, location=location)
    run()
    (message,) = mail.outbox
    text = (message.subject + message.body).lower()
    for clinical in ("plantar", "fascia", "m72", "pain", "diagnos", "session 1", "treatment", "acupunct"):
        assert clinical not in text, clinical


def test_running_twice_sends_each_reminder_once(tomorrow):
    booked(tomorrow, 9)
    booked(tomorrow, 10)
    run()
    second = run()
    assert len(mail.outbox) == 2
    assert "sent 0, skipped 0; 2 reminded earlier." in second


def test_patients_who_opted_out_have_no_email_or_are_archived_are_skipped_and_counted(tomorrow):
    booked(tomorrow, 8)
    booked(tomorrow, 9, patient=PatientFactory(reminder_opt_out=True))
    booked(tomorrow, 10, patient=PatientFactory(email=""))
    gone = PatientFactory()
    booked(tomorrow, 11, patient=gone)
    gone.archive(reason="Moved away")
    cancelled = booked(tomorrow, 12)
    cancelled.cancel(by=Appointment.CancelledBy.PATIENT, reason="Away")
    checked_in = booked(tomorrow, 13)
    checked_in.check_in()

    output = run()

    assert len(mail.outbox) == 1
    assert "sent 1, skipped 3 (opted out 1, no email 1, archived 1)." in output
    assert Appointment.objects.filter(reminder_sent_at__isnull=False).count() == 1


def test_the_summary_names_nobody(tomorrow):
    patient = PatientFactory(given_name="Zebedee", family_name="Quartermaine", reminder_opt_out=True)
    booked(tomorrow, 9, patient=patient)
    output = run()
    assert "Zebedee" not in output and "Quartermaine" not in output and patient.mrn not in output


def test_a_dry_run_counts_without_sending_or_marking(tomorrow):
    booked(tomorrow, 9)
    booked(tomorrow, 10, patient=PatientFactory(email=""))
    output = run("--dry-run")
    assert mail.outbox == []
    assert not Appointment.objects.filter(reminder_sent_at__isnull=False).exists()
    assert "Dry run, nothing sent." in output and "would send 1, skipped 1 (no email 1)" in output


def test_a_chosen_date_is_reminded_instead_of_tomorrow(tomorrow):
    later = tomorrow + dt.timedelta(days=5)
    booked(later, 9)
    booked(tomorrow, 9)
    output = run("--date", later.isoformat())
    assert len(mail.outbox) == 1
    assert later.isoformat() in output


@pytest.mark.parametrize("bad", ["tomorrow", "2026-02-30", "09/03/2026", ""])
def test_a_malformed_date_is_a_clear_command_error(bad):
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        run("--date", bad)


def test_the_time_is_the_clinics_wall_clock_on_both_sides_of_a_daylight_saving_change(settings):
    assert settings.TIME_ZONE == "America/New_York"
    # US clocks go forward on the second Sunday of March 2027.
    before, after = dt.date(2027, 3, 13), dt.date(2027, 3, 15)
    winter = booked(before, 9, patient=PatientFactory(email="w@example.org"))
    summer = booked(after, 9, patient=PatientFactory(email="s@example.org"))
    assert winter.starts_at.astimezone(dt.UTC).hour == 14
    assert summer.starts_at.astimezone(dt.UTC).hour == 13

    run("--date", before.isoformat())
    run("--date", after.isoformat())

    assert [m.to for m in mail.outbox] == [["w@example.org"], ["s@example.org"]]
    for message in mail.outbox:
        assert "at 9:00 AM" in message.body
        assert "1:00 PM" not in message.body and "2:00 PM" not in message.body


def test_a_send_that_fails_leaves_the_appointment_for_the_next_run(tomorrow, monkeypatch):
    appointment = booked(tomorrow, 9)

    def broken_send(self, fail_silently=False):
        raise ConnectionRefusedError("SMTP server down")

    monkeypatch.setattr("django.core.mail.EmailMessage.send", broken_send)
    with pytest.raises(ConnectionRefusedError):
        send_reminders(day=tomorrow)
    appointment.refresh_from_db()
    assert appointment.reminder_sent_at is None


@pytest.mark.django_db(transaction=True)
def test_a_run_in_parallel_skips_what_another_run_is_sending():
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    claimed = booked(tomorrow, 9)
    booked(tomorrow, 10)
    locked, release = threading.Event(), threading.Event()

    def other_run():
        # Another process holding its claim on one appointment, mid-send.
        try:
            with transaction.atomic():
                Appointment.objects.select_for_update().get(pk=claimed.pk)
                locked.set()
                release.wait(timeout=10)
        finally:
            connection.close()

    thread = threading.Thread(target=other_run)
    thread.start()
    try:
        assert locked.wait(timeout=10)
        tally = send_reminders(day=tomorrow)
    finally:
        release.set()
        thread.join()

    assert tally.sent == 1 and tally.elsewhere == 1
    assert len(mail.outbox) == 1
    claimed.refresh_from_db()
    assert claimed.reminder_sent_at is None
