"""Treatment views, one module per part: plans, course booking, appointments, the diary, calendars."""
