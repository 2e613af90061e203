"""ACR fibromyalgia criteria 2010, 2011 and 2016: WPI, SSS, FS/PSD and whether the criteria are met.

One data file (acr_fibromyalgia.json) holds the 19 areas, the 2016 region map, the symptom items and
each version's decision rule; each version is its own registry entry (``acr_fm_2010``,
``acr_fm_2011``, ``acr_fm_2016``) because the items differ (2010 rates somatic symptoms 0-3; 2011 and
2016 ask three yes/no symptoms) and the chosen version changes the outcome (clinical.md §4.1):
- 2016 needs WPI 4-6 (not 3-6) for the high-SSS path,
- 2016 needs generalized pain: 4 of 5 regions, jaw, chest and abdomen not counted,
- 2010/2011 exclude patients whose pain another disorder explains; 2016 does not.
``total`` is FS = PSD = WPI + SSS (0-31), banded; ``details["criteria_met"]`` is the decision.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ketaflow.domain.instruments.base import (
    Answer,
    Flag,
    Instrument,
    ScoreResult,
    check_context,
    definition_from_dict,
    load_json,
    normalize_answers,
    threshold_flags,
)

DATA = load_json(__package__, "acr_fibromyalgia.json")
AREAS = tuple(DATA["areas"])
AREA_IDS = tuple(a["link_id"] for a in AREAS)
CRITERIA_MET = "fibromyalgia_criteria_met"
CRITERIA_NOT_MET = "fibromyalgia_criteria_not_met"


def _version_definition_raw(year: str) -> dict[str, Any]:
    version = DATA["versions"][year]
    items: list[dict[str, Any]] = [
        {"link_id": a["link_id"], "text": a["text"], "kind": "boolean", "group": "wpi",
         "options": DATA["answer_sets"]["yes_no"]}
        for a in AREAS
    ]
    for link_id in version["symptom_items"]:
        spec = DATA["symptom_items"][link_id]
        group = "exclusion" if link_id == "other_disorder_explains_pain" else "sss"
        items.append({"link_id": link_id, "text": spec["text"], "kind": spec.get("kind", "choice"),
                      "group": group, "options": DATA["answer_sets"][spec["answers"]]})
    items.append({**DATA["duration_item"], "kind": "integer", "group": "duration", "scored": False})
    return {
        "id": version["id"], "title": version["title"], "version": f"{DATA['version']}/{year}",
        "source": version["source"], "criteria_year": year, "rule": version,
        "area_question": DATA["area_question"], "groups": DATA["groups"], "regions": DATA["regions"],
        "areas": DATA["areas"], "items": items,
        "default_band_set": DATA["default_band_set"], "band_sets": DATA["band_sets"], "flags": DATA["flags"],
    }


class AcrFibromyalgiaCriteria(Instrument):
    def score(self, answers: Mapping[str, Answer], **context: Any) -> ScoreResult:
        check_context(self.id, context, self.context_options)
        rule = self.definition.raw["rule"]
        band_set = self.definition.band_set(context.get("band_set"))
        inputs = normalize_answers(self.definition, answers)

        painful = [a for a in AREAS if inputs[a["link_id"]] == 1]
        wpi = len(painful)
        sss = sum(inputs[i.link_id] or 0 for i in self.definition.items if i.group == "sss")
        fs = wpi + sss
        criterion_a = any(r["wpi_min"] <= wpi <= r["wpi_max"] and sss >= r["sss_min"] for r in rule["criterion_a"])
        regions = tuple(sorted({a["region"] for a in painful if a["counts_for_generalized_pain"]}))
        min_regions = rule["generalized_pain_min_regions"]
        generalized = None if min_regions is None else len(regions) >= min_regions
        duration_met = inputs["symptom_duration_months"] >= rule["duration_min_months"]
        excluded = bool(rule["other_disorder_excludes"] and inputs.get("other_disorder_explains_pain"))
        met = criterion_a and generalized is not False and duration_met and not excluded

        year = self.definition.raw["criteria_year"]
        flags: tuple[Flag, ...] = threshold_flags(self.definition, inputs, fs) + (
            Flag(CRITERIA_MET, "info", f"ACR {year} fibromyalgia criteria met.") if met else
            Flag(CRITERIA_NOT_MET, "info", f"ACR {year} fibromyalgia criteria not met: "
                 + _why_not(criterion_a, generalized, duration_met, excluded)),
        )
        details = {
            "criteria_version": year,
            "criteria_met": met,
            "wpi": wpi,
            "sss": sss,
            "fs": fs,
            "criterion_a_met": criterion_a,
            "regions_with_pain": regions,
            "generalized_pain": generalized,
            "duration_met": duration_met,
            "excluded_by_other_disorder": excluded,
        }
        return self.result(total=fs, band_set=band_set, inputs=inputs, subscores={"wpi": wpi, "sss": sss},
                           flags=flags, details=details)


def _why_not(criterion_a: bool, generalized: bool | None, duration_met: bool, excluded: bool) -> str:
    parts = []
    if not criterion_a:
        parts.append("WPI/SSS thresholds not reached")
    if generalized is False:
        parts.append("pain not generalized (fewer than 4 of 5 regions)")
    if not duration_met:
        parts.append("symptoms present less than 3 months")
    if excluded:
        parts.append("another disorder explains the pain")
    return "; ".join(parts) + "."


ACR_2010 = AcrFibromyalgiaCriteria(definition_from_dict(_version_definition_raw("2010")))
ACR_2011 = AcrFibromyalgiaCriteria(definition_from_dict(_version_definition_raw("2011")))
ACR_2016 = AcrFibromyalgiaCriteria(definition_from_dict(_version_definition_raw("2016")))
ACR_VERSIONS = {"2010": ACR_2010, "2011": ACR_2011, "2016": ACR_2016}
