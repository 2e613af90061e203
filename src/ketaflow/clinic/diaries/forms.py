from __future__ import annotations

from django import forms

from ketaflow.domain.instruments import get_instrument
from ketaflow.domain.outcomes.diary_schedule import DAILY_ITEMS


def daily_form_class(items=DAILY_ITEMS) -> type[forms.Form]:
    """Today's ratings, one 0–10 choice per daily item still open today, built from the instruments (data)."""
    fields = {}
    for instrument_id in (i for i in DAILY_ITEMS if i in items):
        item = get_instrument(instrument_id).definition.items[0]
        choices = [(o.code, o.label) for o in item.options]
        allowed = f"{choices[0][0]}–{choices[-1][0]}"  # the value is not echoed back: it may be anything
        fields[instrument_id] = forms.ChoiceField(label=item.text, required=False, widget=forms.RadioSelect, choices=choices,
                                                  error_messages={"invalid_choice": f"Tap one number (allowed: {allowed})."})  # fmt: skip
    return type("DailyDiaryForm", (forms.Form,), fields)


def daily_answers(form: forms.Form) -> dict[str, dict]:
    """{instrument_id: {item link_id: code}} for the items the patient rated (an empty one is absent)."""
    out = {}
    for instrument_id in DAILY_ITEMS:
        value = form.cleaned_data.get(instrument_id)
        if value not in (None, ""):
            out[instrument_id] = {get_instrument(instrument_id).definition.items[0].link_id: value}
    return out


def _day_list(text: str) -> list[int]:
    days = []
    for part in text.replace(";", ",").split(","):
        part = part.strip()
        if not part:
            continue
        if not part.isdigit():
            raise forms.ValidationError(f"{part!r} is not a whole number of days (allowed: 1–730, separated by commas)")
        days.append(int(part))
    return days


DAYS_1_730 = {"min_value": "must be at least %(limit_value)s (allowed: whole days 1–730)",
              "max_value": "must be at most %(limit_value)s (allowed: whole days 1–730)",
              "invalid": "Enter a whole number of days (allowed: 1–730)", "required": "Required (allowed: whole days 1–730)"}


class DiaryScheduleForm(forms.Form):
    """One protocol's diary schedule (clinic policy). The service checks ranges again for the API."""

    post_series_offsets_days = forms.CharField(
        label="PHQ-9 / GAD-7 and the other post-series questionnaires: days after each series",
        help_text="whole days 1–730, separated by commas, e.g. 1, 3, 7, 14, 28", max_length=200, required=False)
    monthly_every_days = forms.IntegerField(label="then every … days", min_value=1, max_value=730,
                                            error_messages=DAYS_1_730)
    pgic_offsets_days = forms.CharField(label="PGIC: days after each series", max_length=200, required=False,
                                        help_text="whole days 1–730, separated by commas, e.g. 1, 28")
    weekly_items = forms.MultipleChoiceField(label="weekly questionnaires", required=False,
                                             widget=forms.CheckboxSelectMultiple)
    post_series_items = forms.MultipleChoiceField(label="questionnaires on the post-series days", required=False,
                                                  widget=forms.CheckboxSelectMultiple)
    baseline_days = forms.IntegerField(label="daily diary starts … days before the first infusion", min_value=1,
                                       max_value=730, error_messages=DAYS_1_730,
                                       help_text="at least 7: the baseline pain is the mean of the 7 days before infusion 1")
    follow_up_days = forms.IntegerField(label="schedule runs … days after the last series", min_value=1, max_value=730,
                                        error_messages=DAYS_1_730)
    why = forms.CharField(label="why this change (kept with every decision made under it)", max_length=500,
                          widget=forms.Textarea(attrs={"rows": 2}))
    based_on = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from ketaflow.clinic.diaries.policy import QUESTIONNAIRES

        choices = [(i, get_instrument(i).definition.title) for i in QUESTIONNAIRES]
        self.fields["weekly_items"].choices = choices
        self.fields["post_series_items"].choices = choices

    def clean_post_series_offsets_days(self):
        return _day_list(self.cleaned_data["post_series_offsets_days"])

    def clean_pgic_offsets_days(self):
        return _day_list(self.cleaned_data["pgic_offsets_days"])

    def settings(self) -> dict:
        from ketaflow.clinic.diaries.policy import EDITABLE

        return {name: self.cleaned_data[name] for name in EDITABLE}
