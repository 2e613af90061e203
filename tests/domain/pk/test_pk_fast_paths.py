"""The set-up shortcuts of the population path give exactly what the general path gives.

Each shortcut exists only for speed (bench/pk.py), so each is held to bit-for-bit equality with the
longer route it replaces, not to a tolerance.
"""

import numpy as np
import pytest
from numba import njit

from ketaflow.domain.pk import Bolus, Infusion, Program, model_get
from ketaflow.domain.pk.disposition import disposition
from ketaflow.domain.pk.kernels import mammillary3_disposition_numba, symmetric3_eigen_numba
from ketaflow.domain.pk.population import _plan, _step_kinds, simulate_population
from ketaflow.domain.pk.program import resolve
from ketaflow.domain.units import Quantity


def test_jacobi_disposition_from_parameters_equals_the_numpy_built_matrix_stack():
    rng = np.random.default_rng(11)
    volumes = rng.uniform(1, 300, (3000, 3))
    clearances = rng.uniform(0.01, 5, (3000, 3))
    volumes[:10, 1], clearances[:10, 1] = volumes[:10, 2], clearances[:10, 2]  # a repeated eigenvalue
    # The stack as disposition() builds it for LAPACK: S = V^(-1/2)·M·V^(-1/2).
    m = np.zeros((3000, 3, 3))
    m[:, 0, 0] = -clearances.sum(axis=-1)
    for j in (1, 2):
        m[:, 0, j] = m[:, j, 0] = clearances[:, j]
        m[:, j, j] = -clearances[:, j]
    r = 1.0 / np.sqrt(volumes)
    s = np.ascontiguousarray(m * r[:, :, None] * r[:, None, :])
    eigenvalues, first_row = np.empty((3000, 3)), np.empty((3000, 3))
    symmetric3_eigen_numba(s, eigenvalues, first_row)
    got = disposition(volumes, clearances, "jacobi")
    np.testing.assert_array_equal(got.lambda_per_min, -eigenvalues)
    np.testing.assert_array_equal(got.coef_per_l, first_row**2 / volumes[:, :1])


def test_jacobi_disposition_keeps_the_shape_of_its_input():
    volumes, clearances = np.full((2, 5, 3), 10.0), np.full((2, 5, 3), 1.0)
    got = disposition(volumes, clearances, "jacobi")
    assert got.lambda_per_min.shape == got.coef_per_l.shape == (2, 5, 3)
    np.testing.assert_allclose(got.lambda_per_min, disposition(volumes, clearances, "eigh").lambda_per_min, rtol=1e-13)


@pytest.mark.parametrize("t_out", [
    np.arange(14_401) / 60.0,  # 1-s grid: steps differ in the last bits, one kind per rate
    np.arange(241.0),
    np.arange(0, 360.5, 0.5),
])
@pytest.mark.parametrize("program", [
    Program((Infusion(0.0, 240.0, Quantity(0.5, "mg/kg/h")),)),
    Program((Infusion(0, 60, Quantity(0.3, "mg/kg/h")), Infusion(60, 120, Quantity(0.6, "mg/kg/h")),
             Infusion(30, 7.5, Quantity(10, "mg/h"))), (Bolus(0, Quantity(0.1, "mg/kg")),)),
])
def test_run_grouping_of_step_kinds_equals_the_sorting_one(t_out, program):
    timeline = resolve(program, np.array([60.0, 80.0]))
    plan = _plan(timeline, t_out)
    dt_exact = np.diff(plan.t_points)
    rate_index = np.searchsorted(timeline.breakpoints_min, plan.t_points[:-1], side="right") - 1
    fast = _step_kinds(dt_exact, rate_index, timeline.breakpoints_min.size, runs=True)
    slow = _step_kinds(dt_exact, rate_index, timeline.breakpoints_min.size, runs=False)
    np.testing.assert_array_equal(fast[0], slow[0])
    np.testing.assert_array_equal(fast[1], slow[1])
    assert fast[1].dtype == slow[1].dtype == np.int64


def test_grids_that_miss_event_times_still_step_at_every_event():
    program = Program((Infusion(0.3, 40.7, Quantity(0.5, "mg/kg/h")),), (Bolus(3.33, Quantity(0.1, "mg/kg")),))
    t_out = np.arange(1.0, 61.0)
    plan = _plan(resolve(program, np.array([70.0])), t_out)
    assert {0.0, 0.3, 3.33, 41.0} <= set(plan.t_points.tolist())
    assert np.array_equal(plan.t_points[plan.out_of_point >= 0], t_out)
    on_grid = simulate_population(program, weights_kg=[70.0], t_min=t_out, keep_curves=True).curves_mg_per_l
    dense_t = np.unique(np.r_[0.0, 0.3, 3.33, t_out])
    dense = simulate_population(program, weights_kg=[70.0], t_min=dense_t, keep_curves=True).curves_mg_per_l
    np.testing.assert_allclose(on_grid[:, 0], dense[np.isin(dense_t, t_out), 0], rtol=1e-13)


@njit(error_model="numpy")
def _unshortened_jacobi(volumes, clearances, lam, coef):
    """mammillary3_disposition_numba before passes without a rotation were skipped: every pass runs."""
    n = volumes.shape[0]
    a00, a11, a22 = np.empty(n), np.empty(n), np.empty(n)
    a01, a02, a12 = np.empty(n), np.empty(n), np.zeros(n)
    for m in range(n):
        r0, r1, r2 = 1.0 / np.sqrt(volumes[m, 0]), 1.0 / np.sqrt(volumes[m, 1]), 1.0 / np.sqrt(volumes[m, 2])
        q0, q1, q2 = clearances[m, 0], clearances[m, 1], clearances[m, 2]
        a00[m], a11[m], a22[m] = -(q0 + q1 + q2) * r0 * r0, -q1 * r1 * r1, -q2 * r2 * r2
        a01[m], a02[m] = q1 * r0 * r1, q2 * r0 * r2
    v0, v1, v2 = np.ones(n), np.zeros(n), np.zeros(n)
    for _sweep in range(50):
        rotated = 0
        for app, aqq, apq, arp, arq, vp, vq in ((a00, a11, a01, a02, a12, v0, v1), (a00, a22, a02, a01, a12, v0, v2),
                                                (a11, a22, a12, a01, a02, v1, v2)):
            for m in range(n):
                p, q, x = app[m], aqq[m], apq[m]
                g = 100.0 * abs(x)
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
                rotated += 1 if active else 0
        if rotated == 0:
            break
    for m in range(n):
        e0, e1, e2, f0, f1, f2 = a00[m], a11[m], a22[m], v0[m], v1[m], v2[m]
        if e0 > e1:
            e0, e1, f0, f1 = e1, e0, f1, f0
        if e1 > e2:
            e1, e2, f1, f2 = e2, e1, f2, f1
        if e0 > e1:
            e0, e1, f0, f1 = e1, e0, f1, f0
        lam[m, 0], lam[m, 1], lam[m, 2] = -e0, -e1, -e2
        coef[m, 0], coef[m, 1], coef[m, 2] = f0 * f0 / volumes[m, 0], f1 * f1 / volumes[m, 0], f2 * f2 / volumes[m, 0]


def _parameter_sets():
    rng = np.random.default_rng(23)
    weights = rng.uniform(20, 200, 1000)
    yield model_get("domino").typical_parameters(weights)
    yield model_get("kamp2020").typical_parameters(weights)
    for _ in range(5):
        volumes, clearances = rng.uniform(1, 300, (3000, 3)), rng.uniform(0.01, 5, (3000, 3))
        volumes[:10, 1], clearances[:10, 1] = volumes[:10, 2], clearances[:10, 2]  # a repeated eigenvalue
        yield volumes, clearances
    one = np.ones((4, 3))
    yield one, one  # identical matrices: every pass after the first sweeps rotates nothing
    volumes, clearances = np.exp(rng.uniform(-700, 700, (500, 3))), np.exp(rng.uniform(-700, 700, (500, 3)))
    yield volumes, clearances  # entries that overflow to inf or underflow to 0 keep every pass


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
@pytest.mark.parametrize("parameters", list(_parameter_sets()))
def test_skipping_passes_without_a_rotation_gives_the_unshortened_solver_s_numbers(parameters):
    volumes, clearances = (np.ascontiguousarray(a) for a in parameters)
    expected_lam, expected_coef = np.empty(volumes.shape), np.empty(volumes.shape)
    _unshortened_jacobi(volumes, clearances, expected_lam, expected_coef)
    lam, coef = np.empty(volumes.shape), np.empty(volumes.shape)
    mammillary3_disposition_numba(volumes, clearances, lam, coef)
    assert np.array_equal(lam, expected_lam, equal_nan=True) and np.array_equal(coef, expected_coef, equal_nan=True)
    # and through the patient-minor (3, N) layout the population's fast route uses
    lam_t, coef_t = np.empty(volumes.shape[::-1]), np.empty(volumes.shape[::-1])
    mammillary3_disposition_numba(np.ascontiguousarray(volumes.T).T, np.ascontiguousarray(clearances.T).T,
                                  lam_t.T, coef_t.T)
    assert np.array_equal(lam_t.T, expected_lam, equal_nan=True) and np.array_equal(coef_t.T, expected_coef, equal_nan=True)
