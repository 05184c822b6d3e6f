"""Treatment plans, and the patient chart that gathers the diary, sessions and progress."""
