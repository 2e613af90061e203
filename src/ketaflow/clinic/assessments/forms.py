"""A Django form built from an instrument's definition (data), so no instrument is written twice."""

from __future__ import annotations

from django import forms

from ketaflow.domain.instruments.base import Definition

YES_NO = (("0", "No"), ("1", "Yes"))


def instrument_form_class(definition: Definition) -> type[forms.Form]:
    """Every item is optional at the form level: the instrument's own missing-data rule decides."""
    fields: dict[str, forms.Field] = {}
    for item in definition.items:
        label = item.text
        if item.kind == "integer":
            fields[item.link_id] = forms.IntegerField(
                label=label, required=False, help_text=f"{item.minimum}–{item.maximum}"
            )
        elif item.kind == "boolean":
            fields[item.link_id] = forms.ChoiceField(
                label=label, choices=YES_NO, required=False, widget=forms.RadioSelect
            )
        else:
            choices = [(o.code, o.label) for o in item.options]
            fields[item.link_id] = forms.ChoiceField(
                label=label, choices=choices, required=False, widget=forms.RadioSelect
            )
        fields[item.link_id].group = item.group
    return type(f"{definition.id}Form", (forms.Form,), fields)


def answers_from(form: forms.Form) -> dict[str, object]:
    """Only what the person answered: an empty answer is absent, never a default."""
    return {k: v for k, v in form.cleaned_data.items() if v not in (None, "")}
