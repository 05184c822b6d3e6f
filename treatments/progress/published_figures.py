"""The published figures the clinic's outcomes are shown beside, as first loaded (docs/clinical/measuring-progress.md).

Migration 0008 loads the outcome figures and 0009 the adverse-event rates; `ensure_published_figures` puts both
back after a database flush (the test suite's transactional tests empty every table), as `ensure_catalogue`
does for the point catalogue. Clinic admins edit or add sets afterwards; this never changes or removes one.
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
ADVERSE_EVENT_SOURCE = (
    "Bäumler P, et al. Acupuncture-related adverse events: systematic review and meta-analyses of prospective "
    "clinical studies. BMJ Open 2021;11:e045961. Pooled over prospective studies: a minor event in about 8% of "
    "treatments and 9% of patients; a serious event in about 1 in 10,000 patients."
)
# minor events: % of treatments, % of patients; serious events per 10,000 patients
ADVERSE_EVENT_RATES = ("8.0", "9.0", "1.00")


def ensure_published_figures(apps=None, using: str = "default", **_signal_kwargs) -> None:
    """Load each published set (outcome figures, adverse-event rates) when the clinic has none of that kind."""
    from django.apps import apps as global_apps

    apps = apps or global_apps
    try:
        ReferenceFigures = apps.get_model("treatments", "ReferenceFigures")
    except LookupError:  # post_migrate before migration 0008 has run
        return
    _ensure_outcome_figures(ReferenceFigures, using)
    try:
        AdverseEventReference = apps.get_model("treatments", "AdverseEventReference")
    except LookupError:  # post_migrate before migration 0009 has run
        return
    if not AdverseEventReference.objects.using(using).exists():
        minor_sessions, minor_patients, serious = ADVERSE_EVENT_RATES
        AdverseEventReference.objects.using(using).create(
            citation=ADVERSE_EVENT_SOURCE,
            minor_session_percent=Decimal(minor_sessions),
            minor_patient_percent=Decimal(minor_patients),
            serious_per_10000_patients=Decimal(serious),
        )


def _ensure_outcome_figures(ReferenceFigures, using: str) -> None:
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
