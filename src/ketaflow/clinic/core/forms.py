"""Form helpers shared by every app: domain errors land on the field they name."""

from __future__ import annotations

from django import forms

from ketaflow.domain.errors import DomainValidationError


def add_domain_error(form: forms.Form, exc: DomainValidationError) -> None:
    field = exc.field if exc.field in form.fields else None
    message = exc.message + (f" Allowed: {exc.allowed}." if exc.allowed else "")
    form.add_error(field, message)


class NoNulCharField(forms.CharField):
    """PostgreSQL cannot store NUL; refuse it at the edge with a 4xx, never a 500."""

    def validate(self, value):
        super().validate(value)
        if value and "\x00" in value:
            raise forms.ValidationError("This field may not contain a NUL character.")
