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

from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .docview import doc_view
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
#: Relative-position ids of the MAXLEN words before a mention (−MAXLEN … −1) and after it.
_BEFORE = np.clip(np.arange(-MAXLEN, 0), -RELB, RELB) + RELB
_AFTER = np.clip(np.arange(1, MAXLEN + 1), -RELB, RELB) + RELB


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


@dataclass
class MentionStack:
    """The network inputs of ``n`` mentions stacked for one forward pass
    (:meth:`CNNSentimentModel.proba_stacked`): the rows of every mention with at least one
    token (``keep``), each mention's rows preceded by a zero row (``pad``) and the last
    followed by one; ``vec`` is a table of word vectors (float32, last row zero) and ``vrow``
    each row's index in it, so that the words of a sentence shared by several mentions are
    projected once.  ``starts``, ``seg``, ``a``, ``b`` index the rows without the pads: where
    each mention's rows start, the mention of each row, each mention's own word range."""

    n: int
    keep: np.ndarray
    vec: np.ndarray
    vrow: np.ndarray
    cat: np.ndarray
    flt: np.ndarray
    pad: np.ndarray
    starts: np.ndarray
    seg: np.ndarray
    a: np.ndarray
    b: np.ndarray
    tag: np.ndarray


def stack_mentions(items: Sequence[MentionTokens], vectors: Sequence[np.ndarray] | None = None,
                   table: np.ndarray | None = None,
                   rows: Sequence[np.ndarray] | None = None) -> MentionStack:
    """Stack the inputs of ``items`` (see :class:`MentionStack`).  The vectors of item ``k``
    are ``vectors[k]`` (n × dim), or rows ``rows[k]`` of ``table`` (u × dim)."""
    keep = [k for k, t in enumerate(items) if len(t.words)]
    lens = np.array([len(items[k].words) for k in keep], dtype=np.int64)
    starts = np.zeros(len(keep), dtype=np.int64)
    np.cumsum(lens[:-1], out=starts[1:])
    if table is None:
        vs = [np.asarray(vectors[k], dtype=np.float32) for k in keep]
        dim = vs[0].shape[1] if vs else 0
        table = np.concatenate([*vs, np.zeros((1, dim), dtype=np.float32)])
        rows = [np.arange(s, s + n) for s, n in zip(starts, lens, strict=True)]
    else:
        dim = table.shape[1]
        table = np.concatenate([np.asarray(table, dtype=np.float32),
                                np.zeros((1, dim), dtype=np.float32)])
        rows = [rows[k] for k in keep]
    zero = len(table) - 1
    nrows = int(lens.sum()) + len(keep) + 1
    pad = np.ones(nrows, dtype=bool)
    at = starts + np.arange(1, len(keep) + 1)  # where each mention's rows start, pads included
    real = np.repeat(at - starts, lens) + np.arange(int(lens.sum()))
    pad[real] = False
    vrow = np.full(nrows, zero, dtype=np.int64)
    cat = np.zeros((nrows, 4), dtype=np.int64)
    flt = np.zeros((nrows, N_FLOAT), dtype=np.float32)
    if keep:
        vrow[real] = np.concatenate(rows)
        cat[real] = np.concatenate([items[k].cat for k in keep])
        flt[real] = np.concatenate([items[k].flt for k in keep])
    return MentionStack(
        len(items), np.array(keep, dtype=np.int64), table, vrow, cat, flt, pad, starts,
        np.repeat(np.arange(len(keep)), lens), starts + [items[k].a for k in keep],
        starts + [items[k].b for k in keep], np.array([items[k].tag for k in keep], np.int64))


def mention_tokens(doc, start: int, end: int, lexicon: dict[str, float],
                   tag: str = "") -> MentionTokens:
    """Token features of the mention ``doc[start:end]`` within its sentence.

    What the mentions of one sentence share is computed once (:class:`SentenceTokens`, kept
    while the same Doc is being processed).

    >>> from framing.ingest import parse_text
    >>> from framing.nlp import NLP
    >>> doc = NLP()(parse_text("Путин похвалил Токаева.", "x", "x.txt"))
    >>> t = mention_tokens(doc, 2, 3, {"похвалить": 1.0}, "PERSON")
    >>> t.words, t.a, t.b, t.tag
    (['путин', 'похвалил', 'токаева', '.'], 2, 3, 1)
    >>> t.cat[:, 3].tolist(), t.flt[:, 0].tolist()  # tree distance; lexicon weight
    ([2, 1, 0, 2], [0.0, 1.0, 0.0, 0.0])
    """
    v = doc_view(doc)
    root = v.span_root(start, end)
    return sentence_tokens_at(doc, *v.sentence(root), lexicon).mention(start, end, tag, root)[0]


class SentenceTokens:
    """What the network's inputs of every mention of one sentence share: the sentence's tokens
    (spaces left out) with their lowercase forms, POS and dependency ids, lexicon weights and
    negator flags, and the sentence's dependency tree as adjacency lists.  Only the relative
    positions, the tree distances and the in-mention flags depend on the mention
    (:meth:`mention`)."""

    __slots__ = ("ids", "words", "cat", "flt", "pos", "dep", "lex", "neg", "adj", "vec",
                 "known", "vec_of")

    def __init__(self, sent, lexicon: dict[str, float]) -> None:
        v = doc_view(sent.doc)
        space = v.is_space
        self.ids = ids = [i for i in range(sent.start, sent.end) if not space[i]]
        self.words = [v.lower[i] for i in ids]
        # the columns of the network's inputs that do not depend on the mention (the others
        # are zero here): POS and dependency ids, lexicon weight and negator flag
        self.cat = np.zeros((len(ids), 4), dtype=np.int64)
        self.cat[:, 0] = [_POS_I.get(v.pos[i], 0) for i in ids]
        self.cat[:, 1] = [_DEP_I.get(v.dep[i], 0) for i in ids]
        self.flt = np.zeros((len(ids), N_FLOAT), dtype=np.float32)
        self.flt[:, 0] = [lexicon.get(v.lemma[i], 0.0) for i in ids]
        self.flt[:, 1] = [w in NEGATORS for w in self.words]
        self.pos, self.dep, self.lex, self.neg = (self.cat[:, 0], self.cat[:, 1],
                                                  self.flt[:, 0], self.flt[:, 1])
        # the dependency tree of the whole sentence (spaces included) as adjacency lists
        adj: dict[int, list[int]] = {i: [] for i in range(sent.start, sent.end)}
        head = v.head
        for i in range(sent.start, sent.end):
            h = head[i]
            if h != i and h in adj:
                adj[i].append(h)
                adj[h].append(i)
        self.adj = adj
        # the words' vectors and which words have one, filled by :meth:`vectors`
        self.vec, self.known, self.vec_of = None, None, None

    def vectors(self, emb) -> np.ndarray:
        """The words' vectors (n × ``emb.dim``, zero rows for unknown words) by
        ``emb.vectors(words)`` (:meth:`framing.sentiment_model.Embeddings.vectors`), computed
        once per sentence and embeddings; :attr:`known` tells which words have one."""
        if self.vec_of is not emb:
            found = emb.vectors(self.words)
            known = np.array([v is not None for v in found], dtype=bool)
            zero = np.zeros(emb.dim)
            vec = np.array([zero if v is None else v for v in found], dtype=np.float64)
            self.vec, self.known, self.vec_of = vec.reshape(len(found), emb.dim), known, emb
        return self.vec

    def mention(self, start: int, end: int, tag: str, root: int
                ) -> tuple[MentionTokens, int, int]:
        """The network's input for the mention ``doc[start:end]`` (whose syntactic root is the
        token ``root``) and the range ``lo:hi`` of the sentence's tokens it covers."""
        ids = self.ids
        a, b = bisect_left(ids, start), bisect_left(ids, end)
        lo, hi = max(0, a - MAXLEN), min(len(ids), b + MAXLEN)
        a, b = a - lo, b - lo
        # distance of every token of the sentence to the mention in the dependency tree
        adj = self.adj
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
        n = hi - lo
        cat = self.cat[lo:hi].copy()
        # the signed distance to the mention's nearest edge (a ≤ MAXLEN words before it,
        # n − b ≤ MAXLEN after), clipped at ±RELB
        cat[:a, 2] = _BEFORE[MAXLEN - a:]
        cat[a:b, 2] = RELB
        cat[b:, 2] = _AFTER[:n - b]
        cat[:, 3] = [dist.get(i, TREE + 1) for i in ids[lo:hi]]
        flt = self.flt[lo:hi].copy()
        flt[a:b, 2] = 1.0  # in the mention
        if a >= b and n:  # a mention without word tokens (punctuation only): its root stands in
            k = min(bisect_left(ids, root, lo, hi) - lo, n - 1)
            a, b = k, k + 1
        return MentionTokens(self.words[lo:hi], cat, flt, a, b, _TAG_I.get(tag, 0)), lo, hi


class _TokensCache:
    """The :class:`SentenceTokens` of the last Doc seen (mentions come doc by doc); it holds
    that Doc, so identity comparison is safe."""

    def __init__(self) -> None:
        self.key: tuple = (None, None)
        self.sents: dict[int, SentenceTokens] = {}

    def get(self, doc, start: int, end: int, lexicon: dict[str, float]) -> SentenceTokens:
        if self.key[0] is not doc or self.key[1] is not lexicon:
            self.key, self.sents = (doc, lexicon), {}
        s = self.sents.get(start)
        if s is None:
            s = self.sents[start] = SentenceTokens(doc[start:end], lexicon)
        return s


_TOKENS = _TokensCache()


def sentence_tokens(doc, sent, lexicon: dict[str, float]) -> SentenceTokens:
    """The :class:`SentenceTokens` of ``sent`` (a sentence of ``doc``), cached while the same
    Doc is being processed."""
    return _TOKENS.get(doc, sent.start, sent.end, lexicon)


def sentence_tokens_at(doc, start: int, end: int, lexicon: dict[str, float]
                       ) -> SentenceTokens:
    """:func:`sentence_tokens` of the sentence ``doc[start:end]`` (its bounds, e.g. from
    :meth:`framing.docview.DocView.sentence`: no spaCy Span made when it is cached)."""
    return _TOKENS.get(doc, start, end, lexicon)


def _relu(x: np.ndarray) -> np.ndarray:
    return np.maximum(x, 0.0)


def _row_means(h: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """The mean of the rows ``h[a[k]:b[k]]`` for every ``k`` (float32, as ``h``; the ranges
    ascending).  The rows of the ranges are gathered, then summed per range by
    ``np.add.reduceat``: the very sums that ``reduceat`` over ``h`` at ``[a₀, b₀, a₁, b₁, …]``
    makes, without going through the rows between the ranges.

    >>> h = np.arange(12, dtype=np.float32).reshape(6, 2)
    >>> _row_means(h, np.array([0, 3]), np.array([2, 6])).tolist()
    [[1.0, 2.0], [8.0, 9.0]]
    """
    own = b - a
    if not (own > 0).all():  # an empty range (not made by :meth:`SentenceTokens.mention`)
        hz = np.concatenate([h, np.zeros((1, h.shape[1]), dtype=h.dtype)])
        return (np.add.reduceat(hz, np.stack([a, b], 1).ravel(), axis=0)[::2]
                / own.astype(np.float32)[:, None])
    first = np.zeros(len(own), dtype=np.int64)
    np.cumsum(own[:-1], out=first[1:])
    rows = np.repeat(a - first, own) + np.arange(int(own.sum()))
    return np.add.reduceat(h[rows], first, axis=0) / own.astype(np.float32)[:, None]


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
        h = self._convolve(_relu(z))
        H = self.H
        m = h[t.a:t.b].mean(0)
        s = h @ (m @ self._q) / np.float32(np.sqrt(H))
        s = np.exp(s - s.max())
        ctx = (s / s.sum()) @ h
        z = np.concatenate([m, ctx, h.max(0), self._tag[t.tag]])
        o = (_relu(z @ self._hid + self._bhid) @ self._out + self._bout).astype(np.float64)
        o = np.exp(o - o.max())
        return o / o.sum()

    def _convolve(self, h: np.ndarray, pad: np.ndarray | None = None) -> np.ndarray:
        """The residual convolutions (kernel 3) over the rows of ``h``; rows marked in ``pad``
        are kept at zero (they separate stacked mentions)."""
        H = self.H
        for w, b in self._convs:
            g = h @ w  # rows × 3H
            c = g[:, H:2 * H] + b
            c[1:] += g[:-1, :H]
            c[:-1] += g[1:, 2 * H:]
            h = h + np.maximum(c, 0.0, out=c)  # the ReLU in place
            if pad is not None:
                h[pad] = 0.0
        return h

    def proba_batch(self, items: Sequence[MentionTokens], vectors: Sequence[np.ndarray]
                    ) -> np.ndarray:
        """:meth:`proba` of many mentions at once (m × classes), see :func:`stack_mentions`
        and :meth:`proba_stacked`."""
        return self.proba_stacked(stack_mentions(items, vectors))

    def proba_stacked(self, st: MentionStack) -> np.ndarray:
        """:meth:`proba` of every mention of ``st`` (m × classes): the same forward pass over
        all their rows at once, the zero row between two mentions keeping the convolutions
        from crossing, and the poolings per mention.  Equal to :meth:`proba` mention by
        mention up to float rounding (some products are summed in another order)."""
        C = len(self.classes)
        out = np.full((st.n, C), 1.0 / C)
        if not len(st.keep):
            return out
        z = (st.vec @ self._wv)[st.vrow] + st.flt @ self._wf + self._bin
        for j, table in enumerate(self._proj):
            z += table[st.cat[:, j]]
        h = np.maximum(z, 0.0, out=z)  # the ReLU in place
        h[st.pad] = 0.0
        h = self._convolve(h, st.pad)
        H = self.H
        h = h[~st.pad]  # the mentions' rows, one after the other
        starts, seg = st.starts, st.seg
        m = _row_means(h, st.a, st.b)  # the mean of each mention's own rows
        s = np.einsum("ij,ij->i", h, (m @ self._q)[seg]) / np.float32(np.sqrt(H))
        s = np.exp(s - np.maximum.reduceat(s, starts)[seg])
        s /= np.add.reduceat(s, starts)[seg]
        ctx = np.add.reduceat(s[:, None] * h, starts, axis=0)
        # the max over each mention's rows (exact in any order: one slice each is quicker than
        # np.maximum.reduceat, which goes down every column of h for every mention)
        ends = [*starts[1:].tolist(), len(h)]
        mx = np.stack([h[a:b].max(0) for a, b in zip(starts.tolist(), ends, strict=True)])
        z = np.concatenate([m, ctx, mx, self._tag[st.tag]], axis=1)
        o = (_relu(z @ self._hid + self._bhid) @ self._out + self._bout).astype(np.float64)
        o = np.exp(o - o.max(1, keepdims=True))
        out[st.keep] = o / o.sum(1, keepdims=True)
        return out

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
