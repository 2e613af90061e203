from __future__ import annotations

from typing import Annotated

from django.http import Http404
from ninja import NinjaAPI
from ninja.errors import HttpError
from ninja.parser import Parser
from ninja.security import APIKeyHeader
from ninja.utils import check_csrf
from pydantic import AfterValidator

from ketaflow.clinic.accounts.access import route_allowed
from ketaflow.clinic.patients.services import StaleVersionError
from ketaflow.domain.errors import DomainValidationError

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


class Allow(APIKeyHeader):
    """A bearer token (``Authorization: Bearer kf_…``) or the browser session with its CSRF token, and a
    role the access table (accounts/access.py) allows for this operation. Deny by default.

    The token itself is checked by ApiTokenMiddleware, which sets request.user.
    """

    param_name = "Authorization"

    def __init__(self, route: str):
        self.route = route
        super().__init__()

    def __call__(self, request):
        user = request.user
        if not user.is_authenticated:
            return None
        if not route_allowed(self.route, user.role):
            raise HttpError(403, "Your role may not use this endpoint.")
        if getattr(request, "auth_method", None) != "token" and request.method not in SAFE_METHODS:
            if check_csrf(request) is not None:
                raise HttpError(403, "CSRF check failed: send the X-CSRFToken header with a session login.")
        return user

    def authenticate(self, request, key):  # pragma: no cover - __call__ does the work
        return None


class ObjectBodyParser(Parser):
    """Every JSON body in this API is an object. ninja would otherwise read a list, a string or null as
    "no fields given" and, where all fields have defaults, answer 200 (found by schemathesis)."""

    def parse_body(self, request):
        data = super().parse_body(request)
        if not isinstance(data, dict):
            raise ValueError("the JSON body must be an object")
        return data


api = NinjaAPI(
    title="Ketaflow API",
    version="1",
    description=(
        "JSON API for Ketaflow. Authenticate with `Authorization: Bearer <token>` (create one under "
        "Account → API tokens) or a browser session plus `X-CSRFToken`. Every read and write of patient "
        "data is audited. Errors: 401 not authenticated, 403 role not allowed, 404 not found (also for "
        "records you may not see), 409 version conflict, 422 invalid input naming the field and the range."
    ),
    urls_namespace="api",
    auth=Allow("api:__no_policy__"),  # an operation that names no route is denied to everyone
    parser=ObjectBodyParser(),
)


def operation(method: str, path: str, name: str, **kwargs):
    """Register an API operation whose access is the access table's entry ``api:<name>``."""
    kwargs.setdefault("auth", Allow(f"api:{name}"))
    return getattr(api, method)(path, url_name=name, operation_id=name, **kwargs)


@api.exception_handler(DomainValidationError)
def _domain_error(request, exc: DomainValidationError):
    return api.create_response(request, {"detail": [exc.as_dict()]}, status=422)


@api.exception_handler(StaleVersionError)
def _stale(request, exc: StaleVersionError):
    return api.create_response(
        request, {"detail": str(exc), "current_version": exc.current_version}, status=409
    )


@api.exception_handler(Http404)
def _not_found(request, exc):
    return api.create_response(request, {"detail": "Not found."}, status=404)


def _no_nul(value: str) -> str:
    if "\x00" in value:
        raise ValueError("may not contain a NUL character")
    return value


SafeStr = Annotated[str, AfterValidator(_no_nul)]

ERRORS = {400: dict, 401: dict, 403: dict, 404: dict, 409: dict, 422: dict, 503: dict}


def errors(*codes: int) -> dict:
    """Response declarations for the errors an operation can return (schemathesis checks them). 422 is
    always possible: ninja answers it for any path, query or body value it cannot parse."""
    return {code: dict for code in (400, 401, 403, 422, 503, *codes)}
