"""Generic frames, auditable: Semetko & Valkenburg items, Media Frames Corpus dimensions and
Entman's four functions, each code carrying the evidence that produced it.

Everything analytic lives in ``config/frames.yaml`` (data, not code):

* **Semetko & Valkenburg (2000)** — five generic frames answered through their 20 yes/no
  questions.  An item is "yes" when its lexical patterns hit at least ``min_hits`` times in the
  article or one of its structural ``signals`` fires (≥ N distinct quoted speakers, a negative
  stance edge voiced by an actor about another, a first-person quote).  Frame score = mean of
  its items.
* **Media Frames Corpus** (Boydstun et al. 2014) — 14 dimensions as multi-label article codes.
  Each dimension has a broad lemma vocabulary (``strong`` / ``weak`` words) and multi-word
  patterns; the score is weighted indicator hits per 1,000 tokens (a lemma counts at most
  ``max_per_lemma`` times), and a dimension is present when the score reaches its threshold
  with at least ``min_distinct`` different indicators.
* **Entman (1993)** — problem definition, causal attribution, moral evaluation, treatment
  recommendation as evidence slots.

Patterns use the codebook's syntax and matcher (``phrase``/``near``/``dep`` over lemma
alternatives, see :mod:`framing.codebook`), plus ``words``: a list of single words any of which
is a hit.

>>> weighted_density([2.0, 1.0, 1.0], 200)
20.0
>>> item_score([1, 0, 1, 0])
0.5
"""

from __future__ import annotations

import hashlib
import html
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .codebook import Codebook, Device, Pattern, Word, _compile_pattern, _compile_word
from .devices import sentence_tokens
from .docview import doc_text, doc_view
from .lemmas import Lemmatizer
from .lexmatch import norm
from .yamlio import ResourceError, line_of, load_yaml

SV_FRAMES = ("responsibility", "human_interest", "conflict", "morality", "economic")
ENTMAN_FUNCTIONS = ("problem_definition", "causal_attribution", "moral_evaluation",
                    "treatment_recommendation")
SIGNALS = ("quoted_speakers", "negative_stance", "first_person_quote")

_TOP_KEYS = {"version", "semetko_valkenburg", "mfc", "entman", "__line__"}
_SV_FRAME_KEYS = {"label", "items", "__line__"}
_ITEM_KEYS = {"id", "question", "patterns", "words", "signals", "min_hits", "segments",
              "examples", "near_misses", "__line__"}
_MFC_KEYS = {"threshold", "relative", "min_distinct", "max_per_lemma", "weights",
             "title_weight", "top_always", "dimensions", "__line__"}
_DIM_KEYS = {"id", "label", "definition", "strong", "weak", "patterns", "threshold",
             "min_distinct", "examples", "near_misses", "__line__"}
_ENTMAN_KEYS = {"id", "label", "definition", "patterns", "words", "max_per_article",
                "examples", "near_misses", "__line__"}
_ID_RE = re.compile(r"^[a-z][a-z0-9_]*$")
_FIRST_PERSON = frozenset({"я", "меня", "мне", "мной", "мною"})


# ----------------------------------------------------------------------------- data model


@dataclass
class Signal:
    kind: str
    min: int = 1
    voices: tuple[str, ...] = ("quoted", "actor")


@dataclass
class SVItem:
    id: str
    frame: str
    question_en: str
    question_ru: str
    patterns: list[Pattern]
    signals: list[Signal] = field(default_factory=list)
    min_hits: int = 1
    segments: tuple[str, ...] = ()
    examples: list[str] = field(default_factory=list)
    near_misses: list[str] = field(default_factory=list)
    line: int | None = None


@dataclass
class MFCDimension:
    id: str
    label_en: str
    label_ru: str
    definition: str
    patterns: list[Pattern]
    weights: dict[str, float]
    threshold: float
    min_distinct: int
    examples: list[str] = field(default_factory=list)
    near_misses: list[str] = field(default_factory=list)
    line: int | None = None


@dataclass
class EntmanFunction:
    id: str
    label_en: str
    label_ru: str
    definition: str
    patterns: list[Pattern]
    max_per_article: int = 5
    examples: list[str] = field(default_factory=list)
    near_misses: list[str] = field(default_factory=list)
    line: int | None = None


@dataclass
class FrameSpec:
    """The parsed ``frames.yaml``."""

    sv_labels: dict[str, tuple[str, str]]
    sv_items: list[SVItem]
    mfc: list[MFCDimension]
    entman: list[EntmanFunction]
    max_per_lemma: int = 3
    title_weight: float = 1.0
    top_always: bool = False
    relative: float = 0.0
    path: str = ""
    sha256: str = ""

    def item(self, item_id: str) -> SVItem:
        for it in self.sv_items:
            if it.id == item_id:
                return it
        raise KeyError(item_id)

    def dimension(self, dim_id: str) -> MFCDimension:
        for d in self.mfc:
            if d.id == dim_id:
                return d
        raise KeyError(dim_id)


# ----------------------------------------------------------------------------- loading


def load_frames(path: Path, lemmatizer: Lemmatizer | None = None) -> FrameSpec:
    """Load and validate a frames file; errors name the file, line and entry.

    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "frames.yaml"
    >>> _ = p.write_text("semetko_valkenburg: {}\\nmfc: {dimensions: []}\\nentman: []\\n"
    ...                  "colour: red\\n", encoding="utf-8")
    >>> load_frames(p)
    Traceback (most recent call last):
    ...
    framing.yamlio.ResourceError: ...frames.yaml: unknown top-level key(s) ['colour']
    """
    path = Path(path)
    raw = path.read_bytes()
    spec = parse_frames(load_yaml(path), str(path), lemmatizer or Lemmatizer.shared())
    spec.path = str(path)
    spec.sha256 = hashlib.sha256(raw).hexdigest()
    return spec


def _label(raw: object, where: str, key: str = "label") -> tuple[str, str]:
    if isinstance(raw, dict) and isinstance(raw.get("ru"), str) and isinstance(raw.get("en"), str):
        return raw["en"], raw["ru"]
    raise ResourceError(f"{where}: '{key}' must be a mapping with 'ru' and 'en' strings")


def _strings(raw: object, where: str, key: str) -> list[str]:
    if raw is None:
        return []
    if not isinstance(raw, list) or not all(isinstance(v, str) and v.strip() for v in raw):
        raise ResourceError(f"{where}: '{key}' must be a list of non-empty strings")
    return list(raw)


def _int(raw: object, where: str, key: str, lo: int, hi: int) -> int:
    if not isinstance(raw, int) or isinstance(raw, bool) or not lo <= raw <= hi:
        raise ResourceError(f"{where}: '{key}' must be an integer from {lo} to {hi}")
    return raw


def _number(raw: object, where: str, key: str) -> float:
    if not isinstance(raw, (int, float)) or isinstance(raw, bool) or raw < 0:
        raise ResourceError(f"{where}: '{key}' must be a non-negative number")
    return float(raw)


def _word_list_pattern(words: list[str], rule_id: str, where: str,
                       lemmatizer: Lemmatizer) -> Pattern:
    """One single-token pattern matching any of ``words`` (each may hold ``a|b``)."""
    lemmas: set[str] = set()
    for w in words:
        _compile_word(w, where, lemmatizer, False)  # validates: one word per alternative
        for alt in w.split("|"):
            alt = norm(alt.strip())
            # the word itself and its best lemma only: all of pymorphy's candidates would
            # let «надо» match the preposition «над»
            lemmas |= {alt, norm(lemmatizer.lemma(alt))}
    return Pattern(rule_id, "phrase", (Word(frozenset(lemmas)),))


def _patterns(entry: dict, eid: str, where: str, name: str,
              lemmatizer: Lemmatizer, required: bool = True) -> list[Pattern]:
    pats: list[Pattern] = []
    raw = entry.get("patterns", [])
    if not isinstance(raw, list):
        raise ResourceError(f"{where}: 'patterns' must be a list")
    for k, p in enumerate(raw, 1):
        line = line_of(p) or line_of(entry)
        pats.append(_compile_pattern(p, f"{eid}#{k}", f"{name}, line {line}, entry {eid!r}: "
                                     f"pattern {k}", lemmatizer))
    words = _strings(entry.get("words"), where, "words")
    if words:
        pats.append(_word_list_pattern(words, f"{eid}#words", where, lemmatizer))
    if required and not pats:
        raise ResourceError(f"{where}: needs 'patterns' or 'words'")
    return pats


def _signals(raw: object, where: str) -> list[Signal]:
    if raw is None:
        return []
    if not isinstance(raw, list):
        raise ResourceError(f"{where}: 'signals' must be a list")
    out = []
    for k, s in enumerate(raw, 1):
        w = f"{where}: signal {k}"
        if not isinstance(s, dict) or not isinstance(s.get("signal"), str):
            raise ResourceError(f"{w}: must be a mapping with a 'signal' name")
        if s["signal"] not in SIGNALS:
            raise ResourceError(f"{w}: unknown signal {s['signal']!r} (known: {list(SIGNALS)})")
        bad = set(s) - {"signal", "min", "voices", "__line__"}
        if bad:
            raise ResourceError(f"{w}: unknown key(s) {sorted(bad)}")
        voices = tuple(_strings(s.get("voices", ["quoted", "actor"]), w, "voices"))
        out.append(Signal(s["signal"], _int(s.get("min", 1), w, "min", 1, 50), voices))
    return out


def parse_frames(data: object, name: str, lemmatizer: Lemmatizer) -> FrameSpec:
    """Validate and compile the parsed YAML of a frames file."""
    if not isinstance(data, dict):
        raise ResourceError(f"{name}: expected a mapping with 'semetko_valkenburg', 'mfc', "
                            "'entman'")
    bad = set(data) - _TOP_KEYS
    if bad:
        raise ResourceError(f"{name}: unknown top-level key(s) {sorted(bad)}")
    for key in ("semetko_valkenburg", "mfc", "entman"):
        if key not in data:
            raise ResourceError(f"{name}: missing top-level key {key!r}")
    seen: dict[str, int | None] = {}

    def claim(eid: object, where: str, line: int | None) -> str:
        if not isinstance(eid, str) or not _ID_RE.match(eid):
            raise ResourceError(f"{where}: 'id' must be a snake_case string, got {eid!r}")
        if eid in seen:
            raise ResourceError(f"{where}, entry {eid!r}: duplicate id (first at line "
                                f"{seen[eid]})")
        seen[eid] = line
        return eid

    # -- Semetko & Valkenburg
    sv = data["semetko_valkenburg"]
    if not isinstance(sv, dict):
        raise ResourceError(f"{name}: 'semetko_valkenburg' must be a mapping of frames")
    labels: dict[str, tuple[str, str]] = {}
    items: list[SVItem] = []
    for frame, f in sv.items():
        if frame == "__line__":
            continue
        where = f"{name}, line {line_of(f)}, frame {frame!r}"
        if frame not in SV_FRAMES:
            raise ResourceError(f"{where}: unknown frame (known: {list(SV_FRAMES)})")
        if not isinstance(f, dict):
            raise ResourceError(f"{where}: must be a mapping with 'label' and 'items'")
        bad = set(f) - _SV_FRAME_KEYS
        if bad:
            raise ResourceError(f"{where}: unknown key(s) {sorted(bad)}")
        labels[frame] = _label(f.get("label"), where)
        if not isinstance(f.get("items"), list) or not f["items"]:
            raise ResourceError(f"{where}: needs a non-empty 'items' list")
        for it in f["items"]:
            line = line_of(it)
            w = f"{name}, line {line}"
            if not isinstance(it, dict):
                raise ResourceError(f"{w}: each item must be a mapping")
            iid = claim(it.get("id"), w, line)
            w += f", entry {iid!r}"
            if not iid.startswith(frame + "_"):
                raise ResourceError(f"{w}: item ids of frame {frame!r} start with '{frame}_'")
            bad = set(it) - _ITEM_KEYS
            if bad:
                raise ResourceError(f"{w}: unknown key(s) {sorted(bad)}")
            q_en, q_ru = _label(it.get("question"), w, "question")
            segs = tuple(_strings(it.get("segments"), w, "segments"))
            items.append(SVItem(
                iid, frame, q_en, q_ru,
                _patterns(it, iid, w, name, lemmatizer, required=not it.get("signals")),
                _signals(it.get("signals"), w), _int(it.get("min_hits", 1), w, "min_hits", 1, 20),
                segs, _strings(it.get("examples"), w, "examples"),
                _strings(it.get("near_misses"), w, "near_misses"), line))
    missing = [f for f in SV_FRAMES if f not in labels]
    if missing:
        raise ResourceError(f"{name}: 'semetko_valkenburg' lacks frame(s) {missing}")

    # -- Media Frames Corpus
    mfc = data["mfc"]
    where = f"{name}, line {line_of(mfc)}, 'mfc'"
    if not isinstance(mfc, dict):
        raise ResourceError(f"{where}: must be a mapping")
    bad = set(mfc) - _MFC_KEYS
    if bad:
        raise ResourceError(f"{where}: unknown key(s) {sorted(bad)}")
    g_threshold = _number(mfc.get("threshold", 10.0), where, "threshold")
    g_distinct = _int(mfc.get("min_distinct", 2), where, "min_distinct", 1, 50)
    weights_raw = mfc.get("weights", {"strong": 2.0, "weak": 1.0})
    if not isinstance(weights_raw, dict) or set(weights_raw) - {"strong", "weak", "__line__"}:
        raise ResourceError(f"{where}: 'weights' must map 'strong' and 'weak' to numbers")
    weights = {k: _number(weights_raw.get(k, d), where, f"weights.{k}")
               for k, d in (("strong", 2.0), ("weak", 1.0))}
    dims: list[MFCDimension] = []
    if not isinstance(mfc.get("dimensions"), list):
        raise ResourceError(f"{where}: needs a 'dimensions' list")
    for d in mfc["dimensions"]:
        line = line_of(d)
        w = f"{name}, line {line}"
        if not isinstance(d, dict):
            raise ResourceError(f"{w}: each dimension must be a mapping")
        did = claim(d.get("id"), w, line)
        w += f", entry {did!r}"
        bad = set(d) - _DIM_KEYS
        if bad:
            raise ResourceError(f"{w}: unknown key(s) {sorted(bad)}")
        en, ru = _label(d.get("label"), w)
        pats = _patterns(d, did, w, name, lemmatizer, required=False)
        pat_weights = {p.rule_id: weights["strong"] for p in pats}
        for kind in ("strong", "weak"):
            words = _strings(d.get(kind), w, kind)
            if words:
                p = _word_list_pattern(words, f"{did}#{kind}", w, lemmatizer)
                pats.append(p)
                pat_weights[p.rule_id] = weights[kind]
        if not pats:
            raise ResourceError(f"{w}: needs 'strong', 'weak' or 'patterns'")
        dims.append(MFCDimension(
            did, en, ru, str(d.get("definition") or "").strip(), pats, pat_weights,
            _number(d.get("threshold", g_threshold), w, "threshold"),
            _int(d.get("min_distinct", g_distinct), w, "min_distinct", 1, 50),
            _strings(d.get("examples"), w, "examples"),
            _strings(d.get("near_misses"), w, "near_misses"), line))

    # -- Entman
    ent = data["entman"]
    if not isinstance(ent, list):
        raise ResourceError(f"{name}: 'entman' must be a list of functions")
    functions: list[EntmanFunction] = []
    for e in ent:
        line = line_of(e)
        w = f"{name}, line {line}"
        if not isinstance(e, dict):
            raise ResourceError(f"{w}: each Entman function must be a mapping")
        eid = claim(e.get("id"), w, line)
        w += f", entry {eid!r}"
        if eid not in ENTMAN_FUNCTIONS:
            raise ResourceError(f"{w}: unknown Entman function (known: {list(ENTMAN_FUNCTIONS)})")
        bad = set(e) - _ENTMAN_KEYS
        if bad:
            raise ResourceError(f"{w}: unknown key(s) {sorted(bad)}")
        en, ru = _label(e.get("label"), w)
        functions.append(EntmanFunction(
            eid, en, ru, str(e.get("definition") or "").strip(),
            _patterns(e, eid, w, name, lemmatizer),
            _int(e.get("max_per_article", 5), w, "max_per_article", 1, 100),
            _strings(e.get("examples"), w, "examples"),
            _strings(e.get("near_misses"), w, "near_misses"), line))

    return FrameSpec(labels, items, dims, functions,
                     _int(mfc.get("max_per_lemma", 3), where, "max_per_lemma", 1, 100),
                     _number(mfc.get("title_weight", 1.0), where, "title_weight"),
                     bool(mfc.get("top_always", False)),
                     _number(mfc.get("relative", 0.0), where, "relative"))


# ----------------------------------------------------------------------------- small functions


def weighted_density(weights: Sequence[float], n_tokens: int) -> float:
    """Weighted hits per 1,000 tokens (0 for an empty text)."""
    return round(1000.0 * sum(weights) / n_tokens, 2) if n_tokens > 0 else 0.0


def item_score(answers: Sequence[int]) -> float:
    """Mean of yes/no answers (Semetko & Valkenburg frame score)."""
    return round(sum(answers) / len(answers), 4) if answers else 0.0


def capped_weights(hits: Iterable[tuple[str, float]], cap: int) -> list[float]:
    """Weights of ``(lemma, weight)`` hits, each lemma counted at most ``cap`` times.

    >>> capped_weights([("суд", 2.0), ("суд", 2.0), ("суд", 2.0), ("закон", 1.0)], 2)
    [2.0, 2.0, 1.0]
    """
    seen: Counter[str] = Counter()
    out = []
    for lemma, w in hits:
        seen[lemma] += 1
        if seen[lemma] <= cap:
            out.append(w)
    return out


def mfc_present(score: float, n_distinct: int, threshold: float, min_distinct: int,
                best: float = 0.0, relative: float = 0.0) -> bool:
    """A dimension is coded present when its score reaches the threshold and ``relative`` times
    the article's best-scoring dimension, with at least ``min_distinct`` different indicators.

    >>> mfc_present(12.0, 3, 10.0, 2), mfc_present(12.0, 1, 10.0, 2), mfc_present(9.9, 5, 10, 2)
    (True, False, False)
    >>> mfc_present(12.0, 3, 10.0, 2, best=40.0, relative=0.4)
    False
    """
    return score >= threshold and score >= relative * best and n_distinct >= min_distinct


def _clip(text: str, n: int = 240) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"


# ----------------------------------------------------------------------------- coder


@dataclass
class Hit:
    entry: str  # item / dimension / function id
    rule: str
    start: int
    end: int
    text: str
    sent: int
    sentence: str
    segment: str
    lemma: str


@dataclass
class FrameResult:
    sv_items: list[dict]
    sv_frames: list[dict]
    mfc_frames: list[dict]
    mfc_evidence: list[dict]
    entman: list[dict]


class FrameCoder:
    """Codes one article at a time (build once per job).

    All patterns of the spec are compiled into one codebook and matched with the codebook's
    :class:`~framing.devices.DeviceMatcher`, one pass per sentence.
    """

    def __init__(self, spec: FrameSpec, lemmatizer: Lemmatizer | None = None) -> None:
        from .devices import DeviceMatcher

        self.spec = spec
        self.lemmatizer = lemmatizer or Lemmatizer.shared()
        devices = [Device(it.id, it.question_ru, it.question_en, "sv", "", it.patterns)
                   for it in spec.sv_items]
        devices += [Device("mfc:" + d.id, d.label_ru, d.label_en, "mfc", "", d.patterns)
                    for d in spec.mfc]
        devices += [Device("entman:" + f.id, f.label_ru, f.label_en, "entman", "", f.patterns)
                    for f in spec.entman]
        self.matcher = DeviceMatcher(Codebook(devices, {}), self.lemmatizer)
        self._weights = {rid: w for d in spec.mfc for rid, w in d.weights.items()}

    # -- matching
    def hits(self, doc) -> tuple[list[Hit], int]:
        """Every pattern hit in ``doc`` and the number of word tokens."""
        from .nlp import segment_kind

        out: list[Hit] = []
        n_words = 0
        # a hit's offsets, text and lemmas from the token lists (no spaCy Span or Token)
        v = doc_view(doc)
        text, idx, tok_text, lemma = doc_text(doc), v.idx, v.text, v.lemma
        for sent_no, (sent, toks, _ents, n, at) in enumerate(
                sentence_tokens(doc, self.lemmatizer)):
            s0 = sent.start
            n_words += n
            found = self.matcher.match_tokens(toks, at=at)
            if not found:
                continue
            sent_text = text[sent.start_char:sent.end_char].strip()
            for eid, rule, s, e in found:
                a, b = s0 + s, s0 + e
                start, end = idx[a], idx[b - 1] + len(tok_text[b - 1])
                out.append(Hit(eid, rule, start, end, text[start:end], sent_no, sent_text,
                               segment_kind(doc, start), " ".join(lemma[a:b])))
        out.sort(key=lambda h: (h.start, h.end, h.entry, h.rule))
        return out, n_words

    def code(self, doc, mentions: Sequence = (), quotes: Sequence = (),
             stance: Sequence = ()) -> FrameResult:
        """Code one article: S&V items and frames, MFC dimensions, Entman slots."""
        aid = doc.user_data["framing"]["id"]
        hits, n_words = self.hits(doc)
        by_entry: dict[str, list[Hit]] = defaultdict(list)
        for h in hits:
            by_entry[h.entry].append(h)
        sv_rows = [self._answer(aid, it, by_entry.get(it.id, []), doc, mentions, quotes, stance)
                   for it in self.spec.sv_items]
        frames = []
        for frame in SV_FRAMES:
            answers = [r["answer"] for r in sv_rows if r["frame"] == frame]
            frames.append({"article_id": aid, "frame": frame, "score": item_score(answers),
                           "n_items": len(answers), "n_yes": sum(answers)})
        mfc_rows, ev_rows = self._mfc(aid, by_entry, n_words)
        ent_rows = []
        for f in self.spec.entman:
            for h in by_entry.get("entman:" + f.id, [])[: f.max_per_article]:
                ent_rows.append({"article_id": aid, "function": f.id, "evidence": h.text,
                                 "start": h.start, "end": h.end, "sentence": h.sent})
        return FrameResult(sv_rows, frames, mfc_rows, ev_rows, ent_rows)

    # -- Semetko & Valkenburg
    def _answer(self, aid: str, it: SVItem, hits: list[Hit], doc, mentions, quotes,
                stance) -> dict:
        if it.segments:
            hits = [h for h in hits if h.segment in it.segments]
        row = {"article_id": aid, "frame": it.frame, "item": it.id, "question": it.question_en,
               "answer": 0, "evidence": "", "start": -1, "end": -1, "reason": ""}
        if len(hits) >= it.min_hits:
            h = hits[0]
            more = f" (+{len(hits) - 1} more)" if len(hits) > 1 else ""
            row.update(answer=1, evidence=h.text, start=h.start, end=h.end,
                       reason=_clip(f"{h.rule}, sentence {h.sent}{more}: {h.sentence}"))
            return row
        for sig in it.signals:
            found = evaluate_signal(sig, doc, mentions, quotes, stance)
            if found is not None:
                evidence, start, end, reason = found
                row.update(answer=1, evidence=_clip(evidence), start=start, end=end,
                           reason=_clip(reason))
                return row
        if hits:
            row["reason"] = _clip(f"{len(hits)} hit(s), {it.min_hits} needed: "
                                  + "; ".join(h.text for h in hits))
        else:
            row["reason"] = "no indicator"
        return row

    # -- Media Frames Corpus
    def _mfc(self, aid: str, by_entry: dict[str, list[Hit]], n_words: int
             ) -> tuple[list[dict], list[dict]]:
        rows, ev = [], []
        scored = []
        for d in self.spec.mfc:
            hits = by_entry.get("mfc:" + d.id, [])
            pairs = []
            for h in hits:
                w = self._weights.get(h.rule, 1.0)
                if h.segment == "title":
                    w *= self.spec.title_weight
                pairs.append((h.lemma, w))
            score = weighted_density(capped_weights(pairs, self.spec.max_per_lemma), n_words)
            n_distinct = len({h.lemma for h in hits})
            scored.append((d, hits, score, n_distinct))
        best = max((s for _, _, s, n in scored), default=0.0)
        for d, hits, score, n_distinct in scored:
            present = mfc_present(score, n_distinct, d.threshold, d.min_distinct, best,
                                  self.spec.relative)
            if (self.spec.top_always and not present and score == best and score > 0
                    and n_distinct >= d.min_distinct):
                present = True
            # top evidence: strongest first, one per lemma, in reading order among equals
            ranked = sorted(hits, key=lambda h: (-self._weights.get(h.rule, 1.0), h.start))
            top, used = [], set()
            for h in ranked:
                if h.lemma not in used:
                    used.add(h.lemma)
                    top.append(h.text)
                if len(top) == 5:
                    break
            rows.append({"article_id": aid, "frame": d.id, "label": d.label_en,
                         "score": score, "present": int(present), "n_evidence": len(hits),
                         "evidence": " | ".join(top)})
            ev.extend({"article_id": aid, "frame": d.id, "start": h.start, "end": h.end,
                       "text": h.text, "rule": h.rule} for h in hits)
        return rows, ev


# ----------------------------------------------------------------------------- signals


def _attr(rec, key: str, default=None):
    return rec.get(key, default) if isinstance(rec, dict) else getattr(rec, key, default)


def _speaker(q) -> str:
    s = _attr(q, "speaker", "") or ""
    return "" if s in ("AUTHOR", "UNATTRIBUTED") or not isinstance(s, str) else s


def evaluate_signal(sig: Signal, doc, mentions: Sequence, quotes: Sequence,
                    stance: Sequence) -> tuple[str, int, int, str] | None:
    """``(evidence, start, end, reason)`` when a structural signal fires, else ``None``."""
    if sig.kind == "quoted_speakers":
        speakers = sorted({_speaker(q) for q in quotes} - {""})
        if len(speakers) >= sig.min:
            return ("", -1, -1, f"{len(speakers)} distinct quoted speakers: "
                    + ", ".join(speakers))
        return None
    if sig.kind == "negative_stance":
        edges = [e for e in stance
                 if (_attr(e, "polarity") or 0) < 0 and _attr(e, "voice") in sig.voices
                 and _attr(e, "source") not in ("", "AUTHOR", None)
                 and _attr(e, "source") != _attr(e, "target")]
        if len(edges) >= sig.min:
            edges.sort(key=lambda e: (str(_attr(e, "source")), str(_attr(e, "target"))))
            e = edges[0]
            evidence = str(_attr(e, "evidence") or "").split(" | ")[0]
            start = doc.text.find(evidence) if evidence else -1
            end = start + len(evidence) if start >= 0 else -1
            pairs = "; ".join(f"{_attr(x, 'source')} → {_attr(x, 'target')} "
                              f"({_attr(x, 'voice')})" for x in edges[:5])
            return (evidence, start, end, f"negative stance: {pairs}")
        return None
    if sig.kind == "first_person_quote":
        for q in sorted(quotes, key=lambda q: int(_attr(q, "start"))):
            if not _speaker(q):
                continue
            a, b = int(_attr(q, "start")), int(_attr(q, "end"))
            span = doc.char_span(a, b, alignment_mode="expand") or ()
            n = sum(norm(t.text) in _FIRST_PERSON for t in span)
            if n >= sig.min:
                return (_attr(q, "text"), a, b, f"first-person testimony quoted from "
                        f"{_speaker(q)} ({n} first-person words)")
        return None
    raise ValueError(f"unknown signal {sig.kind!r}")


# ----------------------------------------------------------------------------- examples


def check_examples(coder: FrameCoder, nlp) -> list[str]:
    """Run every entry's ``examples`` (must hit) and ``near_misses`` (must not).

    For an S&V item the lexical patterns must reach ``min_hits``; for an MFC dimension or an
    Entman function at least one pattern must hit.  Returns readable failures (empty = pass).
    """
    from .ingest import Article, Segment

    entries: list[tuple[str, str, int, int | None, list[str], list[str]]] = []
    for it in coder.spec.sv_items:
        entries.append((it.id, it.id, it.min_hits, it.line, it.examples, it.near_misses))
    for d in coder.spec.mfc:
        entries.append((d.id, "mfc:" + d.id, 1, d.line, d.examples, d.near_misses))
    for f in coder.spec.entman:
        entries.append((f.id, "entman:" + f.id, 1, f.line, f.examples, f.near_misses))
    failures = []
    for name, key, need, line, examples, misses in entries:
        for expect, texts in ((True, examples), (False, misses)):
            for text in texts:
                art = Article(id="example", source_file="frames", text=text,
                              segments=[Segment("prose", text, 0, len(text))])
                hits, _ = coder.hits(nlp(art))
                ok = sum(h.entry == key for h in hits) >= need
                if ok != expect:
                    what = "does not match example" if expect else "matches near-miss"
                    failures.append(f"{name} (line {line}): {what}: {text}")
    return failures


# ----------------------------------------------------------------------------- stage


def run_frames(manifest: Path, frames_path: Path, out_dir: Path, *, registry_path: Path,
               verbs_path: Path, lexicon_path: Path,
               model_dir: Path | None = None) -> dict[str, int]:
    """Code every article of the NLP store (reusing cached per-article results); write
    ``sv_items``, ``sv_frames``, ``mfc_frames``, ``mfc_evidence`` and ``entman`` tables
    (Parquet + CSV) into ``out_dir``.  The actor, quote and sentiment results it reads are
    keyed (and, if missing, computed) from ``registry_path``, ``verbs_path``,
    ``lexicon_path`` and ``model_dir`` (the sentiment stage's model, ``None``: lexicon).

    Returns row counts per table.
    """
    from . import tables
    from .annotators import FramesAnnotator
    from .stages import concat_results, run_stage, upstream_annotators

    out_dir = Path(out_dir)
    up = upstream_annotators("frames", registry_path, verbs_path, lexicon_path, model_dir)
    res = run_stage(FramesAnnotator(Path(frames_path)), manifest, up,
                    out_dir / "sv_items.parquet")
    counts = {}
    for k in FRAME_TABLES:
        rows = concat_results(res, k)
        tables.write_rows(k, rows, out_dir / f"{k}.parquet")
        counts[k] = len(rows)
    return counts


FRAME_TABLES = ("sv_items", "sv_frames", "mfc_frames", "mfc_evidence", "entman")


# ----------------------------------------------------------------------------- rendering


def _rows(tables_: dict, name: str, article_id: str) -> list[dict]:
    df = tables_.get(name)
    if df is None or not len(df):
        return []
    return df[df.article_id == article_id].to_dict("records")


def frames_html(article_id: str, tables: dict) -> str:
    """An HTML section with the article's S&V items, MFC frames and Entman slots (all text
    escaped).

    >>> import pandas as pd
    >>> t = {"sv_frames": pd.DataFrame([{"article_id": "a", "frame": "conflict", "score": 0.5,
    ...      "n_items": 4, "n_yes": 2}])}
    >>> "conflict" in frames_html("a", t) and "<script>" not in frames_html("<script>", t)
    True
    """
    e = html.escape
    out = [f'<section class="frames" id="frames-{e(article_id)}"><h2>Generic frames</h2>']
    frames = _rows(tables, "sv_frames", article_id)
    items = _rows(tables, "sv_items", article_id)
    if frames or items:
        out.append("<h3>Semetko &amp; Valkenburg (2000)</h3><table class=\"sortable\">"
                   "<thead><tr><th>frame</th><th>item</th><th>question</th><th>answer</th>"
                   "<th>evidence</th><th>reason</th></tr></thead><tbody>")
        score = {f["frame"]: f for f in frames}
        for r in items:
            f = score.get(r["frame"], {})
            frame_cell = f"{e(r['frame'])} ({f.get('score', 0):.2f})" if f else e(r["frame"])
            where = f" [{r['start']}–{r['end']}]" if int(r["start"]) >= 0 else ""
            out.append(f"<tr><td>{frame_cell}</td><td>{e(r['item'])}</td>"
                       f"<td>{e(r['question'])}</td><td>{'yes' if r['answer'] else 'no'}</td>"
                       f"<td>{e(str(r['evidence']))}{e(where)}</td>"
                       f"<td>{e(str(r['reason']))}</td></tr>")
        if not items:
            for f in frames:
                out.append(f"<tr><td>{e(f['frame'])} ({f['score']:.2f})</td><td></td><td></td>"
                           f"<td>{f['n_yes']}/{f['n_items']}</td><td></td><td></td></tr>")
        out.append("</tbody></table>")
    mfc = _rows(tables, "mfc_frames", article_id)
    if mfc:
        out.append("<h3>Media Frames Corpus dimensions</h3><table class=\"sortable\"><thead><tr>"
                   "<th>dimension</th><th>present</th><th>score</th><th>hits</th>"
                   "<th>evidence</th></tr></thead><tbody>")
        for r in sorted(mfc, key=lambda r: (-int(r["present"]), -float(r["score"]), r["frame"])):
            out.append(f"<tr><td>{e(r['label'])}</td><td>{'yes' if r['present'] else 'no'}</td>"
                       f"<td>{float(r['score']):.1f}</td><td>{int(r['n_evidence'])}</td>"
                       f"<td>{e(str(r['evidence']))}</td></tr>")
        out.append("</tbody></table>")
    ent = _rows(tables, "entman", article_id)
    if ent:
        out.append("<h3>Entman's functions</h3><table class=\"sortable\"><thead><tr>"
                   "<th>function</th><th>evidence</th><th>sentence</th></tr></thead><tbody>")
        for r in ent:
            out.append(f"<tr><td>{e(r['function'])}</td><td>{e(str(r['evidence']))}</td>"
                       f"<td>{int(r['sentence'])}</td></tr>")
        out.append("</tbody></table>")
    out.append("</section>")
    return "\n".join(out)


def _md(text: object) -> str:
    s = " ".join(str(text).split())
    for ch in "\\|*_`[]<>":
        s = s.replace(ch, "\\" + ch)
    return s


def frames_markdown(article_id: str, tables: dict) -> str:
    """The same content as :func:`frames_html` as Markdown (table cells escaped).

    >>> import pandas as pd
    >>> t = {"mfc_frames": pd.DataFrame([{"article_id": "a", "frame": "economic",
    ...      "label": "Economic", "score": 12.5, "present": 1, "n_evidence": 3,
    ...      "evidence": "рубль | цена"}])}
    >>> print(frames_markdown("a", t).splitlines()[-1])
    | Economic | yes | 12.5 | 3 | рубль \\| цена |
    """
    out = ["## Generic frames", ""]
    frames = {f["frame"]: f for f in _rows(tables, "sv_frames", article_id)}
    items = _rows(tables, "sv_items", article_id)
    if items or frames:
        out += ["### Semetko & Valkenburg (2000)", "",
                "| frame | item | answer | evidence | reason |", "|---|---|---|---|---|"]
        for r in items:
            f = frames.get(r["frame"])
            fc = f"{r['frame']} ({f['score']:.2f})" if f else r["frame"]
            out.append(f"| {_md(fc)} | {_md(r['item'])} | {'yes' if r['answer'] else 'no'} | "
                       f"{_md(r['evidence'])} | {_md(r['reason'])} |")
        if not items:
            for f in frames.values():
                out.append(f"| {_md(f['frame'])} ({f['score']:.2f}) |  | "
                           f"{f['n_yes']}/{f['n_items']} |  |  |")
        out.append("")
    mfc = _rows(tables, "mfc_frames", article_id)
    if mfc:
        out += ["### Media Frames Corpus dimensions", "",
                "| dimension | present | score | hits | evidence |", "|---|---|---|---|---|"]
        for r in sorted(mfc, key=lambda r: (-int(r["present"]), -float(r["score"]), r["frame"])):
            out.append(f"| {_md(r['label'])} | {'yes' if r['present'] else 'no'} | "
                       f"{float(r['score']):.1f} | {int(r['n_evidence'])} | "
                       f"{_md(r['evidence'])} |")
        out.append("")
    ent = _rows(tables, "entman", article_id)
    if ent:
        out += ["### Entman's functions", "", "| function | evidence | sentence |",
                "|---|---|---|"]
        for r in ent:
            out.append(f"| {_md(r['function'])} | {_md(r['evidence'])} | {int(r['sentence'])} |")
    return "\n".join(out).rstrip()
