"""Source → target stance network from mention-level sentiment.

Every polar mention (label ±1) of a target actor whose polarity is backed by evidence words in
its voice (the lexicon's score has the label's sign: a model decision with no evaluative word
around the target makes no edge) is attributed to a *source*:

1. the speaker of the quote it sits in (``voice = quoted``);
2. else the subject of the predicate that governs it, when that subject is another actor
   («Токаев поддержал Путина», «он назвал последнего …»; ``voice = actor``);
3. else the author (``AUTHOR``; ``voice = author``).

Edges aggregate per article (and per corpus) with counts, the mean signed score and up to
three evidence sentences (per corpus tagged with their article, with the voices pooled).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from .quotes import speaker_at
from .sentiment import label_of


@dataclass
class StanceEdge:
    article_id: str
    source: str
    target: str
    voice: str
    polarity: int
    n_pos: int
    n_neg: int
    score: float
    evidence: str

    def as_row(self) -> dict:
        # its fields are plain values: no deep copy (dataclasses.asdict) needed
        return {k: getattr(self, k) for k in self.__dataclass_fields__}


def _governing_subject(doc, tok):
    """Subject token of the nearest predicate above ``tok`` (shared subjects of conjuncts and,
    for a predicate with none, the closest subject before it in the sentence count)."""
    seen = set()
    t = tok
    first = None  # the first predicate reached: a mis-attached conjunct's anchor
    while t.i not in seen:
        seen.add(t.i)
        if t.pos_ in {"VERB", "ADJ"} and t.i != tok.i:
            first = first or t
            for c in t.children:
                if c.dep_ in {"nsubj", "nsubj:pass"} and c.i != tok.i:
                    return c
            if t.dep_ == "conj":
                t = t.head
                continue
            return next((x for x in reversed(doc[first.sent.start:first.i])
                         if x.dep_ in {"nsubj", "nsubj:pass"} and x.i != tok.i), None)
        if t.head.i == t.i:
            return None
        t = t.head
    return None


def evidence_backed(row) -> bool:
    """A polar mention whose evaluative words (lexicon score) agree with its label.

    >>> from types import SimpleNamespace as R
    >>> evidence_backed(R(label=-1, lexicon_score=-0.5)), evidence_backed(R(label=-1,
    ...     lexicon_score=0.0))
    (True, False)
    """
    return bool(row.label) and label_of(row.lexicon_score) == row.label


def attribute(doc, mention, mentions: Sequence, quotes: Sequence) -> tuple[str, str]:
    """(source, voice) of one mention's evaluation."""
    source, voice, _ = attribute_holder(doc, mention, mentions, quotes)
    return source, voice


def attribute_holder(doc, mention, mentions: Sequence, quotes: Sequence):
    """(source, voice, holder mention) of one mention's evaluation; the holder mention is the
    subject's mention for ``actor`` voice, else ``None``."""
    speaker = speaker_at(quotes, mention.start)
    if speaker not in {"AUTHOR", "UNATTRIBUTED"}:
        return speaker, "quoted", None
    subj = _governing_subject(doc, doc[mention.tok_start:mention.tok_end].root)
    if subj is not None:
        for m in mentions:
            if m.tok_start <= subj.i < m.tok_end and m.actor != mention.actor:
                return m.actor, "actor", m
    return "AUTHOR", "author", None


def stance_edges(doc, mentions: Sequence, quotes: Sequence, sentiments: Sequence
                 ) -> list[StanceEdge]:
    """Per-article stance edges from mention sentiment rows (same order as ``mentions``)."""
    by_id = {m.mention_id: m for m in mentions}
    groups: dict[tuple[str, str, str], list] = defaultdict(list)
    for s in sentiments:
        if not evidence_backed(s):
            continue
        m = by_id[s.mention_id]
        source, voice = attribute(doc, m, mentions, quotes)
        if source == m.actor:
            continue
        groups[(source, m.actor, voice)].append((s, m))
    aid = doc.user_data["framing"]["id"]
    out = []
    for (source, target, voice), items in sorted(groups.items()):
        n_pos = sum(1 for s, _ in items if s.label > 0)
        n_neg = sum(1 for s, _ in items if s.label < 0)
        sents = []
        for _, m in items:
            text = doc[m.tok_start].sent.text.strip()
            if text not in sents:
                sents.append(text)
        out.append(StanceEdge(aid, source, target, voice, (n_pos > n_neg) - (n_neg > n_pos),
                              n_pos, n_neg,
                              round(sum(s.score for s, _ in items) / len(items), 4),
                              " | ".join(sents[:3])))
    return out


def corpus_edges(rows: Sequence[dict], max_evidence: int = 3) -> list[dict]:
    """Aggregate per-article edges over the corpus: counts pooled over voices, the voices
    seen (``author``, ``quoted``, ``actor``) and up to ``max_evidence`` evidence sentences,
    each tagged with its article, in article order.

    >>> rows = [dict(article_id="b", source="AUTHOR", target="США", voice="author", n_pos=0,
    ...              n_neg=1, evidence="США давят."),
    ...         dict(article_id="a", source="AUTHOR", target="США", voice="author", n_pos=0,
    ...              n_neg=2, evidence="США мешают. | США вредят.")]
    >>> e = corpus_edges(rows)[0]
    >>> e["n_articles"], e["n_neg"], e["polarity"], e["voices"]
    (2, 3, -1, 'author')
    >>> e["evidence"]
    '[a] США мешают. | [a] США вредят. | [b] США давят.'
    """
    acc: dict[tuple[str, str], dict] = {}
    for r in sorted(rows, key=lambda r: (str(r["article_id"]), str(r.get("voice", "")))):
        key = (r["source"], r["target"])
        a = acc.setdefault(key, {"source": key[0], "target": key[1], "n_articles": 0,
                                 "n_pos": 0, "n_neg": 0, "articles": set(), "voices": set(),
                                 "evidence": []})
        a["articles"].add(r["article_id"])
        a["n_pos"] += int(r["n_pos"])
        a["n_neg"] += int(r["n_neg"])
        if r.get("voice"):
            a["voices"].add(str(r["voice"]))
        for sent in str(r.get("evidence") or "").split(" | "):
            tagged = f"[{r['article_id']}] {sent}"
            if sent and tagged not in a["evidence"] and len(a["evidence"]) < max_evidence:
                a["evidence"].append(tagged)
    out = []
    for a in acc.values():
        n = a.pop("articles")
        a["n_articles"] = len(n)
        a["polarity"] = (a["n_pos"] > a["n_neg"]) - (a["n_neg"] > a["n_pos"])
        a["voices"] = "; ".join(sorted(a["voices"]))
        a["evidence"] = " | ".join(a["evidence"])
        out.append(a)
    return out
