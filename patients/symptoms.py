"""Symptom maps: what the patient feels where, at the first visit and now.

The chart and the history page show two maps side by side and the change
between them. Precisely:

* A **symptom** is its choice (heel pain, numbness, …); "other" symptoms are
  told apart by their name, ignoring case.
* A symptom's **current picture** is every record of that symptom on its own
  most recent recording date: the places recorded that day, at their
  severities. A practitioner records where it is felt *now*, so a place that
  is missing from the newest picture is no longer felt there.
* The **latest map** gives each place the highest severity over every
  symptom's current picture. A symptom last recorded months ago still counts,
  at its last known severity, until someone records it again.
* The **first map** gives each place the highest severity over the records of
  the first recording date (normally the intake consultation).
* The **change** compares the two maps place by place: *better* or *worse*
  when the severity went down or up, *same* when equal, *new* when a place
  appears only in the latest map, *resolved* when a place of the first map is
  missing from the latest map or is there at 0.

Everything comes from one query for the patient's records (plus, at most, one
for the user's role), computed in Python: a patient has tens of records, not
thousands.
"""

from dataclasses import dataclass
from datetime import date

from django.urls import reverse
from django.utils.dateformat import format as format_date

from clinic.access import can_write_clinical
from patients import foot_map as geometry
from patients.models import FOOT_SPOTS, FootRegion, SymptomRecord, foot_spot_label

RECENT_RECORDS = 10
MINUS = "\u2212"
TOP_REGIONS = {FootRegion.TOP.value, FootRegion.ANKLE.value}


@dataclass(frozen=True)
class SpotChange:
    spot: str
    first: int | None
    latest: int | None

    @property
    def label(self) -> str:
        return foot_spot_label(self.spot)

    @property
    def kind(self) -> str:
        if self.first is None:
            return "new"
        latest = self.latest or 0
        if self.first > 0 and latest == 0:
            return "resolved"
        if latest < self.first:
            return "better"
        if latest > self.first:
            return "worse"
        return "same"

    @property
    def delta(self) -> int:
        """Latest minus first, counting a missing value as 0 (nothing felt)."""
        return (self.latest or 0) - (self.first or 0)

    @property
    def delta_text(self) -> str:
        if self.delta == 0:
            return "±0"
        return f"+{self.delta}" if self.delta > 0 else f"{MINUS}{-self.delta}"

    @property
    def kind_label(self) -> str:
        return {"new": "New", "resolved": "Resolved", "better": "Better", "worse": "Worse", "same": "No change"}[
            self.kind
        ]

    def __str__(self) -> str:
        before = "—" if self.first is None else str(self.first)
        after = "none" if self.latest is None else str(self.latest)
        return f"{self.label}: {before} → {after} ({self.delta_text})"


def symptom_key(record: SymptomRecord) -> tuple[str, str]:
    other = record.symptom_other.strip().casefold() if record.symptom == SymptomRecord.Symptom.OTHER else ""
    return (record.symptom, other)


def map_of(records: list[SymptomRecord]) -> dict[str, int]:
    """Highest severity per place over the given records."""
    severities: dict[str, int] = {}
    for record in records:
        for spot in record.spots:
            severities[spot] = max(severities.get(spot, 0), record.severity)
    return severities


def first_records(records: list[SymptomRecord]) -> list[SymptomRecord]:
    """The records of the first recording date."""
    if not records:
        return []
    first_day = min(record.recorded_on for record in records)
    return [record for record in records if record.recorded_on == first_day]


def current_records(records: list[SymptomRecord]) -> list[SymptomRecord]:
    """Each symptom's records on that symptom's own most recent recording date."""
    newest: dict[tuple[str, str], date] = {}
    for record in records:
        key = symptom_key(record)
        if key not in newest or record.recorded_on > newest[key]:
            newest[key] = record.recorded_on
    return [record for record in records if record.recorded_on == newest[symptom_key(record)]]


def changes_between(first: dict[str, int], latest: dict[str, int]) -> list[SpotChange]:
    """One row per place in either map, in diagram order (left foot first)."""
    return [
        SpotChange(spot, first.get(spot), latest.get(spot)) for spot in FOOT_SPOTS if spot in first or spot in latest
    ]


def views_for(*maps: dict[str, int]) -> tuple[str, ...]:
    """Both views when anything is recorded on the tops of the feet; otherwise the soles alone, drawn larger."""
    on_top = any(spot.split(":", 1)[1] in TOP_REGIONS for severities in maps for spot in severities)
    return (geometry.SOLE, geometry.TOP) if on_top else (geometry.SOLE,)


def symptoms_section(patient, user) -> dict:
    """Everything `_symptoms_section.html` shows, from one query for the records."""
    records = list(patient.symptom_records.select_related("recorded_by").order_by("-recorded_on", "-id"))
    first, current = first_records(records), current_records(records)
    first_map, latest_map = map_of(first), map_of(current)
    first_date = first[0].recorded_on if first else None
    latest_date = records[0].recorded_on if records else None
    return {
        "patient": patient,
        "count": len(records),
        "has_records": bool(records),
        "first_date": first_date,
        "latest_date": latest_date,
        "first_date_text": format_date(first_date, "M j, Y") if first_date else "",
        "latest_date_text": format_date(latest_date, "M j, Y") if latest_date else "",
        "one_day_only": first_date == latest_date,
        "first_map": first_map,
        "latest_map": latest_map,
        "views": ",".join(views_for(first_map, latest_map)),
        "changes": changes_between(first_map, latest_map) if first_date != latest_date else [],
        "recent": records[:RECENT_RECORDS],
        "can_write": can_write_clinical(user),
        "history_url": reverse("patients:symptoms", kwargs={"public_id": patient.public_id}),
        "add_url": reverse("patients:symptom_add", kwargs={"public_id": patient.public_id}),
    }
