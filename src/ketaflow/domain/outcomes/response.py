"""Response: IMMPACT pain and PGIC benchmarks, FIQR change, PHQ-9 response and remission.

IMMPACT (Dworkin 2008, clinical.md §4.6): ≥30 % pain reduction = moderately important, ≥50 % =
substantial, inclusive; computed as (baseline − current) × 100 ≥ 30 × baseline on Fractions.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction
from typing import Any

from ketaflow.domain.errors import DomainValidationError
from ketaflow.domain.outcomes.exact import (
    Number,
    exact_in_range,
    fraction_text,
    percent_reduction,
    tenths_toward_zero,
)
from ketaflow.domain.sources import Source

RULE_VERSION = "response-2026.11.1"

IMMPACT = Source(
    citation="Dworkin RH et al. Interpreting the clinical importance of treatment outcomes in chronic pain "
    "clinical trials: IMMPACT recommendations. J Pain 2008;9(2):105-121",
    version="2008",
)
FIQ_MCID = Source.clinic_policy(
    "FIQR clinically important change >= 14 % (FIQ MCID of Bennett 2009, J Rheumatol 36:1304, borrowed; "
    "no FIQR-specific MCID verified)",
    RULE_VERSION,
)
PHQ9_RESPONSE = Source(
    citation="PHQ-9 response >= 50 % drop (Keith et al. outpatient ketamine cohort; ORKA-1, J Affect Disord "
    "2022); remission PHQ-9 < 5 (ORKA-1); PHQ-9 < 10 as the clinic goal (Keith et al.)",
    version="2022",
)


class PainResponseClass(StrEnum):
    NOT_EVALUABLE = "not evaluable"
    BELOW_MODERATE = "below moderately important"  # < 30 %, includes no change and worsening
    MODERATE = "moderately important"  # >= 30 %
    SUBSTANTIAL = "substantial"  # >= 50 %


@dataclass(frozen=True)
class PainResponse:
    classification: PainResponseClass
    percent_reduction: Fraction | None
    reason: str
    inputs: dict[str, Any]
    rule_version: str = RULE_VERSION
    source: Source = IMMPACT

    @property
    def responder(self) -> bool | None:
        """None when not evaluable, so a missing baseline never reads as non-response."""
        if self.classification is PainResponseClass.NOT_EVALUABLE:
            return None
        return self.classification in (PainResponseClass.MODERATE, PainResponseClass.SUBSTANTIAL)


def pain_response(
    baseline_pain_nrs: Number | None,
    current_pain_nrs: Number | None,
    *,
    moderate_percent: int = 30,
    substantial_percent: int = 50,
) -> PainResponse:
    """Classify a pain change (means allowed, so values are Fractions in 0–10, not only integers)."""
    if not 0 < moderate_percent < substantial_percent <= 100:
        raise DomainValidationError(
            "moderate_percent", "thresholds must satisfy 0 < moderate < substantial <= 100"
        )
    inputs: dict[str, Any] = {
        "moderate_percent": moderate_percent,
        "substantial_percent": substantial_percent,
    }
    if baseline_pain_nrs is None or current_pain_nrs is None:
        inputs.update(
            baseline_pain_nrs=None if baseline_pain_nrs is None else str(baseline_pain_nrs),
            current_pain_nrs=None if current_pain_nrs is None else str(current_pain_nrs),
        )
        missing = "baseline" if baseline_pain_nrs is None else "current"
        return PainResponse(PainResponseClass.NOT_EVALUABLE, None, f"no evaluable {missing} pain", inputs)
    baseline = exact_in_range(baseline_pain_nrs, "baseline_pain_nrs", 0, 10)
    current = exact_in_range(current_pain_nrs, "current_pain_nrs", 0, 10)
    inputs.update(baseline_pain_nrs=fraction_text(baseline), current_pain_nrs=fraction_text(current))
    if baseline == 0:
        # A relative change from zero is undefined; IMMPACT percent benchmarks cannot apply.
        return PainResponse(PainResponseClass.NOT_EVALUABLE, None, "baseline pain is 0", inputs)
    reduction = percent_reduction(baseline, current)
    if reduction >= substantial_percent:
        cls = PainResponseClass.SUBSTANTIAL
    elif reduction >= moderate_percent:
        cls = PainResponseClass.MODERATE
    else:
        cls = PainResponseClass.BELOW_MODERATE
    return PainResponse(cls, reduction, f"pain reduced by {tenths_toward_zero(reduction)} % from baseline", inputs)


class Pgic(StrEnum):
    """Labels, not numbers: some forms number 1 = very much improved, others reverse it (clinical.md §4.5)."""

    VERY_MUCH_IMPROVED = "very much improved"
    MUCH_IMPROVED = "much improved"
    MINIMALLY_IMPROVED = "minimally improved"
    NO_CHANGE = "no change"
    MINIMALLY_WORSE = "minimally worse"
    MUCH_WORSE = "much worse"
    VERY_MUCH_WORSE = "very much worse"


class PgicResponseClass(StrEnum):
    SUBSTANTIAL = "substantial"
    MODERATE = "moderately important"
    MINIMAL = "minimally important"
    NONE = "no improvement"


@dataclass(frozen=True)
class PgicResponse:
    classification: PgicResponseClass
    responder: bool
    inputs: dict[str, Any]
    rule_version: str = RULE_VERSION
    source: Source = IMMPACT


_PGIC_CLASS = {
    Pgic.VERY_MUCH_IMPROVED: PgicResponseClass.SUBSTANTIAL,
    Pgic.MUCH_IMPROVED: PgicResponseClass.MODERATE,
    Pgic.MINIMALLY_IMPROVED: PgicResponseClass.MINIMAL,
}


def pgic_response(answer: Pgic | str) -> PgicResponse:
    try:
        label = Pgic(answer)
    except ValueError:
        raise DomainValidationError(
            "pgic", f"{answer!r} is not a PGIC label", ", ".join(p.value for p in Pgic)
        ) from None
    cls = _PGIC_CLASS.get(label, PgicResponseClass.NONE)
    responder = cls in (PgicResponseClass.SUBSTANTIAL, PgicResponseClass.MODERATE)
    return PgicResponse(cls, responder, {"pgic": label.value})


@dataclass(frozen=True)
class FiqrChange:
    evaluable: bool
    percent_improvement: Fraction | None
    points_change: Fraction | None  # current − baseline; negative is better
    clinically_important: bool | None
    reason: str
    inputs: dict[str, Any]
    rule_version: str = RULE_VERSION
    source: Source = FIQ_MCID


def fiqr_change(baseline_total: Number, current_total: Number, *, mcid_percent: Number = 14) -> FiqrChange:
    baseline = exact_in_range(baseline_total, "baseline_fiqr_total", 0, 100)
    current = exact_in_range(current_total, "current_fiqr_total", 0, 100)
    mcid = exact_in_range(mcid_percent, "mcid_percent", 1, 100)
    inputs = {
        "baseline_fiqr_total": str(baseline),
        "current_fiqr_total": str(current),
        "mcid_percent": str(mcid),
    }
    points = current - baseline
    if baseline == 0:
        return FiqrChange(False, None, points, None, "baseline FIQR is 0", inputs)
    improvement = percent_reduction(baseline, current)
    important = improvement >= mcid
    return FiqrChange(
        True, improvement, points, important, f"FIQR improved by {tenths_toward_zero(improvement)} %", inputs
    )


@dataclass(frozen=True)
class Phq9Response:
    evaluable: bool
    percent_reduction: Fraction | None
    response: bool | None  # >= 50 % drop
    below_10: bool  # the plan goal "PHQ-9 < 10"
    remission: bool  # < 5
    reason: str
    inputs: dict[str, Any]
    rule_version: str = RULE_VERSION
    source: Source = PHQ9_RESPONSE

    @property
    def responder(self) -> bool | None:
        return self.response


def phq9_response(
    baseline_total: int, current_total: int, *, response_percent: int = 50, remission_below: int = 5
) -> Phq9Response:
    for name, value in (("baseline_phq9_total", baseline_total), ("current_phq9_total", current_total)):
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 27:
            raise DomainValidationError(name, f"{value!r} is not a PHQ-9 total", "whole number 0–27")
    inputs = {
        "baseline_phq9_total": baseline_total,
        "current_phq9_total": current_total,
        "response_percent": response_percent,
        "remission_below": remission_below,
    }
    below_10 = current_total < 10
    remission = current_total < remission_below
    if baseline_total == 0:
        return Phq9Response(False, None, None, below_10, remission, "baseline PHQ-9 is 0", inputs)
    reduction = percent_reduction(Fraction(baseline_total), Fraction(current_total))
    return Phq9Response(
        True,
        reduction,
        reduction >= response_percent,
        below_10,
        remission,
        f"PHQ-9 reduced by {tenths_toward_zero(reduction)} %",
        inputs,
    )
