"""Delivered dose (exact Σ rate × duration) and bag reconciliation. Tolerances: rel 1e-12."""

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ketaflow.domain.dosing import RateSegment, bag_reconciliation, delivered_dose, segments_from_rate_changes
from ketaflow.domain.errors import DomainValidationError
from ketaflow.domain.units import Quantity


def test_four_hours_at_half_a_mg_per_kg_per_h_delivers_two_mg_per_kg():
    dose = delivered_dose([RateSegment(240, Quantity(0.5, "mg/kg/h"))], weight_kg=70, bag_concentration_mg_per_ml=1.0)
    assert (dose.dose_mg, dose.dose_mg_per_kg, dose.volume_ml, dose.duration_min) == (140.0, 2.0, 140.0, 240.0)


def test_mixed_units_add_up_exactly():
    segments = [RateSegment(60, Quantity(0.5, "mg/kg/h")), RateSegment(30, Quantity(20, "mL/h")),
                RateSegment(15, Quantity(0.0, "mg/h")), RateSegment(45, Quantity(40, "mg/h"))]
    dose = delivered_dose(segments, weight_kg=70, bag_concentration_mg_per_ml=2.0)
    assert dose.dose_mg == pytest.approx(35 + 20 + 0 + 30, rel=1e-12)


@given(st.lists(st.tuples(st.floats(0, 600), st.floats(0, 100)), max_size=20), st.floats(0.01, 1))
def test_splitting_a_segment_never_changes_the_delivered_dose(parts, fraction):
    whole = [RateSegment(d, Quantity(r, "mg/h")) for d, r in parts]
    split = [RateSegment(d * f, Quantity(r, "mg/h")) for d, r in parts for f in (fraction, 1 - fraction)]
    assert delivered_dose(split).dose_mg == pytest.approx(delivered_dose(whole).dose_mg, rel=1e-12, abs=1e-12)


def test_charted_rate_changes_become_segments():
    t0 = datetime(2026, 11, 22, 9, tzinfo=UTC)
    segs = segments_from_rate_changes([(t0, Quantity(35, "mL/h")), (t0 + timedelta(minutes=90), Quantity(0, "mL/h"))],
                                      stopped_at=t0 + timedelta(minutes=120))
    assert [s.duration_min for s in segs] == [90.0, 30.0]
    assert delivered_dose(segs, bag_concentration_mg_per_ml=1.0).dose_mg == pytest.approx(52.5, rel=1e-12)


def test_rate_changes_out_of_order_are_refused():
    t0 = datetime(2026, 11, 22, 9, tzinfo=UTC)
    with pytest.raises(DomainValidationError):
        segments_from_rate_changes([(t0, Quantity(35, "mL/h"))], stopped_at=t0 - timedelta(minutes=1))


def test_the_rest_of_the_bag_is_wasted():
    rec = bag_reconciliation(bag_volume_ml=250, bag_concentration_mg_per_ml=1.0, delivered_mg=140)
    assert (rec.prepared_mg, rec.delivered_mg, rec.wasted_mg, rec.wasted_ml) == (250.0, 140.0, 110.0, 110.0)


def test_delivering_more_than_the_bag_held_is_refused():
    with pytest.raises(DomainValidationError) as err:
        bag_reconciliation(bag_volume_ml=100, bag_concentration_mg_per_ml=1.0, delivered_mg=100.5)
    assert err.value.field == "delivered_mg"


def test_a_negative_duration_is_refused():
    with pytest.raises(DomainValidationError) as err:
        delivered_dose([RateSegment(-1, Quantity(1, "mg/h"))])
    assert err.value.field == "segments[0].duration_min"
