"""Development-only demo data. Installed only when DEBUG is on; production code never imports it."""
