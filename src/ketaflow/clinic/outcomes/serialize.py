"""A domain CourseOutcome → the decision rows stored for it (JSON-ready; exact numbers as "n/d" text)."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from ketaflow.domain.outcomes.course import CourseOutcome, onset_as_dict
from ketaflow.domain.outcomes.exact import fraction_text


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
            "reason": out.current.reason},
        "pgic": None if out.pgic is None else {
            "classification": out.pgic.classification.value, "responder": out.pgic.responder,
            "answer": out.pgic.inputs["pgic"]},
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
