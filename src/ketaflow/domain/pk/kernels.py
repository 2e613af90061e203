"""The population inner loop, twice: a numba kernel and a numpy twin that must give the same numbers.

Layout (pk.md §3.5): time outside, patients inside, unit stride over patients, so the compiler runs
several patients' recurrences side by side in SIMD lanes. Per step of kind k each patient does
s_i ← s_i·E[k,i] + U[k,i] (3 multiply-adds) and, at output points, Cp = s_0 + s_1 + s_2: everything
that costs an exponential was computed once per (patient, distinct step) before the loop. Runs of
BLOCK consecutive output steps of one kind are done BLOCK at a time in one pass over the patients,
with the states in registers. The module also holds the batched 3×3 Jacobi eigen-solver used for
λ and A of large populations.

Arguments (P points, K step kinds, B boluses, T outputs, N patients; 3 exponents, unused ones padded
with A = 0):
  kind (P,) int        step kind from point j to j+1 (last entry unused)
  bolus_of_point (P,)  bolus index given at point j, or -1
  out_of_point (P,)    output row written at point j (after its bolus), or -1
  out_dt (T,)          grid step ending at each output (time-in-band weight)
  t_points (P,)        times (min)
  E, U, G (K, 3, N)    e^(−λΔt), s-increment, ∫e^(−λu)du over the step
  Q (K, N)             AUC contribution of the forcing over the step
  BA (B, 3, N)         bolus dose × A
  curves (T, N) or (0, N); cmax, tmax, auc, time_in_band (N,) — written in place.
"""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True, nogil=True)
def population_kernel_numba(kind, bolus_of_point, out_of_point, out_dt, t_points, E, U, G, Q, BA,
                            band_lo, band_hi, curves, want_curves, want_summary,
                            cmax, tmax, auc, time_in_band):  # pragma: no cover - compiled
    n = E.shape[2]
    s0 = np.zeros(n)
    s1 = np.zeros(n)
    s2 = np.zeros(n)
    n_points = t_points.shape[0]
    j = 0
    while j < n_points:
        if _plain_block(j, n_points, kind, bolus_of_point, out_of_point):
            if want_summary:
                _block_steps_summary(s0, s1, s2, E, U, G, Q, kind[j], curves, want_curves, out_of_point[j],
                                     t_points[j:j + BLOCK], out_dt, band_lo, band_hi, cmax, tmax, auc, time_in_band)
            elif want_curves:
                _block_steps(s0, s1, s2, E, U, kind[j], curves, out_of_point[j])
            else:
                _block_steps_only(s0, s1, s2, E, U, kind[j])
            j += BLOCK
            continue
        b = bolus_of_point[j]
        if b >= 0:
            for p in range(n):
                s0[p] += BA[b, 0, p]
                s1[p] += BA[b, 1, p]
                s2[p] += BA[b, 2, p]
        o = out_of_point[j]
        if want_summary:
            tj = t_points[j]
            weight = out_dt[o] if o >= 0 else 0.0
            for p in range(n):
                c = s0[p] + s1[p] + s2[p]
                if c > cmax[p]:
                    cmax[p] = c
                    tmax[p] = tj
                if band_lo <= c <= band_hi:
                    time_in_band[p] += weight
        last = j + 1 == n_points
        if want_summary and not last:
            k = kind[j]
            for p in range(n):
                auc[p] += s0[p] * G[k, 0, p] + s1[p] * G[k, 1, p] + s2[p] * G[k, 2, p] + Q[k, p]
        if want_curves and o >= 0:
            row = curves[o]
            for p in range(n):
                row[p] = s0[p] + s1[p] + s2[p]
        if not last:
            k = kind[j]
            e0, e1, e2 = E[k, 0], E[k, 1], E[k, 2]
            u0, u1, u2 = U[k, 0], U[k, 1], U[k, 2]
            for p in range(n):
                s0[p] = s0[p] * e0[p] + u0[p]
                s1[p] = s1[p] * e1[p] + u1[p]
                s2[p] = s2[p] * e2[p] + u2[p]
        j += 1


# Outputs written per pass over the patients. Measured here (1000 patients × 14,400 steps): 4 → 22 ms,
# 8 → 15-17 ms (the numpy fill bound is ~14 ms), 16 → 25 ms, 32 → 38 ms.
BLOCK = 8


@njit(cache=True, nogil=True, inline="always")
def _plain_block(j, n_points, kind, bolus_of_point, out_of_point):  # pragma: no cover - compiled
    """Points j..j+BLOCK-1 are consecutive outputs with no bolus, followed by steps of one kind."""
    if j + BLOCK >= n_points:
        return False
    k = kind[j]
    for i in range(BLOCK):
        if out_of_point[j + i] < 0 or bolus_of_point[j + i] >= 0 or kind[j + i] != k:
            return False
    return out_of_point[j + BLOCK - 1] == out_of_point[j] + BLOCK - 1


@njit(cache=True, nogil=True, inline="always")
def _block_steps(s0, s1, s2, E, U, k, curves, o):  # pragma: no cover - compiled
    """BLOCK outputs and steps per pass over the patients: the states stay in registers, so memory
    traffic is little more than the curve stores. Same operations in the same order as the single
    step, so the numbers are identical."""
    e0, e1, e2 = E[k, 0], E[k, 1], E[k, 2]
    u0, u1, u2 = U[k, 0], U[k, 1], U[k, 2]
    for p in range(s0.shape[0]):
        a0, a1, a2 = s0[p], s1[p], s2[p]
        x0, x1, x2 = e0[p], e1[p], e2[p]
        y0, y1, y2 = u0[p], u1[p], u2[p]
        for i in range(BLOCK):
            curves[o + i, p] = a0 + a1 + a2
            a0, a1, a2 = a0 * x0 + y0, a1 * x1 + y1, a2 * x2 + y2
        s0[p], s1[p], s2[p] = a0, a1, a2


@njit(cache=True, nogil=True, inline="always")
def _block_steps_only(s0, s1, s2, E, U, k):  # pragma: no cover - compiled
    e0, e1, e2 = E[k, 0], E[k, 1], E[k, 2]
    u0, u1, u2 = U[k, 0], U[k, 1], U[k, 2]
    for p in range(s0.shape[0]):
        a0, a1, a2 = s0[p], s1[p], s2[p]
        x0, x1, x2 = e0[p], e1[p], e2[p]
        y0, y1, y2 = u0[p], u1[p], u2[p]
        for _i in range(BLOCK):
            a0, a1, a2 = a0 * x0 + y0, a1 * x1 + y1, a2 * x2 + y2
        s0[p], s1[p], s2[p] = a0, a1, a2


@njit(cache=True, nogil=True, inline="always")
def _block_steps_summary(s0, s1, s2, E, U, G, Q, k, curves, want_curves, o, t_block, out_dt, band_lo, band_hi,
                         cmax, tmax, auc, time_in_band):  # pragma: no cover - compiled
    """:func:`_block_steps` plus the running summaries, in the single step's order of operations."""
    e0, e1, e2 = E[k, 0], E[k, 1], E[k, 2]
    u0, u1, u2 = U[k, 0], U[k, 1], U[k, 2]
    g0, g1, g2 = G[k, 0], G[k, 1], G[k, 2]
    qk = Q[k]
    for p in range(s0.shape[0]):
        a0, a1, a2 = s0[p], s1[p], s2[p]
        x0, x1, x2 = e0[p], e1[p], e2[p]
        y0, y1, y2 = u0[p], u1[p], u2[p]
        h0, h1, h2, q = g0[p], g1[p], g2[p], qk[p]
        peak, peak_t, area, inside = cmax[p], tmax[p], auc[p], time_in_band[p]
        for i in range(BLOCK):
            c = a0 + a1 + a2
            if want_curves:
                curves[o + i, p] = c
            higher = c > peak
            peak_t = t_block[i] if higher else peak_t
            peak = c if higher else peak
            inside += out_dt[o + i] if (band_lo <= c) & (c <= band_hi) else 0.0
            area += a0 * h0 + a1 * h1 + a2 * h2 + q
            a0, a1, a2 = a0 * x0 + y0, a1 * x1 + y1, a2 * x2 + y2
        s0[p], s1[p], s2[p] = a0, a1, a2
        cmax[p], tmax[p], auc[p], time_in_band[p] = peak, peak_t, area, inside


def population_kernel_numpy(kind, bolus_of_point, out_of_point, out_dt, t_points, E, U, G, Q, BA,
                            band_lo, band_hi, curves, want_curves, want_summary,
                            cmax, tmax, auc, time_in_band):
    """The same recurrence with numpy vector operations over patients (same operation order)."""
    s0, s1, s2 = (np.zeros(E.shape[2]) for _ in range(3))
    n_points = t_points.shape[0]
    for j in range(n_points):
        b = bolus_of_point[j]
        if b >= 0:
            s0 += BA[b, 0]
            s1 += BA[b, 1]
            s2 += BA[b, 2]
        o = out_of_point[j]
        c = s0 + s1 + s2
        if want_summary:
            higher = c > cmax
            cmax[higher] = c[higher]
            tmax[higher] = t_points[j]
            if o >= 0:
                time_in_band[(band_lo <= c) & (c <= band_hi)] += out_dt[o]
        if want_curves and o >= 0:
            curves[o] = c
        if j + 1 < n_points:
            k = kind[j]
            if want_summary:
                auc += s0 * G[k, 0] + s1 * G[k, 1] + s2 * G[k, 2] + Q[k]
            s0 = s0 * E[k, 0] + U[k, 0]
            s1 = s1 * E[k, 1] + U[k, 1]
            s2 = s2 * E[k, 2] + U[k, 2]


@njit(cache=True, nogil=True, error_model="numpy")
def _rotate_all(app, aqq, apq, arp, arq, vp, vq):  # pragma: no cover - compiled
    """One Jacobi rotation zeroing a_pq for every matrix of the batch (Numerical Recipes §11.1 form).

    r is the third index; (vp, vq) are first-row entries of the eigenvector matrix, the only row
    needed. Branch-free over the batch (a negligible a_pq gets t = 0, the identity rotation), so the
    compiler runs several matrices in SIMD lanes: one matrix alone is bound by sqrt/div latency.
    Returns how many rotations were not the identity.

    A pass in which every rotation would be the identity (the last sweep always is one, and for
    similar matrices often a pass before it) changes nothing but a_pq := 0: with t = 0 every other
    entry comes back exactly (x − 0·y = x for finite y). So such a pass is found by a cheap scan
    without divisions or square roots, which stops at the first matrix that does rotate, and is
    replaced by its only effect. Saves about a quarter of the solver's time, same numbers (tested
    against the unshortened solver)."""
    if _no_rotation(app, aqq, apq, arp, arq, vp, vq):
        for m in range(app.shape[0]):
            apq[m] = 0.0
        return 0
    active_count = 0
    for m in range(app.shape[0]):
        p, q, x = app[m], aqq[m], apq[m]
        g = 100.0 * abs(x)
        # An off-diagonal that no longer changes either diagonal entry (even ×100) is zero
        # (Numerical Recipes' test); without it rounding would keep the sweeps going.
        active = not (abs(p) + g == abs(p) and abs(q) + g == abs(q))
        safe = x if active else 1.0
        theta = (q - p) / (2.0 * safe)
        t = 1.0 / (abs(theta) + np.sqrt(theta * theta + 1.0))
        t = -t if theta < 0.0 else t
        t = t if active else 0.0
        c = 1.0 / np.sqrt(t * t + 1.0)
        sn = t * c
        tau = sn / (1.0 + c)
        rp, rq, wp, wq = arp[m], arq[m], vp[m], vq[m]
        app[m] = p - t * x
        aqq[m] = q + t * x
        apq[m] = 0.0
        arp[m] = rp - sn * (rq + tau * rp)
        arq[m] = rq + sn * (rp - tau * rq)
        vp[m] = wp - sn * (wq + tau * wp)
        vq[m] = wq + sn * (wp - tau * wq)
        active_count += 1 if active else 0
    return active_count


@njit(cache=True, nogil=True, error_model="numpy")
def _no_rotation(app, aqq, apq, arp, arq, vp, vq):  # pragma: no cover - compiled
    """True if :func:`_rotate_all` would rotate no matrix and every entry it touches is finite (0·inf
    would be NaN, so a non-finite entry keeps the full pass). Matrices of one population tend to
    converge together, so the first one decides most passes at once; the rest is counted, not
    branched on, so that the compiler vectorises it (~0.7 µs per 1000 matrices, a pass is ~3 µs)."""
    rotates = 0
    for stop in (1, app.shape[0]):
        for m in range(stop):
            p, q = abs(app[m]), abs(aqq[m])
            g = 100.0 * abs(apq[m])
            # x − x is NaN exactly when x is inf or NaN
            spread = (arp[m] - arp[m]) + (arq[m] - arq[m]) + (vp[m] - vp[m]) + (vq[m] - vq[m]) + (p - p) + (q - q)
            rotates += np.int64(p + g != p) + np.int64(q + g != q) + np.int64(spread != 0.0)
        if rotates:
            return False
    return True


@njit(cache=True, nogil=True, error_model="numpy")
def symmetric3_eigen_numba(s, eigenvalues, first_row):  # pragma: no cover - compiled
    """Batched cyclic Jacobi for symmetric 3×3 matrices s (N, 3, 3).

    Writes eigenvalues (N, 3) ascending and the first row of the eigenvector matrix (N, 3). Jacobi
    rotations keep small eigenvalues relatively accurate and need no pivoting; a few sweeps reach
    machine precision, and the sweeps stop when a whole sweep rotates nothing.
    """
    a00, a11, a22 = s[:, 0, 0].copy(), s[:, 1, 1].copy(), s[:, 2, 2].copy()
    a01, a02, a12 = s[:, 0, 1].copy(), s[:, 0, 2].copy(), s[:, 1, 2].copy()
    _jacobi3(a00, a11, a22, a01, a02, a12, eigenvalues, first_row)


@njit(cache=True, nogil=True, error_model="numpy")
def mammillary3_disposition_numba(volumes, clearances, lam, coef):  # pragma: no cover - compiled
    """λ (N, 3) and A (N, 3) of 3-compartment mammillary models straight from V and CL (N, 3).

    The same S = V^(-1/2)·M·V^(-1/2) as :func:`ketaflow.domain.pk.disposition.disposition` (same
    operations, so the same numbers as building the (N, 3, 3) stack in numpy and calling
    :func:`symmetric3_eigen_numba`), without the stack: for 1000 patients the numpy set-up around
    the solver cost more than the solver."""
    n = volumes.shape[0]
    a00, a11, a22 = np.empty(n), np.empty(n), np.empty(n)
    a01, a02, a12 = np.empty(n), np.empty(n), np.zeros(n)
    for m in range(n):
        r0 = 1.0 / np.sqrt(volumes[m, 0])
        r1 = 1.0 / np.sqrt(volumes[m, 1])
        r2 = 1.0 / np.sqrt(volumes[m, 2])
        q0, q1, q2 = clearances[m, 0], clearances[m, 1], clearances[m, 2]
        a00[m] = -(q0 + q1 + q2) * r0 * r0
        a11[m] = -q1 * r1 * r1
        a22[m] = -q2 * r2 * r2
        a01[m] = q1 * r0 * r1
        a02[m] = q2 * r0 * r2
    _jacobi3(a00, a11, a22, a01, a02, a12, lam, coef)
    for m in range(n):
        v1 = volumes[m, 0]
        for i in range(3):
            f = coef[m, i]
            lam[m, i] = -lam[m, i]
            coef[m, i] = f * f / v1


@njit(cache=True, nogil=True, error_model="numpy", inline="always")
def _jacobi3(a00, a11, a22, a01, a02, a12, eigenvalues, first_row):  # pragma: no cover - compiled
    n = a00.shape[0]
    v0, v1, v2 = np.ones(n), np.zeros(n), np.zeros(n)
    for _sweep in range(50):
        rotated = _rotate_all(a00, a11, a01, a02, a12, v0, v1)
        rotated += _rotate_all(a00, a22, a02, a01, a12, v0, v2)
        rotated += _rotate_all(a11, a22, a12, a01, a02, v1, v2)
        if rotated == 0:
            break
    for m in range(n):
        # Ascending order by three compare-and-swaps.
        e0, e1, e2, f0, f1, f2 = a00[m], a11[m], a22[m], v0[m], v1[m], v2[m]
        if e0 > e1:
            e0, e1, f0, f1 = e1, e0, f1, f0
        if e1 > e2:
            e1, e2, f1, f2 = e2, e1, f2, f1
        if e0 > e1:
            e0, e1, f0, f1 = e1, e0, f1, f0
        eigenvalues[m, 0], eigenvalues[m, 1], eigenvalues[m, 2] = e0, e1, e2
        first_row[m, 0], first_row[m, 1], first_row[m, 2] = f0, f1, f2


# --- the population call in two dispatches ------------------------------------------------------------
# For 1000 patients on a 1-min grid the compiled work is ~0.11 ms, and building the same tables with
# small numpy operations cost twice that again. These two functions do that set-up with the very same
# floating-point operations in the same order (so the numbers are bit-identical, tested), leaving only
# exp and expm1 to numpy between them: numpy's SIMD exp/expm1 and the libm ones numba would call can
# differ in the last bit, and the step tables must equal the general path's.


@njit(cache=True, nogil=True, error_model="numpy")
def population_setup_numba(weights, micro, volumes_t, clearances_t, kind_dt, lam_t, coef_t, neg_x):  # pragma: no cover
    """λ, A (3, N) and −λ·Δt (K, 3, N) for the exponentials; False if a volume or clearance is not > 0.

    ``micro`` is empty when ``volumes_t``/``clearances_t`` (3, N) are given, or [V1/kg, k10, k12, k13,
    k21, k31] to fill them from ``weights`` as PKModel.typical_parameters does for a micro-constant
    model. Everything is kept patient-minor: the solver gets (N, 3) views of (3, N) arrays, so its
    loops over patients read and write unit-stride (the (N, 3) rows kept them scalar, ~12 µs more per
    1000 patients)."""
    n = weights.shape[0]
    if micro.shape[0] == 6:
        v1_per_kg, k10, k12, k13, k21, k31 = micro[0], micro[1], micro[2], micro[3], micro[4], micro[5]
        for p in range(n):
            v1 = v1_per_kg * weights[p]
            volumes_t[0, p] = v1
            volumes_t[1, p] = v1 * k12 / k21
            volumes_t[2, p] = v1 * k13 / k31
            clearances_t[0, p] = k10 * v1
            clearances_t[1, p] = k12 * v1
            clearances_t[2, p] = k13 * v1
    bad = 0
    for i in range(3):
        for p in range(n):
            v, q = volumes_t[i, p], clearances_t[i, p]
            bad += np.int64(not (v > 0.0)) + np.int64(not (v < np.inf)) + np.int64(not (q > 0.0)) \
                + np.int64(not (q < np.inf))
    if bad:
        return False
    mammillary3_disposition_numba(volumes_t.T, clearances_t.T, lam_t.T, coef_t.T)
    for k in range(kind_dt.shape[0]):
        dt = kind_dt[k]
        for i in range(3):
            for p in range(n):
                neg_x[k, i, p] = -lam_t[i, p] * dt
    return True


@njit(cache=True, nogil=True, error_model="numpy")
def population_run_numba(kind, bolus_of_point, out_of_point, out_dt, t_points, kind_dt, kind_rate_index,
                         active, infusion_per_kg, infusion_value, min_per_h, n_bolus_times, bolus_row,
                         bolus_per_kg, bolus_value, weights, lam_t, coef_t, E, expm1_neg_x,
                         band_lo, band_hi, curves, want_curves, want_summary,
                         cmax, tmax, auc, time_in_band):  # pragma: no cover - compiled
    """The step tables of population._step_tables (rates and bolus doses as program.resolve gives them),
    then :func:`population_kernel_numba`. ``expm1_neg_x`` (K, 3, N) is overwritten with G."""
    n = weights.shape[0]
    n_kinds = kind_dt.shape[0]
    G = expm1_neg_x
    U = np.empty((n_kinds, 3, n))
    Q = np.empty((n_kinds, n))
    rate = np.empty(n)
    forcing = np.empty((3, n))
    for k in range(n_kinds):
        dt = kind_dt[k]
        b = kind_rate_index[k]
        for p in range(n):
            r = 0.0
            for i in range(active.shape[1]):
                if active[b, i]:
                    r += (infusion_value[i] * weights[p]) / min_per_h if infusion_per_kg[i] else infusion_value[i]
            rate[p] = r
        for i in range(3):
            for p in range(n):
                lam = lam_t[i, p]
                # decay_integral: −expm1(−x)/λ where x = λ·Δt > 0, else Δt
                x = lam * dt
                g = -expm1_neg_x[k, i, p] / (lam if lam > 0.0 else 1.0) if x > 0.0 else dt
                G[k, i, p] = g
                f = rate[p] * coef_t[i, p] / lam
                forcing[i, p] = f
                U[k, i, p] = f * g * lam
        for p in range(n):
            # np.maximum keeps a NaN; so does this
            d0, d1, d2 = dt - G[k, 0, p], dt - G[k, 1, p], dt - G[k, 2, p]
            d0 = d0 if (d0 >= 0.0 or d0 != d0) else 0.0
            d1 = d1 if (d1 >= 0.0 or d1 != d1) else 0.0
            d2 = d2 if (d2 >= 0.0 or d2 != d2) else 0.0
            Q[k, p] = forcing[0, p] * d0 + forcing[1, p] * d1 + forcing[2, p] * d2
    BA = np.zeros((n_bolus_times, 3, n))
    dose = np.zeros((n_bolus_times, n))
    for j in range(bolus_row.shape[0]):
        row = bolus_row[j]
        for p in range(n):
            dose[row, p] += bolus_value[j] * weights[p] if bolus_per_kg[j] else bolus_value[j]
    for b in range(n_bolus_times):
        for i in range(3):
            for p in range(n):
                BA[b, i, p] = dose[b, p] * coef_t[i, p]
    population_kernel_numba(kind, bolus_of_point, out_of_point, out_dt, t_points, E, U, G, Q, BA,
                            band_lo, band_hi, curves, want_curves, want_summary, cmax, tmax, auc, time_in_band)
