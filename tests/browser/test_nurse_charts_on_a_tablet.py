"""Issue 6 on a 1024×768 tablet: the running demo infusion's chart fits the width, every control a nurse taps
is at least 44 px high, the live strip refreshes itself (htmx), and a reload keeps the chart working."""

import sqlite3

import pytest

pytestmark = pytest.mark.browser


def running_session_id(server) -> int:
    with sqlite3.connect(server["db"]) as db:
        return db.execute("SELECT id FROM infusions_infusionsession WHERE status = 'running' LIMIT 1").fetchone()[0]


def test_a_nurse_on_a_tablet_reaches_every_control_and_the_live_strip_refreshes(login, page, server):
    session_id = running_session_id(server)
    page.set_viewport_size({"width": 1024, "height": 768})
    login("rn.bauer")
    page.goto(f"{server['url']}/sessions/{session_id}/")
    assert page.locator("#session-status").inner_text() == "RUNNING"
    overflow = page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"the page scrolls sideways by {overflow} px on a 1024 px tablet"
    small = page.evaluate("""() => [...document.querySelectorAll(
        'main button, main input:not([type=hidden]):not([type=radio]):not([type=checkbox]), main select, main summary,'
        + ' main .actions a, main .option')].filter(e => e.offsetParent)
        .map(e => [e.name || e.id || e.innerText.slice(0, 40), Math.round(e.getBoundingClientRect().height)])
        .filter(([, h]) => h < 44)""")
    assert small == [], f"tap targets under 44 px: {small}"
    # the chart leaves the quick-entry controls within reach: the first form starts within two screens
    assert page.locator("#panel form").first.bounding_box()["y"] < 2 * 768
    assert "mg so far" in page.locator("#delivered").inner_text()
    assert "min" in page.locator("#time-left").inner_text()
    # the live strip replaces itself every 30 s with a fresh chart image
    before = page.locator("img.session-chart").get_attribute("src")
    with page.expect_response(lambda r: "partial=live" in r.url and r.status == 200, timeout=40000):
        pass
    page.wait_for_timeout(500)
    assert page.locator("img.session-chart").get_attribute("src") != before
    page.reload()
    assert page.locator("#session-status").inner_text() == "RUNNING"
    chart = page.request.get(server["url"] + page.locator("img.session-chart").get_attribute("src"))
    assert chart.status == 200 and chart.headers["content-type"] == "image/svg+xml"
