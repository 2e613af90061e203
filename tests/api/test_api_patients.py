"""The patient API: same permissions and validation as the pages, token or session authenticated."""

import json
import uuid

import pytest
from django.test import Client

from ketaflow.clinic.accounts.services import api_token_create
from ketaflow.clinic.audit.models import AuditEntry
from ketaflow.clinic.patients.models import Patient

pytestmark = pytest.mark.django_db

BODY = {
    "given_name": "Cora", "family_name": "Vance", "date_of_birth": "1984-03-09", "sex": "female",
    "weight_kg": "72.0", "height_cm": "168", "measured_on": "2026-11-20", "escort_name": "Max Vance",
}  # fmt: skip


def bearer(user):
    _, raw = api_token_create(actor=user, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def post(client, path, body, **headers):
    return client.post(path, data=json.dumps(body), content_type="application/json", **headers)


def test_a_token_creates_a_patient_and_the_write_is_audited(staff):
    response = post(Client(), "/api/patients", BODY, **bearer(staff["front_desk"]))
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["record_number"] == "KF-000001" and data["latest_measurement"]["weight_kg"] == "72.0"
    assert AuditEntry.objects.filter(action="patient.create", patient_id=data["id"]).count() == 1


def test_a_bad_weight_is_a_422_naming_the_field_and_range_and_saves_nothing(staff):
    response = post(Client(), "/api/patients", BODY | {"weight_kg": "7.2"}, **bearer(staff["front_desk"]))
    assert response.status_code == 422
    detail = response.json()["detail"][0]
    assert detail["field"] == "weight_kg" and detail["allowed"] == "30–300 kg"
    assert "7.2 kg is outside the plausible adult range" in detail["message"]
    assert Patient.objects.count() == 0


@pytest.mark.parametrize(
    ("field", "value", "allowed"),
    [("weight_kg", "301", "30–300 kg"), ("height_cm", "119.9", "120–230 cm"), ("height_cm", "231", "120–230 cm")],
)
def test_a_new_measurement_out_of_range_names_both_ends_of_the_range_like_the_page(staff, patients, field, value, allowed):
    ana = patients["ana"]
    body = {"weight_kg": "70.0", "height_cm": "170", "measured_on": "2026-11-20"} | {field: value}
    response = post(Client(), f"/api/patients/{ana.pk}/measurements", body, **bearer(staff["nurse"]))
    assert response.status_code == 422
    assert response.json()["detail"] == [
        {"field": field, "message": f"{value} {field[-2:]} is outside the plausible adult range", "allowed": allowed}
    ]
    assert ana.measurements.count() == 1


def test_a_future_birth_date_is_a_422_from_the_domain_rule(staff):
    response = post(Client(), "/api/patients", BODY | {"date_of_birth": "2999-01-01"}, **bearer(staff["front_desk"]))
    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "date_of_birth"


def test_a_duplicate_record_number_is_a_422(staff):
    headers = bearer(staff["front_desk"])
    assert post(Client(), "/api/patients", BODY | {"record_number": "MRN-1"}, **headers).status_code == 201
    again = post(Client(), "/api/patients", BODY | {"record_number": "MRN-1"}, **headers)
    assert again.status_code == 422 and again.json()["detail"][0]["field"] == "record_number"


def test_a_nul_character_is_a_422_not_a_500(staff):
    response = post(Client(), "/api/patients", BODY | {"given_name": "C\u0000ora"}, **bearer(staff["front_desk"]))
    assert response.status_code == 422


def test_a_wrong_or_revoked_token_is_rejected(staff):
    from ketaflow.clinic.accounts.services import api_token_revoke

    assert Client().get("/api/patients", HTTP_AUTHORIZATION="Bearer kf_nope").status_code == 401
    token, raw = api_token_create(actor=staff["nurse"], name="tablet")
    api_token_revoke(actor=staff["nurse"], token_id=token.pk)
    assert Client().get("/api/patients", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401


def test_a_role_without_the_permission_gets_403(staff):
    response = post(Client(), "/api/patients", BODY, **bearer(staff["analyst"]))
    assert response.status_code == 403 and Patient.objects.count() == 0


def test_a_session_write_without_the_csrf_token_is_refused(staff):
    client = Client(enforce_csrf_checks=True)
    client.force_login(staff["front_desk"])
    assert post(client, "/api/patients", BODY).status_code == 403
    assert Patient.objects.count() == 0


def test_a_patient_token_reads_only_its_own_record(patients):
    headers = bearer(patients["ana_user"])
    own = Client().get(f"/api/patients/{patients['ana'].pk}", **headers)
    other = Client().get(f"/api/patients/{patients['ben'].pk}", **headers)
    missing = Client().get(f"/api/patients/{uuid.uuid4()}", **headers)
    assert own.status_code == 200 and own.json()["given_name"] == "Ana"
    assert other.status_code == missing.status_code == 404 and other.json() == missing.json()


def test_a_stale_version_is_a_409_and_keeps_the_first_edit(staff, patients):
    ana = patients["ana"]
    body = {"given_name": "Ana", "family_name": "Lopez", "date_of_birth": "1980-05-17", "sex": "female", "version": 1}
    first = Client().put(
        f"/api/patients/{ana.pk}", json.dumps(body | {"phone": "1"}), "application/json", **bearer(staff["nurse"])
    )
    second = Client().put(
        f"/api/patients/{ana.pk}", json.dumps(body | {"phone": "2"}), "application/json", **bearer(staff["front_desk"])
    )
    assert first.status_code == 200 and second.status_code == 409
    assert second.json()["current_version"] == 2
    ana.refresh_from_db()
    assert ana.phone == "1"


def test_search_takes_the_query_in_the_body_and_paginates(staff):
    headers = bearer(staff["front_desk"])
    for i in range(30):
        post(Client(), "/api/patients", BODY | {"given_name": f"Name{i:02d}"}, **headers)
    page2 = post(Client(), "/api/patients/search", {"q": "vance", "page": 2}, **headers).json()
    assert page2["count"] == 30 and page2["pages"] == 2 and len(page2["results"]) == 5
    by_dob = post(Client(), "/api/patients/search", {"q": "1984-03-09"}, **headers).json()
    assert by_dob["count"] == 30
    by_number = post(Client(), "/api/patients/search", {"q": "kf-000007"}, **headers).json()
    assert [r["given_name"] for r in by_number["results"]] == ["Name06"]


def test_intake_sections_and_consultations_through_the_api(staff, patients):
    ana = patients["ana"]
    nurse, prescriber = bearer(staff["nurse"]), bearer(staff["prescriber"])
    base = f"/api/patients/{ana.pk}"
    assert post(Client(), f"{base}/medications", {"name": "Duloxetine", "drug_class": "snri"}, **nurse).status_code == 201
    assert post(Client(), f"{base}/conditions", {"code": "fibromyalgia"}, **nurse).status_code == 201
    assert post(Client(), f"{base}/prior-therapies", {"therapy": "snri", "outcome": "failed"}, **nurse).status_code == 201
    bad = post(Client(), f"{base}/prior-therapies", {"therapy": "snri", "outcome": "meh"}, **nurse)
    assert bad.status_code == 422 and bad.json()["detail"][0]["field"] == "outcome"
    consult = {"occurred_on": "2026-11-20", "reason_for_referral": "Pain", "history": "Long history"}
    assert post(Client(), f"{base}/consultations", consult, **nurse).status_code == 403
    created = post(Client(), f"{base}/consultations", consult, **prescriber)
    assert created.status_code == 201 and created.json()["author"] == "prescriber-user"
    timeline = Client().get(f"{base}/timeline", **nurse).json()
    assert {e["kind"] for e in timeline} >= {"registration", "consultation"}


def test_health_needs_no_login_and_reports_the_database():
    data = Client().get("/api/health").json()
    assert data == {"app": "ok", "database": "ok", "engine": data["engine"]}


def test_the_openapi_document_is_served_and_declares_the_errors():
    schema = Client().get("/api/openapi.json").json()
    create = schema["paths"]["/api/patients"]["post"]
    assert {"401", "403", "422"} <= set(create["responses"])


def test_a_page_past_the_last_is_a_422_naming_the_pages_there_are_not_page_one_again(staff, patients):
    headers = bearer(staff["front_desk"])
    listed = Client().get("/api/patients?page=2", **headers)
    assert listed.status_code == 422
    assert listed.json()["detail"] == [{"field": "page", "message": "page 2 is past the last page", "allowed": "1–1"}]
    searched = post(Client(), "/api/patients/search", {"q": "lopez", "page": 3}, **headers)
    assert searched.status_code == 422 and searched.json()["detail"][0]["allowed"] == "1–1"
    assert Client().get("/api/patients?page=1", **headers).json()["count"] == 2
