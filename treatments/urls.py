from django.urls import path

from treatments.diary.views import appointments, course_booking, day_and_week, my_schedule
from treatments.plans.views import plans
from treatments.progress.views import adverse_events, outcomes, progress
from treatments.sessions import views as sessions

app_name = "treatments"

urlpatterns = [
    # Treatment plans: practitioners write, everyone on staff sees the schedule side.
    path("patients/<uuid:public_id>/plans/new/", plans.plan_create, name="plan_create"),
    path("plans/<uuid:plan_id>/", plans.plan_detail, name="plan"),
    path("plans/<uuid:plan_id>/edit/", plans.plan_edit, name="plan_edit"),
    path("plans/<uuid:plan_id>/status/", plans.plan_status, name="plan_status"),
    # Booking a whole course from an active plan (front desk).
    path("plans/<uuid:plan_id>/book/", course_booking.course_booking, name="plan_book"),
    # Single appointments.
    path("appointments/new/", appointments.appointment_create, name="appointment_create"),
    path("appointments/<int:appointment_id>/", appointments.appointment_detail, name="appointment"),
    path("appointments/<int:appointment_id>/move/", appointments.appointment_move, name="appointment_move"),
    path("appointments/<int:appointment_id>/cancel/", appointments.appointment_cancel, name="appointment_cancel"),
    path("appointments/<int:appointment_id>/check-in/", appointments.appointment_check_in, name="appointment_check_in"),
    path("appointments/<int:appointment_id>/no-show/", appointments.appointment_no_show, name="appointment_no_show"),
    path("appointments/<int:appointment_id>/reassign/", appointments.appointment_reassign, name="appointment_reassign"),
    # The front desk's views of the diary.
    path("day/", day_and_week.day_sheet, name="day"),
    path("week/", day_and_week.week_view, name="week"),
    path("next-free/", day_and_week.next_free_slot, name="next_free"),
    # Treatment sessions: written by practitioners from a checked-in appointment, locked when signed.
    path("appointments/<int:appointment_id>/session/", sessions.session_start, name="session_start"),
    path("sessions/<int:session_id>/", sessions.session_detail, name="session"),
    path("sessions/<int:session_id>/edit/", sessions.session_edit, name="session_edit"),
    path("sessions/<int:session_id>/sign/", sessions.session_sign, name="session_sign"),
    path("sessions/<int:session_id>/amend/", sessions.session_amend, name="session_amend"),
    path("sessions/<int:session_id>/addendum/", sessions.session_addendum, name="session_addendum"),
    # Progress against the clinic's relief rule, and the 6-month follow-up.
    path("plans/<uuid:plan_id>/progress/", progress.plan_progress_page, name="plan_progress"),
    path("patients/<uuid:public_id>/progress/", progress.patient_progress_page, name="patient_progress"),
    path("plans/<uuid:plan_id>/follow-up/", progress.follow_up, name="follow_up"),
    path("relief-rule/", progress.relief_rule, name="relief_rule"),
    # Clinic outcomes by approach (clinic admins: the clinic; practitioners: their own plans).
    path("outcomes/", outcomes.outcomes, name="outcomes"),
    path("outcomes/plans/", outcomes.outcome_plans, name="outcome_plans"),
    path("outcomes/outcomes.csv", outcomes.outcomes_csv, name="outcomes_csv"),
    path("outcomes/plans.csv", outcomes.outcome_plans_csv, name="outcome_plans_csv"),
    path("outcomes/adverse-events/", adverse_events.adverse_event_sessions, name="adverse_event_sessions"),
    path("review/", outcomes.review_queue, name="review_queue"),
    # A practitioner's own schedule and private calendar feed.
    path("my-schedule/", my_schedule.my_schedule, name="my_schedule"),
    path("my-schedule/feed/reset/", my_schedule.calendar_reset, name="calendar_reset"),
    path("calendar/<str:token>.ics", my_schedule.calendar_feed, name="calendar_feed"),
]
