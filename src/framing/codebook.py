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

Optional on any pattern: ``pos`` (UD tag the first word must carry), ``case: true`` (match the
capitals written), ``not_near: ["word|word", ...]`` (veto words anywhere in the sentence).

Errors (unknown key, bad pattern, duplicate id, unknown category) name the file, line and id.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from .lemmas import Lemmatizer
from .lexmatch import norm, split_words
from .yamlio import ResourceError, line_of, load_yaml

_DEVICE_KEYS = {"id", "label", "category", "definition", "patterns", "examples", "near_misses",
                "__line__"}
_PATTERN_KINDS = ("phrase", "near", "dep")
_PATTERN_KEYS = {"phrase", "near", "dep", "window", "rel", "pos", "case", "not_near", "__line__"}
_CATEGORY_KEYS = {"label", "description", "literature", "__line__"}


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
    framing.yamlio.ResourceError: ...cb.yaml, line 8, device 'd1': pattern 1: unknown key(s)...
    """
    path = Path(path)
    raw = path.read_bytes()
    data = load_yaml(path)
    cb = parse_codebook(data, str(path), lemmatizer or Lemmatizer())
    cb.path = str(path)
    cb.sha256 = hashlib.sha256(raw).hexdigest()
    return cb


def _label(raw: object, where: str) -> tuple[str, str]:
    if isinstance(raw, dict) and isinstance(raw.get("ru"), str) and isinstance(raw.get("en"), str):
        return raw["ru"], raw["en"]
    raise ResourceError(f"{where}: 'label' must be a mapping with 'ru' and 'en' strings")


def parse_codebook(data: object, name: str, lemmatizer: Lemmatizer) -> Codebook:
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
        where = f"{name}, line {line_of(c)}, category {cid!r}"
        if not isinstance(c, dict):
            raise ResourceError(f"{where}: must be a mapping")
        bad = set(c) - _CATEGORY_KEYS
        if bad:
            raise ResourceError(f"{where}: unknown key(s) {sorted(bad)}")
        ru, en = _label(c.get("label"), where)
        categories[cid] = Category(cid, ru, en, str(c.get("description") or ""))
    devs_raw = data.get("devices")
    if not isinstance(devs_raw, list) or not devs_raw:
        raise ResourceError(f"{name}: 'devices' must be a non-empty list")
    devices: list[Device] = []
    seen: dict[str, int | None] = {}
    for d in devs_raw:
        line = line_of(d)
        where = f"{name}, line {line}"
        if not isinstance(d, dict) or not isinstance(d.get("id"), str):
            raise ResourceError(f"{where}: each device needs a string 'id'")
        did = d["id"]
        where += f", device {did!r}"
        bad = set(d) - _DEVICE_KEYS
        if bad:
            raise ResourceError(f"{where}: unknown key(s) {sorted(bad)}")
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
                             f"{name}, line {line_of(p) or line}, device {did!r}: pattern {k}",
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


def _compile_pattern(raw: object, rule_id: str, where: str, lemmatizer: Lemmatizer) -> Pattern:
    if not isinstance(raw, dict):
        raise ResourceError(f"{where}: must be a mapping like {{phrase: '...'}}")
    bad = set(raw) - _PATTERN_KEYS
    if bad:
        raise ResourceError(f"{where}: unknown key(s) {sorted(bad)}")
    kinds = [k for k in _PATTERN_KINDS if k in raw]
    if len(kinds) != 1:
        raise ResourceError(f"{where}: needs exactly one of {_PATTERN_KINDS}")
    kind = kinds[0]
    cap = bool(raw.get("case"))
    if kind == "phrase":
        if not isinstance(raw["phrase"], str):
            raise ResourceError(f"{where}: 'phrase' must be a string")
        specs = split_words(raw["phrase"].replace("|", " | "))
        # re-join alternatives written as "a|b" inside a phrase
        joined: list[str] = []
        for tok in specs:
            if tok == "|" and joined:
                joined[-1] += "|"
            elif joined and joined[-1].endswith("|"):
                joined[-1] += tok
            else:
                joined.append(tok)
        specs = joined
        if not specs:
            raise ResourceError(f"{where}: 'phrase' needs at least one word")
    else:
        specs = raw[kind]
        if not isinstance(specs, list) or len(specs) < 2:
            raise ResourceError(f"{where}: '{kind}' needs a list of at least two words")
        if kind == "dep" and len(specs) != 2:
            raise ResourceError(f"{where}: 'dep' takes exactly [head, dependent]")
    words = tuple(_compile_word(s, where, lemmatizer, cap) for s in specs)
    window = raw.get("window", 4)
    if not isinstance(window, int) or not 1 <= window <= 30:
        raise ResourceError(f"{where}: 'window' must be an integer from 1 to 30")
    rels = raw.get("rel", [])
    if isinstance(rels, str):
        rels = [rels]
    if not isinstance(rels, list) or not all(isinstance(r, str) for r in rels):
        raise ResourceError(f"{where}: 'rel' must be a list of dependency labels")
    veto_raw = raw.get("not_near", [])
    if not isinstance(veto_raw, list):
        raise ResourceError(f"{where}: 'not_near' must be a list of words")
    veto = tuple(_compile_word(s, where, lemmatizer, False) for s in veto_raw)
    pos = raw.get("pos", "")
    if not isinstance(pos, str):
        raise ResourceError(f"{where}: 'pos' must be a UD tag string")
    return Pattern(rule_id, kind, words, window, frozenset(rels), pos, veto)
