"""Pain response at day D after the series: the mean of the diary days ending on day D vs the baseline.

analytics-interop §1.2: D = 14, 28, 84 by default; a 7-day window is evaluable with >= 4 entries
(threshold ours: clinic policy); no last-observation-carried-forward.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from ketaflow.domain.errors import DomainValidationError
from ketaflow.domain.outcomes.baseline import Baseline
from ketaflow.domain.outcomes.diary_window import PainDiaryEntry, WindowMean, entries_by_day, window_mean
from ketaflow.domain.outcomes.response import PainResponse, pain_response
from ketaflow.domain.sources import Source

RULE_VERSION = "follow-up-2026.11.1"


@dataclass(frozen=True)
class FollowUpPolicy:
    window_days: int = 7
    min_entries: int = 4
    version: str = RULE_VERSION
    source: Source = field(
        default_factory=lambda: Source.clinic_policy(
            "follow-up pain = mean of the 7 diary days ending on day D after the last infusion, evaluable with "
            ">= 4 entries",
            RULE_VERSION,
        )
    )

    def __post_init__(self) -> None:
        if not 1 <= self.min_entries <= self.window_days <= 28:
            raise DomainValidationError("min_entries", "need 1 <= min_entries <= window_days <= 28")


@dataclass(frozen=True)
class FollowUpResponse:
    days_after: int
    window: WindowMean
    response: PainResponse
    inputs: dict[str, Any]
    rule_version: str
    source: Source


def pain_response_at_day(
    baseline: Baseline,
    entries: Iterable[PainDiaryEntry],
    *,
    last_infusion_day: date,
    days_after: int,
    policy: FollowUpPolicy | None = None,
) -> FollowUpResponse:
    policy = policy or FollowUpPolicy()
    if not 1 <= days_after <= 730:
        raise DomainValidationError("days_after", f"{days_after} is out of range", "1–730")
    end = last_infusion_day + timedelta(days=days_after)
    by_day = entries_by_day(entries)
    window = window_mean(by_day, end - timedelta(days=policy.window_days - 1), end, policy.min_entries)
    response = pain_response(baseline.mean_pain_nrs, window.mean_pain_nrs)
    if not window.evaluable:
        # Say which side was missing: the follow-up window, not the baseline.
        response = PainResponse(
            response.classification, None, f"follow-up window: {window.reason}", response.inputs
        )
    inputs = {
        "last_infusion_day": last_infusion_day.isoformat(),
        "days_after": days_after,
        "window_days": policy.window_days,
        "min_entries": policy.min_entries,
        "baseline": baseline.inputs,
        "pain_entries": {
            d.isoformat(): v for d, v in sorted(by_day.items()) if window.first_day <= d <= window.last_day
        },
        "response": response.inputs,
    }
    return FollowUpResponse(days_after, window, response, inputs, policy.version, policy.source)
