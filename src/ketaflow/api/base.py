from __future__ import annotations

import datetime as dt
import re
from typing import Annotated

from django.http import Http404
from ninja import NinjaAPI, Path
from ninja.errors import HttpError
from ninja.parser import Parser
from ninja.security import APIKeyHeader
from ninja.utils import check_csrf
from pydantic import AfterValidator, BeforeValidator, WithJsonSchema

from ketaflow.clinic.accounts.access import route_allowed
from ketaflow.clinic.patients.services import StaleVersionError
from ketaflow.clinic.reliability.middleware import KEY_PATTERN, UNSAFE_METHODS
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


IDEMPOTENCY_HEADER = {
    "in": "header",
    "name": "Idempotency-Key",
    "required": False,
    "schema": {"type": "string", "pattern": KEY_PATTERN.pattern},
    "description": (
        "A client-generated key (e.g. a UUID) that makes a retry safe: the same key with the same request "
        "answers the first answer again (header `Idempotent-Replayed: true`) and writes nothing twice; the "
        "same key with another request → 422; while the first request with the key is still running → 409. "
        "A 4xx answer does not use up the key. Keys are per user and kept for at least a day."
    ),
}


def operation(method: str, path: str, name: str, **kwargs):
    """Register an API operation whose access is the access table's entry ``api:<name>``. Writes document
    the ``Idempotency-Key`` header (clinic/reliability/middleware.py) and its 409."""
    kwargs.setdefault("auth", Allow(f"api:{name}"))
    if method.upper() in UNSAFE_METHODS:
        extra = kwargs.setdefault("openapi_extra", {})
        extra["parameters"] = [*extra.get("parameters", []), dict(IDEMPOTENCY_HEADER)]
        if isinstance(kwargs.get("response"), dict):
            kwargs["response"] = {**kwargs["response"], 409: kwargs["response"].get(409, dict)}
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

MAX_ID = 2**63 - 1  # the largest primary key a database column holds: ids are declared 1..MAX_ID

ObjectId = Annotated[int, Path(ge=1, le=MAX_ID)]  # a row id in the path, with its range in the OpenAPI document

# Calendar values. pydantic on its own also reads a number as a Unix time (GET /api/schedule/days/0 was
# 1970-01-01, found by checks/fuzz_api.py) and accepts year 9999, which overflows date arithmetic
# (OverflowError in scheduling, run 1): the API takes ISO 8601 text only, within a clinic's years.
YEAR_MIN, YEAR_MAX = 2000, 2100
_DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}")
_DATETIME_RE = re.compile(r"\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?([Zz]|[+-]\d{2}:\d{2})?")
_CLOCK_RE = re.compile(r"([01]\d|2[0-3]):[0-5]\d(:[0-5]\d)?")
CLOCK_PATTERN = "^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9])?$"


def _text(kind: str, pattern: re.Pattern, example: str):
    def check(value):
        if isinstance(value, str) and pattern.fullmatch(value):
            return value
        raise ValueError(f"must be an ISO 8601 {kind} as text, e.g. {example}")

    return check


def _in_years(value):
    if not YEAR_MIN <= value.year <= YEAR_MAX:
        raise ValueError(f"year {value.year} is out of range: allowed {YEAR_MIN}–{YEAR_MAX}")
    return value


IsoDate = Annotated[dt.date, BeforeValidator(_text("date", _DATE_RE, "2026-11-23")), AfterValidator(_in_years)]
IsoDateTime = Annotated[
    dt.datetime,
    BeforeValidator(_text("date-time", _DATETIME_RE, "2026-11-23T08:00:00Z")),
    AfterValidator(_in_years),
]
# A wall-clock time of the clinic (no offset: the clinic's zone applies). Declared as a pattern, because
# OpenAPI's "time" format requires an offset.
ClockTime = Annotated[
    dt.time,
    BeforeValidator(_text("clock time (HH:MM, no offset)", _CLOCK_RE, "09:00")),
    WithJsonSchema({"type": "string", "pattern": CLOCK_PATTERN, "description": "clinic wall-clock time, HH:MM"}),
]

ERRORS = {400: dict, 401: dict, 403: dict, 404: dict, 409: dict, 422: dict, 503: dict}


def errors(*codes: int) -> dict:
    """Response declarations for the errors an operation can return (schemathesis checks them). 422 is
    always possible: ninja answers it for any path, query or body value it cannot parse."""
    return {code: dict for code in (400, 401, 403, 422, 503, *codes)}
