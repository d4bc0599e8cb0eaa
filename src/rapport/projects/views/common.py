"""What every project page shares: the sign-in wrapper, scoped lookups, messages."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING, Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.http.response import HttpResponseBase
from django.utils.translation import gettext_lazy

from rapport.core import permissions
from rapport.core.errors import Forbidden, NotFound, ValidationFailed

if TYPE_CHECKING:
    from rapport.accounts.models import User

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


def is_fragment(request: SignedInRequest) -> bool:
    return bool(request.htmx) and not request.htmx.boosted


def may(user: Any, action: str, kind: str = "projects.project") -> bool:
    return permissions.may(user, action, kind)


def version_of(request: SignedInRequest) -> int | None:
    try:
        return int(request.POST["version"])
    except (KeyError, ValueError):
        return None


def error_text(exc: ValidationFailed) -> str:
    """Every message of a refused write, in one line."""
    return " ".join(m for messages in exc.errors.values() for m in messages) or str(
        exc.detail
    )


def visible_projects(user: Any) -> Any:
    """The projects inside the user's data scope (none if the role may not view)."""
    from rapport.projects import selectors

    return selectors.projects(user)


def get_project(user: Any, pk: int) -> Any:
    """One visible project with what its pages always show, or NotFound."""
    from rapport.projects import selectors

    return selectors.project(user, pk)


def may_change(user: Any, record: Any) -> bool:
    """Whether the user may change this record (role and scope)."""
    try:
        permissions.check(user, permissions.CHANGE, record)
    except (NotFound, Forbidden):
        return False
    return True
