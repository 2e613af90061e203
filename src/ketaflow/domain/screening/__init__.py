"""Eligibility screening for ketamine infusion: versioned rules as data, every reason sourced.

Call ``screen(ScreeningInput(...), screened_on=date)`` -> :class:`ScreeningDecision`; check a
prescriber override with ``override_allowed(decision, [Override(...), ...])``.
"""

from ketaflow.domain.screening.model import (
    DEFAULT_POLICY,
    OUTCOME_LABELS,
    OUTCOMES,
    SEVERITY_LABELS,
    Reason,
    ScreeningDecision,
    ScreeningInput,
    ScreeningPolicy,
    TherapyTrial,
)
from ketaflow.domain.screening.overrides import Override, OverrideCheck, override_allowed, signatures_required
from ketaflow.domain.screening.rules import (
    INTERACTIONS,
    RULE_SET_VERSION,
    RULES,
    evidence_for,
    policy_from_dict,
    screen,
)

__all__ = [
    "DEFAULT_POLICY", "INTERACTIONS", "OUTCOME_LABELS", "OUTCOMES", "RULES", "RULE_SET_VERSION", "Override", "OverrideCheck", "Reason",
    "SEVERITY_LABELS", "ScreeningDecision", "ScreeningInput", "ScreeningPolicy", "TherapyTrial", "evidence_for", "override_allowed",
    "policy_from_dict", "screen", "signatures_required",
]
