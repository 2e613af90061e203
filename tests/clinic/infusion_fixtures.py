"""A signed fibromyalgia induction plan for Ana (screened, soft limits reasoned) and an open chart for its
first infusion: the starting point of the charting tests (pages, services and API)."""

from django.utils import timezone

from ketaflow.clinic.infusions import services
from ketaflow.clinic.plans.models import Plan

PASSWORD = "correct-horse-battery-9"


def signed_plan(staff, patient):
    from ketaflow.clinic.patients import services as ps
    from ketaflow.clinic.plans.services import plan_create, plan_sign
    from ketaflow.clinic.screening.services import screening_override, screening_run

    ps.condition_add(actor=staff["nurse"], patient=patient, code="fibromyalgia")
    for therapy in ("snri", "gabapentinoid"):
        ps.therapy_add(actor=staff["nurse"], patient=patient, therapy=therapy, outcome="failed")
    record = screening_run(
        actor=staff["nurse"], patient=patient, indication="fibromyalgia", today=timezone.localdate()
    )
    if not record.may_proceed:
        screening_override(actor=staff["prescriber"], record=record, reason="Reviewed")
    plan = plan_create(actor=staff["prescriber"], patient=patient, protocol="fibromyalgia_induction", n_sessions=6,
                       start_dose="0.3", duration_min=120, series_window_days=21, start_date=timezone.localdate(),
                       bag_concentration_mg_per_ml="1")  # fmt: skip
    plan = plan_sign(actor=staff["prescriber"], plan=plan, password=PASSWORD, meaning="approved",
                     soft_reasons={n: "ok" for n in plan.dose_check["soft_limits"]})  # fmt: skip
    assert plan.status == Plan.Status.SIGNED
    return plan


def open_session(staff, patient):
    plan = signed_plan(staff, patient)
    return services.session_create(actor=staff["nurse"], plan_session=plan.sessions.get(index=1))
