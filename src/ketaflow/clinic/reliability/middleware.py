"""Idempotent writes: a client-generated key makes a retried write safe (reliability-security.md §1.2).

A request with an unsafe method (POST, PUT, PATCH, DELETE) that carries a key — the ``Idempotency-Key``
header (API clients) or the hidden form field ``idempotency_key`` (pages include
``includes/idempotency_field.html`` in their forms) — runs inside one transaction together with an
``IdempotencyRecord`` under UNIQUE(user, key):

* first use: the view runs; a 2xx/3xx answer (status, content type, body, Location/HX-* headers) is stored
  in the same transaction as the write and its audit entry, so the key is taken exactly when the write
  committed — an acknowledged write always has its record, a crashed one has neither;
* same key, same request (method, path and a hash of the body) → the stored answer again, with the header
  ``Idempotent-Replayed: true``; the view does not run, so nothing is written twice;
* same key, different request → 422, nothing runs;
* a 4xx answer (validation error, stale version, not allowed) does not take the key: whatever the view
  recorded (its audit entries) commits, the key stays free, and the corrected request may reuse it;
* a 5xx answer or an exception rolls the whole transaction back (write, audit entry and record);
* an answer marked ``Cache-Control: no-store`` (a secret shown once) is not kept and does not take the key;
* two requests with the same key at the same moment: SQLite's IMMEDIATE transactions serialise them; on
  PostgreSQL the second one's INSERT waits on the unique index until the first commits, then answers
  with the first one's stored response. Either way one write.

Requests without a key behave exactly as before. Keys are per user; anonymous requests are not keyed.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.http import HttpResponse, JsonResponse
from django.urls import Resolver404, resolve
from django.utils import timezone

from ketaflow.clinic.reliability.models import IdempotencyRecord
from ketaflow.clinic.reliability.retention import DEFAULT_RETENTION_H, MIN_RETENTION_H, PRUNE_BATCH

log = logging.getLogger("ketaflow.idempotency")

HEADER = "HTTP_IDEMPOTENCY_KEY"
FORM_FIELD = "idempotency_key"
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
KEY_PATTERN = re.compile(r"^[A-Za-z0-9_.:\-]{1,200}$")
# Form fields that differ between two submissions of the same form and are not part of the request.
NOT_HASHED_FIELDS = frozenset({"csrfmiddlewaretoken", FORM_FIELD})
# Headers to give back on a replay: where to go next, htmx instructions, and the security headers that
# middleware inside this one set on the first answer (a replay does not pass through them again).
REPLAYED_HEADERS = (
    "Content-Security-Policy",
    "X-Frame-Options",
    "Location",
    "HX-Redirect",
    "HX-Location",
    "HX-Refresh",
    "HX-Trigger",
    "HX-Retarget",
    "HX-Reswap",
)
REPLAY_MARKER = "Idempotent-Replayed"


class _KeyTaken(Exception):
    """Another transaction holds (or committed) the same key."""


def idempotency_key(request) -> str | None:
    key = request.META.get(HEADER)
    if key is None and request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
        key = request.POST.get(FORM_FIELD) or None
    return key.strip() if key is not None else None


def request_fingerprint(request) -> str:
    """SHA-256 of the request's meaning: JSON re-encoded canonically, form fields sorted without the CSRF
    token and the key itself; any other body as raw bytes."""
    digest = hashlib.sha256()
    content_type = request.content_type or ""
    if content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
        fields = sorted(
            (k, v) for k, values in request.POST.lists() if k not in NOT_HASHED_FIELDS for v in values
        )
        digest.update(b"form\x00" + json.dumps(fields, ensure_ascii=True).encode())
        for name, uploaded in sorted(request.FILES.items()):
            digest.update(b"\x00file\x00" + name.encode())
            for chunk in uploaded.chunks():
                digest.update(chunk)
        return digest.hexdigest()
    body = request.body
    if content_type.endswith("json"):
        try:
            body = b"json\x00" + json.dumps(json.loads(body), sort_keys=True, separators=(",", ":")).encode()
        except ValueError:
            pass
    digest.update(body)
    return digest.hexdigest()


def _method_allowed(request) -> bool:
    """False when nothing at this path takes this method: the answer is then the router's 404 or 405, and
    a key already used elsewhere must not turn it into a 422 (found by checks/fuzz_api.py: PUT on a
    POST-only operation with a reused key). API paths only; a page view declares its methods in code."""
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return False
    # django-ninja's view is a closure over its PathView, which lists the operations and their methods.
    cells = [c.cell_contents for c in (getattr(match.func, "__closure__", None) or ())]
    operations = next((c.operations for c in cells if hasattr(c, "operations")), None)
    if not operations:
        return True
    return any(request.method in op.methods for op in operations)


def _is_api(request) -> bool:
    return request.path.startswith("/api/")


def _error(request, status: int, message: str, code: str) -> HttpResponse:
    if _is_api(request) or request.content_type == "application/json":
        return JsonResponse({"detail": message, "code": code}, status=status)
    return HttpResponse(f"<h1>Request not repeated</h1><p>{message}</p>", status=status)


def _replay(record: IdempotencyRecord) -> HttpResponse:
    response = HttpResponse(
        bytes(record.body), status=record.status, content_type=record.content_type or None
    )
    for name, value in (record.headers or {}).items():
        response[name] = value
    response[REPLAY_MARKER] = "true"
    return response


def _answer_existing(request, record: IdempotencyRecord, method: str, path: str, fingerprint: str):
    if (record.method, record.path, record.body_sha256) != (method, path, fingerprint):
        return _error(
            request,
            422,
            "This idempotency key was already used for a different request; send a new key for a new write.",
            "idempotency_key_reused",
        )
    if record.status is None:  # only visible if a transaction leaked an unfinished record; never replay it
        return _error(
            request, 409, "The first request with this key is still in progress; retry shortly.", "in_flight"
        )
    return _replay(record)


def _storable(response) -> bool:
    return (
        200 <= response.status_code < 400
        and not getattr(response, "streaming", False)
        and "no-store" not in response.get("Cache-Control", "")
    )


class IdempotencyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in UNSAFE_METHODS or not request.user.is_authenticated:
            return self.get_response(request)
        key = idempotency_key(request)
        if key is None or not _method_allowed(request):
            return self.get_response(request)
        if not KEY_PATTERN.match(key):
            return _error(
                request,
                400,
                "The idempotency key must be 1–200 letters, digits or . _ : -",
                "idempotency_key_invalid",
            )
        fingerprint = request_fingerprint(request)
        for _ in range(3):
            try:
                return self._keyed(request, key, fingerprint)
            except _KeyTaken:
                record = IdempotencyRecord.objects.filter(user=request.user, key=key).first()
                if record is not None:
                    return _answer_existing(request, record, request.method, request.path, fingerprint)
                # The holder answered 4xx and released the key: run this request as the first one.
        return _error(request, 409, "The key is busy; retry shortly.", "in_flight")

    def _keyed(self, request, key: str, fingerprint: str):
        method, path = request.method, request.path[:500]
        with transaction.atomic():
            record = IdempotencyRecord.objects.filter(user=request.user, key=key).first()
            if record is not None:
                response = _answer_existing(request, record, method, path, fingerprint)
                if response.get(REPLAY_MARKER):
                    _audit_replay(request, record)
                return response
            try:
                with transaction.atomic():
                    record = IdempotencyRecord.objects.create(
                        user=request.user, key=key, method=method, path=path,
                        body_sha256=fingerprint, created_at=timezone.now(),
                    )  # fmt: skip
            except IntegrityError as exc:
                raise _KeyTaken from exc
            response = self.get_response(request)
            if response.status_code >= 500:
                transaction.set_rollback(True)
            elif _storable(response):
                record.status = response.status_code
                record.content_type = response.get("Content-Type", "")
                record.headers = {h: response[h] for h in REPLAYED_HEADERS if h in response}
                record.body = response.content
                record.save(update_fields=["status", "content_type", "headers", "body"])
            else:
                record.delete()
            return response


def _audit_replay(request, record: IdempotencyRecord) -> None:
    from ketaflow.clinic.audit.services import audit_record

    audit_record(
        actor=request.user, action="request.replayed", request=request, object_type="idempotency",
        object_id=str(record.pk), detail={"method": record.method, "status": record.status},
    )  # fmt: skip


def prune_idempotency_records(*, older_than=None, now=None, retention_h: float = DEFAULT_RETENTION_H,
                              batch_size: int = PRUNE_BATCH, max_batches: int | None = None) -> int:
    """Delete idempotency records created before ``older_than`` (default: ``now`` − ``retention_h``).

    Safe to run from a periodic tick, concurrently and repeatedly: it deletes in short transactions of at
    most ``batch_size`` rows (a writer never waits long for the lock), deletes only what is already past the
    cut-off, and stops after ``max_batches`` if given (the next tick continues). A cut-off less than
    MIN_RETENTION_H in the past is refused, so a retry still in progress can never write twice.
    Returns the number of records deleted.
    """
    now = now or timezone.now()
    cutoff = older_than if older_than is not None else now - timedelta(hours=retention_h)
    if cutoff > now - timedelta(hours=MIN_RETENTION_H):
        raise ValueError(f"retention: keys must be kept at least {MIN_RETENTION_H} h (cut-off {cutoff.isoformat()})")
    if batch_size < 1:
        raise ValueError("batch_size: must be at least 1")
    deleted = batches = 0
    while max_batches is None or batches < max_batches:
        ids = list(IdempotencyRecord.objects.filter(created_at__lt=cutoff).order_by("created_at")
                   .values_list("pk", flat=True)[:batch_size])  # fmt: skip
        if not ids:
            break
        with transaction.atomic():
            count, _ = IdempotencyRecord.objects.filter(pk__in=ids, created_at__lt=cutoff).delete()
        deleted += count
        batches += 1
    if deleted:
        log.info("pruned %d idempotency records created before %s", deleted, cutoff.isoformat())
    return deleted
