"""Every bad answer is reported at once, each naming its item and the allowed values (a patient filling the
19 ACR areas must not be told about one missing area per submit)."""

from hypothesis import given
from hypothesis import strategies as st

from ketaflow.domain.instruments import INSTRUMENTS
from ketaflow.domain.instruments.acr_fibromyalgia import ACR_2016
from ketaflow.domain.instruments.fiqr import FIQR
from ketaflow.domain.instruments.modified_aldrete import MODIFIED_ALDRETE
from ketaflow.domain.instruments.phq9 import PHQ9


def test_every_unanswered_acr_2016_item_is_listed_with_its_allowed_values():
    problems = ACR_2016.answer_problems({"wpi_neck": True, "symptom_duration_months": 5})
    fields = {p.field for p in problems}
    assert len(fields) == 19 + 6 - 1  # 19 areas and 6 symptom items, neck answered
    assert "wpi_left_jaw" in fields and "sss_fatigue" in fields and "wpi_neck" not in fields
    assert all(p.allowed for p in problems)


def test_bad_answers_and_unknown_items_are_reported_together():
    answers = {f"phq9_{i}": 0 for i in range(1, 10)} | {"phq9_2": 4, "phq9_5": "sometimes", "phq9_99": 1}
    problems = {p.field: p for p in PHQ9.answer_problems(answers)}
    assert set(problems) == {"phq9_2", "phq9_5", "phq9_99"}
    assert "out of range" in problems["phq9_2"].message and "0, 1, 2, 3" in problems["phq9_2"].allowed


def test_fiqr_leaves_missing_items_to_its_own_missing_data_rule():
    assert FIQR.answer_problems({}) == ()
    assert [p.field for p in FIQR.answer_problems({"fiqr_function_1": 11})] == ["fiqr_function_1"]


def test_a_typed_aldrete_circulation_answer_is_explained_as_derived_from_the_baseline():
    answers = {"activity": 2, "respiration": 2, "consciousness": 2, "oxygen_saturation": 2, "circulation": 2}
    (problem,) = MODIFIED_ALDRETE.answer_problems(answers)
    assert problem.field == "circulation" and "baseline" in problem.message


def test_a_mapping_is_required():
    (problem,) = PHQ9.answer_problems([1, 2, 3])
    assert problem.field == "answers"


def test_the_acr_and_fiqr_groups_carry_headings_as_data_and_the_area_question():
    label, prompt = ACR_2016.definition.group_heading("wpi")
    assert "Widespread Pain Index" in label and "past week" in prompt
    assert FIQR.definition.group_heading("overall")[0] == "Overall impact"


@given(answers=st.dictionaries(st.sampled_from(["phq9_1", "phq9_9", "fiqr_function_1", "pain", "x"]),
                               st.one_of(st.none(), st.integers(-5, 12), st.text(max_size=4), st.booleans(),
                                         st.floats(allow_nan=True))),
       instrument_id=st.sampled_from(sorted(INSTRUMENTS)))
def test_answer_problems_never_crashes_and_agrees_with_the_scorer_on_item_errors(answers, instrument_id):
    instrument = INSTRUMENTS[instrument_id]
    problems = instrument.answer_problems(answers)
    assert all(p.field for p in problems)
    if problems:  # the scorer refuses the same answers (item errors come before any scoring option)
        try:
            instrument.score(answers)
        except ValueError:
            return
        raise AssertionError("scored answers that answer_problems refused")
