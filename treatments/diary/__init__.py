"""The diary: working hours, booking single appointments and whole courses, the day and week grids,
appointment actions, reminders and each practitioner's own schedule and calendar feed."""
