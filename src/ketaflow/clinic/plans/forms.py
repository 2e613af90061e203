from __future__ import annotations

from django import forms

from ketaflow.clinic.core.forms import NoNulCharField
from ketaflow.clinic.plans.catalogue import protocol_choices

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
