"""Vendor-specific search structures beside the portable gram table.

SQLite: an FTS5 table with the trigram tokenizer whose content is the `text`
column of core_searchdocument, kept in step by triggers. Django rebuilds a SQLite
table (and so drops its triggers) when a later migration alters it: such a
migration must run these statements again (`rapport reindex` also restores them).

PostgreSQL: the pg_trgm extension and a GIN trigram index on the text, which
serves ILIKE '%term%' for terms of three characters and more.

MariaDB/MySQL: nothing here; see docs/adr/0002-search-backends.md.
"""

from django.db import migrations

SQLITE_CREATE = [
    "CREATE VIRTUAL TABLE IF NOT EXISTS core_search_fts USING fts5("
    "text, content='core_searchdocument', content_rowid='id', tokenize='trigram')",
    "CREATE TRIGGER IF NOT EXISTS core_search_fts_ai AFTER INSERT ON core_searchdocument"
    " BEGIN INSERT INTO core_search_fts(rowid, text) VALUES (new.id, new.text); END",
    "CREATE TRIGGER IF NOT EXISTS core_search_fts_ad AFTER DELETE ON core_searchdocument"
    " BEGIN INSERT INTO core_search_fts(core_search_fts, rowid, text)"
    " VALUES ('delete', old.id, old.text); END",
    "CREATE TRIGGER IF NOT EXISTS core_search_fts_au AFTER UPDATE OF text"
    " ON core_searchdocument BEGIN"
    " INSERT INTO core_search_fts(core_search_fts, rowid, text)"
    " VALUES ('delete', old.id, old.text);"
    " INSERT INTO core_search_fts(rowid, text) VALUES (new.id, new.text); END",
    "INSERT INTO core_search_fts(core_search_fts) VALUES ('rebuild')",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS core_search_fts_ai",
    "DROP TRIGGER IF EXISTS core_search_fts_ad",
    "DROP TRIGGER IF EXISTS core_search_fts_au",
    "DROP TABLE IF EXISTS core_search_fts",
]
POSTGRES_CREATE = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS core_search_text_trgm"
    " ON core_searchdocument USING gin (text gin_trgm_ops)",
]
POSTGRES_DROP = ["DROP INDEX IF EXISTS core_search_text_trgm"]


def _run(statements: dict[str, list[str]]):
    def run(apps, schema_editor):
        for sql in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):

    dependencies = [("core", "0002_search_grams")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_CREATE, "postgresql": POSTGRES_CREATE}),
            _run({"sqlite": SQLITE_DROP, "postgresql": POSTGRES_DROP}),
        )
    ]
