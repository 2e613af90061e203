"""Issue 5's browser path: a prescriber builds an escalating plan above the soft rate limit, sees the
warning, gives the reason and signs with their password; a nurse cannot sign; the series is booked into
the chairs; the patient sees the handout and the dates in the portal."""

import sqlite3

import pytest

pytestmark = pytest.mark.browser


def logout(page):
    page.click("header button:has-text('Log out')")
    page.wait_for_load_state()


def portal_patient_id(server) -> str:
    with sqlite3.connect(server["db"]) as db:
        return db.execute(
            "SELECT p.id FROM patients_patient p JOIN accounts_user u ON u.id = p.user_id WHERE u.username = ?",
            ("patient.demo",),
        ).fetchone()[0]


def test_prescriber_plans_signs_and_books_and_the_patient_sees_the_dates(login, page, server):
    patient = portal_patient_id(server)
    pid = f"{patient[:8]}-{patient[8:12]}-{patient[12:16]}-{patient[16:20]}-{patient[20:]}" if "-" not in patient else patient

    # The prescriber builds an escalating series with a cap above the soft rate limit.
    login("dr.reyes")
    page.goto(f"{server['url']}/patients/{pid}/plans/new/?protocol=chronic_pain_escalating")
    page.fill("#id_escalation_cap", "0.4")
    # The plan type's goals are ticked; the prescriber raises the pain goal to IMMPACT's substantial 50 %.
    assert page.is_checked("#id_goal_pain_nrs_percent_reduction")
    page.fill("#id_goal_pain_nrs_percent_reduction_threshold", "50")
    page.click("main button[type=submit]")
    page.wait_for_selector("#sign")
    assert "at least 50 % below baseline" in page.locator("#plan-goals").inner_text()
    warnings = page.locator(".violations li.soft_violation").all_inner_texts()
    assert warnings and any("soft" in w.lower() for w in warnings)
    plan_url = page.url
    logout(page)

    # A nurse opens the same draft: there is no way to sign it.
    login("rn.larsen")
    page.goto(plan_url)
    assert "Only a prescriber can sign" in page.locator("#sign").inner_text()
    assert page.locator("#sign form").count() == 0
    logout(page)

    # The prescriber gives the reason(s) and signs with their password.
    login("dr.reyes")
    page.goto(plan_url)
    for box in page.locator("#sign textarea").all():
        box.fill("Tolerated 0.4 mg/kg/h in a previous series without adverse effects")
    page.fill("#id_password", "dr-reyes-demo-2026")
    page.click("#sign button[type=submit]")
    page.wait_for_selector("#signature")
    assert "Signed by" in page.locator("#signature").inner_text()

    # The signed plan is booked: the proposal keeps the clinic's weekends free, then staff accept it.
    page.click("#booked-dates >> text=Book sessions")
    page.wait_for_selector("#proposal")
    proposed = page.locator("#proposal tbody tr").all_inner_texts()
    assert len(proposed) == 10 and not any(day in row for row in proposed for day in ("Sat ", "Sun "))
    page.click("#accept button[type=submit]")
    page.wait_for_selector("#booked")
    booked = page.locator("#booked tbody tr").all_inner_texts()
    assert len(booked) == 10 and "booked" in page.locator(".messages").inner_text()
    assert page.locator("#series-ok").count() == 1
    first_date = booked[0].split("\t")[1].strip()  # e.g. "Mon 2026-11-23"
    logout(page)

    # The patient sees the dates in the portal and the handout.
    login("patient.demo")
    upcoming = page.locator("#upcoming-sessions li").all_inner_texts()
    assert len(upcoming) == 10
    with sqlite3.connect(server["db"]) as db:
        first_start = db.execute(
            "SELECT MIN(start) FROM scheduling_booking b JOIN patients_patient p ON p.id = b.patient_id "
            "JOIN accounts_user u ON u.id = p.user_id WHERE u.username = 'patient.demo' AND b.status = 'booked'"
        ).fetchone()[0]
    assert first_start[:10] == first_date.split()[-1]
    assert page.locator("#upcoming-sessions time").first.get_attribute("datetime")[:10] == first_start[:10]
    page.click("#my-plan >> text=What to expect")
    page.wait_for_load_state()
    text = page.locator("main").inner_text()
    assert "10" in text and "escort" in text.lower()
    assert "average pain NRS at least 50 % below baseline" in text
