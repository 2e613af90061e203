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
