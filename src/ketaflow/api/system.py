from __future__ import annotations

from django.db import connection
from django.http import JsonResponse
from ninja import Status

from ketaflow.api.base import api, errors, operation
from ketaflow.domain.codes import code_list

NAMED_LISTS = ("drug_classes", "comorbidities", "prior_therapies", "therapy_outcomes", "sexes")


@api.get("/health", auth=None, url_name="health", operation_id="health", response={200: dict, 503: dict}, tags=["system"])
def health(request):
    """Liveness of the app and its database (no authentication)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # any failure to reach the database is an outage, not a bug
        response = JsonResponse({"app": "ok", "database": "unavailable"}, status=503)
        response["Retry-After"] = "5"
        return response
    return {"app": "ok", "database": "ok", "engine": connection.vendor}


@operation("get", "/me", "me", response={200: dict, **errors()}, tags=["system"])
def me(request):
    user = request.user
    return {"username": user.username, "role": user.role, "name": user.display_name}


@operation("get", "/codes/{name}", "code_list", response={200: list[dict], **errors(404)}, tags=["system"])
def codes(request, name: str):
    """A coded list (drug classes, comorbidities, prior therapies, therapy outcomes, sexes)."""
    if name not in NAMED_LISTS:
        return Status(404, {"detail": "Unknown list; one of " + ", ".join(NAMED_LISTS) + "."})
    return [
        {"code": c.code, "display": c.display, "system": c.system, "system_code": c.system_code}
        for c in code_list(name)
    ]
