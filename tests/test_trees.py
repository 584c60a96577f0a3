"""Gradient-boosted trees exported to JSON and evaluated with numpy (no pickle)."""

from __future__ import annotations

import json

import numpy as np
import pytest

from framing.trees import TreeEnsemble


@pytest.mark.parametrize("n_classes", [2, 3])
def test_export_matches_sklearn(tmp_path, n_classes):
    from sklearn.ensemble import HistGradientBoostingClassifier

    rng = np.random.default_rng(0)
    X = rng.normal(size=(400, 5))
    y = (X[:, 0] > 0).astype(int) + (X[:, 1] > 0.5 if n_classes == 3 else 0)
    clf = HistGradientBoostingClassifier(max_iter=30, max_leaf_nodes=7, random_state=0,
                                         class_weight="balanced").fit(X, y)
    t = TreeEnsemble.from_sklearn(clf)
    t.save(tmp_path / "t.json")
    back = TreeEnsemble.from_dict(json.loads((tmp_path / "t.json").read_text()))
    Xt = rng.normal(size=(100, 5))
    assert back.classes == list(range(n_classes))
    assert np.allclose(back.proba(Xt), clf.predict_proba(Xt), atol=1e-12)
    # rows one at a time give the same as the batch
    assert np.allclose(back.proba(Xt[:1]), clf.predict_proba(Xt[:1]), atol=1e-12)


def test_missing_values_follow_the_stored_side():
    leaf = {"feature": [0, -1, -1], "threshold": [0.0, 0, 0], "left": [1, 0, 0],
            "right": [2, 0, 0], "value": [0, -1.0, 1.0], "leaf": [False, True, True]}
    left = TreeEnsemble([0, 1], [0.0], [[dict(leaf, missing_left=[True, False, False])]])
    right = TreeEnsemble([0, 1], [0.0], [[dict(leaf, missing_left=[False, False, False])]])
    x = np.array([[np.nan]])
    assert left.raw(x)[0, 0] == -1.0 and right.raw(x)[0, 0] == 1.0


def test_bad_tree_file_names_it():
    with pytest.raises(ValueError, match="pairs/trees.json"):
        TreeEnsemble.from_dict({"classes": [0, 1]}, "pairs/trees.json")
