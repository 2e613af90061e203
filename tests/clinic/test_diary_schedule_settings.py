"""Each protocol's diary schedule is clinic policy a prescriber can change, with a reason, on a settings page."""

import pytest
from django.urls import reverse
from django.utils import timezone

from ketaflow.clinic.audit.models import AuditEntry
from ketaflow.clinic.diaries.selectors import diary_status_for
from tests.clinic.infusion_fixtures import signed_plan

pytestmark = pytest.mark.django_db
EDIT = reverse("diaries:schedule_edit", args=["fibromyalgia_induction"])
FORM = {"post_series_offsets_days": "2, 10", "monthly_every_days": "45", "pgic_offsets_days": "10",
        "weekly_items": ["fiqr"], "post_series_items": ["phq9"], "baseline_days": "7", "follow_up_days": "365",
        "why": "fewer questionnaires after the induction series", "based_on": "0"}  # fmt: skip


@pytest.fixture
def ana(staff, patients):
    from ketaflow.clinic.scheduling.services import booking_propose, booking_series_accept

    plan = signed_plan(staff, patients["ana"])
    booking_series_accept(actor=staff["front_desk"], plan=plan, slots=list(booking_propose(plan=plan).slots))
    return patients["ana"]


def test_the_edit_page_starts_from_the_schedule_in_force(staff, client_for):
    page = client_for(staff["prescriber"]).get(EDIT).content.decode()
    assert 'value="1, 3, 7, 14, 28"' in page and 'value="1, 28"' in page
    assert "diary-schedule" in page  # the version in force


def test_a_prescribers_change_is_in_force_for_the_patients_diary_with_its_reason_and_version(ana, staff, client_for):
    before, _ = diary_status_for(patient=ana, now=timezone.now())
    response = client_for(staff["prescriber"]).post(EDIT, FORM)
    assert response.status_code == 302
    after, policy = diary_status_for(patient=ana, now=timezone.now())
    assert policy.post_series_offsets_days == (2, 10) and policy.post_series_items == ("phq9",)
    assert after.rule_version.endswith("+clinic-edit-1:fibromyalgia_induction")
    assert after.rule_version != before.rule_version
    assert "for fibromyalgia_induction:" in after.source.citation
    assert "post_series_offsets_days=[2, 10]" in after.source.citation
    entry = AuditEntry.objects.get(action="diary_schedule.change")
    assert entry.object_id == "fibromyalgia_induction#1" and entry.detail["why"] == FORM["why"]
    listing = client_for(staff["nurse"]).get(reverse("diaries:schedules")).content.decode()
    assert "edit 1 by" in listing and FORM["why"] in listing
    assert "PHQ-9 on days 2, 10, then every 45 days" in listing and "pain now, pain 24-h average, sleep, fatigue" in listing


@pytest.mark.parametrize(("field", "value", "says"), [
    ("post_series_offsets_days", "1, abc", "is not a whole number of days"),
    ("post_series_offsets_days", "0, 7", "1–730"),
    ("pgic_offsets_days", "800", "1–730"),
    ("monthly_every_days", "0", "must be at least 1 (allowed: whole days 1–730)"),
    ("follow_up_days", "9999", "must be at most 730 (allowed: whole days 1–730)"),
    ("baseline_days", "seven", "Enter a whole number of days (allowed: 1–730)"),
    ("post_series_offsets_days", "7, 7", "distinct"),
    ("why", "", "required"),
])  # fmt: skip
def test_a_bad_value_is_refused_on_the_page_naming_the_field(staff, client_for, field, value, says):
    response = client_for(staff["prescriber"]).post(EDIT, FORM | {field: value})
    assert response.status_code == 422
    page = response.content.decode()
    assert f'data-field="{field}"' in page and says in page


def test_a_nurse_sees_the_schedules_but_cannot_change_them(staff, client_for):
    nurse = client_for(staff["nurse"])
    listing = nurse.get(reverse("diaries:schedules"))
    assert listing.status_code == 200 and EDIT not in listing.content.decode()
    assert nurse.post(EDIT, FORM).status_code == 403


def test_a_change_made_meanwhile_is_refused_rather_than_overwritten(staff, client_for, make_user):
    client = client_for(staff["prescriber"])
    assert client.post(EDIT, FORM).status_code == 302
    stale = client.post(EDIT, FORM | {"post_series_offsets_days": "3"})
    assert stale.status_code == 409 and "changed meanwhile" in stale.content.decode()


def test_an_unknown_protocol_has_no_schedule_page(staff, client_for):
    assert client_for(staff["prescriber"]).get(reverse("diaries:schedule_edit", args=["no_such"])).status_code == 404


def test_a_diary_starting_fewer_days_before_infusion_1_than_the_baseline_window_is_refused(staff, client_for):
    # 3 days of diary could never give the 4 of 7 entries the baseline needs: every course would be
    # "not evaluable" and no booster could ever be proposed.
    response = client_for(staff["prescriber"]).post(EDIT, FORM | {"baseline_days": "3"})
    assert response.status_code == 422
    page = response.content.decode()
    assert 'data-field="baseline_days"' in page and "too short for the baseline pain" in page and "7–730" in page
