"""Shared reads: capped counts and the unread notification count."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from rapport.core.models import Notification

# The badge shows "99+" beyond this.
UNREAD_BADGE_CAP = 99


def count_up_to(queryset: QuerySet[Any], cap: int) -> int:
    """How many rows, counting no further than `cap + 1`.

    A result above `cap` means "more than cap" (shown as "1,000+"); no exact
    COUNT(*) ever runs over a large table.
    """
    return len(queryset.order_by().values_list("pk", flat=True)[: cap + 1])


def unread_count(user: Any) -> int:
    """The user's unread notifications, counted up to just past the badge's cap."""
    unread = Notification.objects.filter(recipient=user, read_at__isnull=True)
    return count_up_to(unread, UNREAD_BADGE_CAP)
