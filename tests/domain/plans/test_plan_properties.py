"""Hypothesis: an escalating plan never passes its cap, never falls, and every clamp has a note."""

from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from ketaflow.domain.plans.generate import generate_plan
from ketaflow.domain.plans.spec import Dose, PlanSpec

tenths = st.integers(1, 20).map(lambda n: Fraction(n, 10))


@given(
    start=tenths,
    step=st.integers(1, 5).map(lambda n: Fraction(n, 20)),
    extra=st.integers(0, 10),
    n=st.integers(2, 15),
)
def test_escalation_is_non_decreasing_capped_and_every_held_session_is_noted(start, step, extra, n):
    cap = start + Fraction(extra, 10)
    spec = PlanSpec(
        "escalating",
        n,
        Dose(start, "rate_mg_per_kg_per_h"),
        240,
        15,
        escalation_step=step,
        escalation_cap=cap,
    )
    plan = generate_plan(spec)
    values = [s.dose.value for s in plan.sessions]
    assert values[0] == start
    assert all(v <= cap for v in values)
    assert values == sorted(values)
    held = [s.index for s in plan.sessions if s.held_at_cap]
    assert [note.session_index for note in plan.notes] == held
    for s in plan.sessions:
        assert s.held_at_cap == (start + (s.index - 1) * step > cap)
