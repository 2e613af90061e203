"""PHQ-9 (Kroenke 2001): nine items 0-3, total 0-27, five severity bands.

Item 9 > 0 raises a critical ``suicide_risk`` flag whatever the total (clinical.md §4.7): the rule
looks at the item, never at the band. The tenth question (difficulty) is optional and unscored.
PHQ-9 has no missing-data rule in our reference, so a missing scored item is a validation error.
"""

from __future__ import annotations

from ketaflow.domain.instruments.base import SummedInstrument, load_definition

DEFINITION = load_definition(__package__, "phq9.json")
SUICIDE_RISK = "suicide_risk"

PHQ9 = SummedInstrument(DEFINITION)
