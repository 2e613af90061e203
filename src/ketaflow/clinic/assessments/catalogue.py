"""Which instruments the clinic offers where. A clinic choice (data), not a clinical rule."""

from ketaflow.domain.instruments import INSTRUMENTS

# Intake forms a patient fills at home before the first visit (issue 3), in the order shown.
PORTAL_INTAKE = ("pain_nrs_current", "pain_nrs_average_7d", "fiqr", "acr_fm_2016", "phq9", "gad7")
# Staff may administer any instrument from the chart.
STAFF_INSTRUMENTS = tuple(INSTRUMENTS)
# Questionnaires the diary schedule asks a patient for between visits (issue 7).
PORTAL_DIARY = ("fiqr", "phq9", "gad7", "pgic")
