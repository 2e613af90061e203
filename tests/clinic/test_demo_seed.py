"""The demo clinic that `make run` seeds: staff of every role, synthetic patients with intake, an intact audit."""

import pytest

from ketaflow.clinic.accounts.models import User
from ketaflow.clinic.accounts.roles import Role
from ketaflow.clinic.audit.verify import audit_verify
from ketaflow.clinic.patients.models import Patient
from ketaflow.synth.demo import seed_demo_clinic, seed_is_needed

pytestmark = pytest.mark.django_db


def test_seeding_an_empty_clinic_creates_every_role_and_twenty_patients_with_intake():
    assert seed_is_needed()
    logins = seed_demo_clinic(patients=20)
    assert {login.role for login in logins} == set(Role.values)
    assert Patient.objects.count() == 20
    assert all(p.measurements.exists() and p.conditions.exists() for p in Patient.objects.all())
    assert Patient.objects.filter(user__username="patient.demo").count() == 1
    assert not seed_is_needed()
    assert audit_verify().ok


def test_every_demo_login_works():
    from django.test import Client

    for login in seed_demo_clinic(patients=2):
        client = Client()
        response = client.post("/accounts/login/", {"username": login.username, "password": login.password})
        assert response.status_code == 302, login.username
        assert User.objects.get(username=login.username).role == login.role
