"""Ketamine PK models as data: one JSON file per published model in ``pk/models/``, its citation beside it.

A model turns a body weight into compartment volumes (L) and clearances (L/min), the form every
solver here uses. Two parameterisations cover the published sets:

* ``micro_constants`` (Domino / STANPUMP): V1 = v1_l_per_kg × W, rate constants fixed (1/min), so
  V2 = V1·k12/k21, V3 = V1·k13/k31, CL = k10·V1, Q2 = k12·V1, Q3 = k13·V1 (pk.md §1.1).
* ``allometric`` (Kamp 2020 as SimTIVA implements it, Herd 2007): volumes × (W/Wref)^volume_exponent,
  clearances (given in L/h, converted once here via units.py) × (W/Wref)^clearance_exponent (pk.md §1.2).

Adding a model is adding a JSON file; no code changes.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import cache
from importlib import resources

import numpy as np

from ketaflow.domain import units
from ketaflow.domain.errors import DomainValidationError
from ketaflow.domain.sources import Source

PARAMETER_NAMES = ("V1", "V2", "V3", "CL", "Q2", "Q3")


@dataclass(frozen=True)
class Ke0:
    """Effect-site equilibration rate: a constant, or a·ln(W) + b (SimTIVA's Kamp form)."""

    kind: str  # "constant" | "log_weight"
    per_min: float
    a_per_min: float
    b_per_min: float
    source: Source

    def at(self, weight_kg):
        if self.kind == "constant":
            return np.full_like(np.asarray(weight_kg, dtype=float), self.per_min)
        return self.a_per_min * np.log(np.asarray(weight_kg, dtype=float)) + self.b_per_min


@dataclass(frozen=True)
class PKModel:
    code: str
    version: str
    name: str
    population: str
    prediction_site: str  # shown beside every prediction, e.g. "arterial"
    citation: Source
    parameterisation: str
    n_compartments: int
    # micro_constants
    v1_l_per_kg: float = math.nan
    k_per_min: tuple[tuple[str, float], ...] = ()
    # allometric
    reference_weight_kg: float = 70.0
    volumes_l: tuple[float, ...] = ()
    volume_weight_exponent: float = 1.0
    clearances_l_per_min: tuple[float, ...] = ()
    clearance_weight_exponent: float = 1.0
    ke0: Ke0 | None = None
    iiv_cv: tuple[tuple[str, float], ...] = ()  # published between-subject CVs, if any

    @property
    def parameter_names(self) -> tuple[str, ...]:
        n = self.n_compartments
        return PARAMETER_NAMES[:n] + PARAMETER_NAMES[3 : 3 + n]

    def typical_parameters(self, weight_kg) -> tuple[np.ndarray, np.ndarray]:
        """Volumes (…, n) in L and clearances (…, n) [CL, Q2, Q3] in L/min for weight(s) in kg."""
        w = np.asarray(weight_kg, dtype=float)
        if np.any(~np.isfinite(w)) or np.any(w <= 0):
            raise DomainValidationError("weight_kg", "must be finite and > 0", "> 0 kg")
        if self.parameterisation == "micro_constants":
            k = dict(self.k_per_min)
            v1 = self.v1_l_per_kg * w
            volumes = [v1, v1 * k["k12"] / k["k21"], v1 * k["k13"] / k["k31"]]
            clearances = [k["k10"] * v1, k["k12"] * v1, k["k13"] * v1]
            n = self.n_compartments
            return np.stack(volumes[:n], axis=-1), np.stack(clearances[:n], axis=-1)
        scale = w / self.reference_weight_kg
        v_scale = scale**self.volume_weight_exponent
        cl_scale = scale**self.clearance_weight_exponent
        volumes = np.stack([v * v_scale for v in self.volumes_l], axis=-1)
        clearances = np.stack([c * cl_scale for c in self.clearances_l_per_min], axis=-1)
        return volumes, clearances

    def ke0_per_min(self, weight_kg):
        return None if self.ke0 is None else self.ke0.at(weight_kg)


def _source(raw: dict) -> Source:
    return Source(**raw)


def model_from_dict(raw: dict) -> PKModel:
    """Build a model from JSON-shaped data (the files in ``pk/models/``, or a clinic's own)."""
    try:
        code = raw["code"]
        kind = raw["parameterisation"]
        ke0_raw = raw.get("ke0")
        ke0 = None
        if ke0_raw:
            ke0 = Ke0(
                kind=ke0_raw["kind"],
                per_min=float(ke0_raw.get("per_min", math.nan)),
                a_per_min=float(ke0_raw.get("a_per_min", math.nan)),
                b_per_min=float(ke0_raw.get("b_per_min", math.nan)),
                source=_source(ke0_raw["source"]),
            )
        common = dict(
            code=code, version=str(raw["version"]), name=raw["name"], population=raw.get("population", ""),
            prediction_site=raw["prediction_site"], citation=_source(raw["citation"]), parameterisation=kind,
            ke0=ke0, iiv_cv=tuple(sorted((raw.get("iiv_cv") or {}).items())),
        )
        if kind == "micro_constants":
            k = {name: float(v) for name, v in raw["k_per_min"].items()}
            n = 1 + ("k12" in k) + ("k13" in k)
            return PKModel(**common, n_compartments=n, v1_l_per_kg=float(raw["v1_l_per_kg"]),
                           k_per_min=tuple(sorted(k.items())))
        if kind == "allometric":
            volumes = tuple(float(v) for v in raw["volumes_l"])
            clearances = tuple(float(units.l_per_h_to_l_per_min(c)) for c in raw["clearances_l_per_h"])
            if len(volumes) != len(clearances) or not 1 <= len(volumes) <= 3:
                raise DomainValidationError(f"model {code}", "needs 1-3 volumes and as many clearances")
            return PKModel(**common, n_compartments=len(volumes), reference_weight_kg=float(raw["reference_weight_kg"]),
                           volumes_l=volumes, volume_weight_exponent=float(raw["volume_weight_exponent"]),
                           clearances_l_per_min=clearances,
                           clearance_weight_exponent=float(raw["clearance_weight_exponent"]))
    except KeyError as missing:
        raise DomainValidationError(f"model.{missing.args[0]}", "is required") from None
    raise DomainValidationError("model.parameterisation", f"unknown {kind!r}", "micro_constants, allometric")


@cache
def _all() -> dict[str, PKModel]:
    folder = resources.files(__package__).joinpath("models")
    models = [model_from_dict(json.loads(p.read_text())) for p in folder.iterdir() if p.name.endswith(".json")]
    return {m.code: m for m in models}


def model_list() -> tuple[PKModel, ...]:
    return tuple(_all()[c] for c in sorted(_all()))


def model_get(code: str) -> PKModel:
    try:
        return _all()[code]
    except KeyError:
        raise DomainValidationError("model", f"unknown PK model {code!r}", ", ".join(sorted(_all()))) from None
