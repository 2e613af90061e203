"""Synthetic intake questionnaires for the demo clinic: random answers shaped like a fibromyalgia
population (widespread pain, high symptom burden), built from the instruments' own definitions."""

from __future__ import annotations

import random

from ketaflow.domain.instruments import INSTRUMENTS


def _answer(rng: random.Random, item, severity: float):
    if item.kind == "integer":
        return rng.randint(max(item.minimum or 0, 6), min(item.maximum or 120, 120))
    points = [o.points for o in item.options]
    low, high = min(points), max(points)
    centre = low + severity * (high - low)
    value = round(rng.gauss(centre, (high - low) / 5 or 1))
    value = min(max(value, low), high)
    return next(o.code for o in item.options if o.points == value)


def synthetic_answers(rng: random.Random, instrument_id: str, *, severity: float) -> dict:
    """Answers for every item; severity 0..1 moves answers from the best to the worst option."""
    definition = INSTRUMENTS[instrument_id].definition
    answers = {}
    for item in definition.items:
        if not item.scored and not item.required:
            continue
        if item.group == "wpi":
            answers[item.link_id] = "yes" if rng.random() < 0.35 + 0.5 * severity else "no"
        else:
            answers[item.link_id] = _answer(rng, item, severity)
    return answers
