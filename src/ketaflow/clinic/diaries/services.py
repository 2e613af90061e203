"""Diary writes: today's daily ratings (one transaction for all of them), one-time links, reminders.

Answers are Assessment rows (scored by the instruments); a DiaryDay row per instrument and day makes a
second entry for the same day a clear error instead of a second pain value for the outcome rules.
"""

from __future__ import annotations

import secrets
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from ketaflow.clinic.assessments.services import NotScorable, assessment_record
from ketaflow.clinic.diaries.models import DiaryDay, DiaryLink, ReminderSent
from ketaflow.clinic.diaries.policy import LABELS
from ketaflow.domain.errors import DomainValidationError
from ketaflow.domain.instruments import get_instrument
from ketaflow.domain.outcomes.diary_schedule import DAILY_ITEMS

LINK_VALID_H = 36  # clinic policy: a reminder's link works until the end of the next day or so


def diary_entry_record(*, actor, request=None, patient, answers: dict[str, dict], day: date,
                       link: DiaryLink | None = None) -> list[DiaryDay]:  # fmt: skip
    """Record the daily items for `day` (today only: a day's pain cannot be filled in later)."""
    today = timezone.localdate()
    if day != today:
        raise DomainValidationError("day", f"{day.isoformat()} is not today", f"{today.isoformat()} (daily items are about today)")
    unknown = sorted(set(answers) - set(DAILY_ITEMS))
    if unknown:
        raise DomainValidationError("instrument_id", f"not a daily diary item: {', '.join(unknown)}", ", ".join(DAILY_ITEMS))
    if not answers:
        raise DomainValidationError("answers", "rate at least one item", ", ".join(DAILY_ITEMS))
    done = recorded_today(patient=patient, day=day, instruments=answers)
    if done:
        said = ", ".join(f"{LABELS.get(i, i)} ({v})" for i, v in done.items())
        raise DomainValidationError(next(iter(done)), f"already rated today: {said}",
                                    "one rating per item per day; the items not yet rated today can still be sent")  # fmt: skip
    rows = []
    try:
        with transaction.atomic():
            for instrument_id, item_answers in answers.items():
                try:
                    assessment = assessment_record(actor=actor, request=request, patient=patient,
                                                   instrument_id=instrument_id, answers=item_answers,
                                                   stored_context={"diary_day": day.isoformat()})  # fmt: skip
                except NotScorable as exc:
                    raise DomainValidationError(instrument_id, exc.result.invalid_reason) from None
                rows.append(DiaryDay.objects.create(patient=patient, instrument_id=instrument_id, day=day,
                                                    assessment=assessment, due_day=day, via_link=link))  # fmt: skip
            if link is not None:
                link.used_at = timezone.now()
                link.save(update_fields=["used_at"])
    except IntegrityError:
        raise DomainValidationError("day", "today's diary was already recorded", "one entry per item per day") from None
    from ketaflow.clinic.outcomes.services import outcomes_evaluate_if_stale

    outcomes_evaluate_if_stale(patient=patient, trigger="diary")
    return rows


def recorded_today(*, patient, day: date, instruments=DAILY_ITEMS) -> dict[str, str]:
    """{instrument id: the rating given} for the daily items already recorded on `day`, in DAILY_ITEMS order."""
    rows = DiaryDay.objects.filter(patient=patient, day=day, instrument_id__in=list(instruments)).select_related("assessment")
    given = {r.instrument_id: r.assessment.result.get("total_display", r.assessment.total) for r in rows}
    return {i: str(given[i]) for i in DAILY_ITEMS if i in given}


def diary_link_create(*, patient, group: str, instruments: list[str], due_day: date, now: datetime) -> tuple[DiaryLink, str]:
    raw = secrets.token_urlsafe(32)
    link = DiaryLink.objects.create(patient=patient, token_sha256=DiaryLink.digest_of(raw), group=group,
                                    instruments=instruments, due_day=due_day,
                                    expires_at=now + timedelta(hours=LINK_VALID_H))  # fmt: skip
    return link, raw


def diary_link_open(raw_token: str, *, now: datetime) -> DiaryLink:
    """The link, if it is known, unused and not expired; otherwise a clear error (nothing else is said)."""
    link = DiaryLink.objects.select_related("patient", "patient__user").filter(
        token_sha256=DiaryLink.digest_of(raw_token)).first()  # fmt: skip
    if link is None:
        raise DomainValidationError("link", "is not valid", "a link from a Ketaflow reminder email")
    if link.used_at is not None:
        raise DomainValidationError("link", "was already used", "each reminder link works once; log in to the portal")
    if link.expires_at <= now:
        raise DomainValidationError("link", "has expired", "log in to the portal to fill your diary")
    return link


def reminders_send(*, patient, status, now: datetime) -> int:
    """Email each reminder not sent before, all of one tick in one email (a link per form). The dedupe row is
    written first, in its own transaction: a second `ketaflow tick` (even a concurrent one) finds the key
    taken and sends nothing. Returns the number of reminders sent."""
    email = patient.email or (patient.user.email if patient.user_id else "")
    if not email or not patient.user_id:  # a link signs an entry as the patient's portal user
        return 0
    lines = []
    for reminder in status.reminders:
        instruments = list(DAILY_ITEMS) if reminder.group == "daily" else [reminder.group]
        try:
            with transaction.atomic():
                link, raw = diary_link_create(patient=patient, group=reminder.group, instruments=instruments,
                                              due_day=reminder.due_day, now=now)  # fmt: skip
                ReminderSent.objects.create(key=reminder.key, patient=patient, group=reminder.group,
                                            due_day=reminder.due_day, stage=reminder.stage, link=link,
                                            rule_version=status.rule_version)  # fmt: skip
        except IntegrityError:
            continue
        url = settings.KETAFLOW_BASE_URL + reverse("diaries:link", args=[raw])
        if reminder.group == "daily":
            what = "Today's diary (pain, sleep, fatigue: about a minute)"
        else:
            what = get_instrument(reminder.group).definition.title
        late = f" (overdue: it was due on {reminder.due_day:%d %B})" if reminder.stage == "overdue" else ""
        lines.append(f"- {what}{late}:\n  {url}")
    if not lines:
        return 0
    count = "1 form is" if len(lines) == 1 else f"{len(lines)} forms are"
    tap = "the link to fill it" if len(lines) == 1 else "each link to fill that form"
    send_mail(
        subject=f"Your Ketaflow diary: {count} waiting for you",
        message=(f"Hello {patient.given_name},\n\n{count} waiting for you. Tap {tap}:\n\n"
                 + "\n\n".join(lines)
                 + f"\n\nEach link works once and expires in {LINK_VALID_H} hours. You can also log in to the patient "
                 "portal.\n\nIf you are in crisis, call your local emergency number now.\n"),
        from_email=settings.DEFAULT_FROM_EMAIL, recipient_list=[email],
    )  # fmt: skip
    return len(lines)
