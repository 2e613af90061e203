"""What clinics expect of a login: argon2, lockout, idle logoff, CSRF, secure headers."""

import time

import pytest
from django.contrib.auth.hashers import make_password
from django.test import Client, override_settings
from django.urls import reverse

from ketaflow.config import settings as real_settings

pytestmark = pytest.mark.django_db


def test_the_real_settings_hash_passwords_with_argon2id_first():
    assert real_settings.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
    with override_settings(PASSWORD_HASHERS=real_settings.PASSWORD_HASHERS):
        assert make_password("correct-horse-battery-9").startswith("argon2$argon2id$")


def test_five_failed_logins_lock_the_account_even_for_the_right_password(staff):
    client = Client()
    url = reverse("accounts:login")
    statuses = [client.post(url, {"username": "nurse-user", "password": f"wrong-{i}"}).status_code for i in range(5)]
    assert statuses[:4] == [200, 200, 200, 200] and statuses[4] == 429
    right = client.post(url, {"username": "nurse-user", "password": "correct-horse-battery-9"})
    assert right.status_code == 429


def test_a_correct_login_lands_on_home(staff):
    client = Client()
    response = client.post(reverse("accounts:login"), {"username": "nurse-user", "password": "correct-horse-battery-9"})
    assert response.status_code == 302 and response["Location"] == "/"


def _login(client, user):
    client.post(reverse("accounts:login"), {"username": user.username, "password": "correct-horse-battery-9"})


def test_idle_sessions_are_logged_off_after_the_configured_time(staff, settings):
    client = Client()
    _login(client, staff["nurse"])
    assert client.get(reverse("patients:list")).status_code == 200
    session = client.session
    session["kf_last_action"] = time.time() - settings.KETAFLOW_IDLE_TIMEOUT_S - 1
    session.save()
    response = client.get(reverse("patients:list"))
    assert response.status_code == 302 and "reason=idle" in response["Location"]
    assert client.get(reverse("patients:list")).status_code == 302


def test_polling_requests_do_not_keep_a_session_alive(staff, settings):
    client = Client()
    _login(client, staff["nurse"])
    session = client.session
    before = time.time() - settings.KETAFLOW_IDLE_TIMEOUT_S + 5
    session["kf_last_action"] = before
    session.save()
    client.get(reverse("patients:list"), HTTP_X_KETAFLOW_POLL="1")
    assert client.session["kf_last_action"] == before


def test_an_expired_session_on_the_api_is_a_401_not_a_redirect(staff, settings):
    client = Client()
    _login(client, staff["nurse"])
    session = client.session
    session["kf_login_at"] = time.time() - settings.KETAFLOW_SESSION_MAX_AGE_S - 1
    session.save()
    assert client.get("/api/patients").status_code == 401


def test_a_page_post_without_the_csrf_token_is_refused(staff):
    client = Client(enforce_csrf_checks=True)
    client.force_login(staff["front_desk"])
    assert client.post(reverse("patients:register"), {}).status_code == 403


def test_pages_carry_the_secure_headers(staff, client_for):
    response = client_for(staff["nurse"]).get(reverse("patients:list"))
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert "Strict-Transport-Security" not in response


def test_logging_out_ends_the_session(staff):
    client = Client()
    _login(client, staff["nurse"])
    client.post(reverse("accounts:logout"))
    assert client.get(reverse("patients:list")).status_code == 302


def test_an_admin_creates_a_user_with_a_role_and_weak_passwords_are_refused(staff, client_for):
    from ketaflow.clinic.accounts.models import User

    client = client_for(staff["admin"])
    weak = client.post(reverse("accounts:user_create"), {"username": "rn.new", "role": "nurse", "password": "123"})
    assert weak.status_code == 422 and not User.objects.filter(username="rn.new").exists()
    ok = client.post(
        reverse("accounts:user_create"), {"username": "rn.new", "role": "nurse", "password": "a-long-good-passphrase"}
    )
    assert ok.status_code == 302 and User.objects.get(username="rn.new").role == "nurse"
