"""A course of care as rows: the plan, its visits (attended, missed, cancelled, booked), signed sessions,
needled points, adverse events and the 6-month follow-up.

Pain runs one of three courses: quick responders lose most of their pain within three or four sessions,
slow responders get there late in the course, non-responders barely move. Relief, "never relieved" and
relapse are judged by the app's own ReliefRule (its defaults, as a fresh database has), so the stored
follow-up verdicts are the ones the app would have stored (treatments.progress.follow_up).
"""

import math
import uuid
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from random import Random

from demo.scale.clock import SUNDAY, Clock, weekday
from demo.scale.diary import Diary
from demo.scale.people import NEUROPATHY, PatientFacts, pick
from demo.scale.tables import Tables
from demo.sessions import BOTH_LEGS, HEEL_SETS, NEUROPATHY_SETS
from treatments.models import ReliefRule, TreatmentPlan
from treatments.progress.follow_up import FOLLOW_UP_AFTER

Plan = TreatmentPlan
VAS = [Decimal(f"{tenths // 10}.{tenths % 10}") for tenths in range(101)]
APPROACHES = ((Plan.Approach.ACUPUNCTURE, 0.45), (Plan.Approach.ACUPUNCTURE_PT, 0.38), (Plan.Approach.OTHER, 0.17))
CO_TREATMENTS = {
    Plan.Approach.ACUPUNCTURE: "",
    Plan.Approach.ACUPUNCTURE_PT: "Physical therapy: calf and plantar fascia stretching",
    Plan.Approach.OTHER: "Custom orthotics",
}
FREQUENCIES = (
    (Plan.Frequency.WEEKLY, 0.6),
    (Plan.Frequency.TWICE_WEEKLY, 0.15),
    (Plan.Frequency.TWICE_THEN_WEEKLY, 0.25),
)
# Course kinds by condition: (quick, slow, none).
KINDS = {NEUROPATHY: (("quick", 0.15), ("slow", 0.55), ("none", 0.30))}
HEEL_KINDS = (("quick", 0.50), ("slow", 0.35), ("none", 0.15))
# Share of the pain gone by the end of the course (range), and how many sessions it takes (time constant).
RESPONSE = {"quick": (0.70, 0.95, 1.6), "slow": (0.45, 0.75, 5.5), "none": (0.0, 0.15, 3.0)}
GOALS = {NEUROPATHY: "Sleep through the night without burning feet"}
HEEL_GOAL = "First-step pain below 3"
DROPOUT = 0.10
DROPOUT_REASONS = ("Moved away", "Could not fit sessions around work", "No improvement, patient's choice", "Cost")
NO_SHOW, CANCELLED = 0.03, 0.05
ADVERSE = 0.04
ADVERSE_KINDS = (("bleeding", 0.45), ("needle_pain", 0.30), ("flare", 0.17), ("fainting", 0.06), ("infection", 0.02))
ADVERSE_ACTIONS = {
    "bleeding": "Pressure applied; bruise explained",
    "needle_pain": "Needle removed and reinserted",
    "flare": "Advised rest and ice; lighter stimulation next time",
    "fainting": "Needles removed, patient laid flat, recovered in minutes",
    "infection": "Referred to GP for antibiotics",
}
FOLLOW_UP_RECORDED = 0.8
RELAPSE = 0.15
BOOK_AHEAD_DAYS = 42  # active courses are booked up to six weeks ahead


@dataclass(frozen=True)
class Shape:
    """How a plan is meant to run, drawn before its first visit is placed."""

    approach: str
    planned: int
    frequency: str
    twice_weekly_weeks: int | None
    kind: str
    response: float
    pace: float
    dropout_after: int | None

    def rhythm(self) -> TreatmentPlan:
        # Only for days_until_next: the plan's own rule for the gap between sessions.
        return Plan(sessions_planned=self.planned, frequency=self.frequency, twice_weekly_weeks=self.twice_weekly_weeks)

    def days_to_session(self, number: int) -> int:
        """Days from the first session to session `number`, when nothing slips."""
        rhythm = self.rhythm()
        return sum(rhythm.days_until_next(index) for index in range(number - 1))


def draw_shape(rng: Random, condition: str, *, may_drop_out: bool = True) -> Shape:
    approach = pick(rng, APPROACHES)
    planned = rng.choice((8, 9, 10, 10, 11, 12, 12))
    frequency = pick(rng, FREQUENCIES)
    weeks = rng.randint(2, 4) if frequency == Plan.Frequency.TWICE_THEN_WEEKLY else None
    kind = pick(rng, KINDS.get(condition, HEEL_KINDS))
    low, high, pace = RESPONSE[kind]
    dropout = rng.randint(2, planned - 2) if may_drop_out and rng.random() < DROPOUT else None
    return Shape(
        approach, planned, frequency, weeks, kind, rng.uniform(low, high), pace * rng.uniform(0.8, 1.25), dropout
    )


@dataclass
class CourseEnd:
    status: str
    follow_up_day: int | None = None
    needs_new_course: bool = False


class CourseWriter:
    def __init__(self, tables: Tables, clock: Clock, rng: Random, diary: Diary, *, today: int, point_ids: dict):
        self.tables, self.clock, self.rng, self.diary = tables, clock, rng, diary
        self.today = today
        self.rule = ReliefRule()  # the defaults: a fresh database has no rule of its own
        self.point_ids = point_ids

    def write(
        self,
        facts: PatientFacts,
        shape: Shape,
        *,
        first_slot: tuple[int, int],
        practitioner: int,
        location: int,
        desk: int,
        anchor: tuple[int, int] | None = None,
    ) -> CourseEnd:
        """The whole course from its first visit (already placed); `anchor` pins (session number, quarter) today."""
        t, clock, rng = self.tables, self.clock, self.rng
        plan_id = t.new_id("treatments_treatmentplan")
        course = _Course(
            self,
            facts,
            shape,
            plan_id=plan_id,
            practitioner=practitioner,
            location=location,
            desk=desk,
            first_day=first_slot[0],
        )
        end = course.run(first_slot, anchor)
        created = clock.stamp(first_slot[0], 8 * 60)
        updated = clock.stamp(course.last_day or first_slot[0], 19 * 60)
        t.add(
            "treatments_treatmentplan", plan_id, _uuid(rng), facts.id, practitioner, shape.approach,
            CO_TREATMENTS[shape.approach], shape.planned, shape.frequency, shape.twice_weekly_weeks, 45, 60,
            GOALS.get(facts.condition, HEEL_GOAL), end.status,
            rng.choice(DROPOUT_REASONS) if end.status == Plan.Status.DISCONTINUED else "", practitioner, created,
            updated,
        )  # fmt: skip
        for diagnosis_id in facts.diagnosis_ids:
            t.add(
                "treatments_treatmentplan_diagnoses",
                t.new_id("treatments_treatmentplan_diagnoses"),
                plan_id,
                diagnosis_id,
            )
        if end.status == Plan.Status.COMPLETED:
            course.follow_up(end)
        return end

    def place_first(self, practitioner: int, day: int, preferred: int) -> tuple[int, int] | None:
        return self.diary.place(practitioner, day, 4, preferred)


def _uuid(rng: Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


class _Course:
    """One plan's visits, written as they happen; keeps what the follow-up needs."""

    def __init__(self, writer: CourseWriter, facts, shape: Shape, *, plan_id, practitioner, location, desk, first_day):
        self.w, self.facts, self.shape, self.plan_id = writer, facts, shape, plan_id
        self.practitioner, self.location, self.desk, self.first_day = practitioner, location, desk, first_day
        self.signed = 0
        self.relieved = False
        self.last_day: int | None = None
        self.end_first_step = self.end_average = None

    def run(self, first_slot: tuple[int, int], anchor: tuple[int, int] | None) -> CourseEnd:
        w, shape, rhythm = self.w, self.shape, self.shape.rhythm()
        number, slot, booked_ahead, dropped = 1, first_slot, False, False
        nominal = first_slot[0]
        while number <= shape.planned:
            minutes = 60 if number == 1 else 45
            if slot is None:
                if anchor and number == anchor[0]:
                    slot = (w.today, anchor[1])
                    w.diary.take(self.practitioner, w.today, anchor[1], minutes // 15)
                else:
                    slot = w.diary.place(self.practitioner, nominal, minutes // 15, self.facts.preferred_quarter)
                if slot is None:
                    break
            day, quarter = slot
            if day > w.today + BOOK_AHEAD_DAYS:
                booked_ahead = True
                break
            outcome = self._outcome(day, number, pinned=anchor is not None)
            appointment_id = self._appointment(day, quarter, minutes, outcome=outcome, number=number)
            slot = None
            if outcome in ("no_show", "cancelled"):
                nominal = day + w.rng.randint(2, 4)
                continue
            if outcome == "booked":
                booked_ahead = True
            else:
                self._session(appointment_id, day, quarter, minutes)
                self.last_day = day
                if shape.dropout_after and self.signed == shape.dropout_after:
                    dropped = True
                    break
            nominal = day + rhythm.days_until_next(number - 1)
            number += 1
        if booked_ahead:
            return CourseEnd(Plan.Status.ACTIVE)
        if dropped or self.signed < shape.planned:
            return CourseEnd(Plan.Status.DISCONTINUED)
        return CourseEnd(Plan.Status.COMPLETED)

    def _outcome(self, day: int, number: int, *, pinned: bool) -> str:
        if day >= self.w.today:
            return "booked"
        if number == 1 or pinned:
            return "completed"
        roll = self.w.rng.random()
        if roll < NO_SHOW:
            return "no_show"
        if roll < NO_SHOW + CANCELLED:
            return "cancelled"
        return "completed"

    def _appointment(self, day: int, quarter: int, minutes: int, *, outcome: str, number: int, kind: str = "") -> int:
        w, clock, rng = self.w, self.w.clock, self.w.rng
        appointment_id = w.tables.new_id("treatments_appointment")
        checked_in = cancelled_at = None
        cancelled_by = reason = ""
        late = False
        status = outcome
        if outcome == "completed":
            checked_in = clock.quarter_stamp(day, quarter, -5)
        elif outcome == "cancelled":
            if rng.random() < 0.7:
                cancelled_by, late = "patient", rng.random() < 0.3
                reason = "Car trouble, called on the day" if late else "Family event"
                cancelled_at = clock.quarter_stamp(day, quarter, -180) if late else clock.stamp(day - 3, 12 * 60)
            else:
                cancelled_by, reason = "clinic", "Practitioner off sick"
                cancelled_at = clock.stamp(day - 1, 16 * 60)
        if kind:  # the follow-up visit: booked a fortnight ahead, and not one of the course's sessions
            booked_on, plan_id = day - 14, None
        else:
            booked_on, plan_id = (self.first_day - 7 if number == 1 else min(self.first_day, day)), self.plan_id
        w.tables.add(
            "treatments_appointment", appointment_id, self.facts.id, self.practitioner, self.location, plan_id,
            kind or ("initial" if number == 1 else "treatment"), clock.quarter_stamp(day, quarter),
            clock.quarter_stamp(day, quarter, minutes), status, checked_in, cancelled_at, cancelled_by, reason, late,
            "", None, self.desk, clock.stamp(booked_on, 10 * 60),
        )  # fmt: skip
        return appointment_id

    def _pain(self, baseline: int, number: int, share: float) -> int:
        rng = self.w.rng
        if number == 1:
            return max(0, min(100, baseline + round(rng.gauss(0, 3))))
        gone = share * (1 - math.exp(-(number - 1) / self.shape.pace))
        return max(0, min(100, round(baseline * (1 - gone) + rng.gauss(0, 4))))

    def _session(self, appointment_id: int, day: int, quarter: int, minutes: int) -> None:
        w, facts, rng, clock = self.w, self.facts, self.w.rng, self.w.clock
        self.signed += 1
        number = self.signed
        first_step = self._pain(facts.first_step, number, self.shape.response)
        average = self._pain(facts.average, number, self.shape.response * 0.9)
        immediate = (3, 15) if self.shape.kind != "none" else (0, 6)
        first_step_after = max(0, first_step - rng.randint(*immediate))
        average_after = max(0, average - rng.randint(*immediate))
        self.relieved = self.relieved or w.rule.is_met_by(
            baseline_first_step=VAS[facts.first_step],
            baseline_average=VAS[facts.average],
            first_step=VAS[first_step],
            average=VAS[average],
        )
        self.end_first_step, self.end_average = first_step, average
        session_id = w.tables.new_id("treatments_treatmentsession")
        start = clock.quarter_stamp(day, quarter)
        signed = clock.quarter_stamp(day, quarter, minutes + 10)
        codes = self._points(number)
        w.tables.add(
            "treatments_treatmentsession", session_id, appointment_id, facts.id, self.plan_id, self.practitioner,
            start, VAS[first_step], VAS[average], VAS[first_step_after], VAS[average_after], 2 * len(codes),
            rng.randint(20, 40), "", "", "", f"Pain {VAS[first_step]}/10 on first steps this week.", "",
            "Improving" if self.relieved else "No meaningful change yet", "Continue the course", "", self._nsaid(),
            clock.quarter_stamp(day, quarter, 5), signed, signed, self.practitioner, "",
        )  # fmt: skip
        for code in codes:
            side = "both" if code in BOTH_LEGS else facts.side
            where = "Medial calcaneal tubercle" if code == "ASHI" else ""
            w.tables.add(
                "treatments_needledpoint", w.tables.new_id("treatments_needledpoint"), session_id,
                self.w.point_ids[code], side, where,
            )  # fmt: skip
        if rng.random() < ADVERSE:
            kind = pick(rng, ADVERSE_KINDS)
            roll = rng.random()
            severity = "severe" if kind == "infection" or roll < 0.01 else ("moderate" if roll < 0.10 else "mild")
            w.tables.add(
                "treatments_adverseevent", w.tables.new_id("treatments_adverseevent"), session_id, kind, severity,
                ADVERSE_ACTIONS[kind],
            )  # fmt: skip

    def _points(self, number: int) -> list[str]:
        sets = NEUROPATHY_SETS if self.facts.condition == NEUROPATHY else HEEL_SETS
        chosen = sets[(number - 1) % len(sets)]
        return list(chosen[: self.w.rng.randint(3, min(6, len(chosen)))])

    def _nsaid(self) -> str:
        taken, rng = self.facts.nsaid, self.w.rng
        if not self.relieved or taken == "none":
            return taken
        if taken == "daily":
            return pick(rng, (("occasional", 0.6), ("none", 0.2), ("daily", 0.2)))
        return "none" if rng.random() < 0.5 else "occasional"

    def follow_up(self, end: CourseEnd) -> None:
        """Proposed six months after the last signed session; most that are due were recorded, a visit each."""
        w, rng, clock = self.w, self.w.rng, self.w.clock
        last = date.fromordinal(self.last_day)
        due = (last + FOLLOW_UP_AFTER).toordinal()
        opens, closes = (day.toordinal() for day in w.rule.follow_up_window(last))
        recorded_on = None
        if due + 30 <= w.today and rng.random() < FOLLOW_UP_RECORDED:
            recorded_on = due + rng.randint(-20, 45) if rng.random() < 0.95 else closes + rng.randint(5, 60)
            if weekday(recorded_on) == SUNDAY:
                recorded_on += 1
            if recorded_on > w.today:
                recorded_on = None
        follow_up_id = w.tables.new_id("treatments_followup")
        if recorded_on is None:
            w.tables.add(
                "treatments_followup", follow_up_id, self.plan_id, clock.day(due), None, None, None, None, False,
                False, None, False, None, None, "", None,
            )  # fmt: skip
            return
        quarter = w.diary.place_on(self.practitioner, recorded_on, 2, self.facts.preferred_quarter)
        appointment_id = None
        if quarter is not None:
            appointment_id = self._appointment(
                recorded_on, quarter, 30, outcome="completed", number=0, kind="follow_up"
            )
        relapse = self.relieved and rng.random() < RELAPSE
        rise = rng.randint(20, 40) if relapse else rng.randint(-10, 8)
        first_step = max(0, min(100, self.end_first_step + rise))
        average = max(0, min(100, self.end_average + rise))
        new_course = (relapse or not self.relieved) and rng.random() < 0.5
        relapsed = None
        if self.relieved:
            relapsed = w.rule.is_relapse(
                end_first_step=VAS[self.end_first_step],
                follow_up_first_step=VAS[first_step],
                new_treatment_needed=new_course,
            )
        w.tables.add(
            "treatments_followup", follow_up_id, self.plan_id, clock.day(due), appointment_id, clock.day(recorded_on),
            VAS[first_step], VAS[average], relapse or not self.relieved, new_course, relapsed, not self.relieved,
            clock.day(opens), clock.day(closes), "", self.practitioner,
        )  # fmt: skip
        end.follow_up_day = recorded_on
        end.needs_new_course = new_course
