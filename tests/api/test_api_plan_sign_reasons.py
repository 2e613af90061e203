"""Signing through the API: a reason for a limit the plan does not exceed is refused by name, never dropped."""

import pytest
from django.utils import timezone

from ketaflow.clinic.patients import services as ps
from ketaflow.clinic.plans import services as plans
from ketaflow.clinic.plans.models import Plan
from ketaflow.clinic.screening.services import screening_override, screening_run
from ketaflow.domain.errors import DomainValidationError

pytestmark = pytest.mark.django_db
PASSWORD = "correct-horse-battery-9"


def _draft(staff, ana):
    ps.condition_add(actor=staff["nurse"], patient=ana, code="fibromyalgia")
    record = screening_run(actor=staff["nurse"], patient=ana, indication="fibromyalgia", today=timezone.localdate())
    if record.outcome != "eligible":
        screening_override(actor=staff["prescriber"], record=record, reason="Reviewed in clinic")
    return plans.plan_create(
        actor=staff["prescriber"], patient=ana, protocol="chronic_pain_escalating", n_sessions=10, start_dose="0.1",
        escalation_step="0.05", escalation_cap="0.35", duration_min=240, series_window_days=14,
        start_date=timezone.localdate(), bag_concentration_mg_per_ml="1",
    )  # fmt: skip


def test_a_reason_for_an_unknown_limit_is_refused_naming_it(staff, patients):
    plan = _draft(staff, patients["ana"])
    reasons = {name: "Reviewed" for name in plan.dose_check["soft_limits"]} | {"made_up_limit": "x"}
    with pytest.raises(DomainValidationError) as exc:
        plans.plan_sign(actor=staff["prescriber"], plan=plan, password=PASSWORD, meaning="approved", soft_reasons=reasons)
    assert exc.value.field == "soft_reasons.made_up_limit"
    assert Plan.objects.get(pk=plan.pk).status == "draft"
