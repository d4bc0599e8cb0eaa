"""One search service over every searchable record, aware of Chinese and of data scopes.

Apps register what is searchable with `register`; their services call
`index_record` after each write. `search` returns hits the user may see.

Every term of a query must occur in a document (terms are ANDed), as a
case-insensitive substring. How a term is found depends on the database
(docs/adr/0002-search-backends.md):

- terms of one or two characters are looked up by gram (trigram indexes cannot
  find them): a Chinese term matches anywhere, a Latin or digit term matches the
  start of a word. SQLite keeps each document's grams as one row of an FTS5
  table (compact); PostgreSQL and MariaDB keep one `SearchGram` row per gram;
- longer terms use SQLite FTS5 with the trigram tokenizer, PostgreSQL ILIKE served
  by a pg_trgm GIN index, or on MariaDB/MySQL a LIKE scan narrowed by the Chinese
  pairs of the term found in the gram table.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, models, transaction
from django.db.models import (
    Case,
    F,
    IntegerField,
    Lookup,
    Q,
    Value,
    When,
)
from django.db.models.expressions import RawSQL
from django.utils import timezone

from rapport.core.models import SearchDocument, SearchGram

logger = logging.getLogger(__name__)

MAX_TERMS = 8
SNIPPET_CHARS = 160
BATCH = 500

# Scripts written without spaces between words: every character may start a word.
_UNSPACED = (
    "\u3040-\u30ff"  # hiragana, katakana
    "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"  # CJK ideographs
    "\uac00-\ud7af"  # hangul syllables
    "\U00020000-\U0002fa1f"  # CJK extensions
)
_UNSPACED_RUN = re.compile(f"[{_UNSPACED}]+")
_WORD = re.compile(f"[^\\W_{_UNSPACED}]+")
_ONLY_UNSPACED = re.compile(f"^[{_UNSPACED}]+$")
_ONLY_WORD = re.compile(f"^[^\\W_{_UNSPACED}]+$")


@dataclass(frozen=True)
class Searchable:
    """How one kind of record becomes a search document."""

    kind: str
    title: Callable[[Any], str]
    text: Callable[[Any], str]
    url: Callable[[int], str]
    label: Any
    scoped: bool = True
    model: type[models.Model] | None = None
    select_related: Sequence[str] = field(default_factory=tuple)
    prefetch_related: Sequence[str] = field(default_factory=tuple)


_registry: dict[str, Searchable] = {}


def register(
    model: type[models.Model],
    *,
    title: Callable[[Any], str],
    text: Callable[[Any], str],
    url: Callable[[int], str],
    label: Any,
    select_related: Sequence[str] = (),
    prefetch_related: Sequence[str] = (),
) -> None:
    """Make a model searchable: how to title it, what text to index, where it lives.

    `select_related`/`prefetch_related` name what `title` and `text` read of
    related records, so bulk indexing loads them without a query per record.
    """
    kind = model._meta.label_lower
    _registry[kind] = Searchable(
        kind,
        title,
        text,
        url,
        label,
        scoped=bool(getattr(model, "scoped", False)),
        model=model,
        select_related=tuple(select_related),
        prefetch_related=tuple(prefetch_related),
    )


def registered() -> dict[str, Searchable]:
    return dict(_registry)


# --- Text -------------------------------------------------------------------------


def normalise(text: str) -> str:
    """Full-width forms folded to ASCII (ＥＲＰ -> ERP) and whitespace collapsed."""
    return " ".join(unicodedata.normalize("NFKC", text).split())


def grams_of(text: str) -> set[str]:
    """The grams short terms are looked up by: see `SearchGram`."""
    lowered = text.lower()
    grams: set[str] = set()
    for run in _UNSPACED_RUN.findall(lowered):
        grams.update(run)
        grams.update(run[i : i + 2] for i in range(len(run) - 1))
    for word in _WORD.findall(lowered):
        grams.add(word[:1])
        grams.add(word[:2])
    return grams


def _document_text(title: str, text: str) -> str:
    title, text = normalise(title), normalise(text)
    if title.lower() in text.lower():
        return text
    return f"{title} {text}".strip()


# --- Indexing ---------------------------------------------------------------------


@dataclass
class _Row:
    kind: str
    object_id: int
    owner_id: int | None
    team_id: int | None
    title: str
    text: str
    updated_at: Any


def _row(entry: Searchable, instance: models.Model) -> _Row:
    title = normalise(entry.title(instance))[:300]
    return _Row(
        kind=entry.kind,
        object_id=int(instance.pk),
        owner_id=getattr(instance, "owner_id", None),
        team_id=getattr(instance, "team_id", None),
        title=title,
        text=_document_text(title, entry.text(instance)),
        updated_at=getattr(instance, "updated_at", None) or timezone.now(),
    )


def _same(doc: dict[str, Any], row: _Row) -> bool:
    return (
        doc["title"] == row.title
        and doc["text"] == row.text
        and doc["owner_id"] == row.owner_id
        and doc["team_id"] == row.team_id
    )


def index_record(instance: models.Model) -> None:
    """Write or refresh the search document of one record (cheap when unchanged)."""
    index_records([instance])


@transaction.atomic
def index_records(instances: Iterable[models.Model]) -> int:
    """Write or refresh the search documents of many records; return how many changed.

    Records of kinds nobody registered are skipped. The caller loads related
    records the registered `text` reads (`Searchable.select_related` ...).
    """
    rows: dict[tuple[str, int], _Row] = {}
    for instance in instances:
        entry = _registry.get(instance._meta.label_lower)
        if entry is not None and instance.pk is not None:
            row = _row(entry, instance)
            rows[(row.kind, row.object_id)] = row
    if not rows:
        return 0

    existing: dict[tuple[str, int], dict[str, Any]] = {}
    by_kind: dict[str, list[int]] = {}
    for kind, object_id in rows:
        by_kind.setdefault(kind, []).append(object_id)
    for kind, ids in by_kind.items():
        for values in SearchDocument.objects.filter(
            kind=kind, object_id__in=ids
        ).values("id", "kind", "object_id", "title", "text", "owner_id", "team_id"):
            existing[(values["kind"], values["object_id"])] = dict(values)

    changed: list[SearchDocument] = []
    created: list[SearchDocument] = []
    for key, row in rows.items():
        doc = existing.get(key)
        if doc is not None and _same(doc, row):
            continue
        target = changed if doc is not None else created
        target.append(SearchDocument(id=doc["id"] if doc else None, **row.__dict__))
    if changed:
        SearchDocument.objects.bulk_update(
            changed, ["owner_id", "team_id", "title", "text", "updated_at"]
        )
    if created:
        SearchDocument.objects.bulk_create(created)
        if any(doc.pk is None for doc in created):  # MariaDB returns no primary keys
            _fill_ids(created)
    if changed or created:
        _write_grams(changed, created)
    return len(changed) + len(created)


def _fill_ids(documents: list[SearchDocument]) -> None:
    wanted: dict[str, list[int]] = {}
    for doc in documents:
        wanted.setdefault(doc.kind, []).append(doc.object_id)
    ids = {}
    for kind, object_ids in wanted.items():
        for pk, object_id in SearchDocument.objects.filter(
            kind=kind, object_id__in=object_ids
        ).values_list("id", "object_id"):
            ids[(kind, object_id)] = pk
    for doc in documents:
        doc.pk = ids[(doc.kind, doc.object_id)]


def _write_grams(changed: list[SearchDocument], created: list[SearchDocument]) -> None:
    """Bring the grams of these documents in line with their text."""
    if connection.vendor == "sqlite":
        _write_gram_fts(changed, created)
        return
    add: list[tuple[int, str]] = []
    if changed:
        old: dict[int, set[str]] = {doc.pk: set() for doc in changed}
        for document_id, gram in SearchGram.objects.filter(
            document_id__in=list(old)
        ).values_list("document_id", "gram"):
            old[document_id].add(gram)
        for doc in changed:
            new = grams_of(doc.text)
            gone = old[doc.pk] - new
            if gone:
                SearchGram.objects.filter(document_id=doc.pk, gram__in=gone).delete()
            add.extend((doc.pk, g) for g in new - old[doc.pk])
    for doc in created:
        add.extend((doc.pk, g) for g in grams_of(doc.text))
    if add:
        _insert_grams(add)


# A case- or accent-insensitive collation (MariaDB) may see two grams as one, so
# duplicates are skipped rather than refused.
_INSERT_GRAM = {
    "sqlite": "INSERT OR IGNORE INTO {t} (document_id, gram) VALUES (%s, %s)",
    "postgresql": "INSERT INTO {t} (document_id, gram) VALUES (%s, %s)"
    " ON CONFLICT DO NOTHING",
    "mysql": "INSERT IGNORE INTO {t} (document_id, gram) VALUES (%s, %s)",
}


def _insert_grams(rows: list[tuple[int, str]]) -> None:
    """Insert gram rows in bulk; plain SQL, as model instances cost 30x more here."""
    template = _INSERT_GRAM.get(connection.vendor)
    if template is None:
        SearchGram.objects.bulk_create(
            [SearchGram(document_id=d, gram=g) for d, g in rows],
            batch_size=2000,
            ignore_conflicts=True,
        )
        return
    table = connection.ops.quote_name(SearchGram._meta.db_table)
    rows.sort(key=lambda row: (row[1], row[0]))  # in index order: far fewer page splits
    if connection.vendor == "postgresql":
        # Two arrays per statement instead of one statement per row: the demo's
        # 1.6 million grams go in ten times faster.
        with connection.cursor() as cursor:
            for start in range(0, len(rows), 50_000):
                chunk = rows[start : start + 50_000]
                cursor.execute(
                    f"INSERT INTO {table} (document_id, gram)"  # noqa: S608
                    " SELECT * FROM unnest(%s::bigint[], %s::text[])"
                    " ON CONFLICT DO NOTHING",
                    [[d for d, _g in chunk], [g for _d, g in chunk]],
                )
        return
    sql = template.format(t=table)
    with connection.cursor() as cursor:
        for start in range(0, len(rows), 5000):
            cursor.executemany(sql, rows[start : start + 5000])


def _write_gram_fts(
    changed: list[SearchDocument], created: list[SearchDocument]
) -> None:
    """SQLite: one FTS5 row of space-separated grams per document."""
    docs = changed + created
    with connection.cursor() as cursor:
        if changed:
            _delete_gram_fts(cursor, [doc.pk for doc in changed])
        cursor.executemany(
            "INSERT INTO core_search_gram_fts (rowid, grams) VALUES (%s, %s)",
            [(doc.pk, " ".join(sorted(grams_of(doc.text)))) for doc in docs],
        )


def _delete_gram_fts(cursor: Any, ids: list[int]) -> None:
    if ids:
        cursor.executemany(
            "DELETE FROM core_search_gram_fts WHERE rowid = %s", [(pk,) for pk in ids]
        )


def unindex_record(instance: models.Model) -> None:
    """Remove the search document of a deleted record."""
    docs = SearchDocument.objects.filter(
        kind=instance._meta.label_lower, object_id=instance.pk
    )
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            _delete_gram_fts(cursor, list(docs.values_list("id", flat=True)))
    else:
        SearchGram.objects.filter(document__in=docs.values("id")).delete()
    docs.delete()


def reindex_all(kinds: Iterable[str] | None = None) -> dict[str, int]:
    """Rebuild the search documents of every registered kind (or of `kinds`)."""
    counts: dict[str, int] = {}
    if connection.vendor == "sqlite":
        _repair_sqlite_fts()
    for kind in list(_registry) if kinds is None else list(kinds):
        entry = _registry[kind]
        assert entry.model is not None
        with transaction.atomic():
            docs = SearchDocument.objects.filter(kind=kind)
            if connection.vendor == "sqlite":
                with connection.cursor() as cursor:
                    _delete_gram_fts(cursor, list(docs.values_list("id", flat=True)))
            else:
                SearchGram.objects.filter(document__kind=kind).delete()
            docs.delete()
        queryset = entry.model._default_manager.order_by("pk")
        if entry.select_related:
            queryset = queryset.select_related(*entry.select_related)
        if entry.prefetch_related:
            queryset = queryset.prefetch_related(*entry.prefetch_related)
        count = 0
        last = None
        while True:
            page = queryset if last is None else queryset.filter(pk__gt=last)
            batch = list(page[:BATCH])
            if not batch:
                break
            index_records(batch)
            count += len(batch)
            last = batch[-1].pk
        counts[kind] = count
        logger.info("reindexed %s: %d documents", kind, count)
    _analyze()
    return counts


_ANALYZE = {
    "sqlite": ["ANALYZE core_searchdocument"],
    "postgresql": ["ANALYZE core_searchdocument", "ANALYZE core_searchgram"],
    "mysql": ["ANALYZE TABLE core_searchdocument, core_searchgram"],
}


def _analyze() -> None:
    """Refresh planner statistics: after a bulk rebuild they describe empty tables."""
    if connection.in_atomic_block:
        return  # MySQL's ANALYZE TABLE would commit the caller's transaction
    with connection.cursor() as cursor:
        for sql in _ANALYZE.get(connection.vendor, []):
            cursor.execute(sql)
            if cursor.description:  # MySQL answers ANALYZE TABLE with rows
                cursor.fetchall()


def _repair_sqlite_fts() -> None:
    """Restore the FTS table and triggers if a table rebuild dropped them."""
    from importlib import import_module

    statements = [
        *import_module("rapport.core.migrations.0003_search_backends").SQLITE_CREATE,
        *import_module("rapport.core.migrations.0004_search_gram_fts").SQLITE_CREATE,
    ]
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


# --- Searching ----------------------------------------------------------------------


@dataclass(frozen=True)
class Hit:
    kind: str
    object_id: int
    title: str
    snippet: str
    url: str
    label: Any


class _ILike(Lookup):
    """PostgreSQL ILIKE, which (unlike UPPER(x) LIKE) the trigram index serves."""

    lookup_name = "ilike"

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, Any]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} ILIKE {rhs}", (*lhs_params, *rhs_params)


def _like_pattern(term: str) -> str:
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def fts_phrase(term: str) -> str:
    """`term` as an FTS5 string: nothing in it is read as query syntax."""
    return '"' + term.replace('"', '""') + '"'


def split_terms(query: str) -> list[str]:
    """The distinct terms of a query, normalised, at most MAX_TERMS of them."""
    terms: list[str] = []
    for term in normalise(query).lower().split(" "):
        if term and term not in terms:
            terms.append(term)
    return terms[:MAX_TERMS]


def _gram_match(gram: str) -> Q:
    # IN (not a correlated EXISTS) lets the database start from the gram index.
    if connection.vendor == "sqlite":
        return Q(
            pk__in=RawSQL(
                "SELECT rowid FROM core_search_gram_fts"
                " WHERE core_search_gram_fts MATCH %s",
                (fts_phrase(gram),),
            )
        )
    return Q(pk__in=SearchGram.objects.filter(gram=gram).values("document_id"))


def _term_filter(term: str, vendor: str) -> Q | None:
    """The condition for one term, or None when the FTS5 MATCH covers it."""
    if len(term) <= 2 and (_ONLY_UNSPACED.match(term) or _ONLY_WORD.match(term)):
        return _gram_match(term)
    if len(term) >= 3 and vendor == "sqlite":
        return None
    if vendor == "postgresql":
        return Q(_ILike(F("text"), _like_pattern(term)))
    condition = Q(text__icontains=term)
    if vendor == "mysql":
        # The pairs of Chinese characters in the term narrow the scan through the
        # gram index; LIKE then checks they stand together and in order.
        pairs = {
            run[i : i + 2]
            for run in _UNSPACED_RUN.findall(term)
            for i in range(len(run) - 1)
        }
        for pair in sorted(pairs)[:4]:
            condition &= _gram_match(pair)
    return condition


def _snippet(text: str, terms: list[str]) -> str:
    lowered = text.lower()
    positions = [p for p in (lowered.find(t) for t in terms) if p >= 0]
    start = max(0, min(positions) - 40) if positions else 0
    excerpt = text[start : start + SNIPPET_CHARS]
    prefix = "…" if start else ""
    suffix = "…" if start + SNIPPET_CHARS < len(text) else ""
    return f"{prefix}{excerpt}{suffix}"


def search(
    user: Any, query: str, kinds: list[str] | None = None, limit: int = 20
) -> list[Hit]:
    """Records matching every term of `query` that the user may see, best first.

    Records whose title holds every term come first, then the most recently
    changed.
    """
    from rapport.core.permissions import VIEW, may, scope_filter

    terms = split_terms(query)
    if not terms or limit <= 0:
        return []
    allowed = [
        k for k in (kinds or list(_registry)) if k in _registry and may(user, VIEW, k)
    ]
    if not allowed:
        return []
    scoped = [k for k in allowed if _registry[k].scoped]
    unscoped = [k for k in allowed if not _registry[k].scoped]
    in_scope = scope_filter(user, owner_field="owner", team_field="team")
    where = Q(kind__in=scoped) & in_scope
    if unscoped:
        where |= Q(kind__in=unscoped)
    docs = SearchDocument.objects.filter(where)

    vendor = connection.vendor
    for term in terms:
        condition = _term_filter(term, vendor)
        if condition is not None:
            docs = docs.filter(condition)
    long_terms = [t for t in terms if _term_filter(t, vendor) is None]
    if long_terms:
        match = " AND ".join(fts_phrase(t) for t in long_terms)
        docs = docs.filter(
            id__in=RawSQL(
                "SELECT rowid FROM core_search_fts WHERE core_search_fts MATCH %s",
                (match,),
            )
        )

    in_title = Q()
    for term in terms:
        in_title &= Q(title__icontains=term)
    docs = docs.annotate(
        title_rank=Case(
            When(title__iexact=" ".join(terms), then=Value(2)),
            When(in_title, then=Value(1)),
            default=Value(0),
            output_field=IntegerField(),
        )
    ).order_by("-title_rank", "-updated_at", "-id")

    hits = []
    for doc in docs.only("kind", "object_id", "title", "text")[:limit]:
        entry = _registry[doc.kind]
        hits.append(
            Hit(
                doc.kind,
                doc.object_id,
                doc.title,
                _snippet(doc.text, terms),
                entry.url(doc.object_id),
                str(entry.label),
            )
        )
    return hits
