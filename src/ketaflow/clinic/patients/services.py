"""Writes on a patient's record. Each is one transaction with its audit entry."""

from __future__ import annotations

import re
import secrets
from datetime import date

from django.db import IntegrityError, connection, transaction
from django.http import Http404
from django.utils import timezone

from ketaflow.clinic.audit.services import audit_record
from ketaflow.clinic.patients.models import (
    Allergy,
    BodyMeasurement,
    Condition,
    Consultation,
    MedicationStatement,
    Patient,
    PriorTherapy,
)
from ketaflow.domain import intake
from ketaflow.domain.codes import code_lookup
from ketaflow.domain.errors import DomainValidationError

RECORD_NUMBER_RE = re.compile(r"^[A-Z0-9][A-Z0-9-]{2,19}$")
PATIENT_FIELDS = (
    "given_name", "family_name", "date_of_birth", "sex", "phone", "email", "address",
    "emergency_contact_name", "emergency_contact_phone", "emergency_contact_relation",
    "escort_name", "escort_phone",
)  # fmt: skip


class StaleVersionError(Exception):
    """Someone else saved this record since it was loaded; nothing was overwritten."""

    def __init__(self, current_version: int):
        self.current_version = current_version
        super().__init__(
            f"This record was changed by someone else (now version {current_version}). "
            "Reload it, check their change, and apply yours again."
        )


def _check_code(field: str, list_name: str, value: str) -> None:
    if code_lookup(list_name, value) is None:
        raise DomainValidationError(field, f"unknown code {value!r}", f"a code from the {list_name} list")


RECORD_NUMBER_LOCK = 0x4B460001  # PostgreSQL advisory lock id for drawing the next KF- number


def _next_record_number() -> str:
    # Two registrations at the same moment must not draw the same number. SQLite's IMMEDIATE transactions
    # already serialise them; on PostgreSQL a transaction-scoped advisory lock does, until commit.
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [RECORD_NUMBER_LOCK])
    numbers = Patient.objects.filter(record_number__startswith="KF-").values_list("record_number", flat=True)
    highest = max((int(n[3:]) for n in numbers if n[3:].isdigit()), default=0)
    return f"KF-{highest + 1:06d}"


def _validate_patient_fields(fields: dict, *, today: date) -> None:
    for name in ("given_name", "family_name"):
        if not str(fields.get(name, "")).strip():
            raise DomainValidationError(name, "is required")
    intake.validate_date_of_birth(fields["date_of_birth"], today=today)
    _check_code("sex", "sexes", fields["sex"])


def patient_register(
    *,
    actor,
    request=None,
    today: date,
    weight_kg,
    height_cm,
    measured_on: date,
    record_number: str = "",
    allergies=(),
    medications=(),
    conditions=(),
    prior_therapies=(),
    **fields,
) -> Patient:
    """Register a patient with a first weight/height and, optionally, the intake lists (each a list of the
    fields the matching *_add service takes). Nothing is saved unless everything is valid."""
    _validate_patient_fields(fields, today=today)
    weight = intake.validate_weight_kg(weight_kg)
    height = intake.validate_height_cm(height_cm) if height_cm not in (None, "") else None
    intake.validate_measured_on(measured_on, today=today)
    record_number = (record_number or "").strip().upper()
    if record_number and not RECORD_NUMBER_RE.match(record_number):
        raise DomainValidationError(
            "record_number", "has an invalid format", "3–20 capital letters, digits or hyphens"
        )
    try:
        with transaction.atomic():
            if record_number and Patient.objects.filter(record_number=record_number).exists():
                raise DomainValidationError(
                    "record_number", f"{record_number} is already used by another patient", "a unique record number"
                )
            patient = Patient.objects.create(
                record_number=record_number or _next_record_number(),
                created_by=actor,
                **{k: fields.get(k, "") for k in PATIENT_FIELDS},
            )
            BodyMeasurement.objects.create(
                patient=patient, weight_kg=weight, height_cm=height, measured_on=measured_on, recorded_by=actor
            )
            audit_record(
                actor=actor,
                action="patient.create",
                request=request,
                object_type="patient",
                object_id=patient.pk,
                patient_id=patient.pk,
                detail={"record_number": patient.record_number},
            )
            lists = (("allergies", allergy_add, allergies), ("medications", medication_add, medications),
                     ("conditions", condition_add, conditions), ("prior_therapies", therapy_add, prior_therapies))  # fmt: skip
            for list_name, add, entries in lists:
                for index, entry in enumerate(entries):
                    try:
                        add(actor=actor, request=request, patient=patient, **entry)
                    except DomainValidationError as exc:
                        # Raised inside the transaction: the patient and every entry before it roll back.
                        raise DomainValidationError(f"{list_name}[{index}].{exc.field}", exc.message, exc.allowed) from exc
    except IntegrityError as exc:
        raise DomainValidationError("record_number", "is already used by another patient") from exc
    return patient


def patient_update(*, actor, request=None, patient: Patient, expected_version: int, today: date, **changes) -> Patient:
    """Update demographics with an optimistic version check, so two editors never overwrite silently."""
    merged = {k: changes.get(k, getattr(patient, k)) for k in PATIENT_FIELDS}
    _validate_patient_fields(merged, today=today)
    with transaction.atomic():
        updated = Patient.objects.filter(pk=patient.pk, version=expected_version).update(
            version=expected_version + 1, updated_at=timezone.now(), **merged
        )
        if updated != 1:
            current = Patient.objects.values_list("version", flat=True).get(pk=patient.pk)
            raise StaleVersionError(current)
        changed = sorted(k for k in PATIENT_FIELDS if merged[k] != getattr(patient, k))
        audit_record(
            actor=actor,
            action="patient.update",
            request=request,
            object_type="patient",
            object_id=patient.pk,
            patient_id=patient.pk,
            detail={"fields": changed, "version": expected_version + 1},
        )
    patient.refresh_from_db()
    return patient


def _audited_create(*, actor, request, patient: Patient, model, action: str, **values):
    with transaction.atomic():
        obj = model.objects.create(patient=patient, **values)
        audit_record(
            actor=actor,
            action=action,
            request=request,
            object_type=model._meta.model_name,
            object_id=obj.pk,
            patient_id=patient.pk,
        )
    return obj


def measurement_add(*, actor, request=None, patient, today: date, weight_kg, height_cm=None, measured_on: date):
    weight = intake.validate_weight_kg(weight_kg)
    height = intake.validate_height_cm(height_cm) if height_cm not in (None, "") else None
    intake.validate_measured_on(measured_on, today=today)
    return _audited_create(
        actor=actor, request=request, patient=patient, model=BodyMeasurement, action="measurement.create",
        weight_kg=weight, height_cm=height, measured_on=measured_on, recorded_by=actor,
    )  # fmt: skip


def measurement_mark_in_error(*, actor, request=None, patient: Patient, measurement_id: int, reason: str):
    """Mark a weight/height measurement entered in error, with the reason. The row stays (who, when, why);
    the chart's current weight, dosing and the infusion check-in stop reading it. Marking the only weight is
    allowed: the patient then has no current weight and dosing needs a new one."""
    reason = (reason or "").strip()
    if not reason:
        raise DomainValidationError("reason", "is required: say what was wrong (e.g. typed 150 for 68.5 kg)")
    limit = BodyMeasurement.REASON_MAX
    if len(reason) > limit:
        raise DomainValidationError("reason", f"is {len(reason)} characters long", f"at most {limit} characters")
    with transaction.atomic():
        measurement = BodyMeasurement.objects.filter(pk=measurement_id, patient=patient).first()
        if measurement is None:
            raise Http404("No such measurement on this record.")
        # The filter makes two people marking the same measurement at once record it only once.
        updated = BodyMeasurement.objects.filter(pk=measurement.pk, entered_in_error_at__isnull=True).update(
            entered_in_error_at=timezone.now(), entered_in_error_by=actor, entered_in_error_reason=reason
        )
        if updated != 1:
            raise DomainValidationError("measurement_id", "was already marked entered in error")
        audit_record(
            actor=actor, action="measurement.entered_in_error", request=request, object_type="bodymeasurement",
            object_id=measurement.pk, patient_id=patient.pk,
            detail={"weight_kg": str(measurement.weight_kg), "measured_on": measurement.measured_on.isoformat()},
        )  # fmt: skip
    measurement.refresh_from_db()
    return measurement


def allergy_add(*, actor, request=None, patient, substance: str, reaction: str = "", severity: str = "unknown"):
    if not substance.strip():
        raise DomainValidationError("substance", "is required")
    if severity not in Allergy.Severity.values:
        raise DomainValidationError("severity", f"unknown value {severity!r}", ", ".join(Allergy.Severity.values))
    return _audited_create(
        actor=actor, request=request, patient=patient, model=Allergy, action="allergy.create",
        substance=substance.strip(), reaction=reaction, severity=severity, recorded_by=actor,
    )  # fmt: skip


def medication_add(*, actor, request=None, patient, name: str, drug_class: str, dose_text: str = ""):
    if not name.strip():
        raise DomainValidationError("name", "is required")
    _check_code("drug_class", "drug_classes", drug_class)
    return _audited_create(
        actor=actor, request=request, patient=patient, model=MedicationStatement, action="medication.create",
        name=name.strip(), drug_class=drug_class, dose_text=dose_text, recorded_by=actor,
    )  # fmt: skip


def condition_add(*, actor, request=None, patient, code: str, note: str = ""):
    _check_code("code", "comorbidities", code)
    return _audited_create(
        actor=actor, request=request, patient=patient, model=Condition, action="condition.create",
        code=code, note=note, recorded_by=actor,
    )  # fmt: skip


def therapy_add(*, actor, request=None, patient, therapy: str, outcome: str, duration_weeks=None, note: str = ""):
    _check_code("therapy", "prior_therapies", therapy)
    _check_code("outcome", "therapy_outcomes", outcome)
    if duration_weeks is not None and not 0 < int(duration_weeks) <= 520:
        raise DomainValidationError("duration_weeks", f"{duration_weeks} is out of range", "1–520 weeks")
    return _audited_create(
        actor=actor, request=request, patient=patient, model=PriorTherapy, action="therapy.create",
        therapy=therapy, outcome=outcome, duration_weeks=duration_weeks, note=note, recorded_by=actor,
    )  # fmt: skip


INTAKE_KINDS = {"allergy": Allergy, "medication": MedicationStatement, "condition": Condition, "therapy": PriorTherapy}


def intake_entry_remove(*, actor, request=None, patient: Patient, kind: str, entry_id: int, reason: str):
    """Take an allergy, medication, condition or prior therapy off the current intake (stopped, resolved or
    entered in error). The row stays, with who, when and why; screening reads current entries only."""
    model = INTAKE_KINDS.get(kind)
    if model is None:
        raise DomainValidationError("kind", f"unknown intake list {kind!r}", ", ".join(INTAKE_KINDS))
    reason = (reason or "").strip()
    if not reason:
        raise DomainValidationError("reason", "is required: say why (e.g. stopped, resolved, entered in error)")
    if len(reason) > 200:
        raise DomainValidationError("reason", f"is {len(reason)} characters long", "at most 200 characters")
    with transaction.atomic():
        entry = model.objects.filter(pk=entry_id, patient=patient).first()
        if entry is None:
            raise Http404("No such entry on this record.")
        # The filter on active makes two people removing the same entry at once record it only once.
        updated = model.objects.filter(pk=entry.pk, active=True).update(
            active=False, ended_at=timezone.now(), ended_by=actor, end_reason=reason
        )
        if updated != 1:
            raise DomainValidationError("entry_id", "was already removed from the current intake")
        audit_record(
            actor=actor, action=f"{kind}.remove", request=request, object_type=model._meta.model_name,
            object_id=entry.pk, patient_id=patient.pk,
        )  # fmt: skip
    entry.refresh_from_db()
    return entry


def _validate_consultation(fields: dict, *, today: date) -> None:
    for name in ("reason_for_referral", "history"):
        if not str(fields.get(name, "")).strip():
            raise DomainValidationError(name, "is required")
    if fields["occurred_on"] > today:
        raise DomainValidationError("occurred_on", "is in the future", f"on or before {today.isoformat()}")


def consultation_record(*, actor, request=None, patient, today: date, **fields) -> Consultation:
    """Record and sign an initial consultation; the signed note is locked from then on."""
    _validate_consultation(fields, today=today)
    return _audited_create(
        actor=actor, request=request, patient=patient, model=Consultation, action="consultation.sign",
        author=actor, signed_at=timezone.now(), **fields,
    )  # fmt: skip


def consultation_amend(
    *, actor, request=None, original: Consultation, reason: str, today: date, **fields
) -> Consultation:
    """An amendment is a new signed version pointing to the one it replaces; the original stays as it was."""
    if not reason.strip():
        raise DomainValidationError("amendment_reason", "is required: say why the note is amended")
    _validate_consultation(fields, today=today)
    already = DomainValidationError("consultation", "was already amended; amend the latest version")
    try:
        with transaction.atomic():
            if Consultation.objects.filter(amends=original).exists():
                raise already
            amended = Consultation.objects.create(
                patient=original.patient, author=actor, signed_at=timezone.now(), amends=original,
                amendment_reason=reason.strip(), **fields,
            )  # fmt: skip
            audit_record(
                actor=actor, action="consultation.amend", request=request, object_type="consultation",
                object_id=amended.pk, patient_id=original.patient_id, detail={"amends": original.pk},
            )  # fmt: skip
    except IntegrityError as exc:
        # Two prescribers amending the same version at once on PostgreSQL: the unique link refuses the second.
        raise already from exc
    return amended


def portal_invite(*, actor, request=None, patient: Patient):
    """Create (or reset) the patient's portal login. Returns (user, one-time password)."""
    from ketaflow.clinic.accounts.models import User
    from ketaflow.clinic.accounts.roles import Role

    password = secrets.token_urlsafe(12)
    with transaction.atomic():
        user = patient.user
        if user is None:
            user = User.objects.create_user(
                username=f"patient-{patient.record_number.lower()}",
                email=patient.email,
                first_name=patient.given_name,
                last_name=patient.family_name,
                role=Role.PATIENT,
                password=password,
            )
            Patient.objects.filter(pk=patient.pk).update(user=user)
        else:
            user.set_password(password)
            user.save(update_fields=["password"])
        audit_record(
            actor=actor, action="portal.invite", request=request, object_type="user", object_id=user.pk,
            patient_id=patient.pk,
        )  # fmt: skip
    return user, password
