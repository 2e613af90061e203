"""One patient's timeline (matplotlib, Agg, SVG): infusions with their dose, side effects, patient-reported
scores over time and the plan's goals drawn as lines. Values in, SVG out; no database here."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date, timedelta

import matplotlib.dates as mdates
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

PAIN_SERIES = {"pain_nrs_average_24h": ("pain, 24-h average (diary)", "#b91c1c"),
               "pain_nrs_current": ("pain now", "#f87171")}  # fmt: skip
SIDE_EFFECT_LINES = 4  # the most recent days with a side effect, named beside the dose panel
SCORE_SERIES = {"phq9": ("PHQ-9 (0–27)", "#1d4ed8"), "fiqr": ("FIQR (0–100)", "#7c3aed"),
                "gad7": ("GAD-7 (0–21)", "#0f766e")}  # fmt: skip


@dataclass(frozen=True)
class Infusion:
    day: date
    dose_mg_per_kg: float | None
    label: str  # "given" | "planned"
    plan_label: str


@dataclass(frozen=True)
class GoalLine:
    series: str  # a key of PAIN_SERIES or SCORE_SERIES
    value: float
    label: str
    start: date
    end: date


@dataclass(frozen=True)
class TimelineInput:
    today: date
    infusions: list[Infusion] = field(default_factory=list)
    side_effects: list[tuple[date, str]] = field(default_factory=list)
    scores: dict[str, list[tuple[date, float]]] = field(default_factory=dict)
    goals: list[GoalLine] = field(default_factory=list)
    markers: list[tuple[date, str]] = field(default_factory=list)  # relapse, proposals
    # PGIC is a category, not a quantity (sources number it in opposite directions): drawn as its label.
    pgic: list[tuple[date, str]] = field(default_factory=list)


def _span(ti: TimelineInput) -> tuple[date, date]:
    days = [i.day for i in ti.infusions] + [d for pts in ti.scores.values() for d, _ in pts] + [ti.today]
    days += [d for d, _ in ti.pgic]
    first, last = min(days), max(days)
    return first - timedelta(days=2), last + timedelta(days=2)


def timeline_svg(ti: TimelineInput) -> str:
    fig = Figure(figsize=(10, 6), layout="constrained")
    FigureCanvasAgg(fig)
    dose_ax, pain_ax, score_ax = fig.subplots(3, 1, sharex=True, height_ratios=(1.3, 2, 2))
    given = [i for i in ti.infusions if i.label == "given"]
    planned = [i for i in ti.infusions if i.label == "planned"]
    if given:
        dose_ax.bar([i.day for i in given], [i.dose_mg_per_kg or 0 for i in given], width=0.8, color="#1f6f8b",
                    label="infusion given (delivered mg/kg)")  # fmt: skip
    if planned:
        dose_ax.bar([i.day for i in planned], [i.dose_mg_per_kg or 0 for i in planned], width=0.8, fill=False,
                    edgecolor="#1f6f8b", ls="--", label="planned (mg/kg)")  # fmt: skip
    by_day: dict[date, list[str]] = {}
    for day, kind in sorted(ti.side_effects):
        if kind.replace("_", " ") not in by_day.setdefault(day, []):
            by_day[day].append(kind.replace("_", " "))
    for day in by_day:
        dose_ax.annotate("▲", (day, 0), color="#b45309", fontsize=8, ha="center", va="bottom")
    if by_day:  # named beside the chart (an infusion bar would hide a label), so it says which side effect
        days = list(by_day.items())
        lines = [f"{d:%d %b}: {', '.join(k)}" for d, k in days[-SIDE_EFFECT_LINES:]]
        if len(days) > SIDE_EFFECT_LINES:
            lines.insert(0, f"(+{len(days) - SIDE_EFFECT_LINES} earlier days)")
        dose_ax.text(1.01, 0.0, "\n".join(lines), transform=dose_ax.transAxes, fontsize=5.5, color="#b45309",
                     va="bottom", ha="left")  # fmt: skip
    dose_ax.set_ylabel("dose (mg/kg)", fontsize=8)
    for day, label in ti.pgic:
        dose_ax.annotate(f"PGIC: {label}", (day, 1.0), xycoords=("data", "axes fraction"), fontsize=6,
                         color="#0f766e", rotation=90, ha="center", va="top")  # fmt: skip
    if ti.pgic:
        dose_ax.plot([], [], ls="none", marker="$P$", color="#0f766e", label="PGIC answer (label as given)")
    if ti.side_effects:
        dose_ax.plot([], [], ls="none", marker="^", color="#b45309", label="side effect charted")
    if dose_ax.get_legend_handles_labels()[0]:
        dose_ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1), borderaxespad=0)
    dose_ax.set_title("Infusions, side effects, patient-reported scores and plan goals", fontsize=9, loc="left")
    _series(pain_ax, ti, PAIN_SERIES, "pain NRS (0–10)", (0, 10.5))
    _series(score_ax, ti, SCORE_SERIES, "score", None)
    for ax in (dose_ax, pain_ax, score_ax):
        ax.axvline(ti.today, color="#999", lw=0.8)
    score_ax.annotate("today", (ti.today, 0.0), xycoords=("data", "axes fraction"), fontsize=6, color="#6b7280",
                      ha="right", va="bottom", rotation=90)  # fmt: skip
    for ax in (dose_ax, pain_ax, score_ax):
        for day, _text in ti.markers:
            ax.axvline(day, color="#6b7280", lw=0.7, ls=":")
    for day, text in ti.markers:
        pain_ax.annotate(text, (day, 1.0), xycoords=("data", "axes fraction"), fontsize=6, rotation=90, va="top")
    first, last = _span(ti)
    score_ax.set_xlim(first, last)
    score_ax.xaxis.set_major_formatter(mdates.DateFormatter("%d %b"))
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", metadata={"Date": None})
    return buffer.getvalue()


def _series(ax, ti: TimelineInput, series: dict, ylabel: str, ylim) -> None:
    for key, (label, colour) in series.items():
        points = sorted(ti.scores.get(key, []))
        if points:
            ax.plot([d for d, _ in points], [v for _, v in points], marker="o", ms=2.5, lw=1, color=colour, label=label)
    for goal in ti.goals:
        if goal.series in series:
            colour = series[goal.series][1]
            ax.hlines(goal.value, goal.start, goal.end, colors=colour, linestyles="--", lw=1, label=goal.label)
    ax.set_ylabel(ylabel, fontsize=8)
    if ylim:
        ax.set_ylim(*ylim)
    if ax.get_legend_handles_labels()[0]:
        # Outside the axes, so no early point hides behind the legend.
        ax.legend(fontsize=6.5, loc="upper left", bbox_to_anchor=(1.01, 1), borderaxespad=0)
    else:
        ax.text(0.5, 0.5, "no scores recorded yet", transform=ax.transAxes, ha="center", fontsize=8, color="#6b7280")
