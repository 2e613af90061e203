"""The set-up shortcuts of the population path give exactly what the general path gives.

Each shortcut exists only for speed (bench/pk.py), so each is held to bit-for-bit equality with the
longer route it replaces, not to a tolerance.
"""

import numpy as np
import pytest

from ketaflow.domain.pk import Bolus, Infusion, Program
from ketaflow.domain.pk.disposition import disposition
from ketaflow.domain.pk.kernels import symmetric3_eigen_numba
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
