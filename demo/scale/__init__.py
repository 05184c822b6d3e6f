"""`seed_scale`: a ten-clinic chain's ten years of records, written with COPY for benchmarks (DEBUG only)."""
