"""Goal attainment: is each goal the plan states met by this patient's course, as the plan states it.

The response classes (response.py) stay on IMMPACT's fixed thresholds; this rule only reads the goals the
prescriber chose (goal_catalogue.py) against the evaluated facts and says per goal: met, not met, or not
evaluable with the reason. Exact arithmetic on Fractions; "≥" is inclusive as IMMPACT's benchmarks are
(clinical.md §4.6); "<" is strict ("PHQ-9 below 10"); a PGIC goal is met when the latest answer is in the
band the goal names ("much improved or better"). A description of one patient's course, not a claim that
the treatment works.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction
from typing import Any

from ketaflow.domain.errors import DomainValidationError
from ketaflow.domain.outcomes.course import CourseFacts, CourseOutcome
from ketaflow.domain.outcomes.exact import (
    Number,
    exact_in_range,
    fraction_text,
    percent_reduction,
    tenths_toward_zero,
)
from ketaflow.domain.outcomes.response import Pgic
from ketaflow.domain.plans.goals import Goal
from ketaflow.domain.sources import Source

RULE_VERSION = "goal-attainment-2026.12.1"
SOURCE_TEXT = (
    "goal attainment as the plan states it; the thresholds are the prescriber's. Percent reductions are "
    "(baseline − latest) / baseline × 100 on exact fractions, '>=' inclusive as IMMPACT (clinical.md 4.6), "
    "'<' strict; pain compares the latest full 7-day diary window with the baseline mean, FIQR and PHQ-9 the "
    "latest score after the series with the intake score, PGIC the latest answer after the series; a goal "
    "without its data, or with a baseline of 0, is not evaluable"
)

SOURCE = Source.clinic_policy(SOURCE_TEXT, RULE_VERSION)

# metric → (its comparator, the facts it needs)
METRIC_COMPARATOR = {
    "pain_nrs_percent_reduction": ">=",
    "fiqr_percent_reduction": ">=",
    "phq9_percent_reduction": ">=",
    "phq9_total": "<",
    "pgic": "in",
}
_PGIC_ORDER = [p.value for p in Pgic]  # best first


class GoalStatus(StrEnum):
    MET = "met"
    NOT_MET = "not met"
    NOT_EVALUABLE = "not evaluable"


@dataclass(frozen=True)
class GoalFacts:
    """What the goals are compared with. ``*_missing`` says why a latest value is absent (shown as the reason).
    ``not_judged``: when set (e.g. the series is not over), every goal is not evaluable for that reason."""

    baseline_pain_nrs: Number | None = None
    latest_pain_nrs: Number | None = None  # mean of the latest full 7-day diary window after the series
    intake_fiqr_total: Number | None = None
    latest_fiqr_total: Number | None = None
    intake_phq9_total: int | None = None
    latest_phq9_total: int | None = None
    latest_pgic: str | None = None
    baseline_pain_missing: str = "no evaluable baseline pain"
    latest_pain_missing: str = "no full 7-day diary window since the series"
    not_judged: str = ""


@dataclass(frozen=True)
class GoalResult:
    metric: str
    comparator: str
    threshold: Fraction | tuple[str, ...]
    description: str
    status: GoalStatus
    reason: str
    baseline: Fraction | None = None  # the value the reduction is measured from (None for PHQ-9 total, PGIC)
    latest: Fraction | str | None = None  # the latest value (a PGIC answer for the PGIC goal)
    compared: Fraction | str | None = None  # what was compared with the threshold (percent, total or answer)
    goal_source: Mapping[str, str] | None = None

    @property
    def met(self) -> bool | None:
        """None when not evaluable, so missing data never reads as a goal not met."""
        return None if self.status is GoalStatus.NOT_EVALUABLE else self.status is GoalStatus.MET

    @property
    def threshold_text(self) -> str:
        if isinstance(self.threshold, tuple):
            return pgic_band_text(self.threshold)
        return fraction_text(self.threshold) or ""


@dataclass(frozen=True)
class GoalAttainment:
    goals: tuple[GoalResult, ...]
    inputs: dict[str, Any]
    rule_version: str = RULE_VERSION
    source: Source = SOURCE

    @property
    def summary(self) -> str:
        if not self.goals:
            return "the plan states no goals"
        counts = {s: sum(1 for g in self.goals if g.status is s) for s in GoalStatus}
        parts = [f"{counts[GoalStatus.MET]} of {len(self.goals)} plan goals met"]
        if counts[GoalStatus.NOT_MET]:
            parts.append(f"{counts[GoalStatus.NOT_MET]} not met")
        if counts[GoalStatus.NOT_EVALUABLE]:
            parts.append(f"{counts[GoalStatus.NOT_EVALUABLE]} not evaluable")
        return ", ".join(parts)


def pgic_band_text(band: Sequence[str]) -> str:
    """'much improved or better' when the band runs up to 'very much improved'; else the answers listed."""
    ranked = sorted(band, key=lambda a: _PGIC_ORDER.index(a) if a in _PGIC_ORDER else len(_PGIC_ORDER))
    worst = ranked[-1] if ranked else ""
    contiguous = [a for a in _PGIC_ORDER[: _PGIC_ORDER.index(worst) + 1]] if worst in _PGIC_ORDER else []
    if len(ranked) > 1 and sorted(contiguous) == sorted(ranked):
        return f"{worst} or better"
    return " or ".join(ranked)


def _as_goal(goal: Goal | Mapping[str, Any]) -> tuple[str, str, Any, str, Mapping[str, str] | None]:
    if isinstance(goal, Goal):
        d = goal.as_dict()
    elif isinstance(goal, Mapping):
        d = goal
    else:
        raise DomainValidationError(
            "goals", f"{goal!r} is not a goal", "a goal with metric, comparator, threshold"
        )
    return (
        d.get("metric", ""),
        d.get("comparator", ""),
        d.get("threshold"),
        d.get("description", ""),
        d.get("source"),
    )


def _opt(value: Number | None, field: str, low: int, high: int) -> Fraction | None:
    return None if value is None else exact_in_range(value, field, low, high)


def _phq9(value: int | None, field: str) -> Fraction | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 27:
        raise DomainValidationError(field, f"{value!r} is not a PHQ-9 total", "whole number 0–27")
    return Fraction(value)


def goal_attainment(goals: Sequence[Goal | Mapping[str, Any]], facts: GoalFacts) -> GoalAttainment:
    """Per goal of the plan: met / not met / not evaluable (with the reason) and the values compared."""
    pain_base = _opt(facts.baseline_pain_nrs, "baseline_pain_nrs", 0, 10)
    pain_latest = _opt(facts.latest_pain_nrs, "latest_pain_nrs", 0, 10)
    fiqr_base = _opt(facts.intake_fiqr_total, "intake_fiqr_total", 0, 100)
    fiqr_latest = _opt(facts.latest_fiqr_total, "latest_fiqr_total", 0, 100)
    phq9_base = _phq9(facts.intake_phq9_total, "intake_phq9_total")
    phq9_latest = _phq9(facts.latest_phq9_total, "latest_phq9_total")
    pgic = None if facts.latest_pgic is None else facts.latest_pgic.strip().lower()
    inputs: dict[str, Any] = {
        "baseline_pain_nrs": fraction_text(pain_base),
        "latest_pain_nrs": fraction_text(pain_latest),
        "intake_fiqr_total": fraction_text(fiqr_base),
        "latest_fiqr_total": fraction_text(fiqr_latest),
        "intake_phq9_total": facts.intake_phq9_total,
        "latest_phq9_total": facts.latest_phq9_total,
        "latest_pgic": pgic,
        "not_judged": facts.not_judged or None,
        "goals": [],
    }
    reductions = {
        "pain_nrs_percent_reduction": (pain_base, pain_latest, "pain",
                                       f"baseline: {facts.baseline_pain_missing}", facts.latest_pain_missing),
        "fiqr_percent_reduction": (fiqr_base, fiqr_latest, "FIQR", "no intake FIQR", "no FIQR since the series"),
        "phq9_percent_reduction": (phq9_base, phq9_latest, "PHQ-9", "no intake PHQ-9", "no PHQ-9 since the series"),
    }  # fmt: skip
    results = []
    for goal in goals:
        metric, comparator, raw, description, goal_source = _as_goal(goal)
        inputs["goals"].append({"metric": metric, "comparator": comparator,
                                "threshold": list(raw) if isinstance(raw, list | tuple) else raw})  # fmt: skip

        def result(status, reason, threshold, baseline=None, latest=None, compared=None, *, _m=metric,
                   _c=comparator, _d=description, _s=goal_source) -> GoalResult:  # fmt: skip
            return GoalResult(_m, _c, threshold, _d, status, reason, baseline, latest, compared, _s)

        if METRIC_COMPARATOR.get(metric) is None or METRIC_COMPARATOR[metric] != comparator:
            results.append(result(GoalStatus.NOT_EVALUABLE, f"{metric} {comparator} is not a goal this rule knows",
                                  tuple(raw) if isinstance(raw, list | tuple) else Fraction(0)))  # fmt: skip
            continue
        if comparator == "in":
            if not isinstance(raw, list | tuple) or not all(isinstance(a, str) for a in raw):
                raise DomainValidationError(f"goals.{metric}.threshold", f"{raw!r} is not a PGIC band",
                                            "a list of PGIC answers")  # fmt: skip
            threshold: Fraction | tuple[str, ...] = tuple(raw)
        else:
            if isinstance(raw, bool) or not isinstance(raw, int | str | Fraction | Decimal | float):
                raise DomainValidationError(f"goals.{metric}.threshold", f"{raw!r} is not a number")
            threshold = exact_in_range(raw, f"goals.{metric}.threshold", 0, 100)
        if facts.not_judged:
            results.append(result(GoalStatus.NOT_EVALUABLE, facts.not_judged, threshold))
            continue
        if metric in reductions:
            base, latest, name, no_base, no_latest = reductions[metric]
            if base is None:
                results.append(result(GoalStatus.NOT_EVALUABLE, no_base, threshold, None, latest))
            elif latest is None:
                results.append(result(GoalStatus.NOT_EVALUABLE, no_latest, threshold, base, None))
            elif base == 0:
                # A relative change from 0 is undefined (as for the IMMPACT classes).
                results.append(
                    result(GoalStatus.NOT_EVALUABLE, f"baseline {name} is 0", threshold, base, latest)
                )
            else:
                reduction = percent_reduction(base, latest)
                status = GoalStatus.MET if reduction >= threshold else GoalStatus.NOT_MET  # type: ignore[operator]
                change = f"{_num(reduction)} % below" if reduction >= 0 else f"{_num(-reduction)} % above"
                reason = (f"{name} {_num(latest)} vs baseline {_num(base)}: {change} baseline "
                          f"(goal: at least {_num(threshold)} % below)")  # fmt: skip
                results.append(result(status, reason, threshold, base, latest, reduction))
        elif metric == "phq9_total":
            if phq9_latest is None:
                results.append(result(GoalStatus.NOT_EVALUABLE, "no PHQ-9 since the series", threshold))
            else:
                met = phq9_latest < threshold  # type: ignore[operator]
                reason = f"latest PHQ-9 {_num(phq9_latest)} ({'<' if met else '≥'} {_num(threshold)})"
                results.append(result(GoalStatus.MET if met else GoalStatus.NOT_MET, reason, threshold,
                                      phq9_base, phq9_latest, phq9_latest))  # fmt: skip
        else:  # pgic
            band = pgic_band_text(threshold)  # type: ignore[arg-type]
            if pgic is None:
                results.append(result(GoalStatus.NOT_EVALUABLE, "no PGIC since the series", threshold))
            elif pgic not in _PGIC_ORDER:
                results.append(result(GoalStatus.NOT_EVALUABLE, f"PGIC answer {pgic!r} is not a PGIC label",
                                      threshold, None, pgic))  # fmt: skip
            else:
                met = pgic in threshold  # type: ignore[operator]
                reason = f"latest PGIC '{pgic}' ({'within' if met else 'not within'} '{band}')"
                results.append(result(GoalStatus.MET if met else GoalStatus.NOT_MET, reason, threshold,
                                      None, pgic, pgic))  # fmt: skip
    return GoalAttainment(tuple(results), inputs)


def _num(value: Fraction) -> str:
    """Reason text: one decimal place cut toward zero, so 13.96 % never reads as a 14 % goal met (the exact
    value is stored alongside)."""
    return str(value.numerator) if value.denominator == 1 else tenths_toward_zero(value)


def goal_facts_from(facts: CourseFacts, outcome: CourseOutcome) -> GoalFacts:
    """The evaluated facts of one course, as goal attainment reads them (the same values the response saw)."""
    if outcome.onset is None:
        return GoalFacts(not_judged=f"course {outcome.stage}: goals are judged once the series is over")
    baseline = outcome.baseline
    last = max(facts.infusion_days)
    current = outcome.current
    latest_pain, latest_missing = None, "no full 7-day diary window since the series yet"
    if current is not None:
        text = current.inputs.get("current_pain_nrs")
        latest_pain = None if text is None else Fraction(text)
        latest_missing = current.reason
    phq9_after = sorted((d, t) for d, t in facts.phq9_after if d > last)
    return GoalFacts(
        baseline_pain_nrs=None if baseline is None else baseline.mean_pain_nrs,
        latest_pain_nrs=latest_pain,
        intake_fiqr_total=None if baseline is None else baseline.fiqr_total,
        latest_fiqr_total=facts.fiqr_after[1] if facts.fiqr_after and facts.fiqr_after[0] > last else None,
        intake_phq9_total=None if baseline is None else baseline.phq9_total,
        latest_phq9_total=phq9_after[-1][1] if phq9_after else None,
        latest_pgic=facts.pgic_after[1] if facts.pgic_after and facts.pgic_after[0] > last else None,
        baseline_pain_missing="none" if baseline is None else baseline.pain.reason,
        latest_pain_missing=latest_missing,
    )
