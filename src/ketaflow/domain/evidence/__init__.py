"""The studies behind Ketaflow's rules and consent text, as data (studies.json, clinical.md §3).

Screening reasons and content pages link to these by ``id``. The evidence for fibromyalgia is weak
and short-lived; the entries say so in their own words and the product never claims more.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources

from ketaflow.domain.errors import DomainValidationError


@dataclass(frozen=True)
class Study:
    id: str
    kind: str  # "study" | "guideline" | "safety"
    indication: str
    citation: str
    design: str
    n: int | None
    dose: str
    effect: str
    duration: str
    notes: str = ""
    doi: str = ""
    verified: bool = True  # False: the reference marks key figures unverified

    def as_dict(self) -> dict[str, object]:
        return dict(self.__dict__)


@cache
def load_studies() -> tuple[Study, ...]:
    raw = json.loads(resources.files(__package__).joinpath("studies.json").read_text(encoding="utf-8"))
    return tuple(Study(**entry) for entry in raw["studies"])


def study(study_id: str) -> Study:
    for entry in load_studies():
        if entry.id == study_id:
            return entry
    raise DomainValidationError("study_id", f"unknown study {study_id!r}", ", ".join(s.id for s in load_studies()))


def studies_for(indication: str) -> tuple[Study, ...]:
    return tuple(s for s in load_studies() if s.indication == indication)
