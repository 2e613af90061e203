"""Issue 7, the patient's side: the demo diary patient (a past series, weeks of entries) logs in, opens the
diary from the portal home, rates today's pain (now and 24-h average), sleep and fatigue, and sees the day
done; a nurse then sees today's entries on the staff diary page."""

import pytest

pytestmark = pytest.mark.browser

RATINGS = {"pain_nrs_current": "4", "pain_nrs_average_24h": "5", "sleep_quality_nrs": "3", "fatigue_nrs": "6"}


def test_a_patient_fills_todays_diary_and_a_nurse_sees_it(login, page, server):
    login("patient.diary")
    page.click("#open-diary")
    page.wait_for_selector("#daily-diary")
    for name, value in RATINGS.items():
        page.check(f"#daily-diary input[name={name}][value='{value}']")
    page.click("#save-diary")
    page.wait_for_selector("#daily-done")
    assert "saved" in page.locator(".messages").inner_text().lower()
    page.reload()
    assert page.locator("#daily-diary").count() == 0  # once per day: no second form today

    page.context.clear_cookies()
    login("rn.larsen")
    page.goto(server["url"] + "/patients/")
    page.fill("input[name=q]", "Fairwood")
    page.keyboard.press("Enter")
    page.click("text=Fairwood")
    chart_url = page.url
    page.goto(chart_url.rstrip("/") + "/diary/")
    text = page.locator("main").inner_text()
    assert "Sleep" in text or "sleep" in text
