"""QA of issue 5: the booking page's <title> held a paragraph of HTML once every session was booked."""

import re

import pytest
from django.urls import reverse

from ketaflow.clinic.scheduling import services
from tests.clinic.scheduling_fixtures import next_weekday, screened, signed_plan

pytestmark = pytest.mark.django_db


def test_a_fully_booked_plan_page_has_a_plain_title_and_says_so_once_in_the_page(staff, patients, client_for):
    plan = signed_plan(staff, screened(staff, patients["ana"]))
    proposal = services.booking_propose(plan=plan, earliest_start_day=next_weekday(0))
    services.booking_series_accept(actor=staff["front_desk"], plan=plan, slots=list(proposal.slots))
    html = client_for(staff["front_desk"]).get(reverse("scheduling:plan_book", args=[plan.patient_id, plan.pk])).content.decode()
    title = re.search(r"<title>(.*?)</title>", html, re.S).group(1)
    assert "<" not in title and title.startswith("Book plan v1")
    assert html.count("Every session of this plan is booked") == 1
