"""Template context every page needs: the unread notification count."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from rapport.core.selectors import unread_count


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    # Called lazily: pages that never show the badge pay nothing for it.
    return {"unread_notifications": lambda: unread_count(user)}
