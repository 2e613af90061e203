"""Load one patient's timeline (infusions, side effects, scores, goals, markers) in a fixed number of queries.

Goal lines are drawn from each plan's stored goals: a percent-reduction goal becomes a line at baseline ×
(1 − threshold), a total goal (PHQ-9 < 10) a line at its value; the baseline comes from the stored decision.
"""

from __future__ import annotations

from datetime import date, timedelta
from fractions import Fraction

from django.utils import timezone

from ketaflow.clinic.assessments.models import Assessment
from ketaflow.clinic.infusions.models import InfusionSession, SideEffect
from ketaflow.clinic.outcomes.mappers import GIVEN_STATES, assessment_day, local_day
from ketaflow.clinic.outcomes.models import OutcomeDecision, Proposal
from ketaflow.clinic.plans.models import Plan
from ketaflow.clinic.scheduling.models import Booking
from ketaflow.reports.timeline import PAIN_SERIES, SCORE_SERIES, GoalLine, Infusion, TimelineInput

SERIES = tuple(PAIN_SERIES) + tuple(SCORE_SERIES)
POINT_LIMIT = 400  # the chart shows the most recent points of each series
GOAL_SERIES = {"pain_nrs_percent_reduction": ("pain_nrs_average_24h", "mean_pain_nrs"),
               "fiqr_percent_reduction": ("fiqr", "intake_fiqr_total"),
               "phq9_percent_reduction": ("phq9", "intake_phq9_total")}  # fmt: skip
SHORT = {"pain_nrs_percent_reduction": "pain", "fiqr_percent_reduction": "FIQR", "phq9_percent_reduction": "PHQ-9"}


def timeline_input(*, patient, today: date | None = None) -> TimelineInput:
    today = today or timezone.localdate()
    plans = list(Plan.objects.filter(patient=patient, status=Plan.Status.SIGNED).order_by("start_date"))
    infusions = []
    charted = InfusionSession.objects.filter(patient=patient, status__in=GIVEN_STATES, started_at__isnull=False)
    for s in charted.select_related("plan")[:POINT_LIMIT]:
        dose = (s.delivered or {}).get("dose_mg_per_kg")
        infusions.append(Infusion(local_day(s.started_at), dose, "given", s.plan.protocol_name))
    given_sessions = set(charted.values_list("plan_session_id", flat=True))
    booked = (Booking.objects.filter(patient=patient, status=Booking.Status.BOOKED, start__date__gte=today - timedelta(days=1))
              .exclude(plan_session_id__in=given_sessions).select_related("plan_session", "plan")[:POINT_LIMIT])  # fmt: skip
    for b in booked:
        infusions.append(Infusion(local_day(b.start), float(b.plan_session.planned_mg_per_kg), "planned", b.plan.protocol_name))
    effects = [(local_day(e.at), e.kind) for e in SideEffect.objects.filter(session__patient=patient).order_by("-at")[:POINT_LIMIT]]
    scores: dict[str, list[tuple[date, float]]] = {}
    rows = (Assessment.objects.filter(patient=patient, instrument_id__in=SERIES, invalid=False)
            .order_by("-administered_at").only("instrument_id", "total", "administered_at", "context")[: POINT_LIMIT * 2])  # fmt: skip
    for a in rows:
        if a.total is not None:
            scores.setdefault(a.instrument_id, []).append((assessment_day(a), a.total))
    pgic = [(assessment_day(a), a.band) for a in Assessment.objects.filter(patient=patient, instrument_id="pgic", invalid=False)
            .order_by("-administered_at").only("band", "administered_at", "context")[:20]]  # fmt: skip
    return TimelineInput(today, infusions, effects, scores, _goals(patient, plans, today), _markers(patient), pgic)


def _goals(patient, plans, today) -> list[GoalLine]:
    baselines = {d.plan_id: d.result for d in OutcomeDecision.objects.filter(
        patient=patient, kind="baseline", superseded_at__isnull=True)}  # fmt: skip
    lines = []
    for plan in plans:
        base = baselines.get(plan.pk, {})
        end = max(today, plan.end_date + timedelta(days=84))
        for goal in plan.goals:
            if goal["metric"] == "phq9_total" and goal["comparator"] == "<":
                lines.append(GoalLine("phq9", float(Fraction(goal["threshold"])), f"goal: PHQ-9 < {goal['threshold']}",
                                      plan.start_date, end))  # fmt: skip
            elif goal["metric"] in GOAL_SERIES and goal["comparator"] == ">=":
                series, key = GOAL_SERIES[goal["metric"]]
                if base.get(key) not in (None, "0", 0):
                    value = Fraction(str(base[key])) * (1 - Fraction(goal["threshold"]) / 100)
                    label = f"goal: {SHORT[goal['metric']]} ≥ {goal['threshold']} % below baseline"
                    lines.append(GoalLine(series, float(value), label, plan.start_date, end))
    return lines


def _markers(patient) -> list[tuple[date, str]]:
    marks = []
    # A withdrawn proposal was never put to a clinician (the rule stopped proposing it): not a chart event.
    for p in Proposal.objects.filter(patient=patient).exclude(status=Proposal.Status.WITHDRAWN).order_by("-created_at")[:20]:
        if p.relapse_day:
            marks.append((p.relapse_day, "relapse (policy)"))
        else:
            marks.append((local_day(p.created_at), "review proposed"))
    return marks


def timeline_data(ti: TimelineInput) -> dict:
    """The same timeline as JSON for the API."""
    return {
        "today": ti.today.isoformat(),
        "infusions": [{"day": i.day.isoformat(), "dose_mg_per_kg": i.dose_mg_per_kg, "status": i.label,
                       "plan": i.plan_label} for i in sorted(ti.infusions, key=lambda i: i.day)],
        "side_effects": [{"day": d.isoformat(), "kind": k} for d, k in sorted(ti.side_effects)],
        "scores": {k: [{"day": d.isoformat(), "value": v} for d, v in sorted(pts)] for k, pts in ti.scores.items()},
        "goals": [{"series": g.series, "value": g.value, "label": g.label, "start": g.start.isoformat(),
                   "end": g.end.isoformat()} for g in ti.goals],
        "markers": [{"day": d.isoformat(), "label": t} for d, t in sorted(ti.markers)],
        "pgic": [{"day": d.isoformat(), "answer": label} for d, label in sorted(ti.pgic)],
    }  # fmt: skip
