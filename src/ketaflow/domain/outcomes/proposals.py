"""What to propose after a series: a booster after response-then-relapse, a clinical review otherwise.

The core only proposes. A booster is a draft for a prescriber to review and sign (DESIGN.md: signed plans);
a non-response never proposes more ketamine (the evidence for fibromyalgia is weak, clinical.md §0).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, Protocol

from ketaflow.domain.outcomes.relapse import RelapseResult
from ketaflow.domain.sources import Source

RULE_VERSION = "proposals-2026.11.1"
POLICY_SOURCE = Source.clinic_policy(
    "after a completed series: response then relapse -> booster proposal; no response or not evaluable -> "
    "clinical review without further ketamine",
    RULE_VERSION,
)


class HasResponder(Protocol):
    @property
    def responder(self) -> bool | None: ...


@dataclass(frozen=True)
class BoosterProposal:
    booster_protocol_code: str
    relapse_day: date
    reason: str
    inputs: dict[str, Any]
    requires_prescriber_signature: bool = True
    status: str = "draft"
    rule_version: str = RULE_VERSION
    source: Source = POLICY_SOURCE
    kind: str = field(default="booster", init=False)


@dataclass(frozen=True)
class ClinicalReviewProposal:
    reason: str
    inputs: dict[str, Any]
    further_ketamine_proposed: bool = field(default=False, init=False)
    rule_version: str = RULE_VERSION
    source: Source = POLICY_SOURCE
    kind: str = field(default="clinical review", init=False)


@dataclass(frozen=True)
class NoProposal:
    reason: str
    inputs: dict[str, Any]
    rule_version: str = RULE_VERSION
    source: Source = POLICY_SOURCE
    kind: str = field(default="none", init=False)


Proposal = BoosterProposal | ClinicalReviewProposal | NoProposal


def propose_after_series(
    *,
    series_complete: bool,
    response: HasResponder,
    relapse: RelapseResult | None,
    booster_protocol_code: str,
) -> Proposal:
    """`response` is the end-of-series result (PainResponse, or Phq9Response for depression plans)."""
    responder = response.responder
    inputs = {
        "series_complete": series_complete,
        "responder": responder,
        "response_inputs": getattr(response, "inputs", {}),
        "relapsed": None if relapse is None else relapse.relapsed,
        "relapse_day": None
        if relapse is None or relapse.relapse_day is None
        else relapse.relapse_day.isoformat(),
        "relapse_rule_version": None if relapse is None else relapse.rule_version,
        "booster_protocol_code": booster_protocol_code,
    }
    if not series_complete:
        return NoProposal("series still in progress: response is judged after the series", inputs)
    if responder is None:
        return ClinicalReviewProposal(
            "response after the series could not be evaluated (missing or zero baseline, or too few diary days)",
            inputs,
        )
    if not responder:
        return ClinicalReviewProposal(
            "no response after the series: review the diagnosis and treatment plan; no further ketamine proposed",
            inputs,
        )
    if relapse is not None and relapse.relapsed and relapse.relapse_day is not None:
        return BoosterProposal(
            booster_protocol_code,
            relapse.relapse_day,
            f"responded after the series, then relapsed: {relapse.reason}",
            inputs,
        )
    return NoProposal("responding; no relapse detected", inputs)
