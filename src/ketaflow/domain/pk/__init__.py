"""Ketamine pharmacokinetics: models as data, an exact piecewise solver, population simulation.

For one patient and a planned session (an InfusionOrder from ketaflow.domain.dosing)::

    from ketaflow.domain.pk import predict, program_from_order
    prediction = predict(program_from_order(order), weight_kg=70, model="kamp2020")

For a population: :func:`simulate_population` (summaries per patient, optional curves, chunked).

Predictions are model predictions (see ``Prediction.label`` and ``prediction_site``).
"""

from ketaflow.domain.pk.disposition import Disposition, disposition
from ketaflow.domain.pk.effects import EffectBand, effect_bands
from ketaflow.domain.pk.metabolites import MetaboliteChain, MetaboliteStep, solve_chain
from ketaflow.domain.pk.models import PKModel, model_from_dict, model_get, model_list
from ketaflow.domain.pk.population import (
    ANALGESIA_BAND_MG_PER_L,
    PopulationChunk,
    PopulationResult,
    Variability,
    iter_population_chunks,
    sample_parameters,
    simulate_population,
)
from ketaflow.domain.pk.predict import PREDICTION_LABEL, Prediction, output_grid, predict
from ketaflow.domain.pk.program import (
    Bolus,
    Infusion,
    Program,
    Timeline,
    program_from_order,
    program_from_segments,
    resolve,
)

__all__ = [
    "ANALGESIA_BAND_MG_PER_L",
    "MetaboliteChain",
    "MetaboliteStep",
    "PopulationChunk",
    "PopulationResult",
    "Variability",
    "iter_population_chunks",
    "program_from_order",
    "sample_parameters",
    "simulate_population",
    "solve_chain",
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
