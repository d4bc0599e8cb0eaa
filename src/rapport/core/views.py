"""Pages of the shared machinery: global search, the notification inbox and jobs."""

from __future__ import annotations

import json
import logging
from typing import Any

from django.apps import apps
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.views import View

from rapport.core import services
from rapport.core.models import Job, Notification
from rapport.core.permissions import Role
from rapport.core.search import Hit, search
from rapport.core.selectors import unread_count

logger = logging.getLogger(__name__)

NOTIFICATIONS_PER_PAGE = 30
JOBS_PER_PAGE = 50
SEARCH_LIMIT = 60
ACTIVE_JOB_STATES = (Job.Status.QUEUED, Job.Status.RUNNING)


def _cursor(request: HttpRequest) -> int | None:
    """The `before` id of keyset pagination, or None for the first page."""
    try:
        return int(request.GET["before"])
    except (KeyError, ValueError):
        return None


def _page(queryset: QuerySet, before: int | None, size: int) -> tuple[list, int | None]:
    """One page of newest-first rows and the cursor of the next, without a COUNT."""
    if before is not None:
        queryset = queryset.filter(pk__lt=before)
    rows = list(queryset.order_by("-id")[: size + 1])
    more = len(rows) > size
    rows = rows[:size]
    return rows, (rows[-1].pk if more and rows else None)


def _plural_label(hit: Hit) -> str:
    """The heading of a group of hits: the model's plural name, e.g. "Companies"."""
    try:
        model = apps.get_model(hit.kind)
    except (LookupError, ValueError):
        return str(hit.label)
    return capfirst(str(model._meta.verbose_name_plural))


class SearchView(LoginRequiredMixin, View):
    """Global search over every record the user may see, grouped by kind."""

    def get(self, request: HttpRequest) -> HttpResponse:
        query = " ".join(request.GET.get("q", "").split())[:200]
        hits = search(request.user, query, limit=SEARCH_LIMIT) if query else []

        groups: dict[str, list[Hit]] = {}
        for hit in hits:
            groups.setdefault(_plural_label(hit), []).append(hit)
        return TemplateResponse(
            request,
            "core/search.html",
            {
                "query": query,
                "groups": list(groups.items()),
                "hit_count": len(hits),
                "capped": len(hits) >= SEARCH_LIMIT,
            },
        )


class NotificationListView(LoginRequiredMixin, View):
    """The user's notifications, newest first, with unread ones marked."""

    def get(self, request: HttpRequest) -> HttpResponse:
        user: Any = request.user
        mine = Notification.objects.filter(recipient=user)
        rows, next_cursor = _page(mine, _cursor(request), NOTIFICATIONS_PER_PAGE)
        return TemplateResponse(
            request,
            "core/notifications.html",
            {
                "notifications": rows,
                "next_cursor": next_cursor,
                "first_page": _cursor(request) is None,
            },
        )


class NotificationReadView(LoginRequiredMixin, View):
    """Mark one of the user's notifications read; htmx swaps the row in place."""

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        user: Any = request.user
        notification = Notification.objects.filter(pk=pk, recipient=user).first()
        if notification is None:
            raise Http404

        services.mark_read(request.user, [pk])
        notification.refresh_from_db(fields=["read_at"])

        if not request.htmx:  # type: ignore[attr-defined]
            return redirect("notifications")
        response = TemplateResponse(
            request, "core/partials/notification_row.html", {"n": notification}
        )
        response["HX-Trigger"] = json.dumps(
            {"rapport:unread": {"value": unread_count(request.user)}}
        )
        return response


class NotificationReadAllView(LoginRequiredMixin, View):
    """Mark every unread notification of the user read."""

    def post(self, request: HttpRequest) -> HttpResponse:
        marked = services.mark_read(request.user)
        if marked:
            messages.success(request, _("All notifications are marked read."))
        return redirect("notifications")


def _visible_jobs(user: Any) -> QuerySet[Job]:
    """Administrators follow every job; everyone else their own."""
    jobs = Job.objects.select_related("user")
    if user.role == Role.ADMIN:
        return jobs
    return jobs.filter(user=user)


class JobListView(LoginRequiredMixin, View):
    """Background jobs with status and progress; refreshes itself while any runs."""

    def get(self, request: HttpRequest) -> HttpResponse:
        rows, next_cursor = _page(
            _visible_jobs(request.user), _cursor(request), JOBS_PER_PAGE
        )
        context = {
            "jobs": rows,
            "next_cursor": next_cursor,
            "polling": any(job.status in ACTIVE_JOB_STATES for job in rows),
            "show_user": request.user.role == Role.ADMIN,  # type: ignore[union-attr]
        }
        template = "core/jobs.html"
        if request.htmx:  # type: ignore[attr-defined]
            template = "core/partials/job_table.html"
        return TemplateResponse(request, template, context)


class JobDetailView(LoginRequiredMixin, View):
    """One job: its parameters, progress, log, result and error."""

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        job = _visible_jobs(request.user).filter(pk=pk).first()
        if job is None:
            raise Http404

        context = {
            "job": job,
            "polling": job.status in ACTIVE_JOB_STATES,
            "params": json.dumps(job.params, indent=2, ensure_ascii=False, default=str),
            "result": json.dumps(job.result, indent=2, ensure_ascii=False, default=str),
        }
        template = "core/job_detail.html"
        if request.htmx:  # type: ignore[attr-defined]
            template = "core/partials/job_panel.html"
        return TemplateResponse(request, template, context)
