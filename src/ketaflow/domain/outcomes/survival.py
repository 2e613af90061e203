"""Time to relapse: per-course survival records and an exact Kaplan–Meier estimate.

lifelines is not installed here, so this is a small exact product-limit estimator on Fractions
(Kaplan EL, Meier P. J Am Stat Assoc 1958;53:457-481). Tests check it against a hand-computed table and
the Freireich 6-MP data. Censoring rules follow analytics-interop §1.3 (design rules for relapse analysis).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from typing import Any

from ketaflow.domain.errors import DomainValidationError
from ketaflow.domain.sources import Source

RULE_VERSION = "survival-2026.11.1"
KAPLAN_MEIER = Source(
    citation="Kaplan EL, Meier P. Nonparametric estimation from incomplete observations. "
    "J Am Stat Assoc 1958;53:457-481",
    version="1958",
)
CENSORING_POLICY = Source.clinic_policy(
    "time to relapse from first day of response; censor at data cut, at the last diary day when no diary for "
    "more than 14 days, and at a pre-emptive booster (informative censoring)",
    RULE_VERSION,
)


@dataclass(frozen=True)
class SurvivalRecord:
    duration_days: int
    event: bool  # True = relapse observed; False = censored
    censor_reason: str | None
    inputs: dict[str, Any]
    rule_version: str = RULE_VERSION
    source: Source = CENSORING_POLICY


def relapse_survival_record(
    response_start_day: date,
    relapse_day: date | None,
    *,
    data_cut_day: date,
    last_diary_day: date | None,
    booster_day: date | None = None,
    lost_after_days: int = 14,
) -> SurvivalRecord:
    inputs = {
        "response_start_day": response_start_day.isoformat(),
        "relapse_day": None if relapse_day is None else relapse_day.isoformat(),
        "data_cut_day": data_cut_day.isoformat(),
        "last_diary_day": None if last_diary_day is None else last_diary_day.isoformat(),
        "booster_day": None if booster_day is None else booster_day.isoformat(),
        "lost_after_days": lost_after_days,
    }
    if data_cut_day < response_start_day:
        raise DomainValidationError(
            "data_cut_day", "before the response started", f">= {response_start_day.isoformat()}"
        )
    censors: list[tuple[date, str]] = [(data_cut_day, "data cut")]
    if last_diary_day is None or (data_cut_day - last_diary_day).days > lost_after_days:
        # No diary for too long: censored at the last diary day, never counted as a relapse.
        censors.append((last_diary_day or response_start_day, "lost to follow-up"))
    if booster_day is not None:
        # A scheduled booster before relapse makes relapse unobservable afterwards.
        censors.append((booster_day, "pre-emptive booster (informative censoring)"))
    censor_day, reason = min(censors)
    if relapse_day is not None and relapse_day <= censor_day:
        return SurvivalRecord((relapse_day - response_start_day).days, True, None, inputs)
    return SurvivalRecord(max(0, (censor_day - response_start_day).days), False, reason, inputs)


@dataclass(frozen=True)
class KaplanMeierRow:
    time: int
    at_risk: int
    events: int
    censored: int
    survival: Fraction
    greenwood_variance: Fraction | None  # None once survival reaches 0


@dataclass(frozen=True)
class KaplanMeier:
    rows: tuple[KaplanMeierRow, ...]
    n: int
    n_events: int
    median: int | None  # smallest time with S(t) <= 1/2; None when not reached
    inputs: dict[str, Any]
    rule_version: str = RULE_VERSION
    source: Source = KAPLAN_MEIER

    def survival_at(self, time: int) -> Fraction:
        """Right-continuous step function: S(t) includes events at t."""
        value = Fraction(1)
        for row in self.rows:
            if row.time > time:
                break
            value = row.survival
        return value


def kaplan_meier(durations: Sequence[int], events: Sequence[bool]) -> KaplanMeier:
    if len(durations) != len(events):
        raise DomainValidationError("events", "one event flag per duration", f"{len(durations)} flags")
    for value in durations:
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise DomainValidationError("durations", f"{value!r} is not a duration in whole days", ">= 0")
    at_risk = len(durations)
    survival = Fraction(1)
    greenwood_sum = Fraction(0)
    rows: list[KaplanMeierRow] = []
    median: int | None = None
    for time in sorted(set(durations)):
        d = sum(1 for t, e in zip(durations, events, strict=True) if t == time and e)
        c = sum(1 for t, e in zip(durations, events, strict=True) if t == time and not e)
        # Ties: events are taken before censorings at the same time (the usual convention, as in lifelines).
        if d:
            survival *= Fraction(at_risk - d, at_risk)
            if at_risk > d:  # when everyone at risk fails, S = 0 and Greenwood is undefined
                greenwood_sum += Fraction(d, at_risk * (at_risk - d))
        variance = survival * survival * greenwood_sum if survival > 0 else None
        rows.append(KaplanMeierRow(time, at_risk, d, c, survival, variance))
        if median is None and survival <= Fraction(1, 2):
            median = time
        at_risk -= d + c
    inputs = {"durations": list(durations), "events": [bool(e) for e in events]}
    return KaplanMeier(tuple(rows), len(durations), sum(1 for e in events if e), median, inputs)
