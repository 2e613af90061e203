"""Ketamine pharmacokinetics: models as data, an exact piecewise solver, population simulation.

For one patient and a planned session::

    from ketaflow.domain.pk import predict, program_from_segments
    program = program_from_segments([(240, Quantity(0.5, "mg/kg/h"))])
    prediction = predict(program, weight_kg=70, model="kamp2020")

Predictions are model predictions (see ``Prediction.label`` and ``prediction_site``).
"""

from ketaflow.domain.pk.disposition import Disposition, disposition
from ketaflow.domain.pk.effects import EffectBand, effect_bands
from ketaflow.domain.pk.models import PKModel, model_from_dict, model_get, model_list
from ketaflow.domain.pk.predict import PREDICTION_LABEL, Prediction, output_grid, predict
from ketaflow.domain.pk.program import Bolus, Infusion, Program, Timeline, program_from_segments, resolve

__all__ = [
    "PREDICTION_LABEL",
    "Bolus",
    "Disposition",
    "EffectBand",
    "Infusion",
    "PKModel",
    "Prediction",
    "Program",
    "Timeline",
    "disposition",
    "effect_bands",
    "model_from_dict",
    "model_get",
    "model_list",
    "output_grid",
    "predict",
    "program_from_segments",
    "resolve",
]
