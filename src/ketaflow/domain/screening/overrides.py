"""Who may override a screening decision, as pure functions (the shell records the signatures).

- ``needs_review``: one prescriber with a recorded reason.
- ``not_eligible`` because an inclusion criterion is not met (no absolute contraindication): one
  prescriber with a recorded reason (clinic policy).
- ``not_eligible`` on an absolute contraindication: two different prescribers, each with a reason
  (the second is the co-signature).
- ``eligible``: nothing to override.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ketaflow.domain.screening.model import ScreeningDecision

PRESCRIBER_ROLE = "prescriber"


@dataclass(frozen=True)
class Override:
    prescriber_id: str
    reason: str
    role: str = PRESCRIBER_ROLE


@dataclass(frozen=True)
class OverrideCheck:
    allowed: bool
    needed: bool
    required_signatures: int
    valid_signatures: int
    problems: tuple[str, ...]
    message: str


def signatures_required(decision: ScreeningDecision) -> int:
    if decision.outcome == "eligible":
        return 0
    return 2 if decision.has_absolute_contraindication else 1


def override_allowed(decision: ScreeningDecision, overrides: Sequence[Override]) -> OverrideCheck:
    """Whether these signed overrides let the patient proceed despite ``decision``."""
    required = signatures_required(decision)
    if required == 0:
        return OverrideCheck(False, False, 0, 0, ("decision is eligible; nothing to override",),
                             "Eligible: no override needed.")
    problems: list[str] = []
    signers: list[str] = []
    for override in overrides:
        who = (override.prescriber_id or "").strip()
        if override.role != PRESCRIBER_ROLE:
            problems.append(f"{who or 'unknown'} is not a prescriber (role {override.role!r})")
        elif not who:
            problems.append("override without a prescriber id")
        elif not (override.reason or "").strip():
            problems.append(f"override by {who} has no recorded reason")
        elif who in signers:
            problems.append(f"{who} signed more than once; a co-signature must come from a different prescriber")
        else:
            signers.append(who)
    allowed = len(signers) >= required
    if allowed:
        message = f"Override accepted: {len(signers)} of {required} required prescriber signature(s)."
    elif required == 2:
        message = ("Absolute contraindication: override needs a reason from a prescriber and a co-signature from a "
                   f"second, different prescriber ({len(signers)} of 2 valid).")
    else:
        message = "Override needs a prescriber's recorded reason."
    return OverrideCheck(allowed, True, required, len(signers), tuple(problems), message)


CONCERNS = ("absolute", "relative", "not_met")


def screening_new_concerns(stored: ScreeningDecision, fresh: ScreeningDecision) -> tuple[str, ...]:
    """Concerns the rules find on today's intake that the stored decision did not have (e.g. an active
    psychosis recorded after the patient was screened eligible). A plan must not be signed on them:
    its screening is out of date (clinic policy: a signature rests on the intake as it is now)."""
    known = {(r.code, r.severity) for r in stored.reasons}
    return tuple(r.message for r in fresh.reasons if r.severity in CONCERNS and (r.code, r.severity) not in known)
