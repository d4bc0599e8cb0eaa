"""`rapport ml evaluate|fairness|clv`: the model pipelines on any tabular file."""

from __future__ import annotations

import csv
from datetime import date, datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from rapport.intelligence.ml.lib import clv, fairness


def _read_csv(path: str) -> Any:
    import pandas as pd

    try:
        return pd.read_csv(path, sep=None, engine="python")
    except FileNotFoundError:
        raise CommandError(f"No such file: {path}") from None
    except Exception as exc:
        raise CommandError(f"Cannot read {path} as CSV: {exc}") from None


def _column(frame: Any, name: str, role: str) -> None:
    if name not in frame.columns:
        raise CommandError(
            f"The {role} column {name!r} is not in the file; its columns are: "
            + ", ".join(map(str, frame.columns))
        )


def binary_target(values: Any) -> Any:
    """0/1 labels from a two-valued column (the less frequent value is 1)."""
    import numpy as np

    distinct = values.dropna().unique()
    if len(distinct) != 2:
        raise CommandError(
            f"The target needs exactly two values; it has {len(distinct)}."
        )
    normalised = {str(v).strip().lower() for v in distinct}
    positives = {"1", "true", "yes", "y", ">50k", "churn", "won", "1.0"}
    chosen = [v for v in distinct if str(v).strip().lower() in positives]
    if len(chosen) == 1 and len(normalised & positives) == 1:
        positive = chosen[0]
    else:
        counts = values.value_counts()
        positive = counts.index[-1]
    label = (values == positive).astype(int).to_numpy()
    return label, positive.item() if hasattr(positive, "item") else positive, np.nan


class Command(BaseCommand):
    help = "Evaluate the churn/conversion pipelines, report fairness, or fit CLV."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        ev = sub.add_parser("evaluate", help="Cross-validate a model on a CSV file.")
        ev.add_argument("--model", choices=["churn", "conversion"], required=True)
        ev.add_argument("--csv", required=True)
        ev.add_argument("--target", required=True)
        ev.add_argument("--time-column", default=None)
        fa = sub.add_parser("fairness", help="Fairness report of predictions.")
        fa.add_argument("--csv", required=True)
        fa.add_argument("--target", required=True)
        fa.add_argument("--sensitive", required=True, action="append")
        fa.add_argument("--prediction", default=None)
        fa.add_argument("--model", choices=["churn", "conversion"], default="churn")
        cl = sub.add_parser("clv", help="Fit BG/NBD + Gamma-Gamma on transactions.")
        cl.add_argument("--transactions", required=True)
        cl.add_argument("--customer-column", default="customer")
        cl.add_argument("--date-column", default="date")
        cl.add_argument("--amount-column", default="amount")
        cl.add_argument("--months", type=int, default=12)
        cl.add_argument("--limit", type=int, default=0)

    def handle(self, *args: Any, **options: Any) -> None:
        getattr(self, f"_{options['action']}")(options)

    def _prepare(self, options: dict[str, Any], exclude: list[str]) -> Any:
        from rapport.intelligence.ml.lib.tabular import detect_columns

        frame = _read_csv(options["csv"])
        _column(frame, options["target"], "target")
        frame = frame[frame[options["target"]].notna()].reset_index(drop=True)
        y, positive, _ = binary_target(frame[options["target"]])
        columns = detect_columns(frame, exclude=[options["target"], *exclude])
        if not columns.all:
            raise CommandError("No usable feature column is left.")
        return frame, y, positive, columns

    def _evaluate(self, options: dict[str, Any]) -> None:
        from rapport.intelligence.ml.lib.training import cross_validate

        time_column = options["time_column"]
        frame, y, positive, columns = self._prepare(
            options, [time_column] if time_column else []
        )
        order = None
        if time_column:
            import pandas as pd

            _column(frame, time_column, "time")
            order = pd.to_datetime(frame[time_column], errors="coerce")
            if order.isna().all():
                order = pd.to_numeric(frame[time_column], errors="coerce")
            if order.isna().any():
                raise CommandError(f"Some rows have no readable {time_column!r}.")
            order = order.to_numpy()
        self.stdout.write(
            f"{len(frame)} rows, positive class {positive!r} "
            f"({y.mean():.1%}); {len(columns.numeric)} numeric, "
            f"{len(columns.categorical)} categorical columns"
            + (f", dropped {', '.join(columns.dropped)}" if columns.dropped else "")
        )
        result = cross_validate(options["model"], frame, y, columns, time=order)
        self.stdout.write(
            f"split: {result['split']}; "
            f"model: {', '.join(sorted(set(result['methods'])))}"
        )
        for key in ("auc", "accuracy", "f1", "log_loss", "brier"):
            self.stdout.write(f"{key:>9}: {result[key]:.4f}")

    def _fairness(self, options: dict[str, Any]) -> None:
        exclude = [*options["sensitive"]]
        if options["prediction"]:
            exclude.append(options["prediction"])
        frame, y, _, columns = self._prepare(options, exclude)
        for name in options["sensitive"]:
            _column(frame, name, "sensitive")
        if options["prediction"]:
            _column(frame, options["prediction"], "prediction")
            raw = frame[options["prediction"]]
            predicted = (raw.astype(float) >= 0.5).astype(int).to_numpy()
            self.stdout.write(f"predictions from column {options['prediction']!r}")
        else:
            predicted = self._out_of_fold(options["model"], frame, y, columns)
            self.stdout.write(
                f"predictions: out-of-fold {options['model']} model, threshold 0.5"
            )
        reports = [
            fairness.report(y, predicted, frame[name].tolist(), name)
            for name in options["sensitive"]
        ]
        for rep in reports:
            self._print_report(rep)

    def _out_of_fold(self, model: str, frame: Any, y: Any, columns: Any) -> Any:
        import numpy as np
        from sklearn.model_selection import StratifiedKFold

        from rapport.intelligence.ml.lib.training import train_churn, train_conversion

        trainer = train_churn if model == "churn" else train_conversion
        out = np.zeros(len(y), dtype=int)
        for train, test in StratifiedKFold(5, shuffle=True, random_state=7).split(
            np.zeros(len(y)), y
        ):
            fitted, _ = trainer(frame.iloc[train], y[train], columns)
            out[test] = fitted.predict_proba(frame.iloc[test]) >= 0.5
        return out

    def _print_report(self, rep: dict[str, Any]) -> None:
        self.stdout.write(f"\nsensitive attribute: {rep['attribute']}")
        self.stdout.write(
            f"{'group':<24}{'count':>7}{'selected':>10}{'TPR':>8}{'FPR':>8}"
        )
        for g in rep["groups"]:
            note = "" if g["judged"] else "  (too few to judge)"
            self.stdout.write(
                f"{g['group'][:23]:<24}{g['count']:>7}{_fmt(g['selection_rate']):>10}"
                f"{_fmt(g['tpr']):>8}{_fmt(g['fpr']):>8}{note}"
            )
        self.stdout.write(
            f"demographic parity difference: {_fmt(rep['parity_difference'])}"
        )
        self.stdout.write(
            f"equalised odds difference:     {_fmt(rep['odds_difference'])}"
        )
        self.stdout.write(f"four-fifths ratio:             {_fmt(rep['four_fifths'])}")
        verdict = ", ".join(rep["breaches"]) if rep["breaches"] else "none"
        self.stdout.write(f"breaches: {verdict}")

    def _clv(self, options: dict[str, Any]) -> None:
        rows = self._transactions(options)
        summary = clv.summarise(rows)
        try:
            bg = clv.fit_bgnbd(summary["frequency"], summary["recency"], summary["T"])
            gg = clv.fit_gamma_gamma(summary["frequency"], summary["monetary"])
        except clv.FitError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            f"{len(summary['customer'])} customers; time unit: weeks\n"
            f"BG/NBD: r={bg.r:.4f} alpha={bg.alpha:.4f} a={bg.a:.4f} b={bg.b:.4f} "
            f"(log-likelihood {bg.log_likelihood:.2f})\n"
            f"Gamma-Gamma: p={gg.p:.4f} q={gg.q:.4f} v={gg.v:.4f}"
        )
        value = clv.lifetime_value(bg, gg, summary, horizon=options["months"])
        alive = clv.probability_alive(
            bg, summary["frequency"], summary["recency"], summary["T"]
        )
        self.stdout.write(f"\ncustomer,p_alive,clv_{options['months']}m")
        limit = options["limit"] or len(value)
        for customer, p, v in list(zip(summary["customer"], alive, value, strict=True))[
            :limit
        ]:
            self.stdout.write(f"{customer},{p:.4f},{v:.2f}")

    def _transactions(self, options: dict[str, Any]) -> list[tuple[Any, date, float]]:
        names = (
            options["customer_column"],
            options["date_column"],
            options["amount_column"],
        )
        rows = []
        try:
            with open(options["transactions"], newline="", encoding="utf-8") as handle:
                reader = csv.DictReader(handle)
                missing = [n for n in names if n not in (reader.fieldnames or [])]
                if missing:
                    raise CommandError(
                        f"Missing column(s) {', '.join(missing)}; the file has "
                        + ", ".join(reader.fieldnames or [])
                    )
                for number, row in enumerate(reader, start=2):
                    try:
                        when = _date(row[names[1]])
                        amount = float(row[names[2]] or 0)
                    except ValueError as exc:
                        raise CommandError(f"Line {number}: {exc}") from None
                    rows.append((row[names[0]], when, amount))
        except FileNotFoundError:
            raise CommandError(f"No such file: {options['transactions']}") from None
        return rows


def _date(text: str) -> date:
    text = text.strip()
    for fmt in ("%Y-%m-%d", "%Y%m%d", "%Y/%m/%d", "%Y-%m-%d %H:%M:%S"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return datetime.fromisoformat(text).date()


def _fmt(value: float | None) -> str:
    return "—" if value is None else f"{value:.3f}"
