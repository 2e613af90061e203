"""Rows → the chart's input values (the SVG itself is drawn in ketaflow.reports.session_chart)."""

from __future__ import annotations

from datetime import datetime, timedelta

from ketaflow.reports.session_chart import ChartInput

VITAL_KEYS = ("systolic_mmhg", "diastolic_mmhg", "heart_rate_per_min", "spo2_percent", "respiratory_rate_per_min")


def chart_input(session, *, now: datetime) -> ChartInput:
    events = list(session.rate_events.all())
    origin = session.started_at or session.checked_in_at or now
    end = session.stopped_at or now
    rate_points = [(e.at, float(e.rate_mg_per_kg_per_h)) for e in events]
    current = rate_points[-1][1] if rate_points and session.stopped_at is None else 0.0
    planned_end = (session.started_at + timedelta(minutes=session.ordered_duration_min)) if session.started_at else None
    markers = [(e.at, e.action.replace("_", " ")) for e in events if e.action in ("pause", "resume", "stop", "stop_early")]
    markers += [(s.at, s.kind.replace("_", " ")) for s in session.side_effects.all()]
    markers += [(a.at, a.drug) for a in session.administrations.all()]
    vitals = [(v.at, {k: getattr(v, k) for k in VITAL_KEYS}) for v in session.vitals.all()]
    return ChartInput(origin=origin, now=min(now, end) if session.stopped_at else now,
                      weight_kg=float(session.dosing_weight_kg) if session.dosing_weight_kg else None,
                      rate_points=rate_points, planned_end=planned_end if current else None,
                      current_rate_mg_per_kg_per_h=current, vitals=vitals, events=markers)  # fmt: skip
