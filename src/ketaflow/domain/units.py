"""The one place where units change.

Every other module keeps the unit in the name of the value (``weight_kg``, ``rate_mg_per_h``,
``conc_mg_per_l``, ``t_min``) and calls a function here when it needs another unit. A value that
comes from a person (an order, a pump screen, a command line) arrives as a :class:`Quantity` that
states its unit, so a number typed in mL/h can never be read as mg/kg/h (software-anchors.md §3.1:
the Alaris concentration-unit trap).

Conversions raise :class:`~ketaflow.domain.errors.DomainValidationError` for inputs that would give
a meaningless number (a non-positive weight or concentration, a non-finite value); they never clamp.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from ketaflow.domain.errors import DomainValidationError

# Rate units an order or a pump may state.
MG_PER_KG_PER_H = "mg/kg/h"
MG_PER_H = "mg/h"
ML_PER_H = "mL/h"
MG_PER_KG_PER_MIN = "mg/kg/min"
MG_PER_MIN = "mg/min"
RATE_UNITS = (MG_PER_KG_PER_H, MG_PER_H, ML_PER_H, MG_PER_KG_PER_MIN, MG_PER_MIN)

# Dose (amount) units: a "mg/kg over N min" order states one of these plus a duration.
MG_PER_KG = "mg/kg"
MG = "mg"
ML = "mL"
DOSE_UNITS = (MG_PER_KG, MG, ML)

MIN_PER_H = 60.0
S_PER_MIN = 60.0
NG_PER_ML_PER_MG_PER_L = 1000.0  # 1 mg/L = 1 µg/mL = 1000 ng/mL
KETAMINE_MOLAR_MASS_G_PER_MOL = 237.7  # pk.md header: ketamine base


@dataclass(frozen=True)
class Quantity:
    """A number with the unit a person stated for it, e.g. ``Quantity(0.5, "mg/kg/h")``."""

    value: float
    unit: str

    def __post_init__(self) -> None:
        if self.unit not in RATE_UNITS + DOSE_UNITS:
            raise DomainValidationError(
                "unit", f"unknown unit {self.unit!r}", ", ".join(RATE_UNITS + DOSE_UNITS)
            )
        _finite("value", self.value)

    @property
    def is_rate(self) -> bool:
        return self.unit in RATE_UNITS

    def __str__(self) -> str:
        return f"{self.value:g} {self.unit}"


def _finite(field: str, value: float) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise DomainValidationError(field, f"must be a finite number, got {value!r}", "finite real number")
    return float(value)


def _positive(field: str, value: float | None, allowed: str = "> 0") -> float:
    if value is None:
        raise DomainValidationError(field, "is required for this conversion", allowed)
    v = _finite(field, value)
    if v <= 0:
        raise DomainValidationError(field, f"must be positive, got {v:g}", allowed)
    return v


# --- time ---------------------------------------------------------------------------------------


def h_to_min(t_h: float) -> float:
    return t_h * MIN_PER_H


def min_to_h(t_min: float) -> float:
    return t_min / MIN_PER_H


def s_to_min(t_s: float) -> float:
    return t_s / S_PER_MIN


def min_to_s(t_min: float) -> float:
    return t_min * S_PER_MIN


def days_to_h(t_days: float) -> float:
    return t_days * 24.0


# --- concentration, clearance ------------------------------------------------------------------


def mg_per_l_to_ng_per_ml(conc_mg_per_l):
    return conc_mg_per_l * NG_PER_ML_PER_MG_PER_L


def ng_per_ml_to_mg_per_l(conc_ng_per_ml):
    return conc_ng_per_ml / NG_PER_ML_PER_MG_PER_L


def umol_per_l_to_ng_per_ml(conc_umol_per_l):
    """Older papers report µmol/L (pk.md: 1 µmol/L ≈ 238 ng/mL for ketamine base)."""
    return conc_umol_per_l * KETAMINE_MOLAR_MASS_G_PER_MOL


def l_per_h_to_l_per_min(clearance_l_per_h):
    return clearance_l_per_h / MIN_PER_H


# --- rates -------------------------------------------------------------------------------------


def mg_per_kg_per_h_to_mg_per_h(rate_mg_per_kg_per_h: float, weight_kg: float) -> float:
    return rate_mg_per_kg_per_h * _positive("weight_kg", weight_kg)


def mg_per_h_to_mg_per_kg_per_h(rate_mg_per_h: float, weight_kg: float) -> float:
    return rate_mg_per_h / _positive("weight_kg", weight_kg)


def mg_per_h_to_ml_per_h(rate_mg_per_h: float, conc_mg_per_ml: float) -> float:
    """Pump rate for a bag: mL/h = mg/h ÷ mg/mL (clinical.md §2.2)."""
    return rate_mg_per_h / _positive("bag_concentration_mg_per_ml", conc_mg_per_ml)


def ml_per_h_to_mg_per_h(rate_ml_per_h: float, conc_mg_per_ml: float) -> float:
    return rate_ml_per_h * _positive("bag_concentration_mg_per_ml", conc_mg_per_ml)


def mg_per_h_to_mg_per_min(rate_mg_per_h):
    return rate_mg_per_h / MIN_PER_H


def mg_per_min_to_mg_per_h(rate_mg_per_min):
    return rate_mg_per_min * MIN_PER_H


def dose_over_duration_to_rate_mg_per_kg_per_h(dose_mg_per_kg: float, duration_min: float) -> float:
    """"0.5 mg/kg over 40 min" is 0.75 mg/kg/h held for 40 min."""
    return dose_mg_per_kg / min_to_h(_positive("duration_min", duration_min))


def rate_to_mg_per_h(
    rate: Quantity, *, weight_kg: float | None = None, conc_mg_per_ml: float | None = None
) -> float:
    """Any stated rate → mg/h. Weight is needed for per-kg units, bag concentration for mL/h."""
    if rate.unit == MG_PER_H:
        return rate.value
    if rate.unit == MG_PER_MIN:
        return mg_per_min_to_mg_per_h(rate.value)
    if rate.unit == MG_PER_KG_PER_H:
        return mg_per_kg_per_h_to_mg_per_h(rate.value, weight_kg)
    if rate.unit == MG_PER_KG_PER_MIN:
        return mg_per_kg_per_h_to_mg_per_h(mg_per_min_to_mg_per_h(rate.value), weight_kg)
    if rate.unit == ML_PER_H:
        return ml_per_h_to_mg_per_h(rate.value, conc_mg_per_ml)
    raise DomainValidationError("rate.unit", f"{rate.unit!r} is not a rate unit", ", ".join(RATE_UNITS))


def mg_per_h_to_rate(
    rate_mg_per_h: float, unit: str, *, weight_kg: float | None = None, conc_mg_per_ml: float | None = None
) -> Quantity:
    """mg/h → the given rate unit (inverse of :func:`rate_to_mg_per_h`)."""
    if unit == MG_PER_H:
        return Quantity(rate_mg_per_h, unit)
    if unit == MG_PER_MIN:
        return Quantity(mg_per_h_to_mg_per_min(rate_mg_per_h), unit)
    if unit == MG_PER_KG_PER_H:
        return Quantity(mg_per_h_to_mg_per_kg_per_h(rate_mg_per_h, weight_kg), unit)
    if unit == MG_PER_KG_PER_MIN:
        return Quantity(mg_per_h_to_mg_per_min(mg_per_h_to_mg_per_kg_per_h(rate_mg_per_h, weight_kg)), unit)
    if unit == ML_PER_H:
        return Quantity(mg_per_h_to_ml_per_h(rate_mg_per_h, conc_mg_per_ml), unit)
    raise DomainValidationError("unit", f"{unit!r} is not a rate unit", ", ".join(RATE_UNITS))


def dose_to_mg(
    dose: Quantity, *, weight_kg: float | None = None, conc_mg_per_ml: float | None = None
) -> float:
    if dose.unit == MG:
        return dose.value
    if dose.unit == MG_PER_KG:
        return dose.value * _positive("weight_kg", weight_kg)
    if dose.unit == ML:
        return dose.value * _positive("bag_concentration_mg_per_ml", conc_mg_per_ml)
    raise DomainValidationError("dose.unit", f"{dose.unit!r} is not a dose unit", ", ".join(DOSE_UNITS))


def mg_to_dose(dose_mg: float, unit: str, *, weight_kg: float | None = None,
               conc_mg_per_ml: float | None = None) -> Quantity:
    if unit == MG:
        return Quantity(dose_mg, unit)
    if unit == MG_PER_KG:
        return Quantity(dose_mg / _positive("weight_kg", weight_kg), unit)
    if unit == ML:
        return Quantity(dose_mg / _positive("bag_concentration_mg_per_ml", conc_mg_per_ml), unit)
    raise DomainValidationError("unit", f"{unit!r} is not a dose unit", ", ".join(DOSE_UNITS))


_QUANTITY_RE = re.compile(r"^\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)\s*([A-Za-z/]+)\s*$")
_UNIT_SPELLINGS = {u.lower(): u for u in RATE_UNITS + DOSE_UNITS}


def parse_quantity(text: str, field: str = "quantity") -> Quantity:
    """``"0.5mg/kg/h"`` or ``"35 mL/h"`` → Quantity. The unit is required; a bare number is refused."""
    match = _QUANTITY_RE.match(text)
    if not match:
        raise DomainValidationError(
            field, f"cannot read {text!r}; write a number followed by its unit",
            "e.g. 0.5mg/kg/h, 25mg/h, 35mL/h, 17.5mg, 0.25mg/kg",
        )
    unit = _UNIT_SPELLINGS.get(match.group(2).lower())
    if unit is None:
        raise DomainValidationError(field, f"unknown unit {match.group(2)!r}", ", ".join(RATE_UNITS + DOSE_UNITS))
    return Quantity(float(match.group(1)), unit)
