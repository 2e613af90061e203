"""The session's lifecycle as a table: which action moves which state where (anything else is refused)."""

from __future__ import annotations

from ketaflow.domain.errors import DomainValidationError

SCHEDULED, CHECKED_IN, RUNNING, PAUSED, RECOVERY, DISCHARGED = (
    "scheduled", "checked_in", "running", "paused", "recovery", "discharged",
)  # fmt: skip
STOPPED_EARLY, CANCELLED = "stopped_early", "cancelled"
STATES = (SCHEDULED, CHECKED_IN, RUNNING, PAUSED, RECOVERY, DISCHARGED, STOPPED_EARLY, CANCELLED)
FINAL = frozenset({DISCHARGED, CANCELLED})

TRANSITIONS: dict[tuple[str, str], str] = {
    (SCHEDULED, "check_in"): CHECKED_IN,
    (SCHEDULED, "cancel"): CANCELLED,
    (CHECKED_IN, "start"): RUNNING,
    (CHECKED_IN, "cancel"): CANCELLED,
    (RUNNING, "change_rate"): RUNNING,
    (RUNNING, "pause"): PAUSED,
    (PAUSED, "resume"): RUNNING,
    (RUNNING, "stop"): RECOVERY,
    (PAUSED, "stop"): RECOVERY,
    (RUNNING, "stop_early"): STOPPED_EARLY,
    (PAUSED, "stop_early"): STOPPED_EARLY,
    (STOPPED_EARLY, "discharge"): DISCHARGED,
    (RECOVERY, "discharge"): DISCHARGED,
}
# Charting that does not change the state, and the states it is allowed in.
CHARTING = {
    "vitals": frozenset({CHECKED_IN, RUNNING, PAUSED, RECOVERY, STOPPED_EARLY}),
    "side_effect": frozenset({RUNNING, PAUSED, RECOVERY, STOPPED_EARLY}),
    "administration": frozenset({CHECKED_IN, RUNNING, PAUSED, RECOVERY, STOPPED_EARLY}),
    "scale": frozenset({RUNNING, PAUSED, RECOVERY, STOPPED_EARLY}),
    "waste": frozenset({RECOVERY, STOPPED_EARLY, DISCHARGED}),
}


def next_state(state: str, action: str) -> str:
    if action in CHARTING:
        if state not in CHARTING[action]:
            raise DomainValidationError("action", f"cannot record {action} while the session is {state}",
                                        ", ".join(sorted(CHARTING[action])))  # fmt: skip
        return state
    target = TRANSITIONS.get((state, action))
    if target is None:
        allowed = sorted(a for (s, a) in TRANSITIONS if s == state)
        raise DomainValidationError("action", f"cannot {action.replace('_', ' ')} a session that is {state.replace('_', ' ')}",
                                    ", ".join(allowed) or "none (the session is closed)")  # fmt: skip
    return target
