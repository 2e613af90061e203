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


def weights_read_then_entered_in_error(plan: Plan) -> list:
    """The weights the plan's dose check read when it was written (the five latest measured by then, as
    services._weights chose them) that have since been marked entered in error. The plan keeps its stored
    dosing weight and check; this says that they rest on a wrong weight. The first is the plan's dosing
    weight when ``is_dosing_weight`` is set on it."""
    from django.db.models import Q
    from django.utils import timezone

    from ketaflow.clinic.patients.models import BodyMeasurement

    read = list(
        BodyMeasurement.objects.filter(
            Q(entered_in_error_at__isnull=True) | Q(entered_in_error_at__gt=plan.created_at),
            patient_id=plan.patient_id, recorded_at__lte=plan.created_at,
            measured_on__lte=timezone.localdate(plan.created_at),
        ).select_related("entered_in_error_by").order_by("-measured_on", "-recorded_at")[:5]
    )  # fmt: skip
    for i, m in enumerate(read):
        m.is_dosing_weight = i == 0
    return [m for m in read if m.entered_in_error_at is not None]
