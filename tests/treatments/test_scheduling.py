import datetime as dt
import itertools
import zoneinfo

import pytest
from django.utils import timezone

from tests.factories import (
    AppointmentFactory,
    LocationFactory,
    PractitionerFactory,
    TreatmentPlanFactory,
    full_week_hours,
)
from treatments.diary.scheduling import ScheduleWindow, ideal_days, propose_course
from treatments.models import Closure, Leave, TreatmentPlan, local_datetime

pytestmark = pytest.mark.django_db
MONDAY = dt.date(2031, 3, 3)  # a Monday in the future, fixed so the pattern is checkable


@pytest.fixture
def practitioner():
    practitioner = PractitionerFactory()
    full_week_hours(practitioner)
    return practitioner


def test_twice_weekly_falls_on_the_same_two_weekdays():
    plan = TreatmentPlanFactory.build(sessions_planned=10, frequency=TreatmentPlan.Frequency.TWICE_WEEKLY)
    days = [day for _, day in ideal_days(plan, first_day=MONDAY, first_number=1)]
    assert len(days) == 10
    assert {day.weekday() for day in days} == {0, 3}
    assert days[-1] == MONDAY + dt.timedelta(days=4 * 7 + 3)


def test_twice_then_weekly_switches_after_the_given_weeks():
    plan = TreatmentPlanFactory.build(
        sessions_planned=8, frequency=TreatmentPlan.Frequency.TWICE_THEN_WEEKLY, twice_weekly_weeks=2
    )
    days = [day for _, day in ideal_days(plan, first_day=MONDAY, first_number=1)]
    gaps = [(b - a).days for a, b in itertools.pairwise(days)]
    assert gaps == [3, 4, 3, 4, 7, 7, 7]


def test_weekly_is_seven_days_apart():
    plan = TreatmentPlanFactory.build(sessions_planned=8, frequency=TreatmentPlan.Frequency.WEEKLY)
    days = [day for _, day in ideal_days(plan, first_day=MONDAY, first_number=3)]
    assert len(days) == 6
    assert all((b - a).days == 7 for a, b in itertools.pairwise(days))


def test_a_proposal_keeps_the_preferred_time_and_routes_around_holidays_and_existing_appointments(practitioner):
    location = LocationFactory()
    plan = TreatmentPlanFactory(practitioner=practitioner, sessions_planned=10)
    thursday = MONDAY + dt.timedelta(days=3)
    Closure.objects.create(first_day=thursday, last_day=thursday, reason="Public holiday")
    busy_monday = MONDAY + dt.timedelta(days=7)
    AppointmentFactory(practitioner=practitioner, starts_at=local_datetime(busy_monday, dt.time(9, 0)))

    sessions = propose_course(plan, first_day=MONDAY, preferred_time=dt.time(9, 0), location=location)

    assert [s.number for s in sessions] == list(range(1, 11))
    assert sessions[0].minutes == 60
    assert sessions[1].minutes == 45
    assert timezone.localdate(sessions[1].starts_at) == thursday + dt.timedelta(days=1)
    assert "Public holiday" in sessions[1].note
    assert timezone.localtime(sessions[2].starts_at).time() != dt.time(9, 0)
    assert timezone.localdate(sessions[2].starts_at) == busy_monday
    assert all(timezone.localtime(s.starts_at).time() == dt.time(9, 0) for s in sessions[3:])


def test_a_proposal_skips_leave_and_never_overlaps_itself(practitioner):
    plan = TreatmentPlanFactory(practitioner=practitioner, sessions_planned=8, frequency="weekly")
    Leave.objects.create(practitioner=practitioner, first_day=MONDAY, last_day=MONDAY + dt.timedelta(days=1))
    sessions = propose_course(plan, first_day=MONDAY, preferred_time=dt.time(9, 0), location=LocationFactory())
    assert timezone.localdate(sessions[0].starts_at) == MONDAY + dt.timedelta(days=2)
    starts = [s.starts_at for s in sessions]
    assert len(set(starts)) == len(starts)


def test_a_course_across_a_daylight_saving_change_keeps_its_local_time(practitioner, settings):
    settings.TIME_ZONE = "America/New_York"
    plan = TreatmentPlanFactory(practitioner=practitioner, sessions_planned=8, frequency="weekly")
    # US clocks go forward on the second Sunday of March 2031 (March 9).
    sessions = propose_course(plan, first_day=MONDAY, preferred_time=dt.time(9, 0), location=LocationFactory())
    new_york = zoneinfo.ZoneInfo("America/New_York")
    assert {s.starts_at.astimezone(new_york).time() for s in sessions} == {dt.time(9, 0)}
    assert {s.starts_at.astimezone(dt.UTC).hour for s in sessions} == {13, 14}


def test_a_day_with_no_room_says_to_pick_by_hand(practitioner):
    location = LocationFactory()
    plan = TreatmentPlanFactory(practitioner=practitioner, sessions_planned=8, frequency="weekly")
    for offset in range(4):
        day = MONDAY + dt.timedelta(days=offset)
        Closure.objects.create(first_day=day, last_day=day, reason="Renovation")
    sessions = propose_course(plan, first_day=MONDAY, preferred_time=dt.time(9, 0), location=location)
    assert sessions[0].starts_at is None
    assert "pick a time by hand" in sessions[0].note


def test_a_session_slides_over_the_weekend_to_the_next_working_day_and_says_why(practitioner):
    location = LocationFactory()
    plan = TreatmentPlanFactory(practitioner=practitioner, sessions_planned=8, frequency="weekly")
    thursday, friday = MONDAY + dt.timedelta(days=3), MONDAY + dt.timedelta(days=4)
    Closure.objects.create(first_day=thursday, last_day=thursday, reason="Public holiday")
    for hour in range(9, 17):
        AppointmentFactory(practitioner=practitioner, starts_at=local_datetime(friday, dt.time(hour, 0)))

    sessions = propose_course(plan, first_day=thursday, preferred_time=dt.time(9, 0), location=location)

    next_monday = MONDAY + dt.timedelta(days=7)
    assert sessions[0].starts_at == local_datetime(next_monday, dt.time(9, 0))
    assert "Public holiday" in sessions[0].note
    assert f"{friday:%a %b %d}: no free time" in sessions[0].note
    assert "next working day" in sessions[0].note
    assert "pick a time by hand" not in sessions[0].note
    assert "Sat" not in sessions[0].note


def test_the_schedule_window_loads_in_four_queries_whatever_the_data(practitioner, django_assert_num_queries):
    for hour in range(9, 16):
        AppointmentFactory(practitioner=practitioner, starts_at=local_datetime(MONDAY, dt.time(hour, 0)))
    with django_assert_num_queries(4):
        window = ScheduleWindow.load(practitioner=practitioner, first_day=MONDAY, last_day=MONDAY)
    assert window.next_free(after=local_datetime(MONDAY, dt.time(9, 0)), minutes=45, location_id=1, count=1) == []
