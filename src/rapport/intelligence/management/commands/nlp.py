"""`rapport nlp ...`: analyse texts to CSV, train and evaluate the sentiment model."""

from __future__ import annotations

import sys
import time
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = (
        "Text analysis: 'analyze' reads one text per line (or a CSV column) and "
        "writes language, sentiment, label, keywords and topics as CSV; 'train' "
        "retrains the sentiment model; 'evaluate' prints accuracy and macro-F1 "
        "on every test set beside the SnowNLP and VADER baselines."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        analyze = actions.add_parser("analyze", help="Analyse texts, write CSV.")
        analyze.add_argument("--input", default="-", help="File, or - for stdin.")
        analyze.add_argument("--output", default="-", help="File, or - for stdout.")
        analyze.add_argument("--column", help="Read this column of a CSV input.")
        train = actions.add_parser("train", help="Retrain the sentiment model.")
        train.add_argument("--output", help="Model file (default: the shipped one).")
        evaluate = actions.add_parser("evaluate", help="Print the metrics table.")
        evaluate.add_argument(
            "--no-baselines", action="store_true", help="Skip SnowNLP and VADER."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "analyze":
            self._analyze(options["input"], options["output"], options["column"])
        elif action == "train":
            self._train(options["output"])
        else:
            self._evaluate(not options["no_baselines"])

    def _analyze(self, source: str, target: str, column: str | None) -> None:
        from rapport.intelligence.nlp.batch import (
            InputError,
            analyse_in_chunks,
            read_texts,
            write_csv,
        )

        try:
            if source == "-":
                data = sys.stdin.buffer.read()
            else:
                data = Path(source).read_bytes()
            texts = read_texts(data, column)
        except OSError as exc:
            raise CommandError(f"cannot read {source}: {exc.strerror}") from exc
        except InputError as exc:
            raise CommandError(f"{source}: {exc}") from exc

        rows = analyse_in_chunks(texts)
        if target == "-":
            count = write_csv(rows, self.stdout)
        else:
            try:
                with Path(target).open("w", encoding="utf-8", newline="") as out:
                    count = write_csv(rows, out)
            except OSError as exc:
                raise CommandError(f"cannot write {target}: {exc.strerror}") from exc
        self.stderr.write(f"analysed {count} texts")

    def _train(self, output: str | None) -> None:
        from rapport.intelligence.nlp.sentiment import MODEL_PATH
        from rapport.intelligence.nlp.training import train

        path = Path(output) if output else MODEL_PATH
        metadata = train(path)
        self.stdout.write(f"wrote {path} in {metadata['training_seconds']} s")
        self.stdout.write(self._table({"model": metadata["metrics"]}))

    def _evaluate(self, with_baselines: bool) -> None:
        from rapport.intelligence.nlp.evaluation import evaluate

        started = time.monotonic()
        self.stdout.write(self._table(evaluate(with_baselines=with_baselines)))
        self.stdout.write(f"in {time.monotonic() - started:.1f} s")

    @staticmethod
    def _table(result: dict[str, Any]) -> str:
        from rapport.intelligence.nlp.evaluation import table

        return table(result)
