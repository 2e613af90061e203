"""FIQR (Bennett 2009): 21 items 0-10 in three weighted domains, total 0-100.

Scoring (fiqr.info, clinical.md §4.3): function sum / 3, overall sum / 1, symptom sum / 2, added.
Missing data: a domain with x of n items answered has its sum multiplied by n/x. Default rule
``fiqr_info`` declares the questionnaire invalid when 2 or more function items, or any overall or
symptom item, are missing; ``missing_rule="myalgia_com"`` applies n/x everywhere (older page).
Everything is exact (Fraction); the band is read from the unrounded total; display is 1 decimal.
"""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction
from typing import Any

from ketaflow.domain.errors import DomainValidationError
from ketaflow.domain.instruments.base import (
    Answer,
    Flag,
    Instrument,
    ScoreResult,
    check_context,
    load_definition,
    normalize_answers,
)

DEFINITION = load_definition(__package__, "fiqr.json")
DOMAINS = tuple(DEFINITION.raw["domains"])
MISSING_RULES = {rule["id"]: rule for rule in DEFINITION.raw["missing_data_rules"]}
DEFAULT_MISSING_RULE = next(r["id"] for r in DEFINITION.raw["missing_data_rules"] if r["default"])


class Fiqr(Instrument):
    context_options = ("band_set", "missing_rule")
    missing_data_rule = True

    def score(self, answers: Mapping[str, Answer], **context: Any) -> ScoreResult:
        check_context(self.id, context, self.context_options)
        rule_id = context.get("missing_rule", DEFAULT_MISSING_RULE)
        if not isinstance(rule_id, str) or rule_id not in MISSING_RULES:
            raise DomainValidationError("missing_rule", "unknown FIQR missing-data rule", ", ".join(MISSING_RULES))
        rule = MISSING_RULES[rule_id]
        band_set = self.definition.band_set(context.get("band_set"))
        inputs = normalize_answers(self.definition, answers, allow_missing=self.allow_missing)

        subscores: dict[str, Fraction | None] = {}
        problems: list[str] = []
        missing_by_domain: dict[str, list[str]] = {}
        for domain in DOMAINS:
            name = domain["id"]
            points = [inputs[i.link_id] for i in self.definition.items if i.group == name]
            answered = [p for p in points if p is not None]
            missing_by_domain[name] = [i.link_id for i in self.definition.items
                                       if i.group == name and inputs[i.link_id] is None]
            n_missing = len(points) - len(answered)
            if n_missing > rule["max_missing"][name]:
                problems.append(f"{n_missing} of {len(points)} {name} items missing "
                                f"(at most {rule['max_missing'][name]} allowed by rule {rule_id})")
                subscores[name] = None
                continue
            # n/x re-weighting: the published rule for partly answered domains.
            weighted_sum = Fraction(sum(answered)) * Fraction(len(points), len(answered))
            subscores[name] = weighted_sum / domain["divisor"]

        invalid_reason = "; ".join(problems)
        total = None if invalid_reason else sum(s for s in subscores.values() if s is not None)
        imputed = {name: ids for name, ids in missing_by_domain.items() if ids}
        flags: tuple[Flag, ...] = ()
        if imputed and not invalid_reason:
            unanswered = [self.definition.item(link_id).text for ids in imputed.values() for link_id in ids]
            flags = (Flag("missing_items_reweighted", "info",
                          "Scored with unanswered items, the domain sum re-weighted by n/x per the FIQR scoring "
                          "rule: " + "; ".join(unanswered)),)
        rule_version = f"{self.rule_version(band_set)}; missing={rule_id}"
        return self.result(total=total, band_set=band_set, inputs=inputs, subscores=subscores, flags=flags,
                           invalid_reason=invalid_reason, rule_version=rule_version,
                           details={"missing_items": imputed, "missing_rule": rule_id})


FIQR = Fiqr(DEFINITION)
