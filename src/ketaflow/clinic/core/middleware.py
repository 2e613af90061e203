"""A database that is down answers 503 with Retry-After, never 500 (reliability-security.md §1.5)."""

from __future__ import annotations

import logging
import sys

from django.core.signals import got_request_exception
from django.db import DatabaseError, InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse

log = logging.getLogger("ketaflow.availability")

_UNAVAILABLE_MARKERS = (
    "could not connect",
    "connection refused",
    "server closed the connection",
    "terminating connection",
    "connection is closed",
    "the database system is",
    "database is locked",
    "unable to open database",
    "connection failed",
    "consuming input failed",
)


def is_database_unavailable(exc: BaseException) -> bool:
    if isinstance(exc, InterfaceError):
        return True
    if isinstance(exc, OperationalError | DatabaseError):
        text = str(exc).lower()
        return any(marker in text for marker in _UNAVAILABLE_MARKERS)
    return False


def unavailable_response(request) -> HttpResponse:
    if request.path.startswith("/api/"):
        response: HttpResponse = JsonResponse(
            {"detail": "The database is unavailable; retry shortly.", "code": "database_unavailable"},
            status=503,
        )
    else:
        response = HttpResponse(
            "<h1>Ketaflow is briefly unavailable</h1><p>The database did not answer. "
            "Nothing you submitted was half-saved; please retry in a few seconds.</p>",
            status=503,
        )
    response["Retry-After"] = "5"
    return response


def _note_database_unavailable(sender, request=None, **kwargs):
    """Django turns an exception raised in an inner middleware (the token lookup, the idempotency record)
    into a 500 response before it reaches us; this signal is sent just before, with the exception at hand."""
    exc = sys.exc_info()[1]
    if request is not None and exc is not None and is_database_unavailable(exc):
        request.ketaflow_database_unavailable = True


got_request_exception.connect(_note_database_unavailable, dispatch_uid="ketaflow.database_unavailable")


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            response = self.get_response(request)
        except (OperationalError, InterfaceError, DatabaseError) as exc:
            if is_database_unavailable(exc):
                log.warning("database unavailable: %s", type(exc).__name__)
                return unavailable_response(request)
            raise
        if response.status_code == 500 and getattr(request, "ketaflow_database_unavailable", False):
            log.warning("database unavailable (in a middleware)")
            return unavailable_response(request)
        return response

    def process_exception(self, request, exc):
        if is_database_unavailable(exc):
            log.warning("database unavailable: %s", type(exc).__name__)
            return unavailable_response(request)
        return None
