"""SQLite keeps the short-term grams in an FTS5 table instead of core_searchgram.

One row per document (rowid = document id) holds its grams as space-separated
tokens; FTS5 stores the postings compressed and, with detail=none, without
positions, which makes it a fraction of the size of one B-tree row per gram and
much faster to fill. Other databases keep using core_searchgram.
"""

from django.db import migrations

SQLITE_CREATE = [
    "CREATE VIRTUAL TABLE IF NOT EXISTS core_search_gram_fts USING fts5("
    "grams, tokenize='unicode61 remove_diacritics 0', detail='none')",
]
SQLITE_DROP = ["DROP TABLE IF EXISTS core_search_gram_fts"]


def _run(statements: list[str]):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "sqlite":
            for sql in statements:
                schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):

    dependencies = [("core", "0003_search_backends")]

    operations = [migrations.RunPython(_run(SQLITE_CREATE), _run(SQLITE_DROP))]
