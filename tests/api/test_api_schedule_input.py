"""Regression tests for the scheduling API findings of checks/fuzz_api.py (checks/README.md): a number read
as a Unix time, year 9999 overflowing date arithmetic (500), coerced integers and booleans, and a clock time
that was not an OpenAPI "time". Each is now a 422 naming the field and the allowed form or range."""

import json
import re

import pytest
from django.test import Client

from ketaflow.api import api
from ketaflow.clinic.accounts.services import api_token_create
from ketaflow.clinic.scheduling.models import Booking, Chair, ClosedDay
from tests.clinic.scheduling_fixtures import next_weekday, screened, signed_plan

pytestmark = pytest.mark.django_db


def call(method, path, user, body=None, **params):
    _, raw = api_token_create(actor=user, name="test")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    if body is None:
        return getattr(client, method)(path, params)
    return getattr(client, method)(path, data=json.dumps(body), content_type="application/json")


def fields(response) -> str:
    return json.dumps(response.json()["detail"], ensure_ascii=False)


@pytest.fixture
def plan(staff, patients):
    return signed_plan(staff, screened(staff, patients["ana"]))


@pytest.mark.parametrize("day", ["0", "1700000000", "9999-12-31", "1970-01-01", "2026-13-40"])
def test_a_day_that_is_not_an_iso_date_in_the_clinic_years_is_refused(staff, day):
    response = call("get", f"/api/schedule/days/{day}", staff["front_desk"])
    assert response.status_code == 422 and '"day"' in fields(response)


def test_a_plain_iso_day_still_answers(staff):
    assert call("get", f"/api/schedule/days/{next_weekday(0).isoformat()}", staff["nurse"]).status_code == 200


@pytest.mark.parametrize("start", ["9999-12-31T23:59:59Z", "0001-01-01T00:00:00Z", "1700000000", "tomorrow"])
def test_booking_a_slot_far_outside_the_calendar_is_a_422_not_an_overflow(staff, plan, start):
    """Run 1 of the long fuzz: OverflowError: date value out of range in scheduling/services.py (500)."""
    response = call("post", f"/api/plans/{plan.pk}/bookings", staff["front_desk"],
                    {"slots": [{"index": 1, "chair": "C1", "start": start}]})  # fmt: skip
    assert response.status_code == 422 and "start" in fields(response)
    assert not Booking.objects.exists()


def test_moving_a_booking_to_year_9999_is_a_422(staff, plan):
    monday = next_weekday(0)
    data = call("get", f"/api/plans/{plan.pk}/proposal", staff["front_desk"], earliest_start_day=monday.isoformat()).json()
    slots = [{k: s[k] for k in ("index", "chair", "start")} for s in data["slots"]]
    assert call("post", f"/api/plans/{plan.pk}/bookings", staff["front_desk"], {"slots": slots}).status_code == 201
    booking = Booking.objects.order_by("start").first()
    response = call("post", f"/api/bookings/{booking.pk}/move", staff["nurse"], {"chair": "C1", "start": "9999-12-31T08:00:00Z"})
    assert response.status_code == 422 and "2000–2100" in fields(response)


@pytest.mark.parametrize("change", [{"position": "5"}, {"position": 2.0}, {"active": "yes"}, {"active": 1}])
def test_a_chair_with_a_coerced_number_or_flag_is_refused(staff, change):
    response = call("post", "/api/schedule/chairs", staff["admin"], {"code": "C9", "name": "Window"} | change)
    assert response.status_code == 422 and next(iter(change)) in fields(response)
    assert not Chair.objects.filter(code="C9").exists()


def test_a_chair_with_proper_json_types_is_saved(staff):
    response = call("post", "/api/schedule/chairs", staff["admin"], {"code": "C9", "position": 5, "active": False})
    assert response.status_code == 200 and response.json() == {"code": "C9", "name": "", "position": 5, "active": False}


@pytest.mark.parametrize("day", [0, "0", "9999-12-31", "2026-11-23T00:00:00"])
def test_a_closed_day_that_is_not_an_iso_date_in_range_is_refused(staff, day):
    response = call("post", "/api/schedule/closed-days", staff["front_desk"], {"day": day, "reason": "x"})
    assert response.status_code == 422 and '"day"' in fields(response)
    assert not ClosedDay.objects.exists()


@pytest.mark.parametrize("opens", [3600, "09:00:00+01:00", "9"])
def test_opening_hours_take_clock_times_only(staff, opens):
    response = call("put", "/api/schedule/hours", staff["admin"], {"days": [{"weekday": 0, "opens": opens, "closes": "17:00"}]})
    assert response.status_code == 422 and "opens" in fields(response)


def test_the_proposal_states_its_preferred_start_as_a_clinic_clock_time(staff, plan):
    """ST108: "08:00:00" was declared an OpenAPI "time", which needs an offset."""
    data = call("get", f"/api/plans/{plan.pk}/proposal", staff["front_desk"], preferred_start="10:30").json()
    assert data["preferred_start"] == "10:30"
    prop = api.get_openapi_schema()["components"]["schemas"]["BookingProposalOut"]["properties"]["preferred_start"]
    assert "format" not in prop and re.fullmatch(prop["pattern"], data["preferred_start"])


def test_a_preferred_start_with_an_offset_is_refused(staff, plan):
    response = call("get", f"/api/plans/{plan.pk}/proposal", staff["front_desk"], preferred_start="09:00:00+01:00")
    assert response.status_code == 422 and "preferred_start" in fields(response)


def test_a_plan_starting_in_year_9999_is_refused(staff, patients):
    body = {"protocol": "fibromyalgia_induction", "n_sessions": 6, "start_dose": 0.3, "duration_min": 120,
            "series_window_days": 21, "start_date": "9999-12-31", "bag_concentration_mg_per_ml": 1}  # fmt: skip
    response = call("post", f"/api/patients/{patients['ana'].pk}/plans", staff["prescriber"], body)
    assert response.status_code == 422 and "start_date" in fields(response)
