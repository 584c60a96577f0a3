"""Gradient-boosted trees stored as JSON (no pickle) and evaluated with numpy.

A scikit-learn ``HistGradientBoostingClassifier`` is exported node by node (feature, threshold,
children, leaf value, where missing values go); :class:`TreeEnsemble` sums the leaves of every
tree over a dense feature matrix and turns the raw scores into class probabilities exactly as
scikit-learn does (softmax for several classes, the logistic function for two).

>>> t = TreeEnsemble([0, 1], [0.0], [[{"feature": [0, -1, -1], "threshold": [0.5, 0, 0],
...     "left": [1, 0, 0], "right": [2, 0, 0], "value": [0, -2.0, 2.0],
...     "leaf": [False, True, True], "missing_left": [True, False, False]}]])
>>> t.proba(np.array([[0.0], [1.0]])).round(3).tolist()
[[0.881, 0.119], [0.119, 0.881]]
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np


@dataclass
class TreeEnsemble:
    classes: list[int]
    baseline: list[float]  # one per output (1 for two classes, else one per class)
    trees: list[list[dict]]  # per boosting iteration, one tree per output

    @classmethod
    def from_sklearn(cls, clf) -> TreeEnsemble:
        """Export a fitted ``HistGradientBoostingClassifier`` (numeric features only)."""
        trees = []
        for it in clf._predictors:
            row = []
            for pred in it:
                n = pred.nodes
                if np.any(n["is_categorical"]):
                    raise ValueError("categorical splits are not supported")
                row.append({"feature": n["feature_idx"].astype(int).tolist(),
                            "threshold": n["num_threshold"].astype(float).tolist(),
                            "left": n["left"].astype(int).tolist(),
                            "right": n["right"].astype(int).tolist(),
                            "value": n["value"].astype(float).tolist(),
                            "leaf": n["is_leaf"].astype(int).tolist(),
                            "missing_left": n["missing_go_to_left"].astype(int).tolist()})
            trees.append(row)
        return cls([int(c) for c in clf.classes_],
                   np.asarray(clf._baseline_prediction, dtype=float).ravel().tolist(), trees)

    def __post_init__(self) -> None:
        kinds = {"feature": int, "left": int, "right": int, "threshold": float, "value": float,
                 "leaf": bool, "missing_left": bool}
        self._arrays = [[{k: np.asarray(t[k], dtype=kinds[k]) for k in kinds} for t in row]
                        for row in self.trees]

    def raw(self, X: np.ndarray) -> np.ndarray:
        """Raw scores, shape (rows, outputs)."""
        X = np.asarray(X, dtype=float)
        out = np.tile(np.asarray(self.baseline, dtype=float), (len(X), 1))
        rows = np.arange(len(X))
        for row in self._arrays:
            for k, t in enumerate(row):
                node = np.zeros(len(X), dtype=int)
                live = ~t["leaf"][node]
                while live.any():
                    r, nd = rows[live], node[live]
                    x = X[r, t["feature"][nd]]
                    left = (x <= t["threshold"][nd]) | (np.isnan(x) & t["missing_left"][nd])
                    node[live] = np.where(left, t["left"][nd], t["right"][nd])
                    live = ~t["leaf"][node]
                out[:, k] += t["value"][node]
        return out

    def proba(self, X: np.ndarray) -> np.ndarray:
        """Class probabilities, shape (rows, classes), columns in :attr:`classes` order."""
        z = self.raw(X)
        if z.shape[1] == 1:
            p1 = 1.0 / (1.0 + np.exp(-z[:, 0]))
            return np.column_stack([1.0 - p1, p1])
        z = np.exp(z - z.max(axis=1, keepdims=True))
        return z / z.sum(axis=1, keepdims=True)

    def to_dict(self) -> dict:
        return {"classes": self.classes, "baseline": self.baseline, "trees": self.trees}

    @classmethod
    def from_dict(cls, d: dict, where: str = "trees") -> TreeEnsemble:
        try:
            return cls([int(c) for c in d["classes"]], [float(x) for x in d["baseline"]],
                       d["trees"])
        except (KeyError, TypeError, ValueError) as e:
            raise ValueError(f"{where}: not a tree ensemble ({e})") from e

    def save(self, path: Path) -> None:
        Path(path).write_text(json.dumps(self.to_dict(), separators=(",", ":")),
                              encoding="utf-8")
