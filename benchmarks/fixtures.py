"""What the load test needs to know about the scaled database, read once before it starts.

Accounts, patients, plans, today's appointments, working hours and name fragments, straight from
PostgreSQL (psycopg2, no Django), written as one JSON file that benchmarks/locustfile.py reads.
Reading it here keeps the discovery out of the measurements and off the server under test.

    python benchmarks/fixtures.py postgres://postgres@127.0.0.1:5432/clinic_scale fixtures.json
"""

import json
import os
import re
import sys
from collections import defaultdict
from pathlib import Path

import psycopg2

# The contract with `manage.py seed_scale` (demo/scale/accounts.py, when present, says the same).
PASSWORD = "Scale-bench-2026!"  # noqa: S105  (a published benchmark login, like the demo's)
TOTP_HEX_KEY = "5374726964652064656d6f203246412032303236"
FRONT_DESK = [f"desk{n:02d}" for n in range(1, 41)]
PRACTITIONERS = [f"prac{n:02d}" for n in range(1, 51)]
CLINIC_ADMINS = [f"admin{n:02d}" for n in range(1, 6)]

PATIENT_SAMPLE = 2000
PER_PRACTITIONER = 60


def scale_accounts() -> dict:
    """The seed's own constants when demo/scale/accounts.py exists, else the same literals."""
    try:
        sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
        from demo.scale import accounts  # type: ignore[import-not-found]
    except ImportError:
        return {"password": PASSWORD, "totp_key": TOTP_HEX_KEY}
    return {
        "password": getattr(accounts, "PASSWORD", PASSWORD),
        "totp_key": getattr(accounts, "TOTP_KEY_HEX", TOTP_HEX_KEY),
    }


def rows(cursor, query: str, params=()) -> list[tuple]:
    cursor.execute(query, params)
    return cursor.fetchall()


def accounts_by_role(cursor) -> dict[str, list[str]]:
    found = defaultdict(list)
    for username, role in rows(
        cursor,
        """SELECT u.username, g.name FROM clinic_user u
           JOIN clinic_user_groups ug ON ug.user_id = u.id JOIN auth_group g ON g.id = ug.group_id
           WHERE u.is_active AND u.username = ANY(%s) ORDER BY u.username""",
        [FRONT_DESK + PRACTITIONERS + CLINIC_ADMINS],
    ):
        found[role].append(username)
    return {
        "front_desk": found["Front desk"],
        "practitioner": found["Practitioner"],
        "clinic_admin": found["Clinic admin"],
    }


def name_fragments(cursor) -> dict[str, list[str]]:
    """Fragments a clerk types: pieces of the commonest family names, and of rare ones."""
    counted = rows(
        cursor,
        """SELECT lower(family_name), count(*) FROM patients_patient WHERE archived_at IS NULL
           GROUP BY 1 ORDER BY 2 DESC""",
    )
    letters = [(re.sub(r"[^a-z]", "", name), count) for name, count in counted]
    letters = [(name, count) for name, count in letters if len(name) >= 4]
    common, rare = set(), set()
    for name, _count in letters[:15]:
        for length in (2, 3, 4, 5, 6):
            if len(name) >= length:
                common.add(name[:length])
        common.add(name[1:5])
    for name, _count in letters[-40:]:
        rare.add(name[: min(len(name), 6)])
    return {"common": sorted(common), "rare": sorted(rare)}


def practitioner_records(cursor, usernames: list[str], today: str, time_zone: str) -> dict[str, dict]:
    records = {}
    for username in usernames:
        (user_id,) = rows(cursor, "SELECT id FROM clinic_user WHERE username = %s", [username])[0]
        plans = rows(
            cursor,
            """SELECT pl.public_id::text, pa.public_id::text FROM treatments_treatmentplan pl
               JOIN patients_patient pa ON pa.id = pl.patient_id
               WHERE pl.practitioner_id = %s AND pa.archived_at IS NULL
               ORDER BY pl.id DESC LIMIT %s""",
            [user_id, PER_PRACTITIONER],
        )
        sessions = rows(
            cursor,
            """SELECT id FROM treatments_treatmentsession WHERE practitioner_id = %s AND signed_at IS NOT NULL
               ORDER BY id DESC LIMIT %s""",
            [user_id, PER_PRACTITIONER],
        )
        todays = rows(
            cursor,
            """SELECT a.id, a.status FROM treatments_appointment a
               LEFT JOIN treatments_treatmentsession s ON s.appointment_id = a.id
               WHERE a.practitioner_id = %s AND s.id IS NULL AND a.status IN ('booked', 'checked_in')
                 AND (a.starts_at AT TIME ZONE %s)::date = %s::date
               ORDER BY a.starts_at""",
            [user_id, time_zone, today],
        )
        records[username] = {
            "id": user_id,
            "plans": [plan for plan, _patient in plans],
            "patients": sorted({patient for _plan, patient in plans}),
            "sessions": [session for (session,) in sessions],
            "booked_today": [pk for pk, status in todays if status == "booked"],
            "checked_in_today": [pk for pk, status in todays if status == "checked_in"],
        }
    return records


def collect(database_url: str) -> dict:
    time_zone = os.environ.get("TIME_ZONE", "America/New_York")
    with psycopg2.connect(database_url) as connection, connection.cursor() as cursor:
        cursor.execute("SET TIME ZONE %s", [time_zone])
        today = str(rows(cursor, "SELECT (now() AT TIME ZONE %s)::date", [time_zone])[0][0])
        # The day sheet is read on the seed's own "today" (its busy day), which may be a day the seed was given.
        cursor.execute("SELECT to_regclass('seed_scale_run') IS NOT NULL")
        seeded = (
            rows(cursor, "SELECT today FROM seed_scale_run ORDER BY id DESC LIMIT 1") if cursor.fetchone()[0] else []
        )
        sheet_day = str(seeded[0][0]) if seeded else today
        accounts = accounts_by_role(cursor)
        patients = rows(
            cursor,
            """SELECT public_id::text, mrn FROM patients_patient WHERE archived_at IS NULL
               ORDER BY random() LIMIT %s""",
            [PATIENT_SAMPLE],
        )
        busiest = rows(
            cursor,
            """SELECT location_id FROM treatments_appointment
               WHERE (starts_at AT TIME ZONE %s)::date = %s::date
               GROUP BY location_id ORDER BY count(*) DESC LIMIT 1""",
            [time_zone, sheet_day],
        )
        locations = [pk for (pk,) in rows(cursor, "SELECT id FROM treatments_location WHERE is_active ORDER BY id")]
        hours = defaultdict(list)
        for practitioner_id, weekday, starts, ends, location_id in rows(
            cursor,
            """SELECT w.practitioner_id, w.weekday, w.starts, w.ends, w.location_id FROM treatments_workinghours w
               JOIN clinic_user u ON u.id = w.practitioner_id JOIN treatments_location l ON l.id = w.location_id
               WHERE u.is_active AND l.is_active""",
        ):
            hours[str(practitioner_id)].append([weekday, starts.strftime("%H:%M"), ends.strftime("%H:%M"), location_id])
        approaches = [a for (a,) in rows(cursor, "SELECT DISTINCT approach FROM treatments_treatmentplan ORDER BY 1")]
        practitioners = practitioner_records(cursor, accounts["practitioner"], today, time_zone)
    return {
        **scale_accounts(),
        "today": today,
        "sheet_day": sheet_day,
        "time_zone": time_zone,
        "accounts": accounts,
        "patients": [{"public_id": public_id, "mrn": mrn} for public_id, mrn in patients],
        "name_fragments": name_fragments_from(database_url),
        "busy_location": busiest[0][0] if busiest else (locations[0] if locations else None),
        "locations": locations,
        "working_hours": hours,
        "approaches": approaches,
        "practitioners": practitioners,
    }


def name_fragments_from(database_url: str) -> dict[str, list[str]]:
    with psycopg2.connect(database_url) as connection, connection.cursor() as cursor:
        return name_fragments(cursor)


def main() -> None:
    database_url, target = sys.argv[1], Path(sys.argv[2])
    data = collect(database_url)
    target.write_text(json.dumps(data, indent=1))
    counts = {role: len(names) for role, names in data["accounts"].items()}
    print(f"[bench] fixtures: {len(data['patients'])} patients, accounts {counts}, today {data['today']}")


if __name__ == "__main__":
    main()
