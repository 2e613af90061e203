"""Modified Aldrete score (Aldrete 1970, SpO2 revision 1995): five items 0-2, total 0-10.

Circulation is never typed in: it is derived from the pre-infusion baseline and the current
systolic pressure, because "BP within 20 % of baseline" means nothing without the baseline
(clinical.md §2.6). Pass ``baseline_systolic_mmhg`` and ``current_systolic_mmhg``. The clinic picks
one circulation rule (``percent_of_baseline`` default, or the ``mmhg_from_baseline`` variant) and
one discharge rule (total >= 9 default, or >= 8 with respiration and SpO2 at 2); both are stored
in ``rule_version``.
"""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction
from typing import Any

from ketaflow.domain.errors import DomainValidationError
from ketaflow.domain.instruments.base import (
    Answer,
    Flag,
    Instrument,
    ScoreResult,
    check_context,
    load_definition,
    normalize_answers,
)

DEFINITION = load_definition(__package__, "modified_aldrete.json")
CIRCULATION_RULES = DEFINITION.raw["circulation_rules"]
DISCHARGE_RULES = DEFINITION.raw["discharge_rules"]
DISCHARGE_READY = "discharge_criteria_met"
NOT_READY = "discharge_criteria_not_met"


def _circulation_typed() -> DomainValidationError:
    return DomainValidationError("circulation", "derived, not entered: pass baseline_systolic_mmhg and "
                                 "current_systolic_mmhg instead", "no direct answer")


def _pressure(name: str, value: Any) -> int:
    low, high = DEFINITION.raw["bp_limits_mmhg"][name]
    if value is None:
        raise DomainValidationError(name, "required: circulation is scored against the pre-infusion baseline",
                                    f"whole number mmHg {low}..{high}")
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise DomainValidationError(name, f"not a valid systolic pressure: {value!r}", f"whole number mmHg {low}..{high}")
    return value


def circulation_points(baseline_systolic_mmhg: int, current_systolic_mmhg: int,
                       rule: str = DEFINITION.raw["default_circulation_rule"]) -> tuple[int, Fraction]:
    """Points (2/1/0) and the exact deviation from baseline (percent or mmHg, per ``rule``)."""
    if not isinstance(rule, str) or rule not in CIRCULATION_RULES:
        raise DomainValidationError("circulation_rule", "unknown circulation rule", ", ".join(CIRCULATION_RULES))
    baseline = _pressure("baseline_systolic_mmhg", baseline_systolic_mmhg)
    current = _pressure("current_systolic_mmhg", current_systolic_mmhg)
    spec = CIRCULATION_RULES[rule]
    deviation = Fraction(abs(current - baseline))
    if spec["unit"] == "percent":
        deviation = deviation * 100 / baseline
    for limit in spec["limits"]:
        upper = limit["upper"]
        if upper is None or deviation < upper or (limit["inclusive"] and deviation == upper):
            return limit["points"], deviation
    raise AssertionError("circulation limits end with an open band")


class ModifiedAldrete(Instrument):
    context_options = ("baseline_systolic_mmhg", "current_systolic_mmhg", "circulation_rule", "discharge_rule")

    def answer_problems(self, answers: Any) -> tuple[DomainValidationError, ...]:
        problems = super().answer_problems(answers)
        return tuple(_circulation_typed() if p.field == "circulation" else p for p in problems)

    def score(self, answers: Mapping[str, Answer], **context: Any) -> ScoreResult:
        check_context(self.id, context, self.context_options)
        if isinstance(answers, Mapping) and "circulation" in answers:
            raise _circulation_typed()
        inputs: dict[str, Any] = normalize_answers(self.definition, answers)
        circulation_rule = context.get("circulation_rule", self.definition.raw["default_circulation_rule"])
        points, deviation = circulation_points(context.get("baseline_systolic_mmhg"),  # type: ignore[arg-type]
                                               context.get("current_systolic_mmhg"), circulation_rule)
        discharge_rule = context.get("discharge_rule", self.definition.raw["default_discharge_rule"])
        if not isinstance(discharge_rule, str) or discharge_rule not in DISCHARGE_RULES:
            raise DomainValidationError("discharge_rule", "unknown discharge rule", ", ".join(DISCHARGE_RULES))

        subscores = {**inputs, "circulation": points}
        total = sum(subscores.values())
        rule = DISCHARGE_RULES[discharge_rule]
        ready = total >= rule["min_total"] and all(subscores[k] >= v for k, v in rule["min_item_points"].items())
        flag = (Flag(DISCHARGE_READY, "info", f"Modified Aldrete {total}/10: discharge criteria met ({discharge_rule}).")
                if ready else
                Flag(NOT_READY, "warning", f"Modified Aldrete {total}/10: not ready for discharge ({discharge_rule})."))
        inputs.update(baseline_systolic_mmhg=context["baseline_systolic_mmhg"],
                      current_systolic_mmhg=context["current_systolic_mmhg"])
        details = {"discharge_ready": ready, "circulation_deviation": deviation,
                   "circulation_deviation_unit": CIRCULATION_RULES[circulation_rule]["unit"]}
        version = f"{self.rule_version(None)}; circulation={circulation_rule}; discharge={discharge_rule}"
        return self.result(total=total, band_set=None, inputs=inputs, subscores=subscores, flags=(flag,),
                           details=details, rule_version=version)


MODIFIED_ALDRETE = ModifiedAldrete(DEFINITION)
