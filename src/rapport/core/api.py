"""Shared API machinery: problem documents, versions, cursors, idempotency and docs.

Every app's router is mounted on one `RapportAPI`. It answers every error as
`application/problem+json` (RFC 9457) with a stable `code`, runs each unsafe
request in one transaction that is rolled back when the answer is an error,
replays POST answers sent with an `Idempotency-Key`, and serves its interactive
docs from the swagger-ui files django-ninja ships, so no CDN is needed.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any, Generic, TypeVar, cast
from urllib.parse import urlencode

import ninja
from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import Q, QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.urls import URLPattern, URLResolver, re_path
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Schema
from ninja.errors import HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.openapi.docs import DocsBase
from pydantic import AfterValidator, ConfigDict, Field

from rapport.core.errors import PreconditionFailed, RapportError, ValidationFailed
from rapport.core.models import IdempotencyRecord
from rapport.core.selectors import count_up_to

logger = logging.getLogger(__name__)

PROBLEM_TYPE = "application/problem+json"
# A record id as the databases store it; larger numbers are refused up front.
Id = Annotated[int, Field(ge=1, le=2**63 - 1)]


def _moment(value: datetime) -> datetime:
    """An aware datetime in UTC, within the years every supported database stores."""
    try:
        if timezone.is_naive(value):
            value = timezone.make_aware(value)
        value = value.astimezone(UTC)
    except (OverflowError, ValueError):
        raise ValueError(_("Give a date between the years 1000 and 9999.")) from None
    return _in_range(value)


def _in_range(value: Any) -> Any:
    if not 1000 <= value.year <= 9999:
        raise ValueError(_("Give a date between the years 1000 and 9999."))
    return value


# Input dates and times: offsets are normalised to UTC (PostgreSQL refuses odd
# ones) and years kept to what MariaDB can store.
Moment = Annotated[datetime, AfterValidator(_moment)]
Day = Annotated[date, AfterValidator(_in_range)]
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# The headers of an answer that a replay must repeat besides the body.
_REPLAYED_HEADERS = ("ETag", "Location", "Link")
# Parameter names that hold a request body; they are dropped from field paths.
BODY_PARAMS = frozenset({"payload"})


class InputSchema(Schema):
    """A request body: a field the API does not know is refused, never ignored."""

    model_config = ConfigDict(extra="forbid")


# --- Problem documents ---------------------------------------------------------------


class UserRefOut(Schema):
    """A person, by id and the name shown to others (any app's records name people)."""

    id: int
    username: str
    name: str

    @staticmethod
    def resolve_name(obj: Any) -> str:
        return str(obj)


class FieldErrorOut(Schema):
    """One invalid field and what is wrong with it."""

    field: str
    message: str


class ProblemOut(Schema):
    """An error answer (RFC 9457) with a stable machine-readable code."""

    type: str
    title: str
    status: int
    detail: str
    instance: str
    code: str
    errors: list[FieldErrorOut] | None = None


def problem(
    request: HttpRequest,
    status: int,
    code: str,
    title: str,
    detail: str | None = None,
    **extra: Any,
) -> HttpResponse:
    """An `application/problem+json` answer."""
    body = {
        "type": f"urn:rapport:problem:{code}",
        "title": str(title),
        "status": status,
        "detail": str(detail or title),
        "instance": request.get_full_path(),
        "code": code,
        **extra,
    }
    return HttpResponse(
        json.dumps(body, ensure_ascii=False),
        status=status,
        content_type=f"{PROBLEM_TYPE}; charset=utf-8",
    )


# The error answers every operation may give, for the OpenAPI document.
COMMON_ERRORS: dict[int, type[Schema]] = {
    401: ProblemOut,
    403: ProblemOut,
    404: ProblemOut,
    422: ProblemOut,
}
WRITE_ERRORS: dict[int, type[Schema]] = {
    **COMMON_ERRORS,
    409: ProblemOut,
    412: ProblemOut,
}


def _field_path(loc: Sequence[Any]) -> str:
    parts = [str(p) for p in loc[1:] if str(p) not in BODY_PARAMS]
    return ".".join(parts) or str(loc[0] if loc else "__all__")


def _on_rapport_error(request: HttpRequest, exc: RapportError) -> HttpResponse:
    return problem(
        request, exc.status, exc.code, str(exc.title), exc.detail, **exc.extra()
    )


def _on_request_invalid(
    request: HttpRequest, exc: NinjaValidationError
) -> HttpResponse:
    errors = [
        {
            "field": _field_path(error.get("loc", ())),
            "message": str(error.get("msg", "")),
        }
        for error in exc.errors
    ]
    return problem(
        request,
        422,
        ValidationFailed.code,
        str(ValidationFailed.title),
        _("The request does not match the expected form."),
        errors=errors,
    )


_HTTP_CODES = {
    400: "bad_request",
    401: "not_authenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    429: "throttled",
}


def _on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    status = exc.status_code
    code = _HTTP_CODES.get(status, "http_error")
    if status == 401:
        title = _("Sign in or send an API token: Authorization: Bearer rpt_…")
        return problem(request, 401, code, title)
    if status == 403 and "CSRF" in str(exc):
        title = _("The CSRF check failed; send the X-CSRFToken header.")
        return problem(request, 403, "csrf_failed", title)
    return problem(request, status, code, str(exc.message), str(exc.message))


def _on_not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
    return problem(request, 404, "not_found", _("Not found."))


def _on_unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
    logger.exception("API request failed", extra={"path": request.path})
    return problem(
        request,
        500,
        "server_error",
        _("Something went wrong on our side."),
        _("The error was logged; try again later."),
    )


# --- Versions: ETag and If-Match -----------------------------------------------------


def expected_version(request: HttpRequest, obj: models.Model) -> int | None:
    """The version named by If-Match, or None when the header is absent or `*`.

    If-Match is optional; when it is sent it must name the current version of
    this very record (`"<pk>-<version>"`), else the write is refused with 412.
    """
    header = request.headers.get("If-Match", "").strip()
    if not header or header == "*":
        return None
    for tag in (t.strip() for t in header.split(",")):
        tag = tag.removeprefix("W/").strip('"')
        pk, _sep, version = tag.rpartition("-")
        if pk == str(obj.pk) and version.isdigit():
            return int(version)
    raise PreconditionFailed()


def caller(request: HttpRequest) -> Any:
    """The authenticated user of an API request."""
    return request.auth  # type: ignore[attr-defined]


def with_etag(response: HttpResponse, obj: models.Model) -> None:
    """Put the record's version on a single-object answer."""
    response["ETag"] = obj.etag  # type: ignore[attr-defined]


# --- Cursor pagination ---------------------------------------------------------------

T = TypeVar("T")


class Page(Schema, Generic[T]):
    """One page of a list; follow `next` (or the Link header) for the next page."""

    items: list[T]
    next: str | None = Field(None, description="Cursor of the next page, if any.")
    count: str | None = Field(
        None, description='With count=true: the number of matches, capped ("10000+").'
    )


def sorted_by(*fields: str, default: str = "-id") -> Any:
    """The `sort` parameter of a list: one of `fields`, prefixed with - to reverse."""
    options = [option for name in fields for option in (name, f"-{name}")]
    return Field(
        default,
        description="Sort order; - reverses it. Ties are broken by id.",
        json_schema_extra={"enum": cast(list[Any], options)},
    )


def omitted(**constraints: Any) -> Any:
    """A field the caller may leave out: then nothing is changed or filtered on."""
    return Field(None, **constraints)


class ListQuery(Schema):
    """Sort and paging parameters every list takes; subclasses set their sorts."""

    sort: str = sorted_by("id")
    limit: int | None = Field(
        None, ge=1, description="Page size; larger values are cut to the maximum."
    )
    cursor: str | None = Field(None, description="The `next` cursor of the last page.")
    count: bool = Field(False, description="Also count the matches, capped at 10000.")

    @classmethod
    def sort_fields(cls) -> list[str]:
        extra = cast(dict[str, list[str]], cls.model_fields["sort"].json_schema_extra)
        return [option for option in extra["enum"] if not option.startswith("-")]


@dataclass(frozen=True)
class Sort:
    """A whitelisted sort: the field and its direction, always tie-broken on id."""

    field: str
    descending: bool

    @classmethod
    def parse(cls, value: str, allowed: Sequence[str]) -> Sort:
        name = value.removeprefix("-")
        if name not in allowed:
            raise ValidationFailed.single(
                "sort",
                _("Sort by one of: %(fields)s.") % {"fields": ", ".join(allowed)},
            )
        return cls(name, value.startswith("-"))

    @property
    def key(self) -> str:
        return f"-{self.field}" if self.descending else self.field

    def order_by(self) -> tuple[str, str]:
        sign = "-" if self.descending else ""
        return f"{sign}{self.field}", f"{sign}id"

    def after(self, value: Any, pk: int) -> Q:
        """Rows that come after (value, pk) in this order."""
        beyond = "lt" if self.descending else "gt"
        if self.field == "id":
            return Q(**{f"id__{beyond}": pk})
        return Q(**{f"{self.field}__{beyond}": value}) | Q(
            **{self.field: value, f"id__{beyond}": pk}
        )


def _plain_value(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def encode_cursor(sort: Sort, obj: models.Model) -> str:
    """An opaque cursor: the sort and the last row's sort value and id."""
    value = _plain_value(getattr(obj, sort.field))
    raw = json.dumps({"s": sort.key, "v": value, "id": obj.pk}, separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(
    cursor: str, sort: Sort, model: type[models.Model]
) -> tuple[Any, int]:
    """The (value, id) behind a cursor; 422 if malformed or made for another sort."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        data = json.loads(base64.urlsafe_b64decode(padded.encode()))
        if data["s"] != sort.key or not isinstance(data["id"], int):
            raise ValueError("cursor is for another sort")
        if not 0 < data["id"] < 2**63:
            raise ValueError("cursor id out of range")
        # A hand-made cursor must still hold a value of the sort field's type.
        field = cast(models.Field, model._meta.get_field(sort.field))
        value = field.to_python(data["v"])
        if value is None:
            raise ValueError("cursor without a value")
        return value, data["id"]
    except (ValueError, KeyError, TypeError, binascii.Error, DjangoValidationError):
        raise ValidationFailed.single(
            "cursor", _("This cursor is invalid or belongs to another sort order.")
        ) from None


def paginate(
    request: HttpRequest,
    response: HttpResponse,
    queryset: QuerySet[Any],
    query: ListQuery,
) -> dict[str, Any]:
    """One page of `queryset` in a stable order, with the next cursor and Link header.

    The order always ends with the id, so rows with equal sort values keep a
    fixed place and no row is skipped or repeated between pages. No exact
    COUNT(*) is ever run: `count=true` counts at most API_COUNT_CAP + 1 rows.
    """
    order = Sort.parse(query.sort, query.sort_fields())
    size = min(query.limit or settings.API_PAGE_SIZE, settings.API_MAX_PAGE_SIZE)
    rows = queryset.order_by(*order.order_by())
    matching = rows
    if query.cursor:
        value, pk = decode_cursor(query.cursor, order, queryset.model)
        rows = rows.filter(order.after(value, pk))

    items = list(rows[: size + 1])
    next_cursor = encode_cursor(order, items[size - 1]) if len(items) > size else None
    items = items[:size]

    if next_cursor:
        params = request.GET.copy()
        params["cursor"] = next_cursor
        params["limit"] = str(size)
        url = request.build_absolute_uri(
            f"{request.path}?{urlencode(params, doseq=True)}"
        )
        response["Link"] = f'<{url}>; rel="next"'
    return {
        "items": items,
        "next": next_cursor,
        "count": capped_count(matching) if query.count else None,
    }


API_COUNT_CAP = 10_000


def capped_count(queryset: QuerySet[Any]) -> str:
    """The number of rows as text, counting no further than API_COUNT_CAP."""
    found = count_up_to(queryset, API_COUNT_CAP)
    return f"{API_COUNT_CAP}+" if found > API_COUNT_CAP else str(found)


# --- Transactions and idempotency -----------------------------------------------------


def _body_hash(request: HttpRequest) -> str:
    digest = hashlib.sha256()
    for part in (request.method or "", request.path, request.body):
        digest.update(part if isinstance(part, bytes) else part.encode())
        digest.update(b"\0")
    return digest.hexdigest()


def _replay(
    request: HttpRequest, record: IdempotencyRecord, body_hash: str
) -> HttpResponse:
    if record.body_hash != body_hash:
        return problem(
            request,
            422,
            "idempotency_key_reused",
            _("This Idempotency-Key was already used for a different request."),
        )
    response = HttpResponse(
        bytes(record.response), status=record.status, content_type=record.content_type
    )
    for name, value in record.headers.items():
        response[name] = value
    response["Idempotent-Replayed"] = "true"
    return response


def _stored(user_id: int, key: str) -> IdempotencyRecord | None:
    oldest = timezone.now() - timedelta(seconds=settings.IDEMPOTENCY_TTL_SECONDS)
    return IdempotencyRecord.objects.filter(
        user_id=user_id, key=key, created_at__gte=oldest
    ).first()


def guard_writes(
    run: Callable[..., HttpResponseBase],
) -> Callable[..., HttpResponseBase]:
    """Wrap an operation: unsafe requests run in one transaction, POSTs are idempotent.

    An answer with an error status rolls the transaction back, so a failing
    request leaves no rows and no outbox events behind. A POST that carries an
    Idempotency-Key stores its successful answer in the same transaction as the
    change; the same key with the same body replays it, with another body it is
    refused with 422.
    """
    operation = getattr(run, "__self__", None)

    def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.method in SAFE_METHODS:
            return run(request, *args, **kwargs)
        key = request.headers.get("Idempotency-Key", "").strip()
        if request.method != "POST" or not key or operation is None:
            return _atomic_run(run, request, args, kwargs)
        if len(key) > 200:
            return problem(
                request,
                422,
                "validation_failed",
                _("Some fields are invalid."),
                errors=[
                    {
                        "field": "Idempotency-Key",
                        "message": _("Use at most 200 characters."),
                    }
                ],
            )

        # Authenticate first: keys belong to one user.
        refused = operation._run_checks(request)
        if refused is not None:
            return refused
        user_id = request.auth.pk  # type: ignore[attr-defined]
        body_hash = _body_hash(request)
        record = _stored(user_id, key)
        if record is not None:
            return _replay(request, record, body_hash)
        try:
            return _atomic_run(run, request, args, kwargs, (user_id, key, body_hash))
        except IntegrityError:
            # A concurrent request with the same key committed first.
            record = _stored(user_id, key)
            if record is None:
                raise
            return _replay(request, record, body_hash)

    return guarded


def _atomic_run(
    run: Callable[..., HttpResponseBase],
    request: HttpRequest,
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
    idempotency: tuple[int, str, str] | None = None,
) -> HttpResponseBase:
    with transaction.atomic():
        response = run(request, *args, **kwargs)
        if response.status_code >= 400:
            transaction.set_rollback(True)
        elif idempotency is not None and isinstance(response, HttpResponse):
            user_id, key, body_hash = idempotency
            oldest = timezone.now() - timedelta(
                seconds=settings.IDEMPOTENCY_TTL_SECONDS
            )
            IdempotencyRecord.objects.filter(
                user_id=user_id, key=key, created_at__lt=oldest
            ).delete()
            IdempotencyRecord.objects.create(
                user_id=user_id,
                key=key,
                method=request.method or "POST",
                path=request.path[:300],
                body_hash=body_hash,
                status=response.status_code,
                response=response.content,
                content_type=response.get("Content-Type", "application/json"),
                headers={h: response[h] for h in _REPLAYED_HEADERS if h in response},
            )
    return response


# --- Docs without a CDN ---------------------------------------------------------------

_ASSETS_DIR = Path(ninja.__file__).parent / "static" / "ninja"
_ASSETS = {
    "swagger-ui.css": "text/css",
    "swagger-ui-bundle.js": "text/javascript",
    "swagger-ui-init.js": "text/javascript",
    "favicon.svg": "image/svg+xml",
}


class LocalSwagger(DocsBase):
    """Swagger UI from the files django-ninja ships, served by the API itself."""

    def render_page(
        self, request: HttpRequest, api: NinjaAPI, **kwargs: Any
    ) -> HttpResponse:
        assets = request.path.rstrip("/") + "/assets/"
        config = json.dumps(
            {
                "url": self.get_openapi_url(api, kwargs),
                "layout": "BaseLayout",
                "deepLinking": True,
            }
        ).replace("</", "<\\/")
        csrf = ""
        if request.user.is_authenticated:
            from django.middleware.csrf import get_token

            csrf = escape(get_token(request))
        html = f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{escape(api.title)}</title>
<link rel="stylesheet" href="{assets}swagger-ui.css">
<link rel="icon" href="{assets}favicon.svg" type="image/svg+xml">
</head>
<body data-csrf-token="{csrf}" data-api-csrf="{"true" if csrf else ""}">
<script type="application/json" id="swagger-settings">{config}</script>
<div id="swagger-ui"></div>
<script src="{assets}swagger-ui-bundle.js"></script>
<script src="{assets}swagger-ui-init.js"></script>
</body>
</html>"""
        return HttpResponse(html)


def docs_asset(request: HttpRequest, name: str) -> FileResponse:
    """One swagger-ui file from the django-ninja package."""
    if name not in _ASSETS:
        raise Http404(name)
    response = FileResponse((_ASSETS_DIR / name).open("rb"), content_type=_ASSETS[name])
    response["Cache-Control"] = "public, max-age=86400"
    return response


# --- The API -------------------------------------------------------------------------


def _problem_for_bare_errors(
    view: Callable[..., HttpResponseBase],
) -> Callable[..., Any]:
    """Turn ninja's plain-text 405 answer into a problem document."""

    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        response = view(request, *args, **kwargs)
        if response.status_code == 405 and PROBLEM_TYPE not in response.get(
            "Content-Type", ""
        ):
            allowed = ", ".join(sorted(m.strip() for m in response["Allow"].split(",")))
            response = problem(
                request,
                405,
                "method_not_allowed",
                _("This method is not allowed here."),
                _("Allowed: %(methods)s.") % {"methods": allowed},
            )
            response["Allow"] = allowed
        return response

    for attr in ("csrf_exempt",):
        if hasattr(view, attr):
            setattr(wrapped, attr, getattr(view, attr))
    return wrapped


def unknown_route(request: HttpRequest, rest: str = "") -> HttpResponse:
    """Any path under the API that no operation serves."""
    return problem(request, 404, "no_such_route", _("There is no such API endpoint."))


unknown_route.csrf_exempt = True  # type: ignore[attr-defined]


class RapportAPI(NinjaAPI):
    """NinjaAPI with problem+json errors, guarded writes and local docs."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("docs", LocalSwagger())
        super().__init__(**kwargs)
        self.add_exception_handler(RapportError, _on_rapport_error)  # type: ignore[arg-type]
        self.add_exception_handler(NinjaValidationError, _on_request_invalid)  # type: ignore[arg-type]
        self.add_exception_handler(HttpError, _on_http_error)  # type: ignore[arg-type]
        self.add_exception_handler(Http404, _on_not_found)  # type: ignore[arg-type]
        self.add_exception_handler(Exception, _on_unexpected)  # type: ignore[arg-type]
        self.add_decorator(guard_writes, mode="view")

    def get_openapi_schema(self, **kwargs: Any) -> Any:
        """The OpenAPI document: docstrings as summaries, errors as problems."""
        schema = super().get_openapi_schema(**kwargs)
        for item in schema["paths"].values():
            for operation in item.values():
                # The endpoint's one-line docstring says more than its name.
                if operation.get("description"):
                    operation["summary"] = operation["description"].strip()
                for status, answer in operation.get("responses", {}).items():
                    content = answer.get("content", {})
                    if int(status) >= 400 and "application/json" in content:
                        answer["content"] = {PROBLEM_TYPE: content["application/json"]}
        return schema

    def _get_urls(self) -> list[URLResolver | URLPattern]:
        urls = super()._get_urls()
        for pattern in urls:
            if isinstance(pattern, URLPattern):
                pattern.callback = _problem_for_bare_errors(pattern.callback)
        docs = (self.docs_url or "/docs").strip("/")
        urls.append(
            re_path(
                rf"^{docs}/assets/(?P<name>[\w.-]+)$", docs_asset, name="docs-asset"
            )
        )
        urls.append(re_path(r"^(?P<rest>.*)$", unknown_route, name="unknown-route"))
        return urls
