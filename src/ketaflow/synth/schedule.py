"""Demo clinic, scheduling part: screening cleared for the portal patient, and two signed plans booked
into the chairs from the next open day (an escalating series signed by a prescriber, and an induction),
so the day view and the charts show sessions on first start. All synthetic."""

from __future__ import annotations

from django.utils import timezone

from ketaflow.clinic.plans.catalogue import defaults_for, profile_for
from ketaflow.clinic.plans.services import plan_create, plan_sign
from ketaflow.clinic.scheduling.services import booking_propose, booking_series_accept
from ketaflow.clinic.screening.selectors import latest_screening
from ketaflow.clinic.screening.services import screening_override, screening_run

DEMO_PLANS = ("chronic_pain_escalating", "fibromyalgia_induction")


def clear_screening(patient, prescribers) -> None:
    """Run screening; when it is not eligible, prescribers sign the override (a co-signature if needed)."""
    record = latest_screening(patient=patient) or screening_run(
        actor=prescribers[0], patient=patient, indication="fibromyalgia", today=timezone.localdate()
    )
    for prescriber in prescribers:
        if record.outcome == "eligible" or record.cleared_by_override:
            return
        record = screening_override(actor=prescriber, record=record,
                                    reason="Demo: reviewed in clinic, appropriate to proceed")  # fmt: skip


def seed_booked_plans(patients, *, prescribers, desk, password_for) -> list:
    """One booked plan per protocol in DEMO_PLANS, for the given patients in order."""
    plans = []
    for patient, protocol in zip(patients, DEMO_PLANS, strict=False):
        clear_screening(patient, prescribers)
        data = defaults_for(profile_for(protocol))
        data.pop("protocol")
        plan = plan_create(actor=prescribers[0], patient=patient, protocol=protocol,
                           start_date=timezone.localdate(), **data)  # fmt: skip
        reasons = {name: "Demo: reviewed, tolerated before" for name in plan.dose_check["soft_limits"]}
        plan = plan_sign(actor=prescribers[0], plan=plan, password=password_for(prescribers[0].username),
                         meaning="approved", soft_reasons=reasons)  # fmt: skip
        proposal = booking_propose(plan=plan)
        if proposal.ok:
            booking_series_accept(actor=desk, plan=plan, slots=list(proposal.slots))
        plans.append(plan)
    return plans
