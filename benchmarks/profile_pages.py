"""Profile: server time of the day sheet, the booking form and the registration form, in-process.

    .venv/bin/python benchmarks/profile_pages.py [--renders 50] [--profile day|booking|registration]

Fills its own database, clinic_profile (never the one you use), once: 10 practitioners each with
15 appointments today at one location (a realistic mix of booked, checked-in, completed, cancelled
and missed), and their patients. Then renders each page `--renders` times through Django's test
client, signed in as a front-desk clerk (the desk works the day sheet, books and registers), and
prints the median server time per page. `--profile PAGE` adds a pyinstrument profile of that page.

Runs with production settings (DEBUG off: the cached template loader, no query logging), because
DEBUG distorts exactly what this measures. Targets (issue 12): day sheet ≤ 40 ms, each form ≤ 15 ms.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import time as clock_time
from datetime import timedelta
from pathlib import Path

DATABASE = "clinic_profile"
SERVER = "postgres://postgres@127.0.0.1:5432"

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clinic.settings")
# Production mode, as a deployment runs it, but over plain HTTP to the test client.
os.environ.setdefault("DEBUG", "0")
os.environ.setdefault("SECRET_KEY", "profile-pages-only-not-a-secret")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")
os.environ.setdefault("HTTPS_ONLY", "0")
os.environ.setdefault("LOG_LEVEL", "WARNING")
os.environ["DATABASE_URL"] = f"{SERVER}/{DATABASE}"

import psycopg2  # noqa: E402


def ensure_database() -> None:
    connection = psycopg2.connect(f"{SERVER}/postgres")
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE])
        if cursor.fetchone() is None:
            cursor.execute(f'CREATE DATABASE "{DATABASE}"')
    connection.close()


ensure_database()

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth.models import Group  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from clinic.access import Role  # noqa: E402
from clinic.models import User  # noqa: E402
from patients.models import Patient  # noqa: E402
from treatments.models import Appointment, Location, TreatmentPlan, WorkingHours, local_datetime  # noqa: E402

PRACTITIONERS = 10
APPOINTMENTS_EACH = 15
SLOT_MINUTES = 30
FIRST_SLOT = clock_time(8, 0)
FAMILY = ["Núñez", "Tanaka", "O'Connor", "Müller", "Adeyemi", "Raman", "Dubois", "Hughes", "González", "Okonkwo"]
GIVEN = ["Maria", "José", "Zoë", "James", "Aiko", "Priya", "Samuel", "Grace", "Robert", "Chloé", "Liam", "Mei", "Ana"]


def role_user(username: str, role: Role, **fields) -> User:
    user, created = User.objects.get_or_create(username=username, defaults=fields)
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
        user.groups.add(Group.objects.get_or_create(name=role.value)[0])
    return user


def _status_for(index: int, slot: int, starts_at) -> dict:
    """A day under way at midday, whatever the hour: done, arrived, still to come; some cancelled or missed."""
    if index % 11 == 5:
        return {
            "status": Appointment.Status.CANCELLED,
            "cancelled_by": Appointment.CancelledBy.PATIENT,
            "cancelled_at": starts_at - timedelta(hours=30),
            "cancel_reason": "Car trouble",
        }
    if slot < 7:
        missed = index % 9 == 4
        return {"status": Appointment.Status.NO_SHOW if missed else Appointment.Status.COMPLETED}
    if slot == 7:
        return {"status": Appointment.Status.CHECKED_IN, "checked_in_at": starts_at - timedelta(minutes=5)}
    return {"status": Appointment.Status.BOOKED}


@transaction.atomic
def fill(day) -> None:
    """Today's sheet, once per day (appointments are never deleted, so earlier days stay as they were)."""
    location, _ = Location.objects.get_or_create(name="Profile clinic", defaults={"address": "1 Main Street"})
    Location.objects.get_or_create(name="Second clinic", defaults={"address": "2 Side Street"})
    desk = role_user("profile-desk", Role.FRONT_DESK, first_name="Fiona", last_name="Walsh")
    if Appointment.objects.on_day(day).filter(location=location).count() >= PRACTITIONERS * APPOINTMENTS_EACH:
        return
    practitioners = [
        role_user(f"profile-pract{n}", Role.PRACTITIONER, first_name=GIVEN[n], last_name=FAMILY[n])
        for n in range(PRACTITIONERS)
    ]
    for practitioner in practitioners:
        practitioner.professional_title = "L.Ac."
        practitioner.save(update_fields=["professional_title"])
        WorkingHours.objects.get_or_create(
            practitioner=practitioner,
            location=location,
            weekday=day.weekday(),
            defaults={"starts": clock_time(8, 0), "ends": clock_time(16, 0)},
        )
    for n, practitioner in enumerate(practitioners):
        for slot in range(APPOINTMENTS_EACH):
            patient = Patient(
                given_name=GIVEN[(n + slot) % len(GIVEN)],
                family_name=f"{FAMILY[slot % len(FAMILY)]}-{day:%j}{n}{slot}",
                preferred_name="Jo" if slot % 7 == 0 else "",
                date_of_birth=day.replace(year=1960) - timedelta(days=n * 97 + slot),
                sex=Patient.Sex.FEMALE,
                phone=f"(555) 01{n}-{slot:04d}",
                created_by=desk,
            )
            patient.save()
            plan = None
            if slot % 3:
                plan = TreatmentPlan.objects.create(
                    patient=patient,
                    practitioner=practitioner,
                    sessions_planned=10,
                    frequency=TreatmentPlan.Frequency.WEEKLY,
                    status=TreatmentPlan.Status.ACTIVE,
                    goal="First-step pain below 3",
                    created_by=practitioner,
                )
            starts_at = local_datetime(day, FIRST_SLOT) + timedelta(minutes=SLOT_MINUTES * slot)
            Appointment.objects.create(
                patient=patient,
                practitioner=practitioner,
                location=location,
                plan=plan,
                kind=Appointment.Kind.INITIAL if plan is None else Appointment.Kind.TREATMENT,
                starts_at=starts_at,
                ends_at=starts_at + timedelta(minutes=SLOT_MINUTES),
                booked_by=desk,
                **_status_for(n * APPOINTMENTS_EACH + slot, slot, starts_at),
            )


def pages(day, location) -> dict[str, str]:
    return {
        "day": f"{reverse('treatments:day')}?date={day.isoformat()}&location={location.pk}",
        "booking": reverse("treatments:appointment_create"),
        "registration": reverse("patients:register"),
    }


def measure(client: Client, url: str, renders: int) -> tuple[float, float, int, int]:
    """Median wall and CPU milliseconds per render, the HTML's size and the queries of one render.

    CPU time is this process's alone: on a busy machine it stays honest where wall time does not.
    """
    response = client.get(url)
    if response.status_code != 200:
        raise SystemExit(f"{url} answered {response.status_code}")
    queries = []
    # Counted by a wrapper: the test client's request_started signal empties connection.queries.
    with connection.execute_wrapper(lambda execute, sql, *rest: queries.append(sql) or execute(sql, *rest)):
        client.get(url)
    wall, cpu = [], []
    for _ in range(renders):
        start, start_cpu = time.perf_counter(), time.process_time()
        response = client.get(url)
        wall.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
    return statistics.median(wall), statistics.median(cpu), len(response.content), len(queries)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--renders", type=int, default=50)
    parser.add_argument("--profile", choices=["day", "booking", "registration"], action="append", default=[])
    parser.add_argument("--only", choices=["day", "booking", "registration"], action="append", default=[])
    args = parser.parse_args()

    call_command("migrate", verbosity=0)
    # Production serves hashed static names from the manifest, so the pages need it built: in a folder
    # of this script's own, so it never rewrites staticfiles/ under a test run or a server reading it.
    settings.STATIC_ROOT = Path(tempfile.gettempdir()) / "clinic_profile_static"
    call_command("collectstatic", interactive=False, verbosity=0)
    day = timezone.localdate()
    fill(day)
    location = Location.objects.get(name="Profile clinic")
    client = Client()
    client.force_login(User.objects.get(username="profile-desk"))

    print(f"{DATABASE}: {PRACTITIONERS} practitioners × {APPOINTMENTS_EACH} appointments on {day}, DEBUG off")
    print(f"{'page':<14}{'wall ms':>9}{'CPU ms':>8}{'HTML KB':>9}{'queries':>9}   (medians of {args.renders})")
    for name, url in pages(day, location).items():
        if args.only and name not in args.only:
            continue
        wall, cpu, size, queries = measure(client, url, args.renders)
        print(f"{name:<14}{wall:>9.1f}{cpu:>8.1f}{size / 1024:>9.0f}{queries:>9}")
    for name in args.profile:
        from pyinstrument import Profiler

        url = pages(day, location)[name]
        profiler = Profiler(interval=0.0005)
        with profiler:
            for _ in range(args.renders):
                client.get(url)
        print(f"\n--- {name}: {args.renders} renders ---")
        print(profiler.output_text(unicode=True, color=False, show_all=False))


if __name__ == "__main__":
    main()
