"""PostgreSQL: desks booking the same chair at the same moment for different patients get one booking;
the others are refused with the chair's reason (booking writes lock the chair rows before checking)."""

import datetime as dt
import json
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from ketaflow.clinic.accounts.services import api_token_create
from ketaflow.clinic.scheduling.models import Booking
from tests.clinic.scheduling_fixtures import default_calendar, next_weekday, screened, signed_plan
from tests.conftest import register

pytestmark = pytest.mark.django_db(transaction=True)
DESKS = 6


def test_six_desks_racing_for_one_chair_book_it_once_on_postgresql(staff):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite's in-memory test database cannot serve threads; SQLite serialises writers anyway")
    default_calendar()
    plans = [
        signed_plan(staff, screened(staff, register(staff["front_desk"], given_name=f"Racer{i}")),
                    protocol="fibromyalgia_induction")
        for i in range(DESKS)
    ]  # fmt: skip
    _, raw = api_token_create(actor=staff["front_desk"], name="race")
    start = timezone.make_aware(dt.datetime.combine(next_weekday(1), dt.time(9))).isoformat()
    barrier = threading.Barrier(DESKS)

    def book(plan):
        from django.db import connections

        try:
            barrier.wait()
            response = Client().post(
                f"/api/plans/{plan.pk}/bookings", json.dumps({"slots": [{"index": 1, "chair": "C1", "start": start}]}),
                "application/json", HTTP_AUTHORIZATION=f"Bearer {raw}",
            )  # fmt: skip
            return response.status_code, response.json()
        finally:
            connections.close_all()

    with ThreadPoolExecutor(DESKS) as pool:
        answers = list(pool.map(book, plans))
    statuses = sorted(status for status, _ in answers)
    assert statuses == [201] + [422] * (DESKS - 1)
    refused = [body["detail"][0]["message"] for status, body in answers if status == 422]
    assert all("chair C1 is booked" in message for message in refused)
    assert Booking.objects.filter(chair__code="C1", status="booked").count() == 1
