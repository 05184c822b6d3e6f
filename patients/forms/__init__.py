"""Patient forms, one module per part of the record (registry, intake, symptoms)."""
