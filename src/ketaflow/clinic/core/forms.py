"""Form helpers shared by every app: domain errors land on the field they name."""

from __future__ import annotations

from django import forms
from django.forms.utils import pretty_name

from ketaflow.domain.errors import DomainValidationError


def add_domain_error(form: forms.Form, exc: DomainValidationError) -> None:
    field = exc.field if exc.field in form.fields else None
    label = (form.fields[field].label if field else None) or pretty_name(exc.field)
    message = exc.message.rstrip(".")
    # Domain messages are phrased after the field ("is in the future"); on the page the sentence must name
    # it, e.g. when read out by a screen reader or shown above the form as a non-field error.
    if message[:1].islower():
        message = f"{label} {message}"
    message += "." + (f" Allowed: {exc.allowed}." if exc.allowed else "")
    form.add_error(field, message)


class NoNulCharField(forms.CharField):
    """PostgreSQL cannot store NUL; refuse it at the edge with a 4xx, never a 500."""

    def validate(self, value):
        super().validate(value)
        if value and "\x00" in value:
            raise forms.ValidationError("This field may not contain a NUL character.")
