"""Writes on users and API tokens (admins manage users; everyone manages their own tokens)."""

from __future__ import annotations

import secrets

from axes.utils import reset as reset_failed_logins
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from ketaflow.clinic.accounts.models import ApiToken, User
from ketaflow.clinic.accounts.roles import Role
from ketaflow.clinic.audit.services import audit_record
from ketaflow.domain.errors import DomainValidationError

STAFF_ROLE_NAMES = ", ".join(r for r in Role.values if r != Role.PATIENT)


def _check_patient_link(role: str, *, linked: bool) -> None:
    # A patient login sees exactly the record it is linked to; an unlinked one sees nothing, and a linked
    # one turned into staff would see every record. Portal logins are made from the patient's chart.
    if role == Role.PATIENT and not linked:
        raise DomainValidationError(
            "role", "patient logins are created from the patient's chart (Create portal login), which links "
            "them to their record", STAFF_ROLE_NAMES,
        )  # fmt: skip
    if role != Role.PATIENT and linked:
        raise DomainValidationError(
            "role", "this login is a patient's portal login; create a separate login for staff work", "patient"
        )


def _checked_password(password: str, user: User, field: str = "password") -> str:
    try:
        validate_password(password, user=user)
    except ValidationError as exc:
        raise DomainValidationError(field, " ".join(exc.messages)) from exc
    return password


def user_create(*, actor, request=None, username: str, password: str, role: str, **fields) -> User:
    if role not in Role.values:
        raise DomainValidationError("role", f"unknown role {role!r}", ", ".join(Role.values))
    _check_patient_link(role, linked=False)
    if User.objects.filter(username__iexact=username).exists():
        raise DomainValidationError("username", f"{username} is already taken")
    _checked_password(password, User(username=username, role=role, **fields))
    with transaction.atomic():
        user = User.objects.create_user(username=username, password=password, role=role, **fields)
        audit_record(
            actor=actor, action="user.create", request=request, object_type="user", object_id=user.pk,
            detail={"role": role},
        )  # fmt: skip
    return user


def user_update(
    *, actor, request=None, user: User, role: str, is_active: bool, new_password: str = "", unlock: bool = False,
    **fields,
) -> User:
    """Change a user's details, role or active state; a new password (set by an admin for a user who lost
    theirs) ends the user's other sessions, as Django does on any password change."""
    if role not in Role.values:
        raise DomainValidationError("role", f"unknown role {role!r}", ", ".join(Role.values))
    if user.pk == actor.pk and (role != Role.ADMIN or not is_active):
        raise DomainValidationError("role", "you cannot remove your own admin role or deactivate yourself")
    if role != user.role:
        _check_patient_link(role, linked=hasattr(user, "patient"))
    if new_password:
        _checked_password(new_password, user, field="new_password")
    with transaction.atomic():
        for key, value in fields.items():
            setattr(user, key, value)
        user.role, user.is_active = role, is_active
        if new_password:
            user.set_password(new_password)
        user.save()
        if unlock:
            reset_failed_logins(username=user.username)
        audit_record(
            actor=actor, action="user.update", request=request, object_type="user", object_id=user.pk,
            detail={"role": role, "is_active": is_active, "password_set": bool(new_password), "unlocked": unlock},
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
