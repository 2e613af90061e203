"""Baseline before the first infusion: mean daily pain NRS over a window, plus intake FIQR and PHQ-9.

Window and minimum entries are clinic policy (analytics-interop §1.2: 7 days, ≥4 of 7 "threshold ours").
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction
from typing import Any

from ketaflow.domain.errors import DomainValidationError
from ketaflow.domain.outcomes.diary_window import PainDiaryEntry, WindowMean, entries_by_day, window_mean
from ketaflow.domain.outcomes.exact import exact_in_range, fraction_text
from ketaflow.domain.sources import Source

RULE_VERSION = "baseline-2026.11.1"


@dataclass(frozen=True)
class BaselinePolicy:
    window_days: int = 7
    min_entries: int = 4
    version: str = RULE_VERSION
    source: Source = field(
        default_factory=lambda: Source.clinic_policy(
            "baseline = mean daily pain NRS over the 7 days before infusion 1, evaluable with >= 4 entries",
            RULE_VERSION,
        )
    )

    def __post_init__(self) -> None:
        if not 1 <= self.window_days <= 28:
            raise DomainValidationError("window_days", f"{self.window_days} is out of range", "1–28")
        if not 1 <= self.min_entries <= self.window_days:
            raise DomainValidationError(
                "min_entries", f"{self.min_entries} is out of range", f"1–{self.window_days}"
            )


@dataclass(frozen=True)
class Baseline:
    pain: WindowMean
    fiqr_total: Fraction | None
    phq9_total: int | None
    first_infusion_day: date
    inputs: dict[str, Any]
    rule_version: str
    source: Source

    @property
    def pain_evaluable(self) -> bool:
        return self.pain.evaluable

    @property
    def mean_pain_nrs(self) -> Fraction | None:
        return self.pain.mean_pain_nrs


def baseline_assess(
    entries: Iterable[PainDiaryEntry],
    first_infusion_day: date,
    *,
    intake_fiqr_total: int | Fraction | Decimal | float | None = None,
    intake_phq9_total: int | None = None,
    policy: BaselinePolicy | None = None,
) -> Baseline:
    """Baseline pain from the `window_days` days before (not including) the first infusion day."""
    policy = policy or BaselinePolicy()
    by_day = entries_by_day(entries)
    last_day = first_infusion_day - timedelta(days=1)
    first_day = first_infusion_day - timedelta(days=policy.window_days)
    pain = window_mean(by_day, first_day, last_day, policy.min_entries)
    fiqr = (
        None if intake_fiqr_total is None else exact_in_range(intake_fiqr_total, "intake_fiqr_total", 0, 100)
    )
    if intake_phq9_total is not None and (
        isinstance(intake_phq9_total, bool)
        or not isinstance(intake_phq9_total, int)
        or not 0 <= intake_phq9_total <= 27
    ):
        raise DomainValidationError(
            "intake_phq9_total", f"{intake_phq9_total} is not a PHQ-9 total", "whole number 0–27"
        )
    inputs = {
        "first_infusion_day": first_infusion_day.isoformat(),
        "window_days": policy.window_days,
        "min_entries": policy.min_entries,
        "pain_entries": {d.isoformat(): v for d, v in sorted(by_day.items()) if first_day <= d <= last_day},
        "intake_fiqr_total": fraction_text(fiqr),
        "intake_phq9_total": intake_phq9_total,
    }
    return Baseline(pain, fiqr, intake_phq9_total, first_infusion_day, inputs, policy.version, policy.source)


def baseline_at_risk(
    first_infusion_day: date, today: date, pain_days: Iterable[date], *, policy: BaselinePolicy | None = None
) -> str | None:
    """Before infusion 1: why the baseline can no longer reach its minimum entries, or None.

    Counts the days of the window already rated plus every window day still to come (today included); when
    that is below `min_entries`, the baseline will be "not evaluable" whatever the patient does now, so the
    response after the series cannot be judged. Said early so staff can move infusion 1 or act."""
    policy = policy or BaselinePolicy()
    first = first_infusion_day - timedelta(days=policy.window_days)
    last = first_infusion_day - timedelta(days=1)
    if today > last:
        return None  # the window is over: the baseline itself says whether it was evaluable
    rated = {d for d in pain_days if first <= d < today}
    ahead = (last - max(today, first)).days + 1
    possible = len(rated) + ahead
    if possible >= policy.min_entries:
        return None
    return (f"baseline at risk: infusion 1 on {first_infusion_day.isoformat()} leaves at most {possible} pain diary "
            f"day(s) in the {policy.window_days} days before it (the baseline needs {policy.min_entries})")
