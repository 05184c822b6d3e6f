"""The session page's forms, one module per part: the record, points, rows, symptom scores, the page, amend, sign."""
