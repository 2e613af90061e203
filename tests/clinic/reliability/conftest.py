"""A real Ketaflow server (gunicorn, threads) on a fresh SQLite file, for the concurrency tests.

Started like tests/browser/conftest.py does; one staff user with an API token; stopped by pid.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]

MAKE_TOKEN = """
from ketaflow.clinic.accounts.models import User
from ketaflow.clinic.accounts.services import api_token_create
user = User.objects.create_user(username="desk.load", password="load-test-password-9", role="front_desk")
print(api_token_create(actor=user, name="load")[1])
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def live_server_sqlite(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("ketaflow-live")
    env = os.environ | {
        "KETAFLOW_DATA_DIR": str(data_dir),
        "DJANGO_SETTINGS_MODULE": "ketaflow.config.settings",
        "KETAFLOW_SECRET_KEY": "reliability-test-secret-" + "x" * 40,
    }
    env.pop("DATABASE_URL", None)
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True
    )
    token = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", MAKE_TOKEN], cwd=ROOT, env=env, check=True,
        capture_output=True, text=True,
    ).stdout.strip().splitlines()[-1]  # fmt: skip
    port = _free_port()
    log_path = data_dir / "server.log"
    log = open(log_path, "w")  # noqa: SIM115 - closed at teardown
    proc = subprocess.Popen(
        [sys.executable, "-m", "ketaflow.cli", "serve", "--port", str(port), "--workers", "2", "--threads", "8"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    for _ in range(150):
        try:
            urllib.request.urlopen(base + "/api/health", timeout=1)
            break
        except OSError:
            time.sleep(0.1)
    else:
        proc.kill()
        raise RuntimeError("Ketaflow did not start: " + log_path.read_text()[-2000:])
    yield {"url": base, "db": data_dir / "ketaflow.sqlite3", "token": token, "env": env, "log": log_path}
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
    log.close()
