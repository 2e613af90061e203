"""`manage.py check --deploy` is clean with HTTPS on and a strong secret key, and says so when the key
is missing."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def _check_deploy(tmp_path, **env):
    environment = {k: v for k, v in os.environ.items() if k not in ("KETAFLOW_SECRET_KEY", "DATABASE_URL")}
    environment |= {
        "KETAFLOW_DATA_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "ketaflow.config.settings",
    } | env
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, env=environment, capture_output=True, text=True,
    )  # fmt: skip


def test_check_deploy_is_clean_with_https_and_a_strong_secret_key(tmp_path):
    result = _check_deploy(tmp_path, KETAFLOW_HTTPS="true", KETAFLOW_SECRET_KEY=secrets.token_urlsafe(50))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_check_deploy_fails_when_the_development_secret_key_is_still_in_use(tmp_path):
    result = _check_deploy(tmp_path, KETAFLOW_HTTPS="true")
    assert result.returncode != 0
    assert "ketaflow.E001" in result.stderr and "KETAFLOW_SECRET_KEY" in result.stderr
