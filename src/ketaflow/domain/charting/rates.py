"""A rate typed during a session, against the protocol's rate limits and the signed order.

Above the ordered rate is a soft violation (a prescriber's reason) by clinic policy; the protocol's own
soft/hard bounds apply as in the order check. The pump rate in mL/h is returned beside it.

Pumps are set in steps (0.1 mL/h by default, clinic policy): the ordered 0.1 mg/kg/h for 93.3 kg at 1 mg/mL
is 9.33 mL/h, which the pump and the page show as 9.3 mL/h. A typed rate within half a step of the ordered
pump rate *is* the ordered rate as the pump can run it: it is not "above the order", and the protocol's soft
bounds (which the prescriber accepted when signing the order) are not asked again; hard bounds always apply.
The delivered dose is still computed from the rate actually typed.
"""

from __future__ import annotations

from dataclasses import dataclass

from ketaflow.domain import units
from ketaflow.domain.dosing import HARD, PASS, SOFT, LimitResult, evaluate_limit
from ketaflow.domain.dosing.limits import source_label
from ketaflow.domain.errors import DomainValidationError
from ketaflow.domain.protocols.profiles import ProtocolProfile
from ketaflow.domain.sources import Source

VERSION = "rates-2026.12.1"
ABOVE_ORDER_POLICY = Source.clinic_policy("a running rate above the signed order needs a prescriber's reason", VERSION)
PUMP_STEP_ML_PER_H = 0.1
PUMP_STEP_POLICY = Source.clinic_policy(
    f"infusion pumps are set in {PUMP_STEP_ML_PER_H:g} mL/h steps; a rate within half a step of the ordered pump "
    "rate is the ordered rate (the order's soft limits were accepted when it was signed)", VERSION)  # fmt: skip

LABELS = {"rate_mg_per_kg_per_h": "Dose rate", "rate_mg_per_h": "Hourly dose"}
BOUND_WORDS = {"soft_min": "soft minimum", "soft_max": "soft maximum", "hard_min": "hard minimum",
               "hard_max": "hard maximum"}  # fmt: skip


def limit_message(result: LimitResult) -> str:
    """'Dose rate 0.7 mg/kg/h is above the hard maximum 0.6 mg/kg/h (Rema et al. 2012)': a nurse's words."""
    side = "below" if result.bound_kind.endswith("min") else "above"
    label = LABELS.get(result.name, result.name.replace("_", " "))
    return (f"{label} {result.value:.4g} {result.unit} is {side} the {BOUND_WORDS.get(result.bound_kind, result.bound_kind)} "
            f"{result.bound:g} {result.unit} ({source_label(result.source)}).")  # fmt: skip


@dataclass(frozen=True)
class RateCheck:
    rate_mg_per_kg_per_h: float
    rate_mg_per_h: float
    pump_rate_ml_per_h: float
    results: tuple[LimitResult, ...]
    above_order: bool
    at_order: bool = False  # within half a pump step of the ordered pump rate
    ordered_pump_rate_ml_per_h: float | None = None

    @property
    def status(self) -> str:
        statuses = {r.status for r in self.results}
        if HARD in statuses:
            return HARD
        return SOFT if SOFT in statuses or self.above_order else PASS

    @property
    def messages(self) -> tuple[str, ...]:
        """What is wrong, in words; a refused (hard) rate does not also ask for a reason that cannot help."""
        if self.status == HARD:
            return tuple(limit_message(r) for r in self.results if r.status == HARD) + (
                "This rate cannot be given, even with a reason.",)
        out = [limit_message(r) for r in self.results if r.status == SOFT]
        if self.above_order:
            out.append(f"Rate is above the signed order ({self.ordered_pump_rate_ml_per_h:.1f} mL/h at the ordered "
                       "dose rate); a prescriber's reason is required.")  # fmt: skip
        return tuple(out)


def check_running_rate(*, rate: units.Quantity, weight_kg: float, bag_concentration_mg_per_ml: float,
                       ordered_rate_mg_per_kg_per_h: float, profile: ProtocolProfile,
                       pump_step_ml_per_h: float = PUMP_STEP_ML_PER_H) -> RateCheck:  # fmt: skip
    if not rate.is_rate:
        raise DomainValidationError("rate.unit", f"{rate.unit!r} is a dose, not a rate", ", ".join(units.RATE_UNITS))
    if rate.value < 0:
        raise DomainValidationError("rate.value", "must be >= 0", ">= 0")
    mg_per_h = units.rate_to_mg_per_h(rate, weight_kg=weight_kg, conc_mg_per_ml=bag_concentration_mg_per_ml)
    per_kg = mg_per_h / weight_kg
    ml_per_h = mg_per_h / bag_concentration_mg_per_ml
    ordered_ml_per_h = ordered_rate_mg_per_kg_per_h * weight_kg / bag_concentration_mg_per_ml
    at_order = abs(ml_per_h - ordered_ml_per_h) <= pump_step_ml_per_h / 2 + 1e-9
    results = []
    for name, value in (("rate_mg_per_kg_per_h", per_kg), ("rate_mg_per_h", mg_per_h)):
        limit = profile.limit(name)
        if limit is not None and value > 0:
            result = evaluate_limit(limit, value)
            if not (at_order and result.status == SOFT):
                results.append(result)
    above = not at_order and per_kg > ordered_rate_mg_per_kg_per_h * (1 + 1e-9)
    return RateCheck(per_kg, mg_per_h, ml_per_h, tuple(results), above, at_order, ordered_ml_per_h)
