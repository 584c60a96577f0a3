"""Sentiment toward each actor: mention-level polarity from evaluative lemmas near the mention.

For every actor mention we collect evaluative lemmas and lemma phrases
(``config/sentiment_lexicon.tsv``; «глобальный масштаб» is a phrase) in its syntactic
neighbourhood — its governor, the governor's other dependents, its own dependents, and for
subjects and objects the predicate's complements — up to two arcs away.  Each hit counts
``polarity × weight / distance``; negation («не», «нет», «ни», «без») on the evaluative word or on
its governor flips it, so «не может не радовать» stays positive.  Only words in the mention's own
voice count (the author's, or the quoted speaker's), except the label a naming verb gives its
object («назвал последнего «великим деятелем»», «Путина считают деятелем …»), which counts at
distance 1 whatever the quotes.  Mentions are labelled −1/0/+1 and aggregated per actor per
article, overall and per voice (author vs each quoted speaker), with a seeded percentile
bootstrap interval of the mean.

With a trained model the model decides, except when the lexical evidence around the mention is
strong (``|lexicon score| ≥ STRONG``) and the model disagrees: then the evidence wins
(:func:`combine`).
"""

from __future__ import annotations

import csv
import hashlib
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .docview import doc_view
from .lexmatch import norm
from .quotes import speaker_at
from .yamlio import ResourceError

NEGATORS = {"не", "нет", "ни", "без", "отнюдь"}
#: Verbs of attitude: their polarity is the subject's stance toward the object, not an
#: evaluation of the subject («Лавров осудил Вашингтон» is negative for Вашингтон only).
ATTITUDE_VERBS = {"поддержать", "поддерживать", "осудить", "осуждать", "критиковать",
                  "раскритиковать", "похвалить", "хвалить", "одобрить", "одобрять",
                  "приветствовать", "благодарить", "поблагодарить", "поздравить", "поздравлять",
                  "обвинить", "обвинять", "уважать", "ценить", "любить", "доверять",
                  "восхищаться", "ненавидеть", "презирать", "упрекнуть", "упрекать",
                  "пригласить", "приглашать"}
#: Verbs that give their object a label in a complement («назвать X великим», «считать X
#: деятелем»): the complement is the subject's evaluation of the object.
NAMING_VERBS = {"назвать", "называть", "считать", "счесть", "охарактеризовать", "окрестить",
                "именовать", "величать", "признать", "признавать"}
THRESHOLD = 0.5
#: Lexical evidence this strong overrides a disagreeing model decision.
STRONG = 1.0


@dataclass
class MentionSentiment:
    article_id: str
    mention_id: int
    actor: str
    voice: str
    score: float
    label: int
    evidence: str
    method: str = "lexicon"
    lexicon_score: float = 0.0
    model_evidence: str = ""

    def as_row(self) -> dict:
        # its fields are plain values: no deep copy (dataclasses.asdict) needed
        return {k: getattr(self, k) for k in self.__dataclass_fields__}


def load_lexicon(path: Path) -> dict[str, float]:
    """Read ``lemma<TAB>polarity<TAB>weight`` rows; errors name the file and line."""
    lex: dict[str, float] = {}
    with Path(path).open(encoding="utf-8") as fh:
        rows = (line for line in fh if not line.startswith("#"))
        reader = csv.reader(rows, delimiter="\t")
        header = next(reader, None)
        if header != ["lemma", "polarity", "weight"]:
            raise ResourceError(f"{path}: header must be 'lemma<TAB>polarity<TAB>weight'")
        for n, row in enumerate(reader, 2):
            if not row or not row[0].strip():
                continue
            try:
                lemma, pol, weight = row[0], int(row[1]), float(row[2])
            except (IndexError, ValueError):
                raise ResourceError(f"{path}: row {n}: expected lemma, polarity, weight") from None
            if pol not in (-1, 1) or not 0 < weight <= 5:
                raise ResourceError(f"{path}: row {n} ({lemma!r}): polarity must be 1 or -1 "
                                    f"and weight in (0, 5]")
            key = " ".join(norm(w) for w in lemma.split())
            if key in lex:
                raise ResourceError(f"{path}: row {n}: duplicate lemma {lemma!r}")
            lex[key] = pol * weight
    return lex


_PHRASES: dict[int, tuple[int, dict[str, list[tuple[tuple[str, ...], float]]]]] = {}


def _phrases(lexicon: dict[str, float]) -> dict[str, list[tuple[tuple[str, ...], float]]]:
    """Multi-word entries of ``lexicon`` indexed by their last lemma (cached per lexicon)."""
    cached = _PHRASES.get(id(lexicon))
    if cached is not None and cached[0] == len(lexicon):
        return cached[1]
    out: dict[str, list[tuple[tuple[str, ...], float]]] = {}
    for key, w in lexicon.items():
        if " " in key:
            words = tuple(key.split())
            out.setdefault(words[-1], []).append((words, w))
    for v in out.values():
        v.sort(key=lambda x: -len(x[0]))
    _PHRASES[id(lexicon)] = (len(lexicon), out)
    return out


def _hit(lemmas: list[str], i: int, lexicon: dict[str, float],
         phrases: dict[str, list[tuple[tuple[str, ...], float]]]) -> tuple[float, int] | None:
    """Weight of the lexicon entry ending at token ``i`` (of a Doc with these ``lemmas``) and
    its first token: a phrase of :func:`_phrases` («глобального масштаба») wins over its last
    word alone."""
    lemma = lemmas[i]
    for words, w in phrases.get(lemma, ()):
        k = len(words)
        if i - k + 1 >= 0 and tuple(lemmas[i - k + 1:i + 1]) == words:
            return w, i - k + 1
    w = lexicon.get(lemma)
    return (w, i) if w is not None else None


def _negated(doc, i: int) -> bool:
    """A negator («не», «нет», …) on token ``i``, or on its governor when ``i`` is its
    complement, flips it (twice: no flip)."""
    v = doc_view(doc)
    kids, low, h, dep = v.children, v.lower, v.head[i], v.dep[i]
    flips = sum(1 for c in kids[i] if low[c] in NEGATORS)
    if h != i and dep in {"xcomp", "csubj", "ccomp"} or (
            h != i and v.pos[h] in {"AUX", "VERB"} and dep == "xcomp"):
        flips += sum(1 for c in kids[h] if low[c] in NEGATORS)
    return flips % 2 == 1


def neighbourhood(doc, start: int, end: int) -> dict[int, int]:
    """Token index → tree distance (1 or 2) around the mention's tokens, within its sentence."""
    v = doc_view(doc)  # token indices only: no spaCy Token objects made
    kids, head, dep = v.children, v.head, v.dep
    r = v.span_root(start, end)
    s0, s1 = v.sentence(r)
    inside = set(range(start, end))
    dist: dict[int, int] = {}
    frontier = [(r, 0)]
    seen = {r}
    while frontier:
        tok, d = frontier.pop(0)
        if d >= 2:
            continue
        nbrs = list(kids[tok])
        if head[tok] != tok and dep[tok] != "acl:relcl":
            nbrs.append(head[tok])  # a relative clause's antecedent is not its subject's
        for n in nbrs:
            if n in seen or not (s0 <= n < s1):
                continue
            seen.add(n)
            if n not in inside:
                dist[n] = d + 1
            frontier.append((n, d + 1))
    # a subject's or object's predicative complement and its modifiers
    # («назвал Трампа великим деятелем», «Москва стала надёжным партнёром») count at distance 2
    if dep[r] in {"nsubj", "nsubj:pass", "obj"} and head[r] != r:
        for c in kids[head[r]]:
            if dep[c] == "xcomp" and c not in inside:
                dist[c] = min(dist.get(c, 2), 2)
                for g in kids[c]:
                    if dep[g] in {"amod", "advmod"} and g not in inside:
                        dist[g] = min(dist.get(g, 2), 2)
    # the mention's own modifiers («великий лидер») count at distance 1
    for t in range(start, end):
        for c in kids[t]:
            if c not in inside:
                dist[c] = min(dist.get(c, 1), 1)
    return dist


def naming_complement(doc, start: int, end: int) -> set[int]:
    """Tokens of the label a naming verb gives the mention («назвал последнего «великим
    государственным деятелем»», «президента Путина считают деятелем глобального масштаба»):
    the verb's ``xcomp`` with its modifiers (two levels), when the mention is in the object."""
    v = doc_view(doc)
    t, verb = v.span_root(start, end), None
    for _ in range(3):
        h = v.head[t]
        if h == t:
            return set()
        if v.pos[h] == "VERB":
            # the mention must be in the object (or mis-parsed into the label itself)
            if v.lemma[h] in NAMING_VERBS and v.dep[t] in {"obj", "xcomp"}:
                verb = doc[h]
            break
        t = h
    if verb is None:
        return set()
    inside = set(range(start, end))
    out: set[int] = set()
    # the label: the verb's xcomp, or an instrumental the parser hung on the verb or on the
    # object itself («назвал лидера «великим деятелем»» parsed as an apposition)
    heads = [c for c in verb.children if c.dep_ == "xcomp"
             or (c.dep_ == "obl" and c.morph.get("Case") == ["Ins"])]
    heads += [c for t in doc[start:end] for c in t.children
              if c.dep_ in {"appos", "nmod"} and c.morph.get("Case") == ["Ins"]]
    for c in heads:
        if c.i in inside:
            continue
        out.add(c.i)
        for g in c.children:
            if g.dep_ in {"amod", "nmod", "appos", "conj"} and g.i not in inside:
                out.add(g.i)
                out.update(x.i for x in g.children if x.dep_ in {"amod", "nmod"}
                           and x.i not in inside)
    return out


def _compared_against(root, tok) -> bool:
    """``root`` is in the standard of comparison of the comparative ``tok`` (a dependent after
    it that is not its subject: «X выгоднее обещаний <root>», «лучше, чем <root>»)."""
    if tok.morph.get("Degree") != ["Cmp"]:
        return False
    t = root
    for _ in range(4):
        if t.head.i == t.i:
            return False
        if t.head.i == tok.i:
            return t.i > tok.i and not t.dep_.startswith("nsubj")
        t = t.head
    return False


def score_mention(doc, start: int, end: int, lexicon: dict[str, float],
                  other_mentions: set[int] = frozenset(),
                  voice_of: dict[int, object] | None = None,
                  voice: object = -1) -> tuple[float, list[str]]:
    """Polarity score of one mention and the evidence words behind it.

    With ``voice_of`` (token → voice, e.g. the quoted speaker; tokens absent are the
    author's, ``-1``), words in another voice than ``voice`` are not counted, except the label
    a naming verb gives the mention (:func:`naming_complement`).
    """
    score, hits = evidence_spans(doc, start, end, lexicon, other_mentions, voice_of, voice)
    return score, [("не " if neg else "") + doc[a:b].text for a, b, _, neg in hits]


class _DocContext:
    """What is known of the mentions of the last Doc seen (mentions come doc by doc; it holds
    that Doc, so identity comparison is safe): per span its :func:`_tree_context` and, for the
    last lexicon seen (and its size), its candidate evidence words (:func:`_candidates`)."""

    __slots__ = ("doc", "tree", "lexicon", "size", "cands")

    def __init__(self) -> None:
        self.doc, self.tree, self.lexicon, self.size, self.cands = None, {}, None, -1, {}

    def of(self, doc, lexicon: dict[str, float] | None = None) -> _DocContext:
        if self.doc is not doc:
            self.doc, self.tree, self.lexicon, self.cands = doc, {}, None, {}
        if lexicon is not None and (self.lexicon is not lexicon or self.size != len(lexicon)):
            self.lexicon, self.size, self.cands = lexicon, len(lexicon), {}
        return self


_CONTEXT = _DocContext()


def _tree_context(doc, start: int, end: int) -> tuple[dict[int, int], set[int]]:
    """:func:`neighbourhood` (a copy: the caller changes it) and :func:`naming_complement` of
    a mention, computed once per mention of the last Doc (its features and its voiced score
    both ask)."""
    tree = _CONTEXT.of(doc).tree
    got = tree.get((start, end))
    if got is None:
        got = tree[(start, end)] = (neighbourhood(doc, start, end),
                                    frozenset(naming_complement(doc, start, end)))
    return dict(got[0]), got[1]


def _candidates(doc, start: int, end: int, lexicon: dict[str, float]
                ) -> tuple[frozenset[int], list[tuple[int, int, float, int, bool]]]:
    """The mention's label (:func:`naming_complement`) and the lexicon hits around it that
    may count as its evidence, last token first: ``(last token, first token, signed weight,
    distance, negated)``, never a token of the mention itself.  What depends on the caller —
    the other mentions' tokens, the voices, the words already taken by a phrase — is left to
    :func:`evidence_spans`; this is computed once per mention of the last Doc and lexicon."""
    ctx = _CONTEXT.of(doc, lexicon)
    got = ctx.cands.get((start, end))
    if got is not None:
        return got
    v = doc_view(doc)
    r = v.span_root(start, end)
    h = v.head[r]
    subject = v.dep[r] in {"nsubj", "nsubj:pass"}
    dist, label = _tree_context(doc, start, end)
    for i in label:
        dist[i] = 1
    if subject and v.lemma[h] in NAMING_VERBS and any(v.dep[c] == "obj" for c in v.children[h]):
        # «Токаев назвал Трампа великим»: the label is the object's, not the namer's
        for c in doc[h].children:
            if c.dep_ == "xcomp" or (c.dep_ == "obl" and c.morph.get("Case") == ["Ins"]):
                for t in c.subtree:
                    dist.pop(t.i, None)
    lemmas, phrases = v.lemma, _phrases(lexicon)
    out: list[tuple[int, int, float, int, bool]] = []
    for i, d in sorted(dist.items(), reverse=True):
        if subject and i == h and lemmas[i] in ATTITUDE_VERBS:
            continue  # the subject holds this attitude; it is not evaluated by it
        hit = _hit(lemmas, i, lexicon, phrases)
        if hit is None:
            continue
        w, first = hit
        if first < start <= i:
            continue  # a phrase running into the mention itself
        neg = _negated(doc, i)
        if neg:
            w = -w
        if _compared_against(doc[r], doc[i]):
            w = -w  # «добрососедство выгоднее обещаний из-за океана»: the loser of a comparison
        out.append((i, first, w, d, neg))
    got = ctx.cands[(start, end)] = (label, out)
    return got


def evidence_spans(doc, start: int, end: int, lexicon: dict[str, float],
                   other_mentions: set[int] = frozenset(),
                   voice_of: dict[int, object] | None = None, voice: object = -1
                   ) -> tuple[float, list[tuple[int, int, float, bool]]]:
    """:func:`score_mention` with its evidence as token spans: ``(score, [(first, end,
    signed contribution, negated), …])`` in text order."""
    label, candidates = _candidates(doc, start, end, lexicon)
    score = 0.0
    hits: list[tuple[int, int, float, bool]] = []
    used: set[int] = set()
    for i, first, w, d, neg in candidates:
        if i in other_mentions or i in used:
            continue
        if voice_of is not None and voice_of.get(i, -1) != voice and i not in label:
            continue
        used.update(range(first, i + 1))
        hits.append((first, i + 1, w / d, neg))
        score += w / d
    hits.reverse()
    return round(score, 4), hits


def label_of(score: float) -> int:
    """−1/0/+1 from a lexicon score.

    >>> [label_of(x) for x in (-0.7, 0.2, 0.5)]
    [-1, 0, 1]
    """
    return 1 if score >= THRESHOLD else -1 if score <= -THRESHOLD else 0


def combine(model_label: int, model_score: float, lex_score: float) -> tuple[int, float, str]:
    """Final (label, score, method) of a mention from the model and the lexical evidence:
    strong evidence (``|lex_score| ≥ STRONG``) that the model contradicts or misses wins.

    >>> combine(-1, -0.02, 1.5)
    (1, 1.5, 'lexicon')
    >>> combine(1, 0.4, 0.5)
    (1, 0.4, 'model')
    """
    lex_label = label_of(lex_score)
    if abs(lex_score) >= STRONG and model_label != lex_label:
        return lex_label, lex_score, "lexicon"
    return model_label, model_score, "model"


_TAG = {"person": "PERSON", "state": "COUNTRY", "organisation": "ORGANIZATION",
        "bloc": "ORGANIZATION", "collective": "ORGANIZATION", "location": "COUNTRY"}


def mention_sentiment(doc, mentions: Sequence, quotes: Sequence, lexicon: dict[str, float],
                      model=None, emb=None) -> list[MentionSentiment]:
    """Polarity of every mention: the trained ``model`` decides when given (score = P(+) −
    P(−)); otherwise the lexicon score does.  Lexicon evidence words are always kept."""
    from .sentiment_model import mention_features

    out = []
    feats = []
    mention_toks = {i for m in mentions for i in range(m.tok_start, m.tok_end)}
    voice_of = _voice_index(doc, quotes)
    for m in mentions:
        # evaluation does not cross a voice boundary: the speaker outside a quote is not
        # evaluated by the quote's words, nor a mention inside by the reporting clause.  (The
        # other mentions' tokens are all the mentions' tokens: a mention's own tokens are
        # never among its evidence candidates.)
        v = voice_of.get(m.tok_start, -1)
        lex_score, ev = score_mention(doc, m.tok_start, m.tok_end, lexicon, mention_toks,
                                      voice_of, v)
        voice = speaker_at(quotes, m.start)
        row = MentionSentiment(m.article_id, m.mention_id, m.actor, voice, lex_score,
                               label_of(lex_score), "; ".join(ev), "lexicon", lex_score)
        if model is not None:
            feats.append(mention_features(doc, m.tok_start, m.tok_end, lexicon,
                                          _TAG.get(m.actor_type, ""), emb, voice != "AUTHOR"))
        out.append(row)
    if model is not None:  # the article's mentions in one batch (when the model batches)
        many = getattr(model, "predict_many", None)
        pred = many(feats) if many is not None else [model.predict_one(f) for f in feats]
        for row, f, (label, score) in zip(out, feats, pred, strict=True):
            label, score, method = combine(int(label), score, row.lexicon_score)
            row.label, row.score, row.method = int(label), round(score, 4), method
            if label and method == "model":
                row.model_evidence = "; ".join(
                    x.split(":", 1)[-1].split("@")[0] for x in model.top_features(f, label, 4))
    return out


def _voice_index(doc, quotes: Sequence) -> dict[int, str]:
    """Token index → speaker of the (innermost) quote containing it; the author's tokens are
    absent.  Two quotes of the same speaker are one voice."""
    out: dict[int, str] = {}
    for q in sorted(quotes, key=lambda q: -(q.end - q.start)):
        span = doc.char_span(q.start, q.end, alignment_mode="expand")
        if span is not None:
            for i in range(span.start, span.end):
                out[i] = q.speaker or f"UNATTRIBUTED:{q.quote_id}"
    return out


def bootstrap_ci(values: Sequence[float], seed: int, n_boot: int = 1000,
                 level: float = 0.95) -> tuple[float, float]:
    """Percentile bootstrap interval of the mean (deterministic for a given seed).

    >>> bootstrap_ci([1, 1, 1], seed=0)
    (1.0, 1.0)
    """
    if len(values) == 0:
        return (float("nan"), float("nan"))
    first = values[0]
    if all(x == first for x in values):  # every resample has the same mean (most actors)
        return round(float(first), 4), round(float(first), 4)
    rng = np.random.default_rng(seed)
    draws = rng.integers(0, len(values), size=(n_boot, len(values)))
    qs = [(1 - level) / 2, 1 - (1 - level) / 2]
    if all(type(x) is int and -2**20 < x < 2**20 for x in values) and len(values) < 2**20:
        fast = _integer_mean_quantiles(np.asarray(values, dtype=np.int64)[draws], qs)
        if fast is not None:
            return round(fast[0], 4), round(fast[1], 4)
    means = np.asarray(values, dtype=float)[draws].mean(axis=1)
    lo, hi = np.quantile(means, qs)
    return round(float(lo), 4), round(float(hi), 4)


def _integer_mean_quantiles(samples: np.ndarray, qs: Sequence[float]) -> list[float] | None:
    """``np.quantile(samples.mean(axis=1), qs)`` (its default, linear method) of the rows of
    integer ``samples`` whose sums are exact in float64, bit for bit, without the float
    means: a mean is its row's integer sum divided by the row length (what ``mean`` computes,
    as no sum of such integers is rounded), so the k-th smallest mean is the k-th smallest
    sum over that length, and the quantile interpolates between two of them as numpy does
    (``(n − 1)·q``, its floor and fraction γ; ``a + (b − a)·γ``, or ``b − (b − a)·(1 − γ)``
    when γ ≥ 0.5).  ``None`` when a quantile falls on the first or last mean (numpy's edge
    cases there are left to numpy).

    >>> s = np.array([[1, 0], [1, 1], [0, -1], [1, -1], [0, 0]])
    >>> _integer_mean_quantiles(s, [0.1, 0.5]) == np.quantile(s.mean(axis=1), [0.1, 0.5]).tolist()
    True
    """
    n, width = samples.shape
    sums = np.sort(samples.sum(axis=1)).tolist()
    out = []
    for q in qs:
        virtual = (n - 1) * q
        if not 0 <= virtual < n - 1:
            return None
        k = int(np.floor(virtual))
        gamma = virtual - k
        a, b = sums[k] / width, sums[k + 1] / width
        diff = b - a
        out.append(b - diff * (1 - gamma) if gamma >= 0.5 else a + diff * gamma)
    return out


def _seed(*parts: str) -> int:
    return int(hashlib.sha256("\x00".join(parts).encode()).hexdigest()[:8], 16)


def aggregate(rows: Sequence[MentionSentiment], mention_types: dict[tuple[str, int], str]
              ) -> list[dict]:
    """Per article × actor × voice (``ALL`` plus each voice) sentiment summary."""
    groups: dict[tuple[str, str, str], list[MentionSentiment]] = defaultdict(list)
    for r in rows:
        groups[(r.article_id, r.actor, "ALL")].append(r)
        groups[(r.article_id, r.actor, r.voice)].append(r)
    out = []
    for (aid, actor, voice), rs in sorted(groups.items()):
        labels = [r.label for r in rs]
        n = len(labels)
        lo, hi = bootstrap_ci(labels, _seed(aid, actor, voice))
        out.append({
            "article_id": aid, "actor": actor,
            "actor_type": mention_types.get((aid, rs[0].mention_id), ""),
            "voice": voice, "n_mentions": n,
            "n_pos": labels.count(1), "n_neg": labels.count(-1), "n_neu": labels.count(0),
            # the labels are integers: their sum is exact, its quotient is np.mean's; the mean
            # of one score is np.mean's too (which starts from 0.0: -0.0 becomes 0.0)
            "mean_label": round(sum(labels) / n, 4),
            "mean_score": round(rs[0].score + 0.0 if n == 1
                                else float(np.mean([r.score for r in rs])), 4),
            "ci_low": lo, "ci_high": hi,
        })
    return out
