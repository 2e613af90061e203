"""Logs never contain a patient's name, date of birth or phone, a password or a token — not after failed
logins, lockouts, 404s on other patients' records, validation errors echoing those values, or a wrong token.

Two captures: every logging record of every logger at DEBUG (stricter than production) while the requests
run in-process, and the real server's output (gunicorn access and error log plus Django's console
logging at the production levels) for the same requests over HTTP, with canaries in query strings too.
"""

from __future__ import annotations

import json
import logging
import os
import urllib.error
import urllib.parse
import urllib.request
import uuid

import pytest
from django.test import Client
from django.urls import reverse

CANARY = {
    "name": "Canaryname-Qzx",
    "family": "Canaryfamily-Wvk",
    "dob": "1957-03-29",
    "phone": "555-0142-8876",
    "password": "Canary-Pass-9f83k",
    "token": "kf_CanaryTokenXq9Z7bW",
}


class _Capture(logging.Handler):
    def __init__(self):
        super().__init__(level=logging.DEBUG)
        self.lines: list[str] = []
        self.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))

    def emit(self, record):
        self.lines.append(self.format(record))


@pytest.fixture
def all_logs():
    """Attach a handler at DEBUG to the root and to every logger that does not propagate."""
    capture = _Capture()
    loggers = [logging.getLogger()] + [
        logger for logger in logging.root.manager.loggerDict.values() if isinstance(logger, logging.Logger)
    ]
    saved = [(logger, logger.level) for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.DEBUG)
        if logger is logging.getLogger() or not logger.propagate:
            logger.addHandler(capture)
    yield capture
    for logger, level in saved:
        logger.setLevel(level)
        logger.removeHandler(capture)


def _hits(text: str) -> list[str]:
    return [key for key, value in CANARY.items() if value.lower() in text.lower()]


PATIENT = {
    "given_name": CANARY["name"], "family_name": CANARY["family"], "date_of_birth": CANARY["dob"],
    "sex": "female", "phone": CANARY["phone"], "weight_kg": "72.0", "measured_on": "2026-11-20",
}  # fmt: skip


@pytest.mark.django_db
def test_failed_logins_404s_and_validation_errors_log_no_canary(staff, patients, all_logs):
    from ketaflow.clinic.accounts.services import api_token_create

    staff["nurse"].set_password(CANARY["password"])
    staff["nurse"].save()
    _, raw = api_token_create(actor=staff["front_desk"], name="canary")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    api = Client()

    created = api.post("/api/patients", json.dumps(PATIENT), "application/json", **auth)
    assert created.status_code == 201
    patient_id = created.json()["id"]
    # Validation errors that echo the canaries back to the client.
    bad = api.post("/api/patients", json.dumps(PATIENT | {"weight_kg": "7"}), "application/json", **auth)
    bad_dob = api.post("/api/patients", json.dumps(PATIENT | {"date_of_birth": "2999-" + CANARY["dob"][5:]}),
                       "application/json", **auth)  # fmt: skip
    unparsable = api.post("/api/patients", "{" + CANARY["name"], "application/json", **auth)
    assert bad.status_code == bad_dob.status_code == 422 and unparsable.status_code in (400, 422)
    # A wrong token, and the search by name (body, not URL).
    assert api.get("/api/patients", HTTP_AUTHORIZATION="Bearer " + CANARY["token"]).status_code == 401
    search = api.post("/api/patients/search", json.dumps({"q": CANARY["name"]}), "application/json", **auth)
    assert search.json()["count"] == 1
    # Another patient's record, and a missing one, as a patient.
    ana = Client()
    ana.force_login(patients["ana_user"])
    assert ana.get(reverse("patients:chart", args=[patient_id])).status_code == 404
    assert ana.get(reverse("patients:chart", args=[uuid.uuid4()])).status_code == 404
    assert api.get(f"/api/patients/{uuid.uuid4()}", **auth).status_code == 404
    # A page form with a validation error.
    desk = Client()
    desk.force_login(staff["front_desk"])
    form = PATIENT | {"weight_kg": "7", "phone": CANARY["phone"]}
    assert desk.post(reverse("patients:register"), form).status_code == 422
    # Failed logins up to the lockout, with the canary password and the canary name as username.
    login = Client()
    for attempt in range(6):
        login.post(
            reverse("accounts:login"),
            {"username": "nurse-user", "password": CANARY["password"] + str(attempt)},
        )
    login.post(reverse("accounts:login"), {"username": CANARY["name"], "password": CANARY["password"]})
    assert (
        login.post(
            reverse("accounts:login"), {"username": "nurse-user", "password": CANARY["password"]}
        ).status_code
        == 429
    )

    text = "\n".join(all_logs.lines)
    assert len(all_logs.lines) >= 5, "the capture saw almost nothing: is logging wired?"
    assert "Not Found" in text  # django.request's 404 warnings were captured
    assert _hits(text) == [] and raw not in text, [line for line in all_logs.lines if _hits(line)][:3]


@pytest.mark.skipif(bool(os.environ.get("DATABASE_URL")), reason="the server runs on SQLite; once is enough")
def test_the_real_servers_access_and_error_logs_carry_no_canary(live_server_sqlite):
    server = live_server_sqlite
    base, token = server["url"], server["token"]

    def call(method, path, body=None, headers=None):
        data = None if body is None else (body if isinstance(body, bytes) else json.dumps(body).encode())
        request = urllib.request.Request(base + path, data=data, method=method, headers={
            "Authorization": f"Bearer {token}", "Content-Type": "application/json", **(headers or {})})  # fmt: skip
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read()

    status, body = call("POST", "/api/patients", PATIENT)
    assert status == 201
    patient_id = json.loads(body)["id"]
    query = urllib.parse.urlencode({"q": CANARY["name"], "dob": CANARY["dob"], "phone": CANARY["phone"]})
    assert call("GET", f"/api/patients?{query}")[0] == 200
    assert call("GET", f"/api/patients/{uuid.uuid4()}?{query}")[0] == 404
    assert call("POST", "/api/patients", PATIENT | {"weight_kg": "7"})[0] == 422
    assert call("POST", "/api/patients", b"{" + CANARY["name"].encode())[0] in (400, 422)
    assert call("GET", "/api/patients", headers={"Authorization": "Bearer " + CANARY["token"]})[0] == 401
    assert call("GET", f"/api/patients/{patient_id}/nope?password={CANARY['password']}")[0] == 404
    form = urllib.parse.urlencode({"username": CANARY["name"], "password": CANARY["password"]}).encode()
    login = urllib.request.Request(base + "/accounts/login/?" + query, data=form, method="POST",
                                   headers={"Content-Type": "application/x-www-form-urlencoded"})  # fmt: skip
    try:
        urllib.request.urlopen(login, timeout=30)
    except urllib.error.HTTPError:
        pass  # 403 without a CSRF token — also logged by Django, also without the canaries

    log = server["log"].read_text()
    assert f"/api/patients/{patient_id}/nope" in log  # the access log is there, with paths
    assert _hits(log) == [] and token not in log
