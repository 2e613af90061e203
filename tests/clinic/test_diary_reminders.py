"""`ketaflow tick` emails each due diary reminder once, with a one-time link, however often it runs; it
evaluates the outcome rules in the same pass."""

from datetime import datetime, time

import pytest
from django.core import mail
from django.utils import timezone

from ketaflow.clinic.diaries.models import DiaryLink, ReminderSent
from ketaflow.commands.tick import run_tick
from tests.clinic.infusion_fixtures import signed_plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def booked(staff, patients):
    from ketaflow.clinic.scheduling.services import booking_propose, booking_series_accept

    plan = signed_plan(staff, patients["ana"])
    booking_series_accept(actor=staff["front_desk"], plan=plan, slots=list(booking_propose(plan=plan).slots))
    patients["ana"].email = "ana@example.invalid"
    patients["ana"].save(update_fields=["email"])
    return patients["ana"]


def _at_noon():
    return timezone.make_aware(datetime.combine(timezone.localdate(), time(12, 0)))


def test_a_due_reminder_is_sent_once_however_often_tick_runs(booked, settings):
    settings.KETAFLOW_BASE_URL = "https://clinic.example"
    first = run_tick(_at_noon())
    assert first["reminders_sent"] == 1 and len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [booked.email] and "https://clinic.example/d/" in message.body
    assert run_tick(_at_noon())["reminders_sent"] == 0 and len(mail.outbox) == 1
    assert ReminderSent.objects.filter(patient=booked).count() == 1
    link = DiaryLink.objects.get(patient=booked)
    assert link.group == "daily" and link.token_sha256 not in message.body  # only the raw token travels


def test_a_patient_without_an_email_address_gets_no_reminder_and_no_link(booked):
    type(booked).objects.filter(pk=booked.pk).update(email="")
    booked.user.email = ""
    booked.user.save(update_fields=["email"])
    assert run_tick(_at_noon())["reminders_sent"] == 0 and DiaryLink.objects.count() == 0


def test_no_reminder_is_sent_outside_the_clinics_reminder_hours(booked, settings):
    settings.KETAFLOW_REMINDER_FIRST_HOUR, settings.KETAFLOW_REMINDER_LAST_HOUR = 8, 20
    night = timezone.make_aware(datetime.combine(timezone.localdate(), time(3, 0)))
    assert run_tick(night)["reminders_sent"] == 0 and mail.outbox == []


def test_the_tick_command_prints_what_it_did(booked, capsys):
    from ketaflow.cli import main

    assert main(["tick"]) == 0
    assert "reminders sent:" in capsys.readouterr().out


def test_several_reminders_due_together_go_in_one_email_naming_each_form_with_its_own_link(booked, settings):
    from ketaflow.clinic.diaries.services import reminders_send
    from ketaflow.domain.outcomes.diary_schedule import Reminder

    today = timezone.localdate()
    status = type("Status", (), {"rule_version": "test", "reminders": (
        Reminder(f"diary:{booked.pk}:daily:{today}:due", str(booked.pk), "daily", today, "due"),
        Reminder(f"diary:{booked.pk}:phq9:{today}:overdue", str(booked.pk), "phq9", today, "overdue"),
        Reminder(f"diary:{booked.pk}:gad7:{today}:due", str(booked.pk), "gad7", today, "due"))})()  # fmt: skip
    assert reminders_send(patient=booked, status=status, now=_at_noon()) == 3
    assert len(mail.outbox) == 1 and mail.outbox[0].subject == "Your Ketaflow diary: 3 forms are waiting for you"
    body = mail.outbox[0].body
    assert "Patient Health Questionnaire-9 (PHQ-9) (overdue" in body and "(GAD-7)" in body and "PHQ9" not in body
    assert body.count("/d/") == 3 and DiaryLink.objects.filter(patient=booked).count() == 3
    assert "Tap each link to fill that form:" in body
    assert reminders_send(patient=booked, status=status, now=_at_noon()) == 0 and len(mail.outbox) == 1


def test_tick_outside_the_reminder_hours_says_why_no_reminder_went_out(booked, settings):
    settings.KETAFLOW_REMINDER_FIRST_HOUR, settings.KETAFLOW_REMINDER_LAST_HOUR = 8, 20
    night = timezone.make_aware(datetime.combine(timezone.localdate(), time(3, 0)))
    quiet = run_tick(night)["reminders_quiet"]
    assert "reminders go out from 08:00 to 20:59" in quiet and "03:00" in quiet
    assert run_tick(_at_noon())["reminders_quiet"] == ""
