"""Where a rule, threshold, score or parameter comes from, and which version decided.

Every clinical rule names a Source. Figures the reference marks unverified are
``Source.clinic_policy(...)``: a labelled default a clinic may change, never a fact.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Source:
    citation: str
    version: str
    kind: str = "literature"  # "literature" | "guideline" | "label" | "clinic policy"
    url: str = ""

    @classmethod
    def clinic_policy(cls, what: str, version: str) -> Source:
        return cls(citation=f"Clinic policy: {what}", version=version, kind="clinic policy")

    def as_dict(self) -> dict[str, str]:
        return {"citation": self.citation, "version": self.version, "kind": self.kind, "url": self.url}
