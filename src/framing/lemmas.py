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


def _ud_pos(tag: pymorphy3.analyzer.Parse) -> str:
    pos = _POS.get(tag.tag.POS or "", "X")
    if pos == "NOUN" and _PROPER & set(tag.tag.grammemes):
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
        return frozenset(p.normal_form.replace("ё", "е") for p in self._parse(w)) | {w}

    def _alternatives(self, word: str, pos: str, lemma: str) -> frozenset[str]:
        """``lemma`` plus every normal form of a parse whose POS agrees with ``pos``.

        Keeps same-POS ambiguity («большая» → большой/больший) visible to pattern matching.
        """
        w = word.lower().replace("ё", "е")
        out = {lemma, w}
        for p in self._parse(w):
            ud = _ud_pos(p)
            if ud == pos or ud in _UD_COMPAT.get(pos, ()):
                out.add(p.normal_form.replace("ё", "е"))
        return frozenset(out)

    def _lemma(self, word: str, pos: str = "", feats: str = "") -> str:
        w = word.lower().replace("ё", "е")
        if not any(ch.isalpha() for ch in w):
            return w
        if pos in {"PUNCT", "SYM", "NUM"} and not w.isalpha():
            return w
        parses = self._parse(w)
        if not parses:
            return w
        want = dict(kv.split("=", 1) for kv in feats.split("|") if "=" in kv)
        best, best_score, best_case = parses[0], -1.0, False
        for rank, p in enumerate(parses):
            ud = _ud_pos(p)
            score = 0.0
            if pos and (ud == pos or ud in _UD_COMPAT.get(pos, ())):
                score += 10
            if pos == "PROPN" and ud == "PROPN":
                score += 2
            gram = p.tag.grammemes
            case_ok = "Case" in want and any(_CASE.get(g) == want["Case"] for g in gram)
            score += case_ok
            for key, table in (("Number", _NUMBER), ("Gender", _GENDER)):
                if key in want and any(table.get(g) == want[key] for g in gram):
                    score += 1
            score -= rank * 0.01
            if score > best_score:
                best, best_score, best_case = p, score, case_ok
        if (pos == "PROPN" and want.get("Case") == "Nom" and not best_case
                and _ud_pos(best) != "PROPN"):
            # An unknown name in the nominative ("Токаев" read as a plural of "токай").
            return w
        return best.normal_form.replace("ё", "е")
