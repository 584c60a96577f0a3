"""The framing-device codebook: load, validate and compile the analyst-edited YAML.

Each device has an ``id``, a Russian and English ``label``, a ``category``, a ``definition``,
``patterns`` over lemmas, and ``examples`` that must match plus ``near_misses`` that must not.

Pattern kinds (every word may list alternatives with ``|``; words are matched on all their
lemmas, so any inflection matches):

``phrase: "из-за океана"``
    contiguous words, in this order.
``near: ["вбить|вбивать", "клин"]`` with optional ``window`` (default 4)
    all words within ``window`` tokens of each other, in any order, in one sentence.
``dep: ["вбить|вбивать", "клин"]`` with optional ``rel: [obj, "nsubj:pass"]``
    the second word is a direct syntactic dependent of the first (any word order, passives).

``shape: sentence`` or ``quoted`` with ``ends_with``, ``min_words``, ``max_words``, ``has_pos``
    a whole sentence, or a «quotation» inside one, of a given form — e.g. a short exclamation
    (``ends_with: "!"``, ``max_words: 6``) or a short quoted catchphrase with a verb.
``repeat: N`` with ``times`` (default 3), ``window`` (default 12), ``content_pos``, ``anaphora``
    the same N-gram of lemmas (at least one word tagged ``content_pos``) ``times`` times within
    one paragraph, each occurrence within ``window`` words of the previous; with ``anaphora: true``
    each occurrence opens a sentence and ``window`` counts sentences.

Optional on word patterns: ``pos`` (UD tag the first word must carry), ``case: true`` (match the
capitals written), ``context: [words]`` with ``context_window`` (a word required within that many
tokens of the match), ``ner: [LOC, ORG]`` with ``ner_window`` (a named entity of those labels
required that close).  ``repeat`` also takes ``ignore: [words]`` (never the repeated unit)
and ``scope: sentence`` (the run stays in one sentence instead of one paragraph).
On every pattern: ``not_near: ["word|word", ...]`` (veto words anywhere in
the sentence), ``ends_with: ["?"]`` (the sentence's final punctuation), ``min_words`` and
``max_words`` (the sentence's length in words; for ``shape: quoted``, the quotation's).

Errors (unknown key or attribute, a pattern that cannot compile — bad window, a tag or relation
that is not Universal Dependencies, multi-word alternatives —, duplicate id, unknown category)
are raised before any article is processed and read ``file:line: device "id": pattern N: …``.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

from .lemmas import Lemmatizer
from .lexmatch import norm, split_words
from .yamlio import ResourceError, line_of, load_yaml

_DEVICE_KEYS = {"id", "label", "category", "definition", "patterns", "examples", "near_misses",
                "__line__"}
_PATTERN_KINDS = ("phrase", "near", "dep", "shape", "repeat")
#: options every pattern kind accepts: vetoes and the shape of the sentence (or quote) matched
_COMMON_KEYS = {"not_near", "ends_with", "min_words", "max_words", "__line__"}
#: options of word patterns: a context word required close to the match
_WORD_KEYS = _COMMON_KEYS | {"pos", "case", "context", "context_window", "ner", "ner_window"}
_KIND_KEYS = {
    "phrase": _WORD_KEYS | {"phrase"},
    "near": _WORD_KEYS | {"near", "window"},
    "dep": _WORD_KEYS | {"dep", "rel"},
    "shape": _COMMON_KEYS | {"shape", "has_pos", "context", "context_window"},
    "repeat": {"repeat", "times", "window", "content_pos", "anaphora", "ignore", "scope",
               "not_near", "__line__"},
}
_PATTERN_KEYS = set().union(*_KIND_KEYS.values())
_SHAPES = ("sentence", "quoted")
_CATEGORY_KEYS = {"label", "description", "literature", "__line__"}
#: Universal Dependencies v2 part-of-speech tags and relation labels (subtypes after ":")
UD_POS = frozenset("ADJ ADP ADV AUX CCONJ DET INTJ NOUN NUM PART PRON PROPN PUNCT SCONJ SYM VERB X"
                   .split())
UD_RELS = frozenset(
    "acl advcl advmod amod appos aux case cc ccomp clf compound conj cop csubj dep det discourse "
    "dislocated expl fixed flat goeswith iobj list mark nmod nsubj nummod obj obl orphan "
    "parataxis punct reparandum root vocative xcomp ROOT".split())
_PUNCT_END = re.compile(r"^[!?.…;:]+$")
#: named-entity labels of the NLP stage (slovnet)
NER_LABELS = frozenset({"PER", "LOC", "ORG"})


@dataclass(frozen=True)
class Word:
    """One pattern slot: the union of lemmas of its alternatives."""

    lemmas: frozenset[str]
    capital: bool = False

    def matches(self, lower: str, lemmas: frozenset[str], text: str) -> bool:
        if self.capital and not text[:1].isupper():
            return False
        return lower in self.lemmas or not self.lemmas.isdisjoint(lemmas)


@dataclass
class Pattern:
    rule_id: str
    kind: str
    words: tuple[Word, ...]
    window: int = 4
    rels: frozenset[str] = frozenset()
    pos: str = ""
    veto: tuple[Word, ...] = ()
    #: sentence (or, for ``shape: quoted``, quotation) must end with one of these
    ends_with: tuple[str, ...] = ()
    min_words: int = 0
    max_words: int = 0
    #: a word required within ``context_window`` tokens of the match (same sentence)
    context: tuple[Word, ...] = ()
    context_window: int = 6
    #: ``shape`` patterns: "sentence" or "quoted"; a word of one of ``has_pos`` required inside
    shape: str = ""
    has_pos: frozenset[str] = frozenset()
    #: ``repeat`` patterns: n-gram length, how often, content tags, sentence-initial only
    ngram: int = 0
    times: int = 0
    content_pos: frozenset[str] = frozenset()
    anaphora: bool = False
    #: ``repeat`` patterns: words never counted as the repeated unit
    ignore: tuple[Word, ...] = ()
    #: ``repeat`` patterns: a run stays inside one "paragraph" (default) or one "sentence"
    scope: str = "paragraph"
    #: a named entity of one of these labels within ``ner_window`` tokens of the match
    ner: frozenset[str] = frozenset()
    ner_window: int = 6


@dataclass
class Device:
    id: str
    label_ru: str
    label_en: str
    category: str
    definition: str
    patterns: list[Pattern]
    examples: list[str] = field(default_factory=list)
    near_misses: list[str] = field(default_factory=list)
    line: int | None = None


@dataclass
class Category:
    id: str
    label_ru: str
    label_en: str
    description: str = ""


@dataclass
class Codebook:
    devices: list[Device]
    categories: dict[str, Category]
    path: str = ""
    sha256: str = ""

    def device(self, device_id: str) -> Device:
        for d in self.devices:
            if d.id == device_id:
                return d
        raise KeyError(device_id)


def load_codebook(path: Path, lemmatizer: Lemmatizer | None = None) -> Codebook:
    """Load and validate a codebook file.

    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "cb.yaml"
    >>> _ = p.write_text("categories:\\n  m: {label: {ru: М, en: M}}\\ndevices:\\n"
    ...   "  - id: d1\\n    label: {ru: д, en: d}\\n    category: m\\n    definition: x\\n"
    ...   "    patterns: [{nier: [a, b]}]\\n", encoding="utf-8")
    >>> load_codebook(p)
    Traceback (most recent call last):
    ...
    framing.yamlio.ResourceError: ...cb.yaml:8: device "d1": pattern 1: needs exactly one of ...
    """
    path = Path(path)
    raw = path.read_bytes()
    data = load_yaml(path)
    cb = parse_codebook(data, str(path), lemmatizer or Lemmatizer.shared())
    cb.path = str(path)
    cb.sha256 = hashlib.sha256(raw).hexdigest()
    return cb


class _SurfaceForms:
    """Stand-in lemmatizer for :func:`validate_codebook`: words stand for themselves."""

    @staticmethod
    def candidates(word: str) -> frozenset[str]:
        return frozenset({word.lower()})


def validate_codebook(path: Path) -> int:
    """Check a codebook's structure quickly (no morphology loaded); return its device count.

    The workflow calls this when it starts, so a codebook error stops the run — naming file,
    line and entry — before any article is processed.

    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "codebook.yaml"
    >>> _ = p.write_text("categories:\\n  m: {label: {ru: М, en: M}}\\ndevices:\\n"
    ...   "  - id: wedge\\n    label: {ru: к, en: w}\\n    category: m\\n    definition: x\\n"
    ...   "    patterns:\\n      - dep: [вбить, клин]\\n        rel: [obj]\\n"
    ...   "      - phrase: клин\\n        LEMA: клин\\n", encoding="utf-8")
    >>> validate_codebook(p)
    Traceback (most recent call last):
    ...
    framing.yamlio.ResourceError: ...codebook.yaml:11: device "wedge": pattern 2: unknown ...
    """
    return len(parse_codebook(load_yaml(Path(path)), str(path), _SurfaceForms()).devices)


def _label(raw: object, where: str) -> tuple[str, str]:
    if isinstance(raw, dict) and isinstance(raw.get("ru"), str) and isinstance(raw.get("en"), str):
        return raw["ru"], raw["en"]
    raise ResourceError(f"{where}: 'label' must be a mapping with 'ru' and 'en' strings")


def _at(name: str, line: int | None) -> str:
    return f"{name}:{line}" if line else name


def parse_codebook(data: object, name: str, lemmatizer: Lemmatizer | _SurfaceForms
                   ) -> Codebook:
    """Validate and compile parsed codebook YAML; errors read ``file:line: device "id": …``."""
    if not isinstance(data, dict):
        raise ResourceError(f"{name}: expected a mapping with 'categories' and 'devices'")
    unknown_top = set(data) - {"categories", "devices", "version", "__line__"}
    if unknown_top:
        raise ResourceError(f"{name}: unknown top-level key(s) {sorted(unknown_top)}")
    cats_raw = data.get("categories")
    if not isinstance(cats_raw, dict) or not cats_raw:
        raise ResourceError(f"{name}: 'categories' must be a non-empty mapping")
    categories: dict[str, Category] = {}
    for cid, c in cats_raw.items():
        if cid == "__line__":
            continue
        where = f'{_at(name, line_of(c))}: category "{cid}"'
        if not isinstance(c, dict):
            raise ResourceError(f"{where}: must be a mapping")
        bad = set(c) - _CATEGORY_KEYS
        if bad:
            raise ResourceError(f"{where}: unknown key(s) {sorted(bad)} "
                                f"(allowed: {sorted(_CATEGORY_KEYS - {'__line__'})})")
        ru, en = _label(c.get("label"), where)
        categories[cid] = Category(cid, ru, en, str(c.get("description") or ""))
    devs_raw = data.get("devices")
    if not isinstance(devs_raw, list) or not devs_raw:
        raise ResourceError(f"{name}: 'devices' must be a non-empty list")
    devices: list[Device] = []
    seen: dict[str, int | None] = {}
    for d in devs_raw:
        line = line_of(d)
        if not isinstance(d, dict) or not isinstance(d.get("id"), str) or not d["id"].strip():
            raise ResourceError(f"{_at(name, line)}: each device needs a string 'id'")
        did = d["id"]
        where = f'{_at(name, line)}: device "{did}"'
        bad = set(d) - _DEVICE_KEYS
        if bad:
            raise ResourceError(f"{where}: unknown key(s) {sorted(bad)} "
                                f"(allowed: {sorted(_DEVICE_KEYS - {'__line__'})})")
        if did in seen:
            raise ResourceError(f"{where}: duplicate id (first at line {seen[did]})")
        seen[did] = line
        ru, en = _label(d.get("label"), where)
        if d.get("category") not in categories:
            raise ResourceError(f"{where}: unknown category {d.get('category')!r} "
                                f"(known: {sorted(categories)})")
        if not isinstance(d.get("definition"), str) or not d["definition"].strip():
            raise ResourceError(f"{where}: needs a 'definition'")
        pats_raw = d.get("patterns")
        if not isinstance(pats_raw, list) or not pats_raw:
            raise ResourceError(f"{where}: needs a non-empty 'patterns' list")
        patterns = [
            _compile_pattern(p, f"{did}#{k}",
                             f'{_at(name, line_of(p) or line)}: device "{did}": pattern {k}',
                             lemmatizer)
            for k, p in enumerate(pats_raw, 1)
        ]
        ex = d.get("examples", [])
        nm = d.get("near_misses", [])
        for key, val in (("examples", ex), ("near_misses", nm)):
            if not isinstance(val, list) or not all(isinstance(v, str) for v in val):
                raise ResourceError(f"{where}: '{key}' must be a list of strings")
        devices.append(Device(did, ru, en, d["category"], d["definition"].strip(), patterns,
                              ex, nm, line))
    return Codebook(devices, categories)


def _compile_word(spec: object, where: str, lemmatizer: Lemmatizer, capital: bool) -> Word:
    if not isinstance(spec, str) or not spec.strip():
        raise ResourceError(f"{where}: pattern words must be non-empty strings")
    lemmas: set[str] = set()
    for alt in spec.split("|"):
        alt = alt.strip()
        if not alt or len(split_words(alt)) != 1:
            raise ResourceError(f"{where}: {spec!r}: each alternative must be a single word")
        lemmas |= lemmatizer.candidates(alt)
    cap = capital and spec.strip()[:1].isupper()
    return Word(frozenset(norm(x) for x in lemmas), cap)


def _words(raw: object, key: str, where: str, lemmatizer: Lemmatizer) -> tuple[Word, ...]:
    if not isinstance(raw, list) or not raw:
        raise ResourceError(f"{where}: '{key}' must be a non-empty list of words")
    return tuple(_compile_word(s, f"{where}: {key}", lemmatizer, False) for s in raw)


def _int(raw: dict, key: str, default: int, lo: int, hi: int, where: str) -> int:
    val = raw.get(key, default)
    if isinstance(val, bool) or not isinstance(val, int) or not lo <= val <= hi:
        raise ResourceError(f"{where}: '{key}' must be an integer from {lo} to {hi}")
    return val


def _tags(raw: object, key: str, allowed: frozenset[str], where: str,
          what: str = "a Universal Dependencies label") -> frozenset[str]:
    vals = [raw] if isinstance(raw, str) else raw
    if not isinstance(vals, list) or not all(isinstance(v, str) for v in vals):
        raise ResourceError(f"{where}: '{key}' must be a list of labels")
    for v in vals:
        if v.split(":")[0] not in allowed:
            raise ResourceError(f"{where}: {key} {v!r} is not {what} "
                                f"(known: {' '.join(sorted(allowed))})")
    return frozenset(vals)


def _phrase_specs(phrase: str) -> list[str]:
    specs = split_words(phrase.replace("|", " | "))
    joined: list[str] = []  # re-join alternatives written as "a|b" inside a phrase
    for tok in specs:
        if tok == "|" and joined:
            joined[-1] += "|"
        elif joined and joined[-1].endswith("|"):
            joined[-1] += tok
        else:
            joined.append(tok)
    return joined


def _compile_pattern(raw: object, rule_id: str, where: str, lemmatizer: Lemmatizer) -> Pattern:
    """Compile one pattern mapping; every problem names the offending attribute.

    >>> _compile_pattern({"phrase": "клин", "LEMA": "x"}, "d#1",
    ...                  'cb.yaml:3: device "d": pattern 1', Lemmatizer())
    Traceback (most recent call last):
    ...
    framing.yamlio.ResourceError: cb.yaml:3: device "d": pattern 1: unknown attribute "LEMA" (...
    """
    if not isinstance(raw, dict):
        raise ResourceError(f"{where}: must be a mapping like {{phrase: '...'}}")
    kinds = [k for k in _PATTERN_KINDS if k in raw]
    if len(kinds) != 1:
        bad = sorted(set(raw) - _PATTERN_KEYS)
        hint = f' (unknown attribute "{bad[0]}")' if bad else ""
        raise ResourceError(f"{where}: needs exactly one of {', '.join(_PATTERN_KINDS)}{hint}")
    kind = kinds[0]
    bad = sorted(set(raw) - _KIND_KEYS[kind])
    if bad:
        allowed = ", ".join(sorted(_KIND_KEYS[kind] - {kind, "__line__"}))
        what = "unknown attribute" if len(bad) == 1 else "unknown attributes"
        names = ", ".join(f'"{b}"' for b in bad)
        raise ResourceError(f"{where}: {what} {names} (allowed for a {kind} pattern: {allowed})")
    cap = raw.get("case", False)
    if not isinstance(cap, bool):
        raise ResourceError(f"{where}: 'case' must be true or false")
    words: tuple[Word, ...] = ()
    pat = Pattern(rule_id, kind, words)
    if kind == "phrase":
        if not isinstance(raw["phrase"], str) or not raw["phrase"].strip():
            raise ResourceError(f"{where}: 'phrase' must be a non-empty string")
        specs = _phrase_specs(raw["phrase"])
        if not specs:
            raise ResourceError(f"{where}: 'phrase' needs at least one word")
        pat.words = tuple(_compile_word(s, where, lemmatizer, cap) for s in specs)
    elif kind in ("near", "dep"):
        specs = raw[kind]
        if not isinstance(specs, list) or len(specs) < 2:
            raise ResourceError(f"{where}: '{kind}' needs a list of at least two words")
        if kind == "dep" and len(specs) != 2:
            raise ResourceError(f"{where}: 'dep' takes exactly [head, dependent]")
        pat.words = tuple(_compile_word(s, where, lemmatizer, cap) for s in specs)
        pat.window = _int(raw, "window", 4, 1, 30, where)
        pat.rels = _tags(raw.get("rel", []), "rel", UD_RELS, where)
    elif kind == "shape":
        if raw["shape"] not in _SHAPES:
            raise ResourceError(f"{where}: 'shape' must be one of {', '.join(_SHAPES)}")
        pat.shape = raw["shape"]
        pat.has_pos = _tags(raw.get("has_pos", []), "has_pos", UD_POS, where)
    else:  # repeat
        pat.ngram = _int(raw, "repeat", 1, 1, 5, where)
        pat.times = _int(raw, "times", 3, 2, 20, where)
        pat.anaphora = raw.get("anaphora", False)
        if not isinstance(pat.anaphora, bool):
            raise ResourceError(f"{where}: 'anaphora' must be true or false")
        # window: tokens between occurrences (sentences for anaphora)
        pat.window = _int(raw, "window", 1 if pat.anaphora else 12, 1, 200, where)
        pat.content_pos = _tags(raw.get("content_pos", ["NOUN", "ADJ", "VERB", "ADV"]),
                                "content_pos", UD_POS, where)
        if "ignore" in raw:
            pat.ignore = _words(raw["ignore"], "ignore", where, lemmatizer)
        pat.scope = raw.get("scope", "paragraph")
        if pat.scope not in ("paragraph", "sentence") or (pat.anaphora and "scope" in raw):
            raise ResourceError(f"{where}: 'scope' must be paragraph or sentence "
                                "(and is not used with anaphora)")
    if "pos" in raw:
        if not isinstance(raw["pos"], str) or raw["pos"] not in UD_POS:
            raise ResourceError(f"{where}: 'pos' {raw['pos']!r} is not a Universal Dependencies "
                                f"tag (known: {' '.join(sorted(UD_POS))})")
        pat.pos = raw["pos"]
    if "not_near" in raw:
        pat.veto = _words(raw["not_near"], "not_near", where, lemmatizer)
    if "context" in raw:
        pat.context = _words(raw["context"], "context", where, lemmatizer)
        pat.context_window = _int(raw, "context_window", 6, 1, 30, where)
    elif "context_window" in raw:
        raise ResourceError(f"{where}: 'context_window' needs 'context'")
    if "ner" in raw:
        pat.ner = _tags(raw["ner"], "ner", NER_LABELS, where, "a named-entity label")
        pat.ner_window = _int(raw, "ner_window", 6, 1, 30, where)
    elif "ner_window" in raw:
        raise ResourceError(f"{where}: 'ner_window' needs 'ner'")
    ends = raw.get("ends_with", [])
    ends = [ends] if isinstance(ends, str) else ends
    if not isinstance(ends, list) or not all(isinstance(e, str) and _PUNCT_END.match(e)
                                             for e in ends):
        raise ResourceError(f"{where}: 'ends_with' must list final punctuation such as '?' "
                            "or '!'")
    pat.ends_with = tuple(ends)
    pat.min_words = _int(raw, "min_words", 0, 0, 200, where)
    pat.max_words = _int(raw, "max_words", 0, 0, 200, where)
    if pat.max_words and pat.min_words > pat.max_words:
        raise ResourceError(f"{where}: 'min_words' is larger than 'max_words'")
    return pat
