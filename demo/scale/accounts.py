"""The benchmark's logins, importable without Django (the load generator reads them as plain constants).

Every account shares one published password: this data set is for benchmarks on a throwaway database.
"""

PASSWORD = "Scale-bench-2026!"  # noqa: S105  (published: benchmark accounts only)

# The clinic admins' authenticator secret, hex as django-otp keeps it (demo.two_factor.DEMO_TOTP_KEY).
TOTP_KEY_HEX = "5374726964652064656d6f203246412032303236"

DESK_COUNT = 40
PRACTITIONER_COUNT = 50
ADMIN_COUNT = 5
LOCATION_COUNT = 10
# prac01..prac10 work at the busy location, whose day sheet the benchmark reads.
BUSY_PRACTITIONER_COUNT = 10

LOCATION_NAMES = (
    "Stride Downtown",
    "Stride Riverside",
    "Stride Northgate",
    "Stride Lakeshore",
    "Stride Hillcrest",
    "Stride Old Town",
    "Stride Westfield",
    "Stride Harbor",
    "Stride Parkview",
    "Stride Eastgate",
)
BUSY_LOCATION_NAME = LOCATION_NAMES[0]


def desk_username(number: int) -> str:
    return f"desk{number:02d}"


def practitioner_username(number: int) -> str:
    return f"prac{number:02d}"


def admin_username(number: int) -> str:
    return f"admin{number:02d}"


DESK_USERNAMES = tuple(desk_username(n) for n in range(1, DESK_COUNT + 1))
PRACTITIONER_USERNAMES = tuple(practitioner_username(n) for n in range(1, PRACTITIONER_COUNT + 1))
ADMIN_USERNAMES = tuple(admin_username(n) for n in range(1, ADMIN_COUNT + 1))
BUSY_PRACTITIONER_USERNAMES = PRACTITIONER_USERNAMES[:BUSY_PRACTITIONER_COUNT]


def practitioner_location(number: int) -> int:
    """Where (1-based, as LOCATION_NAMES) practitioner `number` works: ten at the busy location, 4–5 elsewhere."""
    if number <= BUSY_PRACTITIONER_COUNT:
        return 1
    return 2 + (number - BUSY_PRACTITIONER_COUNT - 1) % (LOCATION_COUNT - 1)


def desk_location(number: int) -> int:
    """Which location (1-based) front-desk clerk `number` books for: four clerks per location."""
    return 1 + (number - 1) % LOCATION_COUNT
