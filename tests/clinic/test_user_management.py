"""An admin manages users and roles: a lost password is replaced, and patient logins stay tied to a record."""

import pytest
from django.test import Client
from django.urls import reverse

from ketaflow.clinic.accounts.models import User
from ketaflow.clinic.audit.models import AuditEntry

pytestmark = pytest.mark.django_db


def _edit(client, user, **changes):
    data = {"first_name": user.first_name, "last_name": user.last_name, "email": user.email,
            "credentials": user.credentials, "role": user.role, "is_active": "on"} | changes  # fmt: skip
    return client.post(reverse("accounts:user_edit", args=[user.pk]), data)


def test_an_admin_sets_a_new_password_for_a_user_who_lost_theirs_and_old_sessions_end(staff, client_for):
    nurse = staff["nurse"]
    old_session = client_for(nurse)
    assert old_session.get(reverse("home")).status_code == 200
    response = _edit(client_for(staff["admin"]), nurse, new_password="a-fresh-long-passphrase")
    assert response.status_code == 302
    nurse.refresh_from_db()
    assert nurse.check_password("a-fresh-long-passphrase")
    assert old_session.get(reverse("home")).status_code == 302  # sent to login
    entry = AuditEntry.objects.filter(action="user.update", object_id=str(nurse.pk)).get()
    assert entry.detail["password_set"] is True


def test_a_weak_new_password_is_refused_on_its_field_and_the_old_one_still_works(staff, client_for):
    nurse = staff["nurse"]
    response = _edit(client_for(staff["admin"]), nurse, new_password="123")
    assert response.status_code == 422
    assert 'data-field="new_password"' in response.content.decode()
    nurse.refresh_from_db()
    assert nurse.check_password("correct-horse-battery-9")


def test_leaving_the_new_password_empty_keeps_the_current_one(staff, client_for):
    nurse = staff["nurse"]
    assert _edit(client_for(staff["admin"]), nurse, first_name="Mette").status_code == 302
    nurse.refresh_from_db()
    assert nurse.first_name == "Mette" and nurse.check_password("correct-horse-battery-9")


def test_the_new_password_field_asks_browsers_not_to_fill_in_a_saved_password(staff, client_for):
    body = client_for(staff["admin"]).get(reverse("accounts:user_edit", args=[staff["nurse"].pk])).content.decode()
    assert 'autocomplete="new-password"' in body


def test_a_patients_portal_login_cannot_be_turned_into_a_staff_login(staff, patients, client_for):
    ana_user = patients["ana_user"]
    response = _edit(client_for(staff["admin"]), ana_user, role="prescriber")
    ana_user.refresh_from_db()
    assert response.status_code == 422 and "portal login" in response.content.decode()
    assert ana_user.role == "patient"


def test_a_staff_login_cannot_become_a_patient_login_without_a_record(staff, client_for):
    nurse = staff["nurse"]
    response = _edit(client_for(staff["admin"]), nurse, role="patient")
    nurse.refresh_from_db()
    assert response.status_code == 422 and "Create portal login" in response.content.decode()
    assert nurse.role == "nurse"


def test_an_admin_cannot_create_a_patient_login_that_is_linked_to_no_record(staff, client_for):
    response = client_for(staff["admin"]).post(
        reverse("accounts:user_create"), {"username": "pt.loose", "role": "patient", "password": "a-long-good-passphrase"}
    )
    assert response.status_code == 422 and not User.objects.filter(username="pt.loose").exists()


def test_a_deactivated_user_is_logged_out_and_their_token_stops_working(staff, client_for):
    from ketaflow.clinic.accounts.services import api_token_create

    nurse = staff["nurse"]
    session = client_for(nurse)
    _, raw = api_token_create(actor=nurse, name="t")
    _edit(client_for(staff["admin"]), nurse, is_active="")
    assert session.get(reverse("home")).status_code == 302
    assert Client().get("/api/me", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401
