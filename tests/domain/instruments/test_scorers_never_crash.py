"""Property: whatever answers arrive, a scorer returns a ScoreResult or raises DomainValidationError."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ketaflow.domain.errors import DomainValidationError
from ketaflow.domain.instruments import INSTRUMENTS, ScoreResult

ANSWER = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-20, max_value=1300), st.floats(allow_nan=True),
    st.text(max_size=6), st.sampled_from(["yes", "no", "3", "much_improved", "nearly_every_day", " 2 "]),
)


CONTEXT_KEYS = ["band_set", "missing_rule", "baseline_systolic_mmhg", "current_systolic_mmhg", "circulation_rule",
                "discharge_rule", "bogus"]


@st.composite
def instrument_and_answers(draw):
    instrument_id = draw(st.sampled_from(sorted(INSTRUMENTS)))
    link_ids = list(INSTRUMENTS[instrument_id].definition.link_ids)
    keys = st.one_of(st.sampled_from(link_ids), st.text(max_size=8))
    answers = draw(st.dictionaries(keys, ANSWER, max_size=len(link_ids) + 2))
    if draw(st.booleans()):  # mostly-valid answer sets reach the scoring arithmetic, not only validation
        for item in INSTRUMENTS[instrument_id].definition.items:
            if item.kind == "integer":
                answers.setdefault(item.link_id, draw(st.integers(item.minimum, item.maximum)))
            else:
                answers.setdefault(item.link_id, draw(st.sampled_from([o.points for o in item.options] + [None])))
    context = draw(st.sampled_from([{}, {"baseline_systolic_mmhg": 120, "current_systolic_mmhg": 100}]))
    if draw(st.booleans()):  # scoring options with arbitrary values, including unhashable ones
        context = {**context, **draw(st.dictionaries(st.sampled_from(CONTEXT_KEYS),
                                                     st.one_of(ANSWER, st.lists(st.integers(), max_size=2)),
                                                     max_size=3))}
    return instrument_id, answers, context


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instrument_and_answers())
def test_no_input_crashes_a_scorer(case):
    instrument_id, answers, context = case
    try:
        result = INSTRUMENTS[instrument_id].score(answers, **context)
    except DomainValidationError as error:
        assert error.field
        return
    assert isinstance(result, ScoreResult)
    assert result.instrument_id == instrument_id
    assert result.invalid == (result.total is None)
    assert result.rule_version
