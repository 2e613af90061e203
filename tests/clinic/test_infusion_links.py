"""Nurses reach a session's chart from the day's chairs and from the patient chart; a chart opened from a
booking carries the booked time."""

import pytest
from django.urls import reverse

from ketaflow.clinic.infusions.models import InfusionSession
from ketaflow.clinic.scheduling.services import booking_propose, booking_series_accept
from tests.clinic.infusion_fixtures import signed_plan

pytestmark = pytest.mark.django_db


def test_the_day_view_offers_chart_and_the_session_keeps_the_booked_time(staff, patients, client_for):
    plan = signed_plan(staff, patients["ana"])
    proposal = booking_propose(plan=plan)
    assert proposal.ok
    booking_series_accept(actor=staff["front_desk"], plan=plan, slots=list(proposal.slots))
    first = plan.sessions.get(index=1).bookings.get()
    nurse = client_for(staff["nurse"])
    day = nurse.get(reverse("scheduling:day"), {"day": first.start.date().isoformat()}).content.decode()
    open_url = reverse("infusions:open", args=[plan.patient_id, plan.pk, first.plan_session.index])
    assert f'action="{open_url}"' in day
    assert f'action="{open_url}"' not in client_for(staff["front_desk"]).get(
        reverse("scheduling:day"), {"day": first.start.date().isoformat()}).content.decode()  # fmt: skip
    response = nurse.post(open_url)
    session = InfusionSession.objects.get(plan_session=first.plan_session)
    assert response.status_code == 302 and response["Location"] == reverse("infusions:session", args=[session.pk])
    assert session.scheduled_for == first.start
    chart = nurse.get(reverse("patients:chart", args=[plan.patient_id])).content.decode()
    assert reverse("infusions:session", args=[session.pk]) in chart and "scheduled" in chart
    assert 'id="infusions"' not in client_for(staff["front_desk"]).get(
        reverse("patients:chart", args=[plan.patient_id])).content.decode()  # fmt: skip


def test_the_nurses_home_lists_who_is_in_the_chairs_with_unanswered_alerts(staff, patients, client_for):
    from datetime import timedelta

    from django.utils import timezone

    from ketaflow.clinic.infusions import services
    from ketaflow.domain import units
    from ketaflow.domain.charting.vitals import VitalsReading
    from tests.clinic.infusion_fixtures import open_session
    from tests.clinic.test_infusion_charting import act, check_in

    session = open_session(staff, patients["ana"])
    check_in(staff["nurse"], session)
    act(staff["nurse"], session, "start", 0, rate=units.Quantity(0.3, units.MG_PER_KG_PER_H))
    session.refresh_from_db()
    services.session_vitals(actor=staff["nurse"], session_id=session.pk, expected_version=session.version,
                            now=timezone.now() - timedelta(minutes=1), reading=VitalsReading(systolic_mmhg=185))  # fmt: skip
    home = client_for(staff["nurse"]).get(reverse("home")).content.decode()
    assert reverse("infusions:session", args=[session.pk]) in home and "1 alert unanswered" in home
    assert 'id="in-chairs"' not in client_for(staff["front_desk"]).get(reverse("home")).content.decode()
