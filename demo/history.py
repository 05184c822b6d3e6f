"""Two years of finished courses for `seed_demo`, so the clinic outcomes page has something real to compare.

About 95 completed plans (and a tenth as many given up after a few sessions)
whose first sessions are spread over the last 24 months, across the clinic's
three approaches and three conditions: plantar fasciitis (M72.2), heel spur
(M77.31/M77.32, often with M72.2) and peripheral neuropathy (G62.9, E11.42).
How each course goes is drawn from published figures for plantar fasciitis
(mean first-step VAS reduction 5.8 with acupuncture, 7.1 with acupuncture and
physical therapy; relief in 3–6 and 2–4 weeks; relapse at 6 months 19% and 11%;
most improved by session 4; more than half cut down NSAIDs); neuropathy courses
are slower and respond less. Minor adverse events come with about one session
in twelve; one patient had a severe one (a needle-site infection).

Everything goes through the same services as the rest of the demo
(register_patient, book_past_course, _write_course, follow_up_propose,
follow_up_record), each told when it happened (`now=`): the app, not the demo,
judges relief, relapse and "never relieved". About a fifth of the follow-ups
that are due were never recorded, so the review queue lists them as overdue.

Deterministic (a fixed seed; dates counted back from `now`) and idempotent: a
patient already on file (same name and birth date) is skipped with their plan.
"""

import gc
import math
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.db.models import prefetch_related_objects
from django.utils import timezone

from demo.diary import book_past_course
from demo.patients import DemoPatient, register_patient
from demo.sessions import Course, _book_follow_up_visit, _vas, _write_course
from patients.models import Patient, SymptomRecord
from treatments.models import (
    AcupuncturePoint,
    AdverseEvent,
    Appointment,
    Location,
    TreatmentPlan,
    TreatmentSession,
    local_datetime,
)
from treatments.progress.follow_up import FollowUpFindings, follow_up_propose, follow_up_record
from treatments.sessions.services import AdverseEventRow

Plan = TreatmentPlan
Approach = Plan.Approach
Sym = SymptomRecord.Symptom
Kind, Severity = AdverseEvent.Kind, AdverseEvent.Severity

SEED = 20240517
# Plans by approach, the ones given up included: about 40 / 37 / 16 completed once a tenth have stopped. The
# 65 / 60 / 25 of a real two years would take `seed_demo` well past a minute: every visit goes through the
# booking and session services (about 50 ms each here), which is the point of the demo.
APPROACH_PLANS = {Approach.ACUPUNCTURE: 45, Approach.ACUPUNCTURE_PT: 41, Approach.OTHER: 18}
DROPOUTS = 10
MONTHS_BACK = 24
# Completed plans whose due 6-month follow-up was never recorded (they show as overdue).
FOLLOW_UP_MISSED = 0.18
# Relapse at follow-up among the relieved, by approach (published: 19% acupuncture, 11% with physical therapy).
RELAPSE = {Approach.ACUPUNCTURE: 0.19, Approach.ACUPUNCTURE_PT: 0.11, Approach.OTHER: 0.15}
# Non-responders whose follow-up is recorded (the app records them "never relieved"); the others did not come back.
NON_RESPONDERS_FOLLOWED = 2
ADVERSE_PER_SESSION = 0.08

# Given names not used anywhere else in the demo, so a history patient is never mistaken for a cohort one.
GIVEN = {
    "female": (
        "Abigail", "Beatriz", "Camille", "Dorothy", "Elif", "Fatima", "Gemma", "Helga", "Ingrid", "Joanna",
        "Kirsten", "Leila", "Marta", "Nadia", "Ottilie", "Paula", "Rhiannon", "Saoirse", "Tamsin", "Ursula",
        "Valentina", "Wanda", "Ximena", "Yvonne", "Zainab", "Agnes", "Brigitte", "Consuelo", "Delphine", "Esther",
    ),
    "male": (
        "Aaron", "Bernard", "Cedric", "Dmitri", "Emeka", "Felipe", "Gerald", "Hamid", "Ivan", "Jonas",
        "Kenji", "Lorenzo", "Magnus", "Nikolai", "Oscar", "Pedro", "Quentin", "Rafael", "Stefan", "Tobias",
        "Umar", "Vincent", "Walter", "Xavier", "Yannick", "Zoltan", "Anders", "Boris", "Clement", "Desmond",
    ),
}  # fmt: skip
FAMILY = (
    "Abbott", "Barros", "Castillo", "Dąbrowski", "Eriksen", "Fontaine", "Gallagher", "Horvath", "Ibrahim",
    "Jansen", "Kapoor", "Lindgren", "Moreau", "Novak", "Oyelaran", "Petrov", "Quinn", "Romero", "Sato",
    "Takahashi", "Ulrich", "Varga", "Whitaker", "Xu", "Yilmaz", "Zielinski", "Achebe", "Brennan", "Costa",
    "Delgado", "Engel", "Ferreira", "Grant", "Holm", "Iversen", "Jovanović", "Kaur", "Laine", "Mwangi", "Nakamura",
)  # fmt: skip
HISTORY_GIVEN_NAMES = frozenset(GIVEN["female"] + GIVEN["male"])
OCCUPATIONS = (
    "Nurse", "Teacher", "Retail assistant", "Chef", "Warehouse operative", "Postal worker", "Hairdresser",
    "Security officer", "Office manager", "Factory worker", "Retired", "Bus driver", "Cleaner", "Pharmacist",
    "Carpenter", "Waiter", "Police officer", "Care worker", "Accountant", "Electrician",
)  # fmt: skip

HEEL, SPUR, NEUROPATHY = "plantar_fasciitis", "heel_spur", "neuropathy"
# Course shapes by approach for heel pain: (quick, moderate, slow, no change).
HEEL_SHAPES = {
    Approach.ACUPUNCTURE_PT: (0.58, 0.28, 0.11, 0.03),
    Approach.ACUPUNCTURE: (0.46, 0.30, 0.17, 0.07),
    Approach.OTHER: (0.50, 0.28, 0.15, 0.07),
}
NEUROPATHY_SHAPES = (0.10, 0.35, 0.45, 0.10)
# Share of the baseline first-step pain gone by the end of the course, by shape and approach.
RESPONSE = {
    "quick": {Approach.ACUPUNCTURE_PT: 0.95, Approach.ACUPUNCTURE: 0.88, Approach.OTHER: 0.91},
    "moderate": {Approach.ACUPUNCTURE_PT: 0.86, Approach.ACUPUNCTURE: 0.77, Approach.OTHER: 0.80},
    "slow": {Approach.ACUPUNCTURE_PT: 0.72, Approach.ACUPUNCTURE: 0.64, Approach.OTHER: 0.66},
    "none": {Approach.ACUPUNCTURE_PT: 0.07, Approach.ACUPUNCTURE: 0.05, Approach.OTHER: 0.06},
}
# Session at which half the response is reached (range), and how gradually.
MIDPOINT = {"quick": (2.2, 3.2, 0.7), "moderate": (3.2, 4.4, 1.0), "slow": (5.8, 7.2, 1.0), "none": (4.0, 6.0, 2.0)}
APPROACH_DELAY = {Approach.ACUPUNCTURE: 0.4, Approach.ACUPUNCTURE_PT: 0.0, Approach.OTHER: 0.2}
FREQUENCIES = {
    # weekly, twice a week, twice a week at first
    Approach.ACUPUNCTURE: (0.70, 0.10, 0.20),
    Approach.ACUPUNCTURE_PT: (0.55, 0.15, 0.30),
    Approach.OTHER: (0.60, 0.15, 0.25),
}
FREQUENCY_CHOICES = (Plan.Frequency.WEEKLY, Plan.Frequency.TWICE_WEEKLY, Plan.Frequency.TWICE_THEN_WEEKLY)
CO_TREATMENTS = {
    Approach.ACUPUNCTURE: ("",),
    Approach.ACUPUNCTURE_PT: (
        "Physical therapy: calf and plantar fascia stretching",
        "Physical therapy twice a week",
        "Physical therapy: eccentric calf loading and taping",
    ),
    Approach.OTHER: ("Custom orthotics", "Night splint", "Orthotics and a night splint", "Heel cups and taping"),
}
NEUROPATHY_CO_TREATMENTS = {
    Approach.ACUPUNCTURE_PT: ("Physical therapy: balance and gait training",),
    Approach.OTHER: ("Podiatry foot care", "Compression socks"),
}
GOALS = {
    HEEL: ("First-step pain below 3", "Walk 30 minutes without heel pain", "Through a work shift without heel pain"),
    SPUR: ("First-step pain below 3", "Stand through a shift without a limp"),
    NEUROPATHY: ("Sleep through the night without burning feet", "Less tingling at night", "Average pain below 4"),
}
STOP_REASONS = (
    "Moved out of the area",
    "Could not fit the sessions around work",
    "Chose to try a steroid injection instead",
    "Cost of the course",
    "Needles too uncomfortable; stopped after discussing it",
    "Family illness; will call to rebook",
)
MILD_EVENTS = (
    (Kind.BLEEDING, "Small bleed at {point} on removal; pressed for a minute. No bruise."),
    (Kind.BLEEDING, "Bruise at {point} the size of a coin; told it should fade within a week."),
    (Kind.BLEEDING, "Pressed for 2 minutes; small bruise at {point}."),
    (Kind.NEEDLE_PAIN, "Sharp pain on insertion at {point}; needle placed again. Settled at once."),
    (Kind.NEEDLE_PAIN, "Ache at {point} after removal; eased within the hour."),
    (Kind.NEEDLE_PAIN, "Tender at the heel ashi point for a day; lighter stimulation today."),
)
FLARES = (
    "Heel sorer for a day after the last visit. Lighter stimulation today.",
    "Burning worse the evening after the last visit, settled by morning. Fewer needles today.",
)
MODERATE_EVENTS = (
    (Kind.BLEEDING, "Haematoma 3 cm at {point}; ice and pressure, checked the next day, fading."),
    (Kind.FLARE, "Heel pain much worse for three days after the last visit; rest, ice, session shortened."),
    (Kind.NEEDLE_PAIN, "Needle-site pain at {point} lasting two days; no redness. Point left out today."),
)
FAINTS = (
    (Severity.MILD, "Light-headed and pale 10 minutes in: needles out, lying flat, water. Recovered in 15 minutes."),
    (
        Severity.MODERATE,
        "Fainted briefly (vasovagal) on the couch: needles out, legs raised, recovered in minutes; "
        "observed 30 minutes and driven home. Treated lying down from now on.",
    ),
)
SEVERE_EVENT = AdverseEventRow(
    Kind.INFECTION,
    Severity.SEVERE,
    "Red, hot swelling at the heel needle site three days after the last visit (cellulitis). Sent to the GP the "
    "same day: oral flucloxacillin for 7 days, resolved. No needling on that foot until healed; reported to the "
    "clinic's incident log.",
)
POINTS_NAMED = ("SP6", "KI3", "BL60", "BL57", "ST36", "the heel ashi point")


@dataclass(frozen=True)
class HistoryPlan:
    """One past course, drawn once from the fixed seed: who, what, when and how it went."""

    index: int
    who: DemoPatient
    condition: str
    approach: str
    co_treatments: str
    goal: str
    practitioner: int  # index into the practitioners
    sessions: int
    frequency: str
    twice_weekly_weeks: int | None
    first_day_back: int  # days before today
    preferred: time
    course: Course
    stop_after: int | None  # given up after this many sessions
    stop_reason: str
    missed_visits: bool
    seed: int


def plans_spec(today: date) -> list[HistoryPlan]:
    """Every history plan, the same on every run for the same `today` (and the same people on any day)."""
    rng = random.Random(SEED)  # noqa: S311  (demo data, not security)
    approaches = [approach for approach, count in APPROACH_PLANS.items() for _ in range(count)]
    rng.shuffle(approaches)
    total = len(approaches)
    dropouts = set(rng.sample(range(total), DROPOUTS))
    names = [(given, family, sex) for sex, givens in GIVEN.items() for given in givens for family in FAMILY]
    rng.shuffle(names)
    plans = []
    for index, approach in enumerate(approaches):
        given, family, sex = names[index]
        plans.append(_draw(index, approach, given, family, sex, dropout=index in dropouts, rng=rng, today=today))
    return plans


def _pick(rng: random.Random, options, weights):
    return rng.choices(options, weights=weights)[0]


def _draw(
    index: int, approach: str, given: str, family: str, sex: str, *, dropout: bool, rng: random.Random, today: date
) -> HistoryPlan:
    condition = _pick(rng, (HEEL, SPUR, NEUROPATHY), (0.52, 0.22, 0.26))
    side = _pick(rng, ("left", "right", "both"), (0.4, 0.4, 0.2))
    born = date(rng.randrange(1945, 2000), rng.randrange(1, 13), rng.randrange(1, 29))
    intake: dict = {"nsaid_use": _pick(rng, ("daily", "occasional", "none"), (0.76, 0.12, 0.12))}
    if condition == NEUROPATHY:
        code = _pick(rng, ("G62.9", "E11.42"), (0.45, 0.55))
        diagnoses = [(code, "both")]
        side = "both"
        if code == "E11.42":
            intake |= {"diabetes": "type_2", "current_medicines": "Metformin"}
        first_step, average = rng.uniform(3.8, 6.0), rng.uniform(5.2, 7.2)
        symptoms = [(Sym.NUMBNESS, ["left:toes", "right:toes", "left:ball", "right:ball"], rng.randrange(5, 8))]
    else:
        diagnoses = [("M72.2", side)]
        if condition == SPUR:
            spur = {"left": ["M77.32"], "right": ["M77.31"], "both": ["M77.31", "M77.32"]}[side]
            spur_side = {"M77.31": "right", "M77.32": "left"}
            diagnoses = [(code, spur_side[code]) for code in spur] + (diagnoses if rng.random() < 0.7 else [])
        first_step, average = rng.uniform(6.4, 8.9), rng.uniform(4.6, 6.8)
        heel = {"left": ["left:heel_medial"], "right": ["right:heel_medial"], "both": ["left:heel_medial"]}[side]
        symptoms = [(Sym.HEEL_PAIN, heel, round(first_step))]
        intake |= {
            "standing_hours_per_day": str(rng.randrange(3, 11)),
            "tight_calves": rng.random() < 0.6,
            "foot_posture": _pick(rng, ("flat", "normal", "high_arch"), (0.4, 0.4, 0.2)),
        }
        if rng.random() < 0.25:
            intake |= {"sport": "running", "sport_detail": "Runs two or three times a week"}
    if rng.random() < 0.05:
        intake |= {"anticoagulant": True, "current_medicines": "Aspirin 75 mg"}
    who = DemoPatient(
        given,
        family,
        born,
        sex,
        rng.choice(OCCUPATIONS),
        diagnoses,
        side,
        f"{first_step:.1f}",
        f"{average:.1f}",
        symptoms,
        intake,
        consent="full" if rng.random() < 0.85 else "acupuncture",
    )
    frequency = _pick(rng, FREQUENCY_CHOICES, FREQUENCIES[approach])
    sessions = _pick(rng, (8, 9, 10, 11, 12), (6, 3, 2, 1, 1))
    twice_weeks = rng.randrange(2, 4) if frequency == Plan.Frequency.TWICE_THEN_WEEKLY else None
    weeks = sessions if frequency == Plan.Frequency.WEEKLY else sessions // 2 + 1
    weeks = sessions - (twice_weeks or 0) if frequency == Plan.Frequency.TWICE_THEN_WEEKLY else weeks
    # First sessions spread over the last two years, every course over (with room for a missed visit) before today.
    latest_start = 7 * (weeks + 3)
    first_day_back = rng.randrange(latest_start, MONTHS_BACK * 30)
    if condition == NEUROPATHY:
        shape = _pick(rng, ("quick", "moderate", "slow", "none"), NEUROPATHY_SHAPES)
    else:
        shape = _pick(rng, ("quick", "moderate", "slow", "none"), HEEL_SHAPES[approach])
    co_options = (NEUROPATHY_CO_TREATMENTS if condition == NEUROPATHY else CO_TREATMENTS).get(approach, ("",))
    return HistoryPlan(
        index=index,
        who=who,
        condition=condition,
        approach=approach,
        co_treatments=rng.choice(co_options),
        goal=rng.choice(GOALS[condition]),
        practitioner=rng.randrange(2),
        sessions=sessions,
        frequency=frequency,
        twice_weekly_weeks=twice_weeks,
        first_day_back=first_day_back,
        preferred=time(rng.choice((9, 10, 11, 15, 16)), rng.choice((0, 30))),
        course=_course(shape, approach=approach, neuropathy=condition == NEUROPATHY, rng=rng),
        stop_after=rng.randrange(2, 6) if dropout else None,
        stop_reason=rng.choice(STOP_REASONS),
        missed_visits=rng.random() < 0.1,
        seed=rng.randrange(1 << 30),
    )


def _course(shape: str, *, approach: str, neuropathy: bool, rng: random.Random) -> Course:
    """A course of this shape with its own pace and depth: a logistic fall from the baseline, a little noise."""
    response = RESPONSE[shape][approach] * (0.72 if neuropathy else 1.0) + rng.uniform(-0.06, 0.05)
    response = min(0.95, max(0.0, response))
    low, high, width = MIDPOINT[shape]
    # Acupuncture alone takes a little longer to bite than with physical therapy (3–6 weeks against 2–4).
    midpoint = rng.uniform(low, high) + (1.0 if neuropathy else 0.0) + APPROACH_DELAY[approach]

    def ramp(number: int) -> float:
        def logistic(x: float) -> float:
            return 1 / (1 + math.exp(-(x - midpoint) / width))

        return (logistic(number) - logistic(1)) / (logistic(12) - logistic(1))

    def series(depth: float) -> tuple[float, ...]:
        shares = [1.0]
        for number in range(2, 13):
            noise = rng.uniform(-0.03, 0.03) if shape != "none" else rng.uniform(-0.04, 0.04)
            shares.append(round(min(1.05, max(0.04, 1 - depth * ramp(number) + noise)), 3))
        return tuple(shares)

    first_step = series(response)
    average = series(response * 0.85)
    steps = None
    # NSAIDs step down (daily -> occasional -> none) as the pain eases; about one responder in five keeps taking them.
    if shape != "none" and rng.random() < 0.78:
        down_once = next((n for n in range(2, 13) if ramp(n) >= 0.35), 12)
        down_twice = next((n for n in range(down_once + 1, 13) if ramp(n) >= 0.8), 13)
        steps = (down_once, down_twice)
    return Course(
        shape,
        first_step=first_step,
        average=average,
        immediate=round(rng.uniform(0.15, 0.3), 2),
        nsaid_steps=steps,
        numbness_fade={"quick": 0.06, "moderate": 0.04, "slow": 0.03, "none": 0.0}[shape],
    )


@dataclass
class HistorySummary:
    patients: int = 0
    plans: int = 0
    appointments: int = 0
    sessions: int = 0


def seed_history(
    *,
    practitioners: list,
    front_desk,
    now: datetime,
    progress: Callable[[int, int], None] | None = None,
) -> HistorySummary:
    """Seed the past courses that are not on file yet; `progress(done, total)` is told after each plan."""
    summary = HistorySummary()
    location = Location.objects.filter(is_active=True).order_by("pk").first()
    if not practitioners or location is None or not AcupuncturePoint.objects.exists():
        return summary
    specs = plans_spec(timezone.localdate(now))
    before = (Appointment.objects.count(), TreatmentSession.objects.count())
    seeder = _Seeder(specs, practitioners=practitioners, front_desk=front_desk, location=location, now=now)
    # Thousands of short-lived ORM objects and no cycles worth collecting: the collector only slows the seed down.
    collecting = gc.isenabled()
    gc.disable()
    try:
        with transaction.atomic():
            for done, spec in enumerate(specs, start=1):
                if seeder.course(spec):
                    summary.patients += 1
                    summary.plans += 1
                if progress is not None:
                    progress(done, len(specs))
    finally:
        if collecting:
            gc.enable()
    summary.appointments = Appointment.objects.count() - before[0]
    summary.sessions = TreatmentSession.objects.count() - before[1]
    return summary


class _Seeder:
    def __init__(self, specs: list[HistoryPlan], *, practitioners: list, front_desk, location, now: datetime):
        self.practitioners, self.front_desk, self.location, self.now = practitioners, front_desk, location, now
        self.today = timezone.localdate(now)
        self.points = {point.code: point for point in AcupuncturePoint.objects.all()}
        self.severe = _severe_plan(specs)
        self.faints = _fainting_plans(specs, exclude=self.severe)
        self.followed_non_responders = 0
        # Relapses spread evenly over each approach's recorded follow-ups, at that approach's rate.
        self.relapse_turns = {approach: 0.5 for approach in RELAPSE}

    def course(self, spec: HistoryPlan) -> bool:
        """The plan, its signed sessions and its follow-up; False when the patient is on file already."""
        plan = _plan(
            spec, practitioners=self.practitioners, front_desk=self.front_desk, location=self.location, now=self.now
        )
        if plan is None:
            return False
        rng = random.Random(spec.seed)  # noqa: S311  (demo data, not security)
        chooser = _adverse_chooser(
            rng, severe_at=4 if spec.index == self.severe else None, faint=self.faints.get(spec.index)
        )
        _write_course(plan, course=spec.course, points=self.points, now=self.now, adverse=chooser)
        if plan.status == Plan.Status.COMPLETED:
            self.follow_up(plan, spec, rng=rng)
        return True

    def follow_up(self, plan: Plan, spec: HistoryPlan, *, rng: random.Random) -> None:
        """Proposed for every completed plan; held and recorded for most of those due, not for about a fifth."""
        follow_up = follow_up_propose(plan=plan, by=plan.practitioner, now=self.now)
        record = rng.random() >= FOLLOW_UP_MISSED
        if spec.course.kind == "none":
            # Non-responders mostly do not come back; a couple do, and the app records them as never relieved.
            record = self.followed_non_responders < NON_RESPONDERS_FOLLOWED
        if not record or follow_up.due_on >= self.today:
            return
        turn = self.relapse_turns[spec.approach]
        relapse = int(turn + RELAPSE[spec.approach]) > int(turn)
        if not _record(follow_up, spec, relapse=relapse, rng=rng, now=self.now):
            return
        if spec.course.kind == "none":
            self.followed_non_responders += 1
        else:
            self.relapse_turns[spec.approach] = turn + RELAPSE[spec.approach]


def _severe_plan(specs: list[HistoryPlan]) -> int:
    """The one plan with the severe event: a completed heel course of nine sessions or more, about a year ago."""
    return next(
        spec.index
        for spec in specs
        if spec.stop_after is None and spec.condition == HEEL and spec.sessions >= 9 and spec.first_day_back > 300
    )


def _fainting_plans(specs: list[HistoryPlan], *, exclude: int) -> dict[int, tuple[str, str]]:
    """Two patients who fainted, at their third session: one only light-headed, one who fainted briefly."""
    candidates = [spec.index for spec in specs if spec.stop_after is None and spec.index != exclude]
    return {candidates[len(candidates) // 3]: FAINTS[0], candidates[2 * len(candidates) // 3]: FAINTS[1]}


def _adverse_chooser(rng: random.Random, *, severe_at: int | None, faint: tuple[str, str] | None):
    """About one session in twelve with a minor event; the fixed severe event and faint where they fall."""

    def choose(number: int, *, course: Course, intake) -> AdverseEventRow | None:
        roll = rng.random()  # drawn for every session, so the events stay where they are however the rest goes
        if number == severe_at:
            return SEVERE_EVENT
        if faint is not None and number == 3:
            return AdverseEventRow(Kind.FAINTING, *faint)
        chance = ADVERSE_PER_SESSION * (1.8 if intake.anticoagulant else 1.0)
        if roll >= chance:
            return None
        point = rng.choice(POINTS_NAMED)
        kind_roll = rng.random()
        if kind_roll < 0.04:
            kind, action = rng.choice(MODERATE_EVENTS)
            return AdverseEventRow(kind, Severity.MODERATE, action.format(point=point))
        if kind_roll < 0.2:
            return AdverseEventRow(Kind.FLARE, Severity.MILD, rng.choice(FLARES))
        kind, action = rng.choice(MILD_EVENTS)
        return AdverseEventRow(kind, Severity.MILD, action.format(point=point))

    return choose


def _plan(spec: HistoryPlan, *, practitioners: list, front_desk, location, now: datetime) -> Plan | None:
    """Register the patient, then plan, book, attend and finish (or give up) the course; None if on file already."""
    today = timezone.localdate(now)
    practitioner = practitioners[spec.practitioner % len(practitioners)]
    first_day = today - timedelta(days=spec.first_day_back)
    rng = random.Random(spec.seed)  # noqa: S311  (demo data, not security)
    patient = register_patient(
        _without_symptoms(spec.who),
        practitioner=practitioner,
        front_desk=front_desk or practitioner,
        today=today,
        rng=rng,
        first_visit=first_day,
    )
    if patient is None:
        return None
    # The booking services check consent and diagnoses at every visit: load them once, on this copy.
    prefetch_related_objects([patient], "consents", "diagnoses")
    _first_symptoms(patient, spec.who, practitioner=practitioner, day=first_day)
    plan = Plan.objects.create(
        patient=patient,
        practitioner=practitioner,
        approach=spec.approach,
        co_treatments=spec.co_treatments,
        sessions_planned=spec.sessions,
        frequency=spec.frequency,
        twice_weekly_weeks=spec.twice_weekly_weeks,
        goal=spec.goal,
        created_by=practitioner,
    )
    plan.diagnoses.set(patient.diagnoses.all())
    plan.move_to(Plan.Status.ACTIVE, by=practitioner)
    book_past_course(
        plan,
        location=location,
        first_day=first_day,
        until=min(today - timedelta(days=1), first_day + timedelta(weeks=spec.sessions + 4)),
        preferred=spec.preferred,
        by=front_desk or practitioner,
        now=now,
        pattern=spec.index if spec.missed_visits else None,
        limit=spec.stop_after,
    )
    if spec.stop_after is None:
        plan.move_to(Plan.Status.COMPLETED, by=practitioner)
    else:
        plan.move_to(Plan.Status.DISCONTINUED, reason=spec.stop_reason, by=practitioner)
    Plan.objects.filter(pk=plan.pk).update(created_at=local_datetime(first_day, time(8)) - timedelta(days=3))
    return plan


def _without_symptoms(who: DemoPatient) -> DemoPatient:
    """register_patient records symptoms up to today; a past patient's are recorded at the first visit only."""
    return DemoPatient(**{**who.__dict__, "symptoms": []})


def _first_symptoms(patient: Patient, who: DemoPatient, *, practitioner, day: date) -> None:
    for symptom, spots, severity in who.symptoms:
        SymptomRecord.objects.create(
            patient=patient,
            recorded_on=day,
            symptom=symptom,
            spots=spots,
            severity=severity,
            timing="at_night" if symptom in (Sym.NUMBNESS, Sym.TINGLING) else "first_steps",
            note="Recorded at the first visit.",
            recorded_by=practitioner,
        )


def _record(follow_up, spec: HistoryPlan, *, relapse: bool, rng: random.Random, now: datetime) -> bool:
    """The follow-up visit 5 to 8 months after the last session, and what it found; False if not held."""
    offset = rng.randrange(-24, 50)
    visit = _book_follow_up_visit(follow_up, now=now, after=follow_up.due_on + timedelta(days=offset))
    if visit is None:
        return False
    plan = follow_up.plan
    last = plan.sessions.signed().order_by("-started_at", "-id").first()
    # The demo says what the patient reports; whether that is a relapse (or never relieved) is the app's call.
    if spec.course.kind == "none":
        rise, returned, notes = rng.uniform(-0.4, 0.6), True, "No better than at the end of the course."
    elif relapse:
        rise, returned = rng.uniform(2.1, 3.6), True
        notes = "Pain crept back over the last two months; first steps sore most mornings again. Offered a review."
    else:
        rise, returned = rng.uniform(-0.5, 1.0), False
        notes = "Still much better; a little stiffness after long days. Keeps up the home care."
    follow_up_record(
        follow_up=follow_up,
        findings=FollowUpFindings(
            recorded_on=timezone.localdate(visit.starts_at),
            first_step_pain=_vas(float(last.first_step_pain_before) + rise),
            average_pain=_vas(float(last.average_pain_before) + rise * 0.8),
            symptoms_returned=returned,
            new_treatment_needed=relapse and rng.random() < 0.3,
            notes=notes,
        ),
        by=plan.practitioner,
        now=now,
    )
    return True
