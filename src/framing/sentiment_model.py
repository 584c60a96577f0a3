"""A trained mention-level sentiment model (RuSentNE-style: polarity toward an entity).

Features of one mention, all computed from the annotated ``Doc`` (no torch at inference):

* ``w:<lemma>@<pos>`` — lemmas in a ±6-token window with relative position buckets, the
  mention itself masked;
* ``d:<rel>:<lemma>`` — lemmas within two dependency arcs of the mention, with the arc label;
* ``lex:*`` — the evaluative-lexicon score and counts from :mod:`framing.sentiment`
  (negation-aware), so the model sees the same evidence the report shows;
* ``tag:<TYPE>``, ``role:<dep>``, ``rh:<dep>:<governor>``, ``tr:<TYPE>:<dep>``, ``anc:<lemma>``
  (predicates up to four arcs above) and ``q:*`` voice features (inside a quote, subject of a
  reporting verb);
* ``bg:<a>_<b>`` — lemma bigrams of the window with the mention masked as ``ENT``;
* ``lx:<lemma>``, ``slex:*`` — evaluative-lexicon words anywhere in the sentence;
* the dense block (:attr:`Features.dense`) — mean navec embeddings (300 d, the vectors shipped
  in ``natasha``) of the window and of the whole sentence, mention masked.

There is no bag of the sentence's lemmas: it lets the model recognise a sentence it saw with
another entity rather than learn the polarity toward this one (cross-validation grouped by
sentence drops by a point with it, see the model card).

What the mentions of one sentence share (lemmas, lexicon hits, vectors) is computed once per
sentence and kept while the same Doc is being processed.

The model is a multinomial logistic regression (scikit-learn) saved as JSON (feature names,
classes, metadata) + NPZ (weights) — never pickle.  Prediction is a gather of the mention's
sparse feature rows plus a small dense matrix-vector product.
"""

from __future__ import annotations

import json
import os
import re
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .docview import doc_view
from .sentiment import NEGATORS, evidence_spans
from .sentiment_cnn import (
    CNN_FORMAT,
    CNNSentimentModel,
    MentionTokens,
    SentenceTokens,
    sentence_tokens_at,
    stack_mentions,
)

WINDOW = 6
_DENSE = re.compile(r"^[es]\d+$")
MODEL_FORMAT = "framing-linear-sentiment/1"
_SPEECH = {"сказать", "заявить", "говорить", "отметить", "считать", "подчеркнуть", "сообщить",
           "заявлять", "утверждать", "назвать", "называть", "пояснить", "добавить"}


#: Relative-position bucket of a window word (distance to the mention's nearest edge).
_BUCKET = {d: (("L" if d < 0 else "R") + (str(abs(d)) if abs(d) <= 2 else "3-6"))
           for d in range(-WINDOW, WINDOW + 1)}
_ANC_POS = {"VERB", "ADJ", "NOUN"}


class Embeddings:
    """navec vectors shipped inside the ``natasha`` package (lazy-loaded once)."""

    def __init__(self) -> None:
        from .nlp import shared_navec

        self.navec = shared_navec()  # the NLP models' copy when they are loaded in this process
        self.dim = 300
        self._cache: dict[str, np.ndarray | None] = {}

    def vector(self, word: str) -> np.ndarray | None:
        try:
            return self._cache[word]
        except KeyError:
            v = self.navec.get(word)
            self._cache[word] = v
            return v

    def vectors(self, words: Sequence[str]) -> list[np.ndarray | None]:
        """:meth:`vector` of every word of ``words``.  The words not seen before are decoded
        together: one gather from navec's quantisation codes (``pq.codes[q, indexes[id, q]]``
        for every part ``q``) for all of them, the very values ``navec.get`` gathers word by
        word."""
        cache = self._cache
        new = [w for w in dict.fromkeys(words) if w not in cache]
        if new:
            ids = list(map(self.navec.vocab.word_ids.get, new))
            cache.update(dict.fromkeys(new))
            found = [k for k, i in enumerate(ids) if i is not None]
            if found:
                pq = self.navec.pq
                parts = pq.codes.reshape(-1, pq.codes.shape[-1])  # (part, centroid) → values
                at = pq.indexes[[ids[k] for k in found]] + pq.qdims * pq.codes.shape[1]
                rows = np.take(parts, at, axis=0).reshape(len(found), pq.dim)
                for k, row in zip(found, rows, strict=True):
                    cache[new[k]] = row
        return [cache[w] for w in words]


class Features(dict):
    """Sparse features of one mention (name → value) plus its dense part (``.dense``: the
    navec means, or ``None`` without embeddings) and, for the CNN, where the mention is
    (``.src``: ``(doc, start, end, tag, lexicon, emb)``, or ``None``)."""

    __slots__ = ("dense", "src")

    def __init__(self, *args, dense: np.ndarray | None = None, src: tuple | None = None,
                 **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.dense = dense
        self.src = src


class _Sentence:
    """What every mention of one sentence shares: its word tokens (punctuation and spaces
    left out) with normalised lemmas, lowercase forms, lexicon hits and the navec vectors."""

    __slots__ = ("idx", "lem", "low", "lexw", "vec", "has", "vsum", "nvec", "known")

    def __init__(self, doc, start: int, end: int, lexicon: dict[str, float],
                 emb: Embeddings | None) -> None:
        v = doc_view(doc)
        space, punct = v.is_space, v.is_punct
        idx = [i for i in range(start, end) if not (space[i] or punct[i])]
        lem = [v.lemma[i] for i in idx]
        low = [v.lower[i] for i in idx]
        self.idx, self.lem, self.low = idx, lem, low
        self.lexw = [(k, w) for k, w in enumerate(map(lexicon.get, lem)) if w]
        if emb is not None:
            # the CNN's vectors of the sentence's tokens (spaces left out), punctuation dropped
            st = sentence_tokens_at(doc, start, end, lexicon)
            allvec = st.vectors(emb)
            sel = [k for k, i in enumerate(st.ids) if not punct[i]]
            vec, has = allvec[sel], st.known[sel]
            self.vec, self.has, self.known = vec, has, has.tolist()
            self.vsum, self.nvec = vec.sum(0), int(has.sum())


class _SentenceCache:
    """The :class:`_Sentence` records of the last Doc seen (mentions come doc by doc); it
    holds that Doc, so identity comparison is safe."""

    def __init__(self) -> None:
        self.key: tuple = (None, None, None)
        self.sents: dict[int, _Sentence] = {}

    def get(self, doc, bounds: tuple[int, int], lexicon: dict[str, float],
            emb: Embeddings | None) -> _Sentence:
        k = self.key
        if k[0] is not doc or k[1] is not lexicon or k[2] is not emb:
            self.key, self.sents = (doc, lexicon, emb), {}
        s = self.sents.get(bounds[0])
        if s is None:
            s = self.sents[bounds[0]] = _Sentence(doc, *bounds, lexicon, emb)
        return s


_SENTENCES = _SentenceCache()


def mention_features(doc, start: int, end: int, lexicon: dict[str, float],
                     tag: str = "", emb: Embeddings | None = None,
                     in_quote: bool = False) -> Features:
    """Features of the mention ``doc[start:end]`` (see the module docstring).

    What the mentions of one sentence share is computed once per sentence.
    """
    f = Features()
    v = doc_view(doc)  # the tokens' attributes without making spaCy Token objects
    r = v.span_root(start, end)
    s = _SENTENCES.get(doc, v.sentence(r), lexicon, emb)
    head = v.head[r]
    rdep = v.dep[r]
    hlem = v.lemma[head]
    if tag:
        f["tag:" + tag] = 1.0
    f["role:" + rdep] = 1.0
    f["head:" + hlem] = 0.0 if start <= head < end else 1.0
    idx, lem, low = s.idx, s.lem, s.low
    a, b = bisect_left(idx, start), bisect_left(idx, end)  # idx[a:b]: the mention's words
    # the ±WINDOW window by position bucket, and the bigrams of the masked words around
    lo, hi = bisect_left(idx, start - WINDOW), bisect_right(idx, end - 1 + WINDOW)
    blo, bhi = bisect_left(idx, start - WINDOW - 1), bisect_right(idx, start + WINDOW + 1)
    words: list[str] = []
    for k in range(min(lo, blo), max(hi, bhi)):
        if a <= k < b:
            if not words or words[-1] != "ENT":
                words.append("ENT")
            continue
        i, x = idx[k], lem[k]
        if lo <= k < hi:
            d = i - start if i < start else i - end + 1
            f[f"w:{x}@{_BUCKET[d]}"] = 1.0
            f["w:" + x] = 1.0
            if -3 <= d <= 3 and low[k] in NEGATORS:
                f["neg_near"] = 1.0
        if blo <= k < bhi:
            words.append(x)
    for x, z in zip(words, words[1:], strict=False):
        f[f"bg:{x}_{z}"] = 1.0
    # evaluative words anywhere in the sentence
    pos = neg = 0.0
    for k, w in s.lexw:
        if a <= k < b:
            continue
        f["lx:" + lem[k]] = 1.0
        if w > 0:
            pos += w
        else:
            neg -= w
    f["slex:pos"], f["slex:neg"] = pos, neg
    # dependency neighbourhood
    kids, lemma, punct = v.children, v.lemma, v.is_punct
    nbrs = list(kids[r])
    if head != r:
        nbrs.append(head)
    for t in nbrs:
        if start <= t < end:
            continue
        f[f"d:{v.dep[t]}:{lemma[t]}"] = 1.0
        for g in kids[t]:
            if not start <= g < end and g != r and not punct[g]:
                f["d2:" + lemma[g]] = 1.0
    # the lexicon score and its evidence words (:func:`~framing.sentiment.score_mention`, whose
    # evidence reads «не <words>» when negated); the words' text only when it is asked for
    score, hits = evidence_spans(doc, start, end, lexicon)
    f["lex:score"] = score
    f["lex:pos"] = float(sum(1 for a_, b_, _, neg in hits
                             if not neg and not doc[a_:b_].text.startswith("не "))
                         if score > 0 else 0)
    f["lex:neg"] = float(len(hits) if score < 0 else 0)
    # the mention's role with its governor's lemma, and the predicates above it
    f[f"rh:{rdep}:{hlem}"] = 1.0
    f[f"tr:{tag}:{rdep}"] = 1.0
    t, n = r, 0
    while v.head[t] != t and n < 4:
        t, n = v.head[t], n + 1
        if v.pos[t] in _ANC_POS:
            f["anc:" + lemma[t]] = 1.0
    # voice
    if in_quote:
        f["q:inside"] = 1.0
    if rdep.startswith("nsubj") and hlem in _SPEECH:
        f["q:speaker"] = 1.0
    if emb is not None:
        dim = emb.dim
        dense = np.zeros(2 * dim)
        known = s.known
        sel = [k for k in range(lo, hi) if known[k] and not a <= k < b]
        if sel:
            dense[:dim] = s.vec[sel].mean(0)
        nin = sum(known[a:b])
        if s.nvec > nin:
            tot = s.vsum - s.vec[a:b].sum(0) if nin else s.vsum
            dense[dim:] = tot / (s.nvec - nin)
        f.dense = dense
        f.src = (doc, start, end, tag, lexicon, emb)
    return f


def cnn_inputs(feats: Features) -> tuple[MentionTokens, np.ndarray]:
    """The CNN's input for the mention behind ``feats`` (made with embeddings): its token
    features and the navec vectors of its words (zero rows for unknown words)."""
    t, s, lo, hi = _cnn_source(feats)
    return t, s.vectors(feats.src[5])[lo:hi]


def _cnn_source(feats: Features) -> tuple[MentionTokens, SentenceTokens, int, int]:
    """The CNN's input for the mention behind ``feats``, its sentence's shared part and the
    range ``lo:hi`` of the sentence's tokens it covers."""
    doc, start, end, tag, lexicon, _emb = feats.src
    v = doc_view(doc)
    root = v.span_root(start, end)
    s = sentence_tokens_at(doc, *v.sentence(root), lexicon)  # shared by the sentence's mentions
    t, lo, hi = s.mention(start, end, tag, root)
    return t, s, lo, hi


@dataclass
class LinearSentimentModel:
    """Multinomial logistic regression over sparse features (and, optionally, a dense block:
    :attr:`Features.dense`), stored without pickle.

    With :class:`~framing.sentiment_cnn.CNNSentimentModel` networks (``cnn``: the same network
    trained with different seeds) the class probabilities are ``(1 − cnn_weight) · P_linear +
    cnn_weight · mean(P_cnn)`` for every mention whose features carry its source
    (:attr:`Features.src`); the evidence words (:meth:`top_features`) stay the linear part's.

    ``bias`` (one number per class, in :attr:`classes` order) is the decision rule: the label is
    ``argmax(log P + bias)`` (:func:`decide`); training chooses it by cross-validation to
    maximise F1_PN (:func:`framing.evaluate.choose_bias`). The probabilities and the score are
    unchanged by it.
    """

    features: list[str]
    classes: list[int]
    coef: np.ndarray  # (n_classes, n_features)
    intercept: np.ndarray  # (n_classes,)
    meta: dict
    dense_coef: np.ndarray | None = None  # (n_classes, n_dense)
    cnn: list[CNNSentimentModel] | None = None
    cnn_weight: float = 0.5
    bias: np.ndarray | None = None  # (n_classes,) added to the log-probabilities

    @classmethod
    def fit(cls, X: Sequence[dict[str, float]], y: Sequence[int], C: float = 0.03,
            class_weight: str | dict | None = "balanced", seed: int = 0, min_count: int = 2,
            meta: dict | None = None) -> LinearSentimentModel:
        from sklearn.linear_model import LogisticRegression

        vocab, Xm = sparse_matrix(X, min_count)
        clf = LogisticRegression(C=C, max_iter=3000, class_weight=class_weight,
                                 random_state=seed)
        clf.fit(Xm, list(y))
        coef = clf.coef_.astype(np.float32)
        n = len(vocab)
        return cls(vocab, [int(c) for c in clf.classes_], coef[:, :n],
                   clf.intercept_.astype(np.float32), dict(meta or {}, C=C, min_count=min_count),
                   coef[:, n:] if coef.shape[1] > n else None)

    def __post_init__(self) -> None:
        self._index = {name: i for i, name in enumerate(self.features)}
        self._coef_lists: dict[int, list[float]] = {}  # per class, for :meth:`top_features`
        # one row per feature: gathering the rows of a mention's features is contiguous
        self._rows = np.ascontiguousarray(np.asarray(self.coef, dtype=np.float64).T)
        self._b = np.asarray(self.intercept, dtype=np.float64)
        self._dense = (None if self.dense_coef is None
                       else np.asarray(self.dense_coef, dtype=np.float64))
        for net in self.cnn or []:
            if net.classes != self.classes:
                raise ValueError(f"CNN classes {net.classes} differ from {self.classes}")
        if self.bias is not None:
            self.bias = np.asarray(self.bias, dtype=np.float64)
            if self.bias.shape != (len(self.classes),):
                raise ValueError(f"decision bias {self.bias.tolist()} does not match the "
                                 f"classes {self.classes}")

    def linear_only(self) -> LinearSentimentModel:
        """The same model without its CNN part and its decision bias (which was chosen for
        the whole model): the plain linear model's argmax."""
        return LinearSentimentModel(self.features, self.classes, self.coef, self.intercept,
                                    self.meta, self.dense_coef)

    def decision(self, feats: dict[str, float]) -> np.ndarray:
        get = self._index.get
        idx: list[int] = []
        val: list[float] = []
        for k, v in feats.items():
            i = get(k)
            if i is not None and v:
                idx.append(i)
                val.append(v)
        z = self._b + np.dot(val, self._rows[idx]) if idx else self._b.copy()
        dense = getattr(feats, "dense", None)
        if self._dense is not None and dense is not None:
            z += self._dense @ dense
        return z

    def decision_batch(self, X: Sequence[dict[str, float]]) -> np.ndarray:
        """:meth:`decision` of many mentions at once (m × classes): one gather of all their
        sparse feature rows, summed per mention, and one product for the dense blocks."""
        get = self._index.get
        idx: list[int] = []
        val: list[float] = []
        cnt: list[int] = []
        for feats in X:
            n0 = len(idx)
            for k, v in feats.items():
                i = get(k)
                if i is not None and v:
                    idx.append(i)
                    val.append(v)
            cnt.append(len(idx) - n0)
        z = np.tile(self._b, (len(X), 1))
        if idx:
            n = np.asarray(cnt)
            some = n > 0
            rows = np.asarray(val)[:, None] * self._rows[idx]
            z[some] += np.add.reduceat(rows, (np.cumsum(n) - n)[some], axis=0)
        if self._dense is not None:
            with_dense = [r for r, x in enumerate(X) if getattr(x, "dense", None) is not None]
            if with_dense:
                z[with_dense] += np.stack([X[r].dense for r in with_dense]) @ self._dense.T
        return z

    def predict_proba_one(self, feats: dict[str, float]) -> np.ndarray:
        z = self.decision(feats)
        z = np.exp(z - z.max())
        p = z / z.sum()
        if self.cnn and getattr(feats, "src", None) is not None:
            p = (1 - self.cnn_weight) * p + self.cnn_weight * self.cnn_proba(*cnn_inputs(feats))
        return p

    def predict_proba(self, X: Sequence[dict[str, float]]) -> np.ndarray:
        """:meth:`predict_proba_one` of many mentions at once (m × classes), the linear part
        and every CNN batched over them; equal to it up to float rounding."""
        z = self.decision_batch(X)
        z = np.exp(z - z.max(1, keepdims=True))
        p = z / z.sum(1, keepdims=True)
        src = [r for r, x in enumerate(X) if getattr(x, "src", None) is not None]
        if self.cnn and src:
            # the word vectors of every sentence once, each mention's rows pointing into them
            items, rows, table = [], [], []
            offset: dict[int, tuple[SentenceTokens, int]] = {}  # (the sentence kept alive)
            n = 0
            for r in src:
                t, s, lo, hi = _cnn_source(X[r])
                if id(s) not in offset:
                    offset[id(s)] = s, n
                    table.append(s.vectors(X[r].src[5]))
                    n += len(table[-1])
                k = offset[id(s)][1]
                items.append(t)
                rows.append(np.arange(k + lo, k + hi))
            st = stack_mentions(items, table=np.concatenate(table), rows=rows)
            pc = np.mean([net.proba_stacked(st) for net in self.cnn], axis=0)
            p[src] = (1 - self.cnn_weight) * p[src] + self.cnn_weight * pc
        return p

    def cnn_proba(self, tokens: MentionTokens, vectors: np.ndarray) -> np.ndarray:
        """The mean class probabilities of the CNN networks."""
        return np.mean([net.proba(tokens, vectors) for net in self.cnn], axis=0)

    def label_score(self, p: np.ndarray) -> tuple[int, float]:
        """Label and score of class probabilities ``p``: the most probable class after the
        decision :attr:`bias` (:func:`decide`), and P(+1) − P(−1)."""
        k = decide(p, self.bias)
        cls = self.classes
        score = float(p[cls.index(1)] - p[cls.index(-1)]) if 1 in cls and -1 in cls else 0.0
        return cls[k], score

    def predict_one(self, feats: dict[str, float]) -> tuple[int, float]:
        """Label and its score.

        The label is the most probable class after the decision :attr:`bias` (:func:`decide`);
        the score is P(+1) − P(−1).
        """
        return self.label_score(self.predict_proba_one(feats))

    def predict_many(self, X: Sequence[dict[str, float]]) -> list[tuple[int, float]]:
        """:meth:`predict_one` of many mentions (one batch: pass one article's mentions, so
        that its results depend on that article alone)."""
        return [self.label_score(p) for p in self.predict_proba(X)] if len(X) else []

    def predict(self, X: Sequence[dict[str, float]]) -> list[int]:
        return [self.predict_one(x)[0] for x in X]

    def top_features(self, feats: dict[str, float], label: int, k: int = 5) -> list[str]:
        """The features that pushed this mention most toward ``label`` (for evidence)."""
        c = self.classes.index(label)
        coef = self.coef[c]
        # the products as Python numbers (equal to them: their order is that of the products
        # in the coefficients' precision); a product by 1 is the coefficient itself
        ones = self._coef_lists.get(c)
        if ones is None:
            ones = self._coef_lists[c] = coef.tolist()
        get = self._index.get
        contrib = []
        for name, val in feats.items():
            i = get(name)
            if i is not None and val and not (name[:1] in "es" and _DENSE.match(name)):
                contrib.append((ones[i] if val == 1 else float(coef[i] * val), name))
        contrib.sort(reverse=True)
        return [n for w, n in contrib[:k] if w > 0]

    # -- persistence (JSON + NPZ, no pickle) -----------------------------------------------
    def save(self, directory: Path) -> None:
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        meta = {"format": MODEL_FORMAT, "classes": self.classes, "features": self.features,
                "meta": self.meta}
        arrays = {"coef": self.coef, "intercept": self.intercept}
        if self.dense_coef is not None:
            meta["dense"] = int(self.dense_coef.shape[1])
            arrays["dense_coef"] = self.dense_coef
        if self.cnn:
            meta["cnn"] = {"format": CNN_FORMAT, "weight": self.cnn_weight,
                           "networks": [net.config for net in self.cnn]}
            for k, net in enumerate(self.cnn):
                arrays.update(net.arrays(f"cnn{k}."))
        if self.bias is not None:
            meta["decision_bias"] = [round(float(b), 6) for b in self.bias]
        tmp = directory / "model.json.tmp"
        tmp.write_text(json.dumps(meta, ensure_ascii=False, sort_keys=True), encoding="utf-8")
        os.replace(tmp, directory / "model.json")
        with open(directory / "weights.npz.tmp", "wb") as fh:
            np.savez_compressed(fh, **arrays)
        os.replace(directory / "weights.npz.tmp", directory / "weights.npz")

    @classmethod
    def load(cls, directory: Path) -> LinearSentimentModel:
        directory = Path(directory)
        meta = json.loads((directory / "model.json").read_text(encoding="utf-8"))
        if meta.get("format") != MODEL_FORMAT:
            raise ValueError(f"{directory}/model.json: not a {MODEL_FORMAT} model")
        cnn, cnn_meta = None, meta.get("cnn")
        with np.load(directory / "weights.npz", allow_pickle=False) as w:
            coef, intercept = w["coef"], w["intercept"]
            dense = w["dense_coef"] if "dense_coef" in w.files else None
            if cnn_meta is not None:
                if cnn_meta.get("format") != CNN_FORMAT or not cnn_meta.get("networks"):
                    raise ValueError(f"{directory}/model.json: cnn is not {CNN_FORMAT}")
                cnn = []
                for k, config in enumerate(cnn_meta["networks"]):
                    pre = f"cnn{k}."
                    try:
                        cnn.append(CNNSentimentModel.from_arrays(
                            {n: w[n] for n in w.files if n.startswith(pre)}, meta["classes"],
                            config, pre))
                    except ValueError as e:
                        raise ValueError(f"{directory}/weights.npz: {e}") from None
        if coef.shape != (len(meta["classes"]), len(meta["features"])):
            raise ValueError(f"{directory}: weights do not match the feature list")
        if (dense is None) != ("dense" not in meta) or (
                dense is not None and dense.shape != (len(meta["classes"]), meta["dense"])):
            raise ValueError(f"{directory}: dense weights do not match model.json")
        bias = meta.get("decision_bias")
        if bias is not None and (not isinstance(bias, list) or len(bias) != len(
                meta["classes"]) or not all(isinstance(b, int | float) for b in bias)):
            raise ValueError(f"{directory}/model.json: decision_bias must be one number per "
                             f"class {meta['classes']}, not {bias!r}")
        return cls(meta["features"], meta["classes"], coef, intercept, meta["meta"], dense,
                   cnn, float(cnn_meta["weight"]) if cnn_meta else 0.5,
                   None if bias is None else np.asarray(bias, dtype=np.float64))


def decide(p: np.ndarray, bias: np.ndarray | None = None) -> int:
    """Index of the decided class: ``argmax(log p + bias)`` (plain argmax without a bias).

    >>> decide(np.array([0.3, 0.4, 0.3]))
    1
    >>> decide(np.array([0.3, 0.4, 0.3]), np.array([0.0, -0.5, 0.1]))
    2
    """
    if bias is None:
        return int(np.argmax(p))
    return int(np.argmax(np.log(np.maximum(p, 1e-300)) + bias))


def sparse_matrix(X: Sequence[dict[str, float]], min_count: int = 2,
                  vocab: Sequence[str] | None = None):
    """``(vocabulary, CSR matrix)`` of feature dicts: the sparse features seen in at least
    ``min_count`` rows (sorted), then the dense block of :class:`Features` when present.
    With ``vocab`` the columns are those features (for held-out rows)."""
    import scipy.sparse as sp

    if vocab is None:
        counts: dict[str, int] = {}
        for x in X:
            for k in x:
                counts[k] = counts.get(k, 0) + 1
        vocab = sorted(k for k, c in counts.items() if c >= min_count)
    index = {k: i for i, k in enumerate(vocab)}
    indptr, cols, vals = [0], [], []
    for x in X:
        for k, v in x.items():
            i = index.get(k)
            if i is not None and v:
                cols.append(i)
                vals.append(v)
        indptr.append(len(cols))
    m = sp.csr_matrix((np.asarray(vals, dtype=np.float64), np.asarray(cols, dtype=np.int64),
                       np.asarray(indptr, dtype=np.int64)), shape=(len(X), len(vocab)))
    dense = [getattr(x, "dense", None) for x in X]
    if X and all(d is not None for d in dense):
        m = sp.hstack([m, sp.csr_matrix(np.vstack(dense))], format="csr")
    return list(vocab), m


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
