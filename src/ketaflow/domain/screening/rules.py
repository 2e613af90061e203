"""Eligibility screening: intake + assessments -> eligible / needs prescriber review / not eligible.

The rules are data (rules.json: contraindications by comorbidity code; interactions.json: the
clinical.md §5 table by drug-class code); this module applies them and the clinic's
:class:`ScreeningPolicy`. Outcome, strictest first:
- any ``absolute`` reason (contraindication, ketamine allergy, under minimum age) or ``not_met``
  inclusion criterion -> ``not_eligible``;
- otherwise any ``relative`` reason -> ``needs_review``;
- otherwise ``eligible``.
Every reason is listed, not only the first, each with its source.
"""

from __future__ import annotations

from dataclasses import fields
from datetime import date
from functools import cache
from typing import Any

from ketaflow.domain.codes import code_list
from ketaflow.domain.errors import DomainValidationError
from ketaflow.domain.evidence import study
from ketaflow.domain.instruments.base import ScoreResult, load_json, source_from
from ketaflow.domain.screening.model import (
    Reason,
    ScreeningDecision,
    ScreeningInput,
    ScreeningPolicy,
    TherapyTrial,
)
from ketaflow.domain.sources import Source

RULES = load_json(__package__, "rules.json")
INTERACTIONS = load_json(__package__, "interactions.json")
RULE_SET_VERSION = f"{RULES['version']}; {INTERACTIONS['version']}"
ACR_VERSIONS = ("2010", "2011", "2016")
ACR_DETAILS = frozenset({"criteria_version", "criteria_met", "wpi", "sss"})


@cache
def _codes(name: str) -> frozenset[str]:
    return frozenset(c.code for c in code_list(name))


@cache
def _therapy_groups() -> dict[str, str]:
    return {c.code: c.group for c in code_list("prior_therapies")}


def _source(key: str, policy: ScreeningPolicy, what: str) -> Source:
    if key == "clinic_policy":
        return policy.source(what)
    return source_from(RULES["sources"][key])


def screen(screening_input: ScreeningInput, *, screened_on: date) -> ScreeningDecision:
    """Apply the rule set to one patient. ``screened_on`` is the clinic's date (the clock is an input)."""
    _validate(screening_input, screened_on)
    s, policy = screening_input, screening_input.policy
    reasons = [
        *_allergy_reasons(s),
        *_age_reasons(s, policy),
        *_indication_reasons(s, policy, screened_on),
        *_treatment_resistance_reasons(s, policy),
        *_comorbidity_reasons(s, policy),
        *_interaction_reasons(s, policy),
        *_phq9_reasons(s, policy, screened_on),
    ]
    severities = {r.severity for r in reasons}
    if severities & {"absolute", "not_met"}:
        outcome = "not_eligible"
    elif "relative" in severities:
        outcome = "needs_review"
    else:
        outcome = "eligible"
    return ScreeningDecision(outcome=outcome, reasons=tuple(reasons), rule_set_version=RULE_SET_VERSION,
                             policy_version=policy.version, screened_on=screened_on,
                             inputs={**s.as_dict(), "screened_on": screened_on.isoformat()})


# --- rules -------------------------------------------------------------------------------------


def _allergy_reasons(s: ScreeningInput) -> list[Reason]:
    hits = sorted(a for a in s.allergy_codes if a.strip().lower() in RULES["allergy_hard_stop_codes"])
    if not hits:
        return []
    return [Reason("ketamine_allergy", "absolute", f"Documented allergy to {', '.join(hits)}: ketamine must not be given.",
                   source_from(RULES["sources"][RULES["allergy_source"]]))]


def _age_reasons(s: ScreeningInput, policy: ScreeningPolicy) -> list[Reason]:
    if s.age_years < policy.min_age_years:
        return [Reason("below_minimum_age", "absolute",
                       f"Age {s.age_years} years is below the clinic's minimum of {policy.min_age_years}.",
                       policy.source(f"minimum age {policy.min_age_years} years"))]
    if s.age_years > policy.review_above_age_years:
        return [Reason("age_review", "relative",
                       f"Age {s.age_years} years is above {policy.review_above_age_years}: prescriber review "
                       "(an ED protocol lists age > 75 as do-not-start).",
                       policy.source(f"review above age {policy.review_above_age_years} years"))]
    return []


def _indication_reasons(s: ScreeningInput, policy: ScreeningPolicy, today: date) -> list[Reason]:
    spec = RULES["indications"][s.indication]
    reasons = [Reason("evidence_for_indication", "info", spec["evidence_message"],
                      source_from(RULES["sources"][spec["source"]]), tuple(spec["evidence_ids"]))]
    if not spec["requires_fibromyalgia_criteria"]:
        return reasons

    acr = s.acr_result
    acr_met = False
    if acr is not None:
        year = acr.details["criteria_version"]
        if year not in policy.accepted_acr_versions:
            reasons.append(Reason("acr_version_not_accepted", "info",
                                  f"ACR {year} criteria are not accepted by clinic policy "
                                  f"(accepted: {', '.join(sorted(policy.accepted_acr_versions))}).",
                                  policy.source("accepted ACR criteria versions")))
        else:
            acr_met = bool(acr.details["criteria_met"])
            reasons.append(Reason("fibromyalgia_criteria_met" if acr_met else "fibromyalgia_criteria_not_met",
                                  "met" if acr_met else "info",
                                  f"ACR {year} fibromyalgia criteria {'met' if acr_met else 'not met'} "
                                  f"(WPI {acr.details['wpi']}, SSS {acr.details['sss']}).", acr.source))
            reasons.extend(_stale("acr_stale", "ACR criteria assessment", s.acr_assessed_on, today, policy))

    if not acr_met and s.documented_fibromyalgia_diagnosis and policy.accept_documented_diagnosis:
        reasons.append(Reason("fibromyalgia_documented_diagnosis", "met",
                              "Documented fibromyalgia diagnosis accepted in place of ACR criteria.",
                              policy.source("documented diagnosis accepted for fibromyalgia")))
    elif not acr_met:
        reasons.append(Reason("fibromyalgia_diagnosis_not_established", "not_met",
                              "Fibromyalgia not established: no ACR criteria met and no accepted documented diagnosis.",
                              policy.source("fibromyalgia diagnosis required for the fibromyalgia indication")))
    return reasons


def _treatment_resistance_reasons(s: ScreeningInput, policy: ScreeningPolicy) -> list[Reason]:
    if not policy.require_treatment_resistance:
        return []
    groups = _therapy_groups()
    failed = sorted({t.therapy_code for t in s.therapy_trials
                     if t.adequate and t.outcome_code in policy.failure_outcomes
                     and groups[t.therapy_code] in policy.counted_therapy_groups})
    needed = policy.min_failed_therapy_classes
    what = (f"treatment resistance = at least {needed} failed adequate trials of distinct "
            f"{'/'.join(sorted(policy.counted_therapy_groups))} therapy classes "
            f"(counting outcomes: {', '.join(sorted(policy.failure_outcomes))})")
    listed = ", ".join(failed) or "none"
    if len(failed) >= needed:
        return [Reason("treatment_resistance_met", "met",
                       f"Treatment resistance met: {len(failed)} failed classes ({listed}); policy needs {needed}.",
                       policy.source(what))]
    return [Reason("treatment_resistance_not_met", "not_met",
                   f"Treatment resistance not met: {len(failed)} failed classes ({listed}); policy needs {needed}.",
                   policy.source(what))]


def _comorbidity_reasons(s: ScreeningInput, policy: ScreeningPolicy) -> list[Reason]:
    reasons = []
    for rule in RULES["comorbidity_rules"]:
        if rule["code"] not in s.comorbidity_codes:
            continue
        severity = rule["severity"]
        message = rule["message"]
        if not s.serial_infusions_planned and "severity_if_single_infusion" in rule:
            severity = rule["severity_if_single_infusion"]
            message += " Only a single infusion is planned: prescriber review."
        reasons.append(Reason(rule["code"], severity, message,
                              _source(rule["source"], policy, rule["message"]), tuple(rule.get("evidence_ids", ()))))
    lo, hi = policy.pregnancy_check_age_years
    if s.sex == "female" and lo <= s.age_years <= hi and "pregnancy" not in s.comorbidity_codes:
        reasons.append(Reason("confirm_pregnancy_status", "info",
                              "Confirm pregnancy status before the course: pregnancy is a contraindication.",
                              policy.source(f"pregnancy status check for female patients aged {lo}-{hi}")))
    return reasons


def _interaction_reasons(s: ScreeningInput, policy: ScreeningPolicy) -> list[Reason]:
    reasons = []
    for entry in INTERACTIONS["interactions"]:
        if entry["drug_class"] in s.medication_class_codes:
            reasons.append(Reason(f"interaction_{entry['drug_class']}", entry["severity"],
                                  f"{entry['effect']} Action: {entry['action']}",
                                  _source(entry["source"], policy, entry["effect"])))
    for combo in INTERACTIONS["combinations"]:
        present = sorted(set(combo["drug_classes"]) & s.medication_class_codes)
        if len(present) >= combo["min_count"]:
            reasons.append(Reason(combo["code"], combo["severity"], f"{combo['message']} Present: {', '.join(present)}.",
                                  _source(combo["source"], policy, combo["message"])))
    return reasons


def _phq9_reasons(s: ScreeningInput, policy: ScreeningPolicy, today: date) -> list[Reason]:
    phq9 = s.phq9_result
    if phq9 is None or phq9.invalid:
        if not policy.require_phq9:
            return []
        return [Reason("phq9_missing", "relative", "No valid PHQ-9 on file: psychiatric screening incomplete.",
                       policy.source("PHQ-9 required before screening"))]
    kroenke = source_from(RULES["sources"]["kroenke_2001"])
    reasons = []
    if phq9.inputs.get("phq9_9"):
        reasons.append(Reason("phq9_suicide_risk", "relative",
                              "PHQ-9 item 9 above 0: suicide-risk assessment by a clinician before treatment.", kroenke))
    total = int(phq9.total) if phq9.total is not None else 0
    if total >= policy.phq9_review_total:
        reasons.append(Reason("phq9_severe", "relative",
                              f"PHQ-9 total {total} ({phq9.band}): prescriber review of depression severity.",
                              policy.source(f"PHQ-9 total >= {policy.phq9_review_total} needs review")))
    else:
        reasons.append(Reason("phq9_recorded", "info", f"PHQ-9 total {total} ({phq9.band}).", phq9.source))
    reasons.extend(_stale("phq9_stale", "PHQ-9", s.phq9_assessed_on, today, policy))
    return reasons


def _stale(code: str, what: str, assessed_on: date | None, today: date, policy: ScreeningPolicy) -> list[Reason]:
    if assessed_on is None:
        return []
    age_days = (today - assessed_on).days
    if age_days <= policy.max_assessment_age_days:
        return []
    return [Reason(code, "relative", f"{what} is {age_days} days old (policy: at most "
                   f"{policy.max_assessment_age_days}); repeat it or confirm it still applies.",
                   policy.source(f"assessments older than {policy.max_assessment_age_days} days need review"))]


# --- validation --------------------------------------------------------------------------------


def _validate(s: Any, screened_on: Any) -> None:
    if not isinstance(s, ScreeningInput):
        raise DomainValidationError("screening_input", "must be a ScreeningInput")
    if not isinstance(screened_on, date):
        raise DomainValidationError("screened_on", "must be a date", "datetime.date")
    if isinstance(s.age_years, bool) or not isinstance(s.age_years, int) or not 0 <= s.age_years <= 130:
        raise DomainValidationError("age_years", f"not a valid age: {s.age_years!r}", "whole number 0..130")
    _check_code("sex", s.sex, _codes("sexes"))
    _check_code("indication", s.indication, frozenset(RULES["indications"]))
    for code in s.comorbidity_codes:
        _check_code("comorbidity_codes", code, _codes("comorbidities"))
    for code in s.medication_class_codes:
        _check_code("medication_class_codes", code, _codes("drug_classes"))
    for trial in s.therapy_trials:
        if not isinstance(trial, TherapyTrial):
            raise DomainValidationError("therapy_trials", "each trial must be a TherapyTrial")
        _check_code("therapy_trials.therapy_code", trial.therapy_code, _codes("prior_therapies"))
        _check_code("therapy_trials.outcome_code", trial.outcome_code, _codes("therapy_outcomes"))
    for allergy in s.allergy_codes:
        if not isinstance(allergy, str):
            raise DomainValidationError("allergy_codes", f"not text: {allergy!r}")
    _check_result("acr_result", s.acr_result, lambda i: i.startswith("acr_fm_"), "acr_fm_2010/2011/2016")
    if s.acr_result is not None and not ACR_DETAILS <= set(s.acr_result.details):
        raise DomainValidationError("acr_result", "ACR result lacks its decision details", ", ".join(sorted(ACR_DETAILS)))
    _check_result("phq9_result", s.phq9_result, lambda i: i == "phq9", "phq9")
    for name in ("acr_assessed_on", "phq9_assessed_on"):
        value = getattr(s, name)
        if value is not None and (not isinstance(value, date) or value > screened_on):
            raise DomainValidationError(name, f"must be a date not after the screening date, got {value!r}")
    _validate_policy(s.policy)


def policy_from_dict(data: Any) -> ScreeningPolicy:
    """A clinic's screening policy from plain data (a JSON policy file): ``version`` is required, any
    other field of :class:`ScreeningPolicy` may be given, the rest keep their labelled defaults. An
    unknown field or a bad value is a validation error naming it, never silently ignored."""
    known = {f.name for f in fields(ScreeningPolicy)}
    if not isinstance(data, dict):
        raise DomainValidationError("policy", "must be an object", ", ".join(sorted(known)))
    if not isinstance(data.get("version"), str) or not data["version"].strip():
        raise DomainValidationError("policy.version", "is required: name the policy version the clinic signed off",
                                    "non-empty text")
    for key in data:
        if key not in known:
            raise DomainValidationError(f"policy.{key}", "unknown policy field", ", ".join(sorted(known)))
    values = dict(data)
    for name in ("failure_outcomes", "counted_therapy_groups", "accepted_acr_versions"):
        if name in values:
            if not isinstance(values[name], list) or not all(isinstance(v, str) for v in values[name]):
                raise DomainValidationError(f"policy.{name}", "must be a list of codes")
            values[name] = frozenset(values[name])
    if "pregnancy_check_age_years" in values:
        ages = values["pregnancy_check_age_years"]
        if (not isinstance(ages, list) or len(ages) != 2
                or not all(isinstance(a, int) and not isinstance(a, bool) for a in ages) or ages[0] > ages[1]):
            raise DomainValidationError("policy.pregnancy_check_age_years", "must be [lowest, highest] age",
                                        "two whole numbers, lowest first")
        values["pregnancy_check_age_years"] = tuple(ages)
    for name in ("require_treatment_resistance", "accept_documented_diagnosis", "require_phq9"):
        if name in values and not isinstance(values[name], bool):
            raise DomainValidationError(f"policy.{name}", f"must be true or false, got {values[name]!r}", "true, false")
    policy = ScreeningPolicy(**values)
    _validate_policy(policy)
    return policy


def _validate_policy(p: Any) -> None:
    if not isinstance(p, ScreeningPolicy):
        raise DomainValidationError("policy", "must be a ScreeningPolicy")
    for outcome in p.failure_outcomes:
        _check_code("policy.failure_outcomes", outcome, _codes("therapy_outcomes"))
    for group in p.counted_therapy_groups:
        _check_code("policy.counted_therapy_groups", group, frozenset(_therapy_groups().values()))
    for year in p.accepted_acr_versions:
        _check_code("policy.accepted_acr_versions", year, frozenset(ACR_VERSIONS))
    for name in ("min_failed_therapy_classes", "min_age_years", "review_above_age_years", "phq9_review_total",
                 "max_assessment_age_days"):
        value = getattr(p, name)
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise DomainValidationError(f"policy.{name}", f"must be a whole number >= 0, got {value!r}")


def _check_code(field: str, code: Any, allowed: frozenset[str]) -> None:
    if code not in allowed:
        raise DomainValidationError(field, f"unknown code {code!r}", ", ".join(sorted(allowed)))


def _check_result(field: str, result: Any, ok: Any, expected: str) -> None:
    if result is None:
        return
    if not isinstance(result, ScoreResult) or not ok(result.instrument_id):
        raise DomainValidationError(field, "must be a ScoreResult of the right instrument", expected)


def evidence_for(reason: Reason) -> tuple[Any, ...]:
    """The studies a reason cites (``ketaflow.domain.evidence.Study``), for the screening page."""
    return tuple(study(i) for i in reason.evidence_ids)
