"""Project-level pages that combine several apps: the home page of each role."""

from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.views import View

from rapport.dashboards import home_for


class HomeView(LoginRequiredMixin, View):
    """The signed-in user's home page, with the sections their role needs."""

    def get(self, request: HttpRequest) -> HttpResponse:
        template, context = home_for(request.user)
        return TemplateResponse(request, template, context)
