"""A generic linear metabolite chain (parent → M1 → M2 …), solved exactly with matrix exponentials.

pk.md §1.4: no adult racemic ketamine→norketamine parameter set could be verified, so Ketaflow ships
the engine and no norketamine numbers; a chain is passed in as data (with its Source) once someone
reads the tables of e.g. Kamp BJA 2020 or Hijazi 2003. Metabolite parameters are "apparent"
(the fraction formed is not identifiable separately from the volume, pk.md §1.4, Flint 2017).

The parent-plus-chain system is block-triangular and not symmetric, so instead of eigenvectors
(which fail when a metabolite rate equals a parent λ) each interval uses the zero-order-hold
transition from one ``scipy.linalg.expm`` of the augmented matrix [[A·Δt, b·R·Δt], [0, 0]]
(Van Loan; pk.md §3.4), cached per distinct (Δt, rate). Exact for any step length.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ketaflow.domain.errors import DomainValidationError
from ketaflow.domain.pk.program import Timeline
from ketaflow.domain.sources import Source


@dataclass(frozen=True)
class MetaboliteStep:
    """One metabolite formed from the previous member of the chain (the parent for the first).

    ``fraction_formed`` of the precursor's elimination clearance becomes this metabolite;
    ``mass_ratio`` (molar mass metabolite / precursor) turns precursor mg into metabolite mg.
    """

    name: str
    fraction_formed: float
    volume_l: float
    clearance_l_per_min: float
    mass_ratio: float = 1.0


@dataclass(frozen=True)
class MetaboliteChain:
    steps: tuple[MetaboliteStep, ...]
    source: Source


def chain_matrix(volumes_l, clearances_l_per_min, chain: MetaboliteChain) -> tuple[np.ndarray, np.ndarray]:
    """dx/dt = A·x + b·R for amounts (mg) [parent compartments…, metabolites…]; also the volumes."""
    v = np.asarray(volumes_l, float)
    q = np.asarray(clearances_l_per_min, float)
    n, m = v.size, len(chain.steps)
    a = np.zeros((n + m, n + m))
    a[0, 0] = -q.sum() / v[0]
    for j in range(1, n):
        a[0, j] = q[j] / v[j]
        a[j, 0] = q[j] / v[0]
        a[j, j] = -q[j] / v[j]
    precursor, precursor_cl, precursor_v = 0, q[0], v[0]
    for k, step in enumerate(chain.steps):
        if not (0 <= step.fraction_formed <= 1) or step.volume_l <= 0 or step.clearance_l_per_min <= 0:
            raise DomainValidationError(f"chain.steps[{k}]", "needs 0 <= fraction_formed <= 1 and positive V, CL")
        row = n + k
        a[row, precursor] = step.fraction_formed * step.mass_ratio * precursor_cl / precursor_v
        a[row, row] = -step.clearance_l_per_min / step.volume_l
        precursor, precursor_cl, precursor_v = row, step.clearance_l_per_min, step.volume_l
    volumes = np.concatenate([v, [s.volume_l for s in chain.steps]])
    return a, volumes


def solve_chain(volumes_l, clearances_l_per_min, chain: MetaboliteChain, timeline: Timeline, t_min,
                patient: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Parent Cp (T,) and metabolite concentrations (T, m), all mg/L, at sorted times ≥ 0."""
    from scipy.linalg import expm  # only here: importing scipy.linalg costs ~0.3 s at start-up

    a, volumes = chain_matrix(volumes_l, clearances_l_per_min, chain)
    n_parent = np.asarray(volumes_l).size
    size = a.shape[0]
    t = np.asarray(t_min, float)
    points = np.unique(np.concatenate([timeline.breakpoints_min, timeline.bolus_times_min, t]))
    points = points[points <= t[-1]]
    rate_at = timeline.rates_mg_per_min[:, patient]
    bolus_at = dict(zip(timeline.bolus_times_min.tolist(), timeline.bolus_mg[:, patient].tolist(), strict=True))
    cache: dict[tuple[float, float], tuple[np.ndarray, np.ndarray]] = {}
    x = np.zeros(size)
    states = {}
    for j, p in enumerate(points):
        x[0] += bolus_at.get(float(p), 0.0)
        states[float(p)] = x.copy()
        if j + 1 == len(points):
            break
        dt = float(points[j + 1] - p)
        rate = float(rate_at[np.searchsorted(timeline.breakpoints_min, p, side="right") - 1])
        key = (dt, rate)
        if key not in cache:
            aug = np.zeros((size + 1, size + 1))
            aug[:size, :size] = a * dt
            aug[0, size] = rate * dt
            e = expm(aug)
            cache[key] = (e[:size, :size], e[:size, size])
        transition, forced = cache[key]
        x = transition @ x + forced
    xs = np.array([states[float(ti)] for ti in t])
    conc = xs / volumes
    return conc[:, 0], conc[:, n_parent:]
