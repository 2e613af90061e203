"""Old idempotency records are pruned in short batches; young keys are never pruned, so a retry in progress
still replays instead of writing twice."""

import datetime as dt
import json
import uuid

import pytest
from django.test import Client

from ketaflow.cli import main as ketaflow_main
from ketaflow.clinic.accounts.services import api_token_create
from ketaflow.clinic.patients.models import Patient
from ketaflow.clinic.reliability.middleware import prune_idempotency_records
from ketaflow.clinic.reliability.models import IdempotencyRecord
from ketaflow.clinic.reliability.retention import DEFAULT_RETENTION_H, MIN_RETENTION_H

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 11, 22, 12, 0, tzinfo=dt.UTC)


def _records(user, *ages_h):
    for i, age in enumerate(ages_h):
        IdempotencyRecord.objects.create(user=user, key=f"k{i}-{age}", method="POST", path="/api/patients",
                                         body_sha256="0" * 64, status=201, created_at=NOW - dt.timedelta(hours=age))  # fmt: skip


def test_records_past_the_retention_are_deleted_and_younger_ones_kept(staff):
    _records(staff["nurse"], 1, 23, DEFAULT_RETENTION_H - 1, DEFAULT_RETENTION_H + 1, 24 * 30)
    assert prune_idempotency_records(now=NOW) == 2
    ages = sorted((NOW - r.created_at).total_seconds() / 3600 for r in IdempotencyRecord.objects.all())
    assert ages == [1, 23, DEFAULT_RETENTION_H - 1]


def test_pruning_runs_in_batches_and_can_stop_after_a_few_for_a_tick(staff):
    _records(staff["nurse"], *[200 + i for i in range(7)])
    assert prune_idempotency_records(now=NOW, batch_size=2, max_batches=2) == 4
    assert IdempotencyRecord.objects.count() == 3
    assert prune_idempotency_records(now=NOW, batch_size=2) == 3  # the next tick finishes
    assert prune_idempotency_records(now=NOW, batch_size=2) == 0  # and again: nothing left, no error


@pytest.mark.parametrize("retention_h", [0, 1, MIN_RETENTION_H - 0.5])
def test_a_retention_shorter_than_the_minimum_is_refused(staff, retention_h):
    _records(staff["nurse"], 2)
    with pytest.raises(ValueError, match="at least 24 h"):
        prune_idempotency_records(now=NOW, retention_h=retention_h)
    assert IdempotencyRecord.objects.count() == 1


def test_a_retry_after_pruning_of_other_keys_still_replays(staff):
    _, raw = api_token_create(actor=staff["front_desk"], name="tablet")
    body = {"given_name": "Cora", "family_name": "Vance", "date_of_birth": "1984-03-09", "sex": "female",
            "weight_kg": "72.0", "height_cm": "168", "measured_on": "2026-11-20", "escort_name": "Max Vance"}  # fmt: skip
    headers = {"HTTP_AUTHORIZATION": f"Bearer {raw}", "HTTP_IDEMPOTENCY_KEY": str(uuid.uuid4())}
    first = Client().post("/api/patients", json.dumps(body), "application/json", **headers)
    _records(staff["nurse"], DEFAULT_RETENTION_H * 2)
    assert prune_idempotency_records() == 1
    again = Client().post("/api/patients", json.dumps(body), "application/json", **headers)
    assert first.status_code == 201 and again.status_code == 201 and again["Idempotent-Replayed"] == "true"
    assert Patient.objects.filter(family_name="Vance").count() == 1


def test_the_command_prunes_and_refuses_a_too_short_retention(staff, capsys):
    _records(staff["nurse"], 24 * 365)
    IdempotencyRecord.objects.update(created_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
    assert ketaflow_main(["idempotency", "prune"]) == 0
    assert "idempotency records deleted: 1" in capsys.readouterr().out
    assert ketaflow_main(["idempotency", "prune", "--retention-h", "2"]) == 2
    assert "at least 24 h" in capsys.readouterr().err
