"""Scheduling decisions carry inputs the shell can store as JSON, with rule version and Source."""

import json

from scheduling_helpers import booking, request, utc

from ketaflow.domain.scheduling.checks import validate_booking
from ketaflow.domain.scheduling.series import propose_series, series_fits


def test_scheduling_results_have_json_inputs_a_rule_version_and_a_source(clinic):
    booked = [booking("A", utc(2026, 3, 2, 8), utc(2026, 3, 2, 10), booking_id="s1")]
    results = [
        propose_series(clinic, [], request()),
        series_fits(clinic, booked, booked, request(n_sessions=3)),
        validate_booking(
            clinic,
            booked,
            booking("A", utc(2026, 3, 3, 8), utc(2026, 3, 3, 10)),
            plan_sessions=booked,
            min_interval_h=20,
            window_days=21,
        ),
    ]
    for result in results:
        assert json.loads(json.dumps(result.inputs)) == result.inputs
        assert result.rule_version and result.source.kind == "clinic policy"
