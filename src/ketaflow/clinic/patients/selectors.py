"""Reads of patient records. Object-level access lives here: another patient's record is 'not found'."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.utils import timezone

from ketaflow.clinic.accounts.roles import Role
from ketaflow.clinic.audit.services import audit_record
from ketaflow.clinic.patients.models import Consultation, Patient, code_display
from ketaflow.clinic.patients.policy import intake_policy
from ketaflow.domain.errors import DomainValidationError
from ketaflow.domain.intake import weight_for_dosing

TIMELINE_LIMIT = 50


def patient_queryset_for(user):
    qs = Patient.objects.all()
    if user.role == Role.PATIENT:
        return qs.filter(user=user)
    return qs


def patient_get(*, user, patient_id, request=None, audit_action: str = "patient.view") -> Patient:
    """Load one patient the user may see, and audit the read. Others' ids answer exactly like missing ones."""
    try:
        patient = patient_queryset_for(user).get(pk=patient_id)
    except (Patient.DoesNotExist, ValueError, DjangoValidationError):
        raise Http404("No such patient.") from None
    if audit_action:
        audit_record(
            actor=user, action=audit_action, request=request, object_type="patient",
            object_id=patient.pk, patient_id=patient.pk,
        )  # fmt: skip
    return patient


def consultation_get(*, patient: Patient, consultation_id: int) -> Consultation:
    """One consultation of a patient the caller may already see; another patient's id is 'not found'."""
    consultation = Consultation.objects.filter(patient=patient, pk=consultation_id).select_related("author").first()
    if consultation is None:
        raise Http404("No such consultation.")
    return consultation


def _parse_date(text: str) -> date | None:
    for fmt in ("%Y-%m-%d", "%d/%m/%Y", "%m/%d/%Y"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def patient_search(*, user, query: str = "", page: int = 1, page_size: int = 25, request=None, strict: bool = False):
    """Find by name, date of birth (YYYY-MM-DD) or record number; paginated; the read is audited.

    ``strict``: a page past the last is an error naming the pages there are (the API), rather than the
    last page (the pages' pager, where a stale page number after a narrower search should still answer).
    """
    qs = patient_queryset_for(user)
    query = (query or "").strip()
    if query:
        dob = _parse_date(query)
        if dob:
            qs = qs.filter(date_of_birth=dob)
        else:
            # Every word must match a name part ("ana lopez" finds Ana López), or the whole is a record number.
            name_match = Q()
            for word in query.split():
                name_match &= Q(family_name__icontains=word) | Q(given_name__icontains=word)
            qs = qs.filter(Q(record_number__iexact=query) | name_match)
    paginator = Paginator(qs.order_by("family_name", "given_name", "record_number"), page_size)
    if strict and page > paginator.num_pages:
        raise DomainValidationError("page", f"page {page} is past the last page", f"1–{paginator.num_pages}")
    page_obj = paginator.get_page(page)
    audit_record(
        actor=user, action="patient.search", request=request, object_type="patient_list",
        detail={"results": paginator.count, "page": page_obj.number, "searched": bool(query)},
    )  # fmt: skip
    return page_obj


def _entry_name(entry) -> str:
    if hasattr(entry, "substance"):
        return entry.substance
    if hasattr(entry, "drug_class"):
        return entry.name
    if hasattr(entry, "therapy"):
        return code_display("prior_therapies", entry.therapy)
    return code_display("comorbidities", entry.code)


@dataclass(frozen=True)
class Chart:
    patient: Patient
    latest_measurement: object | None
    measurements: list
    allergies: list
    medications: list
    conditions: list
    therapies: list
    consultations: list
    timeline: list
    weight_for_dosing: object | None = None


@dataclass(frozen=True)
class TimelineEvent:
    at: datetime
    kind: str
    title: str
    detail: str = ""


def patient_chart(*, patient: Patient) -> Chart:
    """Everything the chart page shows, in a fixed number of queries whatever the history's length."""
    measurements = list(patient.measurements.select_related("recorded_by", "entered_in_error_by")[:TIMELINE_LIMIT])
    consultations = list(
        Consultation.objects.filter(patient=patient).select_related("author", "amends")[:TIMELINE_LIMIT]
    )
    replaced = {c.amends_id for c in consultations if c.amends_id}
    for c in consultations:
        c.current = c.pk not in replaced
    timeline = [TimelineEvent(patient.created_at, "registration", "Registered", patient.record_number)]
    for m in measurements:
        if m.entered_in_error_at is None:
            timeline.append(TimelineEvent(m.recorded_at, "measurement", f"Weight {m.weight_kg} kg", f"measured {m.measured_on}"))
            continue
        timeline.append(TimelineEvent(m.recorded_at, "measurement", f"Weight {m.weight_kg} kg",
                                      f"measured {m.measured_on} · since marked entered in error"))  # fmt: skip
        by = m.entered_in_error_by.display_name if m.entered_in_error_by else ""
        timeline.append(TimelineEvent(m.entered_in_error_at, "measurement",
                                      f"Weight {m.weight_kg} kg (measured {m.measured_on}) marked entered in error",
                                      f"{m.entered_in_error_reason} — {by}"))  # fmt: skip
    for c in consultations:
        title = "Consultation amended" if c.amends_id else "Initial consultation signed"
        timeline.append(TimelineEvent(c.signed_at, "consultation", title, c.author.display_name))
    allergies = list(patient.allergies.filter(active=True)[:TIMELINE_LIMIT])
    medications = list(patient.medications.filter(active=True)[:TIMELINE_LIMIT])
    conditions = list(patient.conditions.filter(active=True)[:TIMELINE_LIMIT])
    therapies = list(patient.prior_therapies.filter(active=True)[:TIMELINE_LIMIT])
    removed = [
        (kind, label, entry)
        for kind, label, rows in (("allergy", "Allergy", patient.allergies),
                                  ("medication", "Medication", patient.medications),
                                  ("condition", "Condition", patient.conditions),
                                  ("therapy", "Prior therapy", patient.prior_therapies))
        for entry in rows.filter(active=False).select_related("ended_by").order_by("-ended_at")[:TIMELINE_LIMIT]
    ]  # fmt: skip
    # Intake recorded after registration is part of the story: screening reads it, so staff must see when.
    for a in allergies:
        timeline.append(TimelineEvent(a.recorded_at, "allergy", f"Allergy recorded: {a.substance}", a.get_severity_display()))
    for m in medications:
        timeline.append(TimelineEvent(m.recorded_at, "medication", f"Medication recorded: {m.name}",
                                      code_display("drug_classes", m.drug_class)))  # fmt: skip
    for c in conditions:
        timeline.append(TimelineEvent(c.recorded_at, "condition", "Condition recorded", code_display("comorbidities", c.code)))
    for t in therapies:
        timeline.append(TimelineEvent(t.recorded_at, "therapy", f"Prior therapy: {code_display('prior_therapies', t.therapy)}",
                                      code_display("therapy_outcomes", t.outcome)))  # fmt: skip
    for kind, label, entry in removed:
        timeline.append(TimelineEvent(entry.recorded_at, kind, f"{label} recorded: {_entry_name(entry)}", "since removed"))
        by = entry.ended_by.display_name if entry.ended_by else ""
        timeline.append(TimelineEvent(
            entry.ended_at, kind, f"{label} removed: {_entry_name(entry)}", f"{entry.end_reason} — {by}"
        ))  # fmt: skip
    timeline.sort(key=lambda e: e.at, reverse=True)
    # The newest by date measured that was not entered in error: the one dosing uses.
    latest = next((m for m in measurements if m.entered_in_error_at is None), None)
    if latest is None and len(measurements) == TIMELINE_LIMIT:
        latest = patient.measurements.current().first()
    return Chart(
        patient=patient,
        latest_measurement=latest,
        measurements=measurements,
        allergies=allergies,
        medications=medications,
        conditions=conditions,
        therapies=therapies,
        consultations=consultations,
        timeline=timeline[:TIMELINE_LIMIT],
        weight_for_dosing=weight_for_dosing(
            latest.weight_kg if latest else None, latest.measured_on if latest else None,
            today=timezone.localdate(), policy=intake_policy(),
        ),
    )

