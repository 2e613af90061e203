"""GAD-7 (Spitzer 2006): seven items 0-3, total 0-21; 10 or more calls for further evaluation."""

from __future__ import annotations

from ketaflow.domain.instruments.base import SummedInstrument, load_definition

DEFINITION = load_definition(__package__, "gad7.json")

GAD7 = SummedInstrument(DEFINITION)
