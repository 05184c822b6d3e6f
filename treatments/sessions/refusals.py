"""Why a safety rule refuses a session or a part of it, in the words the page shows and the services raise."""

from collections.abc import Iterable

from patients.safety import SafetyFacts, blocks_all_treatment, blocks_electroacupuncture, blocks_heat
from treatments.models import AcupuncturePoint, TreatmentSession
from treatments.sessions.pregnancy import points_needing_override

# What each refusal of `session_refusals` is about, so a form can put it where it belongs.
TREATMENT, ELECTRO, HEAT, PREGNANCY = "treatment", "electro", "heat", "pregnancy"


def and_list(items: list[str]) -> str:
    """'A', 'A and B', 'A, B and C'."""
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} and {items[-1]}"


def treatment_refusal(facts: SafetyFacts) -> str | None:
    """Why no session at all may be recorded for this patient, or None."""
    if not blocks_all_treatment(facts):
        return None
    if facts.consent_in_force is None:
        if any(consent.withdrawn_on for consent in facts.consents):
            return "The patient's consent to acupuncture was withdrawn, so no session can be recorded."
        return "There is no consent to acupuncture on file for this patient, so no session can be recorded."
    return "Severe bleeding disorder: needling is excluded for this patient, so no session can be recorded."


def electro_refusal(facts: SafetyFacts) -> str | None:
    if not blocks_electroacupuncture(facts):
        return None
    if facts.intake and facts.intake.implanted_device:
        device = facts.intake.implanted_device_detail or "Implanted electrical device"
        return f"{device} — electroacupuncture is not allowed for this patient."
    return "The consent on file does not cover electroacupuncture."


def heat_refusal(facts: SafetyFacts) -> str | None:
    return "The consent on file does not cover heat or moxibustion." if blocks_heat(facts) else None


def pregnancy_message(codes: list[str]) -> str:
    verb = "is" if len(codes) == 1 else "are"
    them = "it" if len(codes) == 1 else "them"
    return f"{and_list(codes)} {verb} to be avoided in pregnancy: give a reason to needle {them} anyway."


def session_refusals(
    facts: SafetyFacts,
    *,
    points: Iterable[AcupuncturePoint],
    has_electro: bool,
    heat: str,
    pregnancy_override_reason: str,
) -> dict[str, str]:
    """Every safety rule the record breaks, by what it is about (TREATMENT, ELECTRO, HEAT, PREGNANCY).

    The form and the services both ask this, so they cannot disagree about what is allowed.
    `points` are all the points needled, electro pairs' points included.
    """
    refusals = {
        TREATMENT: treatment_refusal(facts),
        ELECTRO: electro_refusal(facts) if has_electro else None,
        HEAT: heat_refusal(facts) if heat else None,
    }
    needing = points_needing_override(facts, points)
    if needing and not pregnancy_override_reason.strip():
        refusals[PREGNANCY] = pregnancy_message(needing)
    return {about: text for about, text in refusals.items() if text}


def recorded_session_refusals(session: TreatmentSession, facts: SafetyFacts) -> dict[str, str]:
    """Every safety rule a saved session breaks with the facts as they are now: what signing checks again.

    The same rules as `session_refusals`, asked of the session's stored points, electro pairs and heat.
    Uses the session's prefetched rows when it has them.
    """
    electro = list(session.electro.all())
    points = [row.point for row in session.needled_points.all()]
    points += [point for pair in electro for point in (pair.point_a, pair.point_b)]
    return session_refusals(
        facts,
        points=points,
        has_electro=bool(electro),
        heat=session.heat,
        pregnancy_override_reason=session.pregnancy_override_reason,
    )
