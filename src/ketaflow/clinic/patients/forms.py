"""HTML forms: parse and type the input. Clinical checks run in the services (and domain)."""

from __future__ import annotations

from django import forms

from ketaflow.clinic.core.forms import NoNulCharField
from ketaflow.clinic.patients.models import Allergy
from ketaflow.domain.codes import code_choices

DATE = forms.DateInput(attrs={"type": "date"})


def _text(max_length: int, required: bool = False, **kw):
    return NoNulCharField(max_length=max_length, required=required, **kw)


class PatientForm(forms.Form):
    given_name = _text(80, True, label="Given name")
    family_name = _text(80, True, label="Family name")
    date_of_birth = forms.DateField(widget=DATE, label="Date of birth")
    sex = forms.ChoiceField(choices=code_choices("sexes"))
    phone = _text(30)
    email = forms.EmailField(required=False)
    address = _text(200)
    emergency_contact_name = _text(120, label="Emergency contact")
    emergency_contact_phone = _text(30, label="Emergency contact phone")
    emergency_contact_relation = _text(40, label="Relation")
    escort_name = _text(120, label="Escort (drives the patient home)")
    escort_phone = _text(30, label="Escort phone")


class RegisterForm(PatientForm):
    record_number = _text(20, label="Record number", help_text="Leave empty to assign the next KF- number")
    weight_kg = forms.DecimalField(max_digits=6, decimal_places=1, label="Weight (kg)")
    height_cm = forms.DecimalField(max_digits=5, decimal_places=1, label="Height (cm)", required=False)
    measured_on = forms.DateField(widget=DATE, label="Weight measured on")


class PatientEditForm(PatientForm):
    version = forms.IntegerField(widget=forms.HiddenInput)


class MeasurementForm(forms.Form):
    weight_kg = forms.DecimalField(max_digits=6, decimal_places=1, label="Weight (kg)")
    height_cm = forms.DecimalField(max_digits=5, decimal_places=1, label="Height (cm)", required=False)
    measured_on = forms.DateField(widget=DATE, label="Measured on")


class AllergyForm(forms.Form):
    substance = _text(120, True)
    reaction = _text(200)
    severity = forms.ChoiceField(choices=Allergy.Severity.choices, initial=Allergy.Severity.UNKNOWN)


class MedicationForm(forms.Form):
    name = _text(120, True, label="Medication")
    drug_class = forms.ChoiceField(choices=code_choices("drug_classes"), label="Drug class")
    dose_text = _text(120, label="Dose and frequency")


class ConditionForm(forms.Form):
    code = forms.ChoiceField(choices=code_choices("comorbidities"), label="Condition")
    note = _text(200)


class TherapyForm(forms.Form):
    therapy = forms.ChoiceField(choices=code_choices("prior_therapies"), label="Therapy tried")
    outcome = forms.ChoiceField(choices=code_choices("therapy_outcomes"))
    duration_weeks = forms.IntegerField(required=False, min_value=1, max_value=520, label="Duration (weeks)")
    note = _text(200)


class MeasurementInErrorForm(forms.Form):
    reason = _text(500, True, label="Reason", help_text="what was wrong, e.g. typed 150 for 68.5 kg")


class IntakeRemoveForm(forms.Form):
    reason = _text(200, True, label="Why", help_text="e.g. stopped, resolved, entered in error")


class ConsultationForm(forms.Form):
    occurred_on = forms.DateField(widget=DATE, label="Date of consultation")
    reason_for_referral = NoNulCharField(widget=forms.Textarea(attrs={"rows": 2}), label="Reason for referral")
    history = NoNulCharField(widget=forms.Textarea(attrs={"rows": 5}), label="History")
    findings = NoNulCharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    plan_discussed = NoNulCharField(widget=forms.Textarea(attrs={"rows": 3}), required=False, label="Plan discussed")


class ConsultationAmendForm(ConsultationForm):
    amendment_reason = NoNulCharField(max_length=300, label="Reason for the amendment")
