# The audit tables are deliberately not in the admin: they are read on the audit pages (audit/views.py)
# and are append-only in the database, so the admin could offer no change or delete that would work.
