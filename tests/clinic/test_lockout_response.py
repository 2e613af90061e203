"""A lockout answers 429 with Retry-After: the page for browsers, JSON for the API (never the HTML page)."""

import pytest
from django.test import Client, RequestFactory

from ketaflow.clinic.accounts.lockout import lockout_response

pytestmark = pytest.mark.django_db


def test_an_api_client_gets_json_with_retry_after():
    response = lockout_response(RequestFactory().post("/api/infusions/1/waste"))
    assert response.status_code == 429 and response["Content-Type"] == "application/json"
    assert response["Retry-After"] == "3600" and b"locked_out" in response.content


def test_a_browser_gets_the_locked_page():
    response = lockout_response(RequestFactory().post("/accounts/login/"))
    assert response.status_code == 429 and b"Too many failed logins" in response.content and response["Retry-After"]


def test_five_wrong_passwords_on_the_login_page_still_lock_with_the_page(staff):
    client = Client()
    for _ in range(5):
        last = client.post("/accounts/login/", {"username": "nurse-user", "password": "wrong-password-1"})
    assert last.status_code == 429 and b"Too many failed logins" in last.content
