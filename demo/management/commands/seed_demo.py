"""Demo data for local use: one login per role, and (as features land) a demo clinic.

Running it again changes nothing that is already there, so `make run` can call
it every time.
"""

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from clinic.access import Role
from clinic.models import User
from demo.diary import seed_schedule
from demo.history import seed_history
from demo.patients import seed_patients
from demo.sessions import seed_sessions
from demo.two_factor import ensure_demo_device

DEMO_PASSWORD = "stride-demo-2026"  # noqa: S105  (published in the README; DEBUG-only command)

DEMO_STAFF = [
    # username, first, last, title, role
    ("practitioner", "Mei", "Lin", "L.Ac.", Role.PRACTITIONER),
    ("practitioner2", "Daniel", "Okafor", "L.Ac.", Role.PRACTITIONER),
    ("frontdesk", "Rosa", "Alvarez", "", Role.FRONT_DESK),
    ("clinicadmin", "Hannah", "Berg", "", Role.CLINIC_ADMIN),
]


class Command(BaseCommand):
    help = "Create demo staff logins (one per role) and demo clinic data. Refuses to run with DEBUG off."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("seed_demo only runs with DEBUG on: it creates accounts with a published password.")
        with transaction.atomic():
            staff = {
                username: self.ensure_staff(username, first, last, title, role)
                for username, first, last, title, role in DEMO_STAFF
            }
            practitioners = [staff["practitioner"], staff["practitioner2"]]
            # Clinic admins must give a code after their password: the demo's admin has a published app secret.
            two_factor_note = ensure_demo_device(staff["clinicadmin"])
            # One moment for the whole demo, so a seed that runs across midnight tells one story.
            now = timezone.now()
            added = seed_patients(practitioners=practitioners, front_desk=staff["frontdesk"], now=now)
            # After the patients: the schedule books courses for the demo patients with consent.
            booked = seed_schedule(practitioners=practitioners, front_desk=staff["frontdesk"], now=now)
            # After the schedule: signed sessions for the courses' completed appointments.
            sessions = seed_sessions(practitioners=practitioners, now=now)
            # Last: two years of finished courses for the outcomes page, clear of the diary booked above.
            history = seed_history(
                practitioners=practitioners, front_desk=staff["frontdesk"], now=now, progress=self.progress_bar
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data ready ({added + history.patients} patients, {booked + history.appointments} "
                f"appointments, {sessions + history.sessions} treatment sessions and {history.plans} past "
                "treatment plans added this time)."
            )
        )
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for username, first, last, _title, role in DEMO_STAFF:
            self.stdout.write(f"  {username:<14} {role.label:<13} {first} {last}")
        self.stdout.write(two_factor_note)

    def progress_bar(self, done: int, total: int) -> None:
        """A text bar redrawn in place on a terminal; one line at the end when the output is captured."""
        tty = self.stdout.isatty()
        if not tty and done < total:
            return
        width = 30
        filled = width * done // total if total else width
        line = f"History  [{'#' * filled}{'.' * (width - filled)}] {done}/{total} plans"
        self.stdout.write(("\r" if tty else "") + line, ending="\n" if done >= total else "")
        self.stdout.flush()

    def ensure_staff(self, username: str, first: str, last: str, title: str, role: Role) -> User:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "first_name": first,
                "last_name": last,
                "professional_title": title,
                "email": f"{username}@stride.example",
                # Clinic admins manage staff through the admin site.
                "is_staff": role == Role.CLINIC_ADMIN,
            },
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        user.groups.add(Group.objects.get(name=role.value))
        return user
