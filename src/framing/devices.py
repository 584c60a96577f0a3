"""Find codebook framing devices in an annotated ``Doc``.

Each hit carries its evidence span, the sentence, the rule that fired, the speaker whose voice it
is in (``AUTHOR`` outside quotes) and the target actor(s) it is about.

>>> from framing.lemmas import Lemmatizer
>>> from framing.codebook import parse_codebook
>>> cb = parse_codebook({"categories": {"m": {"label": {"ru": "м", "en": "m"}}},
...     "devices": [{"id": "wedge", "label": {"ru": "клин", "en": "wedge"}, "category": "m",
...                  "definition": "d", "patterns": [{"dep": ["вбить|вбивать", "клин"]}]}]},
...     "inline", Lemmatizer())
>>> m = DeviceMatcher(cb)
>>> F = frozenset
>>> toks = [("клин", F({"клин"}), "Клин", "NOUN", 2, "nsubj:pass"),
...         ("был", F({"быть"}), "был", "AUX", 2, "aux"),
...         ("вбит", F({"вбить"}), "вбит", "VERB", 2, "ROOT")]
>>> m.match_tokens(toks)
[('wedge', 'wedge#1', 0, 3)]
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .codebook import Codebook, Pattern, Word
from .docview import doc_view
from .lemmas import Lemmatizer
from .quotes import quote_at, speaker_at

#: (lower, lemma alternatives, text, pos, head index within the sequence, dep label)
DTok = tuple[str, frozenset[str], str, str, int, str]


@dataclass
class DeviceHit:
    article_id: str
    hit_id: int
    device_id: str
    label: str
    category: str
    rule_id: str
    start: int
    end: int
    text: str
    sent: int
    sentence: str
    segment: str
    speaker: str
    target: str

    def as_row(self) -> dict:
        # its fields are plain values: no deep copy (dataclasses.asdict) needed
        return {k: getattr(self, k) for k in self.__dataclass_fields__}


class DeviceMatcher:
    """Compiled codebook matcher (build once per job)."""

    def __init__(self, codebook: Codebook, lemmatizer: Lemmatizer | None = None) -> None:
        self.codebook = codebook
        self.lemmatizer = lemmatizer or Lemmatizer.shared()
        self._rules: list[tuple[str, Pattern]] = [
            (d.id, p) for d in codebook.devices for p in d.patterns
        ]
        self._has_repeat = any(p.kind == "repeat" for _d, p in self._rules)
        # inverted index: a lemma of a rule's first word → the rule's position; a sentence is
        # only tried on rules whose first word it contains (rules without words: always)
        self._always: list[int] = []
        self._by_lemma: dict[str, list[int]] = {}
        for i, (_d, p) in enumerate(self._rules):
            if p.kind == "repeat":
                continue
            if not p.words:
                self._always.append(i)
                continue
            for lem in p.words[0].lemmas:
                self._by_lemma.setdefault(lem, []).append(i)

    @staticmethod
    def _m(word: Word, t: DTok) -> bool:
        return word.matches(t[0], t[1], t[2])

    @staticmethod
    def _form_ok(p: Pattern, toks: Sequence[DTok]) -> bool:
        """The shape constraints (final punctuation, length in words) of a token run."""
        if p.ends_with and not _ends_with(toks, p.ends_with):
            return False
        if p.min_words or p.max_words:
            n = _n_words(toks)
            if n < p.min_words or (p.max_words and n > p.max_words):
                return False
        return True

    def _context_ok(self, p: Pattern, toks: Sequence[DTok], s: int, e: int) -> bool:
        lo, hi = max(0, s - p.context_window), min(len(toks), e + p.context_window)
        return any(self._m(w, toks[j]) for w in p.context for j in range(lo, hi)
                   if not s <= j < e)

    def _pattern_hits(self, p: Pattern, toks: Sequence[DTok],
                      ents: Sequence[str] | None = None,
                      at: dict[str, list[int]] | None = None) -> list[tuple[int, int]]:
        """``(start, end)`` token spans of ``p``'s hits in one sentence; ``at`` is the
        sentence's :func:`lemma_positions` (computed here when not given)."""
        n = len(toks)
        if at is None:
            at = lemma_positions(toks)
        if p.veto and any(self._m(v, t) for v in p.veto for t in toks):
            return []
        if p.kind != "shape" or p.shape == "sentence":
            if not self._form_ok(p, toks):
                return []
        hits: list[tuple[int, int]] = []
        # word patterns start where their first (``dep``: dependent) word's lemmas occur
        if p.kind == "phrase":
            k = len(p.words)
            for i in _positions(p.words[0], at):
                if i > n - k:
                    break
                if all(self._m(p.words[j], toks[i + j]) for j in range(k)):
                    if not p.pos or toks[i][3] == p.pos:
                        hits.append((i, i + k))
        elif p.kind == "near":
            for i in _positions(p.words[0], at):
                t = toks[i]
                if not self._m(p.words[0], t) or (p.pos and t[3] != p.pos):
                    continue
                used = {i}
                for w in p.words[1:]:
                    cand = [j for j in range(max(0, i - p.window), min(n, i + p.window + 1))
                            if j not in used and self._m(w, toks[j])]
                    if not cand:
                        break
                    used.add(min(cand, key=lambda j: abs(j - i)))
                else:
                    hits.append((min(used), max(used) + 1))
        elif p.kind == "dep":
            head_w, dep_w = p.words
            for j in _positions(dep_w, at):
                t = toks[j]
                h = t[4]
                if h == j or not (0 <= h < n) or not self._m(dep_w, t):
                    continue
                if self._m(head_w, toks[h]) and (not p.rels or t[5] in p.rels):
                    if not p.pos or toks[h][3] == p.pos:
                        hits.append((min(h, j), max(h, j) + 1))
        elif p.shape == "sentence":
            idx = [i for i, t in enumerate(toks) if t[2].strip()]
            if idx and _has_pos(p, toks):
                hits.append((idx[0], idx[-1] + 1))
        elif not _QUOTE_OPENERS.isdisjoint(at):  # quoted; a quotation opens in the sentence
            for s, e in quotations(toks):
                inner = toks[s + 1:e - 1]
                if self._form_ok(p, inner) and _has_pos(p, inner):
                    hits.append((s, e))
        if p.context:
            hits = [(s, e) for s, e in hits if self._context_ok(p, toks, s, e)]
        if p.ner:
            labels = ents or [""] * n
            hits = [(s, e) for s, e in hits
                    if any(labels[j] in p.ner
                           for j in range(max(0, s - p.ner_window), min(n, e + p.ner_window)))]
        return hits

    def match_tokens(self, toks: Sequence[DTok], ents: Sequence[str] | None = None,
                     at: dict[str, list[int]] | None = None) -> list[tuple[str, str, int, int]]:
        """All ``(device_id, rule_id, start, end)`` hits in one sentence, one per device+span.

        ``ents`` gives each token's named-entity label ("" outside entities) for ``ner``;
        ``at`` the sentence's :func:`lemma_positions` (computed here when not given)."""
        lemmas = lemma_positions(toks) if at is None else at
        cand = set(self._always)
        by_lemma = self._by_lemma
        for lem in by_lemma.keys() & lemmas.keys():  # the sentence's lemmas that start rules
            cand.update(by_lemma[lem])
        out: dict[tuple[str, int, int], str] = {}
        for i in sorted(cand):
            did, p = self._rules[i]
            if not all(not w.lemmas.isdisjoint(lemmas) for w in p.words[1:]):
                continue
            for s, e in self._pattern_hits(p, toks, ents, lemmas):
                out.setdefault((did, s, e), p.rule_id)
        return [(did, rule, s, e) for (did, s, e), rule in _outermost(out)]

    def match_repeats(self, words: Sequence[RTok]) -> list[tuple[str, str, int, int]]:
        """``repeat`` patterns over a document's words: ``(device, rule, first, last)`` word
        indices (inclusive) of each run of repetitions.

        >>> from framing.codebook import parse_codebook
        >>> cb = parse_codebook({"categories": {"m": {"label": {"ru": "м", "en": "m"}}},
        ...     "devices": [{"id": "rep", "label": {"ru": "р", "en": "r"}, "category": "m",
        ...                  "definition": "d", "patterns": [{"repeat": 1, "times": 3}]}]},
        ...     "inline", Lemmatizer())
        >>> ws = [("нет", "PART", 0, True, frozenset()), ("война", "NOUN", 0, False, frozenset()),
        ...       ("нет", "PART", 0, False, frozenset()), ("война", "NOUN", 0, False, frozenset()),
        ...       ("война", "NOUN", 0, False, frozenset())]
        >>> DeviceMatcher(cb).match_repeats(ws)
        [('rep', 'rep#1', 1, 4)]
        >>> ws[4] = ("война", "NOUN", 1, False, frozenset())  # next paragraph: no run of three
        >>> DeviceMatcher(cb).match_repeats(ws)
        []
        """
        out: dict[tuple[str, int, int], str] = {}
        for did, p in self._rules:
            if p.kind != "repeat":
                continue
            for s, e in _repeat_runs(p, words):
                if p.veto and any(not w[4].isdisjoint(v.lemmas) or w[0] in v.lemmas
                                  for v in p.veto for w in words[s:e + 1]):
                    continue
                out.setdefault((did, s, e + 1), p.rule_id)
        return [(did, rule, s, e - 1) for (did, s, e), rule in _outermost(out)]

    def match_doc(self, doc, quotes: Sequence = (), mentions: Sequence = ()) -> list[DeviceHit]:
        from .nlp import segment_kind

        aid = doc.user_data["framing"]["id"]
        hits: list[DeviceHit] = []

        def add(did: str, rule: str, span, sent_no: int, context) -> None:
            dev = self.codebook.device(did)
            hits.append(DeviceHit(
                article_id=aid, hit_id=0, device_id=did, label=dev.label_en,
                category=dev.category, rule_id=rule, start=span.start_char,
                end=span.end_char, text=span.text, sent=sent_no,
                sentence=context.text.strip(), segment=segment_kind(doc, span.start_char),
                speaker=speaker_at(quotes, span.start_char),
                target="; ".join(targets_for(doc, span, context, mentions,
                                             quote_at(quotes, span.start_char))),
            ))

        sent_toks = sentence_tokens(doc, self.lemmatizer)
        for sent_no, (sent, toks, ents, _n, at) in enumerate(sent_toks):
            for did, rule, s, e in self.match_tokens(toks, ents, at):
                add(did, rule, doc[sent.start + s: sent.start + e], sent_no, sent)
        if self._has_repeat:
            sents = [st[0] for st in sent_toks]
            words, where = _doc_words(doc, sent_toks)
            for did, rule, s, e in self.match_repeats(words):
                (i, si), (j, sj) = where[s], where[e]
                add(did, rule, doc[i:j + 1], si, doc[sents[si].start:sents[sj].end])
        hits.sort(key=lambda h: (h.start, h.end, h.device_id))
        for n, h in enumerate(hits):
            h.hit_id = n
        return hits


_MEMO: list = [None, None, None]  # the last Doc, its lemmatizer, its sentence tokens


def sentence_tokens(doc, lemmatizer: Lemmatizer
                    ) -> list[tuple[object, list[DTok], list[str], int, dict[str, list[int]]]]:
    """Each sentence of ``doc`` with its matcher tokens, named-entity labels, number of
    words (tokens that are neither punctuation nor space) and :func:`lemma_positions`.

    The devices and the frames stages match the same sentences one after the other: the last
    Doc's tokens are kept so the second asks spaCy and pymorphy3 nothing again.
    """
    if _MEMO[0] is doc and _MEMO[1] is lemmatizer:
        return _MEMO[2]
    alt = lemmatizer.alternatives
    v = doc_view(doc)
    out = []
    for sent in doc.sents:
        s0, s1 = sent.start, sent.end
        toks = [(nm, alt(text, pos, lemma), text, pos, head - s0, dep)
                for nm, text, pos, lemma, head, dep in zip(
                    v.norm[s0:s1], v.text[s0:s1], v.pos[s0:s1], v.lemma[s0:s1],
                    v.head[s0:s1], v.dep[s0:s1], strict=True)]
        n_words = sum(not (p or s) for p, s in zip(v.is_punct[s0:s1], v.is_space[s0:s1],
                                                    strict=True))
        out.append((sent, toks, v.ent_type[s0:s1], n_words, lemma_positions(toks)))
    _MEMO[:] = [doc, lemmatizer, out]
    return out


def lemma_positions(toks: Sequence[DTok]) -> dict[str, list[int]]:
    """Each lower-cased form and lemma alternative of a sentence's tokens → the positions
    (ascending, each once) of the tokens having it: where a pattern word can match.

    >>> F = frozenset
    >>> lemma_positions([("клинья", F({"клин"}), "клинья", "NOUN", 0, "ROOT"),
    ...                  ("клин", F({"клин"}), "клин", "NOUN", 0, "conj")])
    {'клинья': [0], 'клин': [0, 1]}
    """
    at: dict[str, list[int]] = {}
    for i, t in enumerate(toks):
        lower = t[0]
        at.setdefault(lower, []).append(i)
        for lem in t[1]:
            if lem != lower:
                at.setdefault(lem, []).append(i)
    return at


def _positions(word: Word, at: dict[str, list[int]]) -> list[int]:
    """The ascending positions of tokens having one of ``word``'s lemmas (as its lower-cased
    form or a lemma alternative): the only tokens ``word`` can match."""
    found = word.lemmas.intersection(at)
    if len(found) == 1:
        return at[next(iter(found))]
    return sorted({i for lem in found for i in at[lem]})


#: A word seen by ``repeat`` patterns: (lemma, UD tag, paragraph number, opens a sentence,
#: lemma alternatives used by ``not_near``)
RTok = tuple[str, str, int, bool, frozenset[str]]

_CLOSERS = {"»", '"', "”", "“", "’", "'", ")", "]", "›"}
_OPENERS = {"«": "»", "„": "“", "“": "”"}
_QUOTE_OPENERS = frozenset({*_OPENERS, '"'})


def _n_words(toks: Sequence[DTok]) -> int:
    return sum(_has_alnum(t[2]) for t in toks)


def _ends_with(toks: Sequence[DTok], ends: tuple[str, ...]) -> bool:
    """The run's final punctuation (closing quotes and brackets skipped) is one of ``ends``."""
    tail = ""
    for t in reversed(toks):
        txt = t[2].strip()
        if not txt or txt in _CLOSERS:
            if tail:
                break
            continue
        if any(ch.isalnum() for ch in txt):
            break
        tail = txt + tail
    return any(tail.endswith(e) for e in ends) if tail else False


def _has_pos(p: Pattern, toks: Sequence[DTok]) -> bool:
    return not p.has_pos or any(t[3] in p.has_pos for t in toks)


def quotations(toks: Sequence[DTok]) -> list[tuple[int, int]]:
    """Token spans ``(open, close + 1)`` of outermost quotations «…» („…“, “…”, "…") in a
    sentence.

    >>> F = frozenset()
    >>> toks = [(w, F, w, "X", 0, "") for w in "под лозунгом « Мы вместе ! »".split()]
    >>> quotations(toks)
    [(2, 7)]
    """
    out: list[tuple[int, int]] = []
    stack: list[tuple[int, str]] = []
    for i, t in enumerate(toks):
        txt = t[2]
        if stack and txt == stack[-1][1]:
            start, _ = stack.pop()
            if not stack and i > start + 1:
                out.append((start, i + 1))
        elif txt in _OPENERS:
            stack.append((i, _OPENERS[txt]))
        elif txt == '"':
            stack.append((i, '"'))
    return out


def _repeat_runs(p: Pattern, words: Sequence[RTok]) -> list[tuple[int, int]]:
    """(first, last) word indices of runs of one n-gram repeated ``p.times`` times or more."""
    return _group_runs(p, words, _repeat_occurrences(p, words))


def _repeat_occurrences(p: Pattern, words: Sequence[RTok]) -> dict[tuple[str, ...], list[int]]:
    """Where each n-gram that may count as a repetition starts (word indices, ascending)."""
    n = p.ngram
    content = p.content_pos
    ignored = frozenset().union(*(v.lemmas for v in p.ignore))  # a word of any ``ignore``
    occ: dict[tuple[str, ...], list[int]] = {}
    for i in range(len(words) - n + 1):
        w = words[i]
        if p.anaphora:
            if not w[3]:
                continue
        elif n > 1 and len({x[2] for x in words[i:i + n]}) != 1:
            continue  # an n-gram stays inside its paragraph
        if n == 1:  # a repeated word: the common case, without slices
            if w[1] not in content or (ignored and (w[0] in ignored
                                                    or not ignored.isdisjoint(w[4]))):
                continue
            occ.setdefault((w[0],), []).append(i)
            continue
        gram = words[i:i + n]
        if not any(x[1] in content for x in gram):
            continue
        if ignored and any(x[0] in ignored or not ignored.isdisjoint(x[4]) for x in gram):
            continue
        occ.setdefault(tuple(x[0] for x in gram), []).append(i)
    return occ


def _group_runs(p: Pattern, words: Sequence[RTok], occ: dict[tuple[str, ...], list[int]]
                ) -> list[tuple[int, int]]:
    """The runs of :func:`_repeat_runs` from the n-grams' starts ``occ``: occurrences close
    enough (``p.window`` words, or sentences for anaphora) in one paragraph, not overlapping."""
    n = p.ngram
    sent_of: list[int] = []
    k = -1
    for w in words:
        k += w[3]
        sent_of.append(k)
    runs: list[tuple[int, int]] = []
    for starts in occ.values():
        run: list[int] = []
        for i in starts:
            if run:
                prev = run[-1]
                gap = sent_of[i] - sent_of[prev] if p.anaphora else i - prev
                same_par = words[i][2] == words[prev][2] and (
                    p.scope != "sentence" or sent_of[i] == sent_of[prev])
                if i < prev + n or not (gap <= p.window and (p.anaphora or same_par)):
                    if i < prev + n:
                        continue  # overlapping occurrence
                    if len(run) >= p.times:
                        runs.append((run[0], run[-1] + n - 1))
                    run = []
            run.append(i)
        if len(run) >= p.times:
            runs.append((run[0], run[-1] + n - 1))
    return sorted(runs)


def _outermost(out: dict[tuple[str, int, int], str]) -> list[tuple[tuple[str, int, int], str]]:
    """Drop a device's hit that starts inside a longer (or earlier) hit of the same device."""
    keys = sorted(out, key=lambda k: (k[1], -(k[2] - k[1]), k[0]))
    kept: list[tuple[str, int, int]] = []
    for did, s, e in keys:
        if any(k[0] == did and k[1] <= s < k[2] for k in kept):
            continue
        kept.append((did, s, e))
    return [(k, out[k]) for k in kept]


def _doc_words(doc, sent_toks: Sequence[tuple]) -> tuple[list[RTok], list[tuple[int, int]]]:
    """A document's words for ``repeat`` patterns, and each word's (token index, sentence),
    from its :func:`sentence_tokens` (whose lemma alternatives they share)."""
    bounds = [(s, e) for _k, s, e in doc.user_data["framing"]["segments"]]
    words: list[RTok] = []
    where: list[tuple[int, int]] = []
    par = 0
    v = doc_view(doc)
    lemma, idx = v.lemma, v.idx
    for sn, (sent, toks, *_rest) in enumerate(sent_toks):
        first = True
        i = sent.start - 1
        for t in toks:
            i += 1
            text = t[2]
            if not (text.isalnum() or _has_alnum(text)):
                continue
            while par < len(bounds) - 1 and idx[i] >= bounds[par][1]:
                par += 1
            words.append((lemma[i], t[3], par, first, t[1]))
            where.append((i, sn))
            first = False
    return words, where


def _has_alnum(text: str) -> bool:
    """``text`` holds a letter or digit (a word, not punctuation or space)."""
    return text.isalnum() or any(ch.isalnum() for ch in text)


def targets_for(doc, span, sent, mentions: Sequence, quote=None) -> list[str]:
    """Actors a device is about: an actor the evidence itself names by periphrasis, else
    mentions in the syntactic subtree of the evidence, else the nearest actor mention in the
    sentence (within 10 tokens), else none.  For a device inside ``quote`` (the innermost
    quote holding it), the speaker's own mentions outside the quote — the reporting clause,
    «— отметил Шибутов» — are not candidates: who says «мы и так уже союзники» is not what
    the device is about."""
    in_sent = [m for m in mentions if sent.start <= m.tok_start < sent.end]
    if quote is not None and quote.speaker:
        idx = doc_view(doc).idx
        in_sent = [m for m in in_sent if m.actor != quote.speaker
                   or quote.start <= idx[m.tok_start] < quote.end]
    if not in_sent:
        return []
    # the evidence itself names an actor indirectly («из-за океана» → США, «внешние силы»)
    named = sorted({m.actor for m in in_sent if span.start <= m.tok_start < span.end
                    and (m.resolution == "periphrasis" or m.actor_type == "collective")})
    if named:
        return named
    subtree: set[int] = set()
    for t in span:
        if t.dep_ == "ROOT":  # the root's subtree is the whole sentence: direct children only
            subtree.update(c.i for c in t.children)
        else:
            subtree.update(x.i for x in t.subtree)
    found = sorted({m.actor for m in in_sent
                    if m.tok_start in subtree and not (span.start <= m.tok_start < span.end)})
    if found:
        return found

    def dist(m) -> int:
        return min(abs(m.tok_start - span.start), abs(m.tok_start - (span.end - 1)))

    near = [m for m in in_sent if dist(m) <= 10 and not (span.start <= m.tok_start < span.end)]
    if not near:
        return []
    best = min(dist(m) for m in near)
    return sorted({m.actor for m in near if dist(m) == best})


def check_examples(matcher: DeviceMatcher, nlp) -> list[str]:
    """Run every device's ``examples`` (must match) and ``near_misses`` (must not).

    Returns human-readable failures; an empty list means the codebook passes its own tests.
    """
    from .ingest import Article, Segment

    failures: list[str] = []
    for dev in matcher.codebook.devices:
        for expect, texts in ((True, dev.examples), (False, dev.near_misses)):
            for text in texts:
                art = Article(id="example", source_file="codebook", text=text,
                              segments=[Segment("prose", text, 0, len(text))])
                found = {h.device_id for h in matcher.match_doc(nlp(art))}
                if (dev.id in found) != expect:
                    what = "does not match example" if expect else "matches near-miss"
                    failures.append(f"{dev.id} (line {dev.line}): {what}: {text}")
    return failures
