"""razdel's word tokenisation, the same tokens at a fraction of the cost.

``razdel.tokenize`` builds an object per atom and per split between atoms and runs its rules
on each.  Its rules never join across whitespace, and look at most one atom beyond the two
atoms of a split (``Rule2112``'s ``left_2``/``right_2`` around a dash, underscore, ``.``,
``,``, ``/`` or ``\\``, and only at their type).  So the tokens of a whitespace-free chunk
depend on the chunk and, where the chunk starts or ends with such a delimiter, on the type of
the neighbouring chunk's adjacent atom: :func:`tokenize` memoises razdel's answer per
``(chunk, left type, right type)``.  ``tests/test_nlp.py`` checks it against razdel on random
texts and news articles.

>>> tokenize("сказал -то ли, «млн» -то")  # "-то" joins after a word, not after a quote
[(0, 6, 'сказал'), (7, 10, '-то'), (11, 13, 'ли'), (13, 14, ','), (15, 16, '«'), \
(16, 19, 'млн'), (19, 20, '»'), (21, 22, '-'), (22, 24, 'то')]
"""

from __future__ import annotations

import re

_CHUNK = re.compile(r"\S+")
_MEMO: dict[tuple[str, str | None, str | None], tuple[tuple[int, str], ...]] = {}
_MEMO_MAX = 200_000
_RULES: list = []


def _rules() -> tuple[frozenset[str], frozenset[str], re.Pattern, frozenset[str]]:
    """razdel's ``Rule2112`` delimiters: dash/underscore (join two non-PUNCT atoms) and
    ``.,/\\`` (join two INT atoms), and its atom pattern."""
    if not _RULES:
        from razdel.segmenters.punct import DASHES
        from razdel.segmenters.tokenize import ATOM, PUNCTS

        joining = frozenset(DASHES) | {"_"}
        numeric = frozenset(".,/\\")
        if not (joining | numeric) <= set(PUNCTS):  # each is then an atom of its own
            raise RuntimeError("razdel's punctuation changed: framing.razdel_tokens is stale")
        _RULES.append((joining, numeric, ATOM, joining | numeric))
    return _RULES[0]


def atom_type(ch: str) -> str:
    """razdel's type (RU, LAT, INT, PUNCT, OTHER) of the atom holding the character ``ch``.

    >>> [atom_type(c) for c in "ж5.Δq"]
    ['RU', 'INT', 'PUNCT', 'OTHER', 'LAT']
    """
    return _rules()[2].match(ch).lastgroup


def _chunk_tokens(chunk: str, before: str, after: str) -> tuple[tuple[int, str], ...]:
    """razdel's tokens of ``chunk`` (offset, text) with the atom ``before``/``after`` (a
    character, or "") across the whitespace on either side."""
    from razdel import tokenize as razdel_tokenize

    joining, numeric, atom, _ = _rules()
    if atom.match(chunk).end() == len(chunk):  # one atom: no split to decide
        return ((0, chunk),)
    atoms = [(m.start(), m.group(), m.lastgroup) for m in atom.finditer(chunk)]
    if _never_joined(atoms, joining, numeric, atom_type(before) if before else None,
                     atom_type(after) if after else None):
        return tuple((start, text) for start, text, _ in atoms)
    pre = before + " " if before else ""
    toks = list(razdel_tokenize(pre + chunk + (" " + after if after else "")))
    if before:
        toks = toks[1:]
    if after:
        toks = toks[:-1]
    return tuple((t.start - len(pre), t.text) for t in toks)


def _never_joined(atoms: list[tuple[int, str, str]], joining: frozenset[str],
                  numeric: frozenset[str], before: str | None = None,
                  after: str | None = None) -> bool:
    """True when razdel's rules join no two neighbours of a chunk's ``atoms`` (start, text,
    type), so that its tokens are the atoms: no OTHER atom (``other``), no two PUNCT atoms in
    a row that ``punct`` joins (a smiley, two sentence endings, ``--``, ``**``), no dash or
    underscore (``Rule2112``'s dash and underscore rules), no ``.,/\\`` between two INT atoms
    (its float and fraction rules; ``before``/``after``: the type of the atom across the
    whitespace before/after the chunk, if any), no «!» after «yahoo».

    >>> split = lambda chunk: [(m.start(), m.group(), m.lastgroup)
    ...                        for m in _rules()[2].finditer(chunk)]
    >>> [_never_joined(split(c), *_rules()[:2]) for c in ("(слово),", "2024.", "5,3", "?!", ":)")]
    [True, True, False, False, False]
    >>> _never_joined(split("2024."), *_rules()[:2], after="INT")  # «2024. 5»: «2024.» «5»
    False
    """
    last = len(atoms) - 1
    prev = ""
    for k, (_, text, kind) in enumerate(atoms):
        if kind == "OTHER":
            return False
        if kind == "PUNCT":
            if text in joining or prev == "PUNCT" and _punct_joins(atoms[k - 1][1], text):
                return False
            if (text in numeric and (atoms[k - 1][2] if k else before) == "INT"
                    and (atoms[k + 1][2] if k < last else after) == "INT"):
                return False
            if text == "!" and k and atoms[k - 1][1].lower() == "yahoo":
                return False
        prev = kind
    return True


def _punct_joins(left: str, right: str) -> bool:
    """razdel's ``punct`` rule on two PUNCT atoms ``left``, ``right`` (``left`` not joined
    to the atom before it)."""
    if not _PUNCT_RULE:
        from razdel.segmenters.punct import ENDINGS
        from razdel.segmenters.tokenize import SMILE

        _PUNCT_RULE.append((SMILE, ENDINGS))
    smile, endings = _PUNCT_RULE[0]
    return bool(smile.match(left + right)) or (left in endings and right in endings) \
        or left + right in ("--", "**")


_PUNCT_RULE: list = []


def tokenize(text: str) -> list[tuple[int, int, str]]:
    """``[(t.start, t.stop, t.text) for t in razdel.tokenize(text)]``."""
    delims = _rules()[3]
    chunks = [(m.start(), m.group()) for m in _CHUNK.finditer(text)]
    out: list[tuple[int, int, str]] = []
    last = len(chunks) - 1
    for k, (start, chunk) in enumerate(chunks):
        before = chunks[k - 1][1][-1] if k and chunk[0] in delims else ""
        after = chunks[k + 1][1][0] if k < last and chunk[-1] in delims else ""
        key = (chunk, atom_type(before) if before else None,
               atom_type(after) if after else None)
        toks = _MEMO.get(key)
        if toks is None:
            toks = _chunk_tokens(chunk, before, after)
            if len(_MEMO) < _MEMO_MAX:
                _MEMO[key] = toks
        if len(toks) == 1 and toks[0][0] == 0:
            out.append((start, start + len(chunk), chunk))
        else:
            out.extend((start + off, start + off + len(t), t) for off, t in toks)
    return out


def joinable_sentences(text: str, spans: list[tuple[int, int]]) -> bool:
    """True when razdel's ``tokenize(text)`` is the concatenation of ``tokenize`` of each
    sentence ``text[a:b]`` (``spans`` sorted, non-overlapping, each holding non-space text).

    The tokens agree when every sentence boundary is whitespace, the text outside the
    sentences is whitespace, and no ``Rule2112`` could join at a sentence's first or last
    split using the neighbouring sentence's atom (see the module docstring).

    >>> joinable_sentences("Он пришёл. Она ушла.", [(0, 10), (11, 20)])
    True
    >>> joinable_sentences("Рост на 5. 10 человек", [(0, 10), (11, 21)])  # FloatRule
    False
    >>> joinable_sentences("Он пришёл.Она ушла.", [(0, 10), (10, 19)])  # no space
    False
    """
    joining, numeric, _, _ = _rules()
    cursor = 0
    prev: str | None = None
    for a, b in spans:
        gap = text[cursor:a]
        if prev is not None and not gap:
            return False
        if gap and not gap.isspace():
            return False
        sent = text[a:b]
        if not sent or sent[0].isspace() or sent[-1].isspace():
            return False
        if prev is not None:
            # prev's last split (x|d) may read sent's first atom as right_2
            d = prev[-1]
            if len(prev) > 1 and not prev[-2].isspace() and (d in joining or d in numeric):
                tl, tr = atom_type(prev[-2]), atom_type(sent[0])
                if tr != "PUNCT" and (tl != "PUNCT" if d in joining else tl == "INT"):
                    return False
            # sent's first split (d|x) may read prev's last atom as left_2
            d = sent[0]
            if len(sent) > 1 and not sent[1].isspace() and (d in joining or d in numeric):
                tl, tr = atom_type(prev[-1]), atom_type(sent[1])
                if tl != "PUNCT" and tr != "PUNCT":
                    return False
        prev = sent
        cursor = b
    tail = text[cursor:]
    return not tail or tail.isspace()
