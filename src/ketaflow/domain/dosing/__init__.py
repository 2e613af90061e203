"""Dosing safety: limit checks for orders, delivered dose and bag reconciliation.

The shell calls :func:`check_order` with a :class:`~ketaflow.domain.protocols.ProtocolProfile`,
an :class:`InfusionOrder`, a :class:`PatientContext` and ``now``; it stores the returned
:class:`OrderCheck` with the prescriber's reasons for every soft violation.
"""

from ketaflow.domain.dosing.delivered import (
    BagReconciliation,
    DeliveredDose,
    RateSegment,
    bag_reconciliation,
    delivered_dose,
    segments_from_rate_changes,
)
from ketaflow.domain.dosing.limits import HARD, NOT_EVALUATED, PASS, SOFT, LimitResult, evaluate_limit
from ketaflow.domain.dosing.order_check import OrderCheck, can_proceed, check_order, missing_override_reasons
from ketaflow.domain.dosing.orders import (
    InfusionOrder,
    OrderSegment,
    PastSession,
    PatientContext,
    WeightRecord,
)
from ketaflow.domain.dosing.policy import DEFAULT_POLICY, DosingPolicy, with_weight_max_age

__all__ = [
    "DEFAULT_POLICY",
    "HARD",
    "NOT_EVALUATED",
    "PASS",
    "SOFT",
    "BagReconciliation",
    "DeliveredDose",
    "DosingPolicy",
    "with_weight_max_age",
    "InfusionOrder",
    "LimitResult",
    "OrderCheck",
    "OrderSegment",
    "PastSession",
    "PatientContext",
    "RateSegment",
    "WeightRecord",
    "bag_reconciliation",
    "can_proceed",
    "check_order",
    "delivered_dose",
    "evaluate_limit",
    "missing_override_reasons",
    "segments_from_rate_changes",
]
