"""Benchmark: patient list and search at clinic scale (100,000 patients by default).

Speed targets live here, not in the test suite. Run:

    make bench

It fills its own database, clinic_bench (never the one you use), with synthetic patients, then
times the queries the patient list runs, and prints each plan's index use.
Target: every search below answers in under 50 ms at 100,000 patients.
"""

import os
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clinic.settings")
os.environ.setdefault("DEBUG", "1")

import django

django.setup()

from django.core.paginator import Paginator  # noqa: E402
from django.db import connection  # noqa: E402

from patients.models import Patient, digits_only, new_mrn, normalize_for_search  # noqa: E402

TARGET_MS = 50
GIVEN = ["Maria", "José", "Zoë", "James", "Aiko", "Priya", "Samuel", "Grace", "Robert", "Chloé", "Liam", "Mei"]
FAMILY = ["González", "Núñez", "Müller", "O'Connor", "Tanaka", "Raman", "Adeyemi", "Okonkwo", "Hughes", "Dubois"]


def fill(count: int) -> None:
    existing = Patient.objects.count()
    if existing >= count:
        return
    batch, mrns = [], set()
    for index in range(existing, count):
        given = f"{GIVEN[index % len(GIVEN)]}{index % 997}"
        family = f"{FAMILY[(index // 7) % len(FAMILY)]}{index % 1009}"
        mrn = new_mrn()
        while mrn in mrns:
            mrn = new_mrn()
        mrns.add(mrn)
        phone = f"(555) {index % 1000:03d}-{index % 10000:04d}"
        batch.append(
            Patient(
                given_name=given,
                family_name=family,
                mrn=mrn,
                sex="female",
                phone=phone,
                phone_digits=digits_only(phone),
                search_name=normalize_for_search(f"{given} {family}"),
                date_of_birth=date(1940, 1, 1) + timedelta(days=index % 25000),
            )
        )
        if len(batch) == 5000:
            Patient.objects.bulk_create(batch, ignore_conflicts=True)
            batch = []
    Patient.objects.bulk_create(batch, ignore_conflicts=True)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE patients_patient")


def timed(label: str, queryset, page: int = 1) -> float:
    runs = []
    for _ in range(5):
        start = time.perf_counter()
        paginator = Paginator(queryset, 25)
        list(paginator.get_page(page).object_list)
        runs.append((time.perf_counter() - start) * 1000)
    median = statistics.median(runs)
    with connection.cursor() as cursor:
        sql, params = queryset[:25].query.sql_with_params()
        cursor.execute("EXPLAIN " + sql, params)
        plan = " | ".join(row[0].strip() for row in cursor.fetchall() if "Index" in row[0] or "Seq Scan" in row[0])
    verdict = "ok" if median < TARGET_MS else "SLOW"
    print(f"{label:<38} {median:7.1f} ms  {verdict}   plan: {plan[:110]}")
    return median


def main() -> None:
    count = int(os.environ.get("BENCH_PATIENTS", "100000"))
    start = time.perf_counter()
    fill(count)
    print(f"{Patient.objects.count()} patients ready ({time.perf_counter() - start:.0f} s)\n")
    active = Patient.objects.active()
    results = [
        timed("list, first page", active),
        timed("list, page 2000", active, page=2000),
        timed("name, partial, accent-free 'nunez'", active.search("nunez")),
        timed("name, two words 'jose nunez'", active.search("jose nunez")),
        timed("name, rare 'raman1003'", active.search("raman1003")),
        timed("MRN prefix", active.search(Patient.objects.first().mrn[:5])),
        timed("date of birth", active.search("1975-06-01")),
        timed("phone digits '5550420'", active.search("555 042-0")),
    ]
    print(f"\nslowest: {max(results):.1f} ms (target {TARGET_MS} ms)")


if __name__ == "__main__":
    main()
