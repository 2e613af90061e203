"""Issue 7's browser path in full: after a series that helped, a patient fills a week of diary entries —
each on its own day, on a server whose clock reads that day (time-machine, test-only) — as the pain comes
back; the staff worklist then shows a booster proposal (a proposal from a clinic-policy rule), and a
prescriber signs the booster plan drafted from it."""

import datetime as dt
import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser
ROOT = Path(__file__).resolve().parents[2]
WEEK = (7, 8, 8, 8, 9, 8, 8)  # pain back near the baseline of 8


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """One gunicorn on the test's own database, its clock at `moment` (ticking), stopped on exit."""

    def __init__(self, env, moment: dt.datetime):
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc = subprocess.Popen([sys.executable, str(ROOT / "tests/browser/clock_server.py"), moment.isoformat(),
                                      str(self.port)], cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL)  # fmt: skip

    def __enter__(self):
        for _ in range(100):
            try:
                urllib.request.urlopen(self.url + "/api/health", timeout=1)
                return self
            except OSError:
                time.sleep(0.2)
        self.proc.kill()
        raise RuntimeError("the clock server did not start")

    def __exit__(self, *exc):
        self.proc.terminate()
        self.proc.wait(timeout=10)


@pytest.fixture
def story(tmp_path):
    env = os.environ | {"KETAFLOW_DATA_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "ketaflow.config.settings"}
    env.pop("DATABASE_URL", None)
    run = {"cwd": ROOT, "env": env, "check": True, "capture_output": True, "text": True}
    subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"], **run)
    subprocess.run([sys.executable, "-m", "ketaflow.cli", "seed", "--patients", "4"], **run)
    setup = (ROOT / "tests/browser/diary_week_setup.py").read_text()
    family = subprocess.run([sys.executable, "manage.py", "shell", "-c", setup], **run).stdout.strip().splitlines()[-1]
    return env, family


def login(page, url, username):
    page.goto(url + "/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", username.replace(".", "-") + "-demo-2026")
    page.click("main button[type=submit]")
    page.wait_for_load_state()


def test_a_patient_fills_a_week_of_diary_and_the_prescriber_signs_the_proposed_booster(story, browser):
    env, family = story
    today = dt.date.today()
    for offset, pain in zip(range(-6, 1), WEEK, strict=True):
        moment = dt.datetime.combine(today + dt.timedelta(days=offset), dt.time(18, 0), tzinfo=dt.UTC)
        with Server(env, moment) as server:
            context = browser.new_context()
            page = context.new_page()
            page.set_default_timeout(15000)
            login(page, server.url, "patient.week")
            page.click("#open-diary")
            page.wait_for_selector("#daily-diary")
            for item, value in (("pain_nrs_current", pain), ("pain_nrs_average_24h", pain),
                                ("sleep_quality_nrs", 6), ("fatigue_nrs", 6)):  # fmt: skip
                page.check(f"input[name={item}][value='{value}']")
            page.click("#save-diary")
            page.wait_for_selector("#daily-done")
            context.close()

    now = dt.datetime.combine(today, dt.time(19, 0), tzinfo=dt.UTC)
    with Server(env, now) as server:
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        page = context.new_page()
        page.set_default_timeout(15000)
        login(page, server.url, "dr.reyes")
        page.goto(server.url + "/worklist/")
        row = page.locator("table.worklist tr.worklist-booster", has_text=family)
        assert "Booster proposed" in row.inner_text() and "Clinic policy" in row.inner_text()
        row.locator("text=Open booster plan").click()
        page.wait_for_selector("form.card")
        assert page.locator("#id_protocol").input_value() == "chronic_pain_booster"
        page.click("main form.card button[type=submit]")
        page.wait_for_selector("#sign")
        for box in page.locator("#sign textarea").all():
            box.fill("Same dose as the induction series, which was tolerated")
        page.fill("#id_password", "dr-reyes-demo-2026")
        page.click("#sign button[type=submit]")
        page.wait_for_selector("#signature")
        page.goto(server.url + "/worklist/")
        assert page.locator("table.worklist tr.worklist-booster", has_text=family).count() == 0
        context.close()
