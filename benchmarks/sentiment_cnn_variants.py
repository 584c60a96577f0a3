"""Benchmark: training-time variants of the sentiment CNN, on the folds grouped by sentence.

    python benchmarks/sentiment_cnn_variants.py NAME [--seed S] [--nets N] [--cache DIR]
        [--mask-mention P] [--word-drop P] [--smoothing E] [--hidden H] [--layers L]
        [--out DIR]

On the RuSentNE train split, with the grouped folds of ``framing.evaluate.cross_validate``
(``StratifiedGroupKFold(5)`` by sentence, fold seed ``S``), trains ``N`` CNNs per training fold
(seeds S, S + 1, …; :func:`framing.train_cnn.fit_cnn` with the given training-only regularisers:
mention-name masking, word dropout, label smoothing; or another size: ``--hidden`` channels,
``--layers`` convolutions) and the linear part, and prints F1_PN
(×100) of the linear part, of the mean CNN and of the shipped ensemble (½ linear + ½ mean CNN).
The out-of-fold probabilities are kept in ``--out`` (default ``/tmp/sentiment_cnn_variants``)
as ``lin_S.npy`` and ``cnn_NAME_S.npy`` (nets × rows × classes), so an interrupted run resumes
and variants run one after the other are compared on the same folds.  Needs torch; ≈ 45 s per
network on one core (15 networks for N = 3; CPU ≈ 29 s with ``--hidden 64``, 38 s with 96).
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "datasets" / "rusentne-train" / "train_data.csv"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("name")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--nets", type=int, default=3)
    ap.add_argument("--cache", type=Path)
    ap.add_argument("--out", type=Path, default=Path("/tmp/sentiment_cnn_variants"))
    ap.add_argument("--mask-mention", type=float, default=0.0)
    ap.add_argument("--word-drop", type=float, default=0.0)
    ap.add_argument("--smoothing", type=float, default=0.0)
    ap.add_argument("--hidden", type=int, default=None, help="channels (default: fit_cnn's)")
    ap.add_argument("--layers", type=int, default=None, help="convolutions (default: fit_cnn's)")
    args = ap.parse_args()
    if not DATA.exists():
        print(f"skipped: {DATA} is absent (development data)")
        return 0
    from sklearn.model_selection import StratifiedGroupKFold

    from framing.evaluate import _lexicon_path, read_rusentne, rusentne_features
    from framing.nlp import NLP
    from framing.sentiment import load_lexicon
    from framing.sentiment_model import Embeddings, LinearSentimentModel, cnn_inputs, f1_pn
    from framing.stages import single_threaded_blas
    from framing.train_cnn import HIDDEN, LAYERS, fit_cnn, torch_or_exit

    torch_or_exit().set_num_threads(1)
    single_threaded_blas()
    rows = read_rusentne(DATA)
    X = rusentne_features(rows, NLP(), load_lexicon(_lexicon_path()), Embeddings(),
                          cache_dir=args.cache)
    y = np.asarray([r["label"] for r in rows])
    splits = list(StratifiedGroupKFold(5, shuffle=True, random_state=args.seed).split(
        np.zeros(len(y)), y, [r["sentence"] for r in rows]))
    inputs = [cnn_inputs(x) for x in X]
    args.out.mkdir(parents=True, exist_ok=True)
    lin_path = args.out / f"lin_{args.seed}.npy"
    if lin_path.exists():
        lin = np.load(lin_path)
    else:
        lin = np.zeros((len(y), 3))
        for tr, te in splits:
            m = LinearSentimentModel.fit([X[i] for i in tr], y[tr], C=0.03, seed=0).linear_only()
            lin[te] = [m.predict_proba_one(X[i]) for i in te]
        np.save(lin_path, lin)
    kw = {"mask_mention": args.mask_mention, "word_drop": args.word_drop,
          "smoothing": args.smoothing, "hidden": args.hidden or HIDDEN,
          "layers": args.layers or LAYERS}
    path = args.out / f"cnn_{args.name}_{args.seed}.npy"
    P = np.load(path) if path.exists() else np.full((args.nets, len(y), 3), np.nan)
    for f, (tr, te) in enumerate(splits):
        for k in range(args.nets):
            if np.isnan(P[k, te]).any():
                t0 = time.process_time()
                net = fit_cnn([inputs[i][0] for i in tr], [inputs[i][1] for i in tr], y[tr],
                              seed=args.seed + k, **kw)
                P[k, te] = net.proba_batch([inputs[i][0] for i in te], [inputs[i][1] for i in te])
                np.save(path, P)
                print(f"fold {f} net {k} done ({time.process_time() - t0:.0f} s CPU)", flush=True)
    cls = np.array([-1, 0, 1])

    def score(p: np.ndarray) -> float:
        return f1_pn(list(y), list(cls[np.argmax(p, 1)]))

    print(json.dumps({"variant": args.name, **kw, "fold_seed": args.seed, "nets": args.nets,
                      "linear": score(lin), "cnn": score(P.mean(0)),
                      "ensemble": score(0.5 * lin + 0.5 * P.mean(0))}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
