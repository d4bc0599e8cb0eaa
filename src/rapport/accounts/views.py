"""Account pages: sign-in with throttling, sign-out and personal API tokens."""

from __future__ import annotations

import logging
import time
from datetime import datetime
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, login
from django.contrib.auth import views as auth_views
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, resolve_url
from django.template.response import TemplateResponse
from django.utils import timezone, translation
from django.utils.formats import time_format
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import View

from rapport.accounts import services
from rapport.accounts.forms import ApiTokenForm, LoginForm
from rapport.accounts.models import ApiToken
from rapport.core.errors import NotFound, ValidationFailed

logger = logging.getLogger(__name__)

NEW_TOKEN_SESSION_KEY = "rapport.new_api_token"


def _locked_message(until: datetime) -> str:
    local = timezone.localtime(until)
    return _(
        "Too many failed sign-ins for this user name. Signing in is locked until "
        "%(time)s; try again then or ask an administrator."
    ) % {"time": time_format(local, "H:i")}


class LoginView(View):
    """Sign in with user name and password; failures slow down, then lock the name."""

    template_name = "accounts/login.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            return redirect(self._next(request))
        return self._render(request, LoginForm())

    def post(self, request: HttpRequest) -> HttpResponse:
        form = LoginForm(request.POST)
        if not form.is_valid():
            return self._render(request, form)
        username = form.cleaned_data["username"].strip()

        delay, locked_until = services.login_delay(username)
        if locked_until is not None:
            form.add_error(None, _locked_message(locked_until))
            return self._render(request, form, status=429)
        if delay:
            time.sleep(delay)  # slows guessing down; the lock stops it

        user = authenticate(
            request, username=username, password=form.cleaned_data["password"]
        )
        if user is None:
            services.record_login_failure(username)
            _delay, locked_until = services.login_delay(username)
            if locked_until is not None:
                form.add_error(None, _locked_message(locked_until))
                return self._render(request, form, status=429)
            form.add_error(None, _("The user name or password is not right."))
            return self._render(request, form, status=200)

        services.record_login_success(username)
        login(request, user)
        logger.info("user signed in", extra={"user_id": user.pk})
        response = redirect(self._next(request))
        if user.language:  # a saved preference beats the browser's language
            translation.activate(user.language)
            response.set_cookie(settings.LANGUAGE_COOKIE_NAME, user.language)
        return response

    def _next(self, request: HttpRequest) -> str:
        target = request.POST.get("next") or request.GET.get("next") or ""
        if target and url_has_allowed_host_and_scheme(
            target,
            allowed_hosts={request.get_host()},
            require_https=request.is_secure(),
        ):
            return target
        return resolve_url(settings.LOGIN_REDIRECT_URL)

    def _render(
        self, request: HttpRequest, form: LoginForm, status: int = 200
    ) -> HttpResponse:
        context = {
            "form": form,
            "next": request.POST.get("next") or request.GET.get("next", ""),
        }
        return TemplateResponse(request, self.template_name, context, status=status)


class LogoutView(auth_views.LogoutView):
    """Sign out (POST only) and return to the sign-in page."""


class ApiTokenListView(LoginRequiredMixin, View):
    """The user's API tokens; a new token's raw value is shown once, after creation."""

    template_name = "accounts/tokens.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        new_token = request.session.pop(NEW_TOKEN_SESSION_KEY, None)
        return self._render(request, ApiTokenForm(), new_token=new_token)

    def post(self, request: HttpRequest) -> HttpResponse:
        form = ApiTokenForm(request.POST)
        if not form.is_valid():
            return self._render(request, form, status=422)

        try:
            token, raw = services.create_api_token(
                request.user,  # type: ignore[arg-type]
                form.cleaned_data["name"],
                form.cleaned_data["access"],
                form.expires_at(),
            )
        except ValidationFailed as exc:
            for field, errors in exc.errors.items():
                for error in errors:
                    form.add_error(field if field in form.fields else None, error)
            return self._render(request, form, status=422)

        # Kept in the session only until the next page view, which shows it once.
        request.session[NEW_TOKEN_SESSION_KEY] = {
            "id": token.pk,
            "name": token.name,
            "raw": raw,
        }
        return redirect("accounts:tokens")

    def _render(
        self,
        request: HttpRequest,
        form: ApiTokenForm,
        new_token: dict | None = None,
        status: int = 200,
    ) -> HttpResponse:
        user: Any = request.user
        tokens = ApiToken.objects.filter(user=user).order_by("-created_at")[:100]
        context = {
            "form": form,
            "tokens": tokens,
            "new_token": new_token,
            "now": timezone.now(),
        }
        return TemplateResponse(request, self.template_name, context, status=status)


class ApiTokenRevokeView(LoginRequiredMixin, View):
    """Revoke one of the user's own tokens."""

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        try:
            token = services.revoke_api_token(request.user, pk)  # type: ignore[arg-type]
        except NotFound:
            raise Http404 from None
        messages.success(
            request, _("The token “%(name)s” is revoked.") % {"name": token.name}
        )
        return redirect("accounts:tokens")
