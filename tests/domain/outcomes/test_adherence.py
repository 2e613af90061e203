"""Diary attention (clinic policy): an overdue questionnaire, or 3 of the last 7 days with no daily entry."""

from datetime import UTC, date, datetime, timedelta

import pytest

from ketaflow.domain.errors import DomainValidationError
from ketaflow.domain.outcomes.adherence import AttentionPolicy, diary_attention
from ketaflow.domain.outcomes.diary_schedule import CompletedEntry, diary_status

FIRST = date(2026, 10, 1)
SERIES = [[FIRST + timedelta(days=2 * i) for i in range(6)]]
TODAY = date(2026, 11, 20)
NOW = datetime(2026, 11, 20, 12, tzinfo=UTC)


def status(completed):
    return diary_status(SERIES, completed, now=NOW, zone_name="UTC", patient_ref="p")


def pain_on(days):
    return [CompletedEntry("pain_nrs_average_24h", TODAY - timedelta(days=d)) for d in days]


def questionnaires_done():
    days = [FIRST + timedelta(days=k) for k in range(0, 60)]
    return [CompletedEntry(i, d) for d in days for i in ("fiqr", "phq9", "gad7", "pgic")]


def test_a_pain_entry_alone_counts_the_day_as_filled():
    result = diary_attention(status(pain_on(range(1, 8)) + questionnaires_done()))
    assert result.missed_daily_days == 0


def test_three_empty_days_in_the_last_week_need_attention():
    result = diary_attention(status(pain_on([1, 2, 3, 4]) + questionnaires_done()))
    assert result.needed and result.missed_daily_days == 3
    assert "3 of the last 7 diary days missed" in result.reason


def test_two_empty_days_do_not():
    result = diary_attention(status(pain_on([1, 2, 3, 4, 5]) + questionnaires_done()))
    assert result.missed_daily_days == 2 and not result.overdue and not result.needed


def test_the_rule_is_labelled_clinic_policy():
    result = diary_attention(status([]))
    assert result.source.kind == "clinic policy" and result.rule_version == result.source.version


def test_a_limit_above_the_lookback_is_refused():
    with pytest.raises(DomainValidationError) as err:
        AttentionPolicy(missed_daily_limit=9, lookback_days=7)
    assert err.value.field == "missed_daily_limit"


def test_an_overdue_questionnaire_is_named_as_staff_name_it_and_kept_by_id_in_the_inputs():
    done = [e for e in questionnaires_done() if e.instrument != "fiqr"]
    later = diary_status(SERIES, pain_on(range(-1, 8)) + done, now=NOW + timedelta(days=2), zone_name="UTC", patient_ref="p")
    result = diary_attention(later)  # the FIQR due on 19 November is past its 2-day grace on the 22nd
    assert result.needed and any(o.startswith("FIQR due ") for o in result.overdue)
    assert "overdue: FIQR due" in result.reason
    assert any(o.startswith("fiqr due ") for o in result.inputs["overdue"])
