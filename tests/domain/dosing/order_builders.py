"""Builders of orders and patient contexts shared by the dosing tests."""

from datetime import UTC, datetime, timedelta

from ketaflow.domain.dosing import InfusionOrder, OrderSegment, PatientContext, WeightRecord
from ketaflow.domain.units import Quantity

NOW = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)


def standard_order(rate=0.5, unit="mg/kg/h", duration_min=240.0, conc=1.0, start=NOW, weight=None):
    return InfusionOrder(
        planned_start_at=start,
        segments=(OrderSegment(duration_min, Quantity(rate, unit)),),
        bag_concentration_mg_per_ml=conc,
        dosing_weight_kg=weight,
    )


def weighed(weight_kg=70.0, days_ago=3.0, **kw):
    return PatientContext(weights=(WeightRecord(weight_kg, NOW - timedelta(days=days_ago)),), **kw)


