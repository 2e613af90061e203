"""A dosing programme (infusions and boluses, units stated) and its piecewise-constant rate timeline.

Infusions may overlap; their rates add (the system is linear). A bolus is instantaneous, as in
STANPUMP; a "bolus" given over 1-2 minutes should be entered as a short infusion (pk.md §3.3).
Per-kg amounts are resolved per patient weight through units.py, so one programme serves a whole
population.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ketaflow.domain import units
from ketaflow.domain.errors import DomainValidationError
from ketaflow.domain.units import Quantity


@dataclass(frozen=True)
class Infusion:
    start_min: float
    duration_min: float
    rate: Quantity  # mg/kg/h, mg/h, mg/kg/min, mg/min, or mL/h with the programme's bag concentration

    @property
    def end_min(self) -> float:
        return self.start_min + self.duration_min


@dataclass(frozen=True)
class Bolus:
    t_min: float
    dose: Quantity  # mg, mg/kg, or mL with the programme's bag concentration


@dataclass(frozen=True)
class Program:
    infusions: tuple[Infusion, ...] = ()
    boluses: tuple[Bolus, ...] = ()
    bag_concentration_mg_per_ml: float | None = None  # only needed for mL amounts

    def __post_init__(self) -> None:
        for i, inf in enumerate(self.infusions):
            for name in ("start_min", "duration_min"):
                value = getattr(inf, name)
                if not math.isfinite(value) or value < 0:
                    raise DomainValidationError(f"infusions[{i}].{name}", f"must be finite and >= 0, got {value!r}", ">= 0")
            if not inf.rate.is_rate or inf.rate.value < 0:
                raise DomainValidationError(f"infusions[{i}].rate", f"must be a rate >= 0, got {inf.rate}", ", ".join(units.RATE_UNITS))
        for i, bolus in enumerate(self.boluses):
            if not math.isfinite(bolus.t_min) or bolus.t_min < 0:
                raise DomainValidationError(f"boluses[{i}].t_min", f"must be finite and >= 0, got {bolus.t_min!r}", ">= 0")
            if bolus.dose.is_rate or bolus.dose.value < 0:
                raise DomainValidationError(f"boluses[{i}].dose", f"must be a dose >= 0, got {bolus.dose}", ", ".join(units.DOSE_UNITS))

    @property
    def end_min(self) -> float:
        ends = [inf.end_min for inf in self.infusions] + [b.t_min for b in self.boluses]
        return max(ends, default=0.0)


def program_from_segments(
    segments: Sequence[tuple[float, Quantity]], *, bag_concentration_mg_per_ml: float | None = None,
    start_min: float = 0.0,
) -> Program:
    """Consecutive (duration_min, amount) steps from ``start_min``, as an order states them.

    An amount in a dose unit (mg/kg, mg, mL) is spread evenly over its step ("0.5 mg/kg over 40 min").
    """
    infusions = []
    t = start_min
    for i, (duration_min, amount) in enumerate(segments):
        if not math.isfinite(duration_min) or duration_min <= 0:
            raise DomainValidationError(f"segments[{i}].duration_min", f"must be > 0, got {duration_min!r}", "> 0")
        if amount.is_rate:
            rate = amount
        elif amount.unit == units.MG_PER_KG:
            rate = Quantity(units.dose_over_duration_to_rate_mg_per_kg_per_h(amount.value, duration_min), units.MG_PER_KG_PER_H)
        else:
            dose_mg = units.dose_to_mg(amount, conc_mg_per_ml=bag_concentration_mg_per_ml)
            rate = Quantity(dose_mg / units.min_to_h(duration_min), units.MG_PER_H)
        infusions.append(Infusion(t, duration_min, rate))
        t += duration_min
    return Program(tuple(infusions), (), bag_concentration_mg_per_ml)


def program_from_order(order, *, start_min: float = 0.0) -> Program:
    """The programme of a dosing order (anything with ``segments`` of ``duration_min``/``amount`` and a
    ``bag_concentration_mg_per_ml``, e.g. :class:`ketaflow.domain.dosing.InfusionOrder`)."""
    return program_from_segments([(seg.duration_min, seg.amount) for seg in order.segments],
                                 bag_concentration_mg_per_ml=order.bag_concentration_mg_per_ml, start_min=start_min)


@dataclass(frozen=True)
class Timeline:
    """The programme resolved for N patients.

    ``breakpoints_min`` (B,) are the times the total rate changes, starting at 0; ``rates_mg_per_min``
    (B, N) is the rate from each breakpoint to the next (the last one holds to the end).
    ``bolus_times_min`` (K,) are distinct, and ``bolus_mg`` (K, N) is the dose given at each.
    """

    breakpoints_min: np.ndarray
    rates_mg_per_min: np.ndarray
    bolus_times_min: np.ndarray
    bolus_mg: np.ndarray


def _rate_mg_per_min(rate: Quantity, weight_kg: np.ndarray, conc: float | None) -> np.ndarray:
    # Convert a unit rate once, then scale: per-kg units scale with weight, the others do not.
    if rate.unit in (units.MG_PER_KG_PER_H, units.MG_PER_KG_PER_MIN):
        per_kg_per_h = units.rate_to_mg_per_h(rate, weight_kg=1.0)
        return units.mg_per_h_to_mg_per_min(per_kg_per_h * weight_kg)
    return np.full_like(weight_kg, units.mg_per_h_to_mg_per_min(units.rate_to_mg_per_h(rate, conc_mg_per_ml=conc)))


def _dose_mg(dose: Quantity, weight_kg: np.ndarray, conc: float | None) -> np.ndarray:
    if dose.unit == units.MG_PER_KG:
        return dose.value * weight_kg
    return np.full_like(weight_kg, units.dose_to_mg(dose, conc_mg_per_ml=conc))


def resolve(program: Program, weight_kg) -> Timeline:
    """Resolve per-kg and mL amounts to mg for each weight (array (N,) or scalar)."""
    w = np.atleast_1d(np.asarray(weight_kg, dtype=float))
    conc = program.bag_concentration_mg_per_ml
    edges = sorted({0.0} | {inf.start_min for inf in program.infusions} | {inf.end_min for inf in program.infusions})
    breakpoints = np.array(edges)
    rates = np.zeros((len(edges), w.size))
    for inf in program.infusions:
        if inf.duration_min == 0:
            continue
        active = (breakpoints >= inf.start_min) & (breakpoints < inf.end_min)
        rates[active] += _rate_mg_per_min(inf.rate, w, conc)
    times = sorted({b.t_min for b in program.boluses})
    bolus_mg = np.zeros((len(times), w.size))
    for b in program.boluses:
        bolus_mg[times.index(b.t_min)] += _dose_mg(b.dose, w, conc)
    return Timeline(breakpoints, rates, np.array(times, dtype=float), bolus_mg)
