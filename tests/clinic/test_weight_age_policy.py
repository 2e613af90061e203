"""KETAFLOW_WEIGHT_MAX_AGE_DAYS is the clinic's limit on how old a weight may be when it is used for dosing."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from ketaflow.clinic.infusions.selectors import checkin_facts
from ketaflow.clinic.patients.models import BodyMeasurement
from tests.clinic.infusion_fixtures import open_session

pytestmark = pytest.mark.django_db


def _weigh_days_ago(patient, days: int):
    BodyMeasurement.objects.filter(patient=patient).update(measured_on=timezone.localdate() - timedelta(days=days))


def test_the_chart_banner_asks_for_a_new_weight_once_it_is_older_than_the_configured_age(
    staff, patients, client_for, settings
):
    ana = patients["ana"]
    _weigh_days_ago(ana, 10)
    client = client_for(staff["nurse"])
    settings.KETAFLOW_WEIGHT_MAX_AGE_DAYS = 30
    assert "data-weight-stale" not in client.get(reverse("patients:chart", args=[ana.pk])).content.decode()
    settings.KETAFLOW_WEIGHT_MAX_AGE_DAYS = 7
    body = client.get(reverse("patients:chart", args=[ana.pk])).content.decode()
    assert "data-weight-stale" in body and "Weight is 10 days old; re-weigh before dosing (policy: at most 7 days)" in body


def test_the_infusion_check_in_refuses_a_weight_older_than_the_configured_age(staff, patients, settings):
    session = open_session(staff, patients["ana"])
    _weigh_days_ago(patients["ana"], 10)
    facts = dict(now=timezone.now(), pre_vitals_recorded=True, hours_since_last=None)
    settings.KETAFLOW_WEIGHT_MAX_AGE_DAYS = 30
    assert checkin_facts(session, **facts).weight_usable
    settings.KETAFLOW_WEIGHT_MAX_AGE_DAYS = 7
    refused = checkin_facts(session, **facts)
    assert not refused.weight_usable and "at most 7 days" in refused.weight_reason
