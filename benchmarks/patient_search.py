"""Benchmark: the SQL of the patient list and name search at 100,000 patients.

    .venv/bin/python benchmarks/patient_search.py [--patients 100000] [--explain]

Fills its own database, clinic_search (never the one you use), once, with SQL
(generate_series): surnames drawn from a few hundred with a Zipf-like spread, so
"Núñez" and "Tanaka" each belong to thousands of patients while most surnames are
rare, and search_name filled exactly as Patient.save() fills it. Then runs, for name
fragments of every length from 1 to 8 letters (common and rare) and for the plain
list, the queries the list page runs, under EXPLAIN ANALYZE, and prints the SQL time
(median of 5). Target (issue 12): every one under 20 ms. `--explain` prints each plan.
"""

import argparse
import os
import re
import statistics
import sys
from pathlib import Path

DATABASE = "clinic_search"
SERVER = "postgres://postgres@127.0.0.1:5432"

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clinic.settings")
os.environ.setdefault("DEBUG", "1")
os.environ["DATABASE_URL"] = f"{SERVER}/{DATABASE}"

import psycopg2  # noqa: E402

connection = psycopg2.connect(f"{SERVER}/postgres")
connection.autocommit = True
with connection.cursor() as cursor:
    cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE])
    if cursor.fetchone() is None:
        cursor.execute(f'CREATE DATABASE "{DATABASE}"')
connection.close()

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from patients.models import Patient, normalize_for_search  # noqa: E402
from patients.views.registry import patient_page  # noqa: E402

TARGET_MS = 20
# The most common first: rank k is drawn with probability about proportional to 1/k (Zipf).
COMMON_FAMILY = [
    "Núñez", "Tanaka", "García", "Smith", "Nguyen", "Müller", "O'Connor", "González", "Johnson", "Kim",
    "Rodríguez", "Patel", "Williams", "López", "Brown", "Hernández", "Chen", "Jones", "Martínez", "Li",
    "Miller", "Pérez", "Lim", "Davis", "Sánchez", "Wang", "Wilson", "Ramírez", "Adeyemi", "Okonkwo",
    "Dubois", "Hughes", "Raman", "Schmidt", "Lee", "Fischer", "Yamamoto", "Kowalski", "Novak", "Rossi",
]  # fmt: skip
SYLLABLES_A = ["Bar", "Cor", "Dal", "Esp", "Fal", "Gor", "Hal", "Ivo", "Jar", "Kel", "Lor", "Mor", "Nor", "Pal"]
SYLLABLES_B = [
    "ton",
    "berg",
    "ley",
    "wick",
    "ano",
    "ello",
    "sen",
    "stad",
    "ova",
    "ardt",
    "inez",
    "uchi",
    "ford",
    "ington",
]
GIVEN = [
    "Maria", "José", "Zoë", "James", "Aiko", "Priya", "Samuel", "Grace", "Robert", "Chloé", "Liam", "Mei",
    "Ana", "John", "Fatima", "Noah", "Olivia", "Emma", "Hiroshi", "Yuki", "Carlos", "Lucía", "Ahmed", "Sara",
    "David", "Elena", "Mateo", "Sofía", "Wei", "Ling", "Kwame", "Amara", "Pierre", "Léa", "Hans", "Ingrid",
    "Raj", "Anika", "Tomás", "Inés", "Peter", "Linda", "Omar", "Leila", "Ivan", "Olga", "Kenji", "Hana",
]  # fmt: skip


def surnames() -> list[str]:
    synthetic = [a + b for a in SYLLABLES_A for b in SYLLABLES_B]  # 196 rarer surnames
    return COMMON_FAMILY + synthetic


FILL_SQL = """
INSERT INTO patients_patient (public_id, mrn, family_name, given_name, preferred_name, date_of_birth, sex, phone,
    email, address_line, city, region, postal_code, emergency_contact_name, emergency_contact_phone,
    emergency_contact_relationship, preferred_contact, reminder_opt_out, referring_physician, primary_care_provider,
    occupation, search_name, phone_digits, archived_at, archive_reason, created_at, updated_at)
SELECT gen_random_uuid(),
       -- Unique: three letters from the row number, four digits from it too.
       chr(65 + (g / 10000) %% 26) || chr(65 + (g / 260000) %% 26) || 'X-' || lpad((g %% 10000)::text, 4, '0'),
       f.display, gv.display, '', date '1940-01-01' + (g * 7919) %% 25000, 'female',
       '(555) ' || lpad((g %% 1000)::text, 3, '0') || '-' || lpad((g %% 10000)::text, 4, '0'),
       '', '', '', '', '', '', '', '', 'phone', false, '', '', '',
       gv.normalized || ' ' || f.normalized,
       '555' || lpad((g %% 1000)::text, 3, '0') || lpad((g %% 10000)::text, 4, '0'),
       CASE WHEN g %% 50 = 0 THEN now() END, CASE WHEN g %% 50 = 0 THEN 'Moved away' ELSE '' END, now(), now()
FROM generate_series(%(first)s, %(last)s) g
-- log-uniform rank: P(rank k) ~ 1/k over the surnames, uniform over the given names.
CROSS JOIN LATERAL (
    SELECT least(floor(exp(random() * ln(%(families)s + 1)))::int, %(families)s) + g * 0 AS rank,
           1 + floor(random() * %(givens)s)::int AS given_rank
) r
JOIN unnest(%(family_display)s::text[], %(family_normalized)s::text[]) WITH ORDINALITY
     AS f(display, normalized, rank) ON f.rank = r.rank
JOIN unnest(%(given_display)s::text[], %(given_normalized)s::text[]) WITH ORDINALITY
     AS gv(display, normalized, rank) ON gv.rank = r.given_rank
"""


def fill(count: int) -> None:
    existing = Patient.objects.count()
    if existing >= count:
        return
    families, givens = surnames(), GIVEN
    with connection.cursor() as cursor:
        # A benchmark's own database: the audit triggers would triple the time and record nothing of use.
        cursor.execute("SET session_replication_role = replica")
        cursor.execute(
            FILL_SQL,
            {
                "first": existing + 1,
                "last": count,
                "families": len(families),
                "givens": len(givens),
                "family_display": families,
                "family_normalized": [normalize_for_search(name) for name in families],
                "given_display": givens,
                "given_normalized": [normalize_for_search(name) for name in givens],
            },
        )
        cursor.execute("SET session_replication_role = DEFAULT")
        cursor.execute("VACUUM ANALYZE patients_patient")


def sql_ms(sql: str, params, *, explain: bool) -> float:
    """Median execution time of one statement under EXPLAIN ANALYZE (planning included)."""
    runs = []
    with connection.cursor() as cursor:
        for _ in range(6):
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
            lines = [row[0] for row in cursor.fetchall()]
            times = [
                float(m.group(1)) for line in lines if (m := re.search(r"(?:Planning|Execution) Time: ([\d.]+)", line))
            ]
            runs.append(sum(times))
    if explain:
        print("\n".join("      " + line for line in lines))
    return statistics.median(runs[1:])


class Recorder:
    """Collects every SELECT the list page runs, to replay under EXPLAIN ANALYZE."""

    def __init__(self):
        self.statements = []

    def __call__(self, execute, sql, params, many, context):
        self.statements.append((sql, params))
        return execute(sql, params, many, context)


def page_sql(query: str, page: str | None) -> list[tuple[str, tuple]]:
    recorder = Recorder()
    with connection.execute_wrapper(recorder):
        result = patient_page(Patient.objects.active(), query, page)
        list(result.object_list)
    return recorder.statements


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--patients", type=int, default=100_000)
    parser.add_argument("--explain", action="store_true")
    args = parser.parse_args()

    call_command("migrate", verbosity=0)
    fill(args.patients)
    total = Patient.objects.count()
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM patients_patient WHERE search_name LIKE '%%nunez%%'")
        nunez = cursor.fetchone()[0]
    print(f"{DATABASE}: {total} patients ({nunez} named Núñez); SQL ms per list page, median of 5 (target {TARGET_MS})")
    # A yardstick for how busy the machine is: the same scan takes a few milliseconds on an idle one.
    yardstick = sql_ms("SELECT count(*) FROM patients_patient WHERE search_name <> ''", (), explain=False)
    print(f"  (yardstick: a full scan of the table takes {yardstick:.1f} ms right now; load {os.getloadavg()[0]:.1f})")

    cases = [("list, page 1", "", None), ("list, page 400", "", "400")]
    common = "nunez tanaka"
    rare = "halington"
    for length in range(1, 9):
        cases.append((f"{length} letters, common", common[:length].strip(), None))
        cases.append((f"{length} letters, rare", rare[:length], None))
    cases += [
        ("given name 'maria'", "maria", None),
        ("two words 'jose nun'", "jose nun", None),
        ("'nunez', page 40", "nunez", "40"),
        ("no match 'zzyzx'", "zzyzx", None),
    ]
    worst = 0.0
    for label, query, page in cases:
        statements = page_sql(query, page)
        timings = []
        for sql, params in statements:
            if args.explain:
                print(f"  {label}: {sql[:160]}")
            timings.append(sql_ms(sql, params, explain=args.explain))
        total_ms = sum(timings)
        worst = max(worst, total_ms)
        verdict = "ok" if total_ms <= TARGET_MS else "SLOW"
        parts = " + ".join(f"{ms:.1f}" for ms in timings)
        print(f"  {label:<26} {query!r:<16} {total_ms:6.1f} ms  ({parts})  {verdict}")
    print(f"slowest: {worst:.1f} ms (target {TARGET_MS} ms)")


if __name__ == "__main__":
    main()
