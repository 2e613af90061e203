"""The scheduling API: same rules as the pages; refusals are 422 naming the field with the domain's reason."""

import datetime as dt
import json

import pytest
from django.test import Client

from ketaflow.clinic.accounts.services import api_token_create
from ketaflow.clinic.scheduling.models import Booking
from tests.clinic.scheduling_fixtures import next_weekday, screened, signed_plan

pytestmark = pytest.mark.django_db


def bearer(user):
    _, raw = api_token_create(actor=user, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def post(path, body, user):
    return Client().post(path, data=json.dumps(body), content_type="application/json", **bearer(user))


def get(path, user, **params):
    return Client().get(path, params, **bearer(user))


@pytest.fixture
def plan(staff, patients):
    return signed_plan(staff, screened(staff, patients["ana"]))


def test_propose_then_accept_books_the_series(staff, plan):
    monday = next_weekday(0)
    proposal = get(f"/api/plans/{plan.pk}/proposal", staff["front_desk"], earliest_start_day=monday.isoformat(),
                   preferred_start="08:00")  # fmt: skip
    assert proposal.status_code == 200, proposal.content
    data = proposal.json()
    assert data["ok"] and len(data["slots"]) == 10 and data["spacing"]["consecutive_days"] is True
    slots = [{"index": s["index"], "chair": s["chair"], "start": s["start"]} for s in data["slots"]]
    accepted = post(f"/api/plans/{plan.pk}/bookings", {"slots": slots}, staff["nurse"])
    assert accepted.status_code == 201, accepted.content
    assert len(accepted.json()["bookings"]) == 10 and accepted.json()["series_fit"]["fits"]
    listed = get(f"/api/plans/{plan.pk}/bookings", staff["prescriber"]).json()
    assert [b["session_index"] for b in listed] == list(range(1, 11))
    day = get(f"/api/schedule/days/{monday.isoformat()}", staff["front_desk"]).json()
    booked = [i for c in day["chairs"] for i in c["items"] if i["kind"] == "booked"]
    assert len(booked) == 1 and booked[0]["session_index"] == 1
    calendar = get("/api/schedule/calendar", staff["admin"]).json()
    assert [c["code"] for c in calendar["chairs"]] == ["C1", "C2", "C3", "C4"] and len(calendar["opening_hours"]) == 5


def test_a_conflicting_slot_is_a_422_naming_the_field_and_nothing_is_booked(staff, plan):
    saturday = dt.datetime.combine(next_weekday(5), dt.time(9), tzinfo=dt.UTC).isoformat()
    response = post(f"/api/plans/{plan.pk}/bookings", {"slots": [{"index": 1, "chair": "C1", "start": saturday}]},
                    staff["front_desk"])  # fmt: skip
    assert response.status_code == 422
    detail = response.json()["detail"][0]
    assert detail["field"] == "slots" and "clinic closed on Saturdays" in detail["message"]
    assert not Booking.objects.exists()


def test_a_naive_time_is_refused(staff, plan):
    naive = dt.datetime.combine(next_weekday(0), dt.time(9)).isoformat()
    response = post(f"/api/plans/{plan.pk}/bookings", {"slots": [{"index": 1, "chair": "C1", "start": naive}]},
                    staff["front_desk"])  # fmt: skip
    assert response.status_code == 422 and response.json()["detail"][0]["field"] == "slots[0].start"


def test_move_and_cancel(staff, patients, plan):
    monday = next_weekday(0)
    data = get(f"/api/plans/{plan.pk}/proposal", staff["front_desk"], earliest_start_day=monday.isoformat()).json()
    post(f"/api/plans/{plan.pk}/bookings", {"slots": [{k: s[k] for k in ("index", "chair", "start")} for s in data["slots"]]},
         staff["front_desk"])  # fmt: skip
    first, second = Booking.objects.order_by("start")[:2]
    clash = post(f"/api/bookings/{second.pk}/move", {"chair": "C1", "start": first.start.isoformat()}, staff["nurse"])
    assert clash.status_code == 422 and clash.json()["detail"][0]["field"] == "start"
    assert "less than" in clash.json()["detail"][0]["message"]
    unknown = post(f"/api/bookings/{second.pk}/move", {"chair": "C9", "start": second.start.isoformat()}, staff["nurse"])
    assert unknown.status_code == 422 and "does not exist" in unknown.json()["detail"][0]["message"]
    later = (second.start + dt.timedelta(hours=2)).isoformat()
    moved = post(f"/api/bookings/{second.pk}/move", {"chair": "C3", "start": later}, staff["nurse"])
    assert moved.status_code == 200 and moved.json()["bookings"][0]["chair"] == "C3"
    cancelled = post(f"/api/bookings/{second.pk}/cancel", {"reason": "patient unwell"}, staff["front_desk"])
    assert cancelled.status_code == 200 and cancelled.json()["bookings"][0]["status"] == "cancelled"
    assert cancelled.json()["series_fit"]["fits"] is False  # a gap in a consecutive series
    again = post(f"/api/bookings/{second.pk}/cancel", {"reason": "twice"}, staff["front_desk"])
    assert again.status_code == 422


def test_a_patient_reads_only_their_upcoming_sessions_and_cannot_book(staff, patients, plan):
    data = get(f"/api/plans/{plan.pk}/proposal", staff["front_desk"], earliest_start_day=next_weekday(0).isoformat()).json()
    slots = [{k: s[k] for k in ("index", "chair", "start")} for s in data["slots"]]
    assert post(f"/api/plans/{plan.pk}/bookings", {"slots": slots}, patients["ana_user"]).status_code == 403
    post(f"/api/plans/{plan.pk}/bookings", {"slots": slots}, staff["front_desk"])
    own = get(f"/api/patients/{patients['ana'].pk}/bookings", patients["ana_user"])
    assert own.status_code == 200 and len(own.json()) == 10
    assert get(f"/api/patients/{patients['ana'].pk}/bookings", patients["ben_user"]).status_code == 404
    assert get(f"/api/schedule/days/{next_weekday(0).isoformat()}", patients["ana_user"]).status_code == 403


def test_front_desk_edits_the_calendar_through_the_api_and_a_nurse_cannot(staff):
    desk = bearer(staff["front_desk"])
    saturday = {"days": [{"weekday": 5, "opens": "09:00", "closes": "13:00"}]}
    assert Client().put("/api/schedule/hours", json.dumps(saturday), "application/json",
                        **bearer(staff["nurse"])).status_code == 403  # fmt: skip
    response = Client().put("/api/schedule/hours", json.dumps(saturday), "application/json", **desk)
    assert response.status_code == 200 and len(response.json()["opening_hours"]) == 6
    backwards = {"days": [{"weekday": 2, "opens": "18:00", "closes": "08:00"}]}
    refused = Client().put("/api/schedule/hours", json.dumps(backwards), "application/json", **desk)
    assert refused.status_code == 422 and refused.json()["detail"][0]["field"] == "hours_2"
    added = post("/api/schedule/closed-days", {"day": next_weekday(2).isoformat(), "reason": "Holiday"}, staff["admin"])
    assert added.status_code == 201
    assert Client().delete(f"/api/schedule/closed-days/{added.json()['id']}", **desk).status_code == 204
    chair = post("/api/schedule/chairs", {"code": "C5", "name": "Recliner"}, staff["front_desk"])
    assert chair.status_code == 200 and chair.json()["active"] is True
    duplicate_case = post("/api/schedule/chairs", {"code": "c5", "name": "Renamed"}, staff["front_desk"])
    assert duplicate_case.status_code == 200 and duplicate_case.json()["name"] == "Renamed"
