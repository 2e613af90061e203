"""From a dosing order to a labelled one-patient prediction (what the session page draws)."""

from datetime import UTC, datetime

import numpy as np
import pytest

from ketaflow.domain.dosing import InfusionOrder, OrderSegment
from ketaflow.domain.errors import DomainValidationError
from ketaflow.domain.pk import effect_bands, output_grid, predict, program_from_order
from ketaflow.domain.units import Quantity

ORDER = InfusionOrder(datetime(2026, 11, 22, 9, tzinfo=UTC), (OrderSegment(40, Quantity(0.5, "mg/kg")),), 1.0)


def test_a_depression_order_predicts_the_pk_md_s2_curve():
    """0.5 mg/kg over 40 min at 70 kg is S2's 35 mg over 40 min (Domino, ke0 0.238)."""
    pred = predict(program_from_order(ORDER), weight_kg=70, model="domino", t_min=[10, 40, 60, 240])
    assert [float(f"{x:.4g}") for x in pred.conc_plasma_ng_per_ml] == [181.8, 240.4, 55.12, 17.35]
    assert [float(f"{x:.4g}") for x in pred.conc_effect_ng_per_ml] == [147.6, 234.5, 62.67, 17.80]


def test_a_pump_rate_order_converts_through_the_bag_concentration():
    order = InfusionOrder(ORDER.planned_start_at, (OrderSegment(240, Quantity(35, "mL/h")),), 1.0)
    pred = predict(program_from_order(order), weight_kg=70, model="domino", t_min=[240])
    assert float(f"{pred.conc_plasma_ng_per_ml[0]:.4g}") == 259.7


def test_predictions_carry_their_label_site_model_version_and_citation():
    pred = predict(program_from_order(ORDER), weight_kg=80)
    assert pred.label == "model prediction, not a measurement"
    assert pred.prediction_site.startswith("arterial") and pred.model_code == "kamp2020" and pred.model_version == "1"
    assert "Kamp" in pred.model_citation.citation
    assert pred.t_min[-1] == 160 and np.all(np.diff(pred.t_min) == 1)  # programme end + 2 h, 1-min grid
    assert pred.ke0_per_min == pytest.approx(0.1876 * np.log(80) + 0.5932, rel=1e-12)


def test_effect_bands_are_reference_data_with_sources():
    bands = {b.code: b for b in effect_bands()}
    assert (bands["analgesia"].low_ng_per_ml, bands["analgesia"].high_ng_per_ml) == (70, 160)
    assert (bands["dissociation"].low_ng_per_ml, bands["dissociation"].high_ng_per_ml) == (100, 250)
    assert all(b.source.citation for b in bands.values())


def test_output_grid_points_are_exact_multiples_of_the_step():
    grid = output_grid(240, 1 / 60)
    assert grid.size == 14_401 and grid[-1] == 240 and grid[60] == 1.0


@pytest.mark.parametrize(("kwargs", "field"), [
    ({"weight_kg": 0}, "weight_kg"),
    ({"weight_kg": 70, "t_min": [5, 1]}, "t_min"),
    ({"weight_kg": 70, "model": "nope"}, "model"),
    ({"weight_kg": 70, "step_min": 0}, "step_min"),
])
def test_bad_prediction_input_names_the_field(kwargs, field):
    with pytest.raises(DomainValidationError) as err:
        predict(program_from_order(ORDER), **kwargs)
    assert err.value.field == field
