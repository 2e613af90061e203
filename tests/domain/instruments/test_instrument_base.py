"""Shared rules: definitions as data, strict answer validation, registry, storage shape."""

import json
from fractions import Fraction

import pytest

from ketaflow.domain.errors import DomainValidationError
from ketaflow.domain.instruments import INSTRUMENTS, get_instrument, score
from ketaflow.domain.instruments.base import SEVERITIES, format_number, score_result_from_dict
from ketaflow.domain.sources import Source


def test_registry_holds_every_instrument_under_its_definition_id():
    assert {"fiqr", "acr_fm_2010", "acr_fm_2011", "acr_fm_2016", "pain_nrs_current", "pain_nrs_average_24h",
            "pain_nrs_average_7d", "pgic", "phq9", "gad7", "rass", "moaas", "modified_aldrete",
            "cadss6"} <= set(INSTRUMENTS)
    assert all(key == inst.definition.id for key, inst in INSTRUMENTS.items())


@pytest.mark.parametrize("instrument_id", sorted(INSTRUMENTS))
def test_every_definition_has_unique_item_ids_a_source_and_a_version(instrument_id):
    definition = INSTRUMENTS[instrument_id].definition
    assert len(set(definition.link_ids)) == len(definition.link_ids)
    assert isinstance(definition.source, Source) and definition.source.citation
    assert definition.version
    for item in definition.items:
        assert item.text
        if item.kind == "integer":
            assert item.minimum is not None and item.maximum is not None
        else:
            assert item.options, item.link_id
            assert len({o.points for o in item.options}) == len(item.options)
            assert len({o.code for o in item.options}) == len(item.options)


@pytest.mark.parametrize("instrument_id", sorted(INSTRUMENTS))
def test_every_band_set_ends_in_an_open_band_and_rises(instrument_id):
    for band_set in INSTRUMENTS[instrument_id].definition.band_sets.values():
        uppers = [b.upper_inclusive for b in band_set.bands]
        assert uppers[-1] is None
        assert uppers[:-1] == sorted(uppers[:-1])
        assert band_set.source.citation


@pytest.mark.parametrize("instrument_id", sorted(INSTRUMENTS))
def test_every_definition_round_trips_to_plain_json_for_the_form_renderer(instrument_id):
    raw = INSTRUMENTS[instrument_id].definition.as_dict()
    assert raw["id"] == instrument_id
    assert raw["items"]


def test_unknown_item_id_is_rejected_and_the_error_lists_the_known_ids():
    with pytest.raises(DomainValidationError) as error:
        score("gad7", {**{f"gad7_{i}": 0 for i in range(1, 8)}, "gad7_8": 1})
    assert error.value.field == "gad7_8"
    assert "gad7_1" in error.value.allowed


def test_unknown_instrument_id_is_rejected():
    with pytest.raises(DomainValidationError) as error:
        get_instrument("phq8")
    assert "phq9" in error.value.allowed


def test_misspelt_scoring_option_is_rejected_rather_than_ignored():
    with pytest.raises(DomainValidationError) as error:
        score("fiqr", {}, bandset="salaffi_2020")
    assert error.value.field == "bandset"


def test_unknown_band_set_is_rejected():
    with pytest.raises(DomainValidationError) as error:
        score("gad7", {f"gad7_{i}": 0 for i in range(1, 8)}, band_set="nope")
    assert error.value.field == "band_set"


@pytest.mark.parametrize("bad", [1.0, Fraction(1), "1.0", "", b"1", [1]])
def test_non_integer_answers_are_rejected_never_coerced(bad):
    with pytest.raises(DomainValidationError):
        score("pain_nrs_current", {"pain": bad})


def test_booleans_are_not_accepted_as_points_on_a_numeric_scale():
    with pytest.raises(DomainValidationError) as error:
        score("pain_nrs_current", {"pain": True})
    assert error.value.field == "pain"


def test_answers_must_be_a_mapping():
    with pytest.raises(DomainValidationError) as error:
        score("pgic", [("pgic", 1)])
    assert error.value.field == "answers"


@pytest.mark.parametrize(("value", "decimals", "text"), [
    (Fraction(175, 3), 1, "58.3"), (Fraction(1, 20), 1, "0.1"), (Fraction(-1, 20), 1, "-0.1"), (7, 0, "7"),
])
def test_display_rounding_is_half_up_and_only_for_display(value, decimals, text):
    assert format_number(value, decimals) == text


def test_score_result_as_dict_keeps_the_exact_total_beside_a_float():
    result = score("fiqr", {i.link_id: 1 for i in INSTRUMENTS["fiqr"].definition.items})
    stored = result.as_dict()
    assert stored["total_exact"] == str(result.total)
    assert stored["total"] == pytest.approx(float(result.total), rel=1e-12)
    assert stored["source"]["citation"].startswith("Bennett")


@pytest.mark.parametrize("instrument_id", sorted(INSTRUMENTS))
def test_form_spec_resolves_options_for_every_choice_item_and_is_plain_json(instrument_id):
    spec = json.loads(json.dumps(INSTRUMENTS[instrument_id].form_spec()))
    assert spec["id"] == instrument_id
    for item in spec["items"]:
        assert item["options"] or item["kind"] == "integer"


def test_form_spec_tells_the_shell_that_aldrete_needs_baseline_and_current_pressure():
    spec = INSTRUMENTS["modified_aldrete"].form_spec()
    assert {"baseline_systolic_mmhg", "current_systolic_mmhg"} <= set(spec["context_options"])
    assert "circulation" not in [i["link_id"] for i in spec["items"]]


def test_form_spec_resolves_phq9_shared_options_with_loinc_answer_codes():
    item = INSTRUMENTS["phq9"].form_spec()["items"][0]
    assert [o["loinc_answer"] for o in item["options"]] == ["LA6568-5", "LA6569-3", "LA6570-1", "LA6571-9"]


@pytest.mark.parametrize("instrument_id", sorted(INSTRUMENTS))
def test_every_declared_flag_rule_has_a_known_severity_and_target(instrument_id):
    definition = INSTRUMENTS[instrument_id].definition
    for rule in definition.raw.get("flags", []):
        assert rule["severity"] in SEVERITIES
        assert rule["op"] in {">", ">=", "<", "<=", "=="}
        assert "item" not in rule or rule["item"] in definition.link_ids


@pytest.mark.parametrize(("instrument_id", "answers", "context"), [
    ("fiqr", {i.link_id: 3 for i in INSTRUMENTS["fiqr"].definition.items if i.link_id != "fiqr_function_2"}, {}),
    ("phq9", {f"phq9_{i}": 1 for i in range(1, 10)}, {}),
    ("modified_aldrete", {"activity": 2, "respiration": 2, "consciousness": 1, "oxygen_saturation": 2},
     {"baseline_systolic_mmhg": 130, "current_systolic_mmhg": 100}),
])
def test_a_stored_score_result_round_trips_exactly(instrument_id, answers, context):
    result = score(instrument_id, answers, **context)
    again = score_result_from_dict(json.loads(json.dumps(result.as_dict())))
    assert again.total == result.total and type(again.total) is type(result.total)
    assert dict(again.subscores) == dict(result.subscores)
    assert again.flags == result.flags and again.source == result.source
    assert again.total_display == result.total_display
    assert again.band_code == result.band_code and again.rule_version == result.rule_version


def test_a_malformed_stored_result_is_a_validation_error():
    with pytest.raises(DomainValidationError) as error:
        score_result_from_dict({"instrument_id": "phq9"})
    assert error.value.field == "score_result"


@pytest.mark.parametrize("empty", ["", []])
def test_an_empty_band_set_choice_is_rejected_rather_than_defaulted(empty):
    with pytest.raises(DomainValidationError) as error:
        score("gad7", {f"gad7_{i}": 0 for i in range(1, 8)}, band_set=empty)
    assert error.value.field == "band_set"
