"""The published figures the clinic's outcomes are shown beside, as first loaded (docs/clinical/measuring-progress.md).

Migration 0008 loads them; `ensure_published_figures` puts them back after a database flush (the test suite's
transactional tests empty every table), as `ensure_catalogue` does for the point catalogue. Clinic admins
edit or add sets afterwards; this never changes or removes one.
"""

from decimal import Decimal

SOURCE = (
    "The clinic's source document (seed 002): a practitioner's 2023 article on acupuncture for plantar "
    "fasciitis, reporting figures from the author's own patients; not peer-reviewed, no patient numbers given."
)
PUBLISHED = [
    # approach (blank: standard care), mean fall (points), weeks to relief, relapse at 6 months (%),
    # improved after 4 sessions (%), reduced or stopped daily NSAIDs (%, "more than")
    ("", "3.2", (8, 12), 41, None, None),
    ("acupuncture", "5.8", (3, 6), 19, 73, 50),
    ("acupuncture_pt", "7.1", (2, 4), 11, None, None),
]


def ensure_published_figures(apps=None, using: str = "default", **_signal_kwargs) -> None:
    """Load the published set when the clinic has no reference figures at all."""
    from django.apps import apps as global_apps

    apps = apps or global_apps
    try:
        ReferenceFigures = apps.get_model("treatments", "ReferenceFigures")
    except LookupError:  # post_migrate before migration 0008 has run
        return
    if ReferenceFigures.objects.using(using).exists():
        return
    ReferenceFigures.objects.using(using).bulk_create(
        ReferenceFigures(
            condition_code="M72.2",
            approach=approach,
            citation=SOURCE,
            mean_reduction=Decimal(reduction),
            weeks_to_relief_low=low,
            weeks_to_relief_high=high,
            relapse_percent=relapse,
            improved_after_4_percent=improved,
            # "More than half" cut down or stopped daily NSAIDs: stored as a bound.
            nsaid_reduced_percent=nsaid,
            nsaid_reduced_is_lower_bound=nsaid is not None,
        )
        for approach, reduction, (low, high), relapse, improved, nsaid in PUBLISHED
    )
