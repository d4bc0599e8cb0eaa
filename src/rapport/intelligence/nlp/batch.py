"""Batch analysis for the command line: texts in (lines or a CSV column), CSV out."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Sequence
from typing import Protocol

from rapport.intelligence.nlp.analysis import Analysis, analyze_many

ENCODINGS = ("utf-8-sig", "gb18030")
CHUNK = 256
COLUMNS = ["text", "language", "sentiment", "label", "keywords", "topics"]


class TextSink(Protocol):
    """Anything text can be written to: a file, stdout, a command's output."""

    def write(self, text: str, /) -> object: ...


class InputError(ValueError):
    """The input cannot be read as texts: bad encoding or a missing column."""


def decode(data: bytes) -> str:
    """UTF-8 (with or without BOM), else GB18030; anything else is refused."""
    for encoding in ENCODINGS:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise InputError("the input is neither UTF-8 nor GB18030 text")


def read_texts(data: bytes, column: str | None = None) -> list[str]:
    """One text per non-blank line, or the named column of a CSV with a header."""
    text = decode(data)
    if column is None:
        return [line.strip() for line in text.splitlines() if line.strip()]
    reader = csv.DictReader(io.StringIO(text, newline=""))
    if column not in (reader.fieldnames or []):
        found = ", ".join(reader.fieldnames or []) or "none"
        raise InputError(f"no column {column!r} in the CSV (columns: {found})")
    return [(row.get(column) or "").strip() for row in reader]


def analyse_in_chunks(texts: Sequence[str]) -> Iterator[tuple[str, Analysis]]:
    """Each text with its analysis, scored a chunk at a time."""
    for start in range(0, len(texts), CHUNK):
        chunk = texts[start : start + CHUNK]
        yield from zip(chunk, analyze_many(chunk), strict=True)


def write_csv(rows: Iterator[tuple[str, Analysis]], out: TextSink) -> int:
    """Write the CSV (keywords and topics joined by "; "); return the row count."""
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    count = 0
    for text, analysis in rows:
        writer.writerow(
            [
                text,
                analysis.language,
                f"{analysis.sentiment:.4f}",
                analysis.label,
                "; ".join(analysis.keywords),
                "; ".join(analysis.topics),
            ]
        )
        count += 1
    return count
