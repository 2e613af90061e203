"""What every instrument shares: its definition as data, answer validation, bands and the result.

A definition is a JSON file beside the instrument's module (items with stable linkIds, LOINC codes,
answer options with points, band sets with their source and version). The shell renders forms from
``Instrument.definition`` and calls ``Instrument.score(answers, **context)``; it never re-implements
a rule. Arithmetic is exact (``fractions.Fraction``) so a band edge such as FIQR 23 vs 23.33 is never
decided by a float rounding error.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from importlib import resources
from types import MappingProxyType
from typing import Any

from ketaflow.domain.errors import DomainValidationError
from ketaflow.domain.sources import Source

Answer = int | str | bool | None
Number = int | Fraction

SEVERITIES = ("critical", "warning", "info")
_INTEGER_TEXT = re.compile(r"^[+-]?\d+$")


@dataclass(frozen=True)
class AnswerOption:
    code: str
    points: int
    label: str
    loinc_answer: str = ""


@dataclass(frozen=True)
class Item:
    """One question. ``kind``: "choice" (pick an option), "boolean" (no/yes = 0/1) or "integer"
    (a whole number in ``minimum..maximum``, e.g. symptom duration in months)."""

    link_id: str
    text: str
    kind: str
    options: tuple[AnswerOption, ...] = ()
    minimum: int | None = None
    maximum: int | None = None
    required: bool = True
    scored: bool = True
    loinc: str = ""
    group: str = ""

    def allowed_text(self) -> str:
        if self.kind == "integer":
            return f"whole number {self.minimum}..{self.maximum}"
        points = ", ".join(str(o.points) for o in self.options)
        codes = ", ".join(o.code for o in self.options)
        extra = " or true/false" if self.kind == "boolean" else ""
        return f"{points} (or codes {codes}){extra}"

    def option_for(self, points: int) -> AnswerOption | None:
        return next((o for o in self.options if o.points == points), None)


@dataclass(frozen=True)
class Band:
    code: str
    label: str
    upper_inclusive: Fraction | None  # None = open-ended top band


@dataclass(frozen=True)
class BandSet:
    """Ordered bands, each an inclusive upper bound on the unrounded score (clinical.md §4.3)."""

    id: str
    source: Source
    bands: tuple[Band, ...]
    note: str = ""

    def band_for(self, score: Number) -> Band:
        for band in self.bands:
            if band.upper_inclusive is None or score <= band.upper_inclusive:
                return band
        raise AssertionError(f"band set {self.id} has no open top band")  # caught by definition tests


@dataclass(frozen=True)
class Flag:
    """An alert attached to a score. severity: "critical" (act now), "warning", "info"."""

    code: str
    severity: str
    message: str

    def as_dict(self) -> dict[str, str]:
        return {"code": self.code, "severity": self.severity, "message": self.message}


@dataclass(frozen=True)
class Definition:
    id: str
    title: str
    version: str
    source: Source
    items: tuple[Item, ...]
    band_sets: Mapping[str, BandSet]
    default_band_set: str
    loinc_panel: str = ""
    loinc_total: str = ""
    recall: str = ""
    display_decimals: int = 0
    raw: Mapping[str, Any] = field(default_factory=dict, compare=False)

    def item(self, link_id: str) -> Item:
        for item in self.items:
            if item.link_id == link_id:
                return item
        raise DomainValidationError(link_id, f"unknown item for {self.id}", ", ".join(self.link_ids))

    @property
    def link_ids(self) -> tuple[str, ...]:
        return tuple(i.link_id for i in self.items)

    def band_set(self, band_set_id: str | None) -> BandSet:
        key = self.default_band_set if band_set_id is None else band_set_id
        if not isinstance(key, str) or key not in self.band_sets:
            raise DomainValidationError("band_set", f"unknown band set for {self.id}", ", ".join(self.band_sets))
        return self.band_sets[key]

    def group_heading(self, group: str) -> tuple[str, str]:
        """(label, prompt) for a group of items, from the definition's ``groups`` (the id itself if none)."""
        spec = self.raw.get("groups", {}).get(group, {})
        return spec.get("label", group.replace("_", " ").capitalize()), spec.get("prompt", "")

    def as_dict(self) -> dict[str, Any]:
        """The JSON definition as loaded: what a form renderer or the API hands out."""
        return json.loads(json.dumps(dict(self.raw)))


@dataclass(frozen=True)
class ScoreResult:
    """The outcome of scoring one completed instrument; store it whole together with ``inputs``.

    ``total`` is exact (int, or Fraction for FIQR); show it with ``total_display``. When ``invalid``
    is true, ``total`` and ``band`` are None and ``invalid_reason`` says why.
    """

    instrument_id: str
    total: Number | None
    band: str | None
    band_code: str | None
    subscores: Mapping[str, Number | None]
    flags: tuple[Flag, ...]
    invalid: bool
    invalid_reason: str
    rule_version: str
    source: Source
    inputs: Mapping[str, Any]
    details: Mapping[str, Any] = field(default_factory=dict)
    display_decimals: int = 0

    def has_flag(self, code: str) -> bool:
        return any(f.code == code for f in self.flags)

    @property
    def total_display(self) -> str:
        return "" if self.total is None else format_number(self.total, self.display_decimals)

    def as_dict(self) -> dict[str, Any]:
        """Plain JSON-ready dict: exact numbers as "n/d" strings next to a float for queries."""
        return {
            "instrument_id": self.instrument_id,
            "total": None if self.total is None else float(self.total),
            "total_exact": None if self.total is None else str(self.total),
            "total_display": self.total_display,
            "band": self.band,
            "band_code": self.band_code,
            "subscores": {k: None if v is None else str(v) for k, v in self.subscores.items()},
            "flags": [f.as_dict() for f in self.flags],
            "invalid": self.invalid,
            "invalid_reason": self.invalid_reason,
            "rule_version": self.rule_version,
            "source": self.source.as_dict(),
            "inputs": dict(self.inputs),
            "details": _plain(self.details),
            "display_decimals": self.display_decimals,
        }


def score_result_from_dict(data: Mapping[str, Any]) -> ScoreResult:
    """Rebuild a stored ``ScoreResult.as_dict()`` (e.g. the latest PHQ-9 from the database) so it can
    feed screening without re-scoring; exact totals come back from ``total_exact``."""
    try:
        exact = data["total_exact"]
        return ScoreResult(
            instrument_id=data["instrument_id"],
            total=None if exact is None else _exact(exact),
            band=data["band"],
            band_code=data["band_code"],
            subscores=frozen({k: None if v is None else _exact(v) for k, v in data["subscores"].items()}),
            flags=tuple(Flag(f["code"], f["severity"], f["message"]) for f in data["flags"]),
            invalid=data["invalid"],
            invalid_reason=data["invalid_reason"],
            rule_version=data["rule_version"],
            source=source_from(data["source"]),
            inputs=frozen(data["inputs"]),
            details=frozen(data.get("details", {})),
            display_decimals=data.get("display_decimals", 0),
        )
    except (KeyError, TypeError, ValueError, ZeroDivisionError) as error:
        raise DomainValidationError("score_result", f"not a stored ScoreResult: {error}") from None


def _exact(text: str) -> Number:
    return _whole_as_int(Fraction(text))


def _whole_as_int(value: Number | None) -> Number | None:
    """One representation per value: 30 is always int 30, never Fraction(30, 1)."""
    if isinstance(value, Fraction) and value.denominator == 1:
        return value.numerator
    return value


def _plain(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, Fraction):
        return str(value)
    return value


def format_number(value: Number, decimals: int) -> str:
    """Round half up for display only; 58.333… -> "58.3". Never used for decisions."""
    exact = Decimal(value.numerator) / Decimal(value.denominator) if isinstance(value, Fraction) else Decimal(value)
    quantum = Decimal(1).scaleb(-decimals)
    return str(exact.quantize(quantum, rounding=ROUND_HALF_UP))


def frozen(mapping: Mapping[str, Any]) -> Mapping[str, Any]:
    return MappingProxyType(dict(mapping))


# --- loading -----------------------------------------------------------------------------------


def source_from(raw: Mapping[str, Any]) -> Source:
    return Source(citation=raw["citation"], version=raw["version"], kind=raw.get("kind", "literature"),
                  url=raw.get("url", ""))


def _fraction(value: Any) -> Fraction | None:
    return None if value is None else Fraction(str(value))


def definition_from_dict(raw: Mapping[str, Any]) -> Definition:
    items = tuple(
        Item(
            link_id=i["link_id"],
            text=i["text"],
            kind=i.get("kind", "choice"),
            options=tuple(AnswerOption(**o) for o in i.get("options", raw.get("shared_options", []))
                          if i.get("kind", "choice") != "integer"),
            minimum=i.get("minimum"),
            maximum=i.get("maximum"),
            required=i.get("required", True),
            scored=i.get("scored", True),
            loinc=i.get("loinc", ""),
            group=i.get("group", ""),
        )
        for i in raw["items"]
    )
    band_sets = {
        b["id"]: BandSet(
            id=b["id"],
            source=source_from(b["source"]),
            bands=tuple(Band(x["code"], x["label"], _fraction(x["upper_inclusive"])) for x in b["bands"]),
            note=b.get("note", ""),
        )
        for b in raw.get("band_sets", [])
    }
    return Definition(
        id=raw["id"],
        title=raw["title"],
        version=raw["version"],
        source=source_from(raw["source"]),
        items=items,
        band_sets=MappingProxyType(band_sets),
        default_band_set=raw.get("default_band_set", ""),
        loinc_panel=raw.get("loinc_panel", ""),
        loinc_total=raw.get("loinc_total", ""),
        recall=raw.get("recall", ""),
        display_decimals=raw.get("display_decimals", 0),
        raw=MappingProxyType(dict(raw)),
    )


def load_json(package: str, filename: str) -> dict[str, Any]:
    return json.loads(resources.files(package).joinpath(filename).read_text(encoding="utf-8"))


def load_definition(package: str, filename: str) -> Definition:
    return definition_from_dict(load_json(package, filename))


# --- answer validation -------------------------------------------------------------------------


def normalize_answer(item: Item, value: Answer) -> int | None:
    """Turn one raw answer into its points; None stays None (missing). Anything else raises."""
    if value is None:
        return None
    if isinstance(value, bool):
        if item.kind != "boolean":
            raise DomainValidationError(item.link_id, f"true/false is not an answer here, got {value!r}",
                                        item.allowed_text())
        return int(value)
    if isinstance(value, str):
        text = value.strip()
        if item.kind != "integer":
            by_code = next((o for o in item.options if o.code == text), None)
            if by_code is not None:
                return by_code.points
        if not _INTEGER_TEXT.match(text):
            raise DomainValidationError(item.link_id, f"not an allowed answer: {value!r}", item.allowed_text())
        value = int(text)
    if not isinstance(value, int):
        raise DomainValidationError(item.link_id, f"answer must be a whole number, got {type(value).__name__}",
                                    item.allowed_text())
    if item.kind == "integer":
        assert item.minimum is not None and item.maximum is not None
        if not item.minimum <= value <= item.maximum:
            raise DomainValidationError(item.link_id, f"{value} is out of range", item.allowed_text())
        return value
    if item.option_for(value) is None:
        raise DomainValidationError(item.link_id, f"{value} is out of range", item.allowed_text())
    return value


def normalize_answers(definition: Definition, answers: Mapping[str, Answer], *,
                      allow_missing: frozenset[str] | None = None) -> dict[str, int | None]:
    """Validate every answer against the definition; return link_id -> points (None = missing).

    Unknown ids raise. A missing required item raises unless it is in ``allow_missing`` (an
    instrument with a published missing-data rule passes its scored items here). Optional items
    (``required: false``) may be absent. The first problem is raised; :func:`answer_problems` lists all.
    """
    out, problems = _check_answers(definition, answers, allow_missing or frozenset())
    if problems:
        raise problems[0]
    return out


def answer_problems(definition: Definition, answers: Any, *,
                    allow_missing: frozenset[str] | None = None) -> tuple[DomainValidationError, ...]:
    """Every item-level problem at once (unknown ids, bad or out-of-range answers, missing required
    answers), each naming its item and the allowed values: a form marks them all in one pass."""
    return _check_answers(definition, answers, allow_missing or frozenset())[1]


def _check_answers(definition: Definition, answers: Any,
                   allowed_missing: frozenset[str]) -> tuple[dict[str, int | None], tuple[DomainValidationError, ...]]:
    if not isinstance(answers, Mapping):
        return {}, (DomainValidationError("answers", "must be a mapping of item id to answer", "a dict"),)
    problems: list[DomainValidationError] = []
    known = set(definition.link_ids)
    for key in answers:
        if key not in known:
            field_name = key if isinstance(key, str) and key.strip() else repr(key)
            problems.append(DomainValidationError(field_name, f"unknown item for {definition.id}",
                                                  ", ".join(definition.link_ids)))
    out: dict[str, int | None] = {}
    for item in definition.items:
        try:
            points = normalize_answer(item, answers.get(item.link_id))
        except DomainValidationError as error:
            problems.append(error)
            continue
        if points is None and item.required and item.link_id not in allowed_missing:
            problems.append(DomainValidationError(
                item.link_id, "answer is missing and this instrument has no missing-data rule", item.allowed_text()))
        out[item.link_id] = points
    return out, tuple(problems)


def check_context(instrument_id: str, context: Mapping[str, Any], accepted: tuple[str, ...]) -> None:
    """A misspelt option must fail loudly rather than silently fall back to a default rule."""
    for key in context:
        if key not in accepted:
            raise DomainValidationError(key, f"unknown scoring option for {instrument_id}", ", ".join(accepted) or "none")


_COMPARE = {
    ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b,
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
    "==": lambda a, b: a == b,
}


def threshold_flags(definition: Definition, inputs: Mapping[str, int | None], total: Number | None) -> tuple[Flag, ...]:
    """Flags declared as data: ``{"code", "severity", "message", "item"?, "op", "value"}``.

    Without ``item`` the rule looks at the total. PHQ-9 item 9 > 0 is such a rule, evaluated on the
    item itself so it fires whatever the total is.
    """
    out = []
    for rule in definition.raw.get("flags", []):
        subject = inputs.get(rule["item"]) if "item" in rule else total
        if subject is not None and _COMPARE[rule["op"]](subject, Fraction(str(rule["value"]))):
            out.append(Flag(rule["code"], rule["severity"], rule["message"]))
    return tuple(out)


class Instrument:
    """Base for every instrument: holds the definition; subclasses implement ``score``."""

    context_options: tuple[str, ...] = ("band_set",)
    # Items whose absence the instrument's own missing-data rule handles (FIQR: all of them).
    missing_data_rule: bool = False

    def __init__(self, definition: Definition):
        self.definition = definition

    @property
    def allow_missing(self) -> frozenset[str]:
        return frozenset(self.definition.link_ids) if self.missing_data_rule else frozenset()

    def answer_problems(self, answers: Any) -> tuple[DomainValidationError, ...]:
        """All item-level problems with these answers (empty when ``score`` would accept every item)."""
        return answer_problems(self.definition, answers, allow_missing=self.allow_missing)

    @property
    def id(self) -> str:
        return self.definition.id

    def score(self, answers: Mapping[str, Answer], **context: Any) -> ScoreResult:  # pragma: no cover
        raise NotImplementedError

    def form_spec(self) -> dict[str, Any]:
        """Everything a generic form renderer needs, with shared options resolved per item.

        ``context_options`` lists the keyword options ``score`` accepts (e.g. Aldrete's baseline and
        current systolic pressure, FIQR's band set); ``band_sets`` the selectable band sets.
        """
        d = self.definition
        return {
            "id": d.id,
            "title": d.title,
            "version": d.version,
            "recall": d.recall,
            "loinc_panel": d.loinc_panel,
            "loinc_total": d.loinc_total,
            "source": d.source.as_dict(),
            "items": [
                {"link_id": i.link_id, "text": i.text, "kind": i.kind, "required": i.required, "scored": i.scored,
                 "loinc": i.loinc, "group": i.group, "minimum": i.minimum, "maximum": i.maximum,
                 "options": [{"code": o.code, "points": o.points, "label": o.label, "loinc_answer": o.loinc_answer}
                             for o in i.options]}
                for i in d.items
            ],
            "context_options": list(self.context_options),
            "band_sets": [{"id": b.id, "default": b.id == d.default_band_set, "source": b.source.as_dict(),
                           "bands": [{"code": x.code, "label": x.label,
                                      "upper_inclusive": None if x.upper_inclusive is None else str(x.upper_inclusive)}
                                     for x in b.bands]}
                          for b in d.band_sets.values()],
        }

    def rule_version(self, band_set: BandSet | None) -> str:
        tail = f"; bands={band_set.id}@{band_set.source.version}" if band_set else ""
        return f"{self.id}@{self.definition.version}{tail}"

    def result(self, *, total: Number | None, band_set: BandSet | None, inputs: Mapping[str, Any],
               subscores: Mapping[str, Number | None] | None = None, flags: tuple[Flag, ...] = (),
               invalid_reason: str = "", details: Mapping[str, Any] | None = None,
               rule_version: str | None = None) -> ScoreResult:
        band = band_set.band_for(total) if band_set is not None and total is not None else None
        return ScoreResult(
            instrument_id=self.id,
            total=_whole_as_int(total),
            band=band.label if band else None,
            band_code=band.code if band else None,
            subscores=frozen({k: _whole_as_int(v) for k, v in (subscores or {}).items()}),
            flags=flags,
            invalid=bool(invalid_reason),
            invalid_reason=invalid_reason,
            rule_version=rule_version or self.rule_version(band_set),
            source=self.definition.source,
            inputs=frozen(inputs),
            details=frozen(details or {}),
            display_decimals=self.definition.display_decimals,
        )


class SummedInstrument(Instrument):
    """Sum of item points, banded; no missing-data rule (PHQ-9, GAD-7, CADSS-6, NRS, ...)."""

    def score(self, answers: Mapping[str, Answer], **context: Any) -> ScoreResult:
        check_context(self.id, context, self.context_options)
        inputs = normalize_answers(self.definition, answers)
        band_set = self.definition.band_set(context.get("band_set")) if self.definition.band_sets else None
        total = sum(p for i in self.definition.items if i.scored and (p := inputs[i.link_id]) is not None)
        return self.result(total=total, band_set=band_set, inputs=inputs,
                           flags=self.flags(inputs, total), details=self.details(inputs, total))

    def flags(self, inputs: Mapping[str, int | None], total: int) -> tuple[Flag, ...]:
        return threshold_flags(self.definition, inputs, total)

    def details(self, inputs: Mapping[str, int | None], total: int) -> Mapping[str, Any]:
        return {}


class SingleChoiceScale(SummedInstrument):
    """One observed level (RASS, MOAA/S): the chosen option's label is the band, so the stored
    result reads the same whatever numbering a later table uses."""

    context_options = ()

    def score(self, answers: Mapping[str, Answer], **context: Any) -> ScoreResult:
        result = super().score(answers, **context)
        item = self.definition.items[0]
        option = item.option_for(int(result.inputs[item.link_id]))
        assert option is not None  # validated by normalize_answers
        return replace(result, band=option.label, band_code=option.code)
