"""RuSentRel 1.1: document-level attitudes between named entities — predict and evaluate.

Reading: ``artN.txt`` (each line prefixed ``{Author, Unknown} ``, blanked here so the ``.ann``
offsets still hold), ``artN.ann`` (entities), ``artN.opin.txt`` (gold ``source, target, pos|neg,
current``) and ``synonyms.txt`` (one synonym group per line).

Prediction (extraction mode) reuses the pipeline: each document is annotated by
:class:`framing.nlp.NLP`; every entity mention gets a polarity from the sentiment model.  With
the packaged pair model (:func:`pair_features`, :func:`train_rusentrel`) every candidate pair
of synonym groups gets P(pos), P(neg), P(none) from a linear model over document-level pair
features averaged with gradient-boosted trees (:class:`PairModel`); per document and class,
the candidates' calibrated probabilities decide how many are output (:func:`_decide_doc`;
models without a stored rule output the pairs whose polar class beats P(none) by a margin
chosen by cross-validation).  Without a pair model, the source
of each mention's polarity is found as in :mod:`framing.stance` (quote speaker, else the
subject of the governing predicate, else the entity mentioned before it in the same
sentence), votes are summed per synonym-group pair and pairs whose net vote reaches a
threshold are output as ``pos``/``neg``.

Evaluation (as RuSentRel's official two-class evaluator): per document, precision and recall
of ``pos`` and of ``neg`` pairs on synonym-group pairs; a class with no gold pair in a document
gets recall 1 there, and precision 1 if none of it is predicted (else 0); a class with gold pairs
but no prediction gets P = R = 0.  P and R are averaged over documents (macro), F1 of each
class from the averaged P and R, and F1 = (F1_pos + F1_neg) / 2, ×100.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

PREFIX = re.compile(r"^\{[^}]*\}\s?", re.M)


@dataclass
class Entity:
    start: int
    end: int
    type: str
    text: str


@dataclass
class RelDoc:
    name: str
    text: str
    entities: list[Entity]
    opinions: set[tuple[str, str, str]] | None


_PUNCT = re.compile(r"[\"«»“”„()\[\]]|\.$")


class Synonyms:
    """Synonym groups; an entity form maps to its group's first item.  Forms are matched as
    written, by their lemmas, and with quotes, brackets and a final full stop left out (the
    gold files write «"Антимайдан"» and «Али Лариджани (Ali Larijani)» where the synonym
    list has «антимайдан» and «али лариджани (ali larijani»)."""

    def __init__(self, lines: Iterable[str], lemmatizer) -> None:
        self.lemmatizer = lemmatizer
        self.group: dict[str, str] = {}
        for line in lines:
            items = [x.strip().lower() for x in line.split(",") if x.strip()]
            if not items:
                continue
            gid = items[0]
            for it in items:
                self.group.setdefault(it, gid)
                self.group.setdefault(self._lemmas(it), gid)
            for it in items:  # bare forms last: they never displace a form as written
                bare = self._bare(it)
                self.group.setdefault(bare, gid)
                self.group.setdefault(self._lemmas(bare), gid)

    def _lemmas(self, text: str) -> str:
        return " ".join(self.lemmatizer.lemma(w) for w in text.lower().replace("ё", "е").split())

    @staticmethod
    def _bare(text: str) -> str:
        return " ".join(_PUNCT.sub(" ", text).split())

    def of(self, text: str) -> str:
        t = text.strip().lower()
        hit = self.group.get(t) or self.group.get(self._lemmas(t))
        if hit:
            return hit
        bare = self._bare(t)
        return self.group.get(bare) or self.group.get(self._lemmas(bare)) or self._lemmas(t)


def find_synonyms(folder: Path, explicit: Path | None = None) -> Path:
    for p in ([explicit] if explicit else []) + [folder / "synonyms.txt",
                                                  folder.parent / "synonyms.txt"]:
        if p is not None and p.exists():
            return p
    raise FileNotFoundError(f"synonyms.txt not found beside or above {folder}")


def read_folder(folder: Path) -> list[RelDoc]:
    """Every ``artN`` document of a RuSentRel folder, in numeric order."""
    folder = Path(folder)
    docs = []
    names = sorted({p.name[:-4] for p in folder.glob("art*.txt")
                    if re.fullmatch(r"art\d+\.txt", p.name)},
                   key=lambda n: int(re.sub(r"\D", "", n) or 0))
    if not names:
        raise FileNotFoundError(f"{folder}: no artN.txt documents")
    for name in names:
        with (folder / f"{name}.txt").open(encoding="utf-8", newline="") as fh:
            raw = fh.read()  # keep \r\n: the .ann offsets count every character
        text = PREFIX.sub(lambda m: " " * len(m.group(0)), raw)
        ents = []
        ann = folder / f"{name}.ann"
        if ann.exists():
            for line in ann.read_text(encoding="utf-8").splitlines():
                parts = line.split("\t")
                if len(parts) < 3 or not parts[0].startswith("T"):
                    continue
                typ, a, b = parts[1].split()[:3]
                a, b = int(a), int(b)
                if text[a:b].strip():  # entities inside the blanked prefix are dropped
                    ents.append(Entity(a, b, typ, parts[2]))
        opin = folder / f"{name}.opin.txt"
        opinions = None
        if opin.exists():
            opinions = set()
            for line in opin.read_text(encoding="utf-8").splitlines():
                f = [x.strip() for x in line.split(",")]
                if len(f) >= 3 and f[2] in {"pos", "neg"}:
                    opinions.add((f[0], f[1], f[2]))
        docs.append(RelDoc(name, text, ents, opinions))
    return docs


def _article(doc: RelDoc):
    from .ingest import Article, Segment

    segs = []
    for m in re.finditer(r"[^\n]+", doc.text):
        a, b = m.start(), m.end()
        while a < b and doc.text[a].isspace():
            a += 1
        while b > a and doc.text[b - 1].isspace():
            b -= 1
        if b > a:
            segs.append(Segment("prose", doc.text[a:b], a, b))
    return Article(id=doc.name, source_file=doc.name, text=doc.text, segments=segs)


def pair_votes(sdoc, doc: RelDoc, syn: Synonyms, model, emb, lexicon) -> dict:
    """Signed votes per (source group, target group) in one annotated document."""
    from .sentiment_model import mention_features
    from .stance import _governing_subject

    mentions = _doc_mentions(sdoc, doc, syn)
    by_sent: dict[int, list] = defaultdict(list)
    for m in mentions:
        by_sent[sdoc[m.tok_start].sent.start].append(m)
    votes: dict[tuple[str, str], float] = defaultdict(float)
    tag = {"PER": "PERSON", "ORG": "ORGANIZATION", "LOC": "COUNTRY", "GEOPOLIT": "COUNTRY"}
    for ms in by_sent.values():
        if len({m.actor for m in ms}) < 2:
            continue
        for m in ms:
            feats = mention_features(sdoc, m.tok_start, m.tok_end, lexicon,
                                     tag.get(m.actor_type, ""), emb)
            label, score = model.predict_one(feats)
            if not label:
                continue
            subj = _governing_subject(sdoc, sdoc[m.tok_start:m.tok_end].root)
            source = next((x.actor for x in ms if subj is not None
                           and x.tok_start <= subj.i < x.tok_end and x.actor != m.actor), None)
            weight = 1.0
            if source is None:  # fall back to the nearest other entity before it
                before = [x for x in ms if x.tok_start < m.tok_start and x.actor != m.actor]
                if not before:
                    continue
                source, weight = before[-1].actor, 0.5
            votes[(source, m.actor)] += weight * label
    return votes


def _doc_mentions(sdoc, doc: RelDoc, syn: Synonyms) -> list:
    from .actors import Mention

    mentions = []
    for n, e in enumerate(doc.entities):
        span = sdoc.char_span(e.start, e.end, alignment_mode="expand")
        if span is None or span.root.is_space:
            continue
        mentions.append(Mention(doc.name, n, syn.of(e.text), e.type, e.text, e.start, e.end,
                                span.start, span.end, 0, "ann", "prose"))
    return mentions


_TAG = {"PER": "PERSON", "ORG": "ORGANIZATION", "LOC": "COUNTRY", "GEOPOLIT": "COUNTRY"}


def _bucket(n: float) -> str:
    return "0" if n <= 0 else "1" if n <= 1 else "2-3" if n <= 3 else "4+"


def pair_features(sdoc, doc: RelDoc, syn: Synonyms, model, emb, lexicon, window: int = 0,
                  identity: bool = True) -> dict[tuple[str, str], dict[str, float]]:
    """Features of every ordered pair of entity groups that share a sentence (or, with
    ``window`` > 0, sentences at most ``window`` apart): co-occurrence counts, the sentiment
    model's and the lexicon's polarity of each side's mentions there, who is the subject of the
    predicate governing the target, order and distance, entity types, document frequencies and
    ranks, the title, the document-wide polarity of each side, and (``identity``) the groups
    themselves — RuSentRel's attitudes recur across documents (``игил`` is a negative target
    wherever it appears), so the pair model learns these priors from the training documents."""
    from .lexmatch import norm
    from .sentiment import score_mention
    from .sentiment_model import mention_features
    from .stance import _governing_subject

    mentions = _doc_mentions(sdoc, doc, syn)
    freq: dict[str, int] = defaultdict(int)
    for m in mentions:
        freq[m.actor] += 1
    ranked = sorted(freq, key=lambda a: (-freq[a], a))
    rank = {a: i for i, a in enumerate(ranked)}
    top = ranked[:2]
    pol: dict[int, tuple[int, float, float]] = {}
    by_sent: dict[int, list] = defaultdict(list)
    for m in mentions:
        by_sent[sdoc[m.tok_start].sent.start].append(m)
    feats: dict[tuple[str, str], dict[str, float]] = {}
    sent_no = {st.start: n for n, st in enumerate(sdoc.sents)}
    first_sent = min(by_sent, default=-1)
    all_toks = {i for m in mentions for i in range(m.tok_start, m.tok_end)}

    def polarity(m, toks):
        if m.mention_id not in pol:
            label, score = (model.predict_one(mention_features(
                sdoc, m.tok_start, m.tok_end, lexicon, _TAG.get(m.actor_type, ""), emb))
                if model is not None else (0, 0.0))
            own = set(range(m.tok_start, m.tok_end))
            lex, _ = score_mention(sdoc, m.tok_start, m.tok_end, lexicon, toks - own)
            pol[m.mention_id] = (label, score, lex)
        return pol[m.mention_id]

    for start, ms in by_sent.items():
        groups = {m.actor for m in ms}
        if len(groups) < 2:
            continue
        toks = {i for m in ms for i in range(m.tok_start, m.tok_end)}
        for m in ms:
            polarity(m, toks)
        sent = sdoc[ms[0].tok_start].sent
        slex_pos = sum(1 for t in sent if lexicon.get(norm(t.lemma_), 0) > 0)
        slex_neg = sum(1 for t in sent if lexicon.get(norm(t.lemma_), 0) < 0)
        subj_of = {}
        for m in ms:
            subj = _governing_subject(sdoc, sdoc[m.tok_start:m.tok_end].root)
            subj_of[m.mention_id] = next((x.actor for x in ms if subj is not None
                                          and x.tok_start <= subj.i < x.tok_end), None)
        for a in groups:
            for b in groups:
                if a == b:
                    continue
                f = feats.setdefault((a, b), defaultdict(float))
                f["cooc"] += 1
                ma = [m for m in ms if m.actor == a]
                mb = [m for m in ms if m.actor == b]
                for m in mb:
                    label, score, lex = pol[m.mention_id]
                    f["t_score"] += score
                    f["t_lex"] += lex
                    f[f"t_label:{label}"] += 1
                    if subj_of[m.mention_id] == a:
                        f["subj"] += 1
                        f["subj_score"] += score
                        f["subj_lex"] += lex
                for m in ma:
                    label, score, lex = pol[m.mention_id]
                    f["s_score"] += score
                    f[f"s_label:{label}"] += 1
                    if subj_of[m.mention_id] == b:
                        f["obj_score"] += score
                f["a_first"] += 1 if ma[0].tok_start < mb[0].tok_start else 0
                dist = min(abs(x.tok_start - y.tok_start) for x in ma for y in mb)
                f["near"] += 1 if dist <= 5 else 0
                f["slex_pos"] += slex_pos
                f["slex_neg"] += slex_neg
                f["both_pos"] += 1 if slex_pos and not slex_neg else 0
                f["both_neg"] += 1 if slex_neg and not slex_pos else 0
                f["early"] += 1 if sent_no[sent.start] < 3 else 0
                f["title"] += 1 if start == first_sent else 0
    # sentences up to ``window`` apart: pairs the sentence model cannot see
    near: dict[tuple[str, str], int] = defaultdict(int)
    if window > 0:
        order = sorted(by_sent)
        groups_at = {sent_no[s]: {m.actor for m in by_sent[s]} for s in order}
        for n, ga in groups_at.items():
            for k in range(1, window + 1):
                for a in ga:
                    for b in groups_at.get(n + k, ()):
                        if a != b:
                            near[(a, b)] += 1
                            near[(b, a)] += 1
    # document-wide polarity of every group (all its mentions, each in its own sentence)
    doc_score: dict[str, list[float]] = defaultdict(list)
    for m in mentions:
        doc_score[m.actor].append(polarity(m, all_toks)[1])
    out: dict[tuple[str, str], dict[str, float]] = {}
    types = {m.actor: m.actor_type for m in mentions}
    n_groups = len(freq)
    for pair in sorted(set(feats) | {p for p in near if p not in feats}):
        a, b = pair
        f = feats.get(pair, {})
        n = f.get("cooc", 0)
        g = {k: v / n for k, v in f.items() if k != "cooc"} if n else {}
        g.update({k + ":sum": v for k, v in f.items() if k in {"t_score", "subj_score",
                                                                 "t_lex", "subj", "subj_lex"}})
        g[f"cooc:{_bucket(n)}"] = 1.0
        g["log_cooc"] = float(np.log1p(n))
        g[f"types:{types[a]}>{types[b]}"] = 1.0
        g["a_top"] = 1.0 if a in top else 0.0
        g["b_top"] = 1.0 if b in top else 0.0
        g["log_fa"] = float(np.log1p(freq[a]))
        g["log_fb"] = float(np.log1p(freq[b]))
        if window > 0:
            g["log_near"] = float(np.log1p(near.get(pair, 0)))
        g[f"rank:{min(rank[a], 4)}-{min(rank[b], 4)}"] = 1.0
        g["share_a"] = freq[a] / len(mentions)
        g["share_b"] = freq[b] / len(mentions)
        g["log_groups"] = float(np.log1p(n_groups))
        g["rev"] = 1.0 if (b, a) in feats else 0.0
        g["a_doc_score"] = float(np.mean(doc_score[a]))
        g["b_doc_score"] = float(np.mean(doc_score[b]))
        if identity:
            g[f"src={a}"] = 1.0
            g[f"tgt={b}"] = 1.0
            g[f"pair={a}>{b}"] = 1.0
            g[f"upair={min(a, b)}|{max(a, b)}"] = 1.0
        out[pair] = g
    return out


def _gold_label(gold: set[tuple[str, str, str]], pair: tuple[str, str]) -> int:
    pos = (pair[0], pair[1], "pos") in gold
    neg = (pair[0], pair[1], "neg") in gold
    return 1 if pos and not neg else -1 if neg and not pos else 0


def _scored(model, feats: dict[tuple[str, str], dict[str, float]]) -> list:
    """(pair, P(pos), P(neg), P(none)) for every candidate pair."""
    if isinstance(model, PairModel):
        return model.scored(feats)
    cls = model.classes
    out = []
    for pair, f in feats.items():
        z = model.decision(f)
        if len(z) == 1:  # a binary model (a training fold with two classes only)
            p1 = 1.0 / (1.0 + np.exp(-z[0]))
            p = np.array([1.0 - p1, p1])
        else:
            p = np.exp(z - z.max())
            p /= p.sum()
        prob = {c: float(p[k]) for k, c in enumerate(cls)}
        out.append((pair, prob.get(1, 0.0), prob.get(-1, 0.0), prob.get(0, 0.0)))
    return out


_IDENTITY = ("src=", "tgt=", "pair=", "upair=")
#: Smoothing of the target-encoded identity priors: ``ALPHA`` pseudo-pairs at rate ``BASE``.
PRIOR_ALPHA, PRIOR_BASE = 2.0, 0.08


def _prior_keys(pair: tuple[str, str]) -> list[tuple[str, str]]:
    a, b = pair
    return [("s", a), ("t", b), ("p", f"{a}>{b}"), ("u", f"{min(a, b)}|{max(a, b)}")]


def _prior_counts(feats: list[dict], golds: list[set], idx) -> tuple[dict, dict]:
    """Per identity key (source group, target group, pair, unordered pair): [candidates,
    pos, neg] over the documents ``idx``, in total and per document (for leaving a
    document's own pairs out of its training rows)."""
    total: dict[str, list[float]] = {}
    per: dict[int, dict[str, list[float]]] = {}
    for i in idx:
        own: dict[str, list[float]] = {}
        for pair in feats[i]:
            y = _gold_label(golds[i], pair)
            for kind, key in _prior_keys(pair):
                v = own.setdefault(f"{kind}:{key}", [0.0, 0.0, 0.0])
                v[0] += 1
                v[1] += y == 1
                v[2] += y == -1
        per[i] = own
        for k, v in own.items():
            t = total.setdefault(k, [0.0, 0.0, 0.0])
            for j in range(3):
                t[j] += v[j]
    return total, per


def _prior_features(pair: tuple[str, str], total: dict, own: dict | None = None
                    ) -> dict[str, float]:
    """How often the source, the target, the pair and the unordered pair were candidates and
    gold pos / neg in the training documents (smoothed rates; ``own`` counts subtracted)."""
    out = {}
    for kind, key in _prior_keys(pair):
        k = f"{kind}:{key}"
        n, p, q = total.get(k, (0.0, 0.0, 0.0))
        if own is not None and k in own:
            n, p, q = n - own[k][0], p - own[k][1], q - own[k][2]
        out[f"prior_{kind}_n"] = float(np.log1p(n))
        out[f"prior_{kind}_pos"] = (p + PRIOR_ALPHA * PRIOR_BASE) / (n + PRIOR_ALPHA)
        out[f"prior_{kind}_neg"] = (q + PRIOR_ALPHA * PRIOR_BASE) / (n + PRIOR_ALPHA)
    return out


#: Gradient boosting of the tree half of the pair model (scikit-learn names).
TREE_PARAMS = {"max_iter": 150, "learning_rate": 0.05, "max_leaf_nodes": 7,
               "min_samples_leaf": 20, "l2_regularization": 1.0, "class_weight": "balanced"}


class PairModel:
    """The pair model: logistic regression over the sparse pair features, optionally averaged
    (weight :attr:`tree_weight`) with gradient-boosted trees over the dense ones plus
    target-encoded identity priors (:func:`_prior_features`) — the trees see the priors as
    rates, the linear model as one-hot identities."""

    def __init__(self, linear, trees=None, names: list[str] | None = None,
                 priors: dict | None = None, tree_weight: float = 0.5) -> None:
        self.linear = linear
        self.trees = trees
        self.names = names or []
        self.priors = priors  # None: no identity priors (a model trained without identity)
        self.tree_weight = tree_weight if trees is not None else 0.0
        self._col = {n: k for k, n in enumerate(self.names)}

    @property
    def meta(self) -> dict:
        return self.linear.meta

    def _matrix(self, rows: Iterable[tuple[tuple[str, str], dict, dict | None]]) -> np.ndarray:
        rows = list(rows)
        X = np.zeros((len(rows), len(self.names)))
        col = self._col
        for r, (pair, f, own) in enumerate(rows):
            for k, v in f.items():
                j = col.get(k)
                if j is not None:
                    X[r, j] = v
            if self.priors is not None:
                for k, v in _prior_features(pair, self.priors, own).items():
                    X[r, col[k]] = v
        return X

    def scored(self, feats: dict[tuple[str, str], dict[str, float]]) -> list:
        lin = _scored(self.linear, feats)
        if self.trees is None or not feats:
            return lin
        P = self.trees.proba(self._matrix((p, f, None) for p, f in feats.items()))
        cls = self.trees.classes
        w = self.tree_weight
        out = []
        for k, (pair, pp, pn, p0) in enumerate(lin):
            tp = [float(P[k, cls.index(c)]) if c in cls else 0.0 for c in (1, -1, 0)]
            out.append((pair, (1 - w) * pp + w * tp[0], (1 - w) * pn + w * tp[1],
                        (1 - w) * p0 + w * tp[2]))
        return out

    @classmethod
    def fit(cls, feats: list[dict], golds: list[set], idx, C: float, seed: int,
            trees: bool = True, meta: dict | None = None, priors: bool = True) -> PairModel:
        from .sentiment_model import LinearSentimentModel

        idx = list(idx)
        X = [f for i in idx for f in feats[i].values()]
        y = [_gold_label(golds[i], pair) for i in idx for pair in feats[i]]
        linear = LinearSentimentModel.fit(X, y, C=C, seed=seed, meta=meta)
        if not trees or len(set(y)) < 2:
            return cls(linear)
        from sklearn.ensemble import HistGradientBoostingClassifier

        from .trees import TreeEnsemble

        total, per = _prior_counts(feats, golds, idx) if priors else (None, {})
        dense = sorted({k for f in X for k in f if not k.startswith(_IDENTITY)})
        names = dense + (sorted(_prior_features(("", ""), {})) if priors else [])
        model = cls(linear, None, names, total)
        Xm = model._matrix((p, f, per.get(i)) for i in idx for p, f in feats[i].items())
        clf = HistGradientBoostingClassifier(random_state=seed, **TREE_PARAMS).fit(Xm, y)
        return cls(linear, TreeEnsemble.from_sklearn(clf), names, total)

    def save(self, out: Path) -> None:
        import json

        self.linear.save(Path(out))
        tree_file = Path(out) / "trees.json"
        if self.trees is None:
            tree_file.unlink(missing_ok=True)
            return
        tree_file.write_text(json.dumps(
            {"weight": self.tree_weight, "features": self.names,
             "priors": (None if self.priors is None
                        else {k: self.priors[k] for k in sorted(self.priors)}),
             "ensemble": self.trees.to_dict()}, ensure_ascii=False, separators=(",", ":")),
            encoding="utf-8")

    @classmethod
    def load(cls, d: Path) -> PairModel:
        import json

        from .sentiment_model import LinearSentimentModel
        from .trees import TreeEnsemble

        linear = LinearSentimentModel.load(d)
        tree_file = Path(d) / "trees.json"
        if not tree_file.exists():
            return cls(linear)
        try:
            blob = json.loads(tree_file.read_text(encoding="utf-8"))
            return cls(linear, TreeEnsemble.from_dict(blob["ensemble"], str(tree_file)),
                       [str(x) for x in blob["features"]],
                       None if blob["priors"] is None else
                       {str(k): [float(x) for x in v] for k, v in blob["priors"].items()},
                       float(blob["weight"]))
        except (ValueError, KeyError, TypeError) as e:
            raise ValueError(f"{tree_file}: not a pair-model tree file ({e})") from e


def _decide(scored: list, margin: float, at_least: int = 1) -> set[tuple[str, str, str]]:
    """Pairs whose more probable polar class beats P(none) by at least ``margin``; a class
    with fewer than ``at_least`` pairs then gets its best remaining candidates (by P(class) −
    P(none)) — the metric scores each class per document, and a class left empty scores 0
    in a document whose gold has it.

    >>> sorted(_decide([(("a", "b"), .6, .1, .3), (("b", "a"), .2, .3, .5)], 0.2, 0))
    [('a', 'b', 'pos')]
    >>> sorted(_decide([(("a", "b"), .6, .1, .3), (("b", "a"), .2, .3, .5)], 0.2))
    [('a', 'b', 'pos'), ('b', 'a', 'neg')]
    """
    out = set()
    for pair, pp, pn, p0 in scored:
        if max(pp, pn) - p0 >= margin:
            out.add((pair[0], pair[1], "pos" if pp >= pn else "neg"))
    for k, c in ((1, "pos"), (2, "neg")):
        need = at_least - sum(1 for x in out if x[2] == c)
        taken = {(s, t) for s, t, _ in out}
        for row in sorted(scored, key=lambda r: (r[3] - r[k], r[0])):
            if need <= 0:
                break
            if row[0] not in taken:
                out.add((row[0][0], row[0][1], c))
                need -= 1
    return out


#: How far an output count may exceed the expected number of gold pairs of a class in a
#: document (the sum of the calibrated probabilities) under the per-document rule.
OUTPUT_CAP = 2.0
#: Weights of expected precision against expected recall tried by the per-document rule.
LAMBDAS = (0.3, 0.4, 0.5, 0.6, 0.7, 0.8)


def _calibration(scored: dict[int, list], golds: list[set]) -> dict[str, list[float]]:
    """Per class, a logistic fit of whether a candidate is a gold pair of that class on
    ``P(class) − P(none)`` over the documents in ``scored``: ``{"pos": [a, b], "neg": [a, b]}``
    with P(gold) = 1 / (1 + exp(−(a·s + b)))."""
    from sklearn.linear_model import LogisticRegression

    out = {}
    for k, c in ((1, "pos"), (2, "neg")):
        x, y = [], []
        for i in sorted(scored):
            gc = {(s, t) for s, t, cc in golds[i] if cc == c}
            for row in scored[i]:
                x.append(row[k] - row[3])
                y.append(row[0] in gc)
        if len(set(y)) < 2:
            out[c] = [1.0, 0.0]
            continue
        clf = LogisticRegression(C=100.0).fit(np.array(x).reshape(-1, 1), np.array(y))
        out[c] = [float(clf.coef_[0, 0]), float(clf.intercept_[0])]
    return out


def _decide_doc(scored: list, rule: dict) -> set[tuple[str, str, str]]:
    """The per-document rule: per class, the candidates' calibrated probabilities ``q``
    (:func:`_calibration`) are sorted and the top ``k`` output, ``k`` maximising
    ``λ·E[P] + (1 − λ)·E[R]`` (E[P] = mean of the top ``k``, E[R] = their sum over the
    document's sum), with at least one and at most ``cap`` × the expected number of gold
    pairs of that class; a pair chosen for both classes keeps the more probable one.  The
    official metric averages precision and recall over documents before taking F1, so the
    count is chosen per document against both.

    >>> rule = {"lam": 0.5, "cap": 2.0, "calib": {"pos": [10.0, 0.0], "neg": [10.0, 0.0]}}
    >>> sorted(_decide_doc([(("a", "b"), .7, .1, .2), (("b", "a"), .1, .5, .4),
    ...                     (("a", "c"), .05, .05, .9)], rule))
    [('a', 'b', 'pos'), ('b', 'a', 'neg')]
    """
    best: dict[tuple[str, str], tuple[str, float]] = {}
    lam, cap = float(rule["lam"]), float(rule["cap"])
    for k, c in ((1, "pos"), (2, "neg")):
        if not scored:
            break
        a, b = rule["calib"][c]
        s = np.array([r[k] - r[3] for r in scored])
        q = 1.0 / (1.0 + np.exp(-(a * s + b)))
        order = sorted(range(len(scored)), key=lambda j: (-q[j], scored[j][0]))
        cs = np.cumsum(q[order])
        total = float(cs[-1]) or 1.0
        n_max = min(len(order), max(1, int(round(cap * float(q.sum())))))
        n = np.arange(1, n_max + 1)
        value = lam * cs[:n_max] / n + (1 - lam) * cs[:n_max] / total
        for j in order[:int(np.argmax(value)) + 1]:
            pair = scored[j][0]
            if pair not in best or best[pair][1] < q[j]:
                best[pair] = (c, float(q[j]))
    return {(p[0], p[1], c) for p, (c, _) in best.items()}


def _best_rule(scored: dict[int, list], golds: list[set]) -> dict:
    """The per-document rule fitted on the documents in ``scored``: the calibration, then the
    λ with the best official F1 there (ties: the larger λ, fewer outputs)."""
    calib = _calibration(scored, golds)
    idx = sorted(scored)
    rules = [{"lam": lam, "cap": OUTPUT_CAP, "calib": calib} for lam in LAMBDAS]
    return max(rules, key=lambda r: (evaluate([golds[i] for i in idx],
                                              [_decide_doc(scored[i], r) for i in idx])["f1"],
                                     r["lam"]))


def predict_pairs(model, feats: dict[tuple[str, str], dict[str, float]], margin: float = 0.0,
                  rule: dict | None = None) -> set[tuple[str, str, str]]:
    """Pairs the pair model labels polar: by the per-document ``rule`` (:func:`_decide_doc`)
    when given, else those whose P(label) beats P(none) by ``margin``."""
    scored = _scored(model, feats)
    return _decide_doc(scored, rule) if rule is not None else _decide(scored, margin)


def predict(votes: dict, threshold: float) -> set[tuple[str, str, str]]:
    return {(s, t, "pos" if v > 0 else "neg") for (s, t), v in votes.items()
            if abs(v) >= threshold}


def evaluate(gold: list[set], pred: list[set]) -> dict:
    """RuSentRel two-class metric over documents (see module docstring), ×100."""
    acc = {c: {"p": [], "r": []} for c in ("pos", "neg")}
    for g, p in zip(gold, pred, strict=True):
        for c in ("pos", "neg"):
            gc = {(s, t) for s, t, x in g if x == c}
            pc = {(s, t) for s, t, x in p if x == c}
            tp = len(gc & pc)
            # as the official evaluator: a class absent from the gold gets recall 1, and
            # precision 1 when nothing of it is predicted either (0 if gold has it)
            acc[c]["p"].append(tp / len(pc) if pc else 0.0 if gc else 1.0)
            acc[c]["r"].append(tp / len(gc) if gc else 1.0)
    out: dict = {"documents": len(gold)}
    f1s = []
    for c in ("pos", "neg"):
        p = sum(acc[c]["p"]) / max(len(gold), 1)
        r = sum(acc[c]["r"]) / max(len(gold), 1)
        f1 = 2 * p * r / (p + r) if p + r else 0.0
        out.update({f"p_{c}": round(100 * p, 2), f"r_{c}": round(100 * r, 2),
                    f"f1_{c}": round(100 * f1, 2)})
        f1s.append(f1)
    out["f1"] = round(100 * sum(f1s) / 2, 2)
    return out


#: Net vote a pair needs to be output (0.5: one attributed polar mention, or two weaker
#: co-occurrence votes); picked from {0.5, 1, 1.5, 2, 3} on the RuSentRel train documents.
DEFAULT_THRESHOLD = 0.5


#: The pair model shipped with the package (trained on the RuSentRel train split).
PACKAGED_PAIR_MODEL = Path(__file__).resolve().parent / "models" / "rusentrel"
#: How much P(pos|neg) must beat P(none) for a pair to be output when the model does not
#: say (a trained model stores the margin chosen by cross-validation).
PAIR_MARGIN = 0.3
#: Candidate pairs: entities sharing a sentence, or up to this many sentences apart.
WINDOW = 0


def load_pair_model(model_dir: Path | None = None) -> PairModel | None:
    d = Path(model_dir) if model_dir is not None else PACKAGED_PAIR_MODEL
    return PairModel.load(d) if (d / "model.json").exists() else None


def _parsed(folder: Path, docs: list[RelDoc], nlp, cache_dir: Path | None) -> list:
    """Annotated documents, from one DocBin in ``cache_dir`` when the texts and NLP match."""
    import hashlib

    from spacy.tokens import DocBin

    from .nlp import _code_fingerprint, blank_vocab

    path = None
    if cache_dir is not None:
        h = hashlib.sha256(_code_fingerprint().encode())
        for d in docs:
            h.update(d.name.encode() + b"\x00" + d.text.encode("utf-8") + b"\x00")
        path = Path(cache_dir) / f"rusentrel-{h.hexdigest()[:16]}.spacy"
        if path.exists():
            db = DocBin(store_user_data=True).from_bytes(path.read_bytes())
            return list(db.get_docs(blank_vocab()))
    sdocs = [nlp(_article(d)) for d in docs]
    if path is not None:
        db = DocBin(store_user_data=True)
        for sd in sdocs:
            db.add(sd)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.with_suffix(".tmp").write_bytes(db.to_bytes())
        path.with_suffix(".tmp").replace(path)
    return sdocs


def _context(folder: Path, synonyms: Path | None, cache_dir: Path | None):
    from .nlp import NLP
    from .resources import default_path, load_sentiment_model
    from .sentiment import load_lexicon
    from .sentiment_model import Embeddings

    folder = Path(folder)
    docs = read_folder(folder)
    nlp = NLP()
    syn = Synonyms(find_synonyms(folder, synonyms).read_text(encoding="utf-8").splitlines(),
                   nlp.lemmatizer)
    sdocs = _parsed(folder, docs, nlp, cache_dir)
    model = load_sentiment_model()
    # the pair model was trained on the linear mention model's votes: keep feeding it those
    model = model.linear_only() if model is not None else None
    return (docs, sdocs, syn, model, Embeddings(),
            load_lexicon(default_path("sentiment_lexicon.tsv")))


#: Margins tried when choosing how much P(pos|neg) must beat P(none).
MARGINS = (-0.2, -0.1, 0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7)


def _best_margin(scored: dict[int, list], golds: list[set]) -> float:
    """The margin with the best official F1 over the documents in ``scored`` (ties: the one
    closest to 0.3)."""
    idx = sorted(scored)
    if not idx:
        return PAIR_MARGIN
    return max(MARGINS, key=lambda k: (evaluate([golds[i] for i in idx],
                                                [_decide(scored[i], k) for i in idx])["f1"],
                                       -abs(k - 0.3)))


def _fit_pairs(feats: list[dict], golds: list[set], idx, C: float, seed: int, meta=None,
               trees: bool = True, identity: bool = True) -> PairModel:
    return PairModel.fit(feats, golds, idx, C, seed, trees, meta, identity)


def _oof_scores(feats: list[dict], golds: list[set], idx: list[int], folds: int, C: float,
                seed: int, trees: bool = True, identity: bool = True) -> dict[int, list]:
    """Out-of-fold pair scores of the documents ``idx`` (k-fold by document)."""
    from sklearn.model_selection import KFold

    scored: dict[int, list] = {}
    for tr, te in KFold(min(folds, len(idx)), shuffle=True, random_state=seed).split(idx):
        if len({_gold_label(golds[idx[i]], p) for i in tr for p in feats[idx[i]]}) < 2:
            continue  # a tiny corpus: this fold cannot be fitted, its documents go unscored
        m = _fit_pairs(feats, golds, [idx[i] for i in tr], C, seed, None, trees, identity)
        for i in te:
            scored[idx[i]] = _scored(m, feats[idx[i]])
    return scored


def train_rusentrel(folder: Path, out: Path, folds: int = 5, seed: int = 0, C: float = 1.0,
                    synonyms: Path | None = None, cache_dir: Path | None = None,
                    window: int = WINDOW, identity: bool = True, trees: bool = True,
                    decision: str = "document") -> dict:
    """Pair model: k-fold cross-validation *by document* with the official metric, the output
    margin chosen inside each training fold (nested, by an inner (k−1)-fold CV), then fit on
    every document of ``folder`` and save (JSON + NPZ) with a model card into ``out``; the
    saved model's margin is the best one on the outer folds' out-of-fold scores.  With
    ``trees`` the pair model averages the linear model with gradient-boosted trees
    (:class:`PairModel`)."""
    docs, sdocs, syn, model, emb, lexicon = _context(folder, synonyms, cache_dir)
    if any(d.opinions is None for d in docs):
        raise ValueError(f"{folder}: training needs artN.opin.txt for every document")
    feats = [pair_features(sd, d, syn, model, emb, lexicon, window, identity)
             for sd, d in zip(sdocs, docs, strict=True)]
    golds = [{(syn.of(s), syn.of(t), c) for s, t, c in d.opinions} for d in docs]
    from sklearn.model_selection import KFold

    preds: list[set] = [set() for _ in docs]
    fold_rows, oof = [], {}
    for tr, te in KFold(folds, shuffle=True, random_state=seed).split(docs):
        tr = [int(i) for i in tr]
        inner = (_oof_scores(feats, golds, tr, folds - 1, C, seed, trees, identity)
                 if len(tr) >= 2 and folds > 2 else {})
        margin = _best_margin(inner, golds)
        rule = _best_rule(inner, golds) if decision == "document" and inner else None
        m = _fit_pairs(feats, golds, tr, C, seed, None, trees, identity)
        for i in te:
            oof[int(i)] = _scored(m, feats[i])
            preds[i] = (_decide_doc(oof[int(i)], rule) if rule is not None
                        else _decide(oof[int(i)], margin))
        fold = evaluate([golds[i] for i in te], [preds[i] for i in te])
        fold_rows.append({"documents": [docs[i].name for i in te], "margin": margin,
                          "lam": rule["lam"] if rule is not None else None,
                          "f1": fold["f1"]})
    cv = evaluate(golds, preds)
    final_margin = _best_margin(oof, golds)
    final_rule = _best_rule(oof, golds) if decision == "document" else None
    final = _fit_pairs(feats, golds, range(len(docs)), C, seed, meta={
        "task": "rusentrel-pairs", "documents": len(docs), "cv": cv, "folds": folds,
        "cv_folds": fold_rows, "margin": final_margin, "decision": final_rule,
        "window": window, "identity": identity, "trees": trees}, trees=trees,
        identity=identity)
    final.save(Path(out))
    n_pairs = sum(len(f) for f in feats)
    in_cand = sum(1 for g, fs in zip(golds, feats, strict=True) for s, t, _ in g
                  if (s, t) in fs)
    n_gold = sum(len(g) for g in golds)
    (Path(out) / "MODEL_CARD.md").write_text(
        _pair_card(cv, fold_rows, folds, seed, C, len(docs), n_pairs, n_gold, in_cand,
                   final_margin, window, identity, final.trees is not None, final_rule),
        encoding="utf-8")
    return {"cv": cv, "cv_folds": fold_rows, "documents": len(docs), "pairs": n_pairs,
            "gold": n_gold, "gold_in_candidates": in_cand, "margin": final_margin,
            "decision": final_rule}


def _pair_card(cv: dict, fold_rows: list[dict], folds: int, seed: int, C: float, n_docs: int,
               n_pairs: int, n_gold: int, in_cand: int, margin: float, window: int,
               identity: bool, trees: bool = False, rule: dict | None = None) -> str:
    where = ("sharing a sentence" if window == 0 else
             f"in one sentence or in sentences at most {window} apart")
    lines = [
        "# Model card — framing RuSentRel pair model ("
        + ("linear + gradient-boosted trees" if trees else "linear") + ")",
        "",
        "**Task.** Document-level attitudes between named entities (RuSentRel 1.1, extraction",
        f"mode): for every ordered pair of entity synonym groups {where}: pos / neg / none.",
        "",
        "**Model.** Multinomial logistic regression (class-balanced, C="
        f"{C}) over pair features: co-occurrence counts, the mention-sentiment model's and the "
        "lexicon's polarity of each side's mentions in shared sentences, whether the source is "
        "the subject governing the target, order, distance, the title, entity types, "
        "frequencies and frequency ranks, the document-wide polarity of each side, whether "
        "the reverse pair is a candidate too"
        + (", how often the two meet in nearby sentences" if window > 0 else "")
        + (", and the identity of the source group, the target group and the pair. The "
           "identity features are priors learnt from the training documents (RuSentRel's "
           "attitudes recur: «игил» is a negative target wherever it appears); they carry "
           "the domain of the training split (international politics, inosmi.ru, 2015–16) "
           "and help little on texts about other actors" if identity else "")
        + (". Its probabilities are averaged (weight 0.5) with those of gradient-boosted "
           "trees (scikit-learn HistGradientBoosting, class-balanced, "
           + ", ".join(f"{k}={v}" for k, v in TREE_PARAMS.items() if k != "class_weight")
           + ") over the same features without the one-hot identities"
           + ("; the trees see the identities as target-encoded priors instead: how often "
              "the source, the target, the pair and the unordered pair were candidates and "
              "gold pos/neg in the training documents (smoothed; a training document's own "
              "pairs left out of its rows). The trees are exported node by node to JSON and "
              "evaluated with numpy" if identity else "; exported to JSON, evaluated with "
              "numpy") if trees else "")
        + (". Output, per document and class: the candidates' probabilities of being a gold "
           "pair of that class are calibrated (a logistic fit on P(class) − P(none) over the "
           "out-of-fold scores of the training documents: pos "
           f"{rule['calib']['pos'][0]:.2f}·s {rule['calib']['pos'][1]:+.2f}, neg "
           f"{rule['calib']['neg'][0]:.2f}·s {rule['calib']['neg'][1]:+.2f}) and the top k "
           f"are output, k maximising {rule['lam']:.1f}·E[precision] + "
           f"{1 - rule['lam']:.1f}·E[recall] in that document (the weight chosen by "
           "cross-validation), at least 1 and at most "
           f"{rule['cap']:g} × the expected number of gold pairs of the class; the official "
           "metric averages precision and recall over documents before taking F1, so the "
           "count is chosen per document against both. JSON + NPZ, no pickle."
           if rule is not None else
           f". A pair is output when its more probable polar class beats P(none) by "
           f"{margin:+.1f} (chosen by cross-validation); in a document where no pair of a "
           "class passes, that class's best candidate is output (the metric scores each class "
           "per document). JSON + NPZ, no pickle."),
        "",
        f"**Training data.** RuSentRel 1.1 train split (MIT licence): {n_docs} documents, "
        f"{n_pairs:,} candidate pairs; {in_cand} of the {n_gold} gold attitudes are "
        "candidates (the recall ceiling). Nothing of the dataset's text is stored here; "
        "feature names include entity group names.",
        "",
        f"**Cross-validation** ({folds}-fold by document, seed {seed}, official metric; the "
        + ("calibration and the weight λ are" if rule is not None else "margin is")
        + " chosen inside each training fold by an inner cross-validation, so the "
        "held-out fold plays no part in it):",
        f"F1 **{cv['f1']:.2f}** (F1_pos {cv['f1_pos']:.2f}, F1_neg {cv['f1_neg']:.2f}; "
        f"P_pos {cv['p_pos']:.2f} R_pos {cv['r_pos']:.2f} P_neg {cv['p_neg']:.2f} "
        f"R_neg {cv['r_neg']:.2f}). The held-out test split was not used.",
        "",
        "| fold | documents | " + ("λ" if rule is not None else "margin") + " | F1 |",
        "|---|---|---|---|",
    ]
    for n, r in enumerate(fold_rows, 1):
        how = (f"{r['lam']:.1f}" if rule is not None and r.get("lam") is not None
               else f"{r['margin']:+.1f}")
        lines.append(f"| {n} | {len(r['documents'])} | {how} | {r['f1']:.2f} |")
    lines += [
        "",
        "Per-fold F1 is the official metric over that fold's documents only (it does not "
        "average to the pooled figure). The feature set, C, the candidate window"
        + (", the trees' settings and their weight" if trees else "")
        + " were compared on these same folds, so the pooled figure is slightly optimistic.",
        "",
        "**Reproduce.** `framing train-rusentrel --data <rusentrel>/train --out <dir> "
        f"--C {C} --window {window}" + ("" if identity else " --no-identity")
        + ("" if trees else " --no-trees")
        + ("" if rule is not None else " --decision margin") + "`.",
        "",
    ]
    return "\n".join(lines)


def eval_rusentrel(folder: Path, out: Path | None = None, synonyms: Path | None = None,
                   predict_only: bool = False, threshold: float = DEFAULT_THRESHOLD,
                   cache_dir: Path | None = None, pair_model_dir: Path | None = None) -> dict:
    """Predict every document of ``folder`` (with the pair model when there is one, else by
    summing attributed mention votes); write ``artN.opin.txt`` files to ``out``; score
    against the gold opinions unless ``predict_only``."""
    docs, sdocs, syn, model, emb, lexicon = _context(folder, synonyms, cache_dir)
    pair_model = load_pair_model(pair_model_dir)
    meta = pair_model.meta if pair_model is not None else {}
    preds, golds = [], []
    for d, sd in zip(docs, sdocs, strict=True):
        if pair_model is not None:
            pred = predict_pairs(pair_model, pair_features(
                sd, d, syn, model, emb, lexicon, int(meta.get("window", 0)),
                bool(meta.get("identity", False))), float(meta.get("margin", PAIR_MARGIN)),
                meta.get("decision"))
        else:
            pred = predict(pair_votes(sd, d, syn, model, emb, lexicon), threshold)
        preds.append(pred)
        if d.opinions is not None:
            golds.append({(syn.of(s), syn.of(t), c) for s, t, c in d.opinions})
        if out is not None:
            Path(out).mkdir(parents=True, exist_ok=True)
            lines = [f"{s}, {t}, {c}, current" for s, t, c in sorted(pred)]
            (Path(out) / f"{d.name}.opin.txt").write_text(
                "".join(line + "\n" for line in lines), encoding="utf-8")
    result: dict = {"documents": len(docs),
                    "method": "pair model" if pair_model is not None else "votes"}
    if not predict_only:
        if len(golds) != len(docs):
            raise ValueError(f"{folder}: some documents have no .opin.txt; use --predict-only")
        result.update(evaluate(golds, preds))
    return result
