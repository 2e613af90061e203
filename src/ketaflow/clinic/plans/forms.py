from __future__ import annotations

import re

from django import forms

from ketaflow.clinic.core.forms import NoNulCharField
from ketaflow.clinic.plans.catalogue import protocol_choices
from ketaflow.domain.plans.goal_catalogue import BY_METRIC, CATALOGUE, CATALOGUE_VERSION, GoalProblems

DATE = forms.DateInput(attrs={"type": "date"})


class PlanForm(forms.Form):
    protocol = forms.ChoiceField(choices=protocol_choices)
    n_sessions = forms.IntegerField(label="Number of infusions", min_value=1, max_value=30)
    start_dose = forms.DecimalField(
        label="Dose (first session)", max_digits=6, decimal_places=3, min_value=0,
        help_text="mg/kg/h for rate protocols; mg/kg over the session for the depression protocol",
    )  # fmt: skip
    escalation_step = forms.DecimalField(label="Escalation step per session", max_digits=6, decimal_places=3,
                                         required=False, min_value=0, help_text="escalating series only")
    escalation_cap = forms.DecimalField(label="Escalation cap", max_digits=6, decimal_places=3, required=False,
                                        min_value=0, help_text="escalating series only; never exceeded")
    duration_min = forms.IntegerField(label="Session length (minutes)", min_value=1, max_value=720)
    series_window_days = forms.IntegerField(label="Series window (days)", min_value=1, max_value=120)
    start_date = forms.DateField(widget=DATE, label="First infusion on or after")
    bag_concentration_mg_per_ml = forms.DecimalField(label="Bag concentration (mg/mL)", max_digits=5, decimal_places=2)


class PlanAmendForm(PlanForm):
    amendment_reason = NoNulCharField(max_length=300, label="Reason for the amendment")


class SignForm(forms.Form):
    password = forms.CharField(widget=forms.PasswordInput, label="Your password (re-enter to sign)")
    meaning = forms.ChoiceField(choices=[("approved", "Approved: I prescribe this plan")], label="Meaning of signature")


COMPARATOR_TEXT = {">=": "≥", "<": "<", "in": "is"}
_GOAL_FIELD = re.compile(r"goals\[(\d+)\](?:\.(\w+))?")


def _band_text(option: tuple[str, ...]) -> str:
    """A PGIC band as the prescriber reads it: 'much improved or better' (the answers run worst to best)."""
    return option[0] if len(option) == 1 else f"{option[0]} or better"


def _threshold_text(threshold) -> str:
    return "|".join(threshold) if isinstance(threshold, list | tuple) else str(threshold)


class GoalsForm(forms.Form):
    """The plan's goals, one row per goal of the catalogue: tick it, give its threshold. The hidden marker
    tells a submitted table (an empty one is refused) from a post without it (the plan kind's defaults)."""

    goals_shown = forms.CharField(widget=forms.HiddenInput, required=False, initial="1")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for entry in CATALOGUE:
            self.fields[f"goal_{entry.metric}"] = forms.BooleanField(required=False, label=entry.label)
            aria = {"aria-label": f"{entry.label}: threshold ({entry.unit})"}
            if entry.numeric:
                field = forms.CharField(required=False, max_length=20, label=f"{entry.label} threshold",
                                        widget=forms.TextInput(attrs=aria | {"inputmode": "numeric", "size": 5}))  # fmt: skip
            else:
                field = forms.ChoiceField(required=False, label=f"{entry.label} threshold", widget=forms.Select(attrs=aria),
                                          choices=[("|".join(o), _band_text(o)) for o in entry.options])  # fmt: skip
            self.fields[f"goal_{entry.metric}_threshold"] = field

    @staticmethod
    def initial_for(goals: list[dict]) -> dict:
        """Tick the given goals (a plan's stored goals, or the kind's defaults) with their thresholds; the
        other rows show their catalogue default."""
        chosen = {g["metric"]: g for g in goals}
        initial = {"goals_shown": "1"}
        for entry in CATALOGUE:
            goal = chosen.get(entry.metric)
            initial[f"goal_{entry.metric}"] = goal is not None
            initial[f"goal_{entry.metric}_threshold"] = _threshold_text(
                goal["threshold"] if goal else entry.default.as_dict()["threshold"]
            )
        return initial

    def rows(self) -> list[dict] | None:
        """The ticked goals in catalogue order as {metric, comparator, threshold}; None when the table was not
        on the page that posted (the defaults apply)."""
        data = self.cleaned_data
        if not data.get("goals_shown"):
            return None
        self._rows = []
        for entry in CATALOGUE:
            if data.get(f"goal_{entry.metric}"):
                row = {"metric": entry.metric, "comparator": entry.comparator}
                text = (data.get(f"goal_{entry.metric}_threshold") or "").strip()
                if text:
                    row["threshold"] = text if entry.numeric else text.split("|")
                self._rows.append(row)
        return self._rows

    def add_problems(self, exc: GoalProblems) -> None:
        """Each problem inline at its row, naming the API field (goals[i].threshold) and what is allowed."""
        for problem in exc.problems:
            match = _GOAL_FIELD.fullmatch(problem.field)
            rows = getattr(self, "_rows", None) or []
            field = None
            if match and int(match.group(1)) < len(rows):
                metric = rows[int(match.group(1))]["metric"]
                field = f"goal_{metric}_threshold" if match.group(2) == "threshold" else f"goal_{metric}"
                label = BY_METRIC[metric].label
            else:
                label = "Goals"
            text = f"{label}: {problem.message} ({problem.field})."
            self.add_error(field, text + (f" Allowed: {problem.allowed}." if problem.allowed else ""))

    @property
    def table(self) -> list[dict]:
        """The rows the template draws: the catalogue entry, its two fields and their errors."""
        out = []
        for entry in CATALOGUE:
            include, threshold = self[f"goal_{entry.metric}"], self[f"goal_{entry.metric}_threshold"]
            default = entry.default
            out.append({
                "entry": entry, "include": include, "threshold": threshold,
                "comparator": COMPARATOR_TEXT[entry.comparator],
                "allowed": entry.allowed() if entry.numeric else "one of the PGIC bands listed",
                "errors": [*include.errors, *threshold.errors],
                "default": default.description, "default_source": default.source,
            })  # fmt: skip
        return out

    catalogue_version = CATALOGUE_VERSION
