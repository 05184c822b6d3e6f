"""Patient views, one module per part of the record (registry, chart, intake, symptoms)."""
