"""Probe: do slovnet's CNN encoder states carry mention polarity? (rows 1 and 3 of
``benchmarks/sentiment_contextual.md``)

    python benchmarks/sentiment_slovnet_probe.py [--cache DIR]

Runs the encoders of slovnet's NER, morph and syntax models (shipped in ``natasha``, numpy) over
every RuSentNE train sentence, pools the last layer's states (3 × 64 d per token) over the
mention, three words left and right, the sentence (mean and max, mention excluded) and the
mention's governor, and cross-validates (stratified and grouped by sentence, seed 0, the
trainer's folds) a logistic regression on them alone and the linear model with them appended to
its dense block.  One core; a few minutes with the parse cache of ``framing train-sentiment``.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "datasets" / "rusentne-train" / "train_data.csv"


def encoder_states(words: list[str], models) -> np.ndarray:
    """Last encoder layer of each model for one sentence's words (n × 64·len(models))."""
    out = []
    for model, encoder in models:
        inp = next(encoder([words]))
        x = np.swapaxes(model.emb(inp.word_id, inp.shape_id), 2, 1)
        x = model.encoder.layers[-1](model.encoder.layers[1](model.encoder.layers[0](x)))
        out.append(np.swapaxes(x, 2, 1)[0])
    return np.concatenate(out, 1)


def main() -> int:
    if not DATA.exists():
        print(f"skipped: {DATA} is absent (development data)")
        return 0
    from navec import Navec
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedGroupKFold, StratifiedKFold
    from sklearn.preprocessing import StandardScaler
    from slovnet import NER, Morph, Syntax

    from framing.evaluate import _lexicon_path, read_rusentne, rusentne_features
    from framing.nlp import NLP, _natasha_data
    from framing.sentiment import load_lexicon
    from framing.sentiment_model import Embeddings, Features, LinearSentimentModel, f1_pn

    cache = Path(sys.argv[sys.argv.index("--cache") + 1]) if "--cache" in sys.argv else None
    rows = read_rusentne(DATA)
    y = np.array([r["label"] for r in rows])
    X = rusentne_features(rows, NLP(), load_lexicon(_lexicon_path()), Embeddings(),
                          cache_dir=cache)
    data = _natasha_data()
    navec = Navec.load(data / "emb" / "navec_news_v1_1B_250K_300d_100q.tar")
    models = []
    for cls, name in ((NER, "ner"), (Morph, "morph"), (Syntax, "syntax")):
        m = cls.load(data / "model" / f"slovnet_{name}_news_v1.tar")
        m.navec(navec)
        models.append((m.infer.model, m.infer.encoder))
    states: dict[int, np.ndarray] = {}
    pooled = []
    for x in X:
        doc, start, end = x.src[:3]
        root = doc[start:end].root
        ids = [t.i for t in root.sent if not t.is_space]
        key = (id(doc), root.sent.start)
        if key not in states:
            states[key] = dict(zip(ids, encoder_states([doc[i].text for i in ids], models),
                                   strict=True))
        H = states[key]
        ment = [H[i] for i in ids if start <= i < end] or [H.get(root.i, H[ids[0]])]
        ctx = [H[i] for i in ids if not start <= i < end] or ment
        left = [H[i] for i in ids if i < start][-3:]
        right = [H[i] for i in ids if i >= end][:3]
        zero = np.zeros_like(ment[0])
        pooled.append(np.concatenate([
            np.mean(ment, 0), np.mean(left, 0) if left else zero,
            np.mean(right, 0) if right else zero, np.mean(ctx, 0), np.max(ctx, 0),
            H.get(root.head.i, zero)]))
    P = np.vstack(pooled)
    Z = (P - P.mean(0)) / (P.std(0) + 1e-6)
    groups = [r["sentence"] for r in rows]
    for kind in ("stratified", "grouped"):
        if kind == "stratified":
            splits = list(StratifiedKFold(5, shuffle=True, random_state=0).split(P, y))
        else:
            splits = list(StratifiedGroupKFold(5, shuffle=True, random_state=0).split(
                P, y, groups))
        alone, stacked = np.zeros_like(y), np.zeros_like(y)
        for tr, te in splits:
            sc = StandardScaler().fit(P[tr])
            clf = LogisticRegression(C=0.003, max_iter=2000, class_weight="balanced")
            clf.fit(sc.transform(P[tr]), y[tr])
            alone[te] = clf.predict(sc.transform(P[te]))
            Xa = [Features(X[i], dense=np.concatenate([X[i].dense, 0.05 * Z[i]])) for i in tr]
            lin = LinearSentimentModel.fit(Xa, y[tr], C=0.03, seed=0)
            stacked[te] = lin.predict(
                [Features(X[i], dense=np.concatenate([X[i].dense, 0.05 * Z[i]])) for i in te])
        print(f"{kind}: encoder states alone F1_PN {f1_pn(list(y), list(alone)):.2f}; "
              f"linear model + states {f1_pn(list(y), list(stacked)):.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
