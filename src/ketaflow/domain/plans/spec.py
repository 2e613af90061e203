"""The plan request: a frozen PlanSpec with an explicit dose unit, checked against labelled limits."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction

from ketaflow.domain.errors import DomainValidationError
from ketaflow.domain.outcomes.exact import decimal_text, exact
from ketaflow.domain.plans.goals import Goal
from ketaflow.domain.sources import Source

RULE_VERSION = "plans-2026.12.1"  # .12.1: the escalation cap is checked against the per-session ceiling


class PlanKind(StrEnum):
    INDUCTION = "induction"
    ESCALATING = "escalating"
    BOOSTER = "booster"
    DEPRESSION = "depression"


class DoseUnit(StrEnum):
    RATE_MG_PER_KG_PER_H = "rate_mg_per_kg_per_h"  # runs for the session's duration_min
    DOSE_MG_PER_KG = "dose_mg_per_kg"  # a total given over `over_min`, e.g. 0.5 mg/kg over 40 min


@dataclass(frozen=True)
class Dose:
    value: Fraction
    unit: DoseUnit
    over_min: int | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "value", exact(self.value, "dose.value"))
        object.__setattr__(self, "unit", _unit(self.unit))
        if self.value <= 0:
            raise DomainValidationError("dose.value", f"{self.value} is not positive", "> 0")
        if self.unit is DoseUnit.DOSE_MG_PER_KG:
            if not isinstance(self.over_min, int) or not 1 <= self.over_min <= 720:
                raise DomainValidationError(
                    "dose.over_min", "a dose in mg/kg needs the minutes it runs over", "whole number 1–720"
                )
        elif self.over_min is not None:
            raise DomainValidationError(
                "dose.over_min", "a rate runs for the whole session; give no over_min"
            )

    def with_value(self, value: Fraction) -> Dose:
        return Dose(value, self.unit, self.over_min)

    def as_dict(self) -> dict[str, object]:
        return {"value": str(self.value), "unit": self.unit.value, "over_min": self.over_min}


def _unit(unit: DoseUnit | str) -> DoseUnit:
    try:
        return DoseUnit(unit)
    except ValueError:
        raise DomainValidationError(
            "dose.unit", f"{unit!r} unknown", ", ".join(u.value for u in DoseUnit)
        ) from None


@dataclass(frozen=True)
class KindLimits:
    n_sessions: tuple[int, int]
    duration_min: tuple[int, int]


@dataclass(frozen=True)
class PlanLimits:
    """What plan generation accepts per kind. Clinic policy: the typical programmes in DESIGN.md and
    clinical.md §2.1 (induction 6 over 2–3 weeks at 1–4 h; escalating 10 consecutive; depression 40 min).
    Dose limits are not here: dosing checks each generated dose against the protocol's soft/hard limits."""

    by_kind: Mapping[PlanKind, KindLimits] = field(
        default_factory=lambda: {
            PlanKind.INDUCTION: KindLimits((1, 12), (60, 240)),
            PlanKind.ESCALATING: KindLimits((2, 15), (40, 360)),
            PlanKind.BOOSTER: KindLimits((1, 4), (40, 240)),
            PlanKind.DEPRESSION: KindLimits((1, 12), (40, 120)),
        }
    )
    series_window_days: tuple[int, int] = (1, 90)
    version: str = RULE_VERSION
    source: Source = field(
        default_factory=lambda: Source.clinic_policy(
            "plan limits per kind: sessions and session minutes (induction 1-12 x 60-240 min, escalating 2-15 x "
            "40-360, booster 1-4 x 40-240, depression 1-12 x 40-120); window 1-90 days",
            RULE_VERSION,
        )
    )


@dataclass(frozen=True)
class PlanSpec:
    kind: PlanKind
    n_sessions: int
    start_dose: Dose
    duration_min: int  # one session's infusion time
    series_window_days: int
    escalation_step: Fraction | Decimal | int | None = None  # same unit as start_dose
    escalation_cap: Fraction | Decimal | int | None = None  # same unit as start_dose; never exceeded
    goals: tuple[Goal, ...] | None = None  # None: the defaults for the kind

    def __post_init__(self) -> None:
        try:
            object.__setattr__(self, "kind", PlanKind(self.kind))
        except ValueError:
            raise DomainValidationError(
                "kind", f"{self.kind!r} unknown", ", ".join(k.value for k in PlanKind)
            ) from None
        for name in ("escalation_step", "escalation_cap"):
            value = getattr(self, name)
            if value is not None:
                object.__setattr__(self, name, exact(value, name))


def _article(word: str) -> str:
    return "an" if word[:1] in "aeiou" else "a"


def check_spec(spec: PlanSpec, limits: PlanLimits) -> None:
    kind_limits = limits.by_kind[spec.kind]
    for name, value, (low, high) in (
        ("n_sessions", spec.n_sessions, kind_limits.n_sessions),
        ("duration_min", spec.duration_min, kind_limits.duration_min),
        ("series_window_days", spec.series_window_days, limits.series_window_days),
    ):
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise DomainValidationError(
                name, f"{value!r} is out of range for {_article(spec.kind.value)} {spec.kind.value} plan",
                f"whole number {low}–{high}",
            )
    if spec.series_window_days < spec.n_sessions:
        raise DomainValidationError(
            "series_window_days",
            f"{spec.n_sessions} sessions cannot fit in {spec.series_window_days} days at one a day",
            f">= {spec.n_sessions}",
        )
    dose = spec.start_dose
    if dose.unit is DoseUnit.DOSE_MG_PER_KG and dose.over_min > spec.duration_min:  # type: ignore[operator]
        raise DomainValidationError(
            "start_dose.over_min", "runs longer than the session", f"<= duration_min ({spec.duration_min})"
        )
    escalating = spec.kind is PlanKind.ESCALATING
    if escalating and (spec.escalation_step is None or spec.escalation_cap is None):
        raise DomainValidationError("escalation_step", "an escalating series needs a step and a cap")
    if not escalating and (spec.escalation_step is not None or spec.escalation_cap is not None):
        raise DomainValidationError(
            "escalation_step",
            f"{_article(spec.kind.value)} {spec.kind.value} plan does not escalate; leave step and cap empty",
        )
    if escalating:
        if spec.escalation_step <= 0:  # type: ignore[operator]
            raise DomainValidationError(
                "escalation_step", f"{decimal_text(spec.escalation_step)} is not positive", "> 0"
            )
        if spec.escalation_cap < dose.value:  # type: ignore[operator]
            raise DomainValidationError(
                "escalation_cap",
                f"cap {decimal_text(spec.escalation_cap)} is below the start dose {decimal_text(dose.value)} "
                f"{dose.unit.value}",
                f">= {decimal_text(dose.value)}",
            )
