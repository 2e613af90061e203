"""Independent reference solutions for the PK tests (written from the ODEs, not from the engine).

* ``expm_reference``: the zero-order-hold solution x(t+Δt) = e^(KΔt)·x + ∫e^(Ks)ds·b·R from one
  scipy.linalg.expm of the augmented matrix [[K, b], [0, 0]] (Van Loan), event to event (pk.md §3.4).
* ``ode_reference``: scipy solve_ivp (LSODA by default, Radau on request) with an analytic Jacobian,
  restarted at every event.
Both take the rate-constant matrix in amounts, built here from micro-constants.
"""

import numpy as np
from scipy.integrate import solve_ivp
from scipy.linalg import expm

DOMINO_K = {"k10": 0.438, "k12": 0.592, "k13": 0.590, "k21": 0.247, "k31": 0.0146}
DOMINO_V1_L_PER_KG = 0.063


def kamp_micro(weight_kg):
    """Kamp (SimTIVA form) → V1 (L) and micro-constants (1/min), pk.md §6 'Model constants used'."""
    s = weight_kg / 70.0
    v1, v2, v3 = 25 * s, 56 * s, 157 * s
    cl, q2, q3 = (x / 60.0 * s**0.75 for x in (84.0, 161.0, 79.0))
    return v1, {"k10": cl / v1, "k12": q2 / v1, "k13": q3 / v1, "k21": q2 / v2, "k31": q3 / v3}


def k_matrix(k, ke0=None):
    """dx/dt = K·x for amounts [x1, x2, x3] (+ effect concentration scaled as an amount when ke0)."""
    m = np.array([
        [-(k["k10"] + k["k12"] + k["k13"]), k["k21"], k["k31"]],
        [k["k12"], -k["k21"], 0.0],
        [k["k13"], 0.0, -k["k31"]],
    ])
    if ke0 is None:
        return m
    full = np.zeros((4, 4))
    full[:3, :3] = m
    full[3, 0] = ke0  # d(V1·Ce)/dt = ke0·(x1 − V1·Ce)
    full[3, 3] = -ke0
    return full


def _events(infusions, boluses, t_out):
    pts = {0.0, *map(float, t_out)}
    for start, end, _ in infusions:
        pts |= {float(start), float(end)}
    pts |= {float(t) for t, _ in boluses}
    return sorted(p for p in pts if p <= max(t_out))


def _rate(infusions, t):
    return sum(r for start, end, r in infusions if start <= t < end)


def expm_reference(k, v1, infusions, boluses, t_out, ke0=None):
    """Cp (and Ce) in mg/L. infusions: (start_min, end_min, rate_mg_per_min); boluses: (t_min, mg)."""
    xs = expm_amounts(k, infusions, boluses, t_out, ke0)
    return xs[:, 0] / v1, (xs[:, 3] / v1 if ke0 is not None else None)


def expm_amounts(k, infusions, boluses, t_out, ke0=None):
    """Amounts (mg) in each compartment at t_out, shape (T, 3) (or (T, 4) with the effect state)."""
    kk = k_matrix(k, ke0)
    n = kk.shape[0]
    x = np.zeros(n)
    out = {}
    points = _events(infusions, boluses, t_out)
    for j, p in enumerate(points):
        x[0] += sum(d for t, d in boluses if t == p)
        out[p] = x.copy()
        if j + 1 == len(points):
            break
        dt = points[j + 1] - p
        aug = np.zeros((n + 1, n + 1))
        aug[:n, :n] = kk * dt
        aug[0, n] = _rate(infusions, p) * dt
        e = expm(aug)
        x = e[:n, :n] @ x + e[:n, n]
    return np.array([out[float(t)] for t in t_out])


def ode_reference(k, v1, infusions, boluses, t_out, ke0=None, rtol=1e-12, atol=1e-14, method="LSODA"):
    kk = k_matrix(k, ke0)
    x = np.zeros(kk.shape[0])
    out = {}
    points = _events(infusions, boluses, t_out)
    for j, p in enumerate(points):
        x[0] += sum(d for t, d in boluses if t == p)
        out[p] = x.copy()
        if j + 1 == len(points):
            break
        b = np.zeros_like(x)
        b[0] = _rate(infusions, p)
        sol = solve_ivp(lambda _t, y, b=b: kk @ y + b, (p, points[j + 1]), x, method=method,
                        jac=lambda _t, _y: kk, rtol=rtol, atol=atol)
        x = sol.y[:, -1]
    xs = np.array([out[float(t)] for t in t_out])
    return xs[:, 0] / v1, (xs[:, 3] / v1 if ke0 is not None else None)
