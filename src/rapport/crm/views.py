"""CRM pages: lists, details, forms, lead conversion and the deal board.

Views are thin: they parse the request, call one selector or service, and render.
One list view serves the whole page and, for htmx requests, only the list body.
A record outside the user's scope is a 404 page, a forbidden action a 403 page.
"""

from __future__ import annotations

import csv
import logging
from collections.abc import Callable, Iterator
from decimal import Decimal, InvalidOperation
from functools import wraps
from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Model, QuerySet, Sum
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
    JsonResponse,
    StreamingHttpResponse,
)
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from rapport.core import permissions
from rapport.core.errors import (
    Conflict,
    Forbidden,
    NotFound,
    PreconditionFailed,
    ValidationFailed,
)
from rapport.core.selectors import count_up_to
from rapport.crm import forms, lists, selectors, services
from rapport.crm.models import (
    ContactMethod,
    Pipeline,
    Stage,
)

if TYPE_CHECKING:
    from rapport.accounts.models import User

logger = logging.getLogger(__name__)

PAGE_SIZE = 50
COUNT_CAP = 1000
STALE = gettext_lazy(
    "Someone else changed this record while you were editing. Your input is kept "
    "below; reload the page to see their changes, then apply yours again."
)


class SignedInRequest(HttpRequest):
    """A request that passed the sign-in check, with django-htmx's details."""

    user: User
    htmx: Any


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


def _can(user: Any, kind: lists.Kind) -> dict[str, bool]:
    return {
        action: permissions.may(user, action, kind.perm)
        for action in (permissions.ADD, permissions.CHANGE, permissions.DELETE)
    }


def _is_fragment(request: SignedInRequest) -> bool:
    return bool(request.htmx) and not request.htmx.boosted


# --- Lists ------------------------------------------------------------------------


def _filtered(
    request: SignedInRequest, kind: lists.Kind
) -> tuple[QuerySet, dict[str, Any]]:
    """The scoped records the list shows, with the search, filters and sort applied."""
    spec = kind.listing
    queryset = spec.select(request.user)
    q = " ".join(request.GET.get("q", "").split())[:200]
    for term in q.split():
        queryset = queryset.filter(spec.search(term))
    chosen = {}
    for filter_ in spec.filters:
        value = request.GET.get(filter_.param, "")
        if value:
            queryset = filter_.apply(queryset, value)
            chosen[filter_.param] = value
    sort = request.GET.get("sort", "")
    if sort.removeprefix("-") not in spec.sorts:
        sort = spec.default_sort
    field = spec.sorts[sort.removeprefix("-")]
    # The id breaks ties so that pages never repeat or skip a row.
    if sort.startswith("-"):
        queryset = queryset.order_by(f"-{field}", "-id")
    else:
        queryset = queryset.order_by(field, "id")
    return queryset, {"q": q, "chosen": chosen, "sort": sort}


def _row_context(user: Any, kind: lists.Kind) -> dict[str, Any]:
    """Choices the rows' inline editors offer, loaded once for the whole page."""
    context: dict[str, Any] = {"can": _can(user, kind), "kind": kind}
    for name in kind.inline:
        choices = getattr(kind.model._meta.get_field(name), "flatchoices", None)
        if choices:
            context[f"{name}_options"] = [(str(k), str(v)) for k, v in choices]
    if "owner" in kind.inline:
        context["owner_options"] = lists._owners(user)
    if "stage" in kind.inline:
        stages: dict[int, list[Stage]] = {}
        for stage in Stage.objects.order_by("pipeline_id", "position"):
            stages.setdefault(stage.pipeline_id, []).append(stage)
        context["stage_options"] = stages
    return context


@page
def record_list(request: SignedInRequest, kind: str) -> HttpResponse:
    """A list with search, filters, sorting and next-page paging; htmx gets the body."""
    spec = lists.KINDS[kind]
    queryset, state = _filtered(request, spec)
    try:
        number = max(1, int(request.GET.get("page", 1)))
    except ValueError:
        number = 1

    # Offset paging with a look-ahead row: no COUNT, but deep pages cost a scan.
    start = (number - 1) * PAGE_SIZE
    rows = list(queryset[start : start + PAGE_SIZE + 1])
    matching = count_up_to(queryset.prefetch_related(None), COUNT_CAP)

    context = {
        **_row_context(request.user, spec),
        **state,
        "rows": rows[:PAGE_SIZE],
        "has_next": len(rows) > PAGE_SIZE,
        "page_number": number,
        "matching": matching,
        "count_cap": COUNT_CAP,
        "columns": spec.listing.columns,
        "default_sort": spec.listing.default_sort,
        "filters": [
            (f, f.choices(request.user), state["chosen"].get(f.param, ""))
            for f in spec.listing.filters
        ],
        "row_template": f"crm/partials/{kind}_row.html",
        "title": spec.title,
    }
    if _is_fragment(request):
        return render(request, "crm/partials/list_body.html", context)
    return render(request, "crm/list.html", context)


class _Echo:
    def write(self, value: str) -> str:
        return value


@page
def record_export(request: SignedInRequest, kind: str) -> StreamingHttpResponse:
    """The filtered list as CSV, only the records the user may see."""
    spec = lists.KINDS[kind]
    queryset, _state = _filtered(request, spec)
    columns = spec.listing.csv
    writer = csv.writer(_Echo())

    def lines() -> Iterator[str]:
        yield "\ufeff"  # spreadsheet programs need it to read Chinese as UTF-8
        yield writer.writerow([str(label) for label, _get in columns])
        for record in queryset.iterator(chunk_size=500):
            yield writer.writerow([_csv_cell(get(record)) for _label, get in columns])

    logger.info("csv export of %s by user %s", kind, request.user.pk)
    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{kind}-export.csv"'
    return response


def _csv_cell(value: Any) -> str:
    text = str(value)
    # A leading =, +, - or @ would make a spreadsheet run the cell as a formula.
    if text[:1] in ("=", "+", "-", "@") and not _is_number(text):
        return "'" + text
    return text


def _is_number(text: str) -> bool:
    try:
        Decimal(text)
    except InvalidOperation:
        return False
    return True


@page
@require_POST
def record_inline(
    request: SignedInRequest, kind: str, pk: int, field: str
) -> HttpResponse:
    """Change one field from a list row; answers with the row, errors shown in it."""
    spec = lists.KINDS[kind]
    if field not in spec.inline:
        raise Http404
    record = selectors.get(spec.select(request.user), pk)

    form = spec.form(user=request.user, instance=record)
    error = ""
    try:
        value = form.fields[field].clean(request.POST.get(field, ""))
        model_field = spec.model._meta.get_field(field)
        key = f"{field}_id" if model_field.is_relation else field
        data = {key: value.pk if isinstance(value, Model) else value}
        spec.update(request.user, record, data, _version(request))
    except ValidationFailed as exc:
        error = " ".join(m for messages_ in exc.errors.values() for m in messages_)
    except PreconditionFailed:
        error = str(STALE)
    except ValidationError as exc:  # the form field's own check of the input
        error = " ".join(exc.messages)
    record = selectors.get(spec.select(request.user), pk)

    context = {**_row_context(request.user, spec), "row": record, "row_error": error}
    return render(request, f"crm/partials/{kind}_row.html", context)


def _version(request: SignedInRequest) -> int | None:
    try:
        return int(request.POST["version"])
    except (KeyError, ValueError):
        return None


# --- Details ----------------------------------------------------------------------


def _related(user: Any, kind: str, record: Any) -> dict[str, Any]:
    """The records shown beside a record on its page, each list scoped and capped."""
    cap = 50
    if kind == "company":
        return {
            "contacts": list(selectors.contacts(user).filter(company=record)[:cap]),
            "deals": list(
                selectors.deals(user).filter(company=record).order_by("-id")[:cap]
            ),
            "leads": list(
                selectors.leads(user).filter(company=record).order_by("-id")[:cap]
            ),
            "quotes": list(
                selectors.quotes(user)
                .filter(deal__company=record)
                .order_by("-id")[:cap]
            ),
        }
    if kind == "contact":
        return {
            "deals": list(
                selectors.deals(user).filter(contact=record).order_by("-id")[:cap]
            ),
            "leads": list(
                selectors.leads(user).filter(contact=record).order_by("-id")[:cap]
            ),
        }
    if kind == "lead":
        return {"deals": list(selectors.deals(user).filter(lead=record)[:cap])}
    if kind == "deal":
        return {
            "quotes": list(
                selectors.quotes(user).filter(deal=record).order_by("-id")[:cap]
            ),
            "stages": list(record.pipeline.stages.order_by("position")),
        }
    return {}


def _detail_context(
    request: SignedInRequest, spec: lists.Kind, record: Any
) -> dict[str, Any]:
    context: dict[str, Any] = {
        "record": record,
        "kind": spec,
        "can": _can(request.user, spec),
        "history": list(selectors.history(record)),
        "model_label": record._meta.label_lower,
        **_related(request.user, spec.name, record),
    }
    if spec.timeline:
        context["timeline"] = list(
            selectors.timeline(request.user, **{spec.timeline: record})[:50]
        )
        context["quick_form"] = forms.QuickActivityForm()
        context["can_log"] = permissions.may(
            request.user, permissions.ADD, "crm.activity"
        )
    return context


@page
def record_detail(request: SignedInRequest, kind: str, pk: int) -> HttpResponse:
    """One record with its fields, related records, timeline and history."""
    spec = lists.KINDS[kind]
    record = selectors.get(spec.select(request.user), pk)
    context = _detail_context(request, spec, record)
    return render(request, f"crm/{kind}_detail.html", context)


@page
@require_POST
def timeline_add(request: SignedInRequest, kind: str, pk: int) -> HttpResponse:
    """Log a call, add a note or a task from a record's timeline."""
    spec = lists.KINDS[kind]
    record = selectors.get(spec.select(request.user), pk)
    form = forms.QuickActivityForm(request.POST)

    if form.is_valid():
        try:
            services.create_activity(
                request.user,
                {
                    **form.cleaned_data,
                    f"{spec.timeline}_id": record.pk,
                },
            )
        except ValidationFailed as exc:
            form.show_errors(exc)
        else:
            if not _is_fragment(request):
                messages.success(request, _("Added to the timeline."))
                return redirect(f"crm:{kind}_detail", pk=record.pk)
            form = forms.QuickActivityForm()

    context = _detail_context(request, spec, record)
    context["quick_form"] = form
    if _is_fragment(request):
        return render(request, "crm/partials/timeline.html", context)
    return render(request, f"crm/{kind}_detail.html", context, status=422)


@page
@require_POST
def activity_complete(request: SignedInRequest, pk: int) -> HttpResponse:
    """Mark a task done, from a timeline or the activity list."""
    activity = selectors.get(selectors.activities(request.user), pk)
    try:
        services.complete_activity(request.user, activity, _version(request))
    except PreconditionFailed:
        messages.error(request, STALE)
    back = request.POST.get("next", "")
    if back.startswith("/") and not back.startswith("//"):
        return HttpResponseRedirect(back)
    return redirect("crm:activity_detail", pk=activity.pk)


# --- Forms ------------------------------------------------------------------------


@page
@require_http_methods(["GET", "POST"])
def record_form(
    request: SignedInRequest, kind: str, pk: int | None = None
) -> HttpResponse:
    """Create or edit a record; refused input comes back with the errors in place."""
    spec = lists.KINDS[kind]
    record = selectors.get(spec.select(request.user), pk) if pk else None
    if record is None:
        permissions.require(request.user, permissions.ADD, spec.perm)
    else:
        permissions.check(request.user, permissions.CHANGE, record)
    form = spec.form(
        request.POST or None,
        user=request.user,
        instance=record,
        initial=_initial(request, spec) if record is None else None,
    )
    extra: dict[str, Any] = {}
    lines, line_errors = (
        forms.quote_lines(request.POST) if kind == "quote" else ([], {})
    )

    if request.method == "POST" and form.is_valid() and not line_errors:
        try:
            saved = _save(request, spec, form, record, lines)
        except ValidationFailed as exc:
            form.show_errors(exc)
            line_errors = {
                k: v for k, v in exc.errors.items() if k.startswith("lines.")
            }
            if "methods" in exc.errors:
                extra["method_errors"] = exc.errors["methods"]
        except PreconditionFailed:
            form.add_error(None, str(STALE))
        else:
            messages.success(request, _("Saved."))
            return redirect(f"crm:{kind}_detail", pk=saved.pk)
    if line_errors:
        form.add_error(None, _("Some quote lines are invalid; see below."))

    context = {
        "form": form,
        "record": record,
        "kind": spec,
        "title": spec.title,
        **extra,
        **_repeated_inputs(request, kind, record, lines, line_errors),
    }
    status = 422 if request.method == "POST" else 200
    return render(request, f"crm/{kind}_form.html", context, status=status)


def _initial(request: SignedInRequest, spec: lists.Kind) -> dict[str, Any]:
    """Prefill a new record from the page it was started on (?company=3)."""
    allowed = {"company", "contact", "lead", "deal"} & set(spec.form.base_fields)
    return {name: request.GET[name] for name in allowed if request.GET.get(name)}


def _save(
    request: SignedInRequest,
    spec: lists.Kind,
    form: forms.ServiceForm,
    record: Any,
    lines: list[dict[str, Any]],
) -> Any:
    data = form.service_data()
    version = form.cleaned_data.get("version")
    extra: dict[str, Any] = {}
    if spec.name == "contact":
        extra["methods"] = forms.contact_methods(request.POST)
    if spec.name == "quote":
        extra["lines"] = [
            {k: v for k, v in line.items() if k != "raw"} for line in lines
        ]
    if record is None:
        return spec.create(request.user, data, **extra)
    if data.get("owner_id") is None:
        data.pop("owner_id", None)  # an empty owner choice keeps the owner
    spec.update(request.user, record, data, version, **extra)
    return record


def _repeated_inputs(
    request: SignedInRequest,
    kind: str,
    record: Any,
    lines: list[dict[str, Any]],
    line_errors: dict[str, list[str]],
) -> dict[str, Any]:
    """The rows of phones/e-mails or quote lines the form shows, plus blank ones."""
    sent = request.method == "POST"
    if kind == "contact":
        return {
            "methods": forms.method_rows(
                forms.contact_methods(request.POST) if sent else None, record
            ),
            "method_kinds": ContactMethod.Kind.choices,
        }
    if kind == "quote":
        return {
            "lines": forms.quote_line_rows(
                lines if sent else None, line_errors, record
            ),
            "products": list(selectors.products(request.user).filter(is_active=True)),
        }
    return {}


@page
@require_http_methods(["GET", "POST"])
def record_delete(request: SignedInRequest, kind: str, pk: int) -> HttpResponse:
    """Ask, then delete a record."""
    spec = lists.KINDS[kind]
    record = selectors.get(spec.select(request.user), pk)
    permissions.check(request.user, permissions.DELETE, record)

    if request.method == "POST":
        try:
            spec.delete(request.user, record, _version(request))
        except PreconditionFailed:
            messages.error(request, STALE)
        except Conflict as exc:
            messages.error(request, exc.detail)
        else:
            messages.success(request, _("Deleted “%(name)s”.") % {"name": record})
            return redirect(f"crm:{kind}_list")
        return redirect(f"crm:{kind}_detail", pk=record.pk)
    return render(request, "crm/confirm_delete.html", {"record": record, "kind": spec})


# --- Lead conversion ------------------------------------------------------------------


@page
@require_http_methods(["GET", "POST"])
def lead_convert(request: SignedInRequest, pk: int) -> HttpResponse:
    """Turn a lead into a deal, choosing or creating its company and contact."""
    lead = selectors.get(selectors.leads(request.user), pk)
    permissions.check(request.user, permissions.CHANGE, lead)
    form = forms.ConvertLeadForm(request.POST or None, user=request.user, lead=lead)

    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            deal = services.convert_lead(
                request.user,
                lead,
                company_id=data["company"].pk if data["company"] else None,
                contact_id=data["contact"].pk if data["contact"] else None,
                deal_title=data["deal_title"],
                amount=data["amount"],
                pipeline_id=data["pipeline"].pk if data["pipeline"] else None,
                expected_close=data["expected_close"],
                version=data["version"],
            )
        except ValidationFailed as exc:
            form.show_errors(exc)
        except PreconditionFailed:
            form.add_error(None, str(STALE))
        else:
            messages.success(request, _("The lead is now a deal."))
            return redirect("crm:deal_detail", pk=deal.pk)

    status = 422 if request.method == "POST" else 200
    return render(
        request, "crm/lead_convert.html", {"form": form, "lead": lead}, status=status
    )


# --- Deal board -----------------------------------------------------------------------


def _column_totals(user: Any, pipeline: Pipeline) -> dict[int, dict[str, Any]]:
    """Per stage: how many visible deals and their summed amount."""
    # TODO: amounts in different currencies are added as they are; the board shows
    # the sum with the default currency sign until exchange rates exist.
    rows = (
        selectors.deals(user)
        .filter(pipeline=pipeline)
        .order_by()
        .values("stage_id")
        .annotate(deals=Count("id"), amount=Sum("amount"))
    )
    return {
        r["stage_id"]: {"deals": r["deals"], "amount": r["amount"] or 0} for r in rows
    }


@page
def deal_board(request: SignedInRequest) -> HttpResponse:
    """The kanban of one pipeline: a column per stage, deals as cards."""
    pipelines = list(selectors.pipelines(request.user).order_by("-is_default", "name"))
    chosen = request.GET.get("pipeline", "")
    pipeline = next((p for p in pipelines if str(p.pk) == chosen), None)
    pipeline = pipeline or (pipelines[0] if pipelines else None)
    if pipeline is None:
        return render(request, "crm/deal_board.html", {"pipelines": []})

    totals = _column_totals(request.user, pipeline)
    columns = [
        (stage, deals, totals.get(stage.pk, {"deals": 0, "amount": 0}))
        for stage, deals in selectors.kanban(request.user, pipeline)
    ]
    context = {
        "pipelines": pipelines,
        "pipeline": pipeline,
        "columns": columns,
        "stages": [stage for stage, _d, _t in columns],
        "can_move": permissions.may(request.user, permissions.CHANGE, "crm.deal"),
    }
    return render(request, "crm/deal_board.html", context)


@page
@require_POST
def deal_move(request: SignedInRequest, pk: int) -> HttpResponse:
    """Move a deal to another stage, from the board (JSON) or a card's form."""
    deal = selectors.get(selectors.deals(request.user), pk)
    wants_json = "application/json" in request.headers.get("Accept", "")
    try:
        stage_id = int(request.POST.get("stage_id", ""))
    except ValueError:
        stage_id = 0

    status, error = 200, ""
    try:
        services.move_deal(
            request.user,
            deal,
            stage_id,
            _version(request),
            lost_reason=request.POST.get("lost_reason", ""),
        )
    except ValidationFailed as exc:
        status = 422
        error = " ".join(m for messages_ in exc.errors.values() for m in messages_)
    except PreconditionFailed:
        status, error = 412, str(STALE)
    if error:
        deal = selectors.get(selectors.deals(request.user), pk)  # as it really is now

    if wants_json:
        from rapport.crm.templatetags.crm import money_whole

        totals = {
            str(stage_id): {"deals": t["deals"], "amount": money_whole(t["amount"])}
            for stage_id, t in _column_totals(request.user, deal.pipeline).items()
        }
        return JsonResponse(
            {
                "ok": not error,
                "error": error,
                "version": deal.version,
                "stage_id": deal.stage_id,
                "totals": totals,
            },
            status=status,
        )
    if error:
        messages.error(request, error)
    else:
        messages.success(request, _("Moved “%(deal)s”.") % {"deal": deal})
    return redirect(reverse("crm:deal_board") + f"?pipeline={deal.pipeline_id}")
