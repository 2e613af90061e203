"""Writes on users and API tokens (admins manage users; everyone manages their own tokens)."""

from __future__ import annotations

import secrets

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from ketaflow.clinic.accounts.models import ApiToken, User
from ketaflow.clinic.accounts.roles import Role
from ketaflow.clinic.audit.services import audit_record
from ketaflow.domain.errors import DomainValidationError


def user_create(*, actor, request=None, username: str, password: str, role: str, **fields) -> User:
    if role not in Role.values:
        raise DomainValidationError("role", f"unknown role {role!r}", ", ".join(Role.values))
    if User.objects.filter(username__iexact=username).exists():
        raise DomainValidationError("username", f"{username} is already taken")
    candidate = User(username=username, role=role, **fields)
    try:
        validate_password(password, user=candidate)
    except ValidationError as exc:
        raise DomainValidationError("password", " ".join(exc.messages)) from exc
    with transaction.atomic():
        user = User.objects.create_user(username=username, password=password, role=role, **fields)
        audit_record(
            actor=actor, action="user.create", request=request, object_type="user", object_id=user.pk,
            detail={"role": role},
        )  # fmt: skip
    return user


def user_update(*, actor, request=None, user: User, role: str, is_active: bool, **fields) -> User:
    if role not in Role.values:
        raise DomainValidationError("role", f"unknown role {role!r}", ", ".join(Role.values))
    if user.pk == actor.pk and (role != Role.ADMIN or not is_active):
        raise DomainValidationError("role", "you cannot remove your own admin role or deactivate yourself")
    with transaction.atomic():
        for key, value in fields.items():
            setattr(user, key, value)
        user.role, user.is_active = role, is_active
        user.save()
        audit_record(
            actor=actor, action="user.update", request=request, object_type="user", object_id=user.pk,
            detail={"role": role, "is_active": is_active},
        )  # fmt: skip
    return user


def api_token_create(*, actor, request=None, name: str) -> tuple[ApiToken, str]:
    """Returns the token and its raw value, which is shown once and never stored."""
    if not name.strip():
        raise DomainValidationError("name", "is required: say where the token is used")
    raw = "kf_" + secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken.objects.create(user=actor, name=name.strip(), digest=ApiToken.digest_of(raw), prefix=raw[:10])
        audit_record(actor=actor, action="token.create", request=request, object_type="api_token", object_id=token.pk)
    return token, raw


def api_token_revoke(*, actor, request=None, token_id: int) -> None:
    with transaction.atomic():
        updated = ApiToken.objects.filter(pk=token_id, user=actor, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
        if updated:
            audit_record(actor=actor, action="token.revoke", request=request, object_type="api_token", object_id=token_id)
