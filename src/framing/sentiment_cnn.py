"""A small convolutional network over the mention's sentence (numpy inference, no torch).

It complements :class:`framing.sentiment_model.LinearSentimentModel`: the linear model sees a
bag of masked-context features, this one reads the sentence in order.  Every word token of the
mention's sentence (at most :data:`MAXLEN` words each side of the mention) becomes

* its navec vector (300 d, the vectors shipped in ``natasha``; zero when unknown),
* learned embeddings of its POS tag, its dependency label, its signed distance to the mention
  (clipped at ±:data:`RELB`) and its distance to the mention in the dependency tree (up to
  :data:`TREE` arcs),
* the evaluative-lexicon weight of its lemma, a negator flag and an in-mention flag.

A projection to ``H`` channels, two residual convolutions (kernel 3), then three poolings —
the mean over the mention's words, attention with the mention as query, and the max over the
sentence — with the entity type feed a small MLP with three outputs (−1, 0, +1).

The network is trained with torch (:mod:`framing.train_cnn`, optional extra ``train``); its
parameters are stored as NPZ arrays next to the linear model's (names prefixed ``cnnK.``), and
:meth:`CNNSentimentModel.proba` mirrors the torch forward pass in numpy.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .lexmatch import norm
from .sentiment import NEGATORS

#: Word tokens kept on each side of the mention.
MAXLEN = 40
#: Signed token distances to the mention are clipped to ±RELB.
RELB = 10
#: Tree distances beyond TREE arcs share one bucket.
TREE = 6
POS = ["ADJ", "ADP", "ADV", "AUX", "CCONJ", "DET", "INTJ", "NOUN", "NUM", "PART", "PRON",
       "PROPN", "PUNCT", "SCONJ", "SYM", "VERB", "X"]
DEPS = ["ROOT", "acl", "acl:relcl", "advcl", "advmod", "amod", "appos", "aux", "aux:pass",
        "case", "cc", "ccomp", "compound", "conj", "cop", "csubj", "csubj:pass", "dep", "det",
        "discourse", "expl", "fixed", "flat", "flat:foreign", "flat:name", "iobj", "list",
        "mark", "nmod", "nsubj", "nsubj:pass", "nummod", "nummod:entity", "nummod:gov", "obj",
        "obl", "obl:agent", "orphan", "parataxis", "punct", "xcomp"]
#: Entity types (RuSentNE's); 0 is "other / unknown".
TAGS = ["PERSON", "ORGANIZATION", "COUNTRY", "PROFESSION", "NATIONALITY"]
_POS_I = {p: i + 1 for i, p in enumerate(POS)}
_DEP_I = {p: i + 1 for i, p in enumerate(DEPS)}
_TAG_I = {p: i + 1 for i, p in enumerate(TAGS)}
#: Order of the categorical columns and their vocabulary sizes (index 0 = unknown).
CATEGORICAL = (("pos", len(POS) + 1), ("dep", len(DEPS) + 1), ("rel", 2 * RELB + 1),
               ("tree", TREE + 2))
N_FLOAT = 3
CNN_FORMAT = "framing-cnn-sentiment/1"


@dataclass
class MentionTokens:
    """The network's input for one mention: ``words`` (lowercase forms), ``cat`` (n × 4 ids:
    POS, dependency label, relative-position bucket, tree-distance bucket), ``flt`` (n × 3:
    lexicon weight, negator, in mention), the mention's word range ``a:b`` and its type id."""

    words: list[str]
    cat: np.ndarray
    flt: np.ndarray
    a: int
    b: int
    tag: int


def mention_tokens(doc, start: int, end: int, lexicon: dict[str, float],
                   tag: str = "") -> MentionTokens:
    """Token features of the mention ``doc[start:end]`` within its sentence.

    >>> from framing.ingest import parse_text
    >>> from framing.nlp import NLP
    >>> doc = NLP()(parse_text("Путин похвалил Токаева.", "x", "x.txt"))
    >>> t = mention_tokens(doc, 2, 3, {"похвалить": 1.0}, "PERSON")
    >>> t.words, t.a, t.b, t.tag
    (['путин', 'похвалил', 'токаева', '.'], 2, 3, 1)
    >>> t.cat[:, 3].tolist(), t.flt[:, 0].tolist()  # tree distance; lexicon weight
    ([2, 1, 0, 2], [0.0, 1.0, 0.0, 0.0])
    """
    root = doc[start:end].root
    sent = root.sent
    toks = [t for t in sent if not t.is_space]
    ids = [t.i for t in toks]
    a = next((k for k, i in enumerate(ids) if i >= start), len(ids))
    b = next((k for k, i in enumerate(ids) if i >= end), len(ids))
    lo, hi = max(0, a - MAXLEN), min(len(ids), b + MAXLEN)
    toks, a, b = toks[lo:hi], a - lo, b - lo
    # distance of every token of the sentence to the mention in the dependency tree
    adj: dict[int, list[int]] = {t.i: [] for t in sent}
    for t in sent:
        h = t.head.i
        if h != t.i and h in adj:
            adj[t.i].append(h)
            adj[h].append(t.i)
    dist = {i: 0 for i in range(start, end) if i in adj}
    frontier, d = list(dist), 0
    while frontier and d < TREE:
        d += 1
        nxt = []
        for i in frontier:
            for j in adj[i]:
                if j not in dist:
                    dist[j] = d
                    nxt.append(j)
        frontier = nxt
    n = len(toks)
    cat = np.zeros((n, 4), dtype=np.int64)
    flt = np.zeros((n, N_FLOAT), dtype=np.float32)
    words = []
    for k, t in enumerate(toks):
        words.append(t.lower_)
        inside = a <= k < b
        rel = 0 if inside else (k - a if k < a else k - b + 1)
        cat[k] = (_POS_I.get(t.pos_, 0), _DEP_I.get(t.dep_, 0),
                  max(-RELB, min(RELB, rel)) + RELB, dist.get(t.i, TREE + 1))
        flt[k] = (lexicon.get(norm(t.lemma_), 0.0), 1.0 if t.lower_ in NEGATORS else 0.0,
                  1.0 if inside else 0.0)
    if a >= b and n:  # a mention without word tokens (punctuation only): its root stands in
        k = min(max(0, next((k for k, t in enumerate(toks) if t.i >= root.i), n - 1)), n - 1)
        a, b = k, k + 1
    return MentionTokens(words, cat, flt, a, b, _TAG_I.get(tag, 0))


def _relu(x: np.ndarray) -> np.ndarray:
    return np.maximum(x, 0.0)


class CNNSentimentModel:
    """The network's parameters and its numpy forward pass (float32, as trained).

    ``params`` names follow the torch module's ``state_dict`` (see :mod:`framing.train_cnn`):
    ``inp.weight`` (H × D), ``convs.K.weight`` (H × H × 3), ``q.weight``, ``hid.*``, ``out.*``
    and the embedding tables ``pos/dep/rel/tree/tag.weight``.  ``classes`` are the output
    order (``[-1, 0, 1]``).
    """

    def __init__(self, params: dict[str, np.ndarray], classes: list[int],
                 config: dict | None = None) -> None:
        self.params = {k: np.asarray(v) for k, v in params.items()}
        self.classes = list(classes)
        self.config = dict(config or {})
        # float32 (as trained): half the time of float64 products on one core
        p = {k: np.asarray(v, dtype=np.float32) for k, v in self.params.items()}
        self.H = p["inp.weight"].shape[0]
        win = p["inp.weight"].T  # D × H: navec dims, then the embeddings, then the floats
        emb = [p[f"{name}.weight"] for name, _ in CATEGORICAL]
        self.dim = win.shape[0] - sum(e.shape[1] for e in emb) - N_FLOAT
        # the embedding tables go through the input projection once, here
        self._wv = win[:self.dim].copy()
        self._proj, k = [], self.dim
        for e in emb:
            self._proj.append(e @ win[k:k + e.shape[1]])
            k += e.shape[1]
        self._wf, self._bin = win[k:].copy(), p["inp.bias"]
        # a kernel-3 convolution as one product: [x W₀ | x W₁ | x W₂], shifted and summed
        self._convs = []
        k = 0
        while f"convs.{k}.weight" in p:
            w = p[f"convs.{k}.weight"]  # out × in × kernel (torch Conv1d)
            self._convs.append((np.concatenate([w[:, :, j].T for j in range(3)], axis=1),
                                p[f"convs.{k}.bias"]))
            k += 1
        self._q = p["q.weight"]
        self._tag = p["tag.weight"]
        self._hid, self._bhid = p["hid.weight"].T.copy(), p["hid.bias"]
        self._out, self._bout = p["out.weight"].T.copy(), p["out.bias"]

    def proba(self, t: MentionTokens, vectors: np.ndarray) -> np.ndarray:
        """Class probabilities (in :attr:`classes` order) of one mention; ``vectors`` holds
        the navec vector of every word of ``t`` (n × 300, zero rows for unknown words)."""
        n = len(t.words)
        if n == 0:
            return np.full(len(self.classes), 1.0 / len(self.classes))
        z = np.asarray(vectors, dtype=np.float32) @ self._wv + t.flt @ self._wf + self._bin
        for j, table in enumerate(self._proj):
            z += table[t.cat[:, j]]
        h = _relu(z)
        H = self.H
        for w, b in self._convs:
            g = h @ w  # n × 3H
            c = g[:, H:2 * H] + b
            c[1:] += g[:-1, :H]
            c[:-1] += g[1:, 2 * H:]
            h = h + _relu(c)
        m = h[t.a:t.b].mean(0)
        s = h @ (m @ self._q) / np.float32(np.sqrt(H))
        s = np.exp(s - s.max())
        ctx = (s / s.sum()) @ h
        z = np.concatenate([m, ctx, h.max(0), self._tag[t.tag]])
        o = (_relu(z @ self._hid + self._bhid) @ self._out + self._bout).astype(np.float64)
        o = np.exp(o - o.max())
        return o / o.sum()

    def arrays(self, prefix: str = "cnn0.") -> dict[str, np.ndarray]:
        """The parameters as float32 arrays named ``prefix + name`` (for one NPZ file)."""
        return {prefix + k: np.asarray(v, dtype=np.float32) for k, v in self.params.items()}

    @classmethod
    def from_arrays(cls, arrays, classes: list[int], config: dict | None = None,
                    prefix: str = "cnn0.") -> CNNSentimentModel:
        params = {k[len(prefix):]: np.asarray(arrays[k]) for k in arrays
                  if k.startswith(prefix)}
        missing = {"inp.weight", "inp.bias", "q.weight", "tag.weight", "hid.weight",
                   "hid.bias", "out.weight", "out.bias"} - set(params)
        missing |= {f"{name}.weight" for name, _ in CATEGORICAL} - set(params)
        if missing:
            raise ValueError(f"CNN parameters missing: {sorted(missing)}")
        return cls(params, classes, config)
