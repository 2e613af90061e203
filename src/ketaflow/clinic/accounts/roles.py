"""The clinic's roles. Who may do what lives in access.py, nowhere else."""

from django.db import models


class Role(models.TextChoices):
    PRESCRIBER = "prescriber", "Prescriber (physician / NP)"
    NURSE = "nurse", "Infusion nurse"
    FRONT_DESK = "front_desk", "Front desk"
    ANALYST = "analyst", "Analyst / medical director"
    ADMIN = "admin", "Administrator"
    PATIENT = "patient", "Patient"


ALL_ROLES = frozenset(Role.values)
STAFF_ROLES = ALL_ROLES - {Role.PATIENT}
CLINICAL_ROLES = frozenset({Role.PRESCRIBER, Role.NURSE})
CHART_READERS = frozenset({Role.PRESCRIBER, Role.NURSE, Role.FRONT_DESK})
