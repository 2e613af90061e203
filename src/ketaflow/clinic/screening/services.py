"""Running screening and recording prescriber overrides (the rules are the domain's)."""

from __future__ import annotations

from datetime import date

from django.db import IntegrityError, transaction

from ketaflow.clinic.audit.services import audit_record
from ketaflow.clinic.screening.mappers import screening_input_for
from ketaflow.clinic.screening.models import ScreeningOverride, ScreeningRecord
from ketaflow.domain.errors import DomainValidationError
from ketaflow.domain.screening import Override, Reason, ScreeningDecision, override_allowed, screen
from ketaflow.domain.sources import Source


def screening_run(*, actor, request=None, patient, indication: str, today: date) -> ScreeningRecord:
    decision = screen(screening_input_for(patient, indication=indication, today=today), screened_on=today)
    data = decision.as_dict()
    with transaction.atomic():
        record = ScreeningRecord.objects.create(
            patient=patient, indication=indication, outcome=decision.outcome, reasons=data["reasons"],
            rule_set_version=decision.rule_set_version, policy_version=decision.policy_version,
            inputs=data["inputs"], screened_on=today, run_by=actor,
        )  # fmt: skip
        audit_record(
            actor=actor, action="screening.run", request=request, object_type="screening", object_id=record.pk,
            patient_id=patient.pk, detail={"outcome": decision.outcome, "rules": decision.rule_set_version},
        )  # fmt: skip
    return record


def decision_of(record: ScreeningRecord) -> ScreeningDecision:
    reasons = tuple(
        Reason(r["code"], r["severity"], r["message"], Source(**r["source"]), tuple(r.get("evidence_ids", ())))
        for r in record.reasons
    )
    return ScreeningDecision(
        outcome=record.outcome, reasons=reasons, rule_set_version=record.rule_set_version,
        policy_version=record.policy_version, screened_on=record.screened_on, inputs=record.inputs,
    )  # fmt: skip


def screening_override(*, actor, request=None, record: ScreeningRecord, reason: str) -> ScreeningRecord:
    """A prescriber signs a reason to proceed; the domain decides whether enough signatures now exist."""
    if not reason.strip():
        raise DomainValidationError("reason", "is required: state why the patient may proceed")
    limit = ScreeningOverride._meta.get_field("reason").max_length
    if len(reason.strip()) > limit:
        raise DomainValidationError("reason", f"is {len(reason.strip())} characters long", f"at most {limit} characters")
    decision = decision_of(record)
    if decision.outcome == "eligible":
        raise DomainValidationError("screening", "is eligible; nothing to override")
    try:
        with transaction.atomic():
            ScreeningOverride.objects.create(record=record, prescriber=actor, reason=reason.strip())
            overrides = [
                Override(prescriber_id=str(o.prescriber_id), reason=o.reason, role=o.prescriber.role)
                for o in record.overrides.select_related("prescriber")
            ]
            check = override_allowed(decision, overrides)
            ScreeningRecord.objects.filter(pk=record.pk).update(cleared_by_override=check.allowed)
            audit_record(
                actor=actor, action="screening.override", request=request, object_type="screening",
                object_id=record.pk, patient_id=record.patient_id,
                detail={"signatures": check.valid_signatures, "required": check.required_signatures,
                        "cleared": check.allowed},
            )  # fmt: skip
    except IntegrityError:
        raise DomainValidationError(
            "prescriber", "has already signed this override; a co-signature must come from a different prescriber"
        ) from None
    record.refresh_from_db()
    return record


def override_status(record: ScreeningRecord):
    overrides = [
        Override(prescriber_id=str(o.prescriber_id), reason=o.reason, role=o.prescriber.role)
        for o in record.overrides.select_related("prescriber")
    ]
    return override_allowed(decision_of(record), overrides)
