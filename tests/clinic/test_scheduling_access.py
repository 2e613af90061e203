"""Who sees and changes the schedule: patients read only their own upcoming sessions; admin and front
desk edit chairs, hours and closed days; clinical staff and front desk book and move."""

import datetime as dt

import pytest
from django.urls import reverse

from ketaflow.clinic.scheduling import services
from ketaflow.clinic.scheduling.models import Booking, ClosedDay, OpeningHours
from tests.clinic.scheduling_fixtures import next_weekday, screened, signed_plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def booked_ana(staff, patients):
    plan = signed_plan(staff, screened(staff, patients["ana"]), protocol="fibromyalgia_induction")
    proposal = services.booking_propose(plan=plan, earliest_start_day=next_weekday(0))
    services.booking_series_accept(actor=staff["front_desk"], plan=plan, slots=list(proposal.slots))
    return plan


def test_the_patient_sees_their_own_upcoming_sessions_in_the_portal(patients, booked_ana, client_for):
    html = client_for(patients["ana_user"]).get(reverse("patients:chart", args=[patients["ana"].pk])).content.decode()
    assert 'id="upcoming-sessions"' in html
    first = Booking.objects.filter(plan=booked_ana).order_by("start").first()
    assert first.start.isoformat() in html and html.count("<time datetime=") >= 6


def test_another_patient_sees_none_of_them(patients, booked_ana, client_for):
    ben = client_for(patients["ben_user"])
    own = ben.get(reverse("patients:chart", args=[patients["ben"].pk])).content.decode()
    assert 'id="upcoming-sessions"' not in own
    booking = Booking.objects.filter(plan=booked_ana).first()
    assert ben.get(reverse("scheduling:booking_move", args=[patients["ana"].pk, booking.pk])).status_code == 403
    assert ben.get(f"/api/plans/{booked_ana.pk}/bookings").status_code == 404
    assert ben.get(f"/api/patients/{patients['ana'].pk}/bookings").status_code == 404
    mine = client_for(patients["ana_user"]).get(f"/api/patients/{patients['ana'].pk}/bookings")
    assert mine.status_code == 200 and len(mine.json()) == 6


def test_a_cancelled_session_leaves_the_patients_list(staff, patients, booked_ana, client_for):
    booking = Booking.objects.filter(plan=booked_ana).order_by("start").first()
    services.booking_cancel(actor=staff["nurse"], booking=booking, reason="rescheduling")
    listed = client_for(patients["ana_user"]).get(f"/api/plans/{booked_ana.pk}/bookings").json()
    assert len(listed) == 5 and booking.pk not in {b["id"] for b in listed}
    staff_view = client_for(staff["front_desk"]).get(f"/api/plans/{booked_ana.pk}/bookings").json()
    assert {b["status"] for b in staff_view} == {"booked", "cancelled"}


def test_front_desk_edits_hours_and_closed_days_and_a_nurse_cannot(staff, client_for):
    desk, nurse = client_for(staff["front_desk"]), client_for(staff["nurse"])
    hours = {f"opens_{d}": "07:30" for d in range(5)} | {f"closes_{d}": "19:00" for d in range(5)}
    hours |= {"opens_5": "09:00", "closes_5": "13:00"}
    assert nurse.post(reverse("scheduling:hours_save"), hours).status_code == 403
    assert desk.post(reverse("scheduling:hours_save"), hours).status_code == 302
    assert OpeningHours.objects.get(weekday=5).closes == dt.time(13, 0)
    assert OpeningHours.objects.get(weekday=0).opens == dt.time(7, 30)
    bad = desk.post(reverse("scheduling:hours_save"), hours | {"opens_2": "19:00", "closes_2": "08:00"})
    assert bad.status_code == 422 and "is not before closes" in bad.content.decode()
    day = next_weekday(2)
    assert desk.post(reverse("scheduling:closed_day_add"), {"day": day.isoformat(), "reason": "Holiday"}).status_code == 302
    assert ClosedDay.objects.filter(day=day).exists()
    admin = client_for(staff["admin"])
    assert admin.get(reverse("scheduling:setup")).status_code == 200
    assert admin.post(reverse("scheduling:chair_save"), {"code": "C5", "name": "Recliner 5", "position": 5,
                                                         "active": "on"}).status_code == 302  # fmt: skip


def test_a_day_with_bookings_cannot_be_closed(staff, booked_ana, client_for):
    day = next_weekday(0)
    response = client_for(staff["front_desk"]).post(reverse("scheduling:closed_day_add"), {"day": day.isoformat()})
    assert response.status_code == 422 and "has bookings" in response.content.decode()


def test_new_hours_that_would_strand_a_booking_are_refused(staff, booked_ana, client_for):
    monday_only = {"opens_0": "12:00", "closes_0": "18:00"}  # the series starts on Mondays at 09:00
    response = client_for(staff["front_desk"]).post(reverse("scheduling:hours_save"), monday_only)
    assert response.status_code == 422 and "would fall outside the new hours" in response.content.decode()
    assert OpeningHours.objects.get(weekday=0).opens == dt.time(8, 0)
