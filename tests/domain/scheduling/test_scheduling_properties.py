"""Hypothesis: whatever is already booked, proposed slots never collide and respect every rule."""

from datetime import date, time, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st
from scheduling_helpers import booking, calendar, request, utc

from ketaflow.domain.scheduling.series import propose_series

existing_bookings = st.lists(
    st.tuples(st.sampled_from("AB"), st.integers(0, 20), st.integers(6, 18), st.integers(1, 10)).map(
        lambda t: booking(
            t[0], utc(2026, 3, 2 + t[1], t[2]), utc(2026, 3, 2 + t[1], t[2]) + timedelta(hours=t[3])
        )
    ),
    max_size=25,
)


@settings(max_examples=60, deadline=None)
@given(
    existing=existing_bookings,
    n=st.integers(1, 8),
    session_min=st.sampled_from([40, 60, 120, 240]),
    interval_h=st.sampled_from([8, 20, 24, 48]),
    consecutive=st.booleans(),
    preferred_hour=st.integers(6, 19),
)
def test_proposed_slots_never_overlap_and_respect_hours_spacing_and_window(
    existing, n, session_min, interval_h, consecutive, preferred_hour
):
    clinic = calendar(closed=[date(2026, 3, 11)])
    req = request(
        n_sessions=n,
        session_min=session_min,
        recovery_min=30,
        min_interval_h=interval_h,
        window_days=21,
        consecutive_days=consecutive,
        preferred_start=time(preferred_hour),
    )
    result = propose_series(clinic, existing, req)
    if not result.ok:
        assert result.reason and result.slots == ()
        return
    slots = result.slots
    assert len(slots) == n
    for slot in slots:
        day = clinic.local_day(slot.start)
        opens, closes = clinic.opening_utc(day)
        assert opens <= slot.start and slot.end <= closes
        assert all(not b.overlaps(slot.start, slot.end) for b in existing if b.chair_id == slot.chair_id)
    for a, b in zip(slots, slots[1:], strict=False):
        assert b.start - a.start >= timedelta(hours=interval_h)
        assert a.end <= b.start
    span = (clinic.local_day(slots[-1].start) - clinic.local_day(slots[0].start)).days + 1
    assert span <= 21
