"""The patient's current symptoms, offered for a quick score at the session, and where each is felt now."""

from dataclasses import dataclass, field
from datetime import date

from django.utils.text import slugify

from patients.models import FOOT_SPOTS, SymptomRecord, foot_spot_label
from patients.symptoms import current_records, symptom_key


@dataclass
class SymptomToRescore:
    """One symptom of the patient's current map, offered for a quick score today."""

    name: str
    symptom: str
    symptom_other: str
    label: str
    spots: list[str]
    severity: int
    recorded_on: date
    timing: str
    # The records of this symptom already made on the session's day (an earlier save of the draft).
    todays: list[SymptomRecord] = field(default_factory=list)

    @property
    def key(self) -> tuple[str, str]:
        return (self.symptom, self.symptom_other.strip().casefold())

    @property
    def spot_labels(self) -> list[str]:
        return [foot_spot_label(spot) for spot in self.spots]


def symptoms_to_rescore(records: list[SymptomRecord], day: date) -> list[SymptomToRescore]:
    """The current picture of each symptom: its places and highest severity on its latest date."""
    grouped: dict[tuple[str, str], list[SymptomRecord]] = {}
    for record in current_records(records):
        grouped.setdefault(symptom_key(record), []).append(record)
    rows = []
    for (symptom, other), group in sorted(grouped.items()):
        places = {spot for record in group for spot in record.spots}
        newest = max(group, key=lambda r: r.pk)
        rows.append(
            SymptomToRescore(
                name=f"rescore_{symptom}" + (f"_{slugify(other)[:30]}" if other else ""),
                symptom=symptom,
                symptom_other=newest.symptom_other if other else "",
                label=newest.symptom_label,
                spots=[spot for spot in FOOT_SPOTS if spot in places],
                severity=max(record.severity for record in group),
                recorded_on=group[0].recorded_on,
                timing=newest.timing,
                todays=group if group[0].recorded_on == day else [],
            )
        )
    return rows
