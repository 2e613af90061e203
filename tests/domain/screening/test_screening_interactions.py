"""The clinical.md §5 interaction table and the contraindication rules, as data keyed by coded lists."""

import pytest
from screening_builders import codes, decide

from ketaflow.domain.codes import code_list
from ketaflow.domain.evidence import load_studies
from ketaflow.domain.screening import INTERACTIONS, RULES, evidence_for

DRUG_CLASSES = {c.code for c in code_list("drug_classes")}
COMORBIDITIES = {c.code for c in code_list("comorbidities")}


def test_every_interaction_is_keyed_by_a_known_drug_class_code_and_cites_a_known_source():
    for entry in INTERACTIONS["interactions"]:
        assert entry["drug_class"] in DRUG_CLASSES
        assert entry["source"] == "clinic_policy" or entry["source"] in RULES["sources"]
        assert entry["severity"] in {"absolute", "relative", "info"}
    for combo in INTERACTIONS["combinations"]:
        assert set(combo["drug_classes"]) <= DRUG_CLASSES


def test_every_contraindication_rule_is_keyed_by_a_known_comorbidity_code_with_known_evidence():
    study_ids = {s.id for s in load_studies()}
    for rule in RULES["comorbidity_rules"]:
        assert rule["code"] in COMORBIDITIES
        assert rule["source"] == "clinic_policy" or rule["source"] in RULES["sources"]
        assert set(rule.get("evidence_ids", ())) <= study_ids
    for spec in RULES["indications"].values():
        assert set(spec["evidence_ids"]) <= study_ids


def test_the_interaction_table_covers_the_classes_clinical_md_section_5_names():
    covered = {e["drug_class"] for e in INTERACTIONS["interactions"]}
    assert {"benzodiazepine", "lamotrigine", "maoi", "stimulant", "cyp3a4_inhibitor", "cyp2b6_inhibitor",
            "cyp_inducer", "theophylline", "thyroid_hormone", "cns_depressant_other", "opioid"} <= covered


@pytest.mark.parametrize(("drug_class", "severity", "outcome"), [
    ("benzodiazepine", "relative", "needs_review"),
    ("maoi", "relative", "needs_review"),
    ("stimulant", "relative", "needs_review"),
    ("theophylline", "relative", "needs_review"),
    ("cyp3a4_inhibitor", "relative", "needs_review"),
    ("lamotrigine", "info", "eligible"),
    ("cyp_inducer", "info", "eligible"),
    ("thyroid_hormone", "info", "eligible"),
    ("opioid", "info", "eligible"),
])
def test_screening_medication_classes_raise_their_interaction(drug_class, severity, outcome):
    decision = decide(medication_class_codes={drug_class})
    reason = next(r for r in decision.reasons if r.code == f"interaction_{drug_class}")
    assert reason.severity == severity
    assert decision.outcome == outcome


def test_screening_theophylline_reason_cites_the_drug_label_and_seizure_risk():
    reason = next(r for r in decide(medication_class_codes={"theophylline"}).reasons
                  if r.code == "interaction_theophylline")
    assert reason.source.kind == "label"
    assert "seizure" in reason.message


def test_screening_nsaid_raises_no_interaction_reason():
    assert not any(c.startswith("interaction_") for c in codes(decide(medication_class_codes={"nsaid"})))


def test_screening_two_cns_depressant_classes_need_review_although_each_alone_is_info():
    assert decide(medication_class_codes={"opioid"}).outcome == "eligible"
    decision = decide(medication_class_codes={"opioid", "muscle_relaxant"})
    assert "multiple_cns_depressants" in codes(decision, "relative")
    assert decision.outcome == "needs_review"


def test_evidence_for_returns_the_cited_studies():
    reason = next(r for r in decide().reasons if r.code == "evidence_for_indication")
    assert [s.id for s in evidence_for(reason)][:1] == ["cohen_2018_asra_guideline"]


def test_depression_indication_cites_the_mood_disorder_consensus_not_the_pain_guideline():
    reason = next(r for r in decide(indication="depression").reasons if r.code == "evidence_for_indication")
    assert "Mood Disorders" in reason.source.citation
