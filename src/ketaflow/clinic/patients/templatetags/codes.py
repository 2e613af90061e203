from django import template

from ketaflow.clinic.patients.models import code_display

register = template.Library()


@register.filter
def display_in(code: str, list_name: str) -> str:
    """``{{ m.drug_class|display_in:"drug_classes" }}`` — the coded list's display text."""
    return code_display(list_name, code)
