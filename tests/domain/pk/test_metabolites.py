"""The generic metabolite chain (matrix exponential) against closed forms and a Radau solve.

No literature norketamine set is shipped (pk.md §1.4); these chains are synthetic.
Tolerances: rel 1e-10 against closed forms, 1e-8 against Radau at rtol 1e-12.
"""

import numpy as np
import pytest
from scipy.integrate import solve_ivp

from ketaflow.domain.pk import Bolus, Infusion, Program, disposition, model_from_dict, model_get, resolve
from ketaflow.domain.pk.metabolites import MetaboliteChain, MetaboliteStep, chain_matrix, solve_chain
from ketaflow.domain.pk.solver import solve_patient
from ketaflow.domain.sources import Source
from ketaflow.domain.units import Quantity

SYNTHETIC = Source("synthetic chain for tests", "1", kind="clinic policy")
ONE_CMT = model_from_dict({
    "code": "one", "version": "1", "name": "one compartment", "prediction_site": "plasma",
    "citation": {"citation": "synthetic", "version": "1"}, "parameterisation": "allometric",
    "reference_weight_kg": 70, "volumes_l": [50.0], "volume_weight_exponent": 1, "clearances_l_per_h": [60.0],
    "clearance_weight_exponent": 1,
})
T = np.array([0, 0.5, 1, 5, 10, 30, 60, 120, 240, 600])


@pytest.mark.parametrize("metabolite_cl_l_per_min", [0.3, 0.02])  # 0.02 L/min over 1 L = the parent's k
def test_one_compartment_parent_and_metabolite_match_the_bateman_function(metabolite_cl_l_per_min):
    chain = MetaboliteChain((MetaboliteStep("M1", 0.4, 1.0, metabolite_cl_l_per_min, mass_ratio=0.94),), SYNTHETIC)
    volumes, clearances = ONE_CMT.typical_parameters(70)
    program = Program(boluses=(Bolus(0, Quantity(100, "mg")),))
    cp, cm = solve_chain(volumes, clearances, chain, resolve(program, 70), T)
    k, km = clearances[0] / volumes[0], metabolite_cl_l_per_min / 1.0
    formed = 0.4 * 0.94 * k * 100
    bateman = formed * (np.exp(-k * T) - np.exp(-km * T)) / (km - k) if k != km else formed * T * np.exp(-k * T)
    np.testing.assert_allclose(cp, 100 / volumes[0] * np.exp(-k * T), rtol=1e-10)
    np.testing.assert_allclose(cm[:, 0], bateman / 1.0, rtol=1e-10, atol=1e-14)


def test_parent_part_of_the_chain_equals_the_exponential_state_solver():
    chain = MetaboliteChain((MetaboliteStep("M1", 0.8, 100.0, 1.0), MetaboliteStep("M2", 0.5, 50.0, 0.4)), SYNTHETIC)
    program = Program((Infusion(0, 40, Quantity(0.5, "mg/kg/h")),), (Bolus(10, Quantity(5, "mg")),))
    volumes, clearances = model_get("domino").typical_parameters(70)
    cp, _ = solve_chain(volumes, clearances, chain, resolve(program, 70), T)
    cp_exact, _, _ = solve_patient(disposition(volumes, clearances), resolve(program, 70), T)
    np.testing.assert_allclose(cp, cp_exact, rtol=1e-10, atol=1e-15)


def test_two_step_chain_matches_a_tight_radau_solve():
    chain = MetaboliteChain((MetaboliteStep("M1", 0.8, 100.0, 1.0), MetaboliteStep("M2", 0.5, 50.0, 0.4)), SYNTHETIC)
    volumes, clearances = model_get("kamp2020").typical_parameters(80)
    a, vols = chain_matrix(volumes, clearances, chain)
    rate = 0.6 * 80 / 60

    def rhs(t, x):
        dx = a @ x
        dx[0] += rate if t < 120 else 0.0
        return dx

    x = np.zeros(a.shape[0])
    out = []
    for t0, t1 in zip(np.r_[0, T[:-1]], T, strict=True):
        if t1 > t0:
            stops = [t0, *(s for s in [120.0] if t0 < s < t1), t1]
            for s0, s1 in zip(stops, stops[1:], strict=False):
                x = solve_ivp(rhs, (s0, s1), x, method="Radau", jac=lambda _t, _x: a, rtol=1e-12, atol=1e-15).y[:, -1]
        out.append(x / vols)
    ref = np.array(out)
    program = Program((Infusion(0, 120, Quantity(0.6, "mg/kg/h")),))
    cp, cm = solve_chain(volumes, clearances, chain, resolve(program, 80), T)
    np.testing.assert_allclose(cp, ref[:, 0], rtol=1e-8, atol=1e-14)
    np.testing.assert_allclose(cm, ref[:, 3:], rtol=1e-8, atol=1e-14)
