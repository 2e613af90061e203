"""Chart intake sections saved by htmx: errors are swapped in, and the banner and timeline follow the save."""

import json
import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def _htmx_config(body: str) -> dict:
    match = re.search(r"<meta name=\"htmx-config\" content='([^']+)'>", body)
    assert match, "the page carries no htmx-config"
    return json.loads(match.group(1))


def test_pages_tell_htmx_to_swap_a_422_so_the_form_errors_are_seen(staff, patients, client_for):
    body = client_for(staff["nurse"]).get(reverse("patients:chart", args=[patients["ana"].pk])).content.decode()
    rules = _htmx_config(body)["responseHandling"]
    first_match = next(r for r in rules if re.fullmatch(r["code"], "422"))
    assert first_match["swap"] is True
    other_4xx = next(r for r in rules if re.fullmatch(r["code"], "403"))
    assert other_4xx["swap"] is False


def test_an_allergy_added_by_htmx_updates_the_banner_and_the_timeline_out_of_band(staff, patients, client_for):
    ana = patients["ana"]
    response = client_for(staff["nurse"]).post(
        reverse("patients:allergy_add", args=[ana.pk]),
        {"substance": "Penicillin", "severity": "severe"},
        HTTP_HX_REQUEST="true",
    )
    body = response.content.decode()
    assert response.status_code == 200
    banner = re.search(r'<div class="patient-banner" id="patient-banner" hx-swap-oob="true">(.*?)</dl>', body, re.S)
    assert banner and "Penicillin" in banner.group(1)
    timeline = body[body.index('id="timeline"') :]
    assert "Allergy recorded: Penicillin" in timeline


def test_the_full_chart_page_has_no_out_of_band_markup(staff, patients, client_for):
    body = client_for(staff["nurse"]).get(reverse("patients:chart", args=[patients["ana"].pk])).content.decode()
    assert "hx-swap-oob" not in body
    assert body.count('id="patient-banner"') == 1 and body.count('id="timeline"') == 1


def test_intake_recorded_after_registration_appears_on_the_timeline(staff, patients, client_for):
    ana = patients["ana"]
    client = client_for(staff["front_desk"])
    client.post(reverse("patients:medication_add", args=[ana.pk]), {"name": "Duloxetine", "drug_class": "snri"})
    client.post(reverse("patients:condition_add", args=[ana.pk]), {"code": "migraine"})
    client.post(reverse("patients:therapy_add", args=[ana.pk]), {"therapy": "snri", "outcome": "partial"})
    timeline = client.get(reverse("patients:chart", args=[ana.pk])).content.decode().split('id="timeline"')[1]
    assert "Medication recorded: Duloxetine" in timeline
    assert "Condition recorded" in timeline and "Migraine" in timeline
    assert "Prior therapy: SNRI" in timeline and "Partial response" in timeline


def test_a_page_error_sentence_names_the_field_and_the_allowed_range(staff, client_for):
    response = client_for(staff["front_desk"]).post(
        reverse("patients:register"),
        {"given_name": "Cora", "family_name": "Vance", "date_of_birth": "2090-01-01", "sex": "female",
         "weight_kg": "70", "measured_on": "2026-11-20"},
    )  # fmt: skip
    errors = re.findall(r'data-field="date_of_birth">([^<]+)<', response.content.decode())
    assert response.status_code == 422
    assert errors and errors[0].startswith("Date of birth is in the future. Allowed: on or before ")
