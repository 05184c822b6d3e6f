"""Treatment sessions: the point catalogue, the session record form, saving, signing and amending."""
