"""QA of issue 5: rescheduling keeps the plan's constraints, including the order of an escalating series
(found: session 2 of 0.15 mg/kg/h could be moved after session 3 of 0.2 mg/kg/h, and was saved)."""

import datetime as dt
import json

import pytest
from django.test import Client

from ketaflow.clinic.accounts.services import api_token_create
from ketaflow.clinic.scheduling import services
from ketaflow.clinic.scheduling.models import Booking
from ketaflow.domain.errors import DomainValidationError
from tests.clinic.scheduling_fixtures import next_weekday, screened, signed_plan

pytestmark = pytest.mark.django_db


def book_all(staff, plan, earliest):
    proposal = services.booking_propose(plan=plan, earliest_start_day=earliest)
    assert proposal.ok, proposal.reason
    services.booking_series_accept(actor=staff["front_desk"], plan=plan, slots=list(proposal.slots))
    return {b.plan_session.index: b for b in Booking.objects.filter(plan=plan).select_related("plan_session", "chair")}


def test_an_escalating_session_cannot_be_moved_after_the_next_higher_dose(staff, patients):
    plan = signed_plan(staff, screened(staff, patients["ana"]))
    booked = book_all(staff, plan, next_weekday(0))
    services.booking_cancel(actor=staff["front_desk"], booking=booked[4], reason="patient unwell")
    with pytest.raises(DomainValidationError, match="session 2 must come before session 3") as refused:
        services.booking_move(actor=staff["nurse"], booking=booked[2], chair=booked[4].chair.code,
                              start=booked[4].start)  # fmt: skip
    assert refused.value.field == "start"
    assert Booking.objects.get(pk=booked[2].pk).start == booked[2].start


def test_a_cancelled_middle_session_of_an_escalating_series_is_not_proposed_after_the_last_one(staff, patients):
    plan = signed_plan(staff, screened(staff, patients["ana"]), series_window_days=21)
    booked = book_all(staff, plan, next_weekday(0))
    services.booking_cancel(actor=staff["front_desk"], booking=booked[4], reason="patient unwell")
    proposal = services.booking_propose(plan=plan)
    assert not proposal.ok and proposal.slots == ()
    assert "session 4 is not booked but later session 5, 6, 7, 8, 9, 10 is" in proposal.reason
    assert not services.plan_series_fit(plan=plan).fits


def test_equal_dose_induction_sessions_may_still_swap_places(staff, patients):
    plan = signed_plan(staff, screened(staff, patients["ben"]), protocol="fibromyalgia_induction")
    booked = book_all(staff, plan, next_weekday(0))
    services.booking_cancel(actor=staff["front_desk"], booking=booked[2], reason="patient asked")
    proposal = services.booking_propose(plan=plan)
    assert proposal.ok and [s.index for s in proposal.slots] == [2]


def test_the_api_refuses_slots_whose_session_numbers_run_backwards_in_time(staff, patients):
    plan = signed_plan(staff, screened(staff, patients["ana"]))
    monday = next_weekday(0)
    slots = [{"index": 2, "chair": "C1", "start": dt.datetime.combine(monday, dt.time(8), tzinfo=dt.UTC).isoformat()},
             {"index": 1, "chair": "C1",
              "start": dt.datetime.combine(monday + dt.timedelta(days=1), dt.time(8), tzinfo=dt.UTC).isoformat()}]
    _, raw = api_token_create(actor=staff["front_desk"], name="test")
    response = Client().post(f"/api/plans/{plan.pk}/bookings", data=json.dumps({"slots": slots}),
                             content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {raw}")  # fmt: skip
    assert response.status_code == 422
    detail = response.json()["detail"][0]
    assert detail["field"] == "slots" and "session 1 must come before session 2" in detail["message"]
    assert not Booking.objects.filter(plan=plan).exists()
