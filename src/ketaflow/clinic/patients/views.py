"""Patient pages: parse, call one service or selector, render."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from ketaflow.clinic.accounts.roles import Role
from ketaflow.clinic.core.chart import chart_extras
from ketaflow.clinic.core.forms import add_domain_error
from ketaflow.clinic.patients import forms, services
from ketaflow.clinic.patients.selectors import consultation_get, patient_chart, patient_get, patient_search
from ketaflow.domain.errors import DomainValidationError


def _today():
    return timezone.localdate()


@require_http_methods(["GET", "POST"])
def patient_list(request):
    # The search text travels in the POST body, never in the URL (no patient data in URLs or access logs).
    query = request.POST.get("q", "") if request.method == "POST" else ""
    try:
        page = int(request.POST.get("page") or request.GET.get("page") or 1)
    except ValueError:
        page = 1
    page_obj = patient_search(user=request.user, query=query, page=page, request=request)
    context = {"page_obj": page_obj, "query": query}
    if request.htmx:
        return render(request, "patients/patient_list.html#results", context)
    return render(request, "patients/patient_list.html", context)


@require_http_methods(["GET", "POST"])
def patient_register(request):
    form = forms.RegisterForm(request.POST or None, initial={"measured_on": _today()})
    if request.method == "POST" and form.is_valid():
        try:
            patient = services.patient_register(actor=request.user, request=request, today=_today(), **form.cleaned_data)
        except DomainValidationError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, f"Registered {patient.full_name} ({patient.record_number}).")
            return redirect("patients:chart", patient_id=patient.pk)
    status = 422 if request.method == "POST" else 200
    return render(request, "patients/patient_register.html", {"form": form}, status=status)


@require_http_methods(["GET"])
def patient_chart_view(request, patient_id):
    patient = patient_get(user=request.user, patient_id=patient_id, request=request)
    chart = patient_chart(patient=patient)
    context = {"chart": chart, "patient": patient, "forms": _section_forms()}
    context |= chart_extras(patient=patient, timeline=chart.timeline)
    # The portal lists visits; intake bookkeeping (entries added or removed by staff) is for the chart.
    context["intake_kinds"] = ("allergy", "medication", "condition", "therapy")
    template = "patients/patient_portal.html" if request.user.role == Role.PATIENT else "patients/patient_chart.html"
    if request.user.role == Role.PATIENT:  # the diary card says what is waiting, not only where the diary is
        from ketaflow.clinic.diaries.selectors import diary_due_summary

        context["diary_due"] = diary_due_summary(patient=patient, now=timezone.now())
    return render(request, template, context)


def _section_forms():
    return {
        "measurement": forms.MeasurementForm(initial={"measured_on": _today()}),
        "allergy": forms.AllergyForm(),
        "medication": forms.MedicationForm(),
        "condition": forms.ConditionForm(),
        "therapy": forms.TherapyForm(),
    }


@require_http_methods(["GET", "POST"])
def patient_edit(request, patient_id):
    patient = patient_get(user=request.user, patient_id=patient_id, request=request, audit_action="patient.view_for_edit")
    initial = {k: getattr(patient, k) for k in services.PATIENT_FIELDS} | {"version": patient.version}
    form = forms.PatientEditForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            data = dict(form.cleaned_data)
            version = data.pop("version")
            try:
                services.patient_update(
                    actor=request.user, request=request, patient=patient, expected_version=version, today=_today(), **data
                )
            except DomainValidationError as exc:
                add_domain_error(form, exc)
            except services.StaleVersionError as exc:
                form.add_error(None, str(exc))
                status = 409
            else:
                messages.success(request, "Saved.")
                return redirect("patients:chart", patient_id=patient.pk)
    return render(request, "patients/patient_edit.html", {"form": form, "patient": patient}, status=status)


# One small view per intake section; each renders the chart section partial for htmx, or redirects.
_SECTIONS = {
    "measurement": (forms.MeasurementForm, services.measurement_add, True),
    "allergy": (forms.AllergyForm, services.allergy_add, False),
    "medication": (forms.MedicationForm, services.medication_add, False),
    "condition": (forms.ConditionForm, services.condition_add, False),
    "therapy": (forms.TherapyForm, services.therapy_add, False),
}


def _section_add(request, patient_id, section: str):
    form_class, service, needs_today = _SECTIONS[section]
    patient = patient_get(user=request.user, patient_id=patient_id, request=request, audit_action="")
    form = form_class(request.POST)
    status = 422
    if form.is_valid():
        kwargs = dict(form.cleaned_data) | ({"today": _today()} if needs_today else {})
        try:
            service(actor=request.user, request=request, patient=patient, **kwargs)
        except DomainValidationError as exc:
            add_domain_error(form, exc)
        else:
            status = 200
            form = form_class(initial={"measured_on": _today()} if needs_today else None)
            if not request.htmx:
                messages.success(request, "Saved.")
                return redirect("patients:chart", patient_id=patient.pk)
    chart = patient_chart(patient=patient)
    section_forms = _section_forms() | {section: form}
    context = {"chart": chart, "patient": patient, "forms": section_forms}
    context |= chart_extras(patient=patient, timeline=chart.timeline)
    if request.htmx:
        context["oob"] = True
        return render(request, f"patients/patient_chart.html#{section}", context, status=status)
    return render(request, "patients/patient_chart.html", context, status=status)


@require_POST
def measurement_add(request, patient_id):
    return _section_add(request, patient_id, "measurement")


@require_POST
def allergy_add(request, patient_id):
    return _section_add(request, patient_id, "allergy")


@require_POST
def medication_add(request, patient_id):
    return _section_add(request, patient_id, "medication")


@require_POST
def condition_add(request, patient_id):
    return _section_add(request, patient_id, "condition")


@require_POST
def therapy_add(request, patient_id):
    return _section_add(request, patient_id, "therapy")


@require_POST
def intake_remove(request, patient_id, kind, entry_id):
    patient = patient_get(user=request.user, patient_id=patient_id, request=request, audit_action="")
    form = forms.IntakeRemoveForm(request.POST)
    if form.is_valid():
        try:
            services.intake_entry_remove(
                actor=request.user, request=request, patient=patient, kind=kind, entry_id=entry_id, **form.cleaned_data
            )
        except DomainValidationError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, "Removed from the current intake. The entry stays on the timeline with your reason.")
            return redirect(reverse("patients:chart", args=[patient.pk]) + f"#{kind}")
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, f"Not removed: {error}")
    chart = patient_chart(patient=patient)
    context = {"chart": chart, "patient": patient, "forms": _section_forms()}
    context |= chart_extras(patient=patient, timeline=chart.timeline)
    return render(request, "patients/patient_chart.html", context, status=422)


@require_POST
def measurement_mark_in_error(request, patient_id, measurement_id):
    patient = patient_get(user=request.user, patient_id=patient_id, request=request, audit_action="")
    form = forms.MeasurementInErrorForm(request.POST)
    if form.is_valid():
        try:
            services.measurement_mark_in_error(
                actor=request.user, request=request, patient=patient, measurement_id=measurement_id,
                **form.cleaned_data,
            )  # fmt: skip
        except DomainValidationError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, "Measurement marked entered in error. It stays on the chart, struck through, "
                                      "with your reason; dosing no longer reads it.")  # fmt: skip
            return redirect(reverse("patients:chart", args=[patient.pk]) + "#measurement")
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        for error in errors:
            named = error if not label or error.startswith(label) else f"{label}: {error}"
            messages.error(request, f"Not marked entered in error: {named}")
    chart = patient_chart(patient=patient)
    context = {"chart": chart, "patient": patient, "forms": _section_forms()}
    context |= chart_extras(patient=patient, timeline=chart.timeline)
    return render(request, "patients/patient_chart.html", context, status=422)


@require_http_methods(["GET", "POST"])
def consultation_add(request, patient_id):
    patient = patient_get(user=request.user, patient_id=patient_id, request=request, audit_action="")
    form = forms.ConsultationForm(request.POST or None, initial={"occurred_on": _today()})
    if request.method == "POST" and form.is_valid():
        try:
            services.consultation_record(actor=request.user, request=request, patient=patient, today=_today(), **form.cleaned_data)
        except DomainValidationError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, "Consultation signed. It is now locked; changes are made as amendments.")
            return redirect("patients:chart", patient_id=patient.pk)
    status = 422 if request.method == "POST" else 200
    return render(request, "patients/consultation_form.html", {"form": form, "patient": patient}, status=status)


@require_http_methods(["GET", "POST"])
def consultation_amend(request, patient_id, consultation_id):
    patient = patient_get(user=request.user, patient_id=patient_id, request=request, audit_action="")
    original = consultation_get(patient=patient, consultation_id=consultation_id)
    fields = ("occurred_on", "reason_for_referral", "history", "findings", "plan_discussed")
    form = forms.ConsultationAmendForm(request.POST or None, initial={f: getattr(original, f) for f in fields})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        reason = data.pop("amendment_reason")
        try:
            services.consultation_amend(
                actor=request.user, request=request, original=original, reason=reason, today=_today(), **data
            )
        except DomainValidationError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, "Amendment signed; the original is kept in the history.")
            return redirect("patients:chart", patient_id=patient.pk)
    status = 422 if request.method == "POST" else 200
    context = {"form": form, "patient": patient, "original": original}
    return render(request, "patients/consultation_form.html", context, status=status)


@require_POST
def portal_invite(request, patient_id):
    patient = patient_get(user=request.user, patient_id=patient_id, request=request, audit_action="")
    user, password = services.portal_invite(actor=request.user, request=request, patient=patient)
    return render(request, "patients/portal_invite.html", {"patient": patient, "portal_user": user, "password": password})
