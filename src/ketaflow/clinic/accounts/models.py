from __future__ import annotations

import hashlib

from django.contrib.auth.models import AbstractUser
from django.db import models

from ketaflow.clinic.accounts.roles import STAFF_ROLES, Role


class User(AbstractUser):
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.FRONT_DESK)
    credentials = models.CharField(max_length=40, blank=True, help_text="e.g. MD, NP, RN")

    @property
    def is_staff_member(self) -> bool:
        return self.role in STAFF_ROLES

    @property
    def display_name(self) -> str:
        name = self.get_full_name() or self.username
        return f"{name}, {self.credentials}" if self.credentials else name


class ApiToken(models.Model):
    """A bearer token for the JSON API. Only its SHA-256 digest is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=80)
    digest = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=12)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.name})"

    @staticmethod
    def digest_of(raw: str) -> str:
        return hashlib.sha256(raw.encode()).hexdigest()
