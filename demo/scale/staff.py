"""The chain's locations, staff accounts, working hours and the admins' authenticator apps (small: plain ORM)."""

from dataclasses import dataclass
from datetime import time

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django_otp.plugins.otp_totp.models import TOTPDevice

from clinic.access import Role
from clinic.models import User
from clinic.two_factor import APP_DEVICE_NAME
from demo.scale import accounts
from demo.two_factor import DEMO_TOTP_KEY
from treatments.models import Location, Weekday, WorkingHours

# Long days, so the busy day sheet fits fifteen 45-minute visits. Sunday too: the benchmark may run on any day,
# and booking outside working hours is refused; the generated past itself keeps Sundays free.
DAY_STARTS, DAY_ENDS = time(7, 0), time(20, 0)
WORKDAYS = tuple(Weekday)

GIVEN = ("Mei", "Daniel", "Priya", "Tomás", "Ngozi", "Lukas", "Sofía", "Kwame", "Hana", "Erik")
FAMILY = ("Lin", "Okafor", "Raman", "Silva", "Adeyemi", "Weber", "Ortega", "Mensah", "Sato", "Lund")


@dataclass(frozen=True)
class Staff:
    """Ids the generator needs: practitioners and desk clerks by location index (0-based)."""

    location_ids: list[int]
    practitioners_by_location: dict[int, list[int]]
    desk_by_location: dict[int, list[int]]


def ensure_staff() -> Staff:
    """Create what is missing; running it again changes nothing."""
    locations = [_location(index, name) for index, name in enumerate(accounts.LOCATION_NAMES)]
    password = make_password(accounts.PASSWORD)  # hashed once: the hasher is slow by design
    practitioners_by_location: dict[int, list[int]] = {index: [] for index in range(len(locations))}
    desk_by_location: dict[int, list[int]] = {index: [] for index in range(len(locations))}
    for number, username in enumerate(accounts.PRACTITIONER_USERNAMES, start=1):
        where = accounts.practitioner_location(number) - 1
        user = _user(username, number, Role.PRACTITIONER, password, title="L.Ac.")
        _working_hours(user, locations[where])
        practitioners_by_location[where].append(user.pk)
    for number, username in enumerate(accounts.DESK_USERNAMES, start=1):
        user = _user(username, number, Role.FRONT_DESK, password)
        desk_by_location[accounts.desk_location(number) - 1].append(user.pk)
    for number, username in enumerate(accounts.ADMIN_USERNAMES, start=1):
        _two_factor(_user(username, number, Role.CLINIC_ADMIN, password))
    return Staff([location.pk for location in locations], practitioners_by_location, desk_by_location)


def _location(index: int, name: str) -> Location:
    location, _ = Location.objects.get_or_create(
        name=name,
        defaults={
            "address": f"{100 + 17 * index} Main Street, Springfield, IL 627{index:02d}",
            "phone": f"(555) 020-{1000 + index:04d}",
        },
    )
    return location


def _user(username: str, number: int, role: Role, password: str, *, title: str = "") -> User:
    user, created = User.objects.get_or_create(
        username=username,
        defaults={
            "first_name": GIVEN[number % len(GIVEN)],
            "last_name": FAMILY[(number // len(GIVEN) + number) % len(FAMILY)],
            "professional_title": title,
            "email": f"{username}@scale.example",
            "password": password,
            "is_staff": role == Role.CLINIC_ADMIN,
        },
    )
    if not created and not user.has_usable_password():
        user.password = password
        user.save(update_fields=["password"])
    group, _ = Group.objects.get_or_create(name=role.value)
    user.groups.add(group)
    return user


def _working_hours(practitioner: User, location: Location) -> None:
    if WorkingHours.objects.filter(practitioner=practitioner).exists():
        return
    WorkingHours.objects.bulk_create(
        WorkingHours(practitioner=practitioner, location=location, weekday=day, starts=DAY_STARTS, ends=DAY_ENDS)
        for day in WORKDAYS
    )


def _two_factor(admin: User) -> None:
    if TOTPDevice.objects.filter(user=admin, name=APP_DEVICE_NAME, key=DEMO_TOTP_KEY, confirmed=True).exists():
        return
    TOTPDevice.objects.filter(user=admin).delete()
    TOTPDevice.objects.create(user=admin, name=APP_DEVICE_NAME, key=DEMO_TOTP_KEY, confirmed=True)
