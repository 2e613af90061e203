"""The chart's timeline SVG and the outcome pages' query counts, which must not grow with a patient's history."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from ketaflow.reports.timeline import GoalLine, Infusion, TimelineInput, timeline_svg
from ketaflow.synth.outcomes import diary_days, relapse_story

DAY = dt.date(2026, 11, 1)


def test_the_timeline_draws_doses_side_effects_scores_goal_lines_and_markers():
    ti = TimelineInput(
        today=DAY + dt.timedelta(days=20),
        infusions=[Infusion(DAY + dt.timedelta(days=i), 0.6, "given", "induction") for i in range(0, 12, 2)],
        side_effects=[(DAY, "nausea_vomiting")],
        scores={"pain_nrs_average_24h": [(DAY + dt.timedelta(days=i), 8 - i % 5) for i in range(20)],
                "phq9": [(DAY, 16.0), (DAY + dt.timedelta(days=14), 9.0)]},
        goals=[GoalLine("pain_nrs_average_24h", 5.6, "goal: pain at least 30 % below baseline", DAY, DAY + dt.timedelta(days=30)),
               GoalLine("phq9", 10, "goal: PHQ-9 total below 10", DAY, DAY + dt.timedelta(days=30))],
        markers=[(DAY + dt.timedelta(days=18), "relapse (policy)")],
    )  # fmt: skip
    svg = timeline_svg(ti)
    assert svg.startswith("<?xml") and "goal: pain at least 30 % below baseline" in svg
    assert "relapse (policy)" in svg and "side effect charted" in svg
    assert "infusion given (delivered mg/kg)" in svg and "PHQ-9 (0–27)" in svg


def test_pgic_answers_are_drawn_by_their_label_not_their_number():
    svg = timeline_svg(TimelineInput(today=DAY, pgic=[(DAY - dt.timedelta(days=3), "Much improved")]))
    assert "PGIC: Much improved" in svg and "PGIC answer (label as given)" in svg


@pytest.mark.django_db
def test_the_timeline_data_carries_the_patients_pgic_answers(patients, staff):
    from ketaflow.clinic.assessments.services import assessment_record
    from ketaflow.clinic.outcomes.timeline import timeline_data, timeline_input

    assessment_record(actor=staff["nurse"], patient=patients["ana"], instrument_id="pgic", answers={"pgic": "much_improved"})
    data = timeline_data(timeline_input(patient=patients["ana"]))
    assert data["pgic"] == [{"day": timezone.localdate().isoformat(), "answer": "Much improved"}]


def test_a_patient_without_scores_gets_an_empty_but_labelled_timeline():
    svg = timeline_svg(TimelineInput(today=DAY))
    assert "no scores recorded yet" in svg


def _queries(client, path) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(path).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.django_db
def test_page_queries_do_not_grow_with_diary_history(patients, staff, client_for):
    relapse_story(patients["ana"], staff["prescriber"], staff["nurse"], today=timezone.localdate(), confirm_today=True)
    client = client_for(staff["prescriber"])
    panel = f"/patients/{patients['ana'].pk}/outcomes/?partial=panel"
    client.get(panel), client.get("/worklist/")
    before = (_queries(client, panel), _queries(client, "/worklist/"),
              _queries(client, f"/patients/{patients['ana'].pk}/outcomes/timeline.svg"))  # fmt: skip
    diary_days(patients["ana"], staff["nurse"], first_day=timezone.localdate() - dt.timedelta(days=120), values=[5] * 40)
    client.get(panel), client.get("/worklist/")  # re-evaluated once: the new history changed the fingerprint
    after = (_queries(client, panel), _queries(client, "/worklist/"),
             _queries(client, f"/patients/{patients['ana'].pk}/outcomes/timeline.svg"))  # fmt: skip
    assert after == before


@pytest.mark.django_db
def test_the_worklist_costs_the_same_for_one_or_three_patients_once_evaluated(patients, staff, client_for, make_user):
    from tests.conftest import register

    client = client_for(staff["nurse"])
    relapse_story(patients["ana"], staff["prescriber"], staff["nurse"], today=timezone.localdate(), confirm_today=True)
    client.get("/worklist/")
    one = _queries(client, "/worklist/")
    for name in ("Cara", "Dov"):
        other = register(staff["front_desk"], given_name=name, family_name="Vale")
        relapse_story(other, staff["prescriber"], staff["nurse"], today=timezone.localdate(), confirm_today=True)
    client.get("/worklist/")
    assert _queries(client, "/worklist/") == one


def test_each_charted_side_effect_is_named_on_the_timeline_once_per_day():
    ti = TimelineInput(today=DAY + dt.timedelta(days=5), infusions=[Infusion(DAY, 0.5, "given", "induction")],
                       side_effects=[(DAY, "nausea_vomiting"), (DAY, "dissociation"), (DAY, "nausea_vomiting")])  # fmt: skip
    svg = timeline_svg(ti)
    assert "dissociation, nausea vomiting" in svg and svg.count("nausea vomiting") == 1
    assert "today" in svg
