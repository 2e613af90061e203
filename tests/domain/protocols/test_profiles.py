"""Protocol profiles load as frozen, versioned, sourced data."""

import dataclasses

import pytest

from ketaflow.domain.errors import DomainValidationError
from ketaflow.domain.protocols import LIMIT_NAMES, profile_from_dict, protocol_get, protocol_list
from ketaflow.domain.sources import Source

SHIPPED = {"fibromyalgia_induction", "chronic_pain_escalating", "chronic_pain_booster", "depression_standard"}


def test_the_four_default_protocols_are_shipped():
    assert {p.code for p in protocol_list()} == SHIPPED


@pytest.mark.parametrize("code", sorted(SHIPPED))
def test_every_profile_has_a_version_and_every_limit_cites_a_source(code):
    profile = protocol_get(code)
    assert profile.version
    assert {lim.name for lim in profile.limits} == set(LIMIT_NAMES)
    for lim in profile.limits:
        assert isinstance(lim.source, Source) and lim.source.citation
        assert isinstance(lim.hard_source, Source) and lim.hard_source.citation
        assert lim.hard_max is not None or lim.hard_min is not None
    assert profile.course.source.citation
    assert profile.vitals_interval_min.value == 15
    assert profile.recovery_min_time_min.value >= 60
    assert profile.advisory


def test_unverified_figures_are_labelled_clinic_policy():
    induction = protocol_get("fibromyalgia_induction")
    assert induction.course.source.kind == "clinic policy"  # 6 over 2-3 weeks: clinical.md marks it unverified
    assert induction.limit("rate_mg_per_kg_per_h").hard_source.kind == "clinic policy"


def test_profiles_are_frozen():
    with pytest.raises(dataclasses.FrozenInstanceError):
        protocol_get("fibromyalgia_induction").version = "2"


def test_induction_is_six_sessions_over_three_weeks_of_one_to_four_hours():
    p = protocol_get("fibromyalgia_induction")
    assert (p.course.sessions_min, p.course.sessions_max, p.course.series_window_days) == (6, 6, 21)
    assert p.limit("session_duration_min").soft_min == 60 and p.limit("session_duration_min").soft_max == 240
    assert p.dosing_unit == "mg/kg/h" and p.bag_concentrations_mg_per_ml == (1.0, 2.0)


def test_escalating_series_raises_the_rate_each_session_up_to_the_cap():
    p = protocol_get("chronic_pain_escalating")
    assert p.course.sessions_max == 10
    rates = [p.escalation.rate_for_session(i) for i in range(10)]
    assert rates[0] == pytest.approx(0.1, rel=1e-12)
    assert all(b >= a for a, b in zip(rates, rates[1:], strict=False))
    assert max(rates) == p.escalation.cap == 0.35
    assert p.escalation.cap_source.kind == "literature"  # Schwartzman 2009


def test_booster_is_one_or_two_sessions():
    p = protocol_get("chronic_pain_booster")
    assert (p.course.sessions_min, p.course.sessions_max) == (1, 2)


def test_depression_protocol_doses_half_a_milligram_per_kilogram_over_forty_minutes():
    p = protocol_get("depression_standard")
    assert p.dosing_unit == "mg/kg" and p.standard_duration_min == 40
    assert p.limit("session_dose_mg_per_kg").soft_max == 0.5


def test_unknown_protocol_code_names_the_field_and_the_choices():
    with pytest.raises(DomainValidationError) as err:
        protocol_get("nope")
    assert err.value.field == "protocol_code" and "fibromyalgia_induction" in err.value.allowed


def test_a_profile_whose_soft_bound_lies_outside_its_hard_bound_is_refused():
    raw = {
        "code": "x", "version": "1", "name": "x", "indication": "x", "dosing_unit": "mg/kg/h",
        "bag_concentrations_mg_per_ml": [1.0],
        "limits": {"rate_mg_per_kg_per_h": {"soft_max": 2.0, "hard_max": 1.0, "source": "rema_2012"}},
        "course": {"sessions_min": 1, "sessions_max": 1, "series_window_days": 1, "source": "rema_2012"},
        "vitals_interval_min": {"value": 15, "source": "goldberg_2005"},
        "recovery_min_time_min": {"value": 60, "source": "goldberg_2005"},
        "advisory": "",
    }
    with pytest.raises(DomainValidationError, match="hard_min <= soft_min"):
        profile_from_dict(raw)


def test_a_profile_missing_a_required_field_names_it():
    with pytest.raises(DomainValidationError) as err:
        profile_from_dict({"code": "x"})
    assert err.value.field.startswith("protocol.")
