"""A Doc's token attributes as plain lists, computed once and shared by the annotators.

spaCy makes a new ``Token`` object on every ``doc[i]`` and at every step of ``for t in doc``,
and the annotators (actors, devices, frames, sentiment) read the same few attributes of every
token several times over.  :func:`doc_view` reads them once per Doc; the view of the last Doc
asked for is kept (the annotators run one after the other on the same Doc, which is not
changed after the NLP).

>>> from framing.ingest import parse_text
>>> from framing.nlp import NLP
>>> doc = NLP()(parse_text("Путин похвалил Токаева.", "x", "x.txt"))
>>> v = doc_view(doc)
>>> v.lemma, v.pos, v.head
(['путин', 'похвалить', 'токаев', '.'], ['PROPN', 'VERB', 'PROPN', 'PUNCT'], [1, 1, 1, 1])
>>> v.children[1] == [t.i for t in doc[1].children]
True
>>> doc_view(doc) is v
True
"""

from __future__ import annotations

import numpy as np

from .lexmatch import norm


class DocView:
    """Per token of ``doc``: ``text``, ``norm`` (:func:`~framing.lexmatch.norm` of the text),
    ``lower``, ``lemma`` (normalised), ``pos``, ``dep``, ``head`` (absolute index), ``idx``
    (character offset), ``ent_type``, ``is_punct`` and ``is_space``; :attr:`children`,
    :meth:`sentence` (a token's sentence bounds) and :meth:`span_root`."""

    __slots__ = ("doc", "text", "norm", "lower", "lemma", "pos", "dep", "head", "idx",
                 "ent_type", "is_punct", "is_space", "_children", "_sent", "_roots", "_full")

    def __init__(self, doc) -> None:
        from spacy import attrs as A
        from spacy.parts_of_speech import NAMES

        self.doc = doc
        # one array of the tokens' attributes, each distinct string id looked up once (what
        # ``Token.text``, ``.lower_``, ``.lemma_``, ``.pos_``, ``.dep_``, ``.ent_type_`` give)
        n = len(doc)
        attrs = [A.ORTH, A.LOWER, A.LEMMA, A.POS, A.DEP, A.IDX, A.ENT_TYPE, A.IS_PUNCT, A.IS_SPACE]
        cols = doc.to_array(attrs).reshape(n, 9).T.tolist() if n else [[] for _ in attrs]
        strings = doc.vocab.strings
        text, lower, lemma, dep, ent = (_strings(cols[k], strings) for k in (0, 1, 2, 4, 6))
        pos_of = {p: NAMES[p] for p in set(cols[3])}
        self.text, self.lower, self.dep = text, lower, dep
        self.lemma = _normed(lemma)
        self.pos = [pos_of[p] for p in cols[3]]
        self.norm = _normed(text)
        self.idx, self.ent_type = cols[5], ent
        self.is_punct, self.is_space = [bool(x) for x in cols[7]], [bool(x) for x in cols[8]]
        # HEAD holds each token's offset to its head (two's complement in uint64)
        rel = doc.to_array([A.HEAD]).reshape(-1).view(np.int64) if len(doc) else np.zeros(0, int)
        self.head = (rel + np.arange(len(doc))).tolist()
        self._children: list[list[int]] | None = None
        self._sent: list[tuple[int, int]] | None = None
        self._roots: dict[tuple[int, int], int] = {}
        self._full: str | None = None

    @property
    def children(self) -> list[list[int]]:
        """Each token's dependents in text order (``Token.children``)."""
        if self._children is None:
            kids: list[list[int]] = [[] for _ in self.head]
            for i, h in enumerate(self.head):
                if h != i:
                    kids[h].append(i)
            self._children = kids
        return self._children

    def sentence(self, i: int) -> tuple[int, int]:
        """``(start, end)`` of token ``i``'s sentence (``doc[i].sent``) without making spaCy
        objects for every token: the sentences are read once per Doc."""
        if self._sent is None:
            bounds: list[tuple[int, int]] = []
            for s in self.doc.sents:
                bounds.extend([(s.start, s.end)] * (s.end - s.start))
            self._sent = bounds
        return self._sent[i]

    @property
    def full_text(self) -> str:
        """``doc.text``, built once (spaCy rebuilds it from a new ``Token`` per token on
        every call)."""
        if self._full is None:
            from spacy.attrs import SPACY

            ws = self.doc.to_array(SPACY).tolist() if len(self.doc) else []
            self._full = "".join([t + " " if sp else t
                                  for t, sp in zip(self.text, ws, strict=True)])
        return self._full

    def span_root(self, start: int, end: int) -> int:
        """Index of ``doc[start:end].root`` (spaCy's rule), kept for every span asked for."""
        r = self._roots.get((start, end))
        if r is None:
            r = self._roots[(start, end)] = self.doc[start:end].root.i
        return r


def _strings(ids: list[int], strings) -> list[str]:
    """The string of each id (one StringStore look-up per distinct id)."""
    of = {i: strings[i] for i in set(ids)}
    return [of[i] for i in ids]


def _normed(words: list[str]) -> list[str]:
    """:func:`~framing.lexmatch.norm` of each word (computed once per distinct word)."""
    of = {w: norm(w) for w in set(words)}
    return [of[w] for w in words]


_LAST: list = [None]


def doc_view(doc) -> DocView:
    """The :class:`DocView` of ``doc`` (kept for the last Doc asked for)."""
    v = _LAST[0]
    if v is None or v.doc is not doc:
        v = _LAST[0] = DocView(doc)
    return v


def sentence_back(tok, n: int):
    """The sentence ``n`` sentences before ``tok``'s (or the document's first).

    >>> from framing.ingest import parse_text
    >>> from framing.nlp import NLP
    >>> doc = NLP()(parse_text("Первое. Второе. Третье.", "x", "x.txt"))
    >>> sentence_back(doc[-1], 1).text, sentence_back(doc[-1], 5).text
    ('Второе.', 'Первое.')
    """
    sent = tok.sent
    for _ in range(n):
        if sent.start == 0:
            break
        sent = tok.doc[sent.start - 1].sent
    return sent


# -- a Doc's text without spaCy's Token objects ---------------------------------------------

def doc_text(doc) -> str:
    """``doc.text`` from the Doc's view (:attr:`DocView.full_text`, built once per Doc).  A
    span's text is ``doc_text(doc)[start_char:end_char]``.

    >>> from framing.ingest import parse_text
    >>> from framing.nlp import NLP
    >>> doc = NLP()(parse_text("Первое, «второе».\\n\\n  Третье.", "x", "x.txt"))
    >>> doc_text(doc) == doc.text
    True
    >>> doc_text(doc)[doc[2:5].start_char:doc[2:5].end_char], doc[2:5].text
    ('«второе»', '«второе»')
    """
    return doc_view(doc).full_text
