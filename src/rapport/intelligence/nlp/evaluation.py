"""Accuracy and macro-F1 of the model and of the baselines, as one table."""

from __future__ import annotations

from typing import Any

from rapport.intelligence.nlp.training import baselines, evaluate_model, load_corpora

Metrics = dict[str, dict[str, float]]
BASELINE_NAMES = ("SnowNLP", "VADER")


def evaluate(model: Any = None, *, with_baselines: bool = True) -> dict[str, Any]:
    """The model's metrics on every test set and, if asked, the baselines'."""
    from rapport.intelligence.nlp.sentiment import default_model

    corpora = load_corpora()
    result: dict[str, Any] = {
        "model": evaluate_model(model or default_model(), corpora.tests)
    }
    if with_baselines:
        result["baselines"] = baselines(corpora.tests)
    return result


def table(result: dict[str, Any]) -> str:
    """A plain-text table: one row per test set, accuracy / macro-F1 per model."""
    model: Metrics = result["model"]
    others: dict[str, Metrics] = result.get("baselines", {})
    names = ["Rapport", *(n for n in BASELINE_NAMES if n in others)]
    header = f"{'test set':<32} {'n':>5}" + "".join(f" {n:>15}" for n in names)
    lines = [header, f"{'':<32} {'':>5}" + " {:>15}".format("acc / F1") * len(names)]
    for test_name, figures in model.items():
        cells = [_cell(figures)]
        cells += [_cell(others[n].get(test_name)) for n in names[1:]]
        line = f"{test_name:<32} {int(figures['n']):>5}" + "".join(
            f" {c:>15}" for c in cells
        )
        lines.append(line)
    return "\n".join(lines)


def _cell(figures: dict[str, float] | None) -> str:
    if not figures:
        return "-"
    return f"{figures['accuracy']:.3f} / {figures['macro_f1']:.3f}"
