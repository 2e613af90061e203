"""Recording an administered instrument: score in the domain, save answers + result + version, audit."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from ketaflow.clinic.accounts.roles import Role
from ketaflow.clinic.assessments.models import Assessment, ClinicalTask
from ketaflow.clinic.audit.services import audit_record
from ketaflow.domain.errors import DomainValidationError
from ketaflow.domain.instruments import get_instrument
from ketaflow.domain.instruments.base import ScoreResult


class NotScorable(Exception):
    """The answers are valid but the instrument's own rules say it cannot be scored (e.g. FIQR with
    two function items missing). Nothing is saved; the message explains why."""

    def __init__(self, result: ScoreResult):
        self.result = result
        super().__init__(result.invalid_reason)


class AnswerProblems(DomainValidationError):
    """Every item-level problem with the answers at once (a form marks each question); behaves as the
    first problem's DomainValidationError for callers that show one."""

    def __init__(self, problems: tuple[DomainValidationError, ...]):
        first = problems[0]
        super().__init__(first.field, first.message, first.allowed)
        self.problems = problems


def assessment_score(*, instrument_id: str, answers: dict, context: dict | None = None) -> ScoreResult:
    return get_instrument(instrument_id).score(answers, **(context or {}))


def assessment_record(
    *, actor, request=None, patient, instrument_id: str, answers: dict, context: dict | None = None,
    stored_context: dict | None = None, administered_at=None,
) -> Assessment:
    """``context`` holds scoring options; ``stored_context`` facts kept beside them but not scored (the
    diary's ``diary_day``); ``administered_at`` defaults to now (the demo seed backdates diary entries)."""
    instrument = get_instrument(instrument_id)
    problems = instrument.answer_problems(answers)
    if problems:
        raise AnswerProblems(problems)
    result = instrument.score(answers, **(context or {}))
    if result.invalid:
        raise NotScorable(result)
    data = result.as_dict()
    via = Assessment.EnteredVia.PORTAL if actor.role == Role.PATIENT else Assessment.EnteredVia.STAFF
    with transaction.atomic():
        assessment = Assessment.objects.create(
            patient=patient, instrument_id=instrument_id, instrument_version=result.rule_version,
            answers=answers, context=(context or {}) | (stored_context or {}), result=data, total=data["total"],
            band=result.band or "", invalid=result.invalid, administered_at=administered_at or timezone.now(), entered_by=actor,
            entered_by_role=actor.role, entered_via=via,
        )  # fmt: skip
        for flag in result.flags:
            if flag.severity == "critical":
                ClinicalTask.objects.create(
                    patient=patient, code=flag.code, severity=flag.severity, message=flag.message,
                    assessment=assessment,
                )  # fmt: skip
        audit_record(
            actor=actor, action="assessment.create", request=request, object_type="assessment",
            object_id=assessment.pk, patient_id=patient.pk,
            detail={"instrument": instrument_id, "version": result.rule_version, "via": via},
        )  # fmt: skip
    return assessment


def task_acknowledge(*, actor, request=None, task: ClinicalTask, note: str) -> ClinicalTask:
    if not note.strip():
        raise DomainValidationError("response_note", "is required: record what was done")
    limit = ClinicalTask._meta.get_field("response_note").max_length
    if len(note.strip()) > limit:
        raise DomainValidationError("response_note", f"is {len(note.strip())} characters long",
                                    f"at most {limit} characters")
    with transaction.atomic():
        updated = ClinicalTask.objects.filter(pk=task.pk, acknowledged_at__isnull=True).update(
            acknowledged_by=actor, acknowledged_at=timezone.now(), response_note=note.strip()
        )
        if not updated:
            raise DomainValidationError("task", "was already acknowledged by someone else")
        audit_record(
            actor=actor, action="task.acknowledge", request=request, object_type="clinical_task",
            object_id=task.pk, patient_id=task.patient_id,
        )  # fmt: skip
    task.refresh_from_db()
    return task
