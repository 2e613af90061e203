"""Coded lists kept as data (JSON beside this module), loaded once.

Each entry has a stable local ``code`` (what Ketaflow stores), a ``display`` and, where one was
verified, a standard coding (SNOMED CT / RxNorm). Codes the reference could not verify carry
``"verified": false`` so exports can leave them out rather than send a wrong code.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources

SNOMED = "http://snomed.info/sct"
RXNORM = "http://www.nlm.nih.gov/research/umls/rxnorm"
LOINC = "http://loinc.org"
LOCAL = "https://ketaflow.example/codes"


@dataclass(frozen=True)
class Code:
    code: str
    display: str
    system: str = LOCAL
    system_code: str = ""
    verified: bool = False
    group: str = ""


@cache
def code_list(name: str) -> tuple[Code, ...]:
    """Load ``<name>.json``: one of drug_classes, comorbidities, prior_therapies, therapy_outcomes, sexes."""
    raw = json.loads(resources.files(__package__).joinpath(f"{name}.json").read_text())
    return tuple(Code(**entry) for entry in raw["codes"])


def code_choices(name: str) -> list[tuple[str, str]]:
    return [(c.code, c.display) for c in code_list(name)]


def code_lookup(name: str, code: str) -> Code | None:
    return next((c for c in code_list(name) if c.code == code), None)
