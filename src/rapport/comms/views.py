"""Comms pages: messages, a message, mailboxes, imports, and the record panels.

Views are thin: they parse the request, call one selector or service, and
render. Message HTML is shown only sanitised, inside a sandboxed iframe.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING, Any

from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Model
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from rapport.comms import badges, forms, imap, selectors, services
from rapport.comms.models import Channel, Direction, Import
from rapport.comms.sanitize import clean_html
from rapport.core import permissions
from rapport.core.errors import (
    Forbidden,
    NotFound,
    PreconditionFailed,
    ValidationFailed,
)
from rapport.crm import selectors as crm_selectors

if TYPE_CHECKING:
    from rapport.accounts.models import User

PAGE_SIZE = 50
PANEL_SIZE = 8


def page(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """Sign-in required; NotFound becomes the 404 page and Forbidden the 403 page."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        try:
            return view(request, *args, **kwargs)
        except NotFound:
            raise Http404 from None
        except Forbidden as exc:
            raise PermissionDenied(exc.detail) from None

    return login_required(wrapper)


class SignedInRequest(HttpRequest):
    """A request that passed the sign-in check, with django-htmx's details."""

    user: User
    htmx: Any


def _is_fragment(request: HttpRequest) -> bool:
    htmx = getattr(request, "htmx", None)
    return htmx is not None and bool(htmx) and not htmx.boosted


# --- messages -----------------------------------------------------------------


@page
def message_list(request: SignedInRequest) -> HttpResponse:
    """Messages the user may see, newest first, filtered and searched."""
    permissions.require(request.user, permissions.VIEW, "comms.message")
    params = request.GET.dict()
    offset = max(0, _int(params.pop("offset", 0)))
    rows = list(
        selectors.with_contacts(selectors.filtered(request.user, params)).defer(
            "html", "recipients"
        )[offset : offset + PAGE_SIZE + 1]
    )
    has_more = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    badges.attach(rows)
    company = None
    if params.get("company"):
        company = (
            crm_selectors.companies(request.user)
            .filter(pk=_int(params["company"]))
            .first()
        )
    query = request.GET.copy()
    query.pop("offset", None)
    context = {
        "rows": rows,
        "params": params,
        "company": company,
        "channels": Channel.choices,
        "directions": Direction.choices,
        "next_offset": offset + PAGE_SIZE if has_more else None,
        "prev_offset": max(0, offset - PAGE_SIZE) if offset else None,
        "query": query.urlencode(),
    }
    template = (
        "comms/partials/message_rows.html"
        if _is_fragment(request)
        else "comms/message_list.html"
    )
    return render(request, template, context)


def _int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


@page
def message_detail(request: SignedInRequest, pk: int) -> HttpResponse:
    """One message: who, when, links, text, sanitised HTML and its thread."""
    message = selectors.get_message(request.user, pk)
    thread = selectors.thread(request.user, message)
    badges.attach([message, *thread])
    context = {
        "message": message,
        "safe_html": clean_html(message.html) if message.html else "",
        "thread": thread,
        "contacts": list(message.contacts.all()),
    }
    return render(request, "comms/message_detail.html", context)


def messages_panel(field: str) -> Callable[[HttpRequest, Model], str | None]:
    """The renderer of the messages panel on a company, contact or deal page."""

    def render_panel(request: HttpRequest, record: Model) -> str | None:
        user: Any = request.user
        if not permissions.may(user, permissions.VIEW, "comms.message"):
            return None
        link = (
            {"contacts__id": record.pk}
            if field == "contact"
            else {f"{field}_id": record.pk}
        )
        rows = selectors.latest_for(user, PANEL_SIZE, **link)
        badges.attach(rows)
        return render_to_string(
            "comms/partials/panel.html",
            {"rows": rows, "field": field, "record": record},
            request=request,
        )

    return render_panel


# --- mailboxes ----------------------------------------------------------------


@page
def mailbox_list(request: SignedInRequest) -> HttpResponse:
    """The mailboxes the user may see, with their last poll."""
    permissions.require(request.user, permissions.VIEW, "comms.mailbox")
    rows = list(selectors.mailboxes(request.user).order_by("name")[:200])
    can_add = permissions.may(request.user, permissions.ADD, "comms.mailbox")
    return render(
        request, "comms/mailbox_list.html", {"rows": rows, "can_add": can_add}
    )


@page
def mailbox_form(request: SignedInRequest, pk: int | None = None) -> HttpResponse:
    """Add a mailbox, or change one."""
    mailbox = selectors.get(selectors.mailboxes(request.user), pk) if pk else None
    action = permissions.CHANGE if mailbox else permissions.ADD
    if mailbox:
        permissions.check(request.user, action, mailbox)
    else:
        permissions.require(request.user, action, "comms.mailbox")
    form = forms.MailboxForm(request.POST or None, instance=mailbox)
    if request.method == "POST" and form.is_valid():
        try:
            if mailbox:
                services.update_mailbox(
                    request.user,
                    mailbox,
                    form.service_data(),
                    _int(request.POST.get("version")) or None,
                )
            else:
                mailbox = services.create_mailbox(request.user, form.service_data())
        except ValidationFailed as exc:
            for name, errors in exc.errors.items():
                for error in errors:
                    form.add_error(name if name in form.fields else None, error)
        except PreconditionFailed:
            form.add_error(
                None, _("Someone else changed this mailbox; reload the page.")
            )
        else:
            flash.success(request, _("Mailbox saved."))
            return redirect("comms:mailbox_list")
    return render(
        request, "comms/mailbox_form.html", {"form": form, "mailbox": mailbox}
    )


@page
@require_POST
def mailbox_test(request: SignedInRequest, pk: int) -> HttpResponse:
    """Try to log in to a mailbox now and say what happened."""
    mailbox = selectors.get(selectors.mailboxes(request.user), pk)
    try:
        flash.success(request, services.test_mailbox(request.user, mailbox))
    except (imap.MailboxError, ValueError) as exc:
        flash.error(request, str(exc))
    return redirect("comms:mailbox_list")


@page
@require_POST
def mailbox_poll(request: SignedInRequest, pk: int) -> HttpResponse:
    """Fetch a mailbox's new messages now, in the worker."""
    mailbox = selectors.get(selectors.mailboxes(request.user), pk)
    run = services.poll_mailbox_now(request.user, mailbox)
    return redirect("comms:import_detail", run.pk)


@page
@require_POST
def mailbox_delete(request: SignedInRequest, pk: int) -> HttpResponse:
    """Remove a mailbox (its messages stay)."""
    mailbox = selectors.get(selectors.mailboxes(request.user), pk)
    services.delete_mailbox(request.user, mailbox)
    flash.success(request, _("Mailbox removed."))
    return redirect("comms:mailbox_list")


# --- imports ------------------------------------------------------------------


@page
def import_list(request: SignedInRequest) -> HttpResponse:
    """Past imports and a form to upload files for a new one."""
    permissions.require(request.user, permissions.VIEW, "comms.import")
    form = forms.ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        files = [(f.name, f) for f in form.cleaned_data["files"]]
        try:
            run = services.start_import(
                request.user, files, form.cleaned_data["channel"]
            )
        except ValidationFailed as exc:
            for errors in exc.errors.values():
                for error in errors:
                    form.add_error("files", error)
        else:
            return redirect("comms:import_detail", run.pk)
    rows = list(selectors.imports(request.user)[:100])
    can_add = permissions.may(request.user, permissions.ADD, "comms.import")
    status = 422 if form.errors else 200
    return render(
        request,
        "comms/import_list.html",
        {"rows": rows, "form": form, "can_add": can_add},
        status=status,
    )


@page
def import_detail(request: SignedInRequest, pk: int) -> HttpResponse:
    """One import: status, counts and every item error; refreshes while it runs."""
    run = selectors.get(selectors.imports(request.user), pk)
    running = run.status in (Import.Status.QUEUED, Import.Status.RUNNING)
    context = {
        "run": run,
        "running": running,
        "messages_url": reverse("comms:message_list"),
    }
    template = (
        "comms/partials/import_status.html"
        if _is_fragment(request)
        else "comms/import_detail.html"
    )
    return render(request, template, context)
