"""Treatment forms, one module per part (plans, booking, appointments, schedule)."""
