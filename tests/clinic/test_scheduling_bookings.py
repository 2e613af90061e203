"""Booking signed plans into the clinic's chairs (issue 5): proposals keep the protocol's spacing, the
series window and the clinic's closed days; accepting books every session at once; conflicts and moves
are refused with the domain's reason; a series that can no longer fit its window is flagged."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from ketaflow.clinic.audit.models import AuditEntry
from ketaflow.clinic.scheduling import services
from ketaflow.clinic.scheduling.models import Booking, ClosedDay
from ketaflow.domain.errors import DomainValidationError
from tests.clinic.scheduling_fixtures import next_weekday, screened, signed_plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def ana_plan(staff, patients):
    return signed_plan(staff, screened(staff, patients["ana"]))


def local_days(slots):
    return [timezone.localtime(s.start).date() for s in slots]


def book_all(staff, plan, earliest):
    proposal = services.booking_propose(plan=plan, earliest_start_day=earliest)
    assert proposal.ok, proposal.reason
    return services.booking_series_accept(actor=staff["front_desk"], plan=plan, slots=list(proposal.slots))


def test_ten_consecutive_sessions_skip_the_closed_weekend_and_keep_the_window(ana_plan):
    thursday = next_weekday(3)
    proposal = services.booking_propose(plan=ana_plan, earliest_start_day=thursday)
    days = local_days(proposal.slots)
    assert proposal.ok and len(days) == 10 and [s.index for s in proposal.slots] == list(range(1, 11))
    assert all(d.weekday() < 5 for d in days)  # the clinic is closed on weekends (default hours)
    assert days[0] == thursday and days[2] == thursday + dt.timedelta(days=4)  # Thu, Fri, then Monday
    assert (days[-1] - days[0]).days + 1 <= ana_plan.series_window_days
    assert all(timezone.localtime(s.start).time() == dt.time(8, 0) for s in proposal.slots)  # at opening
    # 4 h infusion + 60 min recovery hold the chair until 13:00
    assert all(s.end - s.start == dt.timedelta(minutes=300) for s in proposal.slots)


def test_a_closed_day_inside_the_series_is_skipped_too(ana_plan):
    monday = next_weekday(0)
    ClosedDay.objects.create(day=monday + dt.timedelta(days=2), reason="staff training")
    days = local_days(services.booking_propose(plan=ana_plan, earliest_start_day=monday).slots)
    assert monday + dt.timedelta(days=2) not in days and len(days) == 10


def test_accepting_books_every_session_with_its_chair_and_recovery_and_is_audited(staff, ana_plan, client_for):
    result = book_all(staff, ana_plan, next_weekday(0))
    bookings = list(Booking.objects.filter(plan=ana_plan).order_by("start"))
    assert len(bookings) == 10 and [b.plan_session.index for b in bookings] == list(range(1, 11))
    assert all(b.status == "booked" and b.end - b.session_end == dt.timedelta(minutes=60) for b in bookings)
    assert result.fit.fits
    assert AuditEntry.objects.filter(action="booking.accept", patient_id=str(ana_plan.patient_id)).count() == 1
    chart = client_for(staff["nurse"]).get(reverse("patients:chart", args=[ana_plan.patient_id])).content.decode()
    assert "Booked 10 of 10" in chart and bookings[0].start.isoformat() in chart
    detail = client_for(staff["front_desk"]).get(reverse("plans:detail", args=[ana_plan.patient_id, ana_plan.pk]))
    assert 'id="booked-dates"' in detail.content.decode() and bookings[0].chair.code in detail.content.decode()


def test_accepting_again_cannot_double_book_a_session(staff, ana_plan):
    proposal = services.booking_propose(plan=ana_plan, earliest_start_day=next_weekday(0))
    services.booking_series_accept(actor=staff["front_desk"], plan=ana_plan, slots=list(proposal.slots))
    with pytest.raises(DomainValidationError, match="already booked"):
        services.booking_series_accept(actor=staff["nurse"], plan=ana_plan, slots=list(proposal.slots))
    assert Booking.objects.filter(plan=ana_plan).count() == 10


def test_a_draft_plan_cannot_be_booked(staff, patients):
    from ketaflow.clinic.plans.services import plan_create

    draft = plan_create(actor=staff["prescriber"], patient=patients["ben"], protocol="fibromyalgia_induction",
                        n_sessions=6, start_dose="0.3", duration_min=120, series_window_days=21,
                        start_date=timezone.localdate(), bag_concentration_mg_per_ml="1")  # fmt: skip
    with pytest.raises(DomainValidationError, match="only a signed plan"):
        services.booking_propose(plan=draft)


def test_a_slot_on_a_closed_day_or_in_a_taken_chair_is_refused_with_the_reason(staff, patients, ana_plan):
    monday = next_weekday(0)
    book_all(staff, ana_plan, monday)
    ben_plan = signed_plan(staff, screened(staff, patients["ben"]), protocol="fibromyalgia_induction")
    saturday = timezone.make_aware(dt.datetime.combine(monday + dt.timedelta(days=5), dt.time(9)))
    with pytest.raises(DomainValidationError) as closed:
        services.booking_series_accept(actor=staff["front_desk"], plan=ben_plan, slots=[services.Slot(1, "C1", saturday)])
    assert closed.value.field == "slots" and "clinic closed on Saturdays" in closed.value.message
    taken = Booking.objects.filter(plan=ana_plan).order_by("start").first()
    with pytest.raises(DomainValidationError) as overlap:
        services.booking_series_accept(actor=staff["front_desk"], plan=ben_plan,
                                       slots=[services.Slot(1, taken.chair.code, taken.start + dt.timedelta(hours=1))])  # fmt: skip
    assert f"chair {taken.chair.code} is booked" in overlap.value.message
    assert not Booking.objects.filter(plan=ben_plan).exists()


def test_a_second_plan_fills_the_next_free_chair(staff, patients, ana_plan):
    monday = next_weekday(0)
    book_all(staff, ana_plan, monday)
    ben_plan = signed_plan(staff, screened(staff, patients["ben"]), protocol="fibromyalgia_induction")
    proposal = services.booking_propose(plan=ben_plan, earliest_start_day=monday)
    ana_first = Booking.objects.filter(plan=ana_plan).order_by("start").first()
    assert proposal.ok and proposal.slots[0].start == ana_first.start and proposal.slots[0].chair != ana_first.chair.code


def test_a_move_is_re_validated_and_refused_with_the_domain_reason(staff, ana_plan):
    monday = next_weekday(0)
    book_all(staff, ana_plan, monday)
    second, third = Booking.objects.filter(plan=ana_plan).order_by("start")[1:3]
    too_close = third.start - dt.timedelta(hours=10)  # 10 h after session 2 started: under 12 h + 4 h infusion
    with pytest.raises(DomainValidationError) as refused:
        services.booking_move(actor=staff["nurse"], booking=second, chair=second.chair.code,
                              start=second.start + dt.timedelta(hours=6))  # fmt: skip
    assert refused.value.field == "start" and "outside opening hours" in refused.value.message
    with pytest.raises(DomainValidationError, match="less than"):
        services.booking_move(actor=staff["nurse"], booking=third, chair=third.chair.code, start=too_close)
    later = second.start + dt.timedelta(hours=1)
    result = services.booking_move(actor=staff["nurse"], booking=second, chair="C2", start=later)
    second.refresh_from_db()
    assert second.start == later and second.chair.code == "C2" and second.end == later + dt.timedelta(minutes=300)
    assert result.fit.fits
    entry = AuditEntry.objects.get(action="booking.move")
    assert entry.detail["to"]["chair"] == "C2" and entry.detail["from"]["chair"] == "C1"


def test_a_move_outside_the_series_window_is_refused(staff, ana_plan):
    book_all(staff, ana_plan, next_weekday(0))
    last = Booking.objects.filter(plan=ana_plan).order_by("-start").first()
    with pytest.raises(DomainValidationError, match="its window is 14 days"):
        services.booking_move(actor=staff["nurse"], booking=last, chair=last.chair.code,
                              start=last.start + dt.timedelta(days=7))  # fmt: skip


def test_a_series_that_can_no_longer_fit_its_window_is_flagged(staff, patients, client_for):
    plan = signed_plan(staff, screened(staff, patients["ana"]), series_window_days=12)
    book_all(staff, plan, next_weekday(0))  # Monday to Friday of the next week: exactly 12 days
    # Without the first Monday the window starts on Tuesday, and the 10th session has no open day left in it.
    monday = Booking.objects.filter(plan=plan).order_by("start")[0]
    result = services.booking_cancel(actor=staff["front_desk"], booking=monday, reason="patient unwell")
    assert not result.fit.fits
    assert any("can no longer fit its window" in p for p in result.fit.problems)
    page = client_for(staff["front_desk"]).get(reverse("scheduling:plan_book", args=[plan.patient_id, plan.pk]))
    html = page.content.decode()
    assert 'id="series-flag"' in html and "can no longer fit its window" in html
    assert AuditEntry.objects.get(action="booking.cancel").detail["series_fits"] is False


def test_the_booking_page_proposes_then_books_with_an_idempotency_key(staff, ana_plan, client_for):
    client = client_for(staff["front_desk"])
    url = reverse("scheduling:plan_book", args=[ana_plan.patient_id, ana_plan.pk])
    page = client.get(url, {"earliest_start_day": next_weekday(0).isoformat(), "preferred_start": "10:00"})
    html = page.content.decode()
    assert page.status_code == 200 and 'id="proposal"' in html and 'name="idempotency_key"' in html
    import re

    slots = re.findall(r'name="slot" value="([^"]+)"', html)
    key = re.search(r'name="idempotency_key" value="([^"]+)"', html).group(1)
    assert len(slots) == 10 and "|10:00:00" not in slots[0]  # UTC ISO with offset
    first = client.post(url, {"slot": slots, "idempotency_key": key})
    again = client.post(url, {"slot": slots, "idempotency_key": key})
    assert first.status_code == 302 and again.status_code == 302 and again["Idempotent-Replayed"] == "true"
    assert Booking.objects.filter(plan=ana_plan).count() == 10


def test_the_day_view_shows_the_chairs_with_previous_and_next_days(staff, ana_plan, client_for):
    monday = next_weekday(0)
    book_all(staff, ana_plan, monday)
    client = client_for(staff["nurse"])
    html = client.get(reverse("scheduling:day"), {"day": monday.isoformat()}).content.decode()
    assert 'id="day-grid"' in html and "Lopez, Ana" in html and "Session 1/10" in html
    assert AuditEntry.objects.filter(action="schedule.day_view", actor_username=staff["nurse"].username).exists()
    assert f"?day={(monday - dt.timedelta(days=1)).isoformat()}" in html
    assert f"?day={(monday + dt.timedelta(days=1)).isoformat()}" in html
    saturday = client.get(reverse("scheduling:day"), {"day": (monday + dt.timedelta(days=5)).isoformat()})
    assert "Closed: clinic closed on Saturdays" in saturday.content.decode()


def test_the_day_view_takes_the_same_number_of_queries_however_busy(staff, patients, ana_plan, client_for,
                                                                     django_assert_max_num_queries):  # fmt: skip
    monday = next_weekday(0)
    client = client_for(staff["nurse"])
    url = reverse("scheduling:day")
    with django_assert_max_num_queries(16) as empty:
        client.get(url, {"day": monday.isoformat()})
    book_all(staff, ana_plan, monday)
    ben_plan = signed_plan(staff, screened(staff, patients["ben"]), protocol="fibromyalgia_induction")
    book_all(staff, ben_plan, monday)
    with django_assert_max_num_queries(len(empty.captured_queries)):
        client.get(url, {"day": monday.isoformat()})


def test_a_cancelled_induction_session_is_proposed_again_inside_the_window(staff, patients):
    plan = signed_plan(staff, screened(staff, patients["ben"]), protocol="fibromyalgia_induction")
    book_all(staff, plan, next_weekday(0))
    second = Booking.objects.filter(plan=plan).order_by("start")[1]
    services.booking_cancel(actor=staff["front_desk"], booking=second, reason="patient asked to move it")
    proposal = services.booking_propose(plan=plan)
    last = Booking.objects.filter(plan=plan, status="booked").order_by("-start").first()
    assert proposal.ok and [s.index for s in proposal.slots] == [2] and proposal.slots[0].start > last.start
    services.booking_series_accept(actor=staff["front_desk"], plan=plan, slots=list(proposal.slots))
    assert Booking.objects.filter(plan=plan, status="booked").count() == 6
    assert services.plan_series_fit(plan=plan).fits


def test_opening_hours_are_clinic_wall_clock_time_and_stored_in_utc(staff, ana_plan, settings):
    settings.TIME_ZONE = "America/New_York"
    monday = next_weekday(0)
    proposal = services.booking_propose(plan=ana_plan, earliest_start_day=monday)
    first = proposal.slots[0].start
    assert first.tzinfo is not None and first.utcoffset() == dt.timedelta(0)
    assert timezone.localtime(first).time() == dt.time(8, 0) and first.time() in (dt.time(12, 0), dt.time(13, 0))


def test_a_signed_amendment_takes_over_the_upcoming_visits_of_the_version_it_replaced(staff, ana_plan, client_for):
    from ketaflow.clinic.plans.services import plan_create, plan_sign

    book_all(staff, ana_plan, next_weekday(0))
    amended = plan_create(actor=staff["prescriber"], patient=ana_plan.patient, protocol="chronic_pain_escalating",
                          n_sessions=10, start_dose="0.1", escalation_step="0.05", escalation_cap="0.25",
                          duration_min=240, series_window_days=14, start_date=timezone.localdate(),
                          bag_concentration_mg_per_ml="1", amends=ana_plan, amendment_reason="lower cap")  # fmt: skip
    amended = plan_sign(actor=staff["prescriber"], plan=amended, password="correct-horse-battery-9", meaning="approved",
                        soft_reasons={n: "reviewed" for n in amended.dose_check["soft_limits"]})  # fmt: skip
    # Booking the new version afresh: proposals avoid the old visits' days, and a slot beside one is refused.
    old_visits = list(Booking.objects.filter(plan=ana_plan).order_by("start"))
    proposal = services.booking_propose(plan=amended, earliest_start_day=next_weekday(0))
    assert proposal.ok and proposal.slots[0].start > old_visits[-1].start
    with pytest.raises(DomainValidationError, match="the patient's other plan"):
        services.booking_series_accept(actor=staff["front_desk"], plan=amended,
                                       slots=[services.Slot(1, "C4", old_visits[0].start + dt.timedelta(hours=5))])
    client = client_for(staff["front_desk"])
    page = client.get(reverse("scheduling:plan_book", args=[amended.patient_id, amended.pk])).content.decode()
    assert 'id="carry-over"' in page and "10 upcoming sessions" in page
    before = list(Booking.objects.filter(plan=ana_plan).order_by("start").values_list("pk", "start", "chair_id"))
    response = client.post(reverse("scheduling:carry_over", args=[amended.patient_id, amended.pk]))
    assert response.status_code == 302
    after = list(Booking.objects.filter(plan=amended).order_by("start").values_list("pk", "start", "chair_id"))
    assert after == before and not Booking.objects.filter(plan=ana_plan).exists()
    assert [b.plan_session.plan_id for b in Booking.objects.filter(plan=amended)] == [amended.pk] * 10
    assert AuditEntry.objects.get(action="booking.carry_over").detail["from_plan"] == ana_plan.pk
