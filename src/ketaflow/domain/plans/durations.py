"""Session duration by severity for induction: a clinic-policy table, labelled, with a default.

DESIGN.md: "each 1–4 hours depending on severity" — a marketing description with no trial behind it
(clinical.md §7 item 8), so the table is policy a medical director edits, not a fact.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ketaflow.domain.errors import DomainValidationError
from ketaflow.domain.sources import Source

RULE_VERSION = "induction-duration-2026.11.1"


@dataclass(frozen=True)
class InductionDurationPolicy:
    # Keys are FIQR severity bands (Salaffi 2020); remission is absent on purpose: no induction to plan.
    minutes_by_severity: Mapping[str, int] = field(
        default_factory=lambda: {
            "mild": 60,
            "moderate": 120,
            "severe": 180,
            "very severe": 240,
        }
    )
    version: str = RULE_VERSION
    source: Source = field(
        default_factory=lambda: Source.clinic_policy(
            "induction session length by FIQR severity: mild 1 h, moderate 2 h, severe 3 h, very severe 4 h",
            RULE_VERSION,
        )
    )


@dataclass(frozen=True)
class InductionDuration:
    duration_min: int
    severity: str
    inputs: dict[str, Any]
    rule_version: str
    source: Source


def induction_duration(severity: str, policy: InductionDurationPolicy | None = None) -> InductionDuration:
    policy = policy or InductionDurationPolicy()
    try:
        minutes = policy.minutes_by_severity[severity]
    except KeyError:
        raise DomainValidationError(
            "severity", f"{severity!r} has no induction duration", ", ".join(policy.minutes_by_severity)
        ) from None
    inputs = {"severity": severity, "minutes_by_severity": dict(policy.minutes_by_severity)}
    return InductionDuration(minutes, severity, inputs, policy.version, policy.source)
