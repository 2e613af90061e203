"""One patient's predicted concentration curve: what a page or a PDF draws for a planned session.

Every prediction says it is a model prediction, which model (with its citation and version) and at
which site (Kamp predicts arterial concentrations; clinic samples are venous, pk.md §2.5).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ketaflow.domain import units
from ketaflow.domain.errors import DomainValidationError
from ketaflow.domain.pk.disposition import disposition
from ketaflow.domain.pk.models import PKModel, model_get
from ketaflow.domain.pk.program import Program, resolve
from ketaflow.domain.pk.solver import solve_patient
from ketaflow.domain.sources import Source

PREDICTION_LABEL = "model prediction, not a measurement"


@dataclass(frozen=True)
class Prediction:
    t_min: np.ndarray
    conc_plasma_mg_per_l: np.ndarray
    conc_effect_mg_per_l: np.ndarray | None  # None when the model has no ke0 or it was not asked for
    auc_mg_min_per_l: float  # exact, from 0 to t_min[-1]
    weight_kg: float
    model_code: str
    model_version: str
    model_citation: Source
    prediction_site: str
    ke0_per_min: float | None
    label: str = PREDICTION_LABEL

    @property
    def conc_plasma_ng_per_ml(self) -> np.ndarray:
        return units.mg_per_l_to_ng_per_ml(self.conc_plasma_mg_per_l)

    @property
    def conc_effect_ng_per_ml(self) -> np.ndarray | None:
        return None if self.conc_effect_mg_per_l is None else units.mg_per_l_to_ng_per_ml(self.conc_effect_mg_per_l)

    @property
    def cmax_mg_per_l(self) -> float:
        return float(self.conc_plasma_mg_per_l.max())

    @property
    def tmax_min(self) -> float:
        return float(self.t_min[int(np.argmax(self.conc_plasma_mg_per_l))])


def output_grid(end_min: float, step_min: float = 1.0) -> np.ndarray:
    """0, step, 2·step, … up to and including end_min; each point is k·step exactly (no running sum)."""
    if not (math.isfinite(end_min) and end_min >= 0):
        raise DomainValidationError("end_min", f"must be finite and >= 0, got {end_min!r}", ">= 0")
    if not (math.isfinite(step_min) and step_min > 0):
        raise DomainValidationError("step_min", f"must be finite and > 0, got {step_min!r}", "> 0")
    n = int(math.floor(end_min / step_min + 1e-9))
    grid = np.arange(n + 1) * step_min
    return grid if math.isclose(grid[-1], end_min, rel_tol=1e-12, abs_tol=1e-12) else np.append(grid, end_min)


def predict(
    program: Program,
    *,
    weight_kg: float,
    model: PKModel | str = "kamp2020",
    t_min=None,
    end_min: float | None = None,
    step_min: float = 1.0,
    effect_site: bool = True,
    ke0_per_min: float | None = None,
) -> Prediction:
    """Exact Cp (and Ce) for one patient.

    Outputs at ``t_min`` if given, else every ``step_min`` from 0 to ``end_min`` (default: the end of the
    programme plus 2 h of washout). ``ke0_per_min`` overrides the model's ke0.
    """
    pk_model = model_get(model) if isinstance(model, str) else model
    if not (isinstance(weight_kg, int | float) and math.isfinite(weight_kg) and weight_kg > 0):
        raise DomainValidationError("weight_kg", f"must be finite and > 0, got {weight_kg!r}", "> 0 kg")
    if t_min is None:
        t = output_grid(program.end_min + 120.0 if end_min is None else end_min, step_min)
    else:
        t = np.asarray(t_min, dtype=float)
        if t.ndim != 1 or t.size == 0 or np.any(~np.isfinite(t)) or np.any(t < 0) or np.any(np.diff(t) < 0):
            raise DomainValidationError("t_min", "must be a non-empty, sorted 1-D array of times >= 0", "sorted, >= 0")
    volumes, clearances = pk_model.typical_parameters(float(weight_kg))
    ke0 = ke0_per_min
    if ke0 is None and effect_site and pk_model.ke0 is not None:
        ke0 = float(pk_model.ke0_per_min(float(weight_kg)))
    if not effect_site:
        ke0 = None
    cp, ce, auc = solve_patient(disposition(volumes, clearances), resolve(program, float(weight_kg)), t, ke0)
    return Prediction(
        t_min=t, conc_plasma_mg_per_l=cp, conc_effect_mg_per_l=ce, auc_mg_min_per_l=auc, weight_kg=float(weight_kg),
        model_code=pk_model.code, model_version=pk_model.version, model_citation=pk_model.citation,
        prediction_site=pk_model.prediction_site, ke0_per_min=ke0,
    )
