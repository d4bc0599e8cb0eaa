"""Template context every page needs: the unread notification count."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from rapport.core.models import Notification


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    def unread() -> int:
        # Capped: the badge shows "99+" rather than counting a long backlog.
        return len(
            Notification.objects.filter(
                recipient=user, read_at__isnull=True
            ).values_list("id", flat=True)[:100]
        )

    return {"unread_notifications": unread}
