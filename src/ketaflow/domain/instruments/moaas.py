"""MOAA/S (Chernik 1990): one observed level 5 (alert) to 0 (no response to trapezius squeeze).

Older tables merge levels 1 and 0 differently, so the source version names the 0-5 table used.
"MOAA/S 3 or lower = moderate sedation" is common in esketamine trials but unverified as a formal
threshold: the flag is a labelled clinic-policy default.
"""

from __future__ import annotations

from ketaflow.domain.instruments.base import SingleChoiceScale, load_definition

DEFINITION = load_definition(__package__, "moaas.json")

MOAAS = SingleChoiceScale(DEFINITION)
