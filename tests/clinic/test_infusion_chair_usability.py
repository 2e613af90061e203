"""QA of issue 6 at the chair: what a nurse with a tablet sees and can do — the ordered rate typed as the pump
shows it, a stale form that keeps the entries, errors in the page's words, an empty alert response said not
dropped, a 'completed' stop refused before the ordered time, the dose delivered so far, labels instead of codes,
the display time zone named on the page and the record."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from ketaflow.clinic.infusions import services
from ketaflow.clinic.infusions.models import InfusionSession
from ketaflow.clinic.infusions.record import session_record_html
from ketaflow.domain import units
from ketaflow.domain.charting.vitals import VitalsReading
from tests.clinic.infusion_fixtures import open_session

pytestmark = pytest.mark.django_db


@pytest.fixture
def session(staff, patients):
    return open_session(staff, patients["ana"])


def checked_in(nurse, s, now=None):
    return services.session_check_in(
        actor=nurse, session_id=s.pk, expected_version=s.version, now=now or timezone.now(), escort_confirmed=True,
        escort_name="Rita", fasting_hours_solids=Decimal("8"), pregnancy_test_negative=True, pre_pain_nrs=7,
        vitals=VitalsReading(systolic_mmhg=128, diastolic_mmhg=80, heart_rate_per_min=72, spo2_percent=98),
        bag_lot="LOT-42", bag_concentration_mg_per_ml=Decimal("1"), bag_volume_ml=Decimal("100"))  # fmt: skip


def running(nurse, s, minutes_ago=0):
    """Checked in and started at the ordered 0.3 mg/kg/h `minutes_ago` minutes ago."""
    start = timezone.now() - timedelta(minutes=minutes_ago)
    s = checked_in(nurse, s, now=start - timedelta(minutes=5))
    return services.session_rate_action(actor=nurse, session_id=s.pk, expected_version=s.version, now=start,
                                        action="start", rate=units.Quantity(0.3, units.MG_PER_KG_PER_H))  # fmt: skip


def post(client, s, action, data):
    version = InfusionSession.objects.get(pk=s.pk).version
    return client.post(reverse("infusions:action", args=[s.pk, action]), {"expected_version": version} | data)


def test_the_ordered_rate_typed_in_ml_per_h_as_the_banner_shows_it_starts_without_a_reason(staff, session, client_for):
    nurse = staff["nurse"]
    checked_in(nurse, session)
    client = client_for(nurse)
    page = client.get(reverse("infusions:session", args=[session.pk])).content.decode()
    assert "20.6 mL/h" in page  # 0.3 mg/kg/h × 68.5 kg ÷ 1 mg/mL = 20.55 mL/h, shown at the pump's 0.1 step
    assert post(client, session, "start", {"rate_value": "20.6", "rate_unit": "mL/h"}).status_code == 302
    event = session.rate_events.get()
    assert event.limit_check["at_order"] is True and event.override_reason == ""
    assert float(event.pump_rate_ml_per_h) == pytest.approx(20.6)  # the dose is computed from what was typed


def test_a_stale_form_keeps_the_nurses_entries_and_saves_on_the_second_tap(staff, session, client_for):
    nurse = staff["nurse"]
    running(nurse, session)
    client = client_for(nurse)
    stale = InfusionSession.objects.get(pk=session.pk).version
    post(client, session, "vitals", {"heart_rate_per_min": "77"})  # a colleague's reading
    conflict = client.post(reverse("infusions:action", args=[session.pk, "vitals"]),
                           {"expected_version": stale, "heart_rate_per_min": "78"})  # fmt: skip
    body = conflict.content.decode()
    assert conflict.status_code == 409 and "Your entries are kept below" in body
    current = InfusionSession.objects.get(pk=session.pk).version
    assert f'name="expected_version" value="{current}"' in body and 'value="78"' in body
    again = client.post(reverse("infusions:action", args=[session.pk, "vitals"]),
                        {"expected_version": current, "heart_rate_per_min": "78"})  # fmt: skip
    assert again.status_code == 302 and session.vitals.filter(heart_rate_per_min=78).count() == 1


def test_page_errors_use_the_fields_words_and_name_the_allowed_range(staff, session, client_for):
    nurse = staff["nurse"]
    running(nurse, session)
    client = client_for(nurse)
    implausible = post(client, session, "vitals", {"systolic_mmhg": "400", "spo2_percent": "49"}).content.decode()
    assert "BP systolic (mmHg): Ensure this value is less than or equal to 300" in implausible
    assert "SpO2 (%): Ensure this value is greater than or equal to 50" in implausible
    assert "systolic_mmhg:" not in implausible
    zero = post(client, session, "change_rate", {"rate_value": "0", "rate_unit": "mg/kg/h"})
    assert zero.status_code == 422 and "to stop the pump, use Pause or Stop" in zero.content.decode()
    assert session.rate_events.count() == 1
    hard = post(client, session, "change_rate", {"rate_value": "2", "rate_unit": "mg/kg/h"}).content.decode()
    assert "Dose rate 2 mg/kg/h is above the hard maximum" in hard and "reason is required" not in hard


def test_an_empty_alert_response_is_said_not_silently_dropped(staff, session, client_for):
    nurse = staff["nurse"]
    s = running(nurse, session)
    sign = services.session_vitals(actor=nurse, session_id=s.pk, expected_version=s.version, now=timezone.now(),
                                   reading=VitalsReading(systolic_mmhg=186, diastolic_mmhg=104))  # fmt: skip
    client = client_for(nurse)
    url = reverse("infusions:alert_response", args=[session.pk])
    empty = client.post(url, {"vital_id": sign.pk, "response_taken": "  "})
    assert empty.status_code == 422 and "Response taken: This field is required" in empty.content.decode()
    page = client.get(reverse("infusions:session", args=[session.pk])).content.decode()
    assert "Systolic BP 186 mmHg (RED: &gt; 180 mmHg)" in page
    again = client.post(url, {"vital_id": sign.pk, "response_taken": "Paused"})
    assert again.status_code == 302
    twice = client.post(url, {"vital_id": sign.pk, "response_taken": "Paused again"})
    assert twice.status_code == 422 and "already recorded" in twice.content.decode()


def test_stop_as_completed_before_the_ordered_time_is_refused_and_stop_early_takes_the_reason(
    staff, session, client_for
):
    nurse = staff["nurse"]
    running(nurse, session, minutes_ago=30)
    client = client_for(nurse)
    page = client.get(reverse("infusions:session", args=[session.pk])).content.decode()
    assert "mg so far" in page and "90 of 120 min" in page  # 0.3 × 68.5 × 0.5 h = 10.28 mg so far
    assert "10.28 mg so far" in page
    refused = post(client, session, "stop", {})
    assert refused.status_code == 422 and "Only 30 of the ordered 120 min have run" in refused.content.decode()
    assert InfusionSession.objects.get(pk=session.pk).status == "running"
    assert post(client, session, "stop_early", {"stop_reason": "Patient asked to stop"}).status_code == 302
    done = InfusionSession.objects.get(pk=session.pk)
    assert done.status == "stopped_early" and done.stop_reason == "Patient asked to stop"


@override_settings(TIME_ZONE="America/Chicago")
def test_the_page_and_the_record_name_the_display_time_zone_and_show_labels_not_codes(staff, session, client_for):
    nurse = staff["nurse"]
    s = running(nurse, session, minutes_ago=125)
    services.session_side_effect(actor=nurse, session_id=s.pk, expected_version=s.version, now=timezone.now(),
                                 kind="nausea_vomiting", grade="moderate")  # fmt: skip
    s.refresh_from_db()
    services.session_administration(actor=nurse, session_id=s.pk, expected_version=s.version, now=timezone.now(),
                                    drug="ondansetron", dose_mg=4, route="iv", reason="nausea")  # fmt: skip
    s.refresh_from_db()
    services.session_rate_action(actor=nurse, session_id=s.pk, expected_version=s.version, now=timezone.now(),
                                 action="stop")  # fmt: skip
    page = client_for(nurse).get(reverse("infusions:session", args=[session.pk])).content.decode()
    assert 'id="time-zone">America/Chicago' in page
    assert "Nausea / vomiting (moderate)" in page and "Ondansetron 4 mg IV" in page
    assert " nausea_vomiting " not in page and "ondansetron 4 mg iv" not in page
    assert "stop (ordered time complete)" in page and "BP (mmHg)" in page
    record = session_record_html(InfusionSession.objects.get(pk=session.pk))
    assert "Times in America/Chicago" in record and "UTC" not in record
    started = timezone.localtime(s.started_at).strftime("%H:%M")
    assert started in record  # shown in the zone it names
    assert "Nausea / vomiting" in record and "Ondansetron 4 mg IV" in record


def test_the_next_infusion_cannot_be_checked_in_while_the_first_is_still_running(staff, session, client_for):
    nurse = staff["nurse"]
    running(nurse, session)
    second = services.session_create(actor=nurse, plan_session=session.plan.sessions.get(index=2))
    with pytest.raises(services.GateRefused) as refused:
        checked_in(nurse, second)
    assert refused.value.failures == (
        "Another infusion for this patient is still in progress (#1 running); discharge or close it first.",)
    page = client_for(nurse).get(reverse("infusions:session", args=[second.pk])).content.decode()
    assert "Another infusion for this patient is still in progress (#1 running)" in page


def test_a_blank_cancel_reason_names_the_reason_field(staff, session, client_for):
    page = post(client_for(staff["nurse"]), session, "cancel", {"reason": "   "})
    assert page.status_code == 422 and "Reason for cancelling" in page.content.decode()
    assert InfusionSession.objects.get(pk=session.pk).status == "scheduled"


def test_the_alert_thresholds_on_the_page_read_in_words_with_units_and_their_source(staff, session, client_for):
    nurse = staff["nurse"]
    running(nurse, session)
    page = client_for(nurse).get(reverse("infusions:session", args=[session.pk])).content.decode()
    assert "RED: Systolic BP &gt; 180 mmHg" in page and "AMBER: SpO2 &lt;= 93 %" in page
    assert "systolic_mmhg &gt;" not in page and "WestJEM 2020" in page


def test_the_live_strip_says_when_the_session_was_charted_elsewhere_since_the_page_loaded(staff, session, client_for):
    nurse = staff["nurse"]
    s = running(nurse, session)
    client = client_for(nurse)
    url = reverse("infusions:session", args=[session.pk])
    live = {"partial": "live", "seen": str(s.version)}
    quiet = client.get(url, live, HTTP_HX_REQUEST="true").content.decode()
    assert "Charted elsewhere" not in quiet and f"seen={s.version}" in quiet
    services.session_vitals(actor=staff["prescriber"], session_id=s.pk, expected_version=s.version,
                            now=timezone.now(), reading=VitalsReading(heart_rate_per_min=80))  # fmt: skip
    changed = client.get(url, live, HTTP_HX_REQUEST="true").content.decode()
    assert "Charted elsewhere since this page was loaded" in changed and f"seen={s.version}" in changed


def test_a_paused_infusion_resumes_at_half_the_rate_without_running_the_old_rate_first(staff, session, client_for):
    nurse = staff["nurse"]
    running(nurse, session)
    client = client_for(nurse)
    assert post(client, session, "pause", {}).status_code == 302
    page = client.get(reverse("infusions:session", args=[session.pk])).content.decode()
    assert "Resume at the last rate (0.3 mg/kg/h = 20.55 mL/h)" in page and 'id="resume-new-rate"' in page
    assert post(client, session, "resume", {"rate_value": "0.15", "rate_unit": "mg/kg/h"}).status_code == 302
    resumed = session.rate_events.last()
    assert resumed.action == "resume" and float(resumed.rate_mg_per_kg_per_h) == pytest.approx(0.15)
    assert InfusionSession.objects.get(pk=session.pk).status == "running"
    post(client, session, "pause", {})
    assert post(client, session, "resume", {}).status_code == 302  # no rate typed: the last rate (0.15)
    assert float(session.rate_events.last().rate_mg_per_kg_per_h) == pytest.approx(0.15)
    post(client, session, "pause", {})
    over = post(client, session, "resume", {"rate_value": "0.4", "rate_unit": "mg/kg/h"})
    assert over.status_code == 422 and "prescriber&#x27;s reason is required" in over.content.decode()
    assert InfusionSession.objects.get(pk=session.pk).status == "paused"


def test_after_an_amber_reading_the_page_asks_for_the_recheck_in_5_minutes(staff, session, client_for):
    nurse = staff["nurse"]
    s = running(nurse, session, minutes_ago=10)
    at = timezone.now() - timedelta(minutes=7)
    services.session_vitals(actor=nurse, session_id=s.pk, expected_version=s.version, now=at,
                            reading=VitalsReading(systolic_mmhg=170, diastolic_mmhg=90))  # fmt: skip
    page = client_for(nurse).get(reverse("infusions:session", args=[session.pk])).content.decode()
    due = timezone.localtime(at + timedelta(minutes=5)).strftime("%H:%M")
    assert f"{due} (recheck after an alert) — OVERDUE 2 min" in page


def test_a_pump_still_running_after_the_ordered_time_is_flagged_on_the_live_strip(staff, session, client_for):
    nurse = staff["nurse"]
    running(nurse, session, minutes_ago=121)
    page = client_for(nurse).get(reverse("infusions:session", args=[session.pk])).content.decode()
    assert "ORDERED TIME REACHED — stop the pump (101 % of the ordered dose given)" in page


def test_an_unanswered_alert_holds_the_discharge_and_the_stop_early_reason_is_on_the_record(
    staff, session, client_for
):
    nurse = staff["nurse"]
    s = running(nurse, session, minutes_ago=100)
    sign = services.session_vitals(actor=nurse, session_id=s.pk, expected_version=s.version,
                                   now=timezone.now() - timedelta(minutes=95),
                                   reading=VitalsReading(systolic_mmhg=170, diastolic_mmhg=90))  # fmt: skip
    client = client_for(nurse)
    stopped_at = timezone.now() - timedelta(minutes=90)
    s.refresh_from_db()
    services.session_rate_action(actor=nurse, session_id=s.pk, expected_version=s.version, now=stopped_at,
                                 action="stop_early", stop_reason="BP stays high; Dr Reyes: stop for today")  # fmt: skip
    s.refresh_from_db()
    services.session_recovery_scores(actor=nurse, session_id=s.pk, expected_version=s.version, post_pain_nrs=3,
                                     current_systolic_mmhg=130, aldrete_answers={"activity": "2", "respiration": "2",
                                     "consciousness": "2", "oxygen_saturation": "2"})  # fmt: skip
    held = post(client, session, "discharge", {"escort_present": "on"})
    local = timezone.localtime(sign.at).strftime("%H:%M")
    assert held.status_code == 422 and f"1 vitals alert without a recorded response ({local} amber)" in held.content.decode()
    assert "BP stays high; Dr Reyes: stop for today" in held.content.decode()
    services.vitals_response(actor=nurse, session_id=s.pk, vital_id=sign.pk, response_taken="Rate halved, rechecked")
    assert post(client, session, "discharge", {"escort_present": "on"}).status_code == 302
    assert InfusionSession.objects.get(pk=session.pk).status == "discharged"


def test_the_chart_says_who_charted_each_row_and_how_much_ketamine_was_drawn(staff, session, client_for):
    nurse = staff["nurse"]
    s = running(nurse, session)
    services.session_vitals(actor=staff["prescriber"], session_id=s.pk, expected_version=s.version,
                            now=timezone.now(), reading=VitalsReading(heart_rate_per_min=80))  # fmt: skip
    page = client_for(nurse).get(reverse("infusions:session", args=[session.pk])).content.decode()
    assert "100.0 mL × 1.00 mg/mL = 100 mg drawn" in page
    assert "<td>80</td>" in page and f"<td>{staff['prescriber'].display_name}</td>" in page
    assert f"<td>{nurse.display_name}</td>" in page  # the start, charted by the nurse


def test_vitals_and_an_adjunct_charted_late_keep_the_time_they_were_taken_and_a_future_time_is_refused(
    staff, session, client_for
):
    nurse = staff["nurse"]
    running(nurse, session, minutes_ago=40)
    client = client_for(nurse)
    taken = timezone.localtime(timezone.now() - timedelta(minutes=12)).replace(second=0, microsecond=0)
    if taken.date() != timezone.localdate():
        pytest.skip("the late-entry time is today's clock time; too close to midnight")
    late = post(client, session, "vitals", {"heart_rate_per_min": "81", "taken_at": taken.strftime("%H:%M")})
    assert late.status_code == 302
    sign = session.vitals.get(heart_rate_per_min=81)
    assert sign.at == taken and sign.phase == "intra"
    given = post(client, session, "administration", {"drug": "ondansetron", "dose_mg": "4", "route": "iv",
                                                      "taken_at": taken.strftime("%H:%M")})  # fmt: skip
    assert given.status_code == 302 and session.administrations.get().at == taken
    future = (timezone.localtime() + timedelta(minutes=30)).strftime("%H:%M")
    refused = post(client, session, "vitals", {"heart_rate_per_min": "82", "taken_at": future})
    if timezone.localtime().hour < 23:
        assert refused.status_code == 422 and "Time: " in refused.content.decode()
        assert "is in the future" in refused.content.decode() and "between the check-in" in refused.content.decode()
        assert not session.vitals.filter(heart_rate_per_min=82).exists()


def test_an_alert_response_records_who_answered_it_and_when(staff, session, client_for):
    nurse = staff["nurse"]
    s = running(nurse, session)
    sign = services.session_vitals(actor=nurse, session_id=s.pk, expected_version=s.version, now=timezone.now(),
                                   reading=VitalsReading(systolic_mmhg=186, diastolic_mmhg=104))  # fmt: skip
    prescriber = staff["prescriber"]
    client_for(prescriber).post(reverse("infusions:alert_response", args=[session.pk]),
                                {"vital_id": sign.pk, "response_taken": "Paused; resume at half in 10 min"})  # fmt: skip
    sign.refresh_from_db()
    assert sign.response_by == prescriber and abs(sign.response_at - timezone.now()) < timedelta(minutes=1)
    page = client_for(nurse).get(reverse("infusions:session", args=[session.pk])).content.decode()
    assert f"Paused; resume at half in 10 min <small class=\"muted\">— {prescriber.display_name}," in page
    record = session_record_html(InfusionSession.objects.get(pk=session.pk))
    assert f"({prescriber.display_name}, {timezone.localtime(sign.response_at):%H:%M})" in record


def test_a_paused_pump_and_a_moaas_rating_read_in_the_words_nurses_use(staff, session, client_for):
    nurse = staff["nurse"]
    running(nurse, session)
    client = client_for(nurse)
    post(client, session, "pause", {})
    version = InfusionSession.objects.get(pk=session.pk).version
    client.post(reverse("infusions:action", args=[session.pk, "scale"]),
                {"instrument_id": "moaas", "moaas": "responds_to_loud_name", "expected_version": version})  # fmt: skip
    page = client.get(reverse("infusions:session", args=[session.pk])).content.decode()
    paused_at = timezone.localtime(session.rate_events.last().at).strftime("%H:%M")
    assert f'id="current-rate">paused since {paused_at}' in page
    assert "MOAA/S " in page and "MOAAS " not in page
    assert "0.3 mg/kg/h × 120 min = 41.10 mg" in page  # the ordered dose, while it runs


def test_the_check_in_form_says_whether_this_patient_needs_a_pregnancy_test(staff, session, client_for):
    client = client_for(staff["nurse"])
    page = client.get(reverse("infusions:session", args=[session.pk])).content.decode()  # Ana, 46, female
    assert "Required for this patient by policy (could be pregnant, aged 12–55): a negative test." in page
    refused = post(client, session, "check_in", {"escort_confirmed": "on", "pregnancy_test_negative": "unknown"})
    assert "A negative pregnancy test is required by policy" in refused.content.decode()


def test_the_alert_offers_its_suggested_action_as_one_tap_halve_for_amber_and_pause_for_red(
    staff, session, client_for
):
    nurse = staff["nurse"]
    s = running(nurse, session)
    services.session_vitals(actor=nurse, session_id=s.pk, expected_version=s.version, now=timezone.now(),
                            reading=VitalsReading(systolic_mmhg=170, diastolic_mmhg=90))  # fmt: skip
    client = client_for(nurse)
    page = client.get(reverse("infusions:session", args=[session.pk])).content.decode()
    assert "Halve the rate to 0.15 mg/kg/h" in page and "Pause the infusion now" not in page
    s.refresh_from_db()
    services.session_vitals(actor=nurse, session_id=s.pk, expected_version=s.version, now=timezone.now(),
                            reading=VitalsReading(systolic_mmhg=186, diastolic_mmhg=90))  # fmt: skip
    page = client.get(reverse("infusions:session", args=[session.pk])).content.decode()
    assert 'id="alert-pause-button">Pause the infusion now' in page
    assert post(client, session, "pause", {}).status_code == 302
    assert InfusionSession.objects.get(pk=session.pk).status == "paused"
    assert "Pause the infusion now" not in client.get(reverse("infusions:session", args=[session.pk])).content.decode()
