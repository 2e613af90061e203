"""The API documentation page works offline and under our CSP: Swagger UI is served from our own static
files, never a CDN."""

import pytest

pytestmark = pytest.mark.django_db


def test_the_docs_page_loads_swagger_from_our_static_files(staff, client_for):
    page = client_for(staff["nurse"]).get("/api/docs")
    assert page.status_code == 200
    html = page.content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in html and "cdn.jsdelivr" not in html
    asset = client_for(staff["nurse"]).get("/static/ninja/swagger-ui-bundle.js")
    assert asset.status_code == 200
