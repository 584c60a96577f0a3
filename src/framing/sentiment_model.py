"""A trained mention-level sentiment model (RuSentNE-style: polarity toward an entity).

Features of one mention, all computed from the annotated ``Doc`` (no torch at inference):

* ``w:<lemma>@<pos>`` — lemmas in a ±6-token window with relative position buckets, the
  mention itself masked;
* ``b:<lemma>`` — bag of lemmas of the whole sentence, mention masked;
* ``d:<rel>:<lemma>`` — lemmas within two dependency arcs of the mention, with the arc label;
* ``lex:*`` — the evaluative-lexicon score and counts from :mod:`framing.sentiment`
  (negation-aware), so the model sees the same evidence the report shows;
* ``tag:<TYPE>``, ``role:<dep>``, ``rh:<dep>:<governor>``, ``tr:<TYPE>:<dep>``, ``anc:<lemma>``
  (predicates up to four arcs above) and ``q:*`` voice features (inside a quote, subject of a
  reporting verb);
* ``bg:<a>_<b>`` — lemma bigrams of the window with the mention masked as ``ENT``;
* ``lx:<lemma>``, ``slex:*`` — evaluative-lexicon words anywhere in the sentence;
* ``e<k>``, ``s<k>`` — mean navec embeddings (300 d, the vectors shipped in ``natasha``) of the
  window and of the whole sentence, mention masked.

The model is a multinomial logistic regression (scikit-learn) saved as JSON (feature names,
classes, metadata) + NPZ (weights) — never pickle.  Prediction is a sparse dot product.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .lexmatch import norm
from .sentiment import NEGATORS, score_mention

WINDOW = 6
_DENSE = re.compile(r"^[es]\d+$")
MODEL_FORMAT = "framing-linear-sentiment/1"
_SPEECH = {"сказать", "заявить", "говорить", "отметить", "считать", "подчеркнуть", "сообщить",
           "заявлять", "утверждать", "назвать", "называть", "пояснить", "добавить"}


def _bucket(d: int) -> str:
    a = abs(d)
    side = "L" if d < 0 else "R"
    return f"{side}{a}" if a <= 2 else f"{side}3-6"


class Embeddings:
    """navec vectors shipped inside the ``natasha`` package (lazy-loaded once)."""

    def __init__(self) -> None:
        from navec import Navec

        from .nlp import _natasha_data

        self.navec = Navec.load(_natasha_data() / "emb" / "navec_news_v1_1B_250K_300d_100q.tar")
        self.dim = 300
        self._cache: dict[str, np.ndarray | None] = {}

    def vector(self, word: str) -> np.ndarray | None:
        if word not in self._cache:
            self._cache[word] = self.navec.get(word)
        return self._cache[word]


def mention_features(doc, start: int, end: int, lexicon: dict[str, float],
                     tag: str = "", emb: Embeddings | None = None,
                     in_quote: bool = False) -> dict[str, float]:
    """Feature dict of the mention ``doc[start:end]``."""
    f: dict[str, float] = {}
    span = doc[start:end]
    sent = span.root.sent
    inside = set(range(start, end))
    if tag:
        f[f"tag:{tag}"] = 1.0
    root = span.root
    f[f"role:{root.dep_}"] = 1.0
    f[f"head:{norm(root.head.lemma_)}"] = 1.0 if root.head.i not in inside else 0.0
    vecs = []
    svecs = []
    words = []  # masked window words for bigrams («ENT» stands for the mention)
    pos = neg = 0.0  # evaluative words anywhere in the sentence
    for t in sent:
        if t.is_space or t.is_punct:
            continue
        if t.i in inside:
            if not words or words[-1][1] != "ENT":
                words.append((t.i, "ENT"))
            continue
        lem = norm(t.lemma_)
        f[f"b:{lem}"] = 1.0
        v = emb.vector(t.lower_) if emb is not None else None
        if v is not None:
            svecs.append(v)
        d = t.i - start if t.i < start else t.i - (end - 1)
        if abs(d) <= WINDOW:
            f[f"w:{lem}@{_bucket(d)}"] = 1.0
            f[f"w:{lem}"] = 1.0
            if v is not None:
                vecs.append(v)
        if abs(t.i - start) <= WINDOW + 1:
            words.append((t.i, lem))
        if t.lower_ in NEGATORS and abs(d) <= 3:
            f["neg_near"] = 1.0
        w = lexicon.get(lem)
        if w:
            f[f"lx:{lem}"] = 1.0
            pos, neg = (pos + w, neg) if w > 0 else (pos, neg - w)
    for (_, a), (_, b) in zip(words, words[1:], strict=False):
        f[f"bg:{a}_{b}"] = 1.0
    f["slex:pos"], f["slex:neg"] = pos, neg
    # dependency neighbourhood
    for t in list(root.children) + ([root.head] if root.head.i != root.i else []):
        if t.i in inside:
            continue
        f[f"d:{t.dep_}:{norm(t.lemma_)}"] = 1.0
        for g in t.children:
            if g.i not in inside and g.i != root.i and not g.is_punct:
                f[f"d2:{norm(g.lemma_)}"] = 1.0
    score, evidence = score_mention(doc, start, end, lexicon)
    f["lex:score"] = score
    f["lex:pos"] = float(sum(1 for e in evidence if not e.startswith("не ")) if score > 0 else 0)
    f["lex:neg"] = float(sum(1 for e in evidence) if score < 0 else 0)
    # the mention's role with its governor's lemma, and the predicates above it
    f[f"rh:{root.dep_}:{norm(root.head.lemma_)}"] = 1.0
    f[f"tr:{tag}:{root.dep_}"] = 1.0
    t, k = root, 0
    while t.head.i != t.i and k < 4:
        t, k = t.head, k + 1
        if t.pos_ in {"VERB", "ADJ", "NOUN"}:
            f[f"anc:{norm(t.lemma_)}"] = 1.0
    # voice
    if in_quote:
        f["q:inside"] = 1.0
    if root.dep_.startswith("nsubj") and norm(root.head.lemma_) in _SPEECH:
        f["q:speaker"] = 1.0
    if emb is not None:
        for prefix, vs in (("e", vecs), ("s", svecs)):
            if vs:
                m = np.mean(vs, axis=0)
                for k, x in enumerate(m):
                    f[f"{prefix}{k}"] = float(x)
    return f


@dataclass
class LinearSentimentModel:
    """Multinomial logistic regression over sparse features, stored without pickle."""

    features: list[str]
    classes: list[int]
    coef: np.ndarray  # (n_classes, n_features)
    intercept: np.ndarray  # (n_classes,)
    meta: dict

    @classmethod
    def fit(cls, X: Sequence[dict[str, float]], y: Sequence[int], C: float = 0.03,
            class_weight: str | dict | None = "balanced", seed: int = 0, min_count: int = 2,
            meta: dict | None = None) -> LinearSentimentModel:
        from sklearn.feature_extraction import DictVectorizer
        from sklearn.linear_model import LogisticRegression

        # keep features seen in at least ``min_count`` training mentions (smaller, less noisy)
        counts: dict[str, int] = {}
        for x in X:
            for k in x:
                counts[k] = counts.get(k, 0) + 1
        keep = {k for k, c in counts.items() if c >= min_count}
        vec = DictVectorizer(sort=True)
        Xm = vec.fit_transform([{k: v for k, v in x.items() if k in keep} for x in X])
        clf = LogisticRegression(C=C, max_iter=3000, class_weight=class_weight,
                                 random_state=seed)
        clf.fit(Xm, list(y))
        return cls(list(vec.get_feature_names_out()), [int(c) for c in clf.classes_],
                   clf.coef_.astype(np.float32), clf.intercept_.astype(np.float32),
                   dict(meta or {}, C=C, min_count=min_count))

    def __post_init__(self) -> None:
        self._index = {name: i for i, name in enumerate(self.features)}
        self._coef64 = np.asarray(self.coef, dtype=np.float64)

    def decision(self, feats: dict[str, float]) -> np.ndarray:
        get = self._index.get
        pairs = [(i, v) for i, v in ((get(k), v) for k, v in feats.items())
                 if i is not None and v]
        z = self.intercept.astype(np.float64)
        if not pairs:
            return z
        idx = np.fromiter((i for i, _ in pairs), dtype=np.int64, count=len(pairs))
        val = np.fromiter((v for _, v in pairs), dtype=np.float64, count=len(pairs))
        return z + self._coef64[:, idx] @ val

    def predict_proba_one(self, feats: dict[str, float]) -> np.ndarray:
        z = self.decision(feats)
        z = np.exp(z - z.max())
        return z / z.sum()

    def predict_one(self, feats: dict[str, float]) -> tuple[int, float]:
        """Label and its probability.

        The label is the most probable class; the score is P(+1) − P(−1).
        """
        p = self.predict_proba_one(feats)
        k = int(np.argmax(p))
        cls = self.classes
        score = float(p[cls.index(1)] - p[cls.index(-1)]) if 1 in cls and -1 in cls else 0.0
        return cls[k], score

    def predict(self, X: Sequence[dict[str, float]]) -> list[int]:
        return [self.predict_one(x)[0] for x in X]

    def top_features(self, feats: dict[str, float], label: int, k: int = 5) -> list[str]:
        """The features that pushed this mention most toward ``label`` (for evidence)."""
        c = self.classes.index(label)
        contrib = []
        for name, val in feats.items():
            i = self._index.get(name)
            if i is not None and val and not _DENSE.match(name):
                contrib.append((self.coef[c, i] * val, name))
        contrib.sort(reverse=True)
        return [n for w, n in contrib[:k] if w > 0]

    # -- persistence (JSON + NPZ, no pickle) -----------------------------------------------
    def save(self, directory: Path) -> None:
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        meta = {"format": MODEL_FORMAT, "classes": self.classes, "features": self.features,
                "meta": self.meta}
        tmp = directory / "model.json.tmp"
        tmp.write_text(json.dumps(meta, ensure_ascii=False, sort_keys=True), encoding="utf-8")
        os.replace(tmp, directory / "model.json")
        with open(directory / "weights.npz.tmp", "wb") as fh:
            np.savez_compressed(fh, coef=self.coef, intercept=self.intercept)
        os.replace(directory / "weights.npz.tmp", directory / "weights.npz")

    @classmethod
    def load(cls, directory: Path) -> LinearSentimentModel:
        directory = Path(directory)
        meta = json.loads((directory / "model.json").read_text(encoding="utf-8"))
        if meta.get("format") != MODEL_FORMAT:
            raise ValueError(f"{directory}/model.json: not a {MODEL_FORMAT} model")
        with np.load(directory / "weights.npz", allow_pickle=False) as w:
            coef, intercept = w["coef"], w["intercept"]
        if coef.shape != (len(meta["classes"]), len(meta["features"])):
            raise ValueError(f"{directory}: weights do not match the feature list")
        return cls(meta["features"], meta["classes"], coef, intercept, meta["meta"])


def f1_pn(gold: Sequence[int], pred: Sequence[int]) -> float:
    """RuSentNE-2023's official metric: macro-F1 over the classes +1 and −1 only (×100).

    >>> f1_pn([1, -1, 0, 1], [1, -1, 1, 0])
    75.0
    """
    scores = []
    for c in (1, -1):
        tp = sum(1 for g, p in zip(gold, pred, strict=True) if g == c and p == c)
        fp = sum(1 for g, p in zip(gold, pred, strict=True) if g != c and p == c)
        fn = sum(1 for g, p in zip(gold, pred, strict=True) if g == c and p != c)
        prec = tp / (tp + fp) if tp + fp else 0.0
        rec = tp / (tp + fn) if tp + fn else 0.0
        scores.append(2 * prec * rec / (prec + rec) if prec + rec else 0.0)
    return round(100 * sum(scores) / 2, 2)
