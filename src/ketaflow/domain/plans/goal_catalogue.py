"""The plan goal catalogue: which goals a prescriber may set on a plan. Data, versioned.

Each metric has one comparator, an allowed threshold range with its unit, the plan kinds it fits, a default
(the goal a plan of that kind gets when none is chosen, exactly as before the catalogue) and anchors: the
published or policy thresholds with their sources (IMMPACT ≥ 30 % / ≥ 50 % pain reduction and PGIC bands,
clinical.md §4.6; Keith's PHQ-9 ≥ 50 % drop and PHQ-9 < 10, §4.7; the borrowed FIQ MCID of 14 %, §4.3).
A threshold equal to an anchor carries the anchor's source; any other threshold inside the range is the
prescriber's choice under this catalogue's clinic policy, and its source says so. Nothing is clamped or
rounded: a bad goal is refused naming ``goals[i].<field>`` and what is allowed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import Any

from ketaflow.domain.errors import DomainValidationError
from ketaflow.domain.plans.goals import (
    FIQR_14,
    IMMPACT,
    PAIN_30,
    PGIC_MUCH,
    PHQ9_BELOW_10,
    PHQ9_HALVED,
    Goal,
    default_goals,
)
from ketaflow.domain.sources import Source

CATALOGUE_VERSION = "plan-goal-catalogue-2026.12.1"

RANGE_POLICY = Source.clinic_policy(
    "plan goal thresholds a prescriber may choose: percent reductions from baseline are whole numbers 10-100 % "
    "(IMMPACT's smallest important pain change is 10-20 %, clinical.md 4.6); PHQ-9 total below 1-27 (the scale is "
    "0-27, Kroenke 2001); PGIC at least minimally, much or very much improved (IMMPACT bands); depression plans "
    "are measured by PHQ-9 and PGIC, not pain NRS or FIQR",
    CATALOGUE_VERSION,
)

PAIN_KINDS = ("induction", "escalating", "booster")
ALL_KINDS = (*PAIN_KINDS, "depression")

PAIN_50 = Goal(
    "pain_nrs_percent_reduction",
    ">=",
    Fraction(50),
    IMMPACT,
    "average pain NRS at least 50 % below baseline (substantial)",
)
PGIC_MINIMAL = Goal(
    "pgic",
    "in",
    ("minimally improved", "much improved", "very much improved"),
    IMMPACT,
    "patient rates themselves at least minimally improved (minimally important)",
)
PGIC_VERY_MUCH = Goal(
    "pgic",
    "in",
    ("very much improved",),
    IMMPACT,
    "patient rates themselves very much improved (substantial)",
)


@dataclass(frozen=True)
class GoalMetric:
    """One entry of the catalogue. Numeric metrics take a whole number ``low``–``high``; the PGIC takes one of
    its ``options`` (a set of answers, "this band or better")."""

    metric: str
    label: str
    comparator: str
    unit: str
    kinds: tuple[str, ...]
    default: Goal
    anchors: tuple[Goal, ...]
    describe: str = ""  # a chosen numeric threshold's description; "{t}" is the threshold
    low: int | None = None
    high: int | None = None
    options: tuple[tuple[str, ...], ...] = ()

    @property
    def numeric(self) -> bool:
        return not self.options

    def allowed(self) -> str:
        if self.numeric:
            return f"whole number {self.low}–{self.high} ({self.unit})"
        return "one of " + "; ".join("[" + ", ".join(o) + "]" for o in self.options)

    def goal(self, threshold: Fraction | tuple[str, ...]) -> Goal:
        """The goal for a threshold already checked against this entry."""
        for anchor in self.anchors:
            if anchor.threshold == threshold:
                return anchor
        text = _text(threshold)
        source = Source.clinic_policy(
            f"{self.label} {self.comparator} {text} {self.unit}: the prescriber's threshold, within the "
            f"catalogue's range {self.low}–{self.high}",
            CATALOGUE_VERSION,
        )
        return Goal(self.metric, self.comparator, threshold, source, self.describe.format(t=text))

    def as_dict(self) -> dict[str, Any]:
        return {
            "metric": self.metric,
            "label": self.label,
            "comparator": self.comparator,
            "unit": self.unit,
            "kinds": list(self.kinds),
            "threshold_min": self.low,
            "threshold_max": self.high,
            "options": [list(o) for o in self.options],
            "allowed": self.allowed(),
            "default": self.default.as_dict(),
            "anchors": [a.as_dict() for a in self.anchors],
            "range_source": RANGE_POLICY.as_dict(),
        }


CATALOGUE: tuple[GoalMetric, ...] = (
    GoalMetric(
        "pain_nrs_percent_reduction", "Average pain NRS reduction", ">=", "% below baseline", PAIN_KINDS,
        PAIN_30, (PAIN_30, PAIN_50), "average pain NRS at least {t} % below baseline", 10, 100,
    ),
    GoalMetric(
        "fiqr_percent_reduction", "FIQR total reduction", ">=", "% below baseline", PAIN_KINDS,
        FIQR_14, (FIQR_14,), "FIQR total at least {t} % below baseline", 10, 100,
    ),
    GoalMetric(
        "pgic", "Patient global impression of change", "in", "PGIC answer", ALL_KINDS,
        PGIC_MUCH, (PGIC_MINIMAL, PGIC_MUCH, PGIC_VERY_MUCH),
        options=tuple(g.threshold for g in (PGIC_MINIMAL, PGIC_MUCH, PGIC_VERY_MUCH)),  # type: ignore[misc]
    ),
    GoalMetric(
        "phq9_percent_reduction", "PHQ-9 reduction", ">=", "% below baseline", ALL_KINDS,
        PHQ9_HALVED, (PHQ9_HALVED,), "PHQ-9 at least {t} % below baseline", 10, 100,
    ),
    GoalMetric(
        "phq9_total", "PHQ-9 total", "<", "PHQ-9 points, scale 0–27", ALL_KINDS,
        PHQ9_BELOW_10, (PHQ9_BELOW_10,), "PHQ-9 total below {t}", 1, 27,
    ),
)  # fmt: skip
BY_METRIC: dict[str, GoalMetric] = {m.metric: m for m in CATALOGUE}


def _text(threshold: Fraction | tuple[str, ...]) -> str:
    return ", ".join(threshold) if isinstance(threshold, tuple) else str(threshold)


def metrics_for(kind: str) -> tuple[GoalMetric, ...]:
    return tuple(m for m in CATALOGUE if kind in m.kinds)


def catalogue_dict() -> dict[str, Any]:
    """The catalogue as plain data for the API and the page."""
    return {
        "version": CATALOGUE_VERSION,
        "range_source": RANGE_POLICY.as_dict(),
        "metrics": [m.as_dict() for m in CATALOGUE],
        "defaults_by_kind": {kind: [g.as_dict() for g in default_goals(kind)] for kind in ALL_KINDS},
    }


class GoalProblems(DomainValidationError):
    """Every bad goal at once; ``field``/``message``/``allowed`` are the first problem's."""

    def __init__(self, problems: Sequence[DomainValidationError]):
        self.problems = tuple(problems)
        first = self.problems[0]
        super().__init__(first.field, first.message, first.allowed)


def _threshold(entry: GoalMetric, value: Any, field: str) -> Fraction | tuple[str, ...]:
    if not entry.numeric:
        labels = value if isinstance(value, list | tuple) else None
        if labels is None or not all(isinstance(v, str) for v in labels):
            raise DomainValidationError(
                field, f"{entry.metric} takes a list of PGIC answers", entry.allowed()
            )
        chosen = [v.strip().lower() for v in labels]
        for option in entry.options:
            if len(chosen) == len(option) and set(chosen) == set(option):
                return option
        raise DomainValidationError(field, f"{list(labels)!r} is not a PGIC band", entry.allowed())
    if isinstance(value, bool) or not isinstance(value, int | float | str | Decimal | Fraction):
        raise DomainValidationError(field, f"{entry.metric} takes a number", entry.allowed())
    try:
        number = Decimal(repr(value) if isinstance(value, float) else str(value).strip())
    except InvalidOperation:
        raise DomainValidationError(field, f"{value!r} is not a number", entry.allowed()) from None
    if not number.is_finite():
        raise DomainValidationError(field, f"{value!r} is not a number", entry.allowed())
    if not entry.low <= number <= entry.high:  # type: ignore[operator]  (Decimal: cheap for 1e999999)
        raise DomainValidationError(field, f"{value} is out of range", entry.allowed())
    if number != number.to_integral_value():
        raise DomainValidationError(field, f"{value} is not a whole number", entry.allowed())
    return Fraction(int(number))


def _goal(kind: str, i: int, row: Any, seen: dict[str, int]) -> Goal:
    where = f"goals[{i}]"
    if not isinstance(row, Mapping):
        raise DomainValidationError(where, "must be an object with metric, comparator and threshold")
    metric = row.get("metric")
    entry = BY_METRIC.get(metric) if isinstance(metric, str) else None
    if entry is None:
        raise DomainValidationError(f"{where}.metric", f"{metric!r} is not in the goal catalogue",
                                    ", ".join(m.metric for m in metrics_for(kind)))  # fmt: skip
    if kind not in entry.kinds:
        raise DomainValidationError(f"{where}.metric", f"{metric} is not a goal for {_a(kind)} {kind} plan",
                                    ", ".join(m.metric for m in metrics_for(kind)))  # fmt: skip
    if metric in seen:
        raise DomainValidationError(f"{where}.metric", f"{metric} is already goals[{seen[metric]}]",
                                    "each metric once")  # fmt: skip
    seen[metric] = i
    comparator = row.get("comparator")
    if comparator != entry.comparator:
        raise DomainValidationError(f"{where}.comparator", f"{comparator!r} is not the comparator of {metric}",
                                    f"'{entry.comparator}'")  # fmt: skip
    if "threshold" not in row:
        raise DomainValidationError(f"{where}.threshold", "is required", entry.allowed())
    return entry.goal(_threshold(entry, row["threshold"], f"{where}.threshold"))


def _a(word: str) -> str:
    return "an" if word[:1] in "aeiou" else "a"


def choose_goals(kind: str, rows: Sequence[Any] | None) -> tuple[Goal, ...]:
    """The plan's goals: the kind's defaults when none are given (``None``), else each row checked against
    the catalogue. Raises GoalProblems listing every bad row; an empty list is refused (a plan needs a goal)."""
    if rows is None:
        return default_goals(kind)
    if isinstance(rows, str | bytes | Mapping) or not isinstance(rows, Sequence):
        raise GoalProblems([DomainValidationError("goals", "must be a list of goals")])
    if not rows:
        raise GoalProblems([DomainValidationError(
            "goals", "needs at least one goal (every plan has an end point)",
            ", ".join(m.metric for m in metrics_for(kind)),
        )])  # fmt: skip
    goals, problems, seen = [], [], {}
    for i, row in enumerate(rows):
        try:
            goals.append(_goal(kind, i, row, seen))
        except DomainValidationError as exc:
            problems.append(exc)
    if problems:
        raise GoalProblems(problems)
    return tuple(goals)
