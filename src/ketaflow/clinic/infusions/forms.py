from __future__ import annotations

from decimal import Decimal

from django import forms

from ketaflow.clinic.core.forms import NoNulCharField
from ketaflow.clinic.infusions.catalogue import GRADES, ROUTES, SIDE_EFFECTS
from ketaflow.domain import units
from ketaflow.domain.charting.adjuncts import ADJUNCTS
from ketaflow.domain.charting.vitals import PARAMETERS

RATE_UNITS = [(units.MG_PER_KG_PER_H, "mg/kg/h (dose rate)"), (units.ML_PER_H, "mL/h (pump rate)"),
              (units.MG_PER_H, "mg/h")]  # fmt: skip
BIG = {"inputmode": "decimal"}


class VersionedForm(forms.Form):
    expected_version = forms.IntegerField(widget=forms.HiddenInput)


def _vital(name: str, label: str) -> forms.IntegerField:
    """A vital sign's field, bounded by the charting rules' plausible range (the error names it)."""
    unit, (low, high) = PARAMETERS[name]
    return forms.IntegerField(label=f"{label} ({unit})", required=False, min_value=low, max_value=high,
                              widget=forms.NumberInput(BIG))  # fmt: skip


class VitalsFields(forms.Form):
    systolic_mmhg = _vital("systolic_mmhg", "BP systolic")
    diastolic_mmhg = _vital("diastolic_mmhg", "BP diastolic")
    heart_rate_per_min = _vital("heart_rate_per_min", "HR")
    spo2_percent = _vital("spo2_percent", "SpO2")
    respiratory_rate_per_min = _vital("respiratory_rate_per_min", "RR")


class CheckInForm(VersionedForm, VitalsFields):
    escort_confirmed = forms.BooleanField(required=False, label="Escort confirmed (will take the patient home)")
    escort_name = NoNulCharField(max_length=120, required=False)
    fasting_hours_solids = forms.DecimalField(label="Hours since solid food", max_digits=4, decimal_places=1,
                                              required=False, min_value=0)
    pregnancy_test_negative = forms.NullBooleanField(
        required=False, label="Pregnancy test",
        widget=forms.Select(choices=[("unknown", "Not done / not applicable"), ("true", "Negative"), ("false", "Positive")]),
    )  # fmt: skip
    pre_pain_nrs = forms.IntegerField(label="Pain now (0–10)", required=False, min_value=0, max_value=10)
    bag_lot = NoNulCharField(max_length=60, required=False, label="Bag lot number")
    bag_concentration_mg_per_ml = forms.DecimalField(label="Bag concentration (mg/mL)", max_digits=5,
                                                     decimal_places=2, required=False, min_value=Decimal("0.01"))
    bag_volume_ml = forms.DecimalField(label="Volume drawn into the bag (mL)", max_digits=6, decimal_places=1,
                                       required=False, min_value=Decimal("0.1"))


class RateForm(VersionedForm):
    rate_value = forms.DecimalField(label="Rate", max_digits=8, decimal_places=4, min_value=0, widget=forms.NumberInput(BIG))
    rate_unit = forms.ChoiceField(choices=RATE_UNITS, label="Unit")
    override_reason = NoNulCharField(max_length=300, required=False, label="Prescriber's reason (only if above a soft limit)")


class ResumeForm(VersionedForm):
    """Resume at the last rate (no rate typed), or at a new one — e.g. half the rate after an alert."""

    rate_value = forms.DecimalField(label="New rate (empty: the last rate)", max_digits=8, decimal_places=4,
                                    min_value=0, required=False, widget=forms.NumberInput(BIG))  # fmt: skip
    rate_unit = forms.ChoiceField(choices=RATE_UNITS, label="Unit", required=False)
    override_reason = NoNulCharField(max_length=300, required=False, label="Prescriber's reason (only if above a soft limit)")


class StopForm(VersionedForm):
    stop_reason = NoNulCharField(max_length=300, required=False, label="Reason (required to stop early)")


def _taken_at(label: str) -> forms.TimeField:
    """A late entry's own time (today, the clinic's time zone); empty means now."""
    return forms.TimeField(required=False, label=label, widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))


class VitalsForm(VersionedForm, VitalsFields):
    rhythm_note = NoNulCharField(max_length=120, required=False, label="ECG rhythm note")
    taken_at = _taken_at("Taken at (empty: now)")


class SideEffectForm(VersionedForm):
    kind = forms.ChoiceField(choices=SIDE_EFFECTS)
    grade = forms.ChoiceField(choices=GRADES)
    note = NoNulCharField(max_length=300, required=False)
    taken_at = _taken_at("Noted at (empty: now)")


class AdministrationForm(VersionedForm):
    drug = forms.ChoiceField(choices=[(a.code, a.display) for a in ADJUNCTS.values()])
    dose_mg = forms.DecimalField(label="Dose (mg)", max_digits=7, decimal_places=3, min_value=0)
    route = forms.ChoiceField(choices=ROUTES)
    reason = NoNulCharField(max_length=200, required=False)
    taken_at = _taken_at("Given at (empty: now)")


class RecoveryForm(VersionedForm):
    post_pain_nrs = forms.IntegerField(label="Pain now (0–10)", min_value=0, max_value=10)
    current_systolic_mmhg = forms.IntegerField(label="BP systolic now (mmHg)", min_value=40, max_value=300)
    activity = forms.ChoiceField(choices=[("2", "Moves 4 limbs"), ("1", "Moves 2 limbs"), ("0", "Moves none")])
    respiration = forms.ChoiceField(choices=[("2", "Breathes deeply, coughs"), ("1", "Dyspnoea / shallow"),
                                             ("0", "Apnoeic")])  # fmt: skip
    consciousness = forms.ChoiceField(choices=[("2", "Fully awake"), ("1", "Arousable on calling"),
                                               ("0", "Not responding")])  # fmt: skip
    oxygen_saturation = forms.ChoiceField(choices=[("2", "SpO2 > 92 % on room air"), ("1", "Needs O2 for > 90 %"),
                                                   ("0", "< 90 % even with O2")], label="SpO2")  # fmt: skip


class DischargeForm(VersionedForm):
    escort_present = forms.BooleanField(required=False, label="Escort present to take the patient home")


class WasteForm(VersionedForm):
    witness_username = NoNulCharField(max_length=150, label="Witness username")
    witness_password = forms.CharField(widget=forms.PasswordInput, label="Witness password")


class CancelForm(VersionedForm):
    reason = NoNulCharField(max_length=300, label="Reason for cancelling")


class AlertResponseForm(forms.Form):
    vital_id = forms.IntegerField(widget=forms.HiddenInput)
    response_taken = NoNulCharField(max_length=300, label="Response taken")


def scale_form_class(instrument_id: str) -> type[forms.Form]:
    """A session scale (CADSS-6, RASS, MOAA/S) built from the instrument's definition (data)."""
    from ketaflow.clinic.assessments.forms import instrument_form_class
    from ketaflow.domain.instruments import get_instrument

    items = instrument_form_class(get_instrument(instrument_id).definition)
    extra = {"instrument_id": forms.CharField(widget=forms.HiddenInput, initial=instrument_id)}
    return type(f"{instrument_id}ScaleForm", (VersionedForm, items), extra)


SCALE_INSTRUMENTS = ("cadss6", "rass", "moaas")
