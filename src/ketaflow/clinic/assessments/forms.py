"""A Django form built from an instrument's definition (data), so no instrument is written twice."""

from __future__ import annotations

from django import forms

from ketaflow.domain.instruments.base import Definition, Instrument, Item

YES_NO = (("0", "No"), ("1", "Yes"))
CONTEXT_GROUP = "scoring"


def _item_field(item: Item) -> forms.Field:
    """Every item is optional at the form level: the instrument's own missing-data rule decides. A bad
    answer names the allowed values, as the domain's own errors do."""
    allowed = item.allowed_text()
    if item.kind == "integer":
        return forms.IntegerField(
            label=item.text, required=False, help_text=f"{item.minimum}–{item.maximum}",
            error_messages={"invalid": f"Enter a whole number. Allowed: {allowed}".replace("%", "%%")},
        )  # fmt: skip
    choices = YES_NO if item.kind == "boolean" else [(o.code, o.label) for o in item.options]
    # Django %-formats this message: a label such as "SpO2 > 92 %" must not read as a placeholder.
    shown = ", ".join(label for _, label in choices).replace("%", "%%")
    return forms.ChoiceField(
        label=item.text, choices=choices, required=False, widget=forms.RadioSelect,
        error_messages={"invalid_choice": f"%(value)s is not an allowed answer. Allowed: {shown}"},
    )  # fmt: skip


def instrument_form_class(definition: Definition) -> type[forms.Form]:
    fields: dict[str, forms.Field] = {}
    for item in definition.items:
        fields[item.link_id] = _item_field(item)
        fields[item.link_id].group = item.group
    return type(f"{definition.id}Form", (forms.Form,), fields)


def _rule_choices(rules) -> list[tuple[str, str]]:
    return [(rule_id, f"{rule_id} — {spec['source']['citation']}") for rule_id, spec in rules.items()]


def context_fields(instrument: Instrument) -> dict[str, forms.Field]:
    """Staff-only scoring options the instrument's ``score`` accepts, built from its data: the blood
    pressures the Aldrete circulation item is derived from, and any choice of band set or rule. An
    option left at its default is not passed, so the instrument's own default applies."""
    raw = instrument.definition.raw
    fields: dict[str, forms.Field] = {}
    for name in instrument.context_options:
        if name == "band_set" and len(instrument.definition.band_sets) > 1:
            choices = [(b.id, f"{b.id} — {b.source.citation}") for b in instrument.definition.band_sets.values()]
            fields[name] = forms.ChoiceField(label="Severity bands", choices=choices, required=False,
                                             initial=instrument.definition.default_band_set)
        elif name == "missing_rule" and "missing_data_rules" in raw:
            rules = {r["id"]: r for r in raw["missing_data_rules"]}
            default = next(r["id"] for r in raw["missing_data_rules"] if r["default"])
            fields[name] = forms.ChoiceField(label="Missing-data rule", choices=_rule_choices(rules), required=False,
                                             initial=default)
        elif name.endswith("_systolic_mmhg") and name in raw.get("bp_limits_mmhg", {}):
            low, high = raw["bp_limits_mmhg"][name]
            label = "Pre-infusion baseline systolic BP (mmHg)" if name.startswith("baseline") else "Systolic BP now (mmHg)"
            fields[name] = forms.IntegerField(
                label=label, required=False, help_text=f"{low}–{high}",
                error_messages={"invalid": f"Enter a whole number. Allowed: whole number mmHg {low}..{high}"},
            )  # fmt: skip
        elif name in ("circulation_rule", "discharge_rule"):
            rules = raw[f"{name.removesuffix('_rule')}_rules"]
            label = "Circulation rule" if name == "circulation_rule" else "Discharge rule"
            fields[name] = forms.ChoiceField(label=label, choices=_rule_choices(rules), required=False,
                                             initial=raw[f"default_{name}"])
    for field in fields.values():
        field.group = CONTEXT_GROUP
    return fields


def administer_form_class(instrument: Instrument, *, staff: bool) -> type[forms.Form]:
    """The items, and for staff the scoring options (a patient at home always gets the defaults)."""
    base = instrument_form_class(instrument.definition)
    extra = context_fields(instrument) if staff else {}
    return type(f"{instrument.id}AdministerForm", (base,), extra) if extra else base


def answers_from(form: forms.Form) -> dict[str, object]:
    """Only what the person answered: an empty answer is absent, never a default."""
    return {k: v for k, v in form.cleaned_data.items()
            if v not in (None, "") and getattr(form.fields[k], "group", None) != CONTEXT_GROUP}


def context_from(form: forms.Form) -> dict[str, object]:
    """The scoring options given (left empty = the instrument's default)."""
    return {k: v for k, v in form.cleaned_data.items()
            if v not in (None, "") and getattr(form.fields[k], "group", None) == CONTEXT_GROUP}
