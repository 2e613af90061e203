"""Charts of PK predictions (matplotlib, Agg canvas, no pyplot global state): SVG for pages, PNG too.

Each chart says it shows a model prediction, names the model and the site it predicts (arterial for
Kamp), and draws the effect bands of pk.md §2 as shaded reference ranges labelled as mostly venous
literature values, not targets.
"""

from __future__ import annotations

import io
import textwrap
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from ketaflow.domain.pk.effects import EffectBand, effect_bands
from ketaflow.domain.pk.population import PopulationResult
from ketaflow.domain.pk.predict import Prediction
from ketaflow.domain.units import mg_per_l_to_ng_per_ml, min_to_h

_BAND_COLOURS = ("#d9ead3", "#fce5cd", "#cfe2f3", "#ead1dc")


def _figure() -> tuple[Figure, object]:
    fig = Figure(figsize=(8, 4.2), layout="constrained")
    FigureCanvasAgg(fig)
    return fig, fig.add_subplot()


def _bands(ax, bands: Sequence[EffectBand], top_ng_per_ml: float) -> None:
    """Draw the bands that reach into the plotted range (an awakening level far above a low-dose
    curve would squash it)."""
    for colour, band in zip(_BAND_COLOURS, bands, strict=False):
        if band.low_ng_per_ml > top_ng_per_ml:
            continue
        if band.high_ng_per_ml > band.low_ng_per_ml:
            ax.axhspan(band.low_ng_per_ml, band.high_ng_per_ml, color=colour, alpha=0.45, lw=0,
                       label=f"{band.label} ({band.site}, reference)")
        else:
            ax.axhline(band.low_ng_per_ml, color="#999999", lw=0.8, ls=":", label=f"{band.label} ({band.site}, reference)")


def _finish(fig: Figure, ax, title: str, note: str, top_ng_per_ml: float) -> None:
    ax.set_xlabel("time (h)")
    ax.set_ylabel("ketamine (ng/mL)")
    ax.set_ylim(0, top_ng_per_ml)
    ax.set_title(title, fontsize=10, loc="left")
    # Below the axes: inside, the legend covered the peak of a long infusion's curve.
    ax.legend(fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.16), ncol=2, frameon=False)
    fig.suptitle("\n".join(textwrap.wrap(note, 130)), fontsize=6.5, color="#555555", x=0.01, ha="left")


def prediction_figure(prediction: Prediction, bands: Sequence[EffectBand] | None = None, title: str = "") -> Figure:
    fig, ax = _figure()
    top = _top(prediction.conc_plasma_ng_per_ml, prediction.conc_effect_ng_per_ml)
    _bands(ax, effect_bands() if bands is None else bands, top)
    t_h = min_to_h(prediction.t_min)
    ax.plot(t_h, prediction.conc_plasma_ng_per_ml, color="#1f4e79", lw=1.6,
            label=f"predicted {prediction.prediction_site.split(' ')[0]} Cp")
    if prediction.conc_effect_ng_per_ml is not None:
        ax.plot(t_h, prediction.conc_effect_ng_per_ml, color="#b45f06", lw=1.2, ls="--",
                label=f"predicted effect site (ke0 {prediction.ke0_per_min:.3g}/min)")
    _finish(fig, ax, title or f"{prediction.weight_kg:g} kg — {prediction.model_code} v{prediction.model_version}",
            f"{prediction.label}; {prediction.prediction_site}. Bands: literature ranges, not targets.", top)
    return fig


def population_figure(result: PopulationResult, bands: Sequence[EffectBand] | None = None, title: str = "") -> Figure:
    if result.curves_mg_per_l is None:
        raise ValueError("population_figure needs curves: simulate with keep_curves=True")
    fig, ax = _figure()
    p5, p50, p95 = mg_per_l_to_ng_per_ml(np.percentile(result.curves_mg_per_l, [5, 50, 95], axis=1))
    top = _top(p95)
    _bands(ax, effect_bands() if bands is None else bands, top)
    t_h = min_to_h(result.t_min)
    ax.fill_between(t_h, p5, p95, color="#1f4e79", alpha=0.25, lw=0, label="5th–95th percentile")
    ax.plot(t_h, p50, color="#1f4e79", lw=1.6, label="median")
    _finish(fig, ax, title or f"{result.weights_kg.size} simulated patients — {result.model_code} v{result.model_version}",
            f"{result.label}; {result.prediction_site}. Bands: literature ranges, not targets.", top)
    return fig


def _top(*curves) -> float:
    highest = max(float(np.max(c)) for c in curves if c is not None)
    return max(highest * 1.15, 200.0)


def figure_bytes(fig: Figure, fmt: str = "svg") -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format=fmt, dpi=150)
    return buffer.getvalue()


def prediction_svg(prediction: Prediction, **kw) -> str:
    """SVG text for a web page."""
    return figure_bytes(prediction_figure(prediction, **kw), "svg").decode()


def save_figure(fig: Figure, path: str | Path) -> Path:
    """Write as SVG or PNG according to the file suffix."""
    target = Path(path)
    fmt = target.suffix.lstrip(".").lower() or "svg"
    if fmt not in ("svg", "png", "pdf"):
        raise ValueError(f"unsupported plot format {fmt!r}: use .svg, .png or .pdf")
    target.write_bytes(figure_bytes(fig, fmt))
    return target
