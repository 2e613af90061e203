"""Deployment checks of our own (run by ``manage.py check --deploy``)."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Error, Tags, register

DEV_KEY_PREFIX = "dev-only-insecure-key"


@register(Tags.security, deploy=True)
def secret_key_is_set(app_configs, **kwargs):
    """Django's W009 accepts the long development key; a deployment must set its own."""
    if str(settings.SECRET_KEY).startswith(DEV_KEY_PREFIX):
        return [
            Error(
                "KETAFLOW_SECRET_KEY is not set: the development key is in use.",
                hint="Set KETAFLOW_SECRET_KEY to a long random value, e.g. "
                "python -c 'import secrets; print(secrets.token_urlsafe(50))'.",
                id="ketaflow.E001",
            )
        ]
    return []
