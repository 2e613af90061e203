"""Row ids in paths and the page number are declared with their range; outside it is a 422 naming the field."""

import pytest
from django.test import Client

from ketaflow.api import api
from ketaflow.clinic.accounts.services import api_token_create

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/api/plans/{plan_id}", "/api/plans/{plan_id}/proposal", "/api/patients"])
def test_ids_and_the_page_number_are_declared_with_a_range(path):
    for p in api.get_openapi_schema()["paths"][path]["get"]["parameters"]:
        if p["schema"].get("type") == "integer":
            assert p["schema"]["minimum"] == 1 and p["schema"]["maximum"] >= 100000, p


@pytest.mark.parametrize(("url", "field"), [("/api/plans/0", "plan_id"), (f"/api/plans/{2**63}", "plan_id"),
                                            ("/api/patients?page=0", "page"), ("/api/patients?page=100001", "page")])  # fmt: skip
def test_an_id_or_page_outside_its_range_is_a_422_naming_it(staff, url, field):
    _, raw = api_token_create(actor=staff["prescriber"], name="t")
    response = Client().get(url, HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 422 and field in str(response.json()["detail"])
