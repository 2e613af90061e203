"""Shared by the shipped checks: a throw-away Ketaflow (fresh database, gunicorn on a free port),
started and stopped by process id, and an optional private PostgreSQL cluster that may be killed."""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYTHON = (
    str(ROOT / ".venv" / "bin" / "python") if (ROOT / ".venv" / "bin" / "python").exists() else sys.executable
)

MAKE_TOKENS = """
from ketaflow.clinic.accounts.models import User
from ketaflow.clinic.accounts.services import api_token_create
from ketaflow.clinic.accounts.roles import ALL_ROLES
for role in sorted(ALL_ROLES):
    user = User.objects.create_user(username="check." + role, password="check-password-" + role + "-9", role=role)
    print(role, api_token_create(actor=user, name="check")[1])
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def children(pid: int) -> list[int]:
    out = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            out.append(int(stat.parent.name))
    return out


def _alive(pid: int) -> bool:
    """True if the process exists and is not a zombie."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def kill_tree(pid: int) -> None:
    """SIGKILL a process and its direct children (a gunicorn master and its workers; a postmaster and
    its backends) — a crash, not a shutdown."""
    for p in [pid, *children(pid)]:
        try:
            os.kill(p, signal.SIGKILL)
        except ProcessLookupError:
            pass


class Ketaflow:
    def __init__(self, *, database_url: str | None = None, workers: int = 2, threads: int = 8):
        self.dir = Path(tempfile.mkdtemp(prefix="ketaflow-check-"))
        self.env = os.environ | {
            "KETAFLOW_DATA_DIR": str(self.dir),
            "DJANGO_SETTINGS_MODULE": "ketaflow.config.settings",
            "KETAFLOW_SECRET_KEY": "check-" + secrets.token_urlsafe(40),
        }
        self.env.pop("DATABASE_URL", None)
        if database_url:
            self.env["DATABASE_URL"] = database_url
        self.port, self.workers, self.threads = free_port(), workers, threads
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen | None = None
        self.log = open(self.dir / "server.log", "a")  # noqa: SIM115 - closed in stop()

    def manage(self, *args: str, capture: bool = False) -> str:
        run = subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=self.env, check=True,
                             capture_output=capture, text=True)  # fmt: skip
        return run.stdout if capture else ""

    def cli(self, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run([PYTHON, "-m", "ketaflow.cli", *args], cwd=ROOT, env=self.env,
                              capture_output=True, text=True)  # fmt: skip

    def prepare(self, *, seed: bool = False) -> dict[str, str]:
        self.manage("migrate", "--noinput", "-v", "0")
        if seed:
            self.cli("seed", "--patients", "8")
        out = self.manage("shell", "-c", MAKE_TOKENS, capture=True)
        return dict(line.split(" ", 1) for line in out.strip().splitlines() if " kf_" in line)

    def start(self, timeout: float = 30) -> None:
        self.proc = subprocess.Popen(
            [PYTHON, "-m", "ketaflow.cli", "serve", "--port", str(self.port),
             "--workers", str(self.workers), "--threads", str(self.threads)],
            cwd=ROOT, env=self.env, stdout=self.log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(self.url + "/api/health", timeout=1)
                return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("Ketaflow did not start; see " + str(self.dir / "server.log"))

    def crash(self) -> None:
        if self.proc is not None:
            kill_tree(self.proc.pid)
            self.proc.wait()
            self.proc = None

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                kill_tree(self.proc.pid)
            self.proc = None
        self.log.close()

    def cleanup(self) -> None:
        shutil.rmtree(self.dir, ignore_errors=True)


class PrivatePostgres:
    """A throw-away PostgreSQL cluster (Debian binaries, run as the postgres user) on its own port and
    socket folder, so killing it never touches a shared server."""

    def __init__(self):
        versions = sorted(Path("/usr/lib/postgresql").iterdir(), key=lambda p: float(p.name))
        self.bin = versions[-1] / "bin"
        self.dir = Path(tempfile.mkdtemp(prefix="ketaflow-pg-"))
        self.data = self.dir / "data"
        self.port = free_port()
        shutil.chown(self.dir, "postgres", "postgres")
        self._as_pg(
            str(self.bin / "initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres", "--no-sync"
        )
        with open(self.data / "postgresql.conf", "a") as conf:
            conf.write(f"\nport = {self.port}\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = '{self.dir}'\n"
                       "fsync = on\nsynchronous_commit = on\nfull_page_writes = on\nmax_connections = 200\n")  # fmt: skip
        self.start()
        self.psql("CREATE ROLE ketaflow LOGIN PASSWORD 'crash-test' CREATEDB")
        self.psql("CREATE DATABASE ketaflow OWNER ketaflow")
        self.url = f"postgres://ketaflow:crash-test@127.0.0.1:{self.port}/ketaflow"

    def _as_pg(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        return subprocess.run(
            ["runuser", "-u", "postgres", "--", *args], capture_output=True, text=True, check=check
        )

    def psql(self, sql: str) -> None:
        self._as_pg(str(self.bin / "psql"), "-h", str(self.dir), "-p", str(self.port), "-d", "postgres",
                    "-v", "ON_ERROR_STOP=1", "-qc", sql)  # fmt: skip

    def start(self) -> float:
        """Start (retrying while the killed postmaster's lock is released); returns seconds to ready."""
        began = time.monotonic()
        for _ in range(60):
            run = self._as_pg(str(self.bin / "pg_ctl"), "-D", str(self.data), "-l", str(self.dir / "pg.log"),
                              "-w", "-t", "30", "start", check=False)  # fmt: skip
            if run.returncode == 0:
                return time.monotonic() - began
            time.sleep(0.5)
        raise RuntimeError("PostgreSQL did not restart: " + run.stderr)

    def postmaster_pid(self) -> int:
        return int((self.data / "postmaster.pid").read_text().splitlines()[0])

    def crash(self) -> None:
        pid = self.postmaster_pid()
        backends = children(pid)
        kill_tree(pid)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and any(_alive(p) for p in [pid, *backends]):
            time.sleep(0.05)
        if not _alive(pid):  # dead or an unreaped zombie: its lock file would block the restart
            (self.data / "postmaster.pid").unlink(missing_ok=True)

    def stop(self) -> None:
        self._as_pg(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop", check=False)
        shutil.rmtree(self.dir, ignore_errors=True)
