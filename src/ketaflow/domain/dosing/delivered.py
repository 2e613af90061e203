"""What was actually given: delivered dose from rate segments, and what is left in the bag.

Ketamine is Schedule III, so the clinic must account for every mg prepared: delivered + wasted =
prepared (clinical.md §2.2). The delivered dose is the exact sum of rate × duration over the
segments the pump ran (``math.fsum``, no step integration).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from ketaflow.domain import units
from ketaflow.domain.errors import DomainValidationError
from ketaflow.domain.units import Quantity


@dataclass(frozen=True)
class RateSegment:
    """The pump ran at ``rate`` (any rate unit, stated) for ``duration_min``."""

    duration_min: float
    rate: Quantity


@dataclass(frozen=True)
class DeliveredDose:
    dose_mg: float
    dose_mg_per_kg: float | None  # None when no weight was given
    volume_ml: float | None  # None when no bag concentration was given
    duration_min: float


@dataclass(frozen=True)
class BagReconciliation:
    prepared_mg: float
    delivered_mg: float
    wasted_mg: float
    wasted_ml: float


def _check_tz(field: str, value: datetime) -> None:
    if value.tzinfo is None or value.utcoffset() is None:
        raise DomainValidationError(field, "must be timezone-aware (UTC)", "aware datetime")


def _non_negative(field: str, value: float) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value) or value < 0:
        raise DomainValidationError(field, f"must be a finite number >= 0, got {value!r}", ">= 0")
    return float(value)


def delivered_dose(
    segments: Sequence[RateSegment],
    *,
    weight_kg: float | None = None,
    bag_concentration_mg_per_ml: float | None = None,
) -> DeliveredDose:
    """Exact delivered dose: Σ rate_mg_per_h × duration_h over the segments.

    Weight is required if any segment is in a per-kg unit, the bag concentration if any is in mL/h.
    """
    doses_mg = []
    durations_min = []
    for i, seg in enumerate(segments):
        duration_min = _non_negative(f"segments[{i}].duration_min", seg.duration_min)
        if not seg.rate.is_rate:
            raise DomainValidationError(f"segments[{i}].rate.unit", f"{seg.rate.unit!r} is not a rate", ", ".join(units.RATE_UNITS))
        _non_negative(f"segments[{i}].rate.value", seg.rate.value)
        rate_mg_per_h = units.rate_to_mg_per_h(seg.rate, weight_kg=weight_kg, conc_mg_per_ml=bag_concentration_mg_per_ml)
        doses_mg.append(rate_mg_per_h * units.min_to_h(duration_min))
        durations_min.append(duration_min)
    dose_mg = math.fsum(doses_mg)
    return DeliveredDose(
        dose_mg=dose_mg,
        dose_mg_per_kg=None if weight_kg is None else units.mg_to_dose(dose_mg, units.MG_PER_KG, weight_kg=weight_kg).value,
        volume_ml=None
        if bag_concentration_mg_per_ml is None
        else units.mg_to_dose(dose_mg, units.ML, conc_mg_per_ml=bag_concentration_mg_per_ml).value,
        duration_min=math.fsum(durations_min),
    )


def segments_from_rate_changes(
    changes: Sequence[tuple[datetime, Quantity]], *, stopped_at: datetime
) -> tuple[RateSegment, ...]:
    """Charted pump events (time the rate was set, new rate; 0 = paused) → rate segments.

    Events must be in time order and the stop must not precede the last event.
    """
    _check_tz("stopped_at", stopped_at)
    out = []
    for i, (at, rate) in enumerate(changes):
        _check_tz(f"changes[{i}].at", at)
        end = changes[i + 1][0] if i + 1 < len(changes) else stopped_at
        duration_s = (end - at).total_seconds()
        if duration_s < 0:
            raise DomainValidationError(f"changes[{i + 1}].at", "rate changes must be in time order and end by stopped_at")
        out.append(RateSegment(duration_min=units.s_to_min(duration_s), rate=rate))
    return tuple(out)


def bag_reconciliation(
    *, bag_volume_ml: float, bag_concentration_mg_per_ml: float, delivered_mg: float
) -> BagReconciliation:
    """Amount left in the bag, to be wasted and witnessed. Delivering more than was prepared is an error."""
    volume_ml = _non_negative("bag_volume_ml", bag_volume_ml)
    prepared_mg = units.dose_to_mg(Quantity(volume_ml, units.ML), conc_mg_per_ml=bag_concentration_mg_per_ml)
    delivered_mg = _non_negative("delivered_mg", delivered_mg)
    # A relative 1e-12 slack absorbs binary rounding of an exactly emptied bag, nothing more.
    if delivered_mg > prepared_mg * (1 + 1e-12):
        raise DomainValidationError(
            "delivered_mg", f"{delivered_mg:g} mg exceeds the {prepared_mg:g} mg prepared in the bag", f"0–{prepared_mg:g} mg"
        )
    wasted_mg = max(prepared_mg - delivered_mg, 0.0)
    return BagReconciliation(
        prepared_mg=prepared_mg,
        delivered_mg=delivered_mg,
        wasted_mg=wasted_mg,
        wasted_ml=units.mg_to_dose(wasted_mg, units.ML, conc_mg_per_ml=bag_concentration_mg_per_ml).value,
    )
