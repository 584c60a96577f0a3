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
from dataclasses import asdict, dataclass

from .codebook import Codebook, Pattern, Word
from .lemmas import Lemmatizer
from .lexmatch import norm
from .quotes import speaker_at

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
        return asdict(self)


class DeviceMatcher:
    """Compiled codebook matcher (build once per job)."""

    def __init__(self, codebook: Codebook, lemmatizer: Lemmatizer | None = None) -> None:
        self.codebook = codebook
        self.lemmatizer = lemmatizer or Lemmatizer()
        self._rules: list[tuple[str, Pattern]] = [
            (d.id, p) for d in codebook.devices for p in d.patterns
        ]

    @staticmethod
    def _m(word: Word, t: DTok) -> bool:
        return word.matches(t[0], t[1], t[2])

    def _pattern_hits(self, p: Pattern, toks: Sequence[DTok]) -> list[tuple[int, int]]:
        n = len(toks)
        if p.veto and any(self._m(v, t) for v in p.veto for t in toks):
            return []
        hits: list[tuple[int, int]] = []
        if p.kind == "phrase":
            k = len(p.words)
            for i in range(n - k + 1):
                if all(self._m(p.words[j], toks[i + j]) for j in range(k)):
                    if not p.pos or toks[i][3] == p.pos:
                        hits.append((i, i + k))
        elif p.kind == "near":
            for i, t in enumerate(toks):
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
        else:  # dep
            head_w, dep_w = p.words
            for j, t in enumerate(toks):
                h = t[4]
                if h == j or not (0 <= h < n) or not self._m(dep_w, t):
                    continue
                if self._m(head_w, toks[h]) and (not p.rels or t[5] in p.rels):
                    if not p.pos or toks[h][3] == p.pos:
                        hits.append((min(h, j), max(h, j) + 1))
        return hits

    def match_tokens(self, toks: Sequence[DTok]) -> list[tuple[str, str, int, int]]:
        """All ``(device_id, rule_id, start, end)`` hits in one sentence, one per device+span."""
        lemmas: set[str] = {t[0] for t in toks}
        for t in toks:
            lemmas |= t[1]
        out: dict[tuple[str, int, int], str] = {}
        for did, p in self._rules:
            if not (p.words[0].lemmas & lemmas) or not all(w.lemmas & lemmas for w in p.words):
                continue
            for s, e in self._pattern_hits(p, toks):
                out.setdefault((did, s, e), p.rule_id)
        # drop a device's hit nested inside a longer hit of the same device
        keys = sorted(out, key=lambda k: (k[1], -(k[2] - k[1]), k[0]))
        kept: list[tuple[str, str, int, int]] = []
        for did, s, e in keys:
            if any(k[0] == did and k[2] <= s < k[3] for k in kept):
                continue
            kept.append((did, out[(did, s, e)], s, e))
        return kept

    def match_doc(self, doc, quotes: Sequence = (), mentions: Sequence = ()) -> list[DeviceHit]:
        from .nlp import segment_kind

        aid = doc.user_data["framing"]["id"]
        hits: list[DeviceHit] = []
        for sent_no, sent in enumerate(doc.sents):
            alt = self.lemmatizer.alternatives
            toks = [(norm(t.text), alt(t.text, t.pos_, norm(t.lemma_)), t.text, t.pos_,
                     t.head.i - sent.start, t.dep_) for t in sent]
            for did, rule, s, e in self.match_tokens(toks):
                span = doc[sent.start + s: sent.start + e]
                dev = self.codebook.device(did)
                hits.append(DeviceHit(
                    article_id=aid, hit_id=0, device_id=did, label=dev.label_en,
                    category=dev.category, rule_id=rule, start=span.start_char,
                    end=span.end_char, text=span.text, sent=sent_no,
                    sentence=sent.text.strip(), segment=segment_kind(doc, span.start_char),
                    speaker=speaker_at(quotes, span.start_char),
                    target="; ".join(targets_for(doc, span, sent, mentions)),
                ))
        hits.sort(key=lambda h: (h.start, h.end, h.device_id))
        for n, h in enumerate(hits):
            h.hit_id = n
        return hits


def targets_for(doc, span, sent, mentions: Sequence) -> list[str]:
    """Actors a device is about: an actor the evidence itself names by periphrasis, else
    mentions in the syntactic subtree of the evidence, else the nearest actor mention in the
    sentence (within 10 tokens), else none."""
    in_sent = [m for m in mentions if sent.start <= m.tok_start < sent.end]
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
