"""A lockout holds one account, not everyone who shares the clinic's address; an admin can lift it."""

import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


def _fail_five_times(username: str) -> None:
    for i in range(5):
        Client(REMOTE_ADDR="10.0.0.5").post(reverse("accounts:login"), {"username": username, "password": f"no-{i}"})


def test_five_failures_on_one_account_do_not_lock_a_colleague_at_the_same_address(staff):
    _fail_five_times("nurse-user")
    colleague = Client(REMOTE_ADDR="10.0.0.5").post(
        reverse("accounts:login"), {"username": "prescriber-user", "password": "correct-horse-battery-9"}
    )
    assert colleague.status_code == 302


def test_the_locked_account_stays_locked_from_another_address(staff):
    _fail_five_times("nurse-user")
    elsewhere = Client(REMOTE_ADDR="10.9.9.9").post(
        reverse("accounts:login"), {"username": "nurse-user", "password": "correct-horse-battery-9"}
    )
    assert elsewhere.status_code == 429


def test_an_admin_sees_the_lockout_and_unlocks_the_account(staff, client_for):
    _fail_five_times("nurse-user")
    admin = client_for(staff["admin"])
    assert "locked out" in admin.get(reverse("accounts:user_list")).content.decode()
    nurse = staff["nurse"]
    edit = reverse("accounts:user_edit", args=[nurse.pk])
    assert "is locked out" in admin.get(edit).content.decode()
    admin.post(edit, {"role": "nurse", "is_active": "on", "unlock": "on"})
    back_in = Client().post(reverse("accounts:login"), {"username": "nurse-user", "password": "correct-horse-battery-9"})
    assert back_in.status_code == 302
    assert "locked out" not in admin.get(reverse("accounts:user_list")).content.decode()
