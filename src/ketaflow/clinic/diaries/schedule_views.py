"""Settings: each protocol's diary schedule (clinic policy), seen by staff, changed by prescribers and admins."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from ketaflow.clinic.diaries import policy
from ketaflow.clinic.diaries.forms import DiaryScheduleForm
from ketaflow.domain.errors import DomainValidationError


@require_GET
def schedules(request):
    return render(request, "diaries/schedules.html", {"schedules": policy.protocol_schedules()})


@require_http_methods(["GET", "POST"])
def schedule_edit(request, protocol_code: str):
    try:
        current = policy.protocol_schedule(protocol_code)
    except DomainValidationError as exc:
        raise Http404(exc.message) from None
    if request.method == "GET":
        settings = policy.policy_settings(current.policy)
        initial = {**settings, "based_on": current.number,
                   "post_series_offsets_days": ", ".join(map(str, settings["post_series_offsets_days"])),
                   "pgic_offsets_days": ", ".join(map(str, settings["pgic_offsets_days"]))}  # fmt: skip
        form = DiaryScheduleForm(initial=initial)
        return render(request, "diaries/schedule_edit.html", {"current": current, "form": form})
    form = DiaryScheduleForm(request.POST)
    status = 422
    if form.is_valid():
        try:
            edit = policy.diary_schedule_change(actor=request.user, request=request, protocol_code=protocol_code,
                                                settings=form.settings(), why=form.cleaned_data["why"],
                                                based_on=form.cleaned_data["based_on"])  # fmt: skip
        except DomainValidationError as exc:
            target = exc.field if exc.field in form.fields else None
            form.add_error(target, exc.message + (f" (allowed: {exc.allowed})" if exc.allowed else ""))
        except policy.ScheduleChanged as exc:
            status = 409
            form.add_error(None, f"This schedule was {exc}.")
        else:
            messages.success(request, f"{current.protocol_name}: diary schedule edit {edit.number} is in force.")
            return redirect("diaries:schedules")
    return render(request, "diaries/schedule_edit.html", {"current": current, "form": form}, status=status)
