"""Benchmark: does a decision rule tuned for F1_PN help the mention-sentiment model?

    python benchmarks/sentiment_decision_rule.py [--cache DIR] [--cnn N]

On the RuSentNE train split, with the folds of ``framing.evaluate.cross_validate`` (5 folds,
seed 0; stratified, and grouped by sentence), the model's out-of-fold class probabilities are
decided three ways: plain argmax; a bias on the log-probabilities (:func:`choose_bias`: one on
the neutral class, or one per polar class) chosen by **nested** cross-validation — 5 inner folds
(grouped by sentence in the grouped split) inside each outer training fold, the bias chosen on
the inner out-of-fold probabilities and applied to the outer test fold; and the cheaper choice
``cross_validate`` makes (each test fold's bias chosen on the other folds' out-of-fold
probabilities). The model is the linear part (seconds per fit); with ``--cnn N`` also N CNNs
averaged with it as shipped (needs torch; ≈ 30 × N CNN trainings, about an hour per N on one
core).  Prints F1_PN (×100) per split and rule.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "datasets" / "rusentne-train" / "train_data.csv"


def _splits(y: np.ndarray, groups: list[str] | None, k: int = 5, seed: int = 0):
    from sklearn.model_selection import StratifiedGroupKFold, StratifiedKFold

    z = np.zeros(len(y))
    if groups is None:
        return list(StratifiedKFold(k, shuffle=True, random_state=seed).split(z, y))
    return list(StratifiedGroupKFold(k, shuffle=True, random_state=seed).split(z, y, groups))


def _proba(X, inputs, y, tr, te, cnn: int) -> np.ndarray:
    """Probabilities of rows ``te`` from the model fitted on rows ``tr`` (as shipped)."""
    from framing.sentiment_model import LinearSentimentModel

    m = LinearSentimentModel.fit([X[i] for i in tr], y[tr], C=0.03, seed=0)
    p = np.array([m.predict_proba_one(X[i]) for i in te])
    if cnn:
        from framing.train_cnn import fit_cnn

        nets = [fit_cnn([inputs[i][0] for i in tr], [inputs[i][1] for i in tr], y[tr], seed=k)
                for k in range(cnn)]
        pc = np.array([np.mean([n.proba(*inputs[i]) for n in nets], axis=0) for i in te])
        p = 0.5 * p + 0.5 * pc
    return p


def main() -> int:
    if not DATA.exists():
        print(f"skipped: {DATA} is absent (development data)")
        return 0
    from framing.evaluate import _lexicon_path, choose_bias, read_rusentne, rusentne_features
    from framing.nlp import NLP
    from framing.sentiment import load_lexicon
    from framing.sentiment_model import Embeddings, cnn_inputs, f1_pn
    from framing.stages import single_threaded_blas

    single_threaded_blas()
    cache = Path(sys.argv[sys.argv.index("--cache") + 1]) if "--cache" in sys.argv else None
    cnn = int(sys.argv[sys.argv.index("--cnn") + 1]) if "--cnn" in sys.argv else 0
    rows = read_rusentne(DATA)
    X = rusentne_features(rows, NLP(), load_lexicon(_lexicon_path()), Embeddings(),
                          cache_dir=cache)
    inputs = [cnn_inputs(x) for x in X] if cnn else []
    y = np.asarray([r["label"] for r in rows])
    sent = np.asarray([r["sentence"] for r in rows])
    cls = np.array([-1, 0, 1])
    print(f"model: linear part{f' + {cnn} CNNs' if cnn else ''}; F1_PN of pooled predictions")
    for name, grouped in (("stratified", False), ("grouped", True)):
        outer = _splits(y, list(sent) if grouped else None)
        proba = np.zeros((len(y), 3))
        nested = {False: np.zeros_like(y), True: np.zeros_like(y)}
        chosen: dict[bool, list] = {False: [], True: []}
        for tr, te in outer:
            proba[te] = _proba(X, inputs, y, tr, te, cnn)
            inner = np.zeros((len(tr), 3))
            for itr, ite in _splits(y[tr], list(sent[tr]) if grouped else None):
                inner[ite] = _proba(X, inputs, y, tr[itr], tr[ite], cnn)
            for per_class in (False, True):
                b = choose_bias(inner, y[tr], cls, per_class)
                chosen[per_class].append([round(float(v), 2) for v in b])
                nested[per_class][te] = cls[np.argmax(np.log(proba[te]) + b, 1)]
        other = np.zeros_like(y)
        for _, te in outer:
            rest = np.ones(len(y), dtype=bool)
            rest[te] = False
            b = choose_bias(proba[rest], y[rest], cls)
            other[te] = cls[np.argmax(np.log(proba[te]) + b, 1)]
        plain = cls[np.argmax(proba, 1)]
        print(f"{name}: argmax {f1_pn(list(y), list(plain)):.2f}; nested neutral bias "
              f"{f1_pn(list(y), list(nested[False])):.2f} {chosen[False]}; nested per-class "
              f"{f1_pn(list(y), list(nested[True])):.2f} {chosen[True]}; neutral bias chosen "
              f"on the other folds {f1_pn(list(y), list(other)):.2f}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
