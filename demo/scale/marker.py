"""Which data set the database holds: seed_scale's own (every MRN starts with S and a run is recorded), or not.

Real MRNs never start with S (patients.models.MRN_LETTERS leaves it out), so one query tells a generated
patient from a registered one. The run itself is kept in `seed_scale_run`, a table the command creates
for itself rather than through another app's migration.
"""

from dataclasses import dataclass
from datetime import date

from demo.scale.people import MRN_PREFIX
from demo.scale.tables import COLUMNS

CREATE_RUNS = """
CREATE TABLE IF NOT EXISTS seed_scale_run (
    id serial PRIMARY KEY,
    patients integer NOT NULL,
    seed bigint NOT NULL,
    today date NOT NULL,
    seconds numeric(8, 1) NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
)
"""
# What a regenerated data set replaces, beyond the tables seed_scale writes: the rows the app or the benchmark
# added that point at them (CASCADE), and their audit and simple-history rows.
HISTORY_TABLES = (
    "patients_historicalpatient", "patients_historicalintake", "patients_historicalpriortreatment",
    "patients_historicaldiagnosis", "patients_historicalconsent", "patients_historicalsymptomrecord",
    "treatments_historicaltreatmentplan", "treatments_historicaltreatmentplan_diagnoses",
    "treatments_historicalappointment", "treatments_historicaltreatmentsession", "treatments_historicalfollowup",
)  # fmt: skip


@dataclass(frozen=True)
class Holding:
    patients: int
    generated: int
    run: tuple | None  # (patients, seed, today, created_at) of the last run

    @property
    def empty(self) -> bool:
        return self.patients == 0

    @property
    def only_generated(self) -> bool:
        return self.run is not None and self.patients == self.generated


def what_is_held(cursor) -> Holding:
    """Reads only: a database that is refused must be left exactly as it was."""
    cursor.execute("SELECT count(*), count(*) FILTER (WHERE mrn LIKE %s) FROM patients_patient", [f"{MRN_PREFIX}%"])
    patients, generated = cursor.fetchone()
    cursor.execute("SELECT to_regclass('seed_scale_run') IS NOT NULL")
    if not cursor.fetchone()[0]:
        return Holding(patients, generated, None)
    cursor.execute("SELECT patients, seed, today, created_at FROM seed_scale_run ORDER BY id DESC LIMIT 1")
    return Holding(patients, generated, cursor.fetchone())


def prepare(cursor) -> None:
    cursor.execute(CREATE_RUNS)


def clear(cursor) -> None:
    """Empty everything seed_scale wrote (and what hangs off it); staff, locations and the catalogue stay."""
    cursor.execute(
        "SELECT string_agg(quote_ident(table_name), ', ') FROM information_schema.tables "
        "WHERE table_schema = current_schema() AND (table_name = ANY(%s) OR table_name LIKE 'audit\\_%%event')",
        [list(COLUMNS) + list(HISTORY_TABLES)],
    )
    cursor.execute(f"TRUNCATE {cursor.fetchone()[0]} RESTART IDENTITY CASCADE")
    cursor.execute("DELETE FROM seed_scale_run")


def record_run(cursor, *, patients: int, seed: int, today: date, seconds: float) -> None:
    cursor.execute(
        "INSERT INTO seed_scale_run (patients, seed, today, seconds) VALUES (%s, %s, %s, %s)",
        [patients, seed, today, round(seconds, 1)],
    )
