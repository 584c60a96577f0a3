"""Phrase matching over lemmas: the shared engine behind actor aliases and codebook phrases.

A *term* is written as plain words in dictionary or inflected form («вбить клин», «Владимир
Путин»).  Each word becomes the set of lemmas pymorphy3 knows for it, so a token matches when its
contextual lemma (or its lower-cased form) is in that set — «Путина», «клинья», «Москвы» all match.

>>> from framing.lemmas import Lemmatizer
>>> idx = PhraseIndex(Lemmatizer())
>>> _ = idx.add("putin", "Владимир Путин")
>>> _ = idx.add("putin", "Путин")
>>> toks = [("владимира", "владимир", "Владимира"), ("путина", "путин", "Путина")]
>>> idx.find(toks)
[('putin', 0, 2)]
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from .lemmas import Lemmatizer


def norm(s: str) -> str:
    return s.lower().replace("ё", "е")


def split_words(term: str) -> list[str]:
    from razdel import tokenize

    return [t.text for t in tokenize(term)]


@dataclass(frozen=True)
class Term:
    key: str
    words: tuple[frozenset[str], ...]
    capital: tuple[bool, ...]
    text: str


#: A token seen by the matcher: (lower-cased form, lemma, original text).
Tok = tuple[str, str, str]


class PhraseIndex:
    """Longest-match, left-to-right, non-overlapping matching of multi-word terms."""

    def __init__(self, lemmatizer: Lemmatizer, match_case: bool = False) -> None:
        self.lemmatizer = lemmatizer
        self.match_case = match_case
        self._by_first: dict[str, list[Term]] = defaultdict(list)
        self.terms: list[Term] = []

    def compile(self, key: str, term: str, match_case: bool | None = None) -> Term:
        words = split_words(term)
        if not words:
            raise ValueError(f"empty term for {key!r}")
        cands = tuple(frozenset(self.lemmatizer.candidates(w)) for w in words)
        mc = self.match_case if match_case is None else match_case
        capital = tuple(mc and w[:1].isupper() for w in words)
        return Term(key, cands, capital, term)

    def add(self, key: str, term: str, match_case: bool | None = None) -> Term:
        t = self.compile(key, term, match_case)
        self.terms.append(t)
        for lemma in t.words[0]:
            self._by_first[lemma].append(t)
        return t

    @staticmethod
    def token_matches(tok: Tok, cands: frozenset[str], capital: bool = False) -> bool:
        if capital and not tok[2][:1].isupper():
            return False
        return tok[1] in cands or tok[0] in cands

    def find(self, toks: Sequence[Tok]) -> list[tuple[str, int, int]]:
        """Return ``(key, start, end)`` token spans, longest match first, no overlaps."""
        out: list[tuple[str, int, int]] = []
        i, n = 0, len(toks)
        while i < n:
            best: Term | None = None
            seen: set[int] = set()
            for key in (toks[i][1], toks[i][0]):
                for t in self._by_first.get(key, ()):
                    if id(t) in seen:
                        continue
                    seen.add(id(t))
                    k = len(t.words)
                    if i + k > n or (best is not None and k <= len(best.words)):
                        continue
                    if all(self.token_matches(toks[i + j], t.words[j], t.capital[j])
                           for j in range(k)):
                        best = t
            if best is None:
                i += 1
            else:
                out.append((best.key, i, i + len(best.words)))
                i += len(best.words)
        return out


def doc_tokens(doc) -> list[Tok]:
    """The matcher's view of a spaCy ``Doc``."""
    from .docview import doc_view

    v = doc_view(doc)
    return list(zip(v.norm, v.lemma, v.text, strict=True))
