"""PostgreSQL: the worklist opened by several staff at once (each evaluating) stores one proposal and one
current decision per kind — evaluations of one patient are serialised by a lock on the patient row."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from ketaflow.clinic.accounts.services import api_token_create
from ketaflow.clinic.outcomes.models import OutcomeDecision, Proposal
from ketaflow.synth.outcomes import relapse_story

# Skipped before any fixture runs: on SQLite the transactional flush would hit the append-only audit log.
pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite's in-memory test database cannot "
                       "serve threads; SQLite serialises writers anyway"),
    pytest.mark.django_db(transaction=True),
]  # fmt: skip
READERS = 6


def test_six_worklists_opened_at_once_raise_the_booster_proposal_once_on_postgresql(staff, patients):
    relapse_story(patients["ana"], staff["prescriber"], staff["nurse"], today=timezone.localdate(), confirm_today=True)
    _, raw = api_token_create(actor=staff["nurse"], name="race")
    barrier = threading.Barrier(READERS)

    def open_worklist(_):
        from django.db import connections

        try:
            barrier.wait()
            return Client().get("/api/worklist", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code
        finally:
            connections.close_all()

    with ThreadPoolExecutor(READERS) as pool:
        statuses = list(pool.map(open_worklist, range(READERS)))
    assert statuses == [200] * READERS
    assert Proposal.objects.filter(patient=patients["ana"]).count() == 1
    kinds = list(OutcomeDecision.objects.filter(superseded_at__isnull=True).values_list("kind", flat=True))
    assert sorted(kinds) == sorted(set(kinds))
