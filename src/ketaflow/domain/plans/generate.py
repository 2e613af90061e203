"""Generate the planned sessions of a series; escalation stops at the cap and says so."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from ketaflow.domain.outcomes.exact import decimal_text
from ketaflow.domain.plans.goals import Goal, default_goals
from ketaflow.domain.plans.spec import Dose, DoseUnit, PlanLimits, PlanSpec, check_spec
from ketaflow.domain.sources import Source


@dataclass(frozen=True)
class PlannedSession:
    index: int  # 1-based
    dose: Dose
    duration_min: int
    planned_delivered_mg_per_kg: Fraction
    held_at_cap: bool = False


@dataclass(frozen=True)
class PlanNote:
    session_index: int
    message: str


@dataclass(frozen=True)
class Plan:
    sessions: tuple[PlannedSession, ...]
    goals: tuple[Goal, ...]
    notes: tuple[PlanNote, ...]
    inputs: dict[str, Any]
    rule_version: str
    source: Source


def planned_delivered_mg_per_kg(dose: Dose, duration_min: int) -> Fraction:
    if dose.unit is DoseUnit.RATE_MG_PER_KG_PER_H:
        return dose.value * duration_min / 60
    return dose.value


def generate_plan(spec: PlanSpec, limits: PlanLimits | None = None) -> Plan:
    limits = limits or PlanLimits()
    check_spec(spec, limits)
    sessions: list[PlannedSession] = []
    notes: list[PlanNote] = []
    step = spec.escalation_step or Fraction(0)
    cap = spec.escalation_cap
    for i in range(spec.n_sessions):
        wanted = spec.start_dose.value + i * step
        held = cap is not None and wanted > cap
        value = cap if held else wanted
        unit = spec.start_dose.unit.value
        if held and not sessions[-1].held_at_cap and sessions[-1].dose.value < cap:
            notes.append(
                PlanNote(
                    i + 1,
                    f"session {i + 1}: the step to {decimal_text(wanted)} {unit} would pass "
                    f"the cap {decimal_text(cap)}; the dose stops at the cap",
                )
            )
        elif held:
            notes.append(
                PlanNote(
                    i + 1,
                    f"session {i + 1}: escalation would give {decimal_text(wanted)} {unit}; "
                    f"held at the cap {decimal_text(cap)}",
                )
            )
        dose = spec.start_dose.with_value(value)  # type: ignore[arg-type]
        sessions.append(
            PlannedSession(
                i + 1, dose, spec.duration_min, planned_delivered_mg_per_kg(dose, spec.duration_min), held
            )
        )
    goals = spec.goals if spec.goals is not None else default_goals(spec.kind.value)
    inputs = {
        "kind": spec.kind.value,
        "n_sessions": spec.n_sessions,
        "start_dose": spec.start_dose.as_dict(),
        "duration_min": spec.duration_min,
        "series_window_days": spec.series_window_days,
        "escalation_step": None if spec.escalation_step is None else str(spec.escalation_step),
        "escalation_cap": None if cap is None else str(cap),
        "goals": [g.as_dict() for g in goals],
    }
    return Plan(tuple(sessions), tuple(goals), tuple(notes), inputs, limits.version, limits.source)
