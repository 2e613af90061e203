"""Patient-level dosing checks that apply to every protocol: weight plausibility and freshness.

No source gives these numbers for ketamine clinics, so each is a labelled clinic-policy default
(DESIGN.md: unverified figures become configurable policy). The shell may pass its own
:class:`DosingPolicy`; what decided is returned with its version.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from ketaflow.domain.protocols import Limit
from ketaflow.domain.sources import Source

POLICY_VERSION = "2"  # 2: escalation checks split into session rate vs schedule and per-session step


def _policy_limit(name: str, unit: str, why: str, **bounds: float) -> Limit:
    source = Source.clinic_policy(why, version=POLICY_VERSION)
    return Limit(
        name=name,
        unit=unit,
        soft_min=bounds.get("soft_min"),
        soft_max=bounds.get("soft_max"),
        hard_min=bounds.get("hard_min"),
        hard_max=bounds.get("hard_max"),
        source=source,
        hard_source=source,
    )


@dataclass(frozen=True)
class DosingPolicy:
    version: str = POLICY_VERSION
    # Adult outpatients; a value outside the hard range is far more likely a typo (lb for kg, 7 for 70).
    weight_kg: Limit = field(
        default_factory=lambda: _policy_limit(
            "weight_kg", "kg", "plausible adult outpatient weight (default)",
            soft_min=40.0, soft_max=160.0, hard_min=30.0, hard_max=250.0,
        )
    )
    # Weight-based doses need a recent weight; pumps compute dose from the weight entered (anchors §3.1).
    weight_age_days: Limit = field(
        default_factory=lambda: _policy_limit(
            "weight_age_days", "days", "maximum age of the recorded weight (default)", soft_max=30.0, hard_max=90.0
        )
    )
    # The weight the prescriber dosed on must be the recorded one, give or take rounding.
    dosing_weight_difference_percent: Limit = field(
        default_factory=lambda: _policy_limit(
            "dosing_weight_difference_percent", "%",
            "dosing weight vs latest recorded weight (default)", soft_max=2.0, hard_max=10.0,
        )
    )
    # A jump between consecutive recorded weights suggests a typing or unit error (2.2× = lb for kg).
    weight_change_percent: Limit = field(
        default_factory=lambda: _policy_limit(
            "weight_change_percent", "%", "change between the last two recorded weights (default)",
            soft_max=10.0, hard_max=30.0,
        )
    )


DEFAULT_POLICY = DosingPolicy()



def with_weight_max_age(policy: DosingPolicy, days: int) -> DosingPolicy:
    """The clinic's own maximum weight age (its KETAFLOW_WEIGHT_MAX_AGE_DAYS setting) as the soft limit; the
    hard limit stays at least the default, so a stricter clinic asks for a reason before it refuses."""
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= 365:
        raise ValueError(f"weight max age must be a whole number of days 1-365, got {days!r}")
    if days == policy.weight_age_days.soft_max:
        return policy
    version = f"{policy.version}+weight-age-{days}d"
    source = Source.clinic_policy(f"maximum age of the recorded weight (clinic setting: {days} days)", version)
    hard_max = max(float(days), policy.weight_age_days.hard_max or float(days))
    limit = replace(policy.weight_age_days, soft_max=float(days), hard_max=hard_max, source=source, hard_source=source)
    return replace(policy, version=version, weight_age_days=limit)
