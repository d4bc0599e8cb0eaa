"""One search service over every searchable record, aware of Chinese and of data scopes.

Apps register what is searchable with `register`; their services call
`index_record` after each write. `search` returns hits the user may see.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.db.models import Q

from rapport.core.models import SearchDocument


@dataclass(frozen=True)
class Searchable:
    kind: str
    title: Callable[[Any], str]
    text: Callable[[Any], str]
    url: Callable[[int], str]
    label: Any


_registry: dict[str, Searchable] = {}


def register(
    model: type[models.Model],
    *,
    title: Callable[[Any], str],
    text: Callable[[Any], str],
    url: Callable[[int], str],
    label: Any,
) -> None:
    """Make a model searchable: how to title it, what text to index, where it lives."""
    kind = model._meta.label_lower
    _registry[kind] = Searchable(kind, title, text, url, label)


def registered() -> dict[str, Searchable]:
    return dict(_registry)


def index_record(instance: models.Model) -> None:
    """Write or refresh the search document of one record."""
    entry = _registry.get(instance._meta.label_lower)
    if entry is None:
        return
    SearchDocument.objects.update_or_create(
        kind=entry.kind,
        object_id=instance.pk,
        defaults={
            "owner_id": getattr(instance, "owner_id", None),
            "team_id": getattr(instance, "team_id", None),
            "title": entry.title(instance)[:300],
            "text": entry.text(instance),
        },
    )


def unindex_record(instance: models.Model) -> None:
    SearchDocument.objects.filter(
        kind=instance._meta.label_lower, object_id=instance.pk
    ).delete()


@dataclass(frozen=True)
class Hit:
    kind: str
    object_id: int
    title: str
    snippet: str
    url: str
    label: Any


def search(user: Any, query: str, kinds: list[str] | None = None, limit: int = 20) -> list[Hit]:
    """Records matching `query` that the user may see, best first."""
    from rapport.core.permissions import VIEW, may, scope_filter

    query = " ".join(query.split())
    if not query:
        return []
    allowed = [k for k in (kinds or list(_registry)) if k in _registry and may(user, VIEW, k)]
    if not allowed:
        return []
    docs = SearchDocument.objects.filter(kind__in=allowed).filter(
        scope_filter(user, owner_field="owner", team_field="team")
    )
    for term in query.split():
        docs = docs.filter(Q(title__icontains=term) | Q(text__icontains=term))
    hits = []
    for doc in docs.order_by("-updated_at")[:limit]:
        entry = _registry[doc.kind]
        hits.append(Hit(doc.kind, doc.object_id, doc.title, doc.text[:160],
                        entry.url(doc.object_id), str(entry.label)))
    return hits
