"""Points to avoid in pregnancy: the point catalogue's `avoid_in_pregnancy` column is the one list.

patients.safety says only that a patient is pregnant (patients/ cannot see the catalogue). The session
layer asks the column, when it is asked, so a change a clinic admin makes to a point reaches both the
safety banner and the session form's refusal at once. point_catalogue.py only seeds the column.
See docs/clinical/safety-rules.md#pregnancy.
"""

from collections.abc import Iterable
from dataclasses import replace

from patients.safety import SafetyFacts, SafetyFlag, flags_from
from treatments.models import AcupuncturePoint


def points_needing_override(facts: SafetyFacts, points: Iterable[AcupuncturePoint]) -> list[str]:
    """The codes of the chosen points a pregnant patient may be needled at only with a reason: each once, in order."""
    if not facts.pregnant:
        return []
    return list(dict.fromkeys(point.code for point in points if point.avoid_in_pregnancy))


def safety_flags(facts: SafetyFacts) -> list[SafetyFlag]:
    """The patient's safety flags, the pregnancy flag naming the points the catalogue marks (one query, only then)."""
    flags = flags_from(facts)
    if not facts.pregnant:
        return flags
    flagged = list(AcupuncturePoint.objects.flagged_in_pregnancy().values_list("code", "avoid_in_pregnancy"))
    avoid = ", ".join(code for code, to_avoid in flagged if to_avoid)
    care = ", ".join(code for code, to_avoid in flagged if not to_avoid)
    return [
        replace(
            flag,
            title=f"{flag.title} — avoid {avoid}" if avoid else flag.title,
            detail=" ".join(part for part in (flag.detail, f"{care} with care." if care else "") if part),
        )
        if flag.code == "pregnancy"
        else flag
        for flag in flags
    ]
