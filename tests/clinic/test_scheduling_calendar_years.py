"""Scheduling pages and services refuse dates outside the clinic's years with a named error (a booking in
year 9999 raised OverflowError, a 500, found by checks/fuzz_api.py); the day view falls back to today."""

import pytest

from ketaflow.clinic.scheduling.models import Booking, ClosedDay
from tests.clinic.scheduling_fixtures import next_weekday, screened, signed_plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(staff, patients):
    return signed_plan(staff, screened(staff, patients["ana"]))


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01"])
def test_a_proposal_from_a_day_outside_the_calendar_is_a_422_naming_the_field(staff, patients, plan, client_for, day):
    url = f"/patients/{patients['ana'].pk}/plans/{plan.pk}/book/"
    response = client_for(staff["front_desk"]).get(url, {"earliest_start_day": day, "preferred_start": "09:00"})
    assert response.status_code == 422 and "2000–2100" in response.content.decode()


def test_booking_a_slot_in_year_9999_on_the_page_is_refused_and_nothing_is_booked(staff, patients, plan, client_for):
    url = f"/patients/{patients['ana'].pk}/plans/{plan.pk}/book/"
    response = client_for(staff["front_desk"]).post(url, {"slot": ["1|C1|9999-12-31T23:00:00+00:00"]})
    assert response.status_code == 422 and "year 9999" in response.content.decode()
    assert not Booking.objects.exists()


def test_moving_a_booking_to_year_9999_on_the_page_is_refused(staff, patients, plan, client_for):
    from ketaflow.clinic.scheduling.services import Slot, booking_propose, booking_series_accept

    proposal = booking_propose(plan=plan, earliest_start_day=next_weekday(0))
    booking_series_accept(actor=staff["front_desk"], plan=plan, slots=[Slot(s.index, s.chair, s.start) for s in proposal.slots])
    booking = Booking.objects.order_by("start").first()
    url = f"/patients/{patients['ana'].pk}/bookings/{booking.pk}/"
    response = client_for(staff["nurse"]).post(url, {"chair": "C1", "day": "9999-12-31", "start_time": "09:00"})
    assert response.status_code == 422 and "year 9999" in response.content.decode()


def test_closing_a_day_in_year_9999_is_refused(staff, client_for):
    response = client_for(staff["admin"]).post("/schedule/setup/closed-days/", {"day": "9999-12-31", "reason": "x"})
    assert response.status_code == 422 and not ClosedDay.objects.exists()


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01"])
def test_the_day_view_shows_today_for_a_day_outside_the_calendar(staff, client_for, day):
    assert client_for(staff["nurse"]).get("/schedule/", {"day": day}).status_code == 200
