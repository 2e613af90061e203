"""Population simulation: numba = numpy, = the single-patient solver, seeded IIV, bounded chunks.

The numba kernel compiles once (cache=True keeps it on disk between sessions); every test here calls
it with the same argument types so a session compiles it at most once.
"""

import math

import numpy as np
import pytest

from ketaflow.domain.errors import DomainValidationError
from ketaflow.domain.pk import Bolus, Infusion, Program, disposition, model_get, predict
from ketaflow.domain.pk.population import (
    Variability,
    iter_population_chunks,
    sample_parameters,
    simulate_population,
)
from ketaflow.domain.units import Quantity

PROGRAM = Program(
    infusions=(Infusion(0, 60, Quantity(0.3, "mg/kg/h")), Infusion(60, 120, Quantity(0.6, "mg/kg/h")),
               Infusion(30, 7.5, Quantity(10, "mg/h"))),
    boluses=(Bolus(0, Quantity(0.1, "mg/kg")), Bolus(100, Quantity(5, "mg"))),
)
WEIGHTS = np.linspace(45, 140, 257)


def run(engine, **kw):
    kw.setdefault("variability", Variability.from_cv(0.3))
    return simulate_population(PROGRAM, weights_kg=WEIGHTS, model="kamp2020", step_min=0.5, end_min=360,
                               rng=np.random.default_rng(7), keep_curves=True, engine=engine, chunk_size=100, **kw)


FIELDS = ("cmax_mg_per_l", "tmax_min", "auc_mg_min_per_l", "time_in_band_min", "curves_mg_per_l")


@pytest.mark.parametrize("summaries", [True, False])
def test_numba_kernel_and_numpy_path_give_the_same_numbers(summaries):
    """Same λ, A and the same operations in the same order: equal to rel 1e-13 (observed bit-identical)."""
    a = run("numba", summaries=summaries, disposition_method="eigh")
    b = run("numpy", summaries=summaries, disposition_method="eigh")
    for field in FIELDS if summaries else ("curves_mg_per_l",):
        np.testing.assert_allclose(getattr(a, field), getattr(b, field), rtol=1e-13, atol=0, err_msg=field)


def test_numba_and_numpy_engines_with_their_own_eigen_solvers_agree_to_1e_12():
    a, b = run("numba"), run("numpy")
    for field in FIELDS:
        np.testing.assert_allclose(getattr(a, field), getattr(b, field), rtol=1e-12, atol=1e-15, err_msg=field)


def test_compiled_jacobi_disposition_matches_lapack_including_close_rates():
    rng = np.random.default_rng(3)
    volumes = rng.uniform(1, 300, (2000, 3))
    clearances = rng.uniform(0.01, 5, (2000, 3))
    volumes[:10, 1] = volumes[:10, 2]  # identical peripheral compartments: a repeated eigenvalue
    clearances[:10, 1] = clearances[:10, 2]
    a, b = disposition(volumes, clearances, "eigh"), disposition(volumes, clearances, "jacobi")
    np.testing.assert_allclose(b.lambda_per_min, a.lambda_per_min, rtol=1e-11)
    np.testing.assert_allclose(b.coef_per_l.sum(axis=1), 1 / volumes[:, 0], rtol=1e-13)
    auc_identity = (b.coef_per_l / b.lambda_per_min).sum(axis=1) * clearances[:, 0]  # Σ A/λ = 1/CL
    np.testing.assert_allclose(auc_identity, 1.0, rtol=1e-12)


def test_each_patient_without_variability_matches_the_single_patient_solver():
    result = run("numba", variability=None)
    for i in (0, 100, 256):
        pred = predict(PROGRAM, weight_kg=WEIGHTS[i], model="kamp2020", t_min=result.t_min, effect_site=False)
        np.testing.assert_allclose(result.curves_mg_per_l[:, i], pred.conc_plasma_mg_per_l, rtol=1e-11, atol=1e-15)
        assert result.auc_mg_min_per_l[i] == pytest.approx(pred.auc_mg_min_per_l, rel=1e-11)
        assert result.cmax_mg_per_l[i] == pytest.approx(pred.cmax_mg_per_l, rel=1e-11)


def test_results_do_not_depend_on_chunk_size():
    a = run("numba")
    b = simulate_population(PROGRAM, weights_kg=WEIGHTS, model="kamp2020", step_min=0.5, end_min=360,
                            variability=Variability.from_cv(0.3), rng=np.random.default_rng(7), keep_curves=True,
                            chunk_size=10_000)
    for field in FIELDS:
        np.testing.assert_array_equal(getattr(a, field), getattr(b, field))


def test_a_one_minute_grid_over_four_hours_matches_pk_md_s6_for_every_weight():
    program = Program((Infusion(0, 240, Quantity(0.5, "mg/kg/h")),))
    result = simulate_population(program, weights_kg=[50, 70, 120], model="domino", t_min=[10, 30, 60, 120, 240],
                                 keep_curves=True)
    expected = [121.2, 151.0, 176.5, 214.7, 259.7]
    for i in range(3):
        assert [float(f"{x:.4g}") for x in result.curves_mg_per_l[:, i] * 1000] == expected
    assert np.all(result.tmax_min == 240)


def test_log_normal_variability_has_the_requested_coefficient_of_variation():
    """The sample CV of CL over 40,000 patients is within 0.01 of the nominal 0.3 (its SE is ~0.0013)."""
    weights = np.full(40_000, 70.0)
    _, clearances = sample_parameters(model_get("kamp2020"), weights, Variability.from_cv(0.3), np.random.default_rng(1))
    ratio = clearances[:, 0] / model_get("kamp2020").typical_parameters(70.0)[1][0]
    assert abs(ratio.std() / ratio.mean() - 0.3) < 0.01
    assert abs(np.log(ratio).std() - math.sqrt(math.log1p(0.09))) < 0.005
    assert abs(np.median(ratio) - 1.0) < 0.01


def test_the_same_seed_gives_the_same_population_and_another_seed_does_not():
    a = run("numba")
    b = run("numba")
    c = simulate_population(PROGRAM, weights_kg=WEIGHTS, model="kamp2020", step_min=0.5, end_min=360,
                            variability=Variability.from_cv(0.3), rng=np.random.default_rng(8))
    np.testing.assert_array_equal(a.cmax_mg_per_l, b.cmax_mg_per_l)
    assert not np.array_equal(a.cmax_mg_per_l, c.cmax_mg_per_l)


def test_time_in_band_counts_grid_steps_ending_in_the_band():
    program = Program((Infusion(0, 240, Quantity(0.5, "mg/kg/h")),))
    everything = simulate_population(program, weights_kg=[70], model="domino", end_min=300, band_mg_per_l=(0, 10))
    nothing = simulate_population(program, weights_kg=[70], model="domino", end_min=300, band_mg_per_l=(5, 10))
    assert everything.time_in_band_min[0] == pytest.approx(300, rel=1e-12) and nothing.time_in_band_min[0] == 0
    analgesia = simulate_population(program, weights_kg=[70], model="domino", end_min=300)
    pred = predict(program, weight_kg=70, model="domino", t_min=np.arange(301.0), effect_site=False)
    inside = (pred.conc_plasma_mg_per_l[1:] >= 0.07) & (pred.conc_plasma_mg_per_l[1:] <= 0.16)
    assert analgesia.time_in_band_min[0] == pytest.approx(inside.sum(), rel=1e-12)


def test_chunks_stream_with_bounded_size_and_no_curves_unless_asked():
    chunks = list(iter_population_chunks(PROGRAM, weights_kg=WEIGHTS, model="domino", end_min=60, chunk_size=64))
    assert [c.stop - c.start for c in chunks] == [64, 64, 64, 64, 1]
    assert all(c.curves_mg_per_l is None for c in chunks)


def test_a_two_compartment_model_runs_through_the_three_exponent_kernel():
    result = simulate_population(PROGRAM, weights_kg=[30, 70], model="herd2007", end_min=300, keep_curves=True)
    pred = predict(PROGRAM, weight_kg=30, model="herd2007", t_min=result.t_min, effect_site=False)
    np.testing.assert_allclose(result.curves_mg_per_l[:, 0], pred.conc_plasma_mg_per_l, rtol=1e-11, atol=1e-15)


def test_progress_is_reported_after_each_chunk():
    seen = []
    simulate_population(PROGRAM, weights_kg=WEIGHTS, end_min=30, chunk_size=100, progress=lambda d, n: seen.append((d, n)))
    assert seen == [(100, 257), (200, 257), (257, 257)]


@pytest.mark.parametrize(("kwargs", "field"), [
    ({"weights_kg": [70, -1]}, "weights_kg"),
    ({"weights_kg": [70], "variability": Variability.from_cv(0.2)}, "rng"),
    ({"weights_kg": [70], "engine": "gpu"}, "engine"),
    ({"weights_kg": [70], "t_min": [0, 5, 5]}, "t_min"),
])
def test_bad_population_input_names_the_field(kwargs, field):
    with pytest.raises(DomainValidationError) as err:
        simulate_population(PROGRAM, **kwargs)
    assert err.value.field == field


def test_predictions_say_they_are_model_predictions_and_where():
    result = simulate_population(PROGRAM, weights_kg=[70], model="kamp2020", end_min=10)
    assert "model prediction" in result.label and result.prediction_site.startswith("arterial")
