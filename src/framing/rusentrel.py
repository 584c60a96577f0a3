"""RuSentRel 1.1: document-level attitudes between named entities — predict and evaluate.

Reading: ``artN.txt`` (each line prefixed ``{Author, Unknown} ``, blanked here so the ``.ann``
offsets still hold), ``artN.ann`` (entities), ``artN.opin.txt`` (gold ``source, target, pos|neg,
current``) and ``synonyms.txt`` (one synonym group per line).

Prediction (extraction mode) reuses the pipeline: each document is annotated by
:class:`framing.nlp.NLP`; every entity mention gets a polarity from the sentiment model; the
source of that polarity is found as in :mod:`framing.stance` (quote speaker, else the subject
of the governing predicate, else the entity mentioned before it in the same sentence); votes are
summed per synonym-group pair over the document and pairs whose net vote reaches a threshold
are output as ``pos``/``neg``.

Evaluation: per document, precision and recall of ``pos`` and of ``neg`` pairs on synonym-group
pairs (0 when a denominator is 0); both are averaged over documents (macro), F1 of each class
from the averaged P and R, and F1 = (F1_pos + F1_neg) / 2, ×100.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

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


class Synonyms:
    """Synonym groups; an entity form maps to its group's first item."""

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

    def _lemmas(self, text: str) -> str:
        return " ".join(self.lemmatizer.lemma(w) for w in text.lower().replace("ё", "е").split())

    def of(self, text: str) -> str:
        t = text.strip().lower()
        return self.group.get(t) or self.group.get(self._lemmas(t)) or self._lemmas(t)


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
    from .actors import Mention
    from .sentiment_model import mention_features
    from .stance import _governing_subject

    mentions = []
    for n, e in enumerate(doc.entities):
        span = sdoc.char_span(e.start, e.end, alignment_mode="expand")
        if span is None or span.root.is_space:
            continue
        mentions.append(Mention(doc.name, n, syn.of(e.text), e.type, e.text, e.start, e.end,
                                span.start, span.end, 0, "ann", "prose"))
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
            acc[c]["p"].append(tp / len(pc) if pc else 0.0)
            acc[c]["r"].append(tp / len(gc) if gc else 0.0)
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


def eval_rusentrel(folder: Path, out: Path | None = None, synonyms: Path | None = None,
                   predict_only: bool = False, threshold: float = DEFAULT_THRESHOLD) -> dict:
    """Predict every document of ``folder``; write ``artN.opin.txt`` files to ``out``; score
    against the gold opinions unless ``predict_only``."""
    from .nlp import NLP
    from .resources import default_path, load_sentiment_model
    from .sentiment import load_lexicon
    from .sentiment_model import Embeddings

    folder = Path(folder)
    docs = read_folder(folder)
    nlp = NLP()
    syn = Synonyms(find_synonyms(folder, synonyms).read_text(encoding="utf-8").splitlines(),
                   nlp.lemmatizer)
    model = load_sentiment_model()
    emb = Embeddings()
    lexicon = load_lexicon(default_path("sentiment_lexicon.tsv"))
    preds, golds = [], []
    for d in docs:
        votes = pair_votes(nlp(_article(d)), d, syn, model, emb, lexicon)
        pred = predict(votes, threshold)
        preds.append(pred)
        if d.opinions is not None:
            golds.append({(syn.of(s), syn.of(t), c) for s, t, c in d.opinions})
        if out is not None:
            Path(out).mkdir(parents=True, exist_ok=True)
            lines = [f"{s}, {t}, {c}, current" for s, t, c in sorted(pred)]
            (Path(out) / f"{d.name}.opin.txt").write_text(
                "".join(line + "\n" for line in lines), encoding="utf-8")
    result: dict = {"documents": len(docs)}
    if not predict_only:
        if len(golds) != len(docs):
            raise ValueError(f"{folder}: some documents have no .opin.txt; use --predict-only")
        result.update(evaluate(golds, preds))
    return result
