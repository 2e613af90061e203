"""Richmond Agitation-Sedation Scale (Sessler 2002): one observed level from +4 to -5.

The band is the level's label. Sedation and agitation flags are labelled clinic-policy defaults
(no published ketamine-infusion thresholds were verified, clinical.md §2.4).
"""

from __future__ import annotations

from ketaflow.domain.instruments.base import SingleChoiceScale, load_definition

DEFINITION = load_definition(__package__, "rass.json")

RASS = SingleChoiceScale(DEFINITION)
