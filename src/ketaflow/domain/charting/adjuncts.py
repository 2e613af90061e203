"""Adjunct drugs given during an infusion and their maximum single doses.

clinical.md §2.3 and §6 name the drugs clinics use (ondansetron for nausea, midazolam for distressing
dissociation, clonidine or labetalol for hypertension); the dose ceilings are typical adult IV single doses,
set as clinic policy defaults for the medical director to review — a dose above one is refused.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from ketaflow.domain.errors import DomainValidationError
from ketaflow.domain.sources import Source

VERSION = "adjuncts-2026.11.1"
POLICY = Source.clinic_policy("maximum single adjunct doses (typical adult IV doses)", VERSION)


@dataclass(frozen=True)
class Adjunct:
    code: str
    display: str
    max_single_dose_mg: float


ADJUNCTS = {
    a.code: a
    for a in (
        Adjunct("ondansetron", "Ondansetron", 8),
        Adjunct("midazolam", "Midazolam", 2),
        Adjunct("clonidine", "Clonidine", 0.3),
        Adjunct("labetalol", "Labetalol", 20),
    )
}


def check_adjunct_dose(drug: str, dose_mg: float) -> Adjunct:
    adjunct = ADJUNCTS.get(drug)
    if adjunct is None:
        raise DomainValidationError("drug", f"unknown adjunct {drug!r}", ", ".join(ADJUNCTS))
    if isinstance(dose_mg, bool) or not isinstance(dose_mg, int | float) or not math.isfinite(dose_mg) or dose_mg <= 0:
        raise DomainValidationError("dose_mg", f"must be a positive number, got {dose_mg!r}", "> 0 mg")
    if dose_mg > adjunct.max_single_dose_mg:
        raise DomainValidationError("dose_mg", f"{dose_mg:g} mg of {adjunct.display} is above the single-dose maximum",
                                    f"0–{adjunct.max_single_dose_mg:g} mg ({POLICY.citation})")  # fmt: skip
    return adjunct
