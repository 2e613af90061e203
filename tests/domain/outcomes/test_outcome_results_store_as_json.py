"""Every outcome decision carries inputs the shell can store as JSON, with rule version and Source."""

import json
from datetime import UTC, date, datetime, timedelta

from ketaflow.domain.outcomes.baseline import baseline_assess
from ketaflow.domain.outcomes.diary_schedule import diary_status
from ketaflow.domain.outcomes.diary_window import PainDiaryEntry
from ketaflow.domain.outcomes.follow_up import pain_response_at_day
from ketaflow.domain.outcomes.proposals import propose_after_series
from ketaflow.domain.outcomes.relapse import detect_relapse, phq9_relapse
from ketaflow.domain.outcomes.response import fiqr_change, pain_response, pgic_response, phq9_response
from ketaflow.domain.outcomes.survival import kaplan_meier, relapse_survival_record

DAY = date(2026, 3, 2)


def test_every_outcome_result_has_json_inputs_a_rule_version_and_a_source():
    diary = [PainDiaryEntry(DAY + timedelta(days=k), 8 if k < 0 else 3) for k in range(-7, 30)]
    baseline = baseline_assess(diary, DAY, intake_fiqr_total=55.5, intake_phq9_total=12)
    relapse = detect_relapse(
        8, diary, response_start_day=DAY + timedelta(days=14), as_of_day=DAY + timedelta(days=29)
    )
    results = [
        baseline,
        pain_response(7, 4.9),
        pgic_response("much improved"),
        fiqr_change(60, 40),
        phq9_response(20, 8),
        relapse,
        phq9_relapse(20, 12),
        propose_after_series(
            series_complete=True, response=pain_response(8, 3), relapse=relapse, booster_protocol_code="b"
        ),
        pain_response_at_day(baseline, diary, last_infusion_day=DAY + timedelta(days=11), days_after=14),
        diary_status(
            [[DAY]], [], now=datetime(2026, 3, 5, tzinfo=UTC), zone_name="Europe/Berlin", patient_ref="p"
        ),
        relapse_survival_record(DAY, None, data_cut_day=DAY + timedelta(days=30), last_diary_day=DAY),
        kaplan_meier([1, 2], [True, False]),
    ]
    for result in results:
        assert json.loads(json.dumps(result.inputs)) == result.inputs, type(result).__name__
        assert result.rule_version
        assert result.source.citation
