"""The clinic's outcomes beside published figures: which set applies, and where the clinic's interval lies.

A published figure is a single value without an interval of its own (docs/clinical/measuring-progress.md
#published-reference-figures), so the comparison asks only whether the clinic's 95% interval lies wholly
above it, wholly below it, or across it. A figure without an interval (too few plans) is not compared.
"""

from dataclasses import dataclass
from decimal import Decimal

from patients.models import DiagnosisCode
from treatments.models import ReferenceFigures
from treatments.progress.outcomes import GroupOutcome, Scope

ABOVE, BELOW, ACROSS = "above the reference", "below the reference", "across the reference"


def compare_interval(interval: tuple[float, float] | None, reference: float | Decimal | None) -> str | None:
    """Where an interval lies against a reference value; None when either is missing."""
    if interval is None or reference is None:
        return None
    low, high = interval
    if low > reference:
        return ABOVE
    if high < reference:
        return BELOW
    return ACROSS


@dataclass(frozen=True)
class ReferenceRow:
    figures: ReferenceFigures
    reduction_mark: str | None = None  # the clinic's mean-reduction interval against the published mean
    relapse_mark: str | None = None  # the clinic's relapse interval against the published rate


def reference_condition(scope: Scope) -> str:
    """The condition whose published figures apply: the diagnosis filtered on, else plantar fasciitis."""
    return scope.diagnosis_code or DiagnosisCode.PLANTAR_FASCIITIS.value


def compare_with_reference(group: GroupOutcome, figures: ReferenceFigures | None) -> ReferenceRow | None:
    if figures is None:
        return None
    relapse = None if figures.relapse_percent is None else figures.relapse_percent / 100
    return ReferenceRow(
        figures=figures,
        reduction_mark=compare_interval(
            group.reduction_ci, None if figures.mean_reduction is None else float(figures.mean_reduction)
        ),
        relapse_mark=compare_interval(group.relapse_ci, relapse),
    )


def table_with_references(
    groups: list[GroupOutcome], scope: Scope
) -> tuple[list[tuple[GroupOutcome, ReferenceRow | None]], ReferenceFigures | None]:
    """Each group beside its approach's active published set, and the standard-care set. One query."""
    active = ReferenceFigures.objects.active_for(reference_condition(scope))
    rows = [
        (group, compare_with_reference(group, active.get(group.approach)) if group.approach else None)
        for group in groups
    ]
    return rows, active.get("")
