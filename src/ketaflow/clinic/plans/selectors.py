"""Reads of treatment plans. A patient sees only plans their prescriber has signed (the current version):
drafts, their dose checks and superseded versions are staff records (the portal shows the signed plan)."""

from __future__ import annotations

from django.http import Http404

from ketaflow.clinic.accounts.roles import Role
from ketaflow.clinic.plans.models import Plan


def plans_visible_to(user, qs=None):
    qs = Plan.objects.all() if qs is None else qs
    if getattr(user, "role", None) == Role.PATIENT:
        return qs.filter(status=Plan.Status.SIGNED)
    return qs


def plan_get_for(user, **lookup) -> Plan:
    """One plan the user may read; another's or a patient's unsigned plan answers like a missing one."""
    plan = plans_visible_to(user, Plan.objects.select_related("signed_by", "created_by")).filter(**lookup).first()
    if plan is None:
        raise Http404("No such plan.")
    return plan
