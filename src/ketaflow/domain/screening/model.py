"""Screening values: the policy a clinic sets, the input assembled at intake, the decision.

All frozen; collections are frozensets/tuples (lists are accepted and converted). The decision
carries the rule-set and policy versions and a plain-dict snapshot of its inputs, so the shell can
store what was decided together with what it was decided from.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import date
from typing import Any

from ketaflow.domain.instruments.base import ScoreResult
from ketaflow.domain.sources import Source

OUTCOMES = ("eligible", "needs_review", "not_eligible")
OUTCOME_LABELS = {"eligible": "Eligible", "needs_review": "Needs prescriber review", "not_eligible": "Not eligible"}
SEVERITY_LABELS = {"absolute": "Absolute contraindication", "relative": "Needs review", "info": "Information",
                   "met": "Criterion met", "not_met": "Criterion not met"}
REASON_SEVERITIES = ("absolute", "relative", "info", "met", "not_met")


def _freeze(obj: Any, *names: str) -> None:
    for name in names:
        value = getattr(obj, name)
        if not isinstance(value, frozenset):
            object.__setattr__(obj, name, frozenset(value))


@dataclass(frozen=True)
class ScreeningPolicy:
    """Clinic-set screening parameters. Every default is a labelled clinic policy, not a published
    standard (DESIGN.md: unverified figures are configurable policies); change them by issuing a
    new ``version``."""

    version: str = "clinic-policy-screening-v1 (defaults)"
    # Treatment resistance: distinct therapy classes whose adequate trial failed.
    require_treatment_resistance: bool = True
    min_failed_therapy_classes: int = 2
    failure_outcomes: frozenset[str] = frozenset({"failed", "not_tolerated"})
    counted_therapy_groups: frozenset[str] = frozenset({"pharmacological"})
    # Fibromyalgia diagnosis: which ACR versions count, and whether a documented diagnosis suffices.
    accepted_acr_versions: frozenset[str] = frozenset({"2010", "2011", "2016"})
    accept_documented_diagnosis: bool = True
    # Age: below the minimum is a hard stop; above the review age needs a prescriber.
    min_age_years: int = 18
    review_above_age_years: int = 75
    # PHQ-9: missing, stale or severe results need a prescriber.
    require_phq9: bool = True
    phq9_review_total: int = 20
    max_assessment_age_days: int = 90
    # Ask for a pregnancy status confirmation for female patients in this age range.
    pregnancy_check_age_years: tuple[int, int] = (12, 55)

    def __post_init__(self) -> None:
        _freeze(self, "failure_outcomes", "counted_therapy_groups", "accepted_acr_versions")

    def source(self, what: str) -> Source:
        return Source.clinic_policy(what, self.version)

    def as_dict(self) -> dict[str, Any]:
        return {f.name: _plain(getattr(self, f.name)) for f in fields(self)}


DEFAULT_POLICY = ScreeningPolicy()


@dataclass(frozen=True)
class TherapyTrial:
    """One prior therapy trial: codes from prior_therapies.json and therapy_outcomes.json.
    ``adequate`` is the clinician's judgement that dose and duration were adequate."""

    therapy_code: str
    outcome_code: str
    adequate: bool = True


@dataclass(frozen=True)
class ScreeningInput:
    """What screening needs. Codes come from domain/codes/*.json; ``indication`` is a comorbidity
    code (fibromyalgia, crps, chronic_pain, neuropathic_pain, migraine, depression)."""

    age_years: int
    sex: str
    indication: str
    comorbidity_codes: frozenset[str] = frozenset()
    medication_class_codes: frozenset[str] = frozenset()
    therapy_trials: tuple[TherapyTrial, ...] = ()
    acr_result: ScoreResult | None = None
    acr_assessed_on: date | None = None
    documented_fibromyalgia_diagnosis: bool = False
    phq9_result: ScoreResult | None = None
    phq9_assessed_on: date | None = None
    allergy_codes: frozenset[str] = frozenset()
    serial_infusions_planned: bool = True
    policy: ScreeningPolicy = DEFAULT_POLICY

    def __post_init__(self) -> None:
        _freeze(self, "comorbidity_codes", "medication_class_codes", "allergy_codes")
        if not isinstance(self.therapy_trials, tuple):
            object.__setattr__(self, "therapy_trials", tuple(self.therapy_trials))

    def as_dict(self) -> dict[str, Any]:
        out = {f.name: _plain(getattr(self, f.name)) for f in fields(self) if f.name != "policy"}
        out["policy"] = self.policy.as_dict()
        return out


@dataclass(frozen=True)
class Reason:
    """One finding. severity: "absolute" (contraindication, hard stop), "relative" (prescriber
    review), "info" (recorded), "met" / "not_met" (an inclusion criterion)."""

    code: str
    severity: str
    message: str
    source: Source
    evidence_ids: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "severity": self.severity, "message": self.message,
                "source": self.source.as_dict(), "evidence_ids": list(self.evidence_ids)}


@dataclass(frozen=True)
class ScreeningDecision:
    outcome: str  # one of OUTCOMES
    reasons: tuple[Reason, ...]
    rule_set_version: str
    policy_version: str
    screened_on: date
    inputs: dict[str, Any] = field(default_factory=dict)

    def reasons_with(self, severity: str) -> tuple[Reason, ...]:
        return tuple(r for r in self.reasons if r.severity == severity)

    def has_reason(self, code: str) -> bool:
        return any(r.code == code for r in self.reasons)

    @property
    def has_absolute_contraindication(self) -> bool:
        return bool(self.reasons_with("absolute"))

    def as_dict(self) -> dict[str, Any]:
        return {"outcome": self.outcome, "reasons": [r.as_dict() for r in self.reasons],
                "rule_set_version": self.rule_set_version, "policy_version": self.policy_version,
                "screened_on": self.screened_on.isoformat(), "inputs": self.inputs}


def _plain(value: Any) -> Any:
    if isinstance(value, frozenset | set):
        return sorted(_plain(v) for v in value)
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    if isinstance(value, ScoreResult):
        return value.as_dict()
    if isinstance(value, TherapyTrial):
        return {"therapy_code": value.therapy_code, "outcome_code": value.outcome_code, "adequate": value.adequate}
    if isinstance(value, date):
        return value.isoformat()
    return value
