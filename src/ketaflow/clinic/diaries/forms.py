from __future__ import annotations

from django import forms

from ketaflow.domain.instruments import get_instrument
from ketaflow.domain.outcomes.diary_schedule import DAILY_ITEMS


def daily_form_class() -> type[forms.Form]:
    """Today's ratings, one 0–10 choice per daily item, built from the instruments (data)."""
    fields = {}
    for instrument_id in DAILY_ITEMS:
        item = get_instrument(instrument_id).definition.items[0]
        fields[instrument_id] = forms.ChoiceField(label=item.text, required=False, widget=forms.RadioSelect,
                                                  choices=[(o.code, o.label) for o in item.options])  # fmt: skip
    return type("DailyDiaryForm", (forms.Form,), fields)


def daily_answers(form: forms.Form) -> dict[str, dict]:
    """{instrument_id: {item link_id: code}} for the items the patient rated (an empty one is absent)."""
    out = {}
    for instrument_id in DAILY_ITEMS:
        value = form.cleaned_data.get(instrument_id)
        if value not in (None, ""):
            out[instrument_id] = {get_instrument(instrument_id).definition.items[0].link_id: value}
    return out
