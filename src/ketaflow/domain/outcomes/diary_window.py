"""Mean daily pain over a window of diary days, with missing days made explicit.

Used for the baseline and for follow-up windows (analytics-interop §1.2): no imputation, no
last-observation-carried-forward; a window with too few entries is "not evaluable", never guessed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from fractions import Fraction

from ketaflow.domain.errors import DomainValidationError


@dataclass(frozen=True)
class PainDiaryEntry:
    """One diary day: the patient's average pain over the last 24 h, NRS 0–10 (clinical.md §4.4)."""

    day: date
    average_pain_nrs: int

    def __post_init__(self) -> None:
        if isinstance(self.average_pain_nrs, bool) or not isinstance(self.average_pain_nrs, int):
            raise DomainValidationError("average_pain_nrs", "must be a whole number", "0–10")
        if not 0 <= self.average_pain_nrs <= 10:
            raise DomainValidationError(
                "average_pain_nrs", f"{self.average_pain_nrs} is out of range", "0–10"
            )


@dataclass(frozen=True)
class WindowMean:
    first_day: date
    last_day: date
    mean_pain_nrs: Fraction | None
    n_entries: int
    missing_days: tuple[date, ...]
    evaluable: bool
    reason: str


def entries_by_day(entries: Iterable[PainDiaryEntry]) -> dict[date, int]:
    """Index by day; two entries for one day is a data error to surface, not to average away."""
    by_day: dict[date, int] = {}
    for entry in entries:
        if entry.day in by_day:
            raise DomainValidationError(
                "entries", f"two pain entries for {entry.day.isoformat()}", "one per day"
            )
        by_day[entry.day] = entry.average_pain_nrs
    return by_day


def window_mean(by_day: dict[date, int], first_day: date, last_day: date, min_entries: int) -> WindowMean:
    if last_day < first_day:
        raise DomainValidationError("last_day", "window ends before it starts", f">= {first_day.isoformat()}")
    n_days = (last_day - first_day).days + 1
    if not 1 <= min_entries <= n_days:
        raise DomainValidationError("min_entries", f"{min_entries} is out of range", f"1–{n_days}")
    days = [first_day + timedelta(days=i) for i in range(n_days)]
    values = [by_day[d] for d in days if d in by_day]
    missing = tuple(d for d in days if d not in by_day)
    if len(values) < min_entries:
        return WindowMean(
            first_day,
            last_day,
            None,
            len(values),
            missing,
            False,
            f"{len(values)} of {n_days} diary days recorded; at least {min_entries} needed",
        )
    mean = Fraction(sum(values), len(values))
    return WindowMean(
        first_day, last_day, mean, len(values), missing, True, f"{len(values)} of {n_days} diary days"
    )
