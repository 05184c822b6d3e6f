"""Progress: each plan's and patient's pain course against the relief rule, the 6-month follow-up,
and the clinic's outcomes by approach, with their charts."""
