"""`make bench`: the app served as in production, driven over HTTP by locust (see docs/benchmarks.md)."""
