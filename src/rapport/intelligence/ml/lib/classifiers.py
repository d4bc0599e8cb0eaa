"""The classifiers behind churn and conversion, each able to explain a score.

Every model turns a frame of input columns into probabilities and into
per-column contributions in probability points (positive raises the score):

- logistic regression: coefficient × (value − training mean) in log-odds, per
  one-hot/indicator column, summed back to its input column;
- random forest: tree-path contributions (Saabas): along each tree's decision
  path, the change in the positive-class share at every split is credited to the
  split's feature; averaged over trees, these add up exactly to the forest's
  score minus the training base rate;
- XGBoost: its own exact contributions (`pred_contribs`, TreeSHAP) in log-odds;
  in batches above 20,000 rows its path (Saabas) contributions, much cheaper;
- naive Bayes: each column's log likelihood ratio.

Log-odds contributions are scaled by p·(1−p), the slope of the logistic curve
at the score, so every method reports roughly the change in probability.
"""

from __future__ import annotations

import io
import json
from typing import Any

from rapport.intelligence.ml.lib.tabular import (
    RANDOM_STATE,
    Columns,
    as_strings,
    preprocessor,
    source_of,
)


def _aggregate(matrix: Any, names: list[str], columns: Columns) -> Any:
    """Sum output-column contributions back onto the input columns."""
    import numpy as np

    index = {name: i for i, name in enumerate(columns.all)}
    out = np.zeros((matrix.shape[0], len(columns.all)))
    for j, name in enumerate(names):
        source = source_of(name, columns)
        if source in index:
            out[:, index[source]] += matrix[:, j]
    return out


class TabularClassifier:
    """Common shape: fit, predict_proba, contributions, parts for safe storage."""

    method = ""

    def __init__(self, columns: Columns) -> None:
        self.columns = columns

    def fit(self, frame: Any, y: Any) -> TabularClassifier:
        raise NotImplementedError

    def predict_proba(self, frame: Any) -> Any:
        raise NotImplementedError

    def contributions(self, frame: Any) -> Any:
        raise NotImplementedError

    def explain(self, frame: Any) -> tuple[Any, Any]:
        """Probabilities and contributions together (one pass where possible)."""
        return self.predict_proba(frame), self.contributions(frame)

    def meta(self) -> dict[str, Any]:
        return {
            "method": self.method,
            "numeric": self.columns.numeric,
            "categorical": self.columns.categorical,
        }


class CalibratedSklearn(TabularClassifier):
    """A scikit-learn pipeline with sigmoid calibration from 5-fold predictions."""

    scale = False

    def __init__(self, columns: Columns, model: Any = None) -> None:
        super().__init__(columns)
        self.model = model

    def estimator(self) -> Any:
        raise NotImplementedError

    def fit(self, frame: Any, y: Any) -> CalibratedSklearn:
        from sklearn.calibration import CalibratedClassifierCV
        from sklearn.pipeline import Pipeline

        pipeline = Pipeline(
            [
                ("prep", preprocessor(self.columns, self.scale)),
                ("clf", self.estimator()),
            ]
        )
        self.model = CalibratedClassifierCV(
            pipeline, method="sigmoid", cv=5, ensemble=False
        )
        self.model.fit(as_strings(frame, self.columns), y)
        return self

    def predict_proba(self, frame: Any) -> Any:
        return self.model.predict_proba(as_strings(frame, self.columns))[:, 1]

    @property
    def pipeline(self) -> Any:
        return self.model.calibrated_classifiers_[0].estimator

    def _transformed(self, frame: Any) -> tuple[Any, list[str]]:
        prep = self.pipeline.named_steps["prep"]
        data = prep.transform(as_strings(frame, self.columns))
        return data, list(prep.get_feature_names_out())


class LogisticModel(CalibratedSklearn):
    """Regularised logistic regression on standardised, one-hot encoded inputs."""

    method = "logistic"
    scale = True

    def estimator(self) -> Any:
        from sklearn.linear_model import LogisticRegression

        return LogisticRegression(C=0.5, solver="liblinear", max_iter=1000)

    def fit(self, frame: Any, y: Any) -> LogisticModel:
        super().fit(frame, y)
        data, _ = self._transformed(frame)
        self.means = data.mean(axis=0)
        return self

    def contributions(self, frame: Any) -> Any:
        data, names = self._transformed(frame)
        coef = self.pipeline.named_steps["clf"].coef_[0]
        p = self.predict_proba(frame)
        logodds = (data - self.means) * coef
        return _aggregate(logodds * (p * (1 - p))[:, None], names, self.columns)


class ForestModel(CalibratedSklearn):
    """A random forest of 200 trees with leaves of at least 5 cases."""

    method = "forest"

    def estimator(self) -> Any:
        from sklearn.ensemble import RandomForestClassifier

        return RandomForestClassifier(
            n_estimators=200,
            min_samples_leaf=5,
            max_features="sqrt",
            n_jobs=2,
            random_state=RANDOM_STATE,
        )

    def contributions(self, frame: Any) -> Any:
        import numpy as np
        from scipy import sparse

        data, names = self._transformed(frame)
        forest = self.pipeline.named_steps["clf"]
        total = np.zeros(data.shape, dtype=float)
        for tree in forest.estimators_:
            structure = tree.tree_
            values = structure.value[:, 0, :]
            share = values[:, 1] / np.maximum(values.sum(axis=1), 1e-12)
            parent = np.full(structure.node_count, -1)
            for side in (structure.children_left, structure.children_right):
                inner = side >= 0
                parent[side[inner]] = np.nonzero(inner)[0]
            child = np.nonzero(parent >= 0)[0]
            delta = share[child] - share[parent[child]]
            credit = sparse.csr_matrix(
                (delta, (child, structure.feature[parent[child]])),
                shape=(structure.node_count, data.shape[1]),
            )
            total += (tree.decision_path(data) @ credit).toarray()
        return _aggregate(total / len(forest.estimators_), names, self.columns)


class AverageModel(TabularClassifier):
    """The mean of two calibrated models' probabilities (and contributions)."""

    method = "average"

    def __init__(self, first: TabularClassifier, second: TabularClassifier) -> None:
        super().__init__(first.columns)
        self.members = (first, second)

    def predict_proba(self, frame: Any) -> Any:
        return sum(m.predict_proba(frame) for m in self.members) / 2

    def contributions(self, frame: Any) -> Any:
        return sum(m.contributions(frame) for m in self.members) / 2


SEARCH = ((1, 10), (3, 3), (6, 1))
# Above this many rows per call, XGBoost explains with path contributions.
EXACT_ROWS = 20000


class XGBoostModel(TabularClassifier):
    """Gradient-boosted trees (xgboost `hist`), rounds chosen by early stopping."""

    method = "xgboost"

    def __init__(self, columns: Columns, params: dict[str, Any] | None = None) -> None:
        super().__init__(columns)
        self.params = {
            "objective": "binary:logistic",
            "eval_metric": "logloss",
            "tree_method": "hist",
            "max_depth": 4,
            "eta": 0.1,
            "subsample": 0.9,
            "colsample_bytree": 0.8,
            "min_child_weight": 2,
            "lambda": 1.0,
            "nthread": 2,
            "seed": RANDOM_STATE,
        } | (params or {})
        self.prep: Any = None
        self.booster: Any = None
        self.rounds = 0

    def fit(self, frame: Any, y: Any) -> XGBoostModel:
        import numpy as np
        import xgboost as xgb

        y = np.asarray(y, dtype=int)
        self.prep = preprocessor(self.columns, scale=False)
        data = self.prep.fit_transform(as_strings(frame, self.columns))
        if not self.rounds:
            self.params, self.rounds = self._search(data, y)
        self.booster = xgb.train(
            self.params, xgb.DMatrix(data, label=y), num_boost_round=self.rounds
        )
        return self

    def _search(self, data: Any, y: Any) -> tuple[dict[str, Any], int]:
        """Tree depth and leaf weight by 3-fold CV with early stopping.

        Above 20,000 rows one split of a 30,000-row sample replaces the folds
        (there the search costs more than it gains).
        """
        import numpy as np
        import xgboost as xgb
        from sklearn.model_selection import train_test_split

        best: tuple[float, dict[str, Any], int] | None = None
        if len(y) > 20000:
            sample = np.random.default_rng(RANDOM_STATE).permutation(len(y))[:30000]
            tr, va = train_test_split(
                sample, test_size=0.2, stratify=y[sample], random_state=RANDOM_STATE
            )
            inner = xgb.DMatrix(data[tr], label=y[tr])
            check = xgb.DMatrix(data[va], label=y[va])
        else:
            full = xgb.DMatrix(data, label=y)
        for depth, weight in SEARCH:
            params = self.params | {"max_depth": depth, "min_child_weight": weight}
            if len(y) > 20000:
                probe = xgb.train(
                    params,
                    inner,
                    num_boost_round=1000,
                    evals=[(check, "valid")],
                    early_stopping_rounds=30,
                    verbose_eval=False,
                )
                score, rounds = float(probe.best_score), probe.best_iteration + 1
            else:
                history: Any = xgb.cv(
                    params,
                    full,
                    num_boost_round=400,
                    nfold=3,
                    stratified=True,
                    early_stopping_rounds=20,
                    seed=RANDOM_STATE,
                    verbose_eval=False,
                )
                score, rounds = (
                    float(history["test-logloss-mean"].iloc[-1]),
                    len(history),
                )
            if best is None or score < best[0]:
                best = (score, params, rounds)
        assert best is not None
        return best[1], max(10, int(best[2] * 1.1))

    def _matrix(self, frame: Any) -> Any:
        import xgboost as xgb

        return xgb.DMatrix(self.prep.transform(as_strings(frame, self.columns)))

    def predict_proba(self, frame: Any) -> Any:
        return self.booster.predict(self._matrix(frame))

    def contributions(self, frame: Any) -> Any:
        return self.explain(frame)[1]

    def explain(self, frame: Any) -> tuple[Any, Any]:
        """One encoding and one contributions pass: the contributions plus the
        bias add up to the log-odds, so the probability comes from their sum.

        Exact TreeSHAP up to `EXACT_ROWS` rows; above, XGBoost's path
        (Saabas) contributions, about fifteen times cheaper, which rank the
        same top factor for ~98 % of rows (bench/ml.py).
        """
        import numpy as np

        raw = self.booster.predict(
            self._matrix(frame),
            pred_contribs=True,
            approx_contribs=len(frame) > EXACT_ROWS,
        )
        p = 1.0 / (1.0 + np.exp(-raw.sum(axis=1, dtype=np.float64)))
        names = list(self.prep.get_feature_names_out())
        return p, _aggregate(raw[:, :-1] * (p * (1 - p))[:, None], names, self.columns)

    def booster_json(self) -> bytes:
        return bytes(self.booster.save_raw(raw_format="json"))

    @classmethod
    def from_parts(
        cls, columns: Columns, prep: Any, booster_json: bytes, rounds: int
    ) -> XGBoostModel:
        import xgboost as xgb

        model = cls(columns)
        model.prep = prep
        model.booster = xgb.Booster()
        model.booster.load_model(bytearray(booster_json))
        model.rounds = rounds
        return model


class FrequencyNB(TabularClassifier):
    """Naive Bayes on value frequencies with Laplace smoothing (cold start).

    Numbers are cut into quintiles learnt from the training data; each column's
    contribution is its log likelihood ratio, scaled like the others.
    """

    method = "naive_bayes"

    def __init__(self, columns: Columns, state: dict[str, Any] | None = None) -> None:
        super().__init__(columns)
        self.state = state or {}

    def _binned(self, frame: Any) -> dict[str, list[str]]:
        import numpy as np

        out = {}
        for name in self.columns.numeric:
            edges = self.state["edges"][name]
            values = frame[name].astype(float).to_numpy()
            codes = np.where(np.isnan(values), -1, np.searchsorted(edges, values))
            out[name] = [str(c) for c in codes]
        for name in self.columns.categorical:
            out[name] = ["" if v is None else str(v) for v in frame[name].tolist()]
        return out

    def fit(self, frame: Any, y: Any) -> FrequencyNB:
        import numpy as np

        y = np.asarray(y, dtype=int)
        edges = {}
        for name in self.columns.numeric:
            values = frame[name].astype(float).dropna().to_numpy()
            qs: Any = (
                np.unique(np.quantile(values, [0.2, 0.4, 0.6, 0.8]))
                if len(values)
                else []
            )
            edges[name] = [float(q) for q in qs]
        self.state = {
            "edges": edges,
            "prior": [int((y == 0).sum()), int((y == 1).sum())],
        }
        counts: dict[str, dict[str, list[int]]] = {}
        for name, values in self._binned(frame).items():
            table: dict[str, list[int]] = {}
            for value, label in zip(values, y, strict=True):
                table.setdefault(value, [0, 0])[label] += 1
            counts[name] = table
        self.state["counts"] = counts
        return self

    def _log_ratios(self, frame: Any) -> Any:
        import numpy as np

        n0, n1 = self.state["prior"]
        binned = self._binned(frame)
        out = np.zeros((len(frame), len(self.columns.all)))
        for j, name in enumerate(self.columns.all):
            table = self.state["counts"][name]
            k = len(table) + 1
            for i, value in enumerate(binned[name]):
                c0, c1 = table.get(value, [0, 0])
                out[i, j] = np.log((c1 + 1) / (n1 + k)) - np.log((c0 + 1) / (n0 + k))
        return out

    def predict_proba(self, frame: Any) -> Any:
        import numpy as np

        n0, n1 = self.state["prior"]
        logit = np.log((n1 + 1) / (n0 + 1)) + self._log_ratios(frame).sum(axis=1)
        return 1 / (1 + np.exp(-logit))

    def contributions(self, frame: Any) -> Any:
        p = self.predict_proba(frame)
        return self._log_ratios(frame) * (p * (1 - p))[:, None]

    def to_json(self) -> bytes:
        return json.dumps(self.state).encode()

    @classmethod
    def from_json(cls, columns: Columns, data: bytes) -> FrequencyNB:
        return cls(columns, json.loads(io.BytesIO(data).read()))
