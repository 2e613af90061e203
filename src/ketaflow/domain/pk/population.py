"""Population simulation: many patients, one programme, exact solution, bounded memory.

Inter-individual variability is log-normal: P_i = P_typical(weight_i)·exp(η_i), η_i ~ N(0, ω²), one
independent η per parameter. ``Variability.from_cv`` converts a coefficient of variation with
ω = sqrt(ln(1 + CV²)) (the Python Anesthesia Simulator confused the two; pk.md §4). The random
generator is passed in, so results are reproducible and independent of chunk size (η is drawn
chunk by chunk in patient order, which consumes the stream exactly as one big draw would).

Patients are processed in chunks; per chunk the work is O(3·N·(P + K)) with K distinct step kinds, so
memory stays at a few arrays of chunk size unless full curves are asked for.

Summaries per patient: Cmax and its time over every output, event and bolus point; exact AUC from 0
to the last output (Σ s_i·∫e^(−λu)du per step); time in a concentration band, counted on the output
grid (a grid step ending in the band counts whole, so its resolution is the grid step).
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass

import numpy as np

from ketaflow.domain import units
from ketaflow.domain.errors import DomainValidationError
from ketaflow.domain.pk.disposition import disposition
from ketaflow.domain.pk.models import PARAMETER_NAMES, PKModel, model_get
from ketaflow.domain.pk.predict import PREDICTION_LABEL, output_grid
from ketaflow.domain.pk.program import Program, Timeline, resolve
from ketaflow.domain.pk.solver import decay_integral

ANALGESIA_BAND_MG_PER_L = (0.070, 0.160)  # pk.md §2, Zanos 2018 Table 1 (reference, not a target)
_DT_DECIMALS = 12  # steps equal to 1e-12 min (60 ps) share their exponentials


@dataclass(frozen=True)
class Variability:
    """Log-normal SD ω per parameter name (V1, V2, V3, CL, Q2, Q3); missing names have none."""

    omega: tuple[tuple[str, float], ...]

    @classmethod
    def from_omega(cls, omega: Mapping[str, float]) -> Variability:
        unknown = set(omega) - set(PARAMETER_NAMES)
        if unknown:
            raise DomainValidationError("variability", f"unknown parameters {sorted(unknown)}", ", ".join(PARAMETER_NAMES))
        for name, value in omega.items():
            if not (math.isfinite(value) and value >= 0):
                raise DomainValidationError(f"variability.{name}", f"omega must be >= 0, got {value!r}", ">= 0")
        return cls(tuple(sorted(omega.items())))

    @classmethod
    def from_cv(cls, cv: float | Mapping[str, float]) -> Variability:
        cvs = dict.fromkeys(PARAMETER_NAMES, cv) if isinstance(cv, int | float) else dict(cv)
        for name, value in cvs.items():
            if not (math.isfinite(value) and value >= 0):
                raise DomainValidationError(f"variability.{name}", f"CV must be >= 0, got {value!r}", ">= 0")
        return cls.from_omega({name: math.sqrt(math.log1p(value**2)) for name, value in cvs.items()})

    def omega_vector(self) -> np.ndarray:
        as_dict = dict(self.omega)
        return np.array([as_dict.get(name, 0.0) for name in PARAMETER_NAMES])


def sample_parameters(model: PKModel, weights_kg, variability: Variability | None = None,
                      rng: np.random.Generator | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Volumes (N, n) L and clearances (N, n) L/min: typical values for each weight × exp(η).

    Always draws six η per patient (V1, V2, V3, CL, Q2, Q3, in that order) so the random stream does
    not depend on which parameters vary or on the model's number of compartments.
    """
    volumes, clearances = model.typical_parameters(np.asarray(weights_kg, dtype=float).reshape(-1))
    if variability is None:
        return volumes, clearances
    if rng is None:
        raise DomainValidationError("rng", "a seeded numpy Generator is required with variability", "np.random.Generator")
    n = model.n_compartments
    eta = rng.standard_normal((volumes.shape[0], len(PARAMETER_NAMES))) * variability.omega_vector()
    return volumes * np.exp(eta[:, :n]), clearances * np.exp(eta[:, 3:3 + n])


@dataclass(frozen=True)
class PopulationChunk:
    start: int
    stop: int
    cmax_mg_per_l: np.ndarray
    tmax_min: np.ndarray
    auc_mg_min_per_l: np.ndarray
    time_in_band_min: np.ndarray
    curves_mg_per_l: np.ndarray | None  # (T, stop − start)


@dataclass(frozen=True)
class PopulationResult:
    t_min: np.ndarray
    weights_kg: np.ndarray
    cmax_mg_per_l: np.ndarray
    tmax_min: np.ndarray
    auc_mg_min_per_l: np.ndarray
    time_in_band_min: np.ndarray
    band_mg_per_l: tuple[float, float]
    curves_mg_per_l: np.ndarray | None  # (T, N) when asked for
    model_code: str
    model_version: str
    prediction_site: str
    label: str = PREDICTION_LABEL


@dataclass(frozen=True)
class _Plan:
    kind: np.ndarray
    bolus_of_point: np.ndarray
    out_of_point: np.ndarray
    out_dt: np.ndarray
    t_points: np.ndarray
    kind_dt: np.ndarray
    kind_rate_index: np.ndarray


def _plan(timeline: Timeline, t_out: np.ndarray) -> _Plan:
    t_end = t_out[-1]
    events = np.concatenate([timeline.breakpoints_min, timeline.bolus_times_min])
    events = events[events <= t_end]
    at = np.searchsorted(t_out, events)
    if np.array_equal(t_out[at], events):  # every event time is also an output time (the usual grid)
        points = t_out
    else:
        points = np.unique(np.concatenate([events, t_out]))
    dt_exact = np.diff(points)
    rate_index = np.searchsorted(timeline.breakpoints_min, points[:-1], side="right") - 1
    kinds, kind = _step_kinds(dt_exact, rate_index, timeline.breakpoints_min.size)
    bolus_of_point = np.full(points.size, -1, dtype=np.int64)
    bolus_of_point[np.searchsorted(points, timeline.bolus_times_min[timeline.bolus_times_min <= t_end])] = np.arange(
        int(np.sum(timeline.bolus_times_min <= t_end)))
    if points.size == t_out.size:  # every event time is also an output time (the usual grid)
        out_of_point = np.arange(t_out.size, dtype=np.int64)
    else:
        out_of_point = np.full(points.size, -1, dtype=np.int64)
        out_of_point[np.searchsorted(points, t_out)] = np.arange(t_out.size)
    return _Plan(
        kind=np.append(kind, 0),
        bolus_of_point=bolus_of_point,
        out_of_point=out_of_point,
        out_dt=np.diff(t_out, prepend=t_out[0]),
        t_points=points,
        kind_dt=kinds[:, 0],
        kind_rate_index=kinds[:, 1].astype(np.int64),
    )


def _step_kinds(dt_exact: np.ndarray, rate_index: np.ndarray, n_rates: int, runs: bool = True):
    """Distinct (step length, rate) pairs: kinds (K, 2) = (exact Δt, rate index) and each step's kind.

    Steps that differ only by rounding of the grid times are grouped; each group uses one of its own
    exact step lengths (its first), so the time error stays at the ulp level instead of drifting with
    the step count. With ``runs`` a grid of one step length whose rates come in time order (every grid
    made by output_grid or np.arange) takes the kinds from the runs of rate_index in O(P): the three
    sorts of the general grouping were most of the set-up of a 14,401-point grid. Same kinds, same
    first steps, either way.
    """
    if not dt_exact.size:
        return np.zeros((0, 2)), np.zeros(0, dtype=np.int64)
    dt_rounded = np.round(dt_exact, _DT_DECIMALS)
    changes = rate_index[1:] != rate_index[:-1]
    if runs and dt_rounded.min() == dt_rounded.max() and np.all(rate_index[1:] >= rate_index[:-1]):
        first = np.flatnonzero(np.concatenate([[True], changes]))
        kind = np.concatenate([[0], np.cumsum(changes)])
    else:
        _, dt_id = np.unique(dt_rounded, return_inverse=True)
        _, first, kind = np.unique(dt_id.reshape(-1) * n_rates + rate_index, return_index=True, return_inverse=True)
    kinds = np.empty((first.size, 2))
    kinds[:, 0] = dt_exact[first]
    kinds[:, 1] = rate_index[first]
    return kinds, np.asarray(kind, dtype=np.int64).reshape(-1)


def _pad3(a: np.ndarray, fill: float) -> np.ndarray:
    if a.shape[-1] == 3:
        return a
    return np.concatenate([a, np.full(a.shape[:-1] + (3 - a.shape[-1],), fill)], axis=-1)


def _step_tables(plan: _Plan, lam: np.ndarray, coef: np.ndarray, timeline: Timeline):
    """E, U, G (K, 3, N), Q (K, N) and BA (B, 3, N) for one chunk; λ, A are (N, 3)."""
    # Transposed once up front, so every product below is born in (K, 3, N) order and nothing has to be
    # copied into it afterwards (those copies cost more than the arithmetic for 1000 patients).
    lam_t, coef_t = np.ascontiguousarray(lam.T), np.ascontiguousarray(coef.T)  # (3, N)
    dt = plan.kind_dt[:, None, None]
    e = np.exp(-lam_t * dt)
    g = decay_integral(lam_t, dt)
    rate = timeline.rates_mg_per_min[plan.kind_rate_index][:, None, :]  # (K, 1, N)
    forcing = rate * coef_t / lam_t  # c_i: the level each exponent is driven towards
    u = forcing * g * lam_t  # = c_i·(1 − e^(−λΔt)), non-negative
    q = np.sum(forcing * np.maximum(dt - g, 0.0), axis=1)
    ba = timeline.bolus_mg[:, None, :] * coef_t
    return e, u, g, q, ba


def iter_population_chunks(
    program: Program,
    *,
    weights_kg,
    model: PKModel | str = "domino",
    t_min=None,
    end_min: float | None = None,
    step_min: float = 1.0,
    variability: Variability | None = None,
    rng: np.random.Generator | None = None,
    band_mg_per_l: tuple[float, float] = ANALGESIA_BAND_MG_PER_L,
    keep_curves: bool = False,
    summaries: bool = True,
    chunk_size: int = 16384,
    engine: str = "numba",
    curves_out: np.ndarray | None = None,
    disposition_method: str | None = None,
) -> Iterator[PopulationChunk]:
    """Yield results chunk by chunk (bounded memory). See :func:`simulate_population` for arguments."""
    pk_model, weights, t_out, structure = _prepare(program, weights_kg, model, t_min, end_min, step_min, variability,
                                                   rng, engine, chunk_size, disposition_method)
    for start in range(0, weights.size, chunk_size):
        yield _run_chunk(program, pk_model, weights, t_out, structure, start, min(start + chunk_size, weights.size),
                         variability, rng, band_mg_per_l, keep_curves, summaries, engine, curves_out,
                         disposition_method)


def _prepare(program, weights_kg, model, t_min, end_min, step_min, variability, rng, engine, chunk_size,
             disposition_method):
    """Checked arguments: the model, weights (N,), output grid and the fast route's structure (or None)."""
    pk_model = model_get(model) if isinstance(model, str) else model
    weights = np.asarray(weights_kg, dtype=float).reshape(-1)
    # min/max instead of isfinite/any: the same verdict (NaN propagates through both) in two passes.
    if weights.size == 0 or not (weights.min() > 0 and weights.max() < math.inf):
        raise DomainValidationError("weights_kg", "must be a non-empty array of finite weights > 0", "> 0 kg")
    if variability is not None and rng is None:
        raise DomainValidationError("rng", "a seeded numpy Generator is required with variability", "np.random.Generator")
    if engine not in ("numba", "numpy"):
        raise DomainValidationError("engine", f"unknown engine {engine!r}", "numba, numpy")
    if chunk_size < 1:
        raise DomainValidationError("chunk_size", f"must be >= 1, got {chunk_size}", ">= 1")
    t_out = output_grid(program.end_min + 120.0 if end_min is None else end_min, step_min) if t_min is None \
        else np.asarray(t_min, dtype=float)
    fast = _FAST_PATH and engine == "numba" and disposition_method in (None, "jacobi") \
        and pk_model.n_compartments == 3
    structure = _structure(program, t_out) if fast else None
    if structure is None:
        _check_grid(t_out)
    return pk_model, weights, t_out, structure


_KERNELS = None


def _kernels():
    # numba is imported (and its cache loaded) only when a population is simulated, so pages that
    # only draw one patient's curve do not pay for it; kept here because an import statement per call
    # costs about a microsecond.
    global _KERNELS
    if _KERNELS is None:
        from ketaflow.domain.pk import kernels

        _KERNELS = kernels
    return _KERNELS


def _run_chunk(program, pk_model, weights, t_out, structure, start, stop, variability, rng, band_mg_per_l, keep_curves,
               summaries, engine, curves_out, disposition_method) -> PopulationChunk:
    kernels = _kernels()
    w = weights[start:stop]
    n = w.size
    if keep_curves:
        curves = curves_out if curves_out is not None and curves_out.shape == (t_out.size, n) \
            else np.empty((t_out.size, n))
    else:
        curves = np.empty((0, n))
    cmax, tmax, auc, tib = np.full(n, -np.inf), np.zeros(n), np.zeros(n), np.zeros(n)
    if structure is not None:
        _run_chunk_fast(kernels, structure, pk_model, w, variability, rng, band_mg_per_l, curves,
                        keep_curves, summaries, cmax, tmax, auc, tib)
    else:
        _run_chunk_general(kernels, program, t_out, pk_model, w, variability, rng, band_mg_per_l, curves,
                           keep_curves, summaries, engine, disposition_method, cmax, tmax, auc, tib)
    return PopulationChunk(start, stop, cmax, tmax, auc, tib, curves if keep_curves else None)


def _check_grid(t_out: np.ndarray) -> None:
    if t_out.ndim != 1 or t_out.size == 0 or np.any(t_out < 0) or np.any(np.diff(t_out) <= 0):
        raise DomainValidationError("t_min", "must be strictly increasing times >= 0", "sorted, >= 0")


def _run_chunk_general(kernels, program, t_out, pk_model, w, variability, rng, band_mg_per_l, curves, keep_curves,
                       summaries, engine, disposition_method, cmax, tmax, auc, tib) -> None:
    """The reference route, step by step in numpy; the fast route is tested bit-for-bit against it."""
    kernel = kernels.population_kernel_numba if engine == "numba" else kernels.population_kernel_numpy
    volumes, clearances = sample_parameters(pk_model, w, variability, rng)
    method = disposition_method or ("jacobi" if engine == "numba" else "eigh")
    disp = disposition(volumes, clearances, method=method)
    lam, coef = _pad3(disp.lambda_per_min, 1.0), _pad3(disp.coef_per_l, 0.0)
    timeline = resolve(program, w)
    plan = _plan(timeline, t_out)
    e, u, g, q, ba = _step_tables(plan, lam, coef, timeline)
    kernel(plan.kind, plan.bolus_of_point, plan.out_of_point, plan.out_dt, plan.t_points, e, u, g, q, ba,
           float(band_mg_per_l[0]), float(band_mg_per_l[1]), curves, bool(keep_curves), bool(summaries),
           cmax, tmax, auc, tib)


# --- fast route: numba engine, 3 compartments, Jacobi -------------------------------------------------
# Everything about a (programme, output grid) pair that does not depend on weight (the plan, which
# infusion runs at which breakpoint, the unit factors) is worked out once and kept in a small LRU;
# per call only the weights go through two compiled functions (kernels.population_setup_numba and
# population_run_numba) with numpy's exp/expm1 between them. Set to False to force the general route.
# The cache evicts the oldest entry (a lookup is then one hash, no reordering); a lookup needs no
# lock (one dict.get), inserting and evicting take it.
_FAST_PATH = True
_STRUCTURES: dict = {}
_STRUCTURES_LOCK = threading.Lock()
_STRUCTURES_MAX = 16
_NO_MICRO = np.empty(0)


@dataclass(frozen=True)
class _Structure:
    """The weight-independent part of a population call: its plan, and resolve()'s rate and dose terms.

    ``active`` (B, I) tells which of the I infusions with a duration (programme order) runs from each
    breakpoint; ``infusion_value`` is mg/kg/h where ``infusion_per_kg`` (as resolve() multiplies by
    weight, then converts to /min) and mg/min otherwise. Boluses likewise, ``bolus_row`` naming the
    distinct bolus time each adds to.
    """

    plan: _Plan
    active: np.ndarray
    infusion_per_kg: np.ndarray
    infusion_value: np.ndarray
    n_bolus_times: int
    bolus_row: np.ndarray
    bolus_per_kg: np.ndarray
    bolus_value: np.ndarray


def _structure(program: Program, t_out: np.ndarray) -> _Structure | None:
    """The cached structure for (program, t_out), building and checking it on a miss; None when the
    general route should run instead (its errors then come in its own order)."""
    if t_out.ndim != 1:
        return None
    key = (program, t_out.tobytes())
    try:
        found = _STRUCTURES.get(key)
    except TypeError:  # a programme built with lists: still valid, just not cacheable
        return None
    if found is not None:
        return found
    _check_grid(t_out)
    try:
        built = _build_structure(program, t_out.copy())  # a copy: the caller may reuse its array
    except (DomainValidationError, ValueError, TypeError, OverflowError):
        return None
    with _STRUCTURES_LOCK:
        _STRUCTURES[key] = built
        while len(_STRUCTURES) > _STRUCTURES_MAX:
            del _STRUCTURES[next(iter(_STRUCTURES))]
    return built


def _build_structure(program: Program, t_out: np.ndarray) -> _Structure:
    # resolve() for one unit weight gives the breakpoints and bolus times (they do not depend on
    # weight) and raises its own errors for an unresolvable unit.
    timeline = resolve(program, np.ones(1))
    breakpoints = timeline.breakpoints_min
    conc = program.bag_concentration_mg_per_ml
    columns, per_kg, values = [], [], []
    for inf in program.infusions:  # as resolve() does, term by term
        if inf.duration_min == 0:
            continue
        columns.append((breakpoints >= inf.start_min) & (breakpoints < inf.end_min))
        if inf.rate.unit in (units.MG_PER_KG_PER_H, units.MG_PER_KG_PER_MIN):
            per_kg.append(True)
            values.append(units.rate_to_mg_per_h(inf.rate, weight_kg=1.0))
        else:
            per_kg.append(False)
            values.append(units.mg_per_h_to_mg_per_min(units.rate_to_mg_per_h(inf.rate, conc_mg_per_ml=conc)))
    active = np.stack(columns, axis=1) if columns else np.zeros((breakpoints.size, 0), dtype=bool)
    times = timeline.bolus_times_min.tolist()
    rows, bolus_per_kg, bolus_values = [], [], []
    for b in program.boluses:
        rows.append(times.index(b.t_min))
        bolus_per_kg.append(b.dose.unit == units.MG_PER_KG)
        bolus_values.append(b.dose.value if b.dose.unit == units.MG_PER_KG else units.dose_to_mg(b.dose, conc_mg_per_ml=conc))
    return _Structure(
        plan=_plan(timeline, t_out),
        active=np.ascontiguousarray(active),
        infusion_per_kg=np.array(per_kg, dtype=bool),
        infusion_value=np.array(values, dtype=float),
        n_bolus_times=len(times),
        bolus_row=np.array(rows, dtype=np.int64),
        bolus_per_kg=np.array(bolus_per_kg, dtype=bool),
        bolus_value=np.array(bolus_values, dtype=float),
    )


_MICRO: dict[int, tuple[PKModel, np.ndarray]] = {}


def _micro_constants(pk_model: PKModel) -> np.ndarray:
    """[V1/kg, k10, k12, k13, k21, k31] of a micro-constant model, kept per model object (the entry holds
    the model, so its id cannot be reused while cached; models are frozen)."""
    found = _MICRO.get(id(pk_model))
    if found is not None and found[0] is pk_model:
        return found[1]
    k = dict(pk_model.k_per_min)
    micro = np.array([pk_model.v1_l_per_kg, k["k10"], k["k12"], k["k13"], k["k21"], k["k31"]])
    if len(_MICRO) >= _STRUCTURES_MAX:
        _MICRO.clear()
    _MICRO[id(pk_model)] = (pk_model, micro)
    return micro


def _run_chunk_fast(kernels, structure: _Structure, pk_model: PKModel, w, variability, rng, band_mg_per_l, curves,
                    keep_curves, summaries, cmax, tmax, auc, tib) -> None:
    n = w.size
    plan = structure.plan
    if variability is None and pk_model.parameterisation == "micro_constants":
        micro = _micro_constants(pk_model)
        volumes_t, clearances_t = np.empty((3, n)), np.empty((3, n))
    else:
        micro = _NO_MICRO
        volumes, clearances = sample_parameters(pk_model, w, variability, rng)
        volumes_t, clearances_t = np.ascontiguousarray(volumes.T), np.ascontiguousarray(clearances.T)
    lam_t, coef_t, neg_x = np.empty((3, n)), np.empty((3, n)), np.empty((plan.kind_dt.size, 3, n))
    if not kernels.population_setup_numba(w, micro, volumes_t, clearances_t, plan.kind_dt, lam_t, coef_t, neg_x):
        raise DomainValidationError("parameters", "volumes and clearances must be finite and > 0", "> 0")
    e = np.exp(neg_x)
    kernels.population_run_numba(
        plan.kind, plan.bolus_of_point, plan.out_of_point, plan.out_dt, plan.t_points, plan.kind_dt,
        plan.kind_rate_index, structure.active, structure.infusion_per_kg, structure.infusion_value,
        units.MIN_PER_H, structure.n_bolus_times, structure.bolus_row, structure.bolus_per_kg,
        structure.bolus_value, w, lam_t, coef_t, e, np.expm1(neg_x, out=neg_x),
        float(band_mg_per_l[0]), float(band_mg_per_l[1]), curves, bool(keep_curves), bool(summaries),
        cmax, tmax, auc, tib)


def simulate_population(
    program: Program,
    *,
    weights_kg,
    model: PKModel | str = "domino",
    t_min=None,
    end_min: float | None = None,
    step_min: float = 1.0,
    variability: Variability | None = None,
    rng: np.random.Generator | None = None,
    band_mg_per_l: tuple[float, float] = ANALGESIA_BAND_MG_PER_L,
    keep_curves: bool = False,
    summaries: bool = True,
    chunk_size: int = 16384,
    engine: str = "numba",
    progress: Callable[[int, int], None] | None = None,
    curves_out: np.ndarray | None = None,
    disposition_method: str | None = None,
) -> PopulationResult:
    """Simulate ``program`` for every weight in ``weights_kg`` (one patient each).

    Outputs at ``t_min`` or every ``step_min`` to ``end_min`` (default: programme end + 2 h).
    ``keep_curves`` returns Cp for all patients as (T, N) — memory T·N·8 bytes, the caller's choice;
    with ``curves_out`` of that shape (and N ≤ chunk_size) the curves are written there. ``progress``
    is called with (patients done, total) after each chunk. ``engine`` "numpy" runs the same
    recurrence without numba (the two are tested against each other). The numba engine computes λ, A
    with a compiled Jacobi solver, the numpy engine with LAPACK eigh (``disposition_method``
    overrides; the two agree to ~1e-14).
    """
    pk_model, weights, t_out, structure = _prepare(program, weights_kg, model, t_min, end_min, step_min, variability,
                                                   rng, engine, chunk_size, disposition_method)
    parts = []
    curves_all = None
    for start in range(0, weights.size, chunk_size):
        chunk = _run_chunk(program, pk_model, weights, t_out, structure, start, min(start + chunk_size, weights.size),
                           variability, rng, band_mg_per_l, keep_curves, summaries, engine, curves_out,
                           disposition_method)
        if chunk.curves_mg_per_l is not None:
            if chunk.start == 0 and chunk.stop == weights.size:
                curves_all = chunk.curves_mg_per_l
            else:
                if curves_all is None:
                    curves_all = np.empty((chunk.curves_mg_per_l.shape[0], weights.size))
                curves_all[:, chunk.start:chunk.stop] = chunk.curves_mg_per_l
        parts.append(chunk)
        if progress is not None:
            progress(chunk.stop, weights.size)

    def joined(field: str) -> np.ndarray:
        # one chunk: its arrays are already the result's, nobody else holds them
        return getattr(parts[0], field) if len(parts) == 1 else np.concatenate([getattr(c, field) for c in parts])

    return PopulationResult(
        t_min=t_out,
        weights_kg=weights,
        cmax_mg_per_l=joined("cmax_mg_per_l"),
        tmax_min=joined("tmax_min"),
        auc_mg_min_per_l=joined("auc_mg_min_per_l"),
        time_in_band_min=joined("time_in_band_min"),
        band_mg_per_l=(float(band_mg_per_l[0]), float(band_mg_per_l[1])),
        curves_mg_per_l=curves_all,
        model_code=pk_model.code,
        model_version=pk_model.version,
        prediction_site=pk_model.prediction_site,
    )
