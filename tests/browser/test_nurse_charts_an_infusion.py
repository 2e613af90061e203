"""Issue 6's browser path: a nurse checks a patient in, starts at the ordered rate, charts vitals with one
red reading (sees the alert, pauses, resumes, records the response), tries an over-limit rate (refused),
stops, scores Aldrete and — once the recovery time has passed — discharges; the medication record shows
the exact delivered dose and the witnessed waste."""

import sqlite3
import uuid
from datetime import datetime, timedelta

import pytest

pytestmark = pytest.mark.browser


def seeded_escalating_plan(server) -> tuple[str, int]:
    with sqlite3.connect(server["db"]) as db:
        patient_id, plan_id = db.execute(
            "SELECT patient_id, id FROM plans_plan WHERE protocol_code = 'chronic_pain_escalating' "
            "AND status = 'signed' ORDER BY id LIMIT 1"
        ).fetchone()
    return str(uuid.UUID(patient_id)), plan_id


def action(page, name: str):
    return page.locator(f"form[action$='/do/{name}/']")


def test_nurse_charts_a_whole_infusion_and_the_record_shows_the_exact_dose_and_witnessed_waste(login, page, server):
    patient_id, plan_id = seeded_escalating_plan(server)
    login("rn.larsen")
    page.goto(f"{server['url']}/patients/{patient_id}/plans/{plan_id}/")
    page.click("#open-session-1")
    page.wait_for_selector("#session-status")
    assert page.locator("#session-status").inner_text() == "SCHEDULED"
    session_id = int(page.url.rstrip("/").split("/")[-1])

    # A check-in without the escort and the bag is refused, saying why.
    action(page, "check_in").locator("button[type=submit]").click()
    page.wait_for_selector("#action-error")
    failures = page.locator("#action-error").inner_text().lower()
    assert "escort" in failures and "lot" in failures
    assert page.locator("#session-status").inner_text() == "SCHEDULED"

    check_in = action(page, "check_in")
    check_in.locator("[name=escort_confirmed]").check()
    check_in.locator("[name=fasting_hours_solids]").fill("8")
    check_in.locator("[name=pregnancy_test_negative]").select_option("true")
    check_in.locator("[name=pre_pain_nrs]").fill("7")
    check_in.locator("[name=bag_lot]").fill("KET-24680")
    check_in.locator("[name=bag_volume_ml]").fill("100")
    for name, value in (("systolic_mmhg", "128"), ("diastolic_mmhg", "80"), ("heart_rate_per_min", "72"),
                        ("spo2_percent", "98"), ("respiratory_rate_per_min", "14")):  # fmt: skip
        check_in.locator(f"[name={name}]").fill(value)
    check_in.locator("button[type=submit]").click()
    page.wait_for_selector("#start-button")
    assert page.locator("#session-status").inner_text() == "CHECKED IN"

    # Start at the ordered rate (prefilled); the pump rate in mL/h is shown beside the dose rate.
    ordered = action(page, "start").locator("[name=rate_value]").input_value()
    page.click("#start-button")
    page.wait_for_selector("#pause-button")
    current = page.locator("#current-rate").inner_text()
    assert f"{float(ordered):g} mg/kg/h" in current and "mL/h" in current

    # One red reading: the alert names the suggested action; the nurse pauses, resumes and records it.
    vitals = action(page, "vitals")
    vitals.locator("[name=systolic_mmhg]").fill("186")
    vitals.locator("[name=diastolic_mmhg]").fill("112")
    page.click("#vitals-button")
    alert = page.locator(".flag.critical")
    alert.wait_for()
    assert "RED alert" in alert.inner_text()
    page.click("#pause-button")
    page.wait_for_selector("#resume-button")
    assert page.locator("#session-status").inner_text() == "PAUSED"
    page.click("#resume-button")
    page.wait_for_selector("#pause-button")
    page.locator(".flag.critical [name=response_taken]").fill("Paused 2 min, Dr Reyes informed, BP 150/90")
    page.locator(".flag.critical form[action$='/alert-response/'] button[type=submit]").click()
    page.wait_for_selector("#pause-button")
    assert page.locator(".flag.critical").count() == 0
    assert "Dr Reyes informed" in page.locator("tr.vital.red").inner_text()

    # An over-limit rate is refused; the pump keeps its rate.
    rate = action(page, "change_rate")
    rate.locator("[name=rate_value]").fill("5")
    page.click("#change-rate-button")
    page.wait_for_selector("#action-error")
    assert "refused" in page.locator("#action-error").inner_text().lower()
    assert f"{float(ordered):g} mg/kg/h" in page.locator("#current-rate").inner_text()

    # 'Ordered time complete' is refused before the ordered minutes have run (a mis-tap must not end it) ...
    page.click("#stop-button")
    page.wait_for_selector("#action-error")
    assert "Stop early" in page.locator("#action-error").inner_text()
    assert page.locator("#session-status").inner_text() == "RUNNING"
    # ... and allowed once they have: the charted pump events move back by the ordered time.
    with sqlite3.connect(server["db"]) as db:
        minutes = db.execute("SELECT ordered_duration_min FROM infusions_infusionsession WHERE id = ?",
                             (session_id,)).fetchone()[0]  # fmt: skip
        back = timedelta(minutes=minutes)
        for event_id, at in db.execute("SELECT id, at FROM infusions_rateevent WHERE session_id = ?", (session_id,)):
            db.execute("UPDATE infusions_rateevent SET at = ? WHERE id = ?",
                       ((datetime.fromisoformat(at) - back).isoformat(sep=" "), event_id))  # fmt: skip
        started = db.execute("SELECT started_at FROM infusions_infusionsession WHERE id = ?", (session_id,)).fetchone()[0]
        db.execute("UPDATE infusions_infusionsession SET started_at = ? WHERE id = ?",
                   ((datetime.fromisoformat(started) - back).isoformat(sep=" "), session_id))  # fmt: skip
    page.goto(f"{server['url']}/sessions/{session_id}/")
    page.click("#stop-button")
    page.wait_for_selector("#aldrete-button")
    assert page.locator("#session-status").inner_text() == "RECOVERY"
    recovery = action(page, "recovery")
    recovery.locator("[name=post_pain_nrs]").fill("3")
    recovery.locator("[name=current_systolic_mmhg]").fill("130")
    page.click("#aldrete-button")
    page.wait_for_selector("#aldrete-total")
    assert page.locator("#aldrete-total").inner_text().startswith("10")

    # The waste is witnessed by a second staff member who authenticates.
    waste = action(page, "waste")
    waste.locator("[name=witness_username]").fill("rn.bauer")
    waste.locator("[name=witness_password]").fill("rn-bauer-demo-2026")
    page.click("#waste-button")
    page.wait_for_selector("#discharge-button")
    assert "witnessed by Jonas Bauer" in page.locator("#waste-record").inner_text()

    # Discharge is refused before the minimum recovery time; an hour later it is allowed.
    action(page, "discharge").locator("[name=escort_present]").check()
    page.click("#discharge-button")
    page.wait_for_selector("#action-error")
    assert "min" in page.locator("#action-error").inner_text()
    with sqlite3.connect(server["db"]) as db:
        stopped = db.execute("SELECT stopped_at FROM infusions_infusionsession WHERE id = ?", (session_id,)).fetchone()[0]
        earlier = datetime.fromisoformat(stopped) - timedelta(minutes=61)
        db.execute("UPDATE infusions_infusionsession SET stopped_at = ? WHERE id = ?",
                   (earlier.isoformat(sep=" "), session_id))  # fmt: skip
    page.goto(f"{server['url']}/sessions/{session_id}/")
    action(page, "discharge").locator("[name=escort_present]").check()
    page.click("#discharge-button")
    page.wait_for_selector("text=Session record (PDF)")
    assert page.locator("#session-status").inner_text() == "DISCHARGED"

    # The medication record: the delivered dose is the exact sum over the charted rate segments.
    with sqlite3.connect(server["db"]) as db:
        events = db.execute("SELECT at, rate_mg_per_h FROM infusions_rateevent WHERE session_id = ? ORDER BY at, id",
                            (session_id,)).fetchall()  # fmt: skip
        weight = float(db.execute("SELECT dosing_weight_kg FROM infusions_infusionsession WHERE id = ?",
                                  (session_id,)).fetchone()[0])  # fmt: skip
    times = [datetime.fromisoformat(at) for at, _ in events]
    dose_mg = sum(float(events[i][1]) * (times[i + 1] - times[i]).total_seconds() / 3600 for i in range(len(events) - 1))
    record = page.locator("#delivered-dose").inner_text()
    assert record.startswith(f"{dose_mg:.2f} mg = {dose_mg / weight:.3f} mg/kg")
    pdf = page.request.get(f"{server['url']}/sessions/{session_id}/record.pdf")
    assert pdf.status == 200 and pdf.body().startswith(b"%PDF")
