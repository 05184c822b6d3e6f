"""Benchmark: the outcomes table and review queue at 100,000 patients and 1,000,000 sessions.

    make bench      (runs benchmarks/patient_search.py, then this)

Fills its own database (clinic_bench) once with SQL (generate_series), then
times the queries the outcomes page runs. Target: every page's SQL under
2 seconds at this size on the 2-core development machine.
"""

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clinic.settings")
os.environ.setdefault("DEBUG", "1")

import django

django.setup()

from django.db import connection  # noqa: E402

from treatments.models import ReliefRule, TreatmentSession  # noqa: E402
from treatments.progress.outcomes import (  # noqa: E402
    Scope,
    change_distribution,
    outcome_table,
    plan_rows,
    session_means,
)

TARGET_SECONDS = 2.0
PRACTITIONERS = 1000
SESSIONS_PER_PLAN = 10

FILL_SQL = """
INSERT INTO clinic_user (password, is_superuser, username, first_name, last_name, email, is_staff, is_active,
                         date_joined, professional_title)
SELECT '!', false, 'bench' || g, 'Bench', 'Practitioner ' || g, '', false, true, now(), 'L.Ac.'
FROM generate_series(1, %(practitioners)s) g
ON CONFLICT (username) DO NOTHING;

INSERT INTO treatments_location (name, address, phone, is_active) VALUES ('Bench clinic', '', '', true)
ON CONFLICT (name) DO NOTHING;

INSERT INTO patients_intake (patient_id, affected_side, onset_date, aggravators, complaint_notes, sport, sport_detail,
    tight_calves, foot_posture, footwear, diabetes, peripheral_vascular_disease, anticoagulant, bleeding_disorder,
    implanted_device, implanted_device_detail, pregnant, foot_ulcer_or_infection, ulcer_site, fainting_history,
    needle_phobia, metal_allergy, current_medicines, nsaid_use, gait_notes, palpation_notes,
    baseline_first_step_pain, baseline_average_pain, recorded_by_id, recorded_at, updated_at)
SELECT p.id, 'left', date '2025-01-01', '{}', '', 'none', '', false, '', '', 'none', false, false, 'none', false, '',
       false, false, '', false, false, false, '', CASE WHEN p.id %% 2 = 0 THEN 'daily' ELSE 'none' END, '', '',
       6 + (p.id %% 4), 5 + (p.id %% 3), (SELECT min(id) FROM clinic_user WHERE username LIKE 'bench%%'), now(), now()
FROM patients_patient p
WHERE NOT EXISTS (SELECT 1 FROM patients_intake i WHERE i.patient_id = p.id);

INSERT INTO treatments_treatmentplan (public_id, patient_id, practitioner_id, approach, co_treatments,
    sessions_planned, frequency, twice_weekly_weeks, session_minutes, first_session_minutes, goal, status,
    discontinued_reason, created_by_id, created_at, updated_at)
SELECT gen_random_uuid(), p.id, u.id, (ARRAY['acupuncture', 'acupuncture_pt', 'other'])[1 + p.id %% 3], '',
       10, 'weekly', NULL, 45, 60, '',
       CASE WHEN p.id %% 10 = 0 THEN 'active' ELSE 'completed' END, '', u.id, now(), now()
FROM (SELECT id, row_number() OVER (ORDER BY id) AS rn FROM patients_patient) p
JOIN (SELECT id, row_number() OVER (ORDER BY id) - 1 AS k FROM clinic_user WHERE username LIKE 'bench%%') u
  ON u.k = p.rn %% %(practitioners)s
WHERE NOT EXISTS (SELECT 1 FROM treatments_treatmentplan t WHERE t.patient_id = p.id);
"""

APPOINTMENTS_SQL = """
WITH plans AS (
    SELECT t.id, t.patient_id, t.practitioner_id, row_number() OVER (ORDER BY t.id) AS rn
    FROM treatments_treatmentplan t
    WHERE NOT EXISTS (SELECT 1 FROM treatments_appointment a WHERE a.plan_id = t.id)
)
INSERT INTO treatments_appointment (patient_id, practitioner_id, location_id, plan_id, kind, starts_at, ends_at,
    status, cancelled_by, cancel_reason, late_cancellation, override_reason, booked_by_id, created_at)
SELECT p.patient_id, p.practitioner_id, (SELECT id FROM treatments_location WHERE name = 'Bench clinic'), p.id,
       'treatment', ts, ts + interval '45 minutes', 'completed', '', '', false, '', p.practitioner_id, now()
FROM plans p
CROSS JOIN generate_series(0, %(sessions)s - 1) k
CROSS JOIN LATERAL (SELECT timestamptz '2024-01-01 09:00+00' + (p.rn / %(practitioners)s) * interval '1 hour'
                                                             + k * interval '7 days' AS ts) t;

INSERT INTO treatments_treatmentsession (appointment_id, started_at, patient_id, plan_id, practitioner_id,
    first_step_pain_before, average_pain_before, first_step_pain_after, average_pain_after, needle_count,
    retention_minutes, heat, other_techniques, pregnancy_override_reason, subjective, objective, assessment,
    plan_notes, home_care, nsaid_use, created_at, updated_at, signed_at, signed_by_id)
SELECT a.id, a.starts_at, a.patient_id, a.plan_id, a.practitioner_id,
       greatest(0, 8 - (row_number() OVER w) * ((a.plan_id %% 5) * 0.2)),
       greatest(0, 6 - (row_number() OVER w) * ((a.plan_id %% 4) * 0.15)),
       greatest(0, 7 - (row_number() OVER w) * ((a.plan_id %% 5) * 0.2)),
       greatest(0, 5 - (row_number() OVER w) * ((a.plan_id %% 4) * 0.15)),
       12, 30, '', '', '', '', '', '', '', '', CASE WHEN a.plan_id %% 3 = 0 THEN 'none' ELSE 'daily' END,
       now(), now(), now(), a.practitioner_id
FROM treatments_appointment a
WHERE a.plan_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM treatments_treatmentsession s WHERE s.appointment_id = a.id)
WINDOW w AS (PARTITION BY a.plan_id ORDER BY a.starts_at);

INSERT INTO treatments_followup (plan_id, due_on, recorded_on, symptoms_returned, new_treatment_needed, relapsed,
    notes, first_step_pain, average_pain)
SELECT t.id, date '2025-01-01', date '2025-01-02', false, false, t.id %% 5 = 0, '', 3, 3
FROM treatments_treatmentplan t
WHERE t.status = 'completed' AND t.id %% 2 = 0
  AND NOT EXISTS (SELECT 1 FROM treatments_followup f WHERE f.plan_id = t.id);
ANALYZE;
"""


def fill() -> None:
    with connection.cursor() as cursor:
        start = time.perf_counter()
        cursor.execute(FILL_SQL, {"practitioners": PRACTITIONERS})
        if not TreatmentSession.objects.exists():
            cursor.execute(APPOINTMENTS_SQL, {"sessions": SESSIONS_PER_PLAN, "practitioners": PRACTITIONERS})
        print(f"data ready in {time.perf_counter() - start:.0f} s: {TreatmentSession.objects.count()} sessions")


def timed(label: str, function) -> float:
    runs = []
    for _ in range(3):
        start = time.perf_counter()
        function()
        runs.append(time.perf_counter() - start)
    median = statistics.median(runs)
    print(f"{label:<40} {median * 1000:8.0f} ms  {'ok' if median < TARGET_SECONDS else 'SLOW'}")
    return median


def main() -> None:
    fill()
    rule = ReliefRule.in_force()
    everything = Scope()
    one = Scope(approach="acupuncture", practitioner_id=None)
    results = [
        timed("outcome table, whole clinic", lambda: outcome_table(everything, rule)),
        timed("outcome table, one approach", lambda: outcome_table(one, rule)),
        timed("mean pain by session", lambda: session_means(everything, rule)),
        timed("distribution of change", lambda: change_distribution(everything, rule)),
        timed("plan rows (CSV export)", lambda: plan_rows(everything, rule)),
    ]
    print(f"\nslowest: {max(results) * 1000:.0f} ms (target {TARGET_SECONDS * 1000:.0f} ms)")


if __name__ == "__main__":
    main()
