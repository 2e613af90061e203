"""`ketaflow tick`: the periodic job (cron, every few minutes). Diary reminders for what is due or overdue —
never the same reminder twice, however often or concurrently it runs — then the outcome rules for every
patient whose data changed (relapse → booster proposal), then old idempotency records pruned."""

from __future__ import annotations


def run_tick(now=None) -> dict:
    from django.conf import settings
    from django.utils import timezone

    from ketaflow.clinic.diaries.selectors import diary_status_for
    from ketaflow.clinic.diaries.services import reminders_send
    from ketaflow.clinic.outcomes.services import outcomes_evaluate_all
    from ketaflow.clinic.patients.models import Patient
    from ketaflow.clinic.reliability.middleware import prune_idempotency_records

    now = now or timezone.now()
    local_hour = timezone.localtime(now).hour
    sent, quiet = 0, ""
    first, last = settings.KETAFLOW_REMINDER_FIRST_HOUR, settings.KETAFLOW_REMINDER_LAST_HOUR
    if not first <= local_hour <= last:
        quiet = (f"none sent at {timezone.localtime(now):%H:%M} {settings.TIME_ZONE}: reminders go out from "
                 f"{first:02d}:00 to {last:02d}:59 (KETAFLOW_REMINDER_FIRST_HOUR / _LAST_HOUR)")  # fmt: skip
    else:
        patients = Patient.objects.filter(user__isnull=False, plans__status="signed").distinct().select_related("user")
        for patient in patients:
            status, _ = diary_status_for(patient=patient, now=now, with_sent=True)
            if status is not None and status.reminders:
                sent += reminders_send(patient=patient, status=status, now=now)
    evaluated = outcomes_evaluate_all(now)
    pruned = prune_idempotency_records(now=now)
    return {"reminders_sent": sent, "reminders_quiet": quiet, "outcomes": evaluated, "idempotency_pruned": pruned}


def cmd_tick(args) -> int:
    from ketaflow.cli import _django

    _django()
    result = run_tick()
    quiet = f" ({result['reminders_quiet']})" if result["reminders_quiet"] else ""
    print(f"reminders sent: {result['reminders_sent']}{quiet}; outcomes: {result['outcomes']}; "
          f"idempotency records pruned: {result['idempotency_pruned']}")  # fmt: skip
    return 0


def register(subparsers) -> None:
    tick = subparsers.add_parser("tick", help="send due diary reminders (once each), evaluate outcomes, prune; cron-safe")
    tick.set_defaults(func=cmd_tick)
