"""Symptom maps: what the patient feels where, at the first visit and now.

Definitions (the chart and the history page show these):

* A symptom's *current picture* is its most recent record date: the places
  recorded for it that day, at their severities. A place the patient no longer
  reports for that symptom has dropped out of the picture.
* The *latest map* gives each place the highest severity over all symptoms'
  current pictures.
* The *first map* is the same, over the records of the first recording date
  (normally the intake consultation).
* The *change* compares the two maps place by place.

Everything is computed from one query for the patient's records.
"""

from dataclasses import dataclass
from datetime import date

from clinic.access import can_write_clinical
from patients.models import FOOT_SPOTS, SymptomRecord, foot_spot_label

RECENT_RECORDS = 10


@dataclass(frozen=True)
class SpotChange:
    spot: str
    first: int | None
    latest: int | None

    @property
    def label(self) -> str:
        return foot_spot_label(self.spot)

    @property
    def delta(self) -> int | None:
        if self.first is None or self.latest is None:
            return None
        return self.latest - self.first

    @property
    def kind(self) -> str:
        if self.first is None:
            return "new"
        if self.latest is None:
            return "resolved"
        if self.latest < self.first:
            return "better"
        if self.latest > self.first:
            return "worse"
        return "same"


def map_of(records: list[SymptomRecord]) -> dict[str, int]:
    """Highest severity per place over the given records."""
    severities: dict[str, int] = {}
    for record in records:
        for spot in record.spots:
            severities[spot] = max(severities.get(spot, 0), record.severity)
    return severities


def current_records(records: list[SymptomRecord]) -> list[SymptomRecord]:
    """Each symptom's records on its own most recent date."""
    latest_date: dict[str, date] = {}
    for record in records:
        if record.recorded_on > latest_date.get(record.symptom_label, date.min):
            latest_date[record.symptom_label] = record.recorded_on
    return [r for r in records if r.recorded_on == latest_date[r.symptom_label]]


def first_records(records: list[SymptomRecord]) -> list[SymptomRecord]:
    if not records:
        return []
    first_day = min(record.recorded_on for record in records)
    return [record for record in records if record.recorded_on == first_day]


def changes_between(first: dict[str, int], latest: dict[str, int]) -> list[SpotChange]:
    spots = [spot for spot in FOOT_SPOTS if spot in first or spot in latest]
    return [SpotChange(spot, first.get(spot), latest.get(spot)) for spot in spots]


def symptoms_section(patient, user) -> dict:
    records = list(patient.symptom_records.select_related("recorded_by").order_by("-recorded_on", "-id"))
    first, current = first_records(records), current_records(records)
    first_map, latest_map = map_of(first), map_of(current)
    return {
        "patient": patient,
        "count": len(records),
        "first_date": first[0].recorded_on if first else None,
        "latest_date": max((r.recorded_on for r in current), default=None),
        "first_map": first_map,
        "latest_map": latest_map,
        "changes": changes_between(first_map, latest_map) if records else [],
        "recent": records[:RECENT_RECORDS],
        "current": current,
        "can_write": can_write_clinical(user),
    }
