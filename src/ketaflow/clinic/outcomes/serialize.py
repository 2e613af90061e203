"""A domain CourseOutcome → the decision rows stored for it (JSON-ready; exact numbers as "n/d" text)."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from ketaflow.domain.outcomes.course import CourseOutcome, onset_as_dict
from ketaflow.domain.outcomes.exact import fraction_text, tenths_toward_zero
from ketaflow.domain.outcomes.goal_attainment import GoalAttainment, GoalResult
from ketaflow.domain.outcomes.response import IMMPACT
from ketaflow.domain.outcomes.response import RULE_VERSION as RESPONSE_RULE_VERSION
from ketaflow.domain.plans.goal_catalogue import BY_METRIC

GOALS_DESCRIBE = (
    "Whether this patient's course reached the goals written in the plan, at the prescriber's thresholds: a "
    "description of one course, not a claim that the treatment works. Response classes above use IMMPACT's fixed "
    "thresholds."
)


def _pct(value: Fraction | None) -> str | None:
    return fraction_text(value)


def _shown(value: Fraction | None) -> str:
    return "—" if value is None else f"{float(value):.1f}"


def response_result(out: CourseOutcome) -> dict[str, Any]:
    return {
        "onset": onset_as_dict(out.onset),
        "follow_ups": [
            {"days_after": f.days_after, "classification": f.response.classification.value,
             "percent_reduction": _pct(f.response.percent_reduction), "reason": f.response.reason,
             "window_mean_pain_nrs": _pct(f.window.mean_pain_nrs), "entries": f.window.n_entries}
            for f in out.follow_ups
        ],
        "current": None if out.current is None else {
            "classification": out.current.classification.value, "percent_reduction": _pct(out.current.percent_reduction),
            "reason": out.current.reason, "inputs": out.current.inputs, "rule_version": out.current.rule_version,
            "source": out.current.source.as_dict()},
        "pgic": None if out.pgic is None else {
            "classification": out.pgic.classification.value, "responder": out.pgic.responder,
            "answer": out.pgic.inputs["pgic"], "rule_version": out.pgic.rule_version, "source": out.pgic.source.as_dict()},
        # The pain classes (onset, follow-ups, current) are IMMPACT's: >= 30 % moderately important, >= 50 %
        # substantial, inclusive, exact fractions, baseline 0 not evaluable. Named here with their version.
        "classes": {"rule_version": RESPONSE_RULE_VERSION, "source": IMMPACT.as_dict(),
                    "thresholds": "pain >= 30 % below baseline moderately important, >= 50 % substantial (inclusive); "
                                  "baseline 0 not evaluable; PGIC much or very much improved"},
        "fiqr": None if out.fiqr is None else {
            "evaluable": out.fiqr.evaluable, "percent_improvement": _pct(out.fiqr.percent_improvement),
            "points_change": _pct(out.fiqr.points_change), "clinically_important": out.fiqr.clinically_important,
            "reason": out.fiqr.reason, "source": out.fiqr.source.as_dict()},
        "phq9": None if out.phq9 is None else {
            "evaluable": out.phq9.evaluable, "percent_reduction": _pct(out.phq9.percent_reduction),
            "response": out.phq9.response, "below_10": out.phq9.below_10, "remission": out.phq9.remission,
            "remission_below": out.phq9.inputs["remission_below"],
            "current_total": out.phq9.inputs["current_phq9_total"], "reason": out.phq9.reason,
            "source": out.phq9.source.as_dict()},
    }  # fmt: skip


def response_summary(out: CourseOutcome) -> str:
    onset = out.onset
    if onset is None:
        return f"course {out.stage}"
    text = f"{onset.status}: {onset.reason}"
    if out.pgic is not None:
        text += f"; PGIC {out.pgic.inputs['pgic']}"
    return text


def decisions_from(out: CourseOutcome):
    """(kind, summary, result, inputs, rule_version, source) for each stored decision of one course."""
    policy_source = out.source.as_dict()
    yield ("course", f"course {out.stage}", {"stage": out.stage}, out.inputs, out.rule_version, policy_source)
    b = out.baseline
    if b is not None:
        result = {"mean_pain_nrs": _pct(b.mean_pain_nrs), "evaluable": b.pain_evaluable, "reason": b.pain.reason,
                  "entries": b.pain.n_entries, "missing_days": [d.isoformat() for d in b.pain.missing_days],
                  "intake_fiqr_total": _pct(b.fiqr_total), "intake_phq9_total": b.phq9_total,
                  "intake_fiqr_display": None if b.fiqr_total is None else _shown(b.fiqr_total),
                  "first_infusion_day": b.first_infusion_day.isoformat()}  # fmt: skip
        summary = f"baseline pain {_shown(b.mean_pain_nrs)} ({b.pain.reason})"
        yield ("baseline", summary, result, b.inputs, b.rule_version, b.source.as_dict())
    if out.onset is not None:
        yield ("response", response_summary(out), response_result(out), out.inputs, out.rule_version, policy_source)
    r = out.relapse
    if r is not None:
        result = {"evaluable": r.evaluable, "relapsed": r.relapsed, "relapse_day": r.relapse_day and r.relapse_day.isoformat(),
                  "run_first_day": r.run_first_day and r.run_first_day.isoformat(), "reason": r.reason}  # fmt: skip
        yield ("relapse", r.reason, result, r.inputs, r.rule_version, r.source.as_dict())
    p = out.proposal
    result = {"kind": p.kind, "reason": p.reason,
              "booster_protocol_code": getattr(p, "booster_protocol_code", None),
              "further_ketamine_proposed": getattr(p, "further_ketamine_proposed", None)}  # fmt: skip
    yield ("proposal", f"{p.kind}: {p.reason}", result, p.inputs, p.rule_version, p.source.as_dict())


def _value(value) -> str | None:
    return value if isinstance(value, str) or value is None else fraction_text(value)


def _value_shown(value) -> str:
    if value is None:
        return "—"
    if isinstance(value, str):
        return value
    return str(value.numerator) if value.denominator == 1 else tenths_toward_zero(value)


def _percent_shown(value: Fraction | None) -> str:
    if value is None:
        return "—"
    return f"{_value_shown(value)} % below" if value >= 0 else f"{_value_shown(-value)} % above"


def goal_result(g: GoalResult) -> dict[str, Any]:
    entry = BY_METRIC.get(g.metric)
    percent = g.metric.endswith("_percent_reduction")
    return {
        "metric": g.metric, "label": entry.label if entry else g.metric, "comparator": g.comparator,
        "comparator_text": {">=": "≥", "<": "<", "in": "is"}.get(g.comparator, g.comparator),
        "threshold": list(g.threshold) if isinstance(g.threshold, tuple) else fraction_text(g.threshold),
        "threshold_text": g.threshold_text + (" % below baseline" if percent else ""),
        "description": g.description, "status": g.status.value, "met": g.met, "reason": g.reason,
        "baseline": _value(g.baseline), "latest": _value(g.latest), "compared": _value(g.compared),
        "baseline_shown": _value_shown(g.baseline), "latest_shown": _value_shown(g.latest),
        "compared_shown": _percent_shown(g.compared) if percent else _value_shown(g.compared),
        "source": dict(g.goal_source) if g.goal_source else None,
    }  # fmt: skip


def goals_decision(attainment: GoalAttainment, *, goal_catalogue: str | None):
    """(kind, summary, result, inputs, rule_version, source) of the plan-goals decision."""
    result = {"summary": attainment.summary, "goal_catalogue": goal_catalogue, "describes": GOALS_DESCRIBE,
              "not_judged": attainment.inputs.get("not_judged"),
              "goals": [goal_result(g) for g in attainment.goals]}  # fmt: skip
    inputs = attainment.inputs | {"goal_catalogue": goal_catalogue}
    return ("goals", attainment.summary, result, inputs, attainment.rule_version, attainment.source.as_dict())
