"""Plan goals as data: metric, comparator, threshold, source (ASA guidance: every plan has an end point)."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from ketaflow.domain.errors import DomainValidationError
from ketaflow.domain.sources import Source

RULE_VERSION = "plan-goals-2026.11.1"

IMMPACT = Source(
    citation="Dworkin RH et al. IMMPACT recommendations. J Pain 2008;9(2):105-121",
    version="2008",
)
FIQR_MCID_POLICY = Source.clinic_policy(
    "FIQR improvement >= 14 % (FIQ MCID, Bennett 2009 J Rheumatol 36:1304, borrowed for FIQR)", RULE_VERSION
)
PHQ9_KEITH = Source(
    citation="Keith et al., outpatient ketamine cohort: response = >= 50 % PHQ-9 drop or final "
    "PHQ-9 < 10 (via clinical.md 4.7)",
    version="unverified-year",
)

METRICS = {
    "pain_nrs_percent_reduction",
    "fiqr_percent_reduction",
    "phq9_percent_reduction",
    "phq9_total",
    "pgic",
}
COMPARATORS = {">=", "<", "in"}


@dataclass(frozen=True)
class Goal:
    metric: str
    comparator: str
    threshold: Fraction | tuple[str, ...]
    source: Source
    description: str

    def __post_init__(self) -> None:
        if self.metric not in METRICS:
            raise DomainValidationError("goal.metric", f"{self.metric!r} unknown", ", ".join(sorted(METRICS)))
        if self.comparator not in COMPARATORS:
            raise DomainValidationError(
                "goal.comparator", f"{self.comparator!r} unknown", ", ".join(sorted(COMPARATORS))
            )
        if (self.comparator == "in") != isinstance(self.threshold, tuple):
            raise DomainValidationError(
                "goal.threshold", "'in' takes a tuple of labels; '>=' and '<' take a number"
            )

    def met_by(self, value: Fraction | int | str) -> bool:
        if self.comparator == "in":
            return value in self.threshold  # type: ignore[operator]
        number = Fraction(value)  # type: ignore[arg-type]
        return number >= self.threshold if self.comparator == ">=" else number < self.threshold  # type: ignore[operator]

    def as_dict(self) -> dict[str, Any]:
        threshold = list(self.threshold) if isinstance(self.threshold, tuple) else str(self.threshold)
        return {
            "metric": self.metric,
            "comparator": self.comparator,
            "threshold": threshold,
            "source": self.source.as_dict(),
            "description": self.description,
        }


PAIN_30 = Goal(
    "pain_nrs_percent_reduction",
    ">=",
    Fraction(30),
    IMMPACT,
    "average pain NRS at least 30 % below baseline (moderately important)",
)
FIQR_14 = Goal(
    "fiqr_percent_reduction", ">=", Fraction(14), FIQR_MCID_POLICY, "FIQR total at least 14 % below baseline"
)
PGIC_MUCH = Goal(
    "pgic",
    "in",
    ("much improved", "very much improved"),
    IMMPACT,
    "patient rates themselves much or very much improved",
)
PHQ9_HALVED = Goal(
    "phq9_percent_reduction", ">=", Fraction(50), PHQ9_KEITH, "PHQ-9 at least 50 % below baseline"
)
PHQ9_BELOW_10 = Goal("phq9_total", "<", Fraction(10), PHQ9_KEITH, "PHQ-9 total below 10")


def default_goals(kind: str) -> tuple[Goal, ...]:
    if kind == "depression":
        return (PHQ9_HALVED, PHQ9_BELOW_10)
    return (PAIN_30, FIQR_14, PGIC_MUCH)
