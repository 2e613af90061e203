"""A clinic's own maximum weight age replaces the labelled default soft limit and names itself in the version."""

import pytest
from order_builders import NOW, standard_order, weighed

from ketaflow.domain.dosing import DEFAULT_POLICY, SOFT, check_order, with_weight_max_age
from ketaflow.domain.protocols import protocol_get


def test_the_default_thirty_days_leaves_the_policy_unchanged():
    assert with_weight_max_age(DEFAULT_POLICY, 30) is DEFAULT_POLICY


def test_a_stricter_setting_is_the_soft_limit_and_the_hard_limit_stays_the_default():
    policy = with_weight_max_age(DEFAULT_POLICY, 14)
    assert policy.weight_age_days.soft_max == 14 and policy.weight_age_days.hard_max == 90
    assert policy.version == f"{DEFAULT_POLICY.version}+weight-age-14d"
    assert "clinic setting: 14 days" in policy.weight_age_days.source.citation


def test_a_looser_setting_than_the_hard_default_raises_both_limits():
    policy = with_weight_max_age(DEFAULT_POLICY, 120)
    assert policy.weight_age_days.soft_max == 120 and policy.weight_age_days.hard_max == 120


@pytest.mark.parametrize("days", [0, 366, 7.5, True])
def test_a_setting_outside_one_to_365_whole_days_is_refused(days):
    with pytest.raises(ValueError, match="1-365"):
        with_weight_max_age(DEFAULT_POLICY, days)


def test_a_twenty_day_old_weight_needs_a_reason_only_under_a_fourteen_day_setting():
    protocol = protocol_get("fibromyalgia_induction")
    default = check_order(order=standard_order(), protocol=protocol, patient=weighed(days_ago=20), now=NOW)
    strict = check_order(order=standard_order(), protocol=protocol, patient=weighed(days_ago=20), now=NOW,
                         policy=with_weight_max_age(DEFAULT_POLICY, 14))  # fmt: skip
    assert default.result("weight_age_days").status != SOFT
    assert strict.result("weight_age_days").status == SOFT
