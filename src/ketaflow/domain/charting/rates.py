"""A rate typed during a session, against the protocol's rate limits and the signed order.

Above the ordered rate is a soft violation (a prescriber's reason) by clinic policy; the protocol's own
soft/hard bounds apply as in the order check. The pump rate in mL/h is returned beside it.
"""

from __future__ import annotations

from dataclasses import dataclass

from ketaflow.domain import units
from ketaflow.domain.dosing import HARD, PASS, SOFT, LimitResult, evaluate_limit
from ketaflow.domain.errors import DomainValidationError
from ketaflow.domain.protocols.profiles import ProtocolProfile
from ketaflow.domain.sources import Source

ABOVE_ORDER_POLICY = Source.clinic_policy("a running rate above the signed order needs a prescriber's reason",
                                          "rates-2026.11.1")  # fmt: skip


@dataclass(frozen=True)
class RateCheck:
    rate_mg_per_kg_per_h: float
    rate_mg_per_h: float
    pump_rate_ml_per_h: float
    results: tuple[LimitResult, ...]
    above_order: bool

    @property
    def status(self) -> str:
        statuses = {r.status for r in self.results}
        if HARD in statuses:
            return HARD
        return SOFT if SOFT in statuses or self.above_order else PASS

    @property
    def messages(self) -> tuple[str, ...]:
        out = [r.message for r in self.results if r.status in (SOFT, HARD)]
        if self.above_order:
            out.append("Rate is above the signed order; a prescriber's reason is required.")
        return tuple(out)


def check_running_rate(*, rate: units.Quantity, weight_kg: float, bag_concentration_mg_per_ml: float,
                       ordered_rate_mg_per_kg_per_h: float, profile: ProtocolProfile) -> RateCheck:  # fmt: skip
    if not rate.is_rate:
        raise DomainValidationError("rate.unit", f"{rate.unit!r} is a dose, not a rate", ", ".join(units.RATE_UNITS))
    if rate.value < 0:
        raise DomainValidationError("rate.value", "must be >= 0", ">= 0")
    mg_per_h = units.rate_to_mg_per_h(rate, weight_kg=weight_kg, conc_mg_per_ml=bag_concentration_mg_per_ml)
    per_kg = mg_per_h / weight_kg
    ml_per_h = mg_per_h / bag_concentration_mg_per_ml
    results = []
    for name, value in (("rate_mg_per_kg_per_h", per_kg), ("rate_mg_per_h", mg_per_h)):
        limit = profile.limit(name)
        if limit is not None and value > 0:
            results.append(evaluate_limit(limit, value))
    above = per_kg > ordered_rate_mg_per_kg_per_h * (1 + 1e-9)
    return RateCheck(per_kg, mg_per_h, ml_per_h, tuple(results), above)
