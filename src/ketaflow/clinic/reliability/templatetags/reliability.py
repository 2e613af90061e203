"""``{% new_idempotency_key %}``: a fresh UUID4 for each rendered form (see reliability/middleware.py)."""

import uuid

from django import template

register = template.Library()


@register.simple_tag
def new_idempotency_key() -> str:
    return str(uuid.uuid4())
