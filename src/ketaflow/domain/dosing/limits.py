"""Limit results: the explicit outcome of checking one value against soft and hard bounds.

A soft violation needs a prescriber's reason; a hard violation blocks (software-anchors.md §3.1).
Values within 1e-9 (relative) of a bound count as on the bound, so binary rounding of e.g.
0.1 + 0.2 never turns a pass into a violation; anything further out is reported, never clamped.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ketaflow.domain.protocols import Limit
from ketaflow.domain.sources import Source

PASS = "pass"
SOFT = "soft_violation"
HARD = "hard_violation"
NOT_EVALUATED = "not_evaluated"  # a value needed for the check is missing; a hard result says which
SEVERITY = {PASS: 0, NOT_EVALUATED: 1, SOFT: 2, HARD: 3}
_REL_TOL = 1e-9


@dataclass(frozen=True)
class LimitResult:
    name: str
    status: str  # pass | soft_violation | hard_violation | not_evaluated
    value: float | None
    unit: str
    bound: float | None  # the bound that was crossed (None when passing)
    bound_kind: str  # soft_min | soft_max | hard_min | hard_max | ""
    source: Source | None
    message: str
    limit: Limit | None = None  # all bounds, for display
    segment_index: int | None = None

    def as_dict(self) -> dict:
        """JSON-ready, for storing the decision beside its inputs."""
        bounds = {}
        if self.limit is not None:
            bounds = {k: getattr(self.limit, k) for k in ("soft_min", "soft_max", "hard_min", "hard_max")}
        return {
            "name": self.name, "status": self.status, "value": self.value, "unit": self.unit, "bound": self.bound,
            "bound_kind": self.bound_kind, "source": None if self.source is None else self.source.as_dict(),
            "message": self.message, "bounds": bounds, "segment_index": self.segment_index,
        }


def _below(value: float, bound: float) -> bool:
    return bound - value > _REL_TOL * abs(bound)


def _above(value: float, bound: float) -> bool:
    return value - bound > _REL_TOL * abs(bound)


def source_label(source: Source | None) -> str:
    """A short name for a limit's source, for messages: "Schwartzman et al. 2009", "clinic policy: ..."."""
    if source is None:
        return "no source"
    citation = source.citation.strip()
    if source.kind == "clinic policy":
        what = citation.removeprefix("Clinic policy:").strip()
        return "clinic policy: " + _first_clause(what)
    if " et al" in citation:
        year = f" {source.version}" if source.version.isdigit() else ""
        return citation.split(" et al")[0].split()[0] + " et al." + year
    if source.kind == "label":
        return citation.split(":")[0].strip()  # "Ketalar (ketamine HCl) label"
    return _first_clause(citation.split(":")[0])


def _first_clause(text: str) -> str:
    for mark in (" (", ";"):
        text = text.split(mark)[0]
    return text.strip()


def evaluate_limit(limit: Limit, value: float | None, *, segment_index: int | None = None,
                   note: str = "") -> LimitResult:
    """Classify ``value`` (already in ``limit.unit``) against the limit's hard, then soft, bounds.

    A violation's message names the quantity, its value and unit, the bound crossed with its kind
    (soft/hard) and the source of that bound."""
    def result(status, bound, kind, source, message):
        return LimitResult(limit.name, status, value, limit.unit, bound, kind, source, message, limit, segment_index)

    where = "" if segment_index is None else f" (segment {segment_index + 1})"
    if value is None:
        return result(NOT_EVALUATED, None, "", None, f"{limit.name}{where} not evaluated{note}")
    for kind, bound, test, source, status in (
        ("hard_min", limit.hard_min, _below, limit.hard_source, HARD),
        ("hard_max", limit.hard_max, _above, limit.hard_source, HARD),
        ("soft_min", limit.soft_min, _below, limit.source, SOFT),
        ("soft_max", limit.soft_max, _above, limit.source, SOFT),
    ):
        if bound is not None and test(value, bound):
            side = "below" if kind.endswith("min") else "above"
            text = f"{limit.name}{where} {value:.4g} {limit.unit} is {side} the {kind.replace('_', ' ')} {bound:g} {limit.unit}"
            return result(status, bound, kind, source, f"{text}{note}; source: {source_label(source)}")
    return result(PASS, None, "", limit.source, f"{limit.name}{where} {value:.4g} {limit.unit} within limits{note}")


def worst(results: Sequence[LimitResult]) -> LimitResult:
    return max(results, key=lambda r: SEVERITY[r.status])


