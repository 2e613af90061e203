"""Authentication and access middleware: API tokens, idle logoff, and the deny-by-default policy."""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpResponseForbidden, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone

from ketaflow.clinic.accounts.access import PUBLIC, route_allowed
from ketaflow.clinic.accounts.models import ApiToken

POLL_HEADER = "HTTP_X_KETAFLOW_POLL"


def _is_api(request) -> bool:
    return request.path.startswith("/api/")


class ApiTokenMiddleware:
    """``Authorization: Bearer kf_…`` authenticates an API request (no cookie, so no CSRF needed)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.auth_method = "session" if request.user.is_authenticated else None
        header = request.META.get("HTTP_AUTHORIZATION", "")
        if _is_api(request) and header.startswith("Bearer "):
            raw = header[len("Bearer ") :].strip()
            token = (
                ApiToken.objects.select_related("user")
                .filter(digest=ApiToken.digest_of(raw), revoked_at__isnull=True, user__is_active=True)
                .first()
            )
            if token is None:
                return JsonResponse({"detail": "Invalid or revoked API token."}, status=401)
            request.user = token.user
            request.auth_method = "token"
            request._dont_enforce_csrf_checks = True
            # Writes are cheap, but a token used many times a second need not rewrite its timestamp.
            now = timezone.now()
            if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
                ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return self.get_response(request)


class IdleTimeoutMiddleware:
    """Log out after KETAFLOW_IDLE_TIMEOUT_S without a user action, and after the absolute lifetime.

    The last *user action* is kept in the session; requests marked as polling (the live infusion chart
    refreshing itself) do not count, so an unattended tablet still logs off.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated and getattr(request, "auth_method", None) == "session":
            now = time.time()
            session = request.session
            last = session.get("kf_last_action", now)
            started = session.get("kf_login_at", now)
            idle = now - last > settings.KETAFLOW_IDLE_TIMEOUT_S
            too_old = now - started > settings.KETAFLOW_SESSION_MAX_AGE_S
            if idle or too_old:
                logout(request)
                reason = "idle" if idle else "expired"
                if _is_api(request):
                    return JsonResponse({"detail": "Your session ended; log in again.", "code": reason}, status=401)
                if request.headers.get("HX-Request"):
                    response = JsonResponse({"detail": "logged out"}, status=401)
                    response["HX-Redirect"] = reverse(settings.LOGIN_URL) + f"?reason={reason}"
                    return response
                return redirect(reverse(settings.LOGIN_URL) + f"?reason={reason}")
            session.setdefault("kf_login_at", now)
            if not request.META.get(POLL_HEADER):
                session["kf_last_action"] = now
        return self.get_response(request)


class AccessPolicyMiddleware:
    """Deny by default: the resolved route must be public or allow the user's role (access.py)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if match is None:
            return None
        route = match.view_name
        user = request.user
        if route in PUBLIC or route.startswith("api:"):
            return None  # API operations check the same table themselves (api/base.py: Allow)
        if not user.is_authenticated:
            if _is_api(request):
                return JsonResponse({"detail": "Authentication required."}, status=401)
            return redirect(f"{reverse(settings.LOGIN_URL)}?next={request.path}")
        if not route_allowed(route, user.role):
            if _is_api(request):
                return JsonResponse({"detail": "Your role may not use this endpoint."}, status=403)
            return HttpResponseForbidden(
                "<h1>Not allowed</h1><p>Your role may not open this page.</p><p><a href='/'>Home</a></p>"
            )
        return None
