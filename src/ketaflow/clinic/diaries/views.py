"""The patient's diary: today's ratings and what else is due, in the portal or through a one-time link;
the staff view of a patient's diary."""

from __future__ import annotations

from django.contrib import messages
from django.db import IntegrityError, transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from ketaflow.clinic.assessments.catalogue import CRISIS_HELP
from ketaflow.clinic.assessments.forms import answers_from, instrument_form_class
from ketaflow.clinic.assessments.models import Assessment
from ketaflow.clinic.assessments.services import NotScorable, assessment_record
from ketaflow.clinic.audit.services import audit_record
from ketaflow.clinic.diaries import forms, selectors, services
from ketaflow.clinic.diaries.models import DiaryDay
from ketaflow.clinic.diaries.policy import LABELS
from ketaflow.clinic.patients.models import Patient
from ketaflow.clinic.patients.selectors import patient_get
from ketaflow.domain.errors import DomainValidationError
from ketaflow.domain.instruments import get_instrument
from ketaflow.domain.outcomes.diary_schedule import DAILY_ITEMS


def _crisis(assessment) -> bool:
    return any(f.get("code") == "suicide_risk" for f in assessment.result.get("flags", []))


def _diary_context(patient, now, **extra) -> dict:
    status, policy = selectors.diary_status_for(patient=patient, now=now)
    open_items = status.open_items if status else ()
    done_today = services.recorded_today(patient=patient, day=timezone.localdate(now))
    due = {i.instrument for i in open_items}
    still_open = [i for i in DAILY_ITEMS if i in due and i not in done_today]
    others = [i for i in open_items if i.instrument not in DAILY_ITEMS]
    titles = {i.instrument: get_instrument(i.instrument).definition.title for i in others}
    done = [(LABELS.get(i, i), v) for i, v in done_today.items()]
    extra.setdefault("done_ids", list(done_today))
    return {"patient": patient, "status": status, "policy": policy, "daily_open": bool(still_open),
            "daily_items": still_open, "done_today": done, "others": others, "titles": titles,
            "today": timezone.localdate(now), **extra}  # fmt: skip


def _patient_error(form, exc: DomainValidationError) -> None:
    """A refusal in the patient's words: the item by name, not the instrument id."""
    if exc.field == "answers" and exc.message == "rate at least one item":
        form.add_error(None, "Nothing was sent: tap a number (0–10) for at least one question.")
        return
    form.add_error(None, f"{LABELS.get(exc.field, exc.field)}: {exc.message}" + (f" ({exc.allowed})" if exc.allowed else ""))


def _saved_message(answers: dict, still_open: list[str]) -> str:
    saved = ", ".join(LABELS.get(i, i) for i in answers)
    if still_open:
        return f"Your ratings are saved: {saved}. Still to rate today: {', '.join(LABELS.get(i, i) for i in still_open)}."
    return f"Your ratings are saved: {saved}. Today's diary is complete. Thank you."


@require_http_methods(["GET", "POST"])
def portal_diary(request):
    """The patient's own diary page (portal login)."""
    patient = Patient.objects.filter(user=request.user).first()
    if patient is None:
        raise Http404("No patient record is linked to this login.")
    patient_get(user=request.user, patient_id=patient.pk, request=request, audit_action="diary.view")
    ctx = _diary_context(patient, timezone.now())
    form = forms.daily_form_class(ctx["daily_items"])(request.POST if request.method == "POST" else None)
    status_code = 200
    if request.method == "POST":
        status_code = 422
        if not ctx["daily_open"]:
            form.add_error(None, "Today's diary is already complete: nothing more to rate today.")
        elif form.is_valid():
            answers = forms.daily_answers(form)
            stale = [(label, value) for (label, value), i in zip(ctx["done_today"], ctx["done_ids"], strict=True)
                     if request.POST.get(i)]  # fmt: skip
            if not answers and stale:  # a second tab, or a page from before today's first save
                said = ", ".join(f"{label} ({value})" for label, value in stale)
                form.add_error(None, f"Already rated today: {said}. Nothing else was sent.")
                return render(request, "diaries/portal_diary.html", ctx | {"form": form}, status=422)
            try:
                services.diary_entry_record(actor=request.user, request=request, patient=patient,
                                            answers=answers, day=timezone.localdate())  # fmt: skip
            except DomainValidationError as exc:
                _patient_error(form, exc)
            else:
                still_open = [i for i in ctx["daily_items"] if i not in answers]
                messages.success(request, _saved_message(answers, still_open))
                return redirect("diaries:portal")
    return render(request, "diaries/portal_diary.html", ctx | {"form": form}, status=status_code)


@require_GET
def staff_diary(request, patient_id):
    patient = patient_get(user=request.user, patient_id=patient_id, request=request, audit_action="diary.view")
    entries = selectors.recent_diary_days(patient=patient, limit=GRID_DAYS * len(DAILY_ITEMS))
    ctx = _diary_context(patient, timezone.now(), entries=entries, labels=LABELS)
    ctx["grid"] = _day_grid(ctx["status"], entries)
    ctx["daily_labels"] = [LABELS.get(i, i) for i in DAILY_ITEMS]
    return render(request, "diaries/staff_diary.html", ctx)


GRID_DAYS = 35  # the staff page shows five weeks, one row a day


def _day_grid(status, entries) -> list[dict]:
    """One row per scheduled day, newest first: each daily item's rating (or its status) and the
    questionnaires due that day with their status, so a nurse reads a week at a glance."""
    if status is None:
        return []
    values = {(e.instrument_id, e.day): e.assessment.result.get("total_display", e.assessment.total) for e in entries}
    by_day: dict = {}
    for item in status.items:
        if item.status != "upcoming":
            by_day.setdefault(item.due_day, {})[item.instrument] = item
    rows = []
    for day in sorted(by_day, reverse=True)[:GRID_DAYS]:
        items = by_day[day]
        cells = []
        for instrument in DAILY_ITEMS:
            item = items.get(instrument)
            value = values.get((instrument, item.completed_on)) if item and item.completed_on else None
            cells.append({"status": item.status if item else "", "value": value})
        others = [(LABELS.get(i, i), it.status, it.completed_on) for i, it in sorted(items.items()) if i not in DAILY_ITEMS]
        rows.append({"day": day, "cells": cells, "others": others})
    return rows


@require_http_methods(["GET", "POST"])
def link_fill(request, token: str):
    """A reminder's one-time link: fills just that form, as the patient, without a portal session."""
    now = timezone.now()
    try:
        link = services.diary_link_open(token, now=now)
    except DomainValidationError as exc:
        return render(request, "diaries/link_invalid.html", {"reason": exc.message, "allowed": exc.allowed}, status=410)
    patient, actor = link.patient, link.patient.user
    daily = link.group == "daily"
    still_open = list(DAILY_ITEMS)
    if daily:
        done_today = services.recorded_today(patient=patient, day=timezone.localdate(now))
        still_open = [i for i in DAILY_ITEMS if i not in done_today]
        if not still_open:  # rated in the portal since the email: nothing to fill, and the link stays unused
            return render(request, "diaries/link_done.html", {"patient": patient, "already": True})
    elif _answered_since(link):  # filled in the portal or through another link after this email was sent
        return render(request, "diaries/link_done.html", {"patient": patient, "already": True})
    form_class = forms.daily_form_class(still_open) if daily else instrument_form_class(get_instrument(link.group).definition)
    form = form_class(request.POST if request.method == "POST" else None)
    status_code, crisis = 200, False
    if request.method == "POST":
        status_code = 422
        if form.is_valid():
            try:
                if daily:
                    services.diary_entry_record(actor=actor, request=request, patient=patient, link=link,
                                                answers=forms.daily_answers(form), day=timezone.localdate())  # fmt: skip
                else:
                    crisis = _record_linked_instrument(request, link, answers_from(form))
            except DomainValidationError as exc:
                unanswered = sum(1 for name in form.fields if form.cleaned_data.get(name) in (None, "", []))
                if not daily and unanswered:  # the instrument refused a form with questions left blank
                    form.add_error(None, f"Please answer every question: {unanswered} not answered yet.")
                else:
                    _patient_error(form, exc)
            else:
                return render(request, "diaries/link_done.html", {"patient": patient, "crisis": crisis,
                                                                  "crisis_help": CRISIS_HELP})  # fmt: skip
    audit_record(actor=actor, action="diary.link_open", request=request, object_type="diary_link", object_id=link.pk,
                 patient_id=patient.pk)  # fmt: skip
    definition = None if daily else get_instrument(link.group).definition
    context = {"patient": patient, "form": form, "daily": daily, "definition": definition,
               "title": "Today's diary" if daily else definition.title,
               "groups": () if daily else _groups(form, definition)}  # fmt: skip
    return render(request, "diaries/link_fill.html", context, status=status_code)


def _groups(form, definition) -> list[tuple[str, str, list]]:
    """The questionnaire's own sections with their heading and prompt (FIQR's function / overall / symptoms),
    as the portal shows them: a question must not reach the patient without its instruction."""
    groups: list[tuple[str, str, list]] = []
    last = None
    for name, field in form.fields.items():
        group = getattr(field, "group", "")
        if group != last or not groups:
            label, prompt = definition.group_heading(group) if group else ("", "")
            groups.append((label, prompt, []))
            last = group
        groups[-1][2].append(form[name])
    return groups


def _answered_since(link) -> bool:
    return Assessment.objects.filter(patient=link.patient, instrument_id=link.group, invalid=False,
                                     administered_at__gte=link.created_at).exists()  # fmt: skip


def _record_linked_instrument(request, link, answers: dict) -> bool:
    today = timezone.localdate()
    try:
        with transaction.atomic():
            assessment = assessment_record(actor=link.patient.user, request=request, patient=link.patient,
                                           instrument_id=link.group, answers=answers)  # fmt: skip
            DiaryDay.objects.create(patient=link.patient, instrument_id=link.group, day=today, assessment=assessment,
                                    due_day=link.due_day, via_link=link)  # fmt: skip
            link.used_at = timezone.now()
            link.save(update_fields=["used_at"])
    except NotScorable as exc:
        raise DomainValidationError("answers", exc.result.invalid_reason) from None
    except IntegrityError:  # two links for one questionnaire, both opened the same day
        raise DomainValidationError(link.group, "was already filled today", "one answer per questionnaire per day") from None
    return _crisis(assessment)
