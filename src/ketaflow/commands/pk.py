"""`ketaflow pk simulate` and `ketaflow pk population`: the PK engine from the command line.

    ketaflow pk simulate --weight-kg 70 --model domino --segment 0:240:0.5mg/kg/h --plot out.svg
    ketaflow pk population --n 10000 --cv 0.3 --segment 0:240:0.5mg/kg/h
    python -m ketaflow.commands.pk simulate ...        (same, without the main CLI)

A segment is START_MIN:END_MIN:RATE with the rate's unit written out (0.5mg/kg/h, 25mg/h, 35mL/h
with --bag-concentration-mg-per-ml); a bolus is T_MIN:DOSE (0:0.25mg/kg, 0:17.5mg). Every output
is a model prediction and says so.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

import numpy as np
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from ketaflow.domain.errors import DomainValidationError
from ketaflow.domain.pk import Bolus, Infusion, Program, model_get, model_list, predict
from ketaflow.domain.pk.population import ANALGESIA_BAND_MG_PER_L, Variability, simulate_population
from ketaflow.domain.units import mg_per_l_to_ng_per_ml, ng_per_ml_to_mg_per_l, parse_quantity


def parse_segment(text: str) -> Infusion:
    parts = text.split(":")
    if len(parts) != 3:
        raise DomainValidationError("--segment", f"cannot read {text!r}", "START_MIN:END_MIN:RATE, e.g. 0:240:0.5mg/kg/h")
    start, end = _number("--segment start", parts[0]), _number("--segment end", parts[1])
    if end <= start:
        raise DomainValidationError("--segment", f"end {end:g} must be after start {start:g}", "END_MIN > START_MIN")
    rate = parse_quantity(parts[2], field="--segment rate")
    if not rate.is_rate:
        raise DomainValidationError("--segment rate", f"{rate} is not a rate", "mg/kg/h, mg/h, mL/h, mg/kg/min, mg/min")
    return Infusion(start, end - start, rate)


def parse_bolus(text: str) -> Bolus:
    parts = text.split(":")
    if len(parts) != 2:
        raise DomainValidationError("--bolus", f"cannot read {text!r}", "T_MIN:DOSE, e.g. 0:0.25mg/kg")
    dose = parse_quantity(parts[1], field="--bolus dose")
    if dose.is_rate:
        raise DomainValidationError("--bolus dose", f"{dose} is a rate, not a dose", "mg, mg/kg, mL")
    return Bolus(_number("--bolus time", parts[0]), dose)


def _number(field: str, text: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise DomainValidationError(field, f"{text!r} is not a number", "a number of minutes") from None


def _band(text: str) -> tuple[float, float]:
    low, _, high = text.partition(":")
    return ng_per_ml_to_mg_per_l(_number("--band-ng-per-ml", low)), ng_per_ml_to_mg_per_l(_number("--band-ng-per-ml", high))


def _program(args) -> Program:
    if not args.segment and not args.bolus:
        raise DomainValidationError("--segment", "give at least one --segment or --bolus", "START_MIN:END_MIN:RATE")
    return Program(tuple(parse_segment(s) for s in args.segment), tuple(parse_bolus(b) for b in args.bolus),
                   args.bag_concentration_mg_per_ml)


def _common(parser: argparse.ArgumentParser) -> None:
    codes = [m.code for m in model_list()]
    parser.add_argument("--model", default="kamp2020", choices=codes, help="PK model (default kamp2020)")
    parser.add_argument("--segment", action="append", default=[], metavar="START_MIN:END_MIN:RATE",
                        help="infusion, e.g. 0:240:0.5mg/kg/h (repeatable; overlapping rates add)")
    parser.add_argument("--bolus", action="append", default=[], metavar="T_MIN:DOSE", help="bolus, e.g. 0:0.25mg/kg")
    parser.add_argument("--bag-concentration-mg-per-ml", type=float, default=None, help="needed for mL/h and mL")
    parser.add_argument("--step-min", type=float, default=1.0, help="output grid step (default 1 min)")
    parser.add_argument("--end-min", type=float, default=None, help="last output (default: programme end + 120 min)")


def register(subparsers) -> argparse.ArgumentParser:
    """Add `pk simulate` and `pk population` to an argparse subparsers object."""
    pk = subparsers.add_parser("pk", help="ketamine PK predictions (model predictions, not measurements)")
    pk_sub = pk.add_subparsers(dest="pk_command", required=True)

    sim = pk_sub.add_parser("simulate", help="one patient: table and plot")
    sim.add_argument("--weight-kg", type=float, required=True)
    _common(sim)
    sim.add_argument("--ke0-per-min", type=float, default=None, help="override the model's ke0")
    sim.add_argument("--no-effect-site", action="store_true")
    sim.add_argument("--every-min", type=float, default=15.0, help="table row spacing (default 15 min)")
    sim.add_argument("--plot", default=None, help="write a chart (.svg or .png)")
    sim.set_defaults(func=cmd_simulate)

    pop = pk_sub.add_parser("population", help="N patients with log-normal variability: summary table")
    pop.add_argument("--n", type=int, default=1000, help="number of patients")
    pop.add_argument("--weight-min-kg", type=float, default=50.0)
    pop.add_argument("--weight-max-kg", type=float, default=120.0)
    pop.add_argument("--cv", type=float, default=0.3, help="CV of every volume and clearance (0 = none)")
    pop.add_argument("--seed", type=int, default=20261122)
    pop.add_argument("--band-ng-per-ml", default="70:160", help="concentration band LOW:HIGH (default analgesia)")
    pop.add_argument("--chunk-size", type=int, default=16384)
    pop.add_argument("--engine", choices=("numba", "numpy"), default="numba")
    pop.add_argument("--plot", default=None, help="write percentile chart (.svg or .png); keeps all curves in memory")
    _common(pop)
    pop.set_defaults(func=cmd_population)
    return pk


def _guard(run):
    def wrapper(args) -> int:
        try:
            return run(args)
        except DomainValidationError as err:
            print(f"error: {err}", file=sys.stderr)
            return 2

    return wrapper


@_guard
def cmd_simulate(args) -> int:
    console = Console()
    model = model_get(args.model)
    pred = predict(_program(args), weight_kg=args.weight_kg, model=model, end_min=args.end_min,
                   step_min=args.step_min, effect_site=not args.no_effect_site, ke0_per_min=args.ke0_per_min)
    table = Table(title=f"{model.name} v{model.version}, {args.weight_kg:g} kg — {pred.label}")
    table.add_column("t (min)", justify="right")
    table.add_column(f"Cp (ng/mL, {pred.prediction_site.split(' ')[0]})", justify="right")
    if pred.conc_effect_ng_per_ml is not None:
        table.add_column("Ce (ng/mL)", justify="right")
    every = max(1, round(args.every_min / args.step_min))
    rows = list(range(0, pred.t_min.size, every))
    if rows[-1] != pred.t_min.size - 1:
        rows.append(pred.t_min.size - 1)
    for i in rows:
        cells = [f"{pred.t_min[i]:g}", f"{pred.conc_plasma_ng_per_ml[i]:.1f}"]
        if pred.conc_effect_ng_per_ml is not None:
            cells.append(f"{pred.conc_effect_ng_per_ml[i]:.1f}")
        table.add_row(*cells)
    console.print(table)
    console.print(f"Cmax {mg_per_l_to_ng_per_ml(pred.cmax_mg_per_l):.1f} ng/mL at {pred.tmax_min:g} min; "
                  f"AUC {pred.auc_mg_min_per_l:.4g} mg·min/L. Source: {model.citation.citation}")
    if args.plot:
        from ketaflow.reports.pk_plot import prediction_figure, save_figure

        console.print(f"plot written to {save_figure(prediction_figure(pred), args.plot)}")
    return 0


@_guard
def cmd_population(args) -> int:
    console = Console()
    if args.n < 1:
        raise DomainValidationError("--n", f"must be >= 1, got {args.n}", ">= 1")
    if not 0 < args.weight_min_kg <= args.weight_max_kg:
        raise DomainValidationError("--weight-min-kg", "needs 0 < min <= max", "0 < min <= max")
    rng = np.random.default_rng(args.seed)
    weights = rng.uniform(args.weight_min_kg, args.weight_max_kg, args.n)
    variability = Variability.from_cv(args.cv) if args.cv > 0 else None
    band = _band(args.band_ng_per_ml)
    with Progress(TextColumn("simulating"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=console, transient=True) as progress:
        task = progress.add_task("patients", total=args.n)
        result = simulate_population(
            _program(args), weights_kg=weights, model=args.model, end_min=args.end_min, step_min=args.step_min,
            variability=variability, rng=rng, band_mg_per_l=band, chunk_size=args.chunk_size, engine=args.engine,
            keep_curves=bool(args.plot), progress=lambda done, _total: progress.update(task, completed=done),
        )
    table = Table(title=f"{args.n} patients, {result.model_code} v{result.model_version}, CV {args.cv:g} — {result.label}")
    for column in ("summary", "5th", "median", "95th"):
        table.add_column(column, justify="right")
    rows = (
        (f"Cmax (ng/mL, {result.prediction_site.split(' ')[0]})", mg_per_l_to_ng_per_ml(result.cmax_mg_per_l)),
        ("t at Cmax (min)", result.tmax_min),
        ("AUC (mg·min/L)", result.auc_mg_min_per_l),
        (f"time in {args.band_ng_per_ml} ng/mL (min)", result.time_in_band_min),
    )
    for name, values in rows:
        p5, p50, p95 = np.percentile(values, [5, 50, 95])
        table.add_row(name, f"{p5:.4g}", f"{p50:.4g}", f"{p95:.4g}")
    console.print(table)
    if args.plot:
        from ketaflow.reports.pk_plot import population_figure, save_figure

        console.print(f"plot written to {save_figure(population_figure(result), args.plot)}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ketaflow.commands.pk")
    sub = parser.add_subparsers(dest="command", required=True)
    register(sub)
    args = parser.parse_args(["pk", *(sys.argv[1:] if argv is None else argv)])
    return int(args.func(args) or 0)


if __name__ == "__main__":
    sys.exit(main())


__all__ = ["ANALGESIA_BAND_MG_PER_L", "main", "parse_bolus", "parse_segment", "register"]
