"""Hypothesis properties of the exact solver (pk.md §6 'suggested test properties', style.md 5.4).

Tolerances: identities that hold in exact arithmetic are checked at rel 1e-9 (sums of a few hundred
float64 terms with exponentials stay near 1e-13; 1e-9 leaves room without hiding a wrong formula).
"""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from pk_reference import DOMINO_K, DOMINO_V1_L_PER_KG, expm_amounts, kamp_micro

from ketaflow.domain.pk import Bolus, Infusion, Program, disposition, model_get, predict
from ketaflow.domain.units import Quantity

FAST = settings(max_examples=40, deadline=None)
T_GRID = np.concatenate([np.linspace(0, 400, 81), [0.3, 1.7, 123.456, 900]])
T_GRID.sort()

infusions = st.builds(
    lambda start, duration, rate: Infusion(start, duration, Quantity(rate, "mg/h")),
    st.floats(0, 300), st.floats(0, 300), st.floats(0, 200),
)
boluses = st.builds(lambda t, dose: Bolus(t, Quantity(dose, "mg")), st.floats(0, 300), st.floats(0, 50))
programs = st.builds(lambda i, b: Program(tuple(i), tuple(b)),
                     st.lists(infusions, min_size=1, max_size=4), st.lists(boluses, max_size=2))
models = st.sampled_from(["domino", "kamp2020", "herd2007"])
weights = st.floats(40, 150)


def total_dose_mg(program):
    return sum(i.rate.value * i.duration_min / 60 for i in program.infusions) + sum(b.dose.value for b in program.boluses)


@FAST
@given(programs, models, weights)
def test_concentrations_are_never_negative(program, model, weight):
    pred = predict(program, weight_kg=weight, model=model, t_min=T_GRID, ke0_per_min=0.2)
    assert np.all(pred.conc_plasma_mg_per_l >= 0) and np.all(pred.conc_effect_mg_per_l >= 0)


@FAST
@given(programs, models, weights)
def test_auc_to_infinity_is_dose_over_clearance(program, model, weight):
    clearance_l_per_min = model_get(model).typical_parameters(weight)[1][0]
    pred = predict(program, weight_kg=weight, model=model, t_min=[0, 1e6], effect_site=False)
    expected = total_dose_mg(program) / clearance_l_per_min
    assert np.isclose(pred.auc_mg_min_per_l, expected, rtol=1e-9, atol=1e-12)


@FAST
@given(programs, st.floats(1, 600), st.sampled_from(["domino", "kamp2020"]), weights)
def test_mass_balance_what_was_given_is_what_was_eliminated_plus_what_is_left(program, t_end, model, weight):
    """Given up to T = CL·AUC(0..T) (engine) + amount in the body at T (independent expm amounts)."""
    v1, k = (DOMINO_V1_L_PER_KG * weight, DOMINO_K) if model == "domino" else kamp_micro(weight)
    inf = [(i.start_min, i.end_min, i.rate.value / 60) for i in program.infusions]
    bol = [(b.t_min, b.dose.value) for b in program.boluses]
    given_mg = sum(r * max(0.0, min(e, t_end) - s) for s, e, r in inf) + sum(d for t, d in bol if t <= t_end)
    left_mg = expm_amounts(k, inf, bol, [t_end])[0].sum()
    cl = model_get(model).typical_parameters(weight)[1][0]
    eliminated_mg = cl * predict(program, weight_kg=weight, model=model, t_min=[t_end], effect_site=False).auc_mg_min_per_l
    assert np.isclose(eliminated_mg + left_mg, given_mg, rtol=1e-9, atol=1e-9)


@FAST
@given(programs, programs, models, weights)
def test_superposition_two_programmes_together_equal_their_sum(a, b, model, weight):
    both = Program(a.infusions + b.infusions, a.boluses + b.boluses)
    cp = lambda p: predict(p, weight_kg=weight, model=model, t_min=T_GRID, ke0_per_min=0.5)  # noqa: E731
    pa, pb, pab = cp(a), cp(b), cp(both)
    scale = max(pab.conc_plasma_mg_per_l.max(), 1e-12)
    np.testing.assert_allclose(pab.conc_plasma_mg_per_l, pa.conc_plasma_mg_per_l + pb.conc_plasma_mg_per_l,
                               rtol=1e-9, atol=1e-12 * scale)
    np.testing.assert_allclose(pab.conc_effect_mg_per_l, pa.conc_effect_mg_per_l + pb.conc_effect_mg_per_l,
                               rtol=1e-9, atol=1e-12 * scale)


@FAST
@given(programs, st.floats(0.01, 0.99), models, weights)
def test_splitting_an_infusion_in_two_changes_nothing(program, fraction, model, weight):
    first = program.infusions[0]
    cut = first.duration_min * fraction
    split = Program(
        (Infusion(first.start_min, cut, first.rate), Infusion(first.start_min + cut, first.duration_min - cut, first.rate))
        + program.infusions[1:],
        program.boluses,
    )
    a = predict(program, weight_kg=weight, model=model, t_min=T_GRID, ke0_per_min=0.3)
    b = predict(split, weight_kg=weight, model=model, t_min=T_GRID, ke0_per_min=0.3)
    scale = max(a.conc_plasma_mg_per_l.max(), 1e-12)
    # start + cut and duration − cut are rounded to the grid of the end time, so the split programme itself
    # gives up to ~ulp(end)/duration more or less drug (1.4e-9 for 1e-5 min at minute 117): allow that.
    rtol = 1e-11 + (4 * np.spacing(first.end_min) / first.duration_min if first.duration_min > 0 else 0.0)
    np.testing.assert_allclose(b.conc_plasma_mg_per_l, a.conc_plasma_mg_per_l, rtol=rtol, atol=1e-13 * scale)
    np.testing.assert_allclose(b.conc_effect_mg_per_l, a.conc_effect_mg_per_l, rtol=rtol, atol=1e-13 * scale)


@FAST
@given(st.floats(0.05, 2.0), st.floats(1, 480), weights, weights)
def test_domino_concentration_for_a_per_kg_programme_does_not_depend_on_weight(rate, duration, w1, w2):
    program = Program((Infusion(0, duration, Quantity(rate, "mg/kg/h")),), (Bolus(0, Quantity(0.1, "mg/kg")),))
    a = predict(program, weight_kg=w1, model="domino", t_min=T_GRID)
    b = predict(program, weight_kg=w2, model="domino", t_min=T_GRID)
    np.testing.assert_allclose(a.conc_plasma_mg_per_l, b.conc_plasma_mg_per_l, rtol=1e-11)


@FAST
@given(st.lists(st.floats(0.5, 500), min_size=3, max_size=3), st.lists(st.floats(0.01, 20), min_size=3, max_size=3))
def test_unit_bolus_coefficients_are_positive_and_sum_to_one_over_v1(volumes, clearances):
    d = disposition(volumes, clearances)
    assert np.all(d.coef_per_l >= 0) and np.all(d.lambda_per_min > 0)
    assert np.isclose(d.coef_per_l.sum(), 1 / volumes[0], rtol=1e-12)


@FAST
@given(programs, st.floats(0.5, 4), models, weights)
def test_concentration_is_linear_in_dose(program, factor, model, weight):
    scaled = Program(
        tuple(Infusion(i.start_min, i.duration_min, Quantity(i.rate.value * factor, "mg/h")) for i in program.infusions),
        tuple(Bolus(b.t_min, Quantity(b.dose.value * factor, "mg")) for b in program.boluses),
    )
    a = predict(program, weight_kg=weight, model=model, t_min=T_GRID, effect_site=False)
    b = predict(scaled, weight_kg=weight, model=model, t_min=T_GRID, effect_site=False)
    np.testing.assert_allclose(b.conc_plasma_mg_per_l, factor * a.conc_plasma_mg_per_l, rtol=1e-11, atol=1e-300)
