"""Browser tests: a real Ketaflow server (gunicorn, fresh SQLite database, seeded demo clinic) driven by
Playwright in Debian's Chromium (/usr/bin/chromium; never `playwright install`)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("ketaflow-data")
    env = os.environ | {
        "KETAFLOW_DATA_DIR": str(data_dir),
        "DJANGO_SETTINGS_MODULE": "ketaflow.config.settings",
    }
    env.pop("DATABASE_URL", None)
    root = Path(__file__).resolve().parents[2]
    subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=root, env=env, check=True)
    subprocess.run([sys.executable, "-m", "ketaflow.cli", "seed", "--patients", "6"], cwd=root, env=env, check=True,
                   stdout=subprocess.DEVNULL)  # fmt: skip
    port = _free_port()
    log = open(data_dir / "server.log", "w")  # noqa: SIM115 - closed at teardown
    proc = subprocess.Popen(
        [sys.executable, "-m", "ketaflow.cli", "serve", "--port", str(port), "--workers", "1", "--threads", "4"],
        cwd=root, env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(base + "/api/health", timeout=1)
            break
        except OSError:
            time.sleep(0.2)
    else:
        proc.kill()
        raise RuntimeError("Ketaflow did not start: " + (data_dir / "server.log").read_text()[-2000:])
    yield {"url": base, "db": data_dir / "ketaflow.sqlite3"}
    proc.terminate()
    proc.wait(timeout=10)
    log.close()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail("Debian's chromium is missing: run `bash scripts/ensure-system-deps.sh`")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    pg = context.new_page()
    pg.set_default_timeout(15000)
    yield pg
    context.close()


@pytest.fixture
def login(page, server):
    def do(username: str):
        page.goto(server["url"] + "/accounts/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", username.replace(".", "-") + "-demo-2026")
        page.click("main button[type=submit]")
        page.wait_for_load_state()
        return page

    return do
