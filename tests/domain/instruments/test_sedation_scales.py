"""RASS (Sessler 2002) and MOAA/S (Chernik 1990): labelled levels and clinic-policy flags (clinical.md §4.10-4.11)."""

import pytest

from ketaflow.domain.errors import DomainValidationError
from ketaflow.domain.instruments.moaas import MOAAS
from ketaflow.domain.instruments.rass import RASS


def test_rass_has_ten_levels_from_plus_4_to_minus_5():
    assert [o.points for o in RASS.definition.item("rass").options] == list(range(4, -6, -1))


@pytest.mark.parametrize(("level", "code"), [(4, "combative"), (0, "alert_and_calm"), (-1, "drowsy"),
                                             (-5, "unarousable"), ("-3", "moderate_sedation")])
def test_rass_band_is_the_level_label(level, code):
    result = RASS.score({"rass": level})
    assert result.band_code == code
    assert result.total == int(level)


@pytest.mark.parametrize(("level", "flags"), [
    (2, {"agitation"}), (1, set()), (0, set()), (-2, set()), (-3, {"moderate_sedation"}),
    (-4, {"deep_sedation"}), (-5, {"deep_sedation"}),
])
def test_rass_flag_edges(level, flags):
    assert {f.code for f in RASS.score({"rass": level}).flags} == flags


@pytest.mark.parametrize("bad", [5, -6, "calm", None])
def test_rass_rejects_levels_outside_the_scale(bad):
    with pytest.raises(DomainValidationError) as error:
        RASS.score({"rass": bad})
    assert error.value.field == "rass"


@pytest.mark.parametrize(("level", "flags"), [
    (5, set()), (4, set()), (3, {"moderate_sedation"}), (2, {"moderate_sedation"}),
    (1, {"moderate_sedation", "deep_sedation"}), (0, {"moderate_sedation", "deep_sedation"}),
])
def test_moaas_flag_edges(level, flags):
    assert {f.code for f in MOAAS.score({"moaas": level}).flags} == flags


def test_moaas_band_is_the_level_label_and_source_names_the_table_version():
    result = MOAAS.score({"moaas": "responds_to_loud_name"})
    assert result.total == 3
    assert result.band.startswith("Responds only after name is called loudly")
    assert "merge 1 and 0" in result.source.version


@pytest.mark.parametrize("bad", [6, -1])
def test_moaas_rejects_levels_outside_0_to_5(bad):
    with pytest.raises(DomainValidationError):
        MOAAS.score({"moaas": bad})
