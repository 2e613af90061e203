"""Which instruments the clinic offers where. A clinic choice (data), not a clinical rule."""

from ketaflow.domain.instruments import INSTRUMENTS

# Intake forms a patient fills at home before the first visit (issue 3), in the order shown.
PORTAL_INTAKE = ("pain_nrs_current", "pain_nrs_average_7d", "fiqr", "acr_fm_2016", "phq9", "gad7")
# Staff may administer any instrument from the chart.
STAFF_INSTRUMENTS = tuple(INSTRUMENTS)
# Questionnaires the diary schedule asks a patient for between visits (issue 7).
PORTAL_DIARY = ("fiqr", "phq9", "gad7", "pgic")

# What a patient is shown at once when PHQ-9 item 9 is above 0 (page, email-link page and API alike).
# US numbers: a clinic elsewhere changes them here.
CRISIS_HELP = (
    "You are not alone, and help is available right now.",
    "If you are in immediate danger, call 911 (or your local emergency number).",
    "Call or text 988, the Suicide & Crisis Lifeline (US), any time, day or night.",
    "Your clinic has been notified and a clinician will contact you.",
)
