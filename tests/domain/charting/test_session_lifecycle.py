"""The session lifecycle table: every allowed move, and refusals that say what is allowed."""

import pytest

from ketaflow.domain.charting.lifecycle import STATES, TRANSITIONS, next_state
from ketaflow.domain.errors import DomainValidationError


def test_the_happy_path_goes_from_scheduled_to_discharged():
    state = "scheduled"
    for action in ("check_in", "start", "change_rate", "pause", "resume", "stop", "discharge"):
        state = next_state(state, action)
    assert state == "discharged"


def test_an_infusion_cannot_start_before_check_in_and_the_error_lists_what_is_allowed():
    with pytest.raises(DomainValidationError) as err:
        next_state("scheduled", "start")
    assert err.value.field == "action" and "check_in" in err.value.allowed


@pytest.mark.parametrize("state", STATES)
def test_every_state_either_allows_an_action_or_is_final(state):
    actions = [a for (s, a) in TRANSITIONS if s == state]
    assert actions or state in ("discharged", "cancelled")


def test_vitals_can_be_charted_in_recovery_but_not_after_discharge():
    assert next_state("recovery", "vitals") == "recovery"
    with pytest.raises(DomainValidationError, match="cannot record vitals"):
        next_state("discharged", "vitals")
