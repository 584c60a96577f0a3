"""Context-aware lemmatisation with pymorphy3, cached.

Natasha's morphology tagger gives each token a UD part of speech and features; pymorphy3 gives
candidate parses.  We pick the parse that agrees best with the tagger (as Natasha's ``MorphVocab``
does) and cache the answer per ``(word, pos, feats)``: news repeats words, so the cache turns
pymorphy's ~7k tokens/s into >100k tokens/s.

>>> lem = Lemmatizer()
>>> lem.lemma("клинья", "NOUN", "Case=Acc|Number=Plur")
'клин'
>>> lem.lemma("Астаны", "PROPN", "Case=Gen|Gender=Fem|Number=Sing")
'астана'
>>> lem.lemma("Токаев", "PROPN", "Case=Nom|Gender=Masc|Number=Sing")
'токаев'
>>> sorted(lem.alternatives("большая", "ADJ", "больший"))
['большая', 'больший', 'большой']
>>> sorted(lem.candidates("Путина"))
['путин', 'путина']
"""

from __future__ import annotations

from functools import lru_cache

import pymorphy3

# OpenCorpora POS -> UD POS
_POS = {
    "NOUN": "NOUN", "ADJF": "ADJ", "ADJS": "ADJ", "COMP": "ADJ", "VERB": "VERB",
    "INFN": "VERB", "PRTF": "VERB", "PRTS": "VERB", "GRND": "VERB", "NUMR": "NUM",
    "ADVB": "ADV", "NPRO": "PRON", "PRED": "ADV", "PREP": "ADP", "CONJ": "CCONJ",
    "PRCL": "PART", "INTJ": "INTJ",
}
_PROPER = {"Name", "Surn", "Patr", "Geox", "Orgn", "Trad"}
_CASE = {"nomn": "Nom", "gent": "Gen", "gen2": "Gen", "datv": "Dat", "accs": "Acc",
         "ablt": "Ins", "loct": "Loc", "loc2": "Loc", "voct": "Voc"}
_NUMBER = {"sing": "Sing", "plur": "Plur"}
_GENDER = {"masc": "Masc", "femn": "Fem", "neut": "Neut"}
_UD_COMPAT = {"PROPN": {"NOUN", "PROPN"}, "AUX": {"VERB"}, "DET": {"PRON", "ADJ"},
              "SCONJ": {"CCONJ"}, "ADJ": {"ADJ", "VERB"}, "NOUN": {"NOUN", "PROPN"}}


def _ud_pos(parse: pymorphy3.analyzer.Parse) -> str:
    """The UD POS of a pymorphy3 parse."""
    return _ud_pos_of(parse.tag)


def _ud_pos_of(tag) -> str:
    pos = _POS.get(tag.POS or "", "X")
    if pos == "NOUN" and _PROPER & set(tag.grammemes):
        return "PROPN"
    return pos


class _SafeAnalyzer(pymorphy3.MorphAnalyzer):
    """pymorphy3, except that a word it cannot analyse has no parses instead of raising
    (pymorphy3 raises ValueError on letters without a Unicode name, e.g. Tangut ideographs)."""

    def parse(self, word: str) -> list:
        try:
            return super().parse(word)
        except ValueError:
            return []


_SHARED: Lemmatizer | None = None


class Lemmatizer:
    """pymorphy3 lemmatiser guided by UD POS/feats, with an LRU cache."""

    def __init__(self, cache_size: int = 200_000) -> None:
        self.morph = _SafeAnalyzer()
        # one pymorphy3 analysis per distinct lower-cased word, shared by the three methods
        self._parse = lru_cache(maxsize=cache_size)(self.morph.parse)
        self._letters = lru_cache(maxsize=cache_size)(self._letters)  # type: ignore[method-assign]
        self._readings = lru_cache(maxsize=cache_size)(self._readings)  # type: ignore[method-assign]
        self.lemma = lru_cache(maxsize=cache_size)(self._lemma)  # type: ignore[method-assign]
        self.candidates = lru_cache(maxsize=cache_size)(self._candidates)  # type: ignore[method-assign]
        self.alternatives = lru_cache(maxsize=cache_size)(self._alternatives)  # type: ignore[method-assign]

    @classmethod
    def shared(cls) -> Lemmatizer:
        """The process-wide instance: one pymorphy3 dictionary and one set of caches for the
        NLP stage and every annotator (a word analysed once is cached for all of them)."""
        global _SHARED
        if _SHARED is None:
            _SHARED = cls()
        return _SHARED

    def _candidates(self, word: str) -> frozenset[str]:
        """Every normal form pymorphy3 knows for ``word`` (lower-cased)."""
        w = word.lower().replace("ё", "е")
        return frozenset(r[4] for r in self._readings(w)) | {w}

    def _alternatives(self, word: str, pos: str, lemma: str) -> frozenset[str]:
        """``lemma`` plus every normal form of a parse whose POS agrees with ``pos``.

        Keeps same-POS ambiguity («большая» → большой/больший) visible to pattern matching.
        """
        w = word.lower().replace("ё", "е")
        out = {lemma, w}
        compatible = _UD_COMPAT.get(pos, ())
        for ud, _, _, _, normal in self._readings(w):  # shared with :meth:`_lemma`
            if ud == pos or ud in compatible:
                out.add(normal)
        return frozenset(out)

    def _letters(self, word: str) -> tuple[bool, bool]:
        """Whether ``word`` has a letter, and whether it is all letters."""
        return any(ch.isalpha() for ch in word), word.isalpha()

    def _readings(self, word: str) -> tuple[_Reading, ...]:
        """What :meth:`_lemma` reads of each pymorphy3 parse of ``word`` (lower-cased), in
        pymorphy3's order: its UD POS, the UD cases, numbers and genders among its grammemes,
        and its normal form (an informal patronymic's own nominative, not the formal one:
        «Зорыча» → «зорыч», not «зорович» — most such words are surnames)."""
        return tuple((*_tag_reading(p.tag), _normal_form(p).replace("ё", "е"))
                     for p in self._parse(word))

    def _lemma(self, word: str, pos: str = "", feats: str = "") -> str:
        """The normal form of the parse of ``word`` that agrees best with ``pos``/``feats``:
        +10 for a compatible POS, +2 for a proper noun read as one, +1 for each of case,
        number and gender agreeing, -0.01 per rank in pymorphy3's order; an unknown name in
        the nominative stays as written.  From :meth:`_readings` (cached per word), so a word
        seen with other tags is not analysed again."""
        w = word.lower().replace("ё", "е")
        has_letter, all_letters = self._letters(w)
        if not has_letter:
            return w
        if pos in {"PUNCT", "SYM", "NUM"} and not all_letters:
            return w
        readings = self._readings(w)
        if not readings:
            return w
        case, number, gender = _wanted(feats)
        compatible = _compatible(pos)
        best, best_score, best_case = readings[0], -1.0, False
        for rank, reading in enumerate(readings):
            ud, cases, numbers, genders, _ = reading
            score = 0.0
            if ud in compatible:
                score += 10
            if pos == "PROPN" and ud == "PROPN":
                score += 2
            case_ok = case is not None and case in cases
            score += case_ok
            if number is not None and number in numbers:
                score += 1
            if gender is not None and gender in genders:
                score += 1
            score -= rank * 0.01
            if score > best_score:
                best, best_score, best_case = reading, score, case_ok
        if pos == "PROPN" and case == "Nom" and not best_case and best[0] != "PROPN":
            # An unknown name in the nominative ("Токаев" read as a plural of "токай").
            return w
        return best[4]


def _normal_form(parse) -> str:
    """pymorphy3's normal form of ``parse``, but the nominative of an informal patronymic's
    own lexeme («Палыча» → «палыч», «Зорыча» → «зорыч»).

    >>> _normal_form(Lemmatizer.shared().morph.parse("зорыча")[1])
    'зорыч'
    """
    if "Infr" in parse.tag and "Patr" in parse.tag:
        nom = parse.inflect({"nomn"})
        if nom is not None:
            return nom.word
    return parse.normal_form


#: What :meth:`Lemmatizer._lemma` reads of a parse (see :meth:`Lemmatizer._readings`).
_Reading = tuple[str, tuple[str, ...], tuple[str, ...], tuple[str, ...], str]


@lru_cache(maxsize=8192)
def _tag_reading(tag) -> tuple[str, tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    """A pymorphy3 tag's UD POS (:func:`_ud_pos`) and the UD cases, numbers and genders among
    its grammemes (pymorphy3's tags compare equal when their grammemes do).  Tuples of
    strings, not sets: the cache of every word's readings then holds nothing the cyclic
    garbage collector has to keep scanning."""
    gram = sorted(tag.grammemes)
    return (_ud_pos_of(tag), tuple(_CASE[g] for g in gram if g in _CASE),
            tuple(_NUMBER[g] for g in gram if g in _NUMBER),
            tuple(_GENDER[g] for g in gram if g in _GENDER))


@lru_cache(maxsize=4096)
def _wanted(feats: str) -> tuple[str | None, str | None, str | None]:
    """The Case, Number and Gender of UD ``feats`` (None where absent; a later repeat wins).

    >>> _wanted("Case=Gen|Gender=Fem|Number=Sing")
    ('Gen', 'Sing', 'Fem')
    >>> _wanted("")
    (None, None, None)
    """
    want = dict(kv.split("=", 1) for kv in feats.split("|") if "=" in kv)
    return want.get("Case"), want.get("Number"), want.get("Gender")


@lru_cache(maxsize=256)
def _compatible(pos: str) -> frozenset[str]:
    """The UD POS of a parse that agrees with the tagger's ``pos`` (none for no ``pos``).

    >>> sorted(_compatible("PROPN")), sorted(_compatible(""))
    (['NOUN', 'PROPN'], [])
    """
    if not pos:
        return frozenset()
    return frozenset({pos, *_UD_COMPAT.get(pos, ())})
