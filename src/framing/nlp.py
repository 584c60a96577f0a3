"""Linguistic annotation: one spaCy ``Doc`` per article from Natasha's shipped models.

razdel segments each article segment into sentences and tokens; slovnet (the models and navec
embeddings shipped inside the ``natasha`` package) tags morphology, parses dependencies and finds
named entities; :class:`~framing.lemmas.Lemmatizer` picks POS-aware pymorphy3 lemmas.  The result
is a spaCy ``Doc`` whose ``text`` equals the article text exactly (so character offsets agree
everywhere), with sentences, lemmas, POS, morphology, heads, dependency labels and entities.

Article-level facts live in ``doc.user_data["framing"]`` (id, title, date, segments) and travel
with the ``Doc`` through :class:`spacy.tokens.DocBin`.

Models load once per :class:`NLP` instance — build one per job, never per article.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable, Iterator
from pathlib import Path

from .ingest import Article

#: Bump when the annotation changes in a way that invalidates cached Docs.
NLP_VERSION = "nlp-2"


def _code_fingerprint() -> str:
    """Hash of the annotation code and model package versions: cached Docs die with it."""
    from importlib import metadata

    h = hashlib.sha256(NLP_VERSION.encode())
    here = Path(__file__).parent
    for name in ("nlp.py", "lemmas.py", "slovnet_exec.py", "razdel_tokens.py"):
        h.update((here / name).read_bytes())
    for pkg in ("slovnet", "navec", "razdel", "pymorphy3", "pymorphy3-dicts-ru", "spacy",
                "natasha"):
        try:
            h.update(metadata.version(pkg).encode())
        except metadata.PackageNotFoundError:
            h.update(b"-")
    return h.hexdigest()[:16]


_FINGERPRINT: str | None = None


def _natasha_data() -> Path:
    import natasha.data

    return Path(os.path.dirname(natasha.data.__file__))


_NAVEC: list = []


def shared_navec():  # -> navec.Navec
    """The navec embeddings shipped with ``natasha``, loaded once per process (the NLP models
    and the sentiment model's features share them)."""
    if not _NAVEC:
        from navec import Navec

        _NAVEC.append(Navec.load(_natasha_data() / "emb" / "navec_news_v1_1B_250K_300d_100q.tar"))
    return _NAVEC[0]


class NLP:
    """Annotate :class:`Article` objects into spaCy ``Doc`` objects.

    >>> from framing.ingest import parse_text
    >>> nlp = NLP()
    >>> doc = nlp(parse_text("Путин встретился с Токаевым в Кремле.", "x", "x.txt"))
    >>> [(t.text, t.lemma_, t.pos_) for t in doc][:3]
    [('Путин', 'путин', 'PROPN'), ('встретился', 'встретиться', 'VERB'), ('с', 'с', 'ADP')]
    >>> [(e.text, e.label_) for e in doc.ents]
    [('Путин', 'PER'), ('Токаевым', 'PER'), ('Кремле', 'LOC')]
    """

    def __init__(self, batch_size: int = 16) -> None:
        from slovnet import NER, Morph, Syntax

        from .lemmas import Lemmatizer
        from .slovnet_exec import SlovnetExec

        data = _natasha_data()
        navec = shared_navec()
        self.morph = Morph.load(data / "model" / "slovnet_morph_news_v1.tar", batch_size=batch_size)
        self.syntax = Syntax.load(
            data / "model" / "slovnet_syntax_news_v1.tar", batch_size=batch_size
        )
        self.ner = NER.load(data / "model" / "slovnet_ner_news_v1.tar", batch_size=batch_size)
        self.morph.navec(navec)
        self.syntax.navec(navec)
        self.ner.navec(navec)
        # slovnet's models run by our lean executor; ``self.morph`` etc. stay slovnet's API
        # objects (the tests' reference)
        self.slovnet = SlovnetExec(self.morph, self.syntax, self.ner)
        self.lemmatizer = Lemmatizer.shared()
        self.vocab = blank_vocab()

    # -- tokenisation ---------------------------------------------------------------------
    @staticmethod
    def _sentences(article: Article) -> tuple[list[list[Tok]], list[list[tuple[int, int, str]]]]:
        """The article's sentences as razdel tokens ``(text, start, end)`` (offsets into the
        article), and each segment's razdel tokens ``(start, stop, text)`` (offsets into the
        segment: what slovnet's NER tokenises it into) — its sentences' tokens where razdel
        would give the same (:func:`~framing.razdel_tokens.joinable_sentences`).  Tokens are
        razdel's, from :func:`framing.razdel_tokens.tokenize`."""
        from razdel import sentenize

        from .razdel_tokens import joinable_sentences, tokenize

        sents: list[list[Tok]] = []
        seg_tokens: list[list[tuple[int, int, str]]] = []
        for seg in article.segments:
            spans = []
            local: list[tuple[int, int, str]] = []
            for s in sentenize(seg.text):
                found = tokenize(s.text)
                if found:
                    base = seg.start + s.start
                    sents.append([(t, base + a, base + b) for a, b, t in found])
                    spans.append((s.start, s.stop))
                    off = s.start
                    local.extend([(off + a, off + b, t) for a, b, t in found])
                else:
                    spans.append((s.start, s.start))  # not joinable: tokenise the segment
            if not joinable_sentences(seg.text, spans):
                local = tokenize(seg.text)
            seg_tokens.append(local)
        return sents, seg_tokens

    def __call__(self, article: Article):  # -> spacy.tokens.Doc
        return next(iter(self.pipe([article])))

    def pipe(self, articles: Iterable[Article]) -> Iterator:
        for article in articles:
            yield self._annotate(article)

    def analyse(self, article: Article):
        """The models' output for ``article`` without building a Doc: its sentences' tokens,
        per sentence ``(pos, feats)``/head ids/relations, and per segment the NER spans.  (The
        benchmark's strict floor: the same models, no lemmas, no Doc.)"""
        sents, seg_tokens = self._sentences(article)
        ex = self.slovnet
        parses = _map_by_length(_Runner(ex.morph_syntax, ex.batch_size),
                                [[t[0] for t in s] for s in sents], len)
        spans = _map_by_length(
            _Runner(lambda batch: ex.ner_spans([toks for _, toks in batch]), ex.batch_size),
            [(seg.text, toks) for seg, toks in zip(article.segments, seg_tokens, strict=True)],
            lambda item: len(item[0]))
        return sents, parses, spans

    def _annotate(self, article: Article):
        # The models see the article's sentences (NER: its segments) shortest first, in
        # batches of similar lengths, so a batch pads little: measured, morphology and syntax
        # ~1.5x faster than in text order, NER ~1.1x.  Batches never mix articles, so an
        # article's Doc depends on it alone (slovnet's scores move by ~1e-5 with the batch's
        # make-up).
        return self._build(article, *self.analyse(article))

    def _build(self, article: Article, sents: list[list[Tok]],
               parses: list[tuple[list[tuple[str, str]], list[int], list[str]]],
               spans: list[list[tuple[int, int, str]]]):
        """The Doc from the sentences' tokens, their ``(pos, feats)``, slovnet head ids and
        relations (``parses``, one per sentence) and each segment's entity spans."""
        words: list[str] = []
        spaces: list[bool] = []
        pos: list[str] = []
        feats: list[str] = []
        lemmas: list[str] = []
        heads: list[int] = []
        deps: list[str] = []
        starts: list[int] = []
        text = article.text
        cursor = 0

        def add_gap(upto: int, root: int | None) -> None:
            nonlocal cursor
            gap = text[cursor:upto]
            if gap == "":
                return
            if gap == " " and words and not spaces[-1]:
                spaces[-1] = True
            else:
                start = cursor
                if gap.startswith(" ") and words and not spaces[-1]:
                    spaces[-1] = True
                    gap = gap[1:]
                    start += 1
                if gap:
                    words.append(gap)
                    spaces.append(False)
                    pos.append("SPACE")
                    feats.append("")
                    lemmas.append(gap)
                    heads.append(root if root is not None else len(words) - 1)
                    deps.append("dep" if root is not None else "ROOT")
                    starts.append(start)
            cursor = upto

        lemma = self.lemmatizer.lemma
        last_root: int | None = None
        for toks, (morph, head_ids, rels) in zip(sents, parses, strict=True):
            add_gap(toks[0][1], last_root)
            rel_heads = _sanitise_heads(head_ids)
            absolute: list[int] = []  # sentence token k -> index in the Doc
            gaps: list[int] = []  # whitespace tokens inside this sentence
            for i, ((word, start, end), (tag, feat), rel) in enumerate(
                    zip(toks, morph, rels, strict=True)):
                if i > 0 and start != cursor:
                    if text[cursor:start] == " " and not spaces[-1]:
                        spaces[-1] = True  # add_gap's commonest case, inline
                    else:
                        before = len(words)
                        add_gap(start, -1)
                        gaps.extend(range(before, len(words)))
                absolute.append(len(words))
                words.append(word)
                spaces.append(False)
                pos.append(tag if tag else "X")
                feats.append(feat)
                lemmas.append(lemma(word, tag, feat))
                heads.append(rel_heads[i])  # relative for now, fixed below
                deps.append("ROOT" if rel_heads[i] == 0 else (rel or "dep"))
                starts.append(start)
                cursor = end
            root = absolute[rel_heads.index(0)]
            for k, h in enumerate(rel_heads):
                heads[absolute[k]] = absolute[h - 1] if h else absolute[k]
            for g in gaps:
                heads[g] = root
            last_root = root
        add_gap(len(text), last_root)

        ents = ["O"] * len(words)
        tok_at = {s: i for i, s in enumerate(starts)}
        for seg, seg_spans in zip(article.segments, spans, strict=True):
            for span_start, span_stop, span_type in seg_spans:
                a, b = seg.start + span_start, seg.start + span_stop
                if a not in tok_at:
                    continue
                idx = []
                for i in range(tok_at[a], len(words)):  # stop at the span's end: linear time
                    if starts[i] >= b:
                        break
                    if pos[i] != "SPACE":
                        idx.append(i)
                if not idx:
                    continue
                for k, i in enumerate(idx):
                    ents[i] = ("B-" if k == 0 else "I-") + span_type

        # the Doc's text is its words, each followed by a space where ``spaces`` says so
        assert "".join([w + " " if sp else w for w, sp in zip(words, spaces, strict=True)]) \
            == text, "token offsets drifted from the article text"
        doc = make_doc(self.vocab, words, spaces, pos, feats, lemmas, heads, deps, ents)
        doc.user_data["framing"] = {
            "id": article.id,
            "title": article.title,
            "date": article.date,
            "source": article.source,
            "source_file": article.source_file,
            "content_hash": article.content_hash,
            "segments": tuple((s.kind, s.start, s.end) for s in article.segments),
        }
        return doc


def make_doc(vocab, words: list[str], spaces: list[bool], pos: list[str], morphs: list[str],
             lemmas: list[str], heads: list[int], deps: list[str], ents: list[str]):
    """``Doc(vocab, words=words, spaces=spaces, pos=pos, morphs=morphs, lemmas=lemmas,
    heads=heads, deps=deps, ents=ents)``, the annotations set by one ``Doc.from_array`` of an
    array built per distinct value rather than element by element (spaCy's ``__init__`` sets
    each token's value in a numpy array from Python).  The same strings are added to the
    vocab, in the same order; where spaCy would reject or rewrite an annotation (an unknown
    POS, IOB tags it repairs, no tokens) spaCy builds the Doc.

    >>> import spacy
    >>> doc = make_doc(spacy.blank("ru").vocab, ["Путин", "уехал"], [True, False],
    ...                ["PROPN", "VERB"], ["Case=Nom", ""], ["путин", "уехать"], [1, 1],
    ...                ["nsubj", "ROOT"], ["B-PER", "O"])
    >>> [(t.text, t.pos_, str(t.morph), t.lemma_, t.head.i, t.dep_, t.ent_iob_ + t.ent_type_)
    ...  for t in doc]
    [('Путин', 'PROPN', 'Case=Nom', 'путин', 1, 'nsubj', 'BPER'), \
('уехал', 'VERB', '', 'уехать', 1, 'ROOT', 'O')]
    """
    import numpy as np
    from spacy.attrs import DEP, ENT_IOB, ENT_TYPE, HEAD, LEMMA, MORPH, POS
    from spacy.parts_of_speech import IDS as POS_IDS
    from spacy.tokens import Doc, Token

    n = len(words)
    ent_types = [e[2:] if e != "O" else "" for e in ents] if n and _plain_iob2(ents) else None
    if ent_types is None or not set(pos) <= POS_IDS.keys():
        return Doc(vocab, words=words, spaces=spaces, pos=pos, morphs=morphs, lemmas=lemmas,
                   heads=heads, deps=deps, ents=ents)
    doc = Doc(vocab, words=words, spaces=spaces)
    strings = vocab.strings
    for value in dict.fromkeys([*pos, *deps, *lemmas, *morphs, *ent_types]):
        strings.add(value)
    iob = Token.iob_strings()
    iob_ids = {"O": iob.index("O"), "B": iob.index("B"), "I": iob.index("I")}
    morph_keys = {m: vocab.morphology.add(m) for m in dict.fromkeys(morphs)}
    attrs = np.empty((n, 7), dtype=np.uint64)
    for col, annot in ((0, pos), (2, deps), (3, lemmas), (6, ent_types)):
        ids = {v: strings[v] for v in dict.fromkeys(annot)}
        attrs[:, col] = [ids[v] for v in annot]
    attrs[:, 1] = (np.array(heads, dtype=np.int64) - np.arange(n, dtype=np.int64)) \
        .astype(np.int32).astype(np.uint64)
    attrs[:, 4] = [morph_keys[m] for m in morphs]
    attrs[:, 5] = [iob_ids[e[0]] for e in ents]
    return doc.from_array([POS, HEAD, DEP, LEMMA, MORPH, ENT_IOB, ENT_TYPE], attrs)


def _plain_iob2(ents: list[str]) -> bool:
    """True when every tag is ``O``, ``B-type`` or ``I-type`` and each ``I-type`` follows a
    tag of the same type: IOB tags spaCy's ``Doc`` takes as they are.

    >>> _plain_iob2(["O", "B-PER", "I-PER", "B-LOC"]), _plain_iob2(["O", "I-PER"])
    (True, False)
    >>> _plain_iob2(["B-PER", "I-LOC"]), _plain_iob2(["B-"]), _plain_iob2(["I-PER"])
    (False, False, True)
    """
    prev = None  # spaCy leaves the first tag as it is
    for e in ents:
        if e != "O":
            if len(e) < 3 or e[1] != "-" or e[0] not in "BI":
                return False
            if e[0] == "I" and prev is not None and (prev == "O" or prev[2:] != e[2:]):
                return False
        prev = e
    return True


#: A razdel token of a sentence: ``(text, start, end)``, offsets into the article text.
Tok = tuple[str, int, int]


class _Runner:
    """What :func:`_map_by_length` needs of a model: ``infer`` on a batch, ``batch_size``."""

    def __init__(self, infer, batch_size: int) -> None:
        self.infer = infer
        self.batch_size = batch_size


def _map_by_length(model, items: list, length, ratio: float = 1.5) -> list:
    """``list(model.map(items))`` with the items fed shortest first, in batches of at most the
    model's batch size whose longest item is at most ``ratio`` times their shortest (a batch
    is padded to its longest item), the results returned in the items' order."""
    order = sorted(range(len(items)), key=lambda k: length(items[k]))
    out: list = [None] * len(items)
    size = model.batch_size
    i = 0
    while i < len(order):
        limit = ratio * max(length(items[order[i]]), 1)
        j = i + 1
        while j < len(order) and j - i < size and length(items[order[j]]) <= limit:
            j += 1
        batch = order[i:j]
        for k, res in zip(batch, model.infer([items[k] for k in batch]), strict=True):
            out[k] = res
        i = j
    return out


def _one_root(heads: list[int]) -> tuple[list[int], int]:
    """Out-of-range heads and self-loops made roots, then every root but the first attached
    to it (cycles are left to :func:`_sanitise_heads`); returns the heads and the root's index.

    >>> _one_root([0, 1, 0, 9])
    ([0, 1, 1, 1], 0)
    """
    n = len(heads)
    heads = [h if 0 <= h <= n else 0 for h in heads]
    heads = [0 if h == i + 1 else h for i, h in enumerate(heads)]
    roots = [i for i, h in enumerate(heads) if h == 0]
    root = roots[0] if roots else 0
    for i in range(n):
        if i != root:
            if heads[i] == 0:
                heads[i] = root + 1
        else:
            heads[i] = 0
    return heads, root


def _sanitise_heads(heads: list[int]) -> list[int]:
    """Make slovnet's 1-based head list a tree: one root, no cycles, no out-of-range heads.

    >>> _sanitise_heads([0, 1, 0, 3])
    [0, 1, 1, 3]
    >>> _sanitise_heads([2, 1, 0])
    [3, 1, 0]
    """
    heads, root = _one_root(heads)
    n = len(heads)
    # break cycles: a token whose chain of heads does not reach the root is attached to it.
    # ``reaches[j]``: j's chain reaches the root (stays true: only tokens whose chain does
    # not are re-attached), so each chain is followed only up to a token already known.
    reaches = [False] * n
    if n:
        reaches[root] = True
    for i in range(n):
        path, on_path, j = [], set(), i
        while not reaches[j] and j not in on_path:
            path.append(j)
            on_path.add(j)
            j = heads[j] - 1
        if reaches[j]:
            for k in path:
                reaches[k] = True
        else:
            heads[i] = root + 1
            reaches[i] = True
    return heads


def cache_key(article: Article) -> str:
    """Content key for an article's Doc: changes with its text, metadata or the NLP version."""
    global _FINGERPRINT
    if _FINGERPRINT is None:
        _FINGERPRINT = _code_fingerprint()
    h = hashlib.sha256()
    for part in (_FINGERPRINT, article.id, article.title, article.date, article.source,
                 article.source_file, article.text,
                 repr([(s.kind, s.start, s.end) for s in article.segments])):
        h.update(part.encode("utf-8"))
        h.update(b"\x00")
    return h.hexdigest()[:24]


def save_doc(doc, path: Path) -> None:
    from spacy.tokens import DocBin

    path.parent.mkdir(parents=True, exist_ok=True)
    db = DocBin(store_user_data=True)
    db.add(doc)
    tmp = path.with_suffix(".tmp")
    tmp.write_bytes(db.to_bytes())
    tmp.replace(path)


def load_doc(path: Path, vocab):
    from spacy.tokens import DocBin

    db = DocBin(store_user_data=True).from_bytes(path.read_bytes())
    return next(iter(db.get_docs(vocab)))


def blank_vocab():  # -> spacy.vocab.Vocab
    """spaCy's Russian vocab, its ``like_num`` lexeme attribute computed by
    :func:`_like_num` (spaCy's, which scans a list of ~1,000 number words per new word)."""
    import spacy
    from spacy.attrs import LIKE_NUM

    vocab = spacy.blank("ru").vocab
    vocab.lex_attr_getters = {**vocab.lex_attr_getters, LIKE_NUM: _like_num}
    return vocab


_NUM_WORDS: list[frozenset[str]] = []


def _like_num(text: str) -> bool:
    """``spacy.lang.ru.lex_attrs.like_num(text)``, its number words looked up in a set.

    >>> [_like_num(w) for w in ("+1,5%", "3/4", "Тысяча", "xiv", "тыс.", "слово")]
    [True, True, True, True, True, False]
    """
    if not _NUM_WORDS:
        from spacy.lang.ru.lex_attrs import _num_words

        _NUM_WORDS.append(frozenset(_num_words))
    if text.startswith(("+", "-", "±", "~")):
        text = text[1:]
    if text.endswith("%"):
        text = text[:-1]
    text = text.replace(",", "").replace(".", "")
    if text.isdigit():
        return True
    if text.count("/") == 1:
        num, denom = text.split("/")
        if num.isdigit() and denom.isdigit():
            return True
    return text.lower() in _NUM_WORDS[0]


def segment_kind(doc, char_offset: int) -> str:
    for kind, start, end in doc.user_data["framing"]["segments"]:
        if start <= char_offset < end:
            return kind
    return "prose"


def sentence_rows(doc, aid: str) -> list[dict]:
    """One row per sentence (offsets into the article text, segment kind, token count).

    >>> from framing.ingest import parse_text
    >>> doc = NLP()(parse_text("Первое.\\n\\n Второе слово.", "x", "x.txt"))
    >>> [(r["start"], r["end"], r["n_tokens"], r["text"]) for r in sentence_rows(doc, "x")]
    [(0, 7, 2, 'Первое.'), (9, 22, 3, 'Второе слово.')]
    """
    from .docview import doc_text, doc_view

    # from the token lists (a spaCy Token object per token costs more than the row)
    v = doc_view(doc)
    text, idx, tok_text, is_space = doc_text(doc), v.idx, v.text, v.is_space
    rows = []
    for n, s in enumerate(doc.sents):
        toks = [i for i in range(s.start, s.end) if not is_space[i]]
        if not toks:
            continue
        first, last = toks[0], toks[-1]
        start = s.start_char
        rows.append({
            "article_id": aid, "sent": n, "start": idx[first],
            "end": idx[last] + len(tok_text[last]),
            "segment": segment_kind(doc, start),
            "n_tokens": len(toks), "text": text[start:s.end_char].strip(),
        })
    return rows
