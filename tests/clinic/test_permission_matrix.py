"""Deny by default: every page and API route has a policy entry, and each role gets exactly what it allows."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from ketaflow.api import api
from ketaflow.clinic.accounts.access import POLICY, PUBLIC
from tests.conftest import ROLES

pytestmark = pytest.mark.django_db


def _page_routes(patterns=None, prefix="", namespace=""):
    for p in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(p, URLResolver):
            ns = p.namespace or namespace
            yield from _page_routes(p.url_patterns, prefix + str(p.pattern), ns)
        elif isinstance(p, URLPattern) and p.name:
            yield "/" + prefix + str(p.pattern), (f"{namespace}:{p.name}" if namespace else p.name)


def _api_operations():
    for path, item in api.get_openapi_schema()["paths"].items():
        for method, op in item.items():
            yield method.upper(), path, "api:" + op["operationId"]


def _all_route_names():
    pages = {name for path, name in _page_routes() if not path.startswith("/api/")}
    return pages | {name for _, _, name in _api_operations()}


def test_every_route_has_an_access_policy():
    missing = sorted(name for name in _all_route_names() if name not in POLICY and name not in PUBLIC)
    assert missing == []


def test_the_policy_names_no_route_that_does_not_exist():
    assert sorted(set(POLICY) - _all_route_names()) == []


def _fill(path: str, ids: dict) -> str:
    for key, value in ids.items():
        path = path.replace(f"<uuid:{key}>", str(value)).replace(f"<int:{key}>", str(value))
        path = path.replace(f"<slug:{key}>", str(value))
        path = path.replace(f"{{{key}}}", str(value)).replace(f"<{key}>", str(value))
    return path


@pytest.fixture
def ids(patients, staff):
    from ketaflow.clinic.patients.services import consultation_record
    from tests.conftest import TODAY

    consultation = consultation_record(
        actor=staff["prescriber"], patient=patients["ana"], today=TODAY, occurred_on=TODAY,
        reason_for_referral="pain", history="history",
    )  # fmt: skip
    from ketaflow.clinic.assessments.services import assessment_record
    from ketaflow.clinic.screening.services import screening_run

    phq9 = {f"phq9_{i}": 0 for i in range(1, 9)} | {"phq9_9": 1}
    assessment = assessment_record(actor=staff["nurse"], patient=patients["ana"], instrument_id="phq9", answers=phq9)
    from django.utils import timezone

    # the PHQ-9 above is stamped with the real clock, so the screening must be run on the real local day
    record = screening_run(actor=staff["nurse"], patient=patients["ana"], indication="fibromyalgia",
                           today=timezone.localdate())  # fmt: skip

    from ketaflow.clinic.plans.services import plan_create

    plan = plan_create(actor=staff["prescriber"], patient=patients["ana"], protocol="fibromyalgia_induction",
                       n_sessions=6, start_dose="0.3", duration_min=120, series_window_days=21,
                       start_date=timezone.localdate(), bag_concentration_mg_per_ml="1")  # fmt: skip
    scheduling = _scheduling_ids(staff, plan)
    return {"patient_id": patients["ana"].pk, "consultation_id": consultation.pk, "user_id": staff["nurse"].pk,
            "name": "drug_classes", "record_id": record.pk, "assessment_id": assessment.pk,
            "task_id": assessment.tasks.get().pk, "instrument_id": "phq9", "plan_id": plan.pk,
            "protocol_code": "fibromyalgia_induction", "kind": "allergy", "entry_id": 1, "measurement_id": 1} | scheduling \
        | _outcome_ids(plan)  # fmt: skip


def _outcome_ids(plan):
    from tests.clinic.outcomes_fixtures import proposal_row

    return {"proposal_id": proposal_row(plan).pk}


def _scheduling_ids(staff, plan):
    """A booking row (written directly: the matrix needs an id, not a signed plan) and a closed day."""
    import datetime as dt

    from ketaflow.clinic.scheduling.models import Booking, Chair, ClosedDay

    start = dt.datetime(2030, 1, 7, 9, tzinfo=dt.UTC)
    booking = Booking.objects.create(
        plan=plan, plan_session=plan.sessions.first(), patient=plan.patient, chair=Chair.objects.first(), start=start,
        session_end=start + dt.timedelta(hours=2), end=start + dt.timedelta(hours=3), created_by=staff["front_desk"],
    )  # fmt: skip
    closed = ClosedDay.objects.create(day=dt.date(2030, 12, 25), reason="holiday")
    from ketaflow.clinic.infusions.services import session_create
    from ketaflow.clinic.plans.models import Plan

    Plan.objects.filter(pk=plan.pk).update(status=Plan.Status.SIGNED)  # the matrix needs a chartable plan, not a signature
    plan.refresh_from_db()
    session = session_create(actor=staff["nurse"], plan_session=plan.sessions.first())
    return {"booking_id": booking.pk, "closed_id": closed.pk, "day": "2030-01-07", "session_id": session.pk,
            "index": 1, "action": "vitals", "vital_id": 1}  # fmt: skip


def _denied(response) -> bool:
    if response.status_code in (401, 403):
        return True
    return response.status_code == 302 and "/accounts/login/" in response.get("Location", "")


def _requests(ids):
    for path, name in _page_routes():
        if path.startswith("/api/") or name in PUBLIC:
            continue
        yield name, _fill(path, ids)
    for method, path, name in _api_operations():
        yield name, (method, _fill(path, ids))


def test_each_role_is_allowed_exactly_the_routes_the_policy_gives_it(ids, staff, patients, client_for):
    users = dict(staff) | {"patient": patients["ana_user"]}
    wrong = []
    for role in ROLES:
        client = client_for(users[role])
        for name, target in _requests(ids):
            if isinstance(target, tuple):
                method, path = target
                response = getattr(client, method.lower())(path, content_type="application/json", data={})
            else:
                path = target
                response = client.get(path)
            allowed = role in POLICY.get(name, set()) or name in PUBLIC
            if _denied(response) == allowed:
                wrong.append((role, name, path, response.status_code))
    assert wrong == []


def test_anonymous_visitors_are_sent_to_login_or_get_401(ids, client):
    for name, target in _requests(ids):
        if name in PUBLIC:
            continue
        if isinstance(target, tuple):
            method, path = target
            response = getattr(client, method.lower())(path, content_type="application/json", data={})
            assert response.status_code == 401, (name, path)
        else:
            response = client.get(target)
            assert response.status_code == 302 and "/accounts/login/" in response["Location"], (name, target)
