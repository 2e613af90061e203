"""Shared personas for the app tests. Django is imported lazily so tests/domain runs without it.

Personas: one user per role; two patients, Ana (with a portal login) and Ben (with one too); Ana's portal
user must never see Ben's record.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import settings as hypothesis_settings

# CI shares its cores with PostgreSQL, gunicorn and Chromium: a property test's first example can take
# longer than Hypothesis's 200 ms deadline for reasons that are not the code's. Correctness, not timing,
# is what these tests check (speed goals live in bench/).
hypothesis_settings.register_profile("ketaflow", deadline=None)
hypothesis_settings.load_profile("ketaflow")

ROLES = ("prescriber", "nurse", "front_desk", "analyst", "admin", "patient")
TODAY = dt.date(2026, 11, 22)


@pytest.fixture
def make_user(db):
    from ketaflow.clinic.accounts.models import User

    def make(role: str, username: str | None = None, **extra):
        return User.objects.create_user(
            username=username or f"{role}-user", password="correct-horse-battery-9", role=role, **extra
        )

    return make


@pytest.fixture
def staff(make_user):
    return {role: make_user(role) for role in ROLES if role != "patient"}


def register(actor, **overrides):
    from ketaflow.clinic.patients.services import patient_register

    data = dict(
        given_name="Ana", family_name="Lopez", date_of_birth=dt.date(1980, 5, 17), sex="female",
        weight_kg=Decimal("68.5"), height_cm=Decimal("165"), measured_on=TODAY, today=TODAY,
        escort_name="Rita Lopez", escort_phone="555-0100",
    )  # fmt: skip
    data.update(overrides)
    return patient_register(actor=actor, **data)


@pytest.fixture
def patients(staff, make_user):
    from ketaflow.clinic.patients.models import Patient

    desk = staff["front_desk"]
    ana = register(desk)
    ben = register(desk, given_name="Ben", family_name="Marsh", sex="male", date_of_birth=dt.date(1975, 2, 3))
    ana_user = make_user("patient", "ana-portal")
    ben_user = make_user("patient", "ben-portal")
    Patient.objects.filter(pk=ana.pk).update(user=ana_user)
    Patient.objects.filter(pk=ben.pk).update(user=ben_user)
    ana.refresh_from_db()
    ben.refresh_from_db()
    return {"ana": ana, "ben": ben, "ana_user": ana_user, "ben_user": ben_user}


@pytest.fixture
def client_for(client):
    from django.test import Client

    def make(user, **kwargs):
        c = Client(**kwargs)
        c.force_login(user)
        return c

    return make
