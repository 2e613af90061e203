"""Relapse after a response: rolling mean pain back within the response threshold for N consecutive days.

Clinic policy, not a published definition (analytics-interop §1.2 "policy, configurable"). A day counts
toward relapse when its rolling-window mean no longer meets the IMMPACT response threshold, i.e. the
same inclusive boundary as response: exactly 30 % below baseline is still a response.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from fractions import Fraction
from typing import Any

from ketaflow.domain.errors import DomainValidationError
from ketaflow.domain.outcomes.diary_window import PainDiaryEntry, entries_by_day, window_mean
from ketaflow.domain.outcomes.exact import Number, exact_in_range, fraction_text, percent_reduction
from ketaflow.domain.sources import Source

RULE_VERSION = "relapse-2026.11.1"


@dataclass(frozen=True)
class RelapsePolicy:
    rolling_window_days: int = 7
    min_entries: int = 4
    response_percent: int = 30
    consecutive_days: int = 3
    version: str = RULE_VERSION
    source: Source = field(
        default_factory=lambda: Source.clinic_policy(
            "relapse = rolling 7-day mean pain NRS less than 30 % below baseline on 3 consecutive evaluable days "
            "(windows need >= 4 diary entries)",
            RULE_VERSION,
        )
    )

    def __post_init__(self) -> None:
        checks = (
            ("rolling_window_days", self.rolling_window_days, 1, 28),
            ("min_entries", self.min_entries, 1, self.rolling_window_days),
            ("response_percent", self.response_percent, 1, 99),
            ("consecutive_days", self.consecutive_days, 1, 60),
        )
        for name, value, low, high in checks:
            if not low <= value <= high:
                raise DomainValidationError(name, f"{value} is out of range", f"{low}–{high}")


@dataclass(frozen=True)
class RelapseDay:
    day: date
    rolling_mean_pain_nrs: Fraction | None
    percent_reduction: Fraction | None
    status: str  # "responding" | "relapsing" | "not evaluable"


@dataclass(frozen=True)
class RelapseResult:
    evaluable: bool
    relapsed: bool
    relapse_day: date | None  # the day the N-th consecutive relapsing day confirmed it
    run_first_day: date | None
    days: tuple[RelapseDay, ...]
    reason: str
    inputs: dict[str, Any]
    rule_version: str
    source: Source


def detect_relapse(
    baseline_pain_nrs: Number | None,
    entries: Iterable[PainDiaryEntry],
    *,
    response_start_day: date,
    as_of_day: date,
    policy: RelapsePolicy | None = None,
) -> RelapseResult:
    """Scan days from the first full window after `response_start_day` up to `as_of_day` inclusive.

    Windows never reach back before the response started, so pre-response pain cannot trigger a relapse.
    A not-evaluable day breaks a run: a relapse needs N evaluable days in a row, never inferred from gaps.
    """
    policy = policy or RelapsePolicy()
    baseline = (
        None if baseline_pain_nrs is None else exact_in_range(baseline_pain_nrs, "baseline_pain_nrs", 0, 10)
    )
    by_day = entries_by_day(entries)
    inputs = {
        "baseline_pain_nrs": fraction_text(baseline),
        "response_start_day": response_start_day.isoformat(),
        "as_of_day": as_of_day.isoformat(),
        "policy": {
            "rolling_window_days": policy.rolling_window_days,
            "min_entries": policy.min_entries,
            "response_percent": policy.response_percent,
            "consecutive_days": policy.consecutive_days,
        },
        "pain_entries": {
            d.isoformat(): v for d, v in sorted(by_day.items()) if response_start_day <= d <= as_of_day
        },
    }

    def result(evaluable, relapsed, day, run_first, days, reason):
        return RelapseResult(
            evaluable, relapsed, day, run_first, tuple(days), reason, inputs, policy.version, policy.source
        )

    if baseline is None:
        return result(False, False, None, None, [], "no evaluable baseline pain")
    if baseline == 0:
        return result(
            False, False, None, None, [], "baseline pain is 0: relapse relative to baseline is undefined"
        )
    first_scan = response_start_day + timedelta(days=policy.rolling_window_days - 1)
    days: list[RelapseDay] = []
    run_first: date | None = None
    run_length = 0
    day = first_scan
    while day <= as_of_day:
        window = window_mean(
            by_day, day - timedelta(days=policy.rolling_window_days - 1), day, policy.min_entries
        )
        if window.mean_pain_nrs is None:
            days.append(RelapseDay(day, None, None, "not evaluable"))
            run_first, run_length = None, 0
        else:
            reduction = percent_reduction(baseline, window.mean_pain_nrs)
            relapsing = reduction < policy.response_percent
            days.append(
                RelapseDay(day, window.mean_pain_nrs, reduction, "relapsing" if relapsing else "responding")
            )
            if relapsing:
                run_first = run_first or day
                run_length += 1
                if run_length == policy.consecutive_days:
                    return result(
                        True,
                        True,
                        day,
                        run_first,
                        days,
                        f"rolling mean pain less than {policy.response_percent} % below baseline on "
                        f"{run_length} consecutive days from {run_first.isoformat()}",
                    )
            else:
                run_first, run_length = None, 0
        day += timedelta(days=1)
    if not days:
        return result(False, False, None, None, days, "no full rolling window since the response started")
    return result(True, False, None, None, days, "no relapse")


PHQ9_RELAPSE_SOURCE = Source.clinic_policy(
    "depression relapse = PHQ-9 >= 10 and >= 50 % of the pre-induction total (analytics-interop 1.2 example)",
    RULE_VERSION,
)


@dataclass(frozen=True)
class Phq9Relapse:
    relapsed: bool
    reason: str
    inputs: dict[str, Any]
    rule_version: str = RULE_VERSION
    source: Source = PHQ9_RELAPSE_SOURCE


def phq9_relapse(
    baseline_total: int, current_total: int, *, at_least: int = 10, percent_of_baseline: int = 50
) -> Phq9Relapse:
    """Both conditions, so a low-baseline patient at PHQ-9 6 is not called relapsed."""
    for name, value in (("baseline_phq9_total", baseline_total), ("current_phq9_total", current_total)):
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 27:
            raise DomainValidationError(name, f"{value!r} is not a PHQ-9 total", "whole number 0–27")
    inputs = {
        "baseline_phq9_total": baseline_total,
        "current_phq9_total": current_total,
        "at_least": at_least,
        "percent_of_baseline": percent_of_baseline,
    }
    high = current_total >= at_least
    back = current_total * 100 >= percent_of_baseline * baseline_total
    relapsed = high and back
    reason = (
        f"PHQ-9 {current_total}: {'>=' if high else '<'} {at_least}, "
        f"{'>=' if back else '<'} {percent_of_baseline} % of baseline {baseline_total}"
    )
    return Phq9Relapse(relapsed, reason, inputs)
