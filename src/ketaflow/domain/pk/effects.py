"""Concentrations linked to effects (pk.md §2), as reference data drawn beside a prediction.

Mostly venous, racemic measurements; model predictions may be arterial. They are context for the
reader, never dosing targets: nothing in Ketaflow steers a dose towards or away from a band.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources

from ketaflow.domain.sources import Source


@dataclass(frozen=True)
class EffectBand:
    code: str
    label: str
    low_ng_per_ml: float
    high_ng_per_ml: float
    site: str
    source: Source


@cache
def effect_bands() -> tuple[EffectBand, ...]:
    raw = json.loads(resources.files(__package__).joinpath("effect_bands.json").read_text())
    return tuple(
        EffectBand(b["code"], b["label"], float(b["low_ng_per_ml"]), float(b["high_ng_per_ml"]), b["site"],
                   Source(**b["source"]))
        for b in raw["bands"]
    )
