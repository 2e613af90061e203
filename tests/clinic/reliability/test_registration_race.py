"""Found by checks/crash_test.py on PostgreSQL: registrations at the same moment drew the same KF- record
number and all but one failed with a 422. They must each get their own number."""

import datetime as dt
import threading
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import pytest
from django.db import connection, connections

from ketaflow.clinic.patients.models import Patient

pytestmark = pytest.mark.django_db(transaction=True)


def test_twelve_registrations_at_the_same_moment_get_twelve_record_numbers(staff):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite's IMMEDIATE transactions serialise writers; the race needs PostgreSQL")
    from ketaflow.clinic.patients.services import patient_register

    barrier = threading.Barrier(12)

    def register(i):
        try:
            barrier.wait()
            return patient_register(
                actor=staff["front_desk"], given_name=f"Same{i}", family_name="Moment", sex="female",
                date_of_birth=dt.date(1980, 1, 1), weight_kg=Decimal("70"), height_cm=None,
                measured_on=dt.date(2026, 11, 20), today=dt.date(2026, 11, 22),
            ).record_number  # fmt: skip
        finally:
            connections.close_all()

    with ThreadPoolExecutor(12) as pool:
        numbers = list(pool.map(register, range(12)))
    assert len(set(numbers)) == 12
    assert Patient.objects.filter(family_name="Moment").count() == 12
