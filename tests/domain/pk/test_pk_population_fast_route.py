"""The fast route of the population call (cached structure, compiled set-up) equals the general route.

Both routes exist: population._FAST_PATH switches the fast one off, and the general one is the
reference, step by step in numpy. Equality is exact (np.array_equal), not a tolerance, for every
output, over the bench scenario, the programmes of the other tests, units of every kind, grids that
miss event times, several chunkings, variability and Hypothesis-drawn programmes, grids and weights.
"""

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ketaflow.domain.errors import DomainValidationError
from ketaflow.domain.pk import Bolus, Infusion, Program, population
from ketaflow.domain.pk.population import Variability, simulate_population
from ketaflow.domain.units import Quantity

FIELDS = ("cmax_mg_per_l", "tmax_min", "auc_mg_min_per_l", "time_in_band_min", "curves_mg_per_l")
BENCH = Program((Infusion(0.0, 240.0, Quantity(0.5, "mg/kg/h")),))
MIXED = Program(
    infusions=(Infusion(0, 60, Quantity(0.3, "mg/kg/h")), Infusion(60, 120, Quantity(0.6, "mg/kg/h")),
               Infusion(30, 7.5, Quantity(10, "mg/h"))),
    boluses=(Bolus(0, Quantity(0.1, "mg/kg")), Bolus(100, Quantity(5, "mg"))),
)
UNITS = Program(
    infusions=(Infusion(0, 40, Quantity(0.01, "mg/kg/min")), Infusion(10, 50, Quantity(0.5, "mg/min")),
               Infusion(20, 0, Quantity(3, "mL/h")), Infusion(25, 35, Quantity(4, "mL/h")),
               Infusion(0, 40, Quantity(0.2, "mg/kg/h"))),
    boluses=(Bolus(5, Quantity(2, "mL")), Bolus(5, Quantity(0.05, "mg/kg")), Bolus(47.25, Quantity(3, "mg"))),
    bag_concentration_mg_per_ml=2.0,
)
BOLUS_ONLY = Program((), (Bolus(0, Quantity(35, "mg")), Bolus(90, Quantity(0.2, "mg/kg"))))


def both_routes(program, monkeypatch, **kwargs):
    kwargs.setdefault("keep_curves", True)
    seed = kwargs.pop("seed", None)
    if seed is not None:
        kwargs["rng"] = np.random.default_rng(seed)
    fast = simulate_population(program, **kwargs)
    if seed is not None:
        kwargs["rng"] = np.random.default_rng(seed)
    monkeypatch.setattr(population, "_FAST_PATH", False)
    try:
        general = simulate_population(program, **kwargs)
    finally:
        monkeypatch.setattr(population, "_FAST_PATH", True)
    return fast, general


def assert_identical(fast, general):
    for field in FIELDS:
        a, b = getattr(fast, field), getattr(general, field)
        assert (a is None) == (b is None), field
        if a is not None:
            assert a.dtype == b.dtype and a.shape == b.shape, field
            assert np.array_equal(a, b), field
    assert np.array_equal(fast.t_min, general.t_min)


@pytest.mark.parametrize("t_min", [np.arange(241.0), np.arange(14_401) / 60.0])
@pytest.mark.parametrize("summaries", [True, False])
def test_bench_scenario_is_bit_identical(t_min, summaries, monkeypatch):
    weights = np.random.default_rng(2026).uniform(50.0, 120.0, 1000)
    fast, general = both_routes(BENCH, monkeypatch, weights_kg=weights, model="domino", t_min=t_min,
                                summaries=summaries)
    assert_identical(fast, general)


@pytest.mark.parametrize("program", [BENCH, MIXED, UNITS, BOLUS_ONLY], ids=["bench", "mixed", "units", "boluses"])
@pytest.mark.parametrize("model", ["domino", "kamp2020", "herd2007"])
@pytest.mark.parametrize("grid", [
    dict(step_min=0.5, end_min=360),
    dict(t_min=np.arange(1.0, 61.0)),  # misses 0 and several event times
    dict(t_min=[0.0, 3.3, 5.0, 47.25, 100.0, 1000.0]),
    dict(step_min=1.0 / 60, end_min=30),
    dict(end_min=90),
])
@pytest.mark.parametrize("chunk_size", [7, 16384])
def test_programmes_models_grids_and_chunks_are_bit_identical(program, model, grid, chunk_size, monkeypatch):
    weights = np.linspace(45, 140, 23)
    fast, general = both_routes(program, monkeypatch, weights_kg=weights, model=model, chunk_size=chunk_size,
                                band_mg_per_l=(0.01, 0.2), **grid)
    assert_identical(fast, general)


@pytest.mark.parametrize("model", ["domino", "kamp2020"])
def test_variability_is_bit_identical_and_draws_the_same_stream(model, monkeypatch):
    fast, general = both_routes(MIXED, monkeypatch, weights_kg=np.linspace(45, 140, 257), model=model,
                                variability=Variability.from_cv(0.3), seed=7, chunk_size=100, step_min=0.5,
                                end_min=360)
    assert_identical(fast, general)


def test_curves_out_buffer_and_no_curves_are_bit_identical(monkeypatch):
    weights = np.linspace(50, 120, 40)
    t_min = np.arange(0, 300.5, 0.5)
    buffer = np.full((t_min.size, weights.size), np.nan)
    fast = simulate_population(MIXED, weights_kg=weights, t_min=t_min, keep_curves=True, curves_out=buffer)
    assert fast.curves_mg_per_l is buffer
    _, general = both_routes(MIXED, monkeypatch, weights_kg=weights, t_min=t_min)
    assert_identical(fast, general)
    fast, general = both_routes(MIXED, monkeypatch, weights_kg=weights, t_min=t_min, keep_curves=False)
    assert_identical(fast, general)


def test_a_grid_changed_in_place_after_a_call_is_not_served_from_the_cache(monkeypatch):
    weights = np.array([60.0, 90.0])
    t_min = np.arange(121.0)
    simulate_population(MIXED, weights_kg=weights, t_min=t_min, keep_curves=True)
    t_min *= 2.0
    fast, general = both_routes(MIXED, monkeypatch, weights_kg=weights, t_min=t_min)
    assert_identical(fast, general)


def test_a_programme_given_lists_still_runs_uncached(monkeypatch):
    program = Program([Infusion(0, 60, Quantity(0.5, "mg/kg/h"))], [Bolus(0, Quantity(0.1, "mg/kg"))])
    fast, general = both_routes(program, monkeypatch, weights_kg=[50.0, 80.0], end_min=120)
    assert_identical(fast, general)


@pytest.mark.parametrize(("kwargs", "field"), [
    (dict(weights_kg=[70.0, np.nan]), "weights_kg"),
    (dict(weights_kg=[70.0, np.inf]), "weights_kg"),
    (dict(weights_kg=[70.0, -1.0]), "weights_kg"),
    (dict(weights_kg=[]), "weights_kg"),
    (dict(weights_kg=[70.0], t_min=[0.0, 2.0, 1.0]), "t_min"),
    (dict(weights_kg=[70.0], t_min=[-1.0, 2.0]), "t_min"),
    (dict(weights_kg=[70.0], t_min=[[0.0, 1.0]]), "t_min"),
    (dict(weights_kg=[1e308]), "parameters"),
])
@pytest.mark.filterwarnings("ignore:overflow encountered:RuntimeWarning")  # the general route's numpy, at 1e308 kg
def test_bad_input_is_refused_with_the_same_field_on_both_routes(kwargs, field, monkeypatch):
    with pytest.raises(DomainValidationError) as fast:
        simulate_population(MIXED, model="domino", **kwargs)
    monkeypatch.setattr(population, "_FAST_PATH", False)
    with pytest.raises(DomainValidationError) as general:
        simulate_population(MIXED, model="domino", **kwargs)
    assert fast.value.field == general.value.field == field


def test_a_ml_rate_without_a_bag_concentration_is_refused_as_before(monkeypatch):
    program = Program((Infusion(0, 60, Quantity(4, "mL/h")),))
    with pytest.raises(DomainValidationError) as fast:
        simulate_population(program, weights_kg=[70.0], end_min=60)
    monkeypatch.setattr(population, "_FAST_PATH", False)
    with pytest.raises(DomainValidationError) as general:
        simulate_population(program, weights_kg=[70.0], end_min=60)
    assert fast.value.field == general.value.field


RATE_UNITS = ["mg/kg/h", "mg/h", "mg/kg/min", "mg/min", "mL/h"]
DOSE_UNITS = ["mg/kg", "mg", "mL"]
times = st.floats(0, 300, allow_subnormal=False)
infusions = st.builds(lambda start, duration, value, unit: Infusion(start, duration, Quantity(value, unit)),
                      times, st.one_of(st.just(0.0), st.floats(0, 300)), st.floats(0, 50), st.sampled_from(RATE_UNITS))
boluses = st.builds(lambda t, value, unit: Bolus(t, Quantity(value, unit)),
                    st.one_of(times, st.sampled_from([0.0, 30.0, 60.0])), st.floats(0, 20), st.sampled_from(DOSE_UNITS))
programs = st.builds(lambda i, b: Program(tuple(i), tuple(b), bag_concentration_mg_per_ml=2.5),
                     st.lists(infusions, max_size=4), st.lists(boluses, max_size=3))
grids = st.one_of(
    st.builds(lambda step, end: dict(step_min=step, end_min=end), st.sampled_from([1 / 60, 0.25, 1.0, 2.5, 7.0]),
              st.floats(0, 400)),
    st.builds(lambda ts: dict(t_min=np.unique(np.asarray(ts))),
              st.lists(st.floats(0, 500, allow_subnormal=False), min_size=1, max_size=40)),
)
weight_lists = st.lists(st.floats(20, 200), min_size=1, max_size=9)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(program=programs, grid=grids, weights=weight_lists, model=st.sampled_from(["domino", "kamp2020"]),
       summaries=st.booleans(), chunk_size=st.sampled_from([1, 4, 16384]))
def test_drawn_programmes_grids_and_weights_are_bit_identical(program, grid, weights, model, summaries, chunk_size,
                                                              monkeypatch):
    fast, general = both_routes(program, monkeypatch, weights_kg=weights, model=model, summaries=summaries,
                                chunk_size=chunk_size, band_mg_per_l=(0.0, 0.05), **grid)
    assert_identical(fast, general)


@pytest.mark.parametrize("model", ["domino", "kamp2020"])
@pytest.mark.parametrize("variability", [None, Variability.from_cv(0.2)])
def test_three_compartment_models_take_the_fast_route(model, variability, monkeypatch):
    """Otherwise the equalities above would compare the general route with itself."""
    def general(*args, **kwargs):
        raise AssertionError("general route taken")

    monkeypatch.setattr(population, "_run_chunk_general", general)
    simulate_population(UNITS, weights_kg=[60.0, 75.0], model=model, end_min=90, variability=variability,
                        rng=np.random.default_rng(1))
