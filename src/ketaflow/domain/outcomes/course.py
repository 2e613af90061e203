"""One course (a signed plan's series) from baseline to proposal: the pieces of this package put together.

Steps, each with its own rule version: baseline (baseline.py) → is the series over → did pain respond
after it (response onset, below) → IMMPACT class at days 14/28/84 (follow_up.py) → PGIC, FIQR change,
PHQ-9 response (response.py) → relapse after the response (relapse.py) → booster or review proposal
(proposals.py). Depression plans judge response and relapse on PHQ-9 instead of the pain diary.

Response onset is clinic policy (analytics-interop §1.2 gives windows, not an onset rule): the series
responded when a full follow-up window (7 days, >= 4 diary entries) ending within `response_window_days`
after the last infusion is >= 30 % below baseline. The relapse scan starts with that window, so the
pre-series pain can never read as a relapse.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from fractions import Fraction
from typing import Any

from ketaflow.domain.errors import DomainValidationError
from ketaflow.domain.outcomes.baseline import Baseline, BaselinePolicy, baseline_assess
from ketaflow.domain.outcomes.diary_window import PainDiaryEntry, entries_by_day, window_mean
from ketaflow.domain.outcomes.exact import fraction_text
from ketaflow.domain.outcomes.follow_up import FollowUpResponse, pain_response_at_day
from ketaflow.domain.outcomes.proposals import NoProposal, Proposal, propose_after_series
from ketaflow.domain.outcomes.relapse import (
    PHQ9_RELAPSE_SOURCE,
    RelapsePolicy,
    RelapseResult,
    detect_relapse,
    phq9_relapse,
)
from ketaflow.domain.outcomes.response import (
    FiqrChange,
    PainResponse,
    PainResponseClass,
    PgicResponse,
    Phq9Response,
    fiqr_change,
    pain_response,
    pgic_response,
    phq9_response,
)
from ketaflow.domain.sources import Source

RULE_VERSION = "course-2026.11.1"
DEPRESSION = "depression"


@dataclass(frozen=True)
class CoursePolicy:
    response_window_days: int = 14
    follow_up_days: tuple[int, ...] = (14, 28, 84)
    baseline: BaselinePolicy = field(default_factory=BaselinePolicy)
    relapse: RelapsePolicy = field(default_factory=RelapsePolicy)
    version: str = RULE_VERSION
    source: Source = field(
        default_factory=lambda: Source.clinic_policy(
            "course: the series is over when every planned infusion was given or its window has ended; it "
            "responded when a 7-day diary window (>= 4 entries) ending within 14 days after the last infusion "
            "is >= 30 % below baseline (depression plans: a PHQ-9 >= 50 % below baseline in those 14 days); "
            "a day's pain is its 24-h average rating, else that day's pain-now rating; a relapse proposes the "
            "booster protocol for the plan's kind (chronic_pain_booster; depression: depression_standard)",
            RULE_VERSION,
        )
    )

    def __post_init__(self) -> None:
        if not 7 <= self.response_window_days <= 90:
            raise DomainValidationError(
                "response_window_days", f"{self.response_window_days} is out of range", "7–90"
            )


@dataclass(frozen=True)
class CourseFacts:
    """What the shell loads for one signed plan. Days are clinic-local calendar days."""

    plan_kind: str  # induction | escalating | booster | depression
    planned_sessions: int
    series_last_day: date  # last day of the plan's series window
    infusion_days: tuple[date, ...]  # days an infusion was actually given (charted), any order
    baseline_first_infusion_day: date | None  # a booster is judged against its original course's baseline
    pain_entries: tuple[PainDiaryEntry, ...]
    intake_fiqr_total: Fraction | None = None
    intake_phq9_total: int | None = None
    phq9_after: tuple[tuple[date, int], ...] = ()  # PHQ-9 totals after the last infusion
    fiqr_after: tuple[date, Fraction] | None = None  # latest FIQR after the last infusion
    pgic_after: tuple[date, str] | None = None  # latest PGIC label after the last infusion
    next_series_first_day: date | None = None  # a later course ends this one's relapse watch
    booster_protocol_code: str = "chronic_pain_booster"


@dataclass(frozen=True)
class ResponseOnset:
    status: str  # "responded" | "no response" | "not evaluable" | "pending"
    onset_day: date | None  # first day of the responding window (or the responding PHQ-9's day)
    response: PainResponse | Phq9Response | None  # the deciding (or best) evaluable result
    reason: str


@dataclass(frozen=True)
class CourseOutcome:
    stage: str  # "not started" | "in progress" | "awaiting response" | "evaluated"
    baseline: Baseline | None
    onset: ResponseOnset | None
    follow_ups: tuple[FollowUpResponse, ...]
    current: PainResponse | None  # the latest full 7-day window vs baseline
    pgic: PgicResponse | None
    fiqr: FiqrChange | None
    phq9: Phq9Response | None
    relapse: RelapseResult | None
    proposal: Proposal
    inputs: dict[str, Any]
    rule_version: str
    source: Source


def course_evaluate(facts: CourseFacts, *, today: date, policy: CoursePolicy | None = None) -> CourseOutcome:
    policy = policy or CoursePolicy()
    given = sorted(set(facts.infusion_days))
    depression = facts.plan_kind == DEPRESSION
    inputs: dict[str, Any] = {
        "today": today.isoformat(),
        "plan_kind": facts.plan_kind,
        "planned_sessions": facts.planned_sessions,
        "series_last_day": facts.series_last_day.isoformat(),
        "infusion_days": [d.isoformat() for d in given],
        "next_series_first_day": _iso(facts.next_series_first_day),
        "response_window_days": policy.response_window_days,
    }

    def outcome(stage, baseline=None, onset=None, follow=(), current=None, pgic=None, fiqr=None, phq9=None,
                relapse=None, proposal=None) -> CourseOutcome:  # fmt: skip
        proposal = proposal or NoProposal(f"course {stage}", inputs)
        return CourseOutcome(stage, baseline, onset, tuple(follow), current, pgic, fiqr, phq9, relapse, proposal,
                             inputs, policy.version, policy.source)  # fmt: skip

    first_day = facts.baseline_first_infusion_day or (given[0] if given else None)
    baseline = None
    if first_day is not None:
        baseline = baseline_assess(
            facts.pain_entries, first_day, intake_fiqr_total=facts.intake_fiqr_total,
            intake_phq9_total=facts.intake_phq9_total, policy=policy.baseline,
        )  # fmt: skip
    if not given:
        return outcome("not started", baseline)
    last = given[-1]
    complete = len(given) >= facts.planned_sessions or today > facts.series_last_day
    inputs["series_complete"] = complete
    inputs["all_planned_given"] = len(given) >= facts.planned_sessions
    if not complete:
        return outcome("in progress", baseline)
    assert baseline is not None
    watch_end = today
    if facts.next_series_first_day is not None:
        watch_end = min(today, facts.next_series_first_day - timedelta(days=1))
    inputs["watch_end_day"] = watch_end.isoformat()
    after_phq9 = tuple((d, t) for d, t in facts.phq9_after if d > last)
    onset = (
        _phq9_onset(baseline, after_phq9, last, watch_end, policy)
        if depression
        else _pain_onset(baseline, facts.pain_entries, last, watch_end, policy)
    )
    follow = [
        pain_response_at_day(baseline, facts.pain_entries, last_infusion_day=last, days_after=d)
        for d in policy.follow_up_days if last + timedelta(days=d) <= watch_end
    ]  # fmt: skip
    current = _current(baseline, facts.pain_entries, last, watch_end)
    pgic = pgic_response(facts.pgic_after[1]) if facts.pgic_after and facts.pgic_after[0] > last else None
    fiqr = None
    if facts.fiqr_after and facts.fiqr_after[0] > last and baseline.fiqr_total is not None:
        fiqr = fiqr_change(baseline.fiqr_total, facts.fiqr_after[1])
    phq9 = None
    if after_phq9 and baseline.phq9_total is not None:
        # Remission: PHQ-9 < 10 for depression plans (issue 7; Keith et al. via clinical.md 4.7), otherwise
        # the stricter < 5 of ORKA-1; the threshold used is in the result's inputs.
        phq9 = phq9_response(baseline.phq9_total, max(after_phq9)[1], remission_below=10 if depression else 5)
    parts = dict(
        baseline=baseline, onset=onset, follow=follow, current=current, pgic=pgic, fiqr=fiqr, phq9=phq9
    )
    if onset.status == "pending":
        return outcome("awaiting response", **parts, proposal=NoProposal(onset.reason, inputs))
    relapse = None
    if onset.status == "responded" and onset.onset_day is not None:
        relapse = (
            _phq9_relapse(baseline, after_phq9, onset.onset_day, watch_end)
            if depression
            else detect_relapse(
                baseline.mean_pain_nrs, facts.pain_entries, response_start_day=onset.onset_day,
                as_of_day=watch_end, policy=policy.relapse,
            )
        )  # fmt: skip
    deciding = onset.response or pain_response(None, None)
    proposal = propose_after_series(
        series_complete=True,
        response=deciding,
        relapse=relapse,
        booster_protocol_code=facts.booster_protocol_code,
    )
    return outcome("evaluated", **parts, relapse=relapse, proposal=proposal)


def _iso(day: date | None) -> str | None:
    return None if day is None else day.isoformat()


def _pain_onset(
    baseline: Baseline, entries, last: date, watch_end: date, policy: CoursePolicy
) -> ResponseOnset:
    window_days, min_entries = policy.relapse.rolling_window_days, policy.relapse.min_entries
    first_end = last + timedelta(days=window_days)
    final_end = last + timedelta(days=policy.response_window_days)
    if baseline.mean_pain_nrs is None or baseline.mean_pain_nrs == 0:
        if watch_end < final_end:
            return ResponseOnset("pending", None, None, f"response window open until {final_end.isoformat()}")
        response = pain_response(baseline.mean_pain_nrs, None if baseline.mean_pain_nrs is None else 0)
        return ResponseOnset("not evaluable", None, response, f"baseline: {baseline.pain.reason}"
                             if baseline.mean_pain_nrs is None else "baseline pain is 0")  # fmt: skip
    by_day = entries_by_day(entries)
    best: PainResponse | None = None
    day = first_end
    while day <= min(final_end, watch_end):
        window = window_mean(by_day, day - timedelta(days=window_days - 1), day, min_entries)
        if window.evaluable:
            response = pain_response(baseline.mean_pain_nrs, window.mean_pain_nrs)
            if response.responder:
                start = day - timedelta(days=window_days - 1)
                return ResponseOnset(
                    "responded", start, response, f"{response.reason} in the window ending {day}"
                )
            if best is None or (response.percent_reduction or 0) > (best.percent_reduction or 0):
                best = response
        day += timedelta(days=1)
    if watch_end < final_end:
        return ResponseOnset("pending", None, best, f"response window open until {final_end.isoformat()}")
    if best is None:
        return ResponseOnset("not evaluable", None, pain_response(baseline.mean_pain_nrs, None),
                             f"no 7-day window with >= {min_entries} diary entries in the "
                             f"{policy.response_window_days} days after the series")  # fmt: skip
    return ResponseOnset("no response", None, best, f"best window after the series: {best.reason}")


def _phq9_onset(
    baseline: Baseline, after, last: date, watch_end: date, policy: CoursePolicy
) -> ResponseOnset:
    final_end = last + timedelta(days=policy.response_window_days)
    in_window = sorted((d, t) for d, t in after if d <= min(final_end, watch_end))
    if baseline.phq9_total is None:
        status = "pending" if watch_end < final_end else "not evaluable"
        return ResponseOnset(status, None, None, "no intake PHQ-9 baseline")
    best: Phq9Response | None = None
    for day, total in in_window:
        response = phq9_response(baseline.phq9_total, total)
        if not response.evaluable:
            return ResponseOnset("not evaluable", None, response, response.reason)
        if response.response:
            return ResponseOnset("responded", day, response, response.reason)
        if best is None or (response.percent_reduction or 0) > (best.percent_reduction or 0):
            best = response
    if watch_end < final_end:
        return ResponseOnset("pending", None, best, f"response window open until {final_end.isoformat()}")
    if best is None:
        return ResponseOnset("not evaluable", None, None, "no PHQ-9 in the response window")
    return ResponseOnset("no response", None, best, best.reason)


def _phq9_relapse(baseline: Baseline, after, onset_day: date, watch_end: date) -> RelapseResult:
    assert baseline.phq9_total is not None
    inputs = {"baseline_phq9_total": baseline.phq9_total, "onset_day": onset_day.isoformat(),
              "phq9_after": {d.isoformat(): t for d, t in sorted(after)}}  # fmt: skip
    for day, total in sorted(after):
        if onset_day < day <= watch_end:
            check = phq9_relapse(baseline.phq9_total, total)
            if check.relapsed:
                return RelapseResult(True, True, day, day, (), check.reason, inputs, check.rule_version,
                                     PHQ9_RELAPSE_SOURCE)  # fmt: skip
    return RelapseResult(True, False, None, None, (), "no relapse", inputs, PHQ9_RELAPSE_SOURCE.version,
                         PHQ9_RELAPSE_SOURCE)  # fmt: skip


def _current(baseline: Baseline, entries, last: date, watch_end: date) -> PainResponse | None:
    """The latest 7-day window (after the series) against baseline: what the chart shows as 'now'."""
    if watch_end < last + timedelta(days=7):
        return None
    window = window_mean(entries_by_day(entries), watch_end - timedelta(days=6), watch_end, 4)
    if not window.evaluable:
        return PainResponse(PainResponseClass.NOT_EVALUABLE, None, f"last 7 days: {window.reason}", {})
    return pain_response(baseline.mean_pain_nrs, window.mean_pain_nrs)


def onset_as_dict(onset: ResponseOnset | None) -> dict[str, Any] | None:
    if onset is None:
        return None
    response = onset.response
    return {
        "status": onset.status,
        "onset_day": _iso(onset.onset_day),
        "reason": onset.reason,
        "classification": getattr(response, "classification", None),
        "percent_reduction": fraction_text(getattr(response, "percent_reduction", None)),
    }


# Clinic policy (part of RULE_VERSION): which protocol a booster proposal drafts, by the relapsed plan's kind.
BOOSTER_PROTOCOL = {
    "induction": "chronic_pain_booster",
    "escalating": "chronic_pain_booster",
    "booster": "chronic_pain_booster",
    "depression": "depression_standard",  # no depression booster protocol ships: a re-induction draft
}


def booster_protocol_for(plan_kind: str) -> str:
    return BOOSTER_PROTOCOL.get(plan_kind, "chronic_pain_booster")


def daily_pain(
    average_24h: Sequence[tuple[date, int]], current: Sequence[tuple[date, int]] = ()
) -> tuple[PainDiaryEntry, ...]:
    """Clinic policy (part of RULE_VERSION): a day's pain is its 24-h average rating (clinical.md §4.4, the
    diary item); on a day without one, that day's "pain now" rating stands in. Never a value from another day."""
    averages = {e.day: e.average_pain_nrs for e in pain_entries_from(average_24h)}
    for entry in pain_entries_from(current):
        averages.setdefault(entry.day, entry.average_pain_nrs)
    return tuple(PainDiaryEntry(d, v) for d, v in sorted(averages.items()))


def pain_entries_from(pairs: Sequence[tuple[date, int]]) -> tuple[PainDiaryEntry, ...]:
    """One entry per day: when a patient logs twice in a day the later value stands (the shell passes
    pairs oldest first); the domain's one-per-day check then holds."""
    by_day: dict[date, int] = {}
    for day, value in pairs:
        by_day[day] = value
    return tuple(PainDiaryEntry(d, v) for d, v in sorted(by_day.items()))
