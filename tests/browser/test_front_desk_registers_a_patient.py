"""Issue 2's browser path: front desk registers a patient with a bad weight, sees the error, fixes it,
opens the chart; a patient fails to open another patient's chart."""

import sqlite3

import pytest

pytestmark = pytest.mark.browser


def test_front_desk_fixes_a_bad_weight_and_lands_on_the_chart(login, page, server):
    login("desk.kim")
    page.click("text=Register patient")
    page.fill("#id_given_name", "Wren")
    page.fill("#id_family_name", "Castell")
    page.fill("#id_date_of_birth", "1979-06-01")
    page.select_option("#id_sex", "female")
    page.fill("#id_escort_name", "Pip Castell")
    page.fill("#id_weight_kg", "6.8")
    page.click("main button[type=submit]")
    error = page.locator("p.error[data-field=weight_kg]")
    assert "outside the plausible adult range" in error.inner_text()
    assert "30–300 kg" in error.inner_text()
    assert page.input_value("#id_given_name") == "Wren"  # nothing typed is lost
    page.fill("#id_weight_kg", "68.0")
    page.click("main button[type=submit]")
    page.wait_for_selector(".patient-banner")
    banner = page.locator(".patient-banner").inner_text()
    assert "Castell, Wren" in banner and "68.0 kg" in banner
    assert "Registered" in page.locator("ol.timeline").inner_text()


def test_front_desk_adds_a_medication_from_the_chart_without_a_reload(login, page, server):
    login("desk.kim")
    page.click("nav >> text=Patients")
    page.locator("#results a").first.click()
    page.wait_for_selector("#medication")
    page.fill("#medication #id_name", "Pregabalin")
    page.select_option("#medication #id_drug_class", "gabapentinoid")
    page.click("#medication form[hx-post] button[type=submit]")
    page.wait_for_selector("#medication li:has-text('Pregabalin')")
    assert "Gabapentinoid" in page.locator("#medication").inner_text()


def test_a_patient_cannot_open_another_patients_chart(login, page, server):
    with sqlite3.connect(server["db"]) as db:
        own = db.execute(
            "SELECT p.id FROM patients_patient p JOIN accounts_user u ON u.id = p.user_id WHERE u.username = ?",
            ("patient.demo",),
        ).fetchone()[0]
        other = db.execute("SELECT id FROM patients_patient WHERE id != ? LIMIT 1", (own,)).fetchone()[0]

    def as_url(raw):
        text = raw.replace("-", "")
        return f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"

    login("patient.demo")
    assert "Welcome" in page.locator("h1").inner_text()
    response = page.goto(f"{server['url']}/patients/{as_url(other)}/")
    assert response.status == 404
    response = page.goto(f"{server['url']}/patients/{as_url(own)}/")
    assert response.status == 200


def test_a_bad_weight_on_the_chart_shows_its_error_and_the_fixed_one_updates_the_banner(login, page, server):
    login("rn.larsen")
    page.click("nav >> text=Patients")
    page.locator("#results a").first.click()
    page.wait_for_selector("#measurement")
    page.fill("#measurement #id_weight_kg", "350")
    page.click("#measurement button:has-text('Add measurement')")
    error = page.locator("#measurement p.error[data-field=weight_kg]")
    error.wait_for()
    assert "30–300 kg" in error.inner_text()
    page.fill("#measurement #id_weight_kg", "71.3")
    page.click("#measurement button:has-text('Add measurement')")
    page.wait_for_selector("#patient-banner:has-text('71.3 kg')")
    assert page.locator("#measurement p.error").count() == 0
    assert "Weight 71.3 kg" in page.locator("#timeline").inner_text()
