"""The engine against pk.md §6 (three-method reference tables) and two independent solvers.

Tables are printed to 4 significant figures, so each engine value must *round* to the printed
value (a stricter check than a 5e-4 tolerance). Against the independent expm solution the
relative tolerance is 1e-10, against solve_ivp LSODA (rtol 1e-12) 1e-9; both are far above float64 error
accumulated over a few events and far below any clinically visible difference.
"""

import numpy as np
import pytest
from pk_reference import DOMINO_K, DOMINO_V1_L_PER_KG, expm_reference, kamp_micro, ode_reference

from ketaflow.domain.pk import Bolus, Infusion, Program, disposition, model_get, predict
from ketaflow.domain.units import Quantity


def four_sig(x):
    return float(f"{x:.4g}")


def ng(pred):
    return pred.conc_plasma_ng_per_ml


@pytest.mark.parametrize(("model", "weight", "lam", "coef"), [
    ("domino", 70, [1.7240373, 0.1515160, 0.0060467], [0.2119282, 0.0129592, 0.0018700]),
    ("kamp2020", 70, [0.2440907, 0.0244402, 0.0037722], [0.0350388, 0.0033208, 0.0016404]),
    ("kamp2020", 100, [0.2232676, 0.0223552, 0.0034504], [0.0245272, 0.0023245, 0.0011483]),
])
def test_disposition_constants_match_pk_md_to_the_printed_digits(model, weight, lam, coef):
    d = disposition(*model_get(model).typical_parameters(weight))
    np.testing.assert_allclose(d.lambda_per_min, lam, rtol=0, atol=6e-8)
    np.testing.assert_allclose(d.coef_per_l, coef, rtol=0, atol=6e-8)
    assert d.coef_per_l.sum() == pytest.approx(1 / model_get(model).typical_parameters(weight)[0][0], rel=1e-13)


S1_T = [0, 1, 2, 5, 10, 30, 60, 120, 240]
S1_CP = [3968, 888.9, 317.8, 138.7, 80.65, 29.70, 22.79, 15.84, 7.667]


def test_s1_domino_bolus_against_pk_md():
    pred = predict(Program(boluses=(Bolus(0, Quantity(17.5, "mg")),)), weight_kg=70, model="domino", t_min=S1_T)
    assert [four_sig(x) for x in ng(pred)] == S1_CP


S2_T = [1, 5, 10, 20, 30, 40, 45, 50, 60, 90, 120, 180, 240]
S2_CP = [100.5, 155.4, 181.8, 209.6, 226.5, 240.4, 91.43, 71.13, 55.12, 43.01, 35.84, 24.93, 17.35]
S2_CE = [13.64, 91.14, 147.6, 197.1, 219.2, 234.5, 150.1, 100.1, 62.67, 44.19, 36.77, 25.58, 17.80]


def test_s2_domino_forty_minute_infusion_with_effect_site_against_pk_md():
    program = Program(infusions=(Infusion(0, 40, Quantity(0.875, "mg/min")),))
    pred = predict(program, weight_kg=70, model="domino", t_min=S2_T, ke0_per_min=0.238)
    assert [four_sig(x) for x in ng(pred)] == S2_CP
    assert [four_sig(x) for x in pred.conc_effect_ng_per_ml] == S2_CE


S6_T = [10, 30, 60, 120, 240]


@pytest.mark.parametrize("weight", [50, 70, 120])
def test_s6_domino_half_mg_per_kg_per_h_is_the_same_for_every_weight(weight):
    program = Program(infusions=(Infusion(0, 240, Quantity(0.5, "mg/kg/h")),))
    pred = predict(program, weight_kg=weight, model="domino", t_min=S6_T)
    assert [four_sig(x) for x in ng(pred)] == [121.2, 151.0, 176.5, 214.7, 259.7]
    at_start = predict(program, weight_kg=weight, model="domino", t_min=[0.0]).conc_plasma_ng_per_ml
    assert at_start[0] == 0.0  # exactly: nothing given yet


def test_s6_kamp_seventy_kg_against_pk_md():
    program = Program(infusions=(Infusion(0, 240, Quantity(0.5, "mg/kg/h")),))
    pred = predict(program, weight_kg=70, model="kamp2020", t_min=S6_T)
    assert [four_sig(x) for x in ng(pred)] == [103.0, 152.0, 196.1, 251.1, 313.9]


@pytest.mark.parametrize(("model", "css"), [("domino", 302.0), ("kamp2020", 416.7)])
def test_steady_state_is_rate_over_clearance(model, css):
    program = Program(infusions=(Infusion(0, 1e6, Quantity(0.5, "mg/kg/h")),))
    pred = predict(program, weight_kg=70, model=model, t_min=[1e5])
    assert four_sig(pred.conc_plasma_ng_per_ml[0]) == css


# A multi-step programme with a bolus, overlapping infusions and a pause, on both models.
PROGRAM = Program(
    infusions=(Infusion(0, 60, Quantity(0.3, "mg/kg/h")), Infusion(60, 90, Quantity(0.6, "mg/kg/h")),
               Infusion(30, 20, Quantity(10, "mg/h")), Infusion(180, 60, Quantity(0.2, "mg/kg/h"))),
    boluses=(Bolus(0, Quantity(0.1, "mg/kg")), Bolus(100, Quantity(5, "mg"))),
)
T = [0, 0.5, 1, 7.3, 30, 45, 50, 60, 99.99, 100, 150, 170, 180, 200, 240, 300, 600]


def _micro(model, weight):
    if model == "domino":
        return DOMINO_V1_L_PER_KG * weight, DOMINO_K
    v1, k = kamp_micro(weight)
    return v1, k


def _as_reference_input(weight):
    inf = [(0, 60, 0.3 * weight / 60), (60, 150, 0.6 * weight / 60), (30, 50, 10 / 60), (180, 240, 0.2 * weight / 60)]
    return inf, [(0, 0.1 * weight), (100, 5.0)]


@pytest.mark.parametrize(("model", "weight", "ke0"), [("domino", 70, 0.238), ("kamp2020", 55, 1.3), ("kamp2020", 130, 0.15)])
def test_multi_step_programme_with_boluses_matches_an_independent_matrix_exponential(model, weight, ke0):
    v1, k = _micro(model, weight)
    cp_ref, ce_ref = expm_reference(k, v1, *_as_reference_input(weight), T, ke0=ke0)
    pred = predict(PROGRAM, weight_kg=weight, model=model, t_min=T, ke0_per_min=ke0)
    np.testing.assert_allclose(pred.conc_plasma_mg_per_l, cp_ref, rtol=1e-10, atol=0)
    np.testing.assert_allclose(pred.conc_effect_mg_per_l, ce_ref, rtol=1e-10, atol=1e-18)


@pytest.mark.parametrize(("model", "weight"), [("domino", 70), ("kamp2020", 90)])
def test_multi_step_programme_matches_a_tight_lsoda_solve(model, weight):
    v1, k = _micro(model, weight)
    cp_ref, ce_ref = ode_reference(k, v1, *_as_reference_input(weight), T, ke0=0.3)
    pred = predict(PROGRAM, weight_kg=weight, model=model, t_min=T, ke0_per_min=0.3)
    np.testing.assert_allclose(pred.conc_plasma_mg_per_l, cp_ref, rtol=1e-9, atol=1e-15)
    np.testing.assert_allclose(pred.conc_effect_mg_per_l, ce_ref, rtol=1e-9, atol=1e-15)


@pytest.mark.parametrize("ke0", [1.7240373, 0.15151603, 0.0060467, 0.151516029 * (1 + 1e-9)])
def test_effect_site_stays_exact_when_ke0_equals_a_disposition_rate(ke0):
    """ke0 landing on λ_i makes the textbook coefficients A_i·ke0/(ke0 − λ_i) blow up; φ does not."""
    lam = disposition(*model_get("domino").typical_parameters(70)).lambda_per_min
    ke0 = float(lam[np.argmin(abs(lam - ke0))]) if ke0 != 0.151516029 * (1 + 1e-9) else ke0
    v1, k = _micro("domino", 70)
    _, ce_ref = expm_reference(k, v1, *_as_reference_input(70), T, ke0=ke0)
    pred = predict(PROGRAM, weight_kg=70, model="domino", t_min=T, ke0_per_min=ke0)
    np.testing.assert_allclose(pred.conc_effect_mg_per_l, ce_ref, rtol=1e-9, atol=1e-18)
