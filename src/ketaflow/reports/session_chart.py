"""The live session chart: rate steps, the model-predicted plasma concentration for this patient, vitals
and events on one time axis (matplotlib, Agg, SVG). The prediction is labelled as a model prediction."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import datetime

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from ketaflow.domain import units
from ketaflow.domain.pk import predict, program_from_segments

MODEL = "kamp2020"


@dataclass(frozen=True)
class ChartInput:
    origin: datetime  # t = 0 (start of the infusion, or check-in)
    now: datetime
    weight_kg: float | None
    rate_points: list[tuple[datetime, float]]  # (time, mg/kg/h) from each rate event
    planned_end: datetime | None  # the ordered end, to draw the remainder of the prediction
    current_rate_mg_per_kg_per_h: float
    vitals: list[tuple[datetime, dict]]
    events: list[tuple[datetime, str]]


def _minutes(t: datetime, origin: datetime) -> float:
    return (t - origin).total_seconds() / 60


def _prediction(ci: ChartInput):
    if ci.weight_kg is None or not ci.rate_points:
        return None
    points = [(_minutes(t, ci.origin), r) for t, r in ci.rate_points]
    end_min = max(_minutes(ci.now, ci.origin), points[-1][0])
    if ci.planned_end is not None and ci.current_rate_mg_per_kg_per_h > 0:
        end_min = max(end_min, _minutes(ci.planned_end, ci.origin))
    segments = []
    for i, (t0, rate) in enumerate(points):
        t1 = points[i + 1][0] if i + 1 < len(points) else end_min
        if t1 > t0:
            segments.append((t1 - t0, units.Quantity(rate, units.MG_PER_KG_PER_H)))
    if not segments:
        return None
    program = program_from_segments(segments, start_min=points[0][0])
    return predict(program, weight_kg=ci.weight_kg, model=MODEL, end_min=end_min + 60, step_min=1.0)


HEADROOM = 1.4


def session_chart_svg(ci: ChartInput) -> str:
    fig = Figure(figsize=(9, 5.2), layout="constrained")
    FigureCanvasAgg(fig)
    top, bottom = fig.subplots(2, 1, sharex=True, height_ratios=(3, 2))
    now_min = _minutes(ci.now, ci.origin)
    if ci.rate_points:
        xs = [_minutes(t, ci.origin) for t, _ in ci.rate_points] + [now_min]
        ys = [r for _, r in ci.rate_points] + [ci.rate_points[-1][1]]
        top.step(xs, ys, where="post", color="#1f6f8b", lw=2, label="charted rate (mg/kg/h)")
    top.set_ylabel("rate (mg/kg/h)")
    # headroom above the highest rate and the peak prediction, so neither hides under the frame or the legends
    top.set_ylim(0, HEADROOM * max([r for _, r in ci.rate_points] + [ci.current_rate_mg_per_kg_per_h, 0.01]))
    prediction = _prediction(ci)
    if prediction is not None:
        cp = top.twinx()
        cp.plot(prediction.t_min, prediction.conc_plasma_ng_per_ml, color="#b45309", ls="--", lw=1.4,
                label=f"predicted Cp ({prediction.model_code} model)")
        cp.set_ylabel("predicted ketamine (ng/mL)")
        cp.set_ylim(0, HEADROOM * max(float(np.max(prediction.conc_plasma_ng_per_ml)), 1.0))
        cp.legend(fontsize=7, loc="upper right")
    top.axvline(now_min, color="#999", lw=0.8)
    if top.get_legend_handles_labels()[0]:  # nothing delivered yet: no rate line to name
        top.legend(fontsize=7, loc="upper left")
    top.set_title("Rate and predicted plasma ketamine (a model prediction, not a measurement)", fontsize=9, loc="left")
    series = {"systolic_mmhg": ("SBP", "#b91c1c"), "diastolic_mmhg": ("DBP", "#f87171"),
              "heart_rate_per_min": ("HR", "#1d4ed8"), "spo2_percent": ("SpO2 %", "#15803d")}  # fmt: skip
    for key, (label, colour) in series.items():
        pts = [(_minutes(t, ci.origin), v[key]) for t, v in ci.vitals if v.get(key) is not None]
        if pts:
            bottom.plot(*zip(*pts, strict=True), marker="o", ms=3, lw=1, color=colour, label=label)
    for t, text in ci.events:
        x = _minutes(t, ci.origin)
        bottom.axvline(x, color="#6b7280", lw=0.6, ls=":")
        bottom.annotate(text, (x, 1.0), xycoords=("data", "axes fraction"), fontsize=6, rotation=90, va="top")
    bottom.set_xlabel("minutes from start")
    bottom.set_ylabel("vitals")
    if ci.vitals:
        bottom.legend(fontsize=7, loc="lower left", ncol=4)
    x_max = max(now_min + 5, prediction.t_min[-1] if prediction is not None else 0, 30)
    bottom.set_xlim(min(0.0, *(np.array([_minutes(t, ci.origin) for t, _ in ci.vitals]) if ci.vitals else [0.0])), x_max)
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg")
    return buffer.getvalue()
