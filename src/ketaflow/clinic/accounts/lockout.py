"""What a locked-out client gets (django-axes, AXES_LOCKOUT_CALLABLE): the page for browsers, JSON for the API.

On the API a failed authentication can happen inside an operation (a witness re-entering their password);
after the limit, the client gets 429 with Retry-After and a JSON body like every other API error, not the
HTML page (found by checks/fuzz_api.py on the waste witness).
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render

LOCKED_STATUS = 429


def _cool_off_s() -> int:
    return int(float(getattr(settings, "AXES_COOLOFF_TIME", 1) or 1) * 3600)


def lockout_response(request, original_response=None, credentials=None) -> HttpResponse:
    if request.path.startswith("/api/"):
        response = JsonResponse(
            {"detail": "Too many failed authentication attempts: locked for a while. Try again later or ask an "
                       "administrator.", "code": "locked_out"},
            status=LOCKED_STATUS,
        )  # fmt: skip
    else:
        response = render(request, settings.AXES_LOCKOUT_TEMPLATE, {}, status=LOCKED_STATUS)
    response["Retry-After"] = str(_cool_off_s())
    return response
