from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from ketaflow.clinic.accounts import forms, services
from ketaflow.clinic.accounts.models import ApiToken, User
from ketaflow.clinic.accounts.selectors import locked_usernames
from ketaflow.clinic.core.forms import add_domain_error
from ketaflow.domain.errors import DomainValidationError


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        import time

        self.request.session["kf_login_at"] = time.time()
        self.request.session["kf_last_action"] = time.time()
        return response

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["reason"] = self.request.GET.get("reason", "")
        return context


@require_http_methods(["GET"])
def user_list(request):
    users = User.objects.order_by("role", "username")
    return render(request, "accounts/user_list.html", {"users": users, "locked": locked_usernames()})


@require_http_methods(["GET", "POST"])
def user_create(request):
    form = forms.UserCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.user_create(actor=request.user, request=request, **form.cleaned_data)
        except DomainValidationError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, f"Created {user.username} ({user.get_role_display()}).")
            return redirect("accounts:user_list")
    return render(request, "accounts/user_form.html", {"form": form}, status=422 if form.errors else 200)


@require_http_methods(["GET", "POST"])
def user_edit(request, user_id: int):
    user = get_object_or_404(User, pk=user_id)
    initial = {f: getattr(user, f) for f in ("first_name", "last_name", "email", "credentials", "role", "is_active")}
    form = forms.UserEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.user_update(actor=request.user, request=request, user=user, **form.cleaned_data)
        except DomainValidationError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, f"Saved {user.username}.")
            return redirect("accounts:user_list")
    context = {"form": form, "edited": user, "is_locked": user.username in locked_usernames()}
    return render(request, "accounts/user_form.html", context, status=422 if form.errors else 200)


@require_http_methods(["GET", "POST"])
def tokens(request):
    form = forms.TokenForm(request.POST or None if request.POST.get("action") == "create" else None)
    raw = None
    if request.method == "POST":
        if request.POST.get("action") == "revoke":
            try:
                token_id = int(request.POST.get("token_id", ""))
            except ValueError:
                token_id = 0
            services.api_token_revoke(actor=request.user, request=request, token_id=token_id)
            messages.success(request, "Token revoked.")
            return redirect("accounts:tokens")
        if form.is_valid():
            _, raw = services.api_token_create(actor=request.user, request=request, **form.cleaned_data)
            form = forms.TokenForm()
    user_tokens = ApiToken.objects.filter(user=request.user).order_by("-created_at")
    return render(request, "accounts/tokens.html", {"form": form, "tokens": user_tokens, "raw": raw})
