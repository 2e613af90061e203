"""A clinic holding a CADSS licence supplies the item wording in a file (KETAFLOW_CADSS6_ITEM_TEXT_FILE); the
session and chart forms show it, scoring is unchanged; a bad file stops start-up instead of silently falling
back to the neutral labels."""

import json

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse

from ketaflow.clinic.assessments.licensed_text import apply_cadss6_item_text
from ketaflow.domain.instruments import INSTRUMENTS

pytestmark = pytest.mark.django_db

ITEMS = ("cadss_1", "cadss_2", "cadss_6", "cadss_7", "cadss_15", "cadss_22")


@pytest.fixture
def licensed(tmp_path):
    path = tmp_path / "cadss.json"
    path.write_text(json.dumps({i: f"Licensed wording of {i}" for i in ITEMS}), encoding="utf-8")
    apply_cadss6_item_text(str(path))
    yield path
    apply_cadss6_item_text("")


def test_the_licensed_wording_shows_on_the_chart_form_and_scoring_is_unchanged(licensed, staff, patients, client_for):
    client = client_for(staff["nurse"])
    url = reverse("assessments:administer", args=[patients["ana"].pk, "cadss6"])
    page = client.get(url).content.decode()
    assert "Licensed wording of cadss_15" in page and "CADSS item 15" not in page
    response = client.post(url, {i: "2" for i in ITEMS})
    assert response.status_code == 302
    assert INSTRUMENTS["cadss6"].score({i: 2 for i in ITEMS}).total == 12


def test_without_a_file_the_neutral_labels_are_shipped():
    apply_cadss6_item_text("")
    assert [i.text for i in INSTRUMENTS["cadss6"].definition.items][:2] == ["CADSS item 1", "CADSS item 2"]


@pytest.mark.parametrize("content", ['{"cadss_3": "not in the short form"}', '{"cadss_1": ""}', "not json"])
def test_a_bad_wording_file_stops_start_up_naming_the_setting(tmp_path, content):
    path = tmp_path / "bad.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ImproperlyConfigured, match="KETAFLOW_CADSS6_ITEM_TEXT_FILE"):
        apply_cadss6_item_text(str(path))
    assert INSTRUMENTS["cadss6"].definition.items[0].text == "CADSS item 1"
