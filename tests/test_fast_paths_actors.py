"""The actors' and quotes' fast paths give what the plain Token-by-Token code gives.

Each test writes the plain version (as the code read before it was made faster) and compares
it with the fast path on sentences written here.
"""

from __future__ import annotations

import random

import pytest

from framing.actors import _first_name_parse, _nominative, _to_nominative, normal_form
from framing.docview import doc_view
from framing.lexmatch import norm
from framing.quotes import _guillemet_spans

TEXTS = [
    "Путин и Токаев по ВКС обратились к участникам форума. ВКС России нанесли удар.",
    "«Мы не согласны, — заявил Нина Зорыч.  — Это провокация».\n\nПо словам Лаврова, "
    "переговоры  продолжатся.\nСогласно источнику в Кремле, визит готовится. ",
    "Марат Шибутов, эксперт Международного института социологии, считает, что Казахстан "
    "выиграет. Мишель Обама и Даниил Медведев выступили в формате ВКС.",
    "Президент Казахстана Касым-Жомарт Токаев поддержал своего российского коллегу.\n"
    "«Сотрудничество, — сказал он, — „стратегическое“».",
]


@pytest.fixture(scope="module")
def docs(annotate):
    return [annotate(t) for t in TEXTS]


def _plain_guillemet_spans(text: str) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    depth, start = 0, -1
    for i, ch in enumerate(text):
        if ch == "\n" and depth > 0:
            nxt = text[i:].lstrip()
            para = nxt.split("\n", 1)[0]
            close, reopen = para.find("»"), para.find("«")
            if not nxt.startswith("«") and not (close >= 0 and (reopen < 0 or close < reopen)):
                spans.append((start, len(text[:i].rstrip())))
                depth = 0
            continue
        if ch == "«" or (ch == "„" and depth > 0):
            if depth > 0 and ch == "«" and text[max(0, i - 2):i] == "\n\n":
                continue
            if depth == 0:
                start = i + 1
            depth += 1
        elif ch in "»“" and depth > 0:
            if ch == "“" and depth == 1:
                continue
            depth -= 1
            if depth == 0:
                spans.append((start, i))
    return spans


def test_guillemet_spans_as_the_character_loop():
    texts = [*TEXTS, "«Один.\n\n«Два».\nТри» — сказал он.", "«Открыта\n  \nи» «„вложена“»",
             "«Без конца\nабзац. «Новая» цитата", "«“английская” внутри»", "\n«\n»\n"]
    rnd = random.Random(6)
    alphabet = "аб «»„“\n\n \t."
    texts += ["".join(rnd.choice(alphabet) for _ in range(rnd.randint(0, 30)))
              for _ in range(3000)]
    for t in texts:
        assert _guillemet_spans(t) == _plain_guillemet_spans(t), t


def test_reporting_verbs_from_the_view_as_type_of(docs, quote_finder):
    verbs = quote_finder.verbs
    seen = 0
    for doc in docs:
        lemmas = doc_view(doc).lemma
        for tok in doc:
            assert verbs.table.get(lemmas[tok.i], "") == verbs.type_of(tok)
            seen += bool(verbs.type_of(tok))
    assert seen >= 3  # заявил, сказал, считает are reporting verbs


def test_not_actor_context_from_the_view_as_from_tokens(docs, registry):
    def plain(ent) -> bool:
        for phrase in registry.vocabulary.not_actor_contexts:
            start = ent.end - len(phrase)
            if 0 <= start <= ent.start and all(
                    w in (norm(t.text), norm(t.lemma_))
                    for w, t in zip(phrase, ent.doc[start:ent.end], strict=True)):
                return True
        return False

    verdicts = [(ent.text, plain(ent)) for doc in docs for ent in doc.ents]
    assert [(ent.text, registry._in_not_actor_context(ent))
            for doc in docs for ent in doc.ents] == verdicts
    assert ("ВКС", True) in verdicts


def _plain_to_nominative(tok, lemmatizer, plural: bool, gender: list[str]) -> str:
    from framing.actors import _GENDER, _recase

    text = tok.text
    if tok.morph.get("Case") == ["Nom"]:
        return text
    if tok.pos_ == "ADJ" or (tok.pos_ == "NOUN" and not plural):
        target = {"nomn", "plur"} if plural else {"nomn"}
        if tok.pos_ == "ADJ" and not plural and gender and gender[0] in _GENDER:
            target |= {"sing", _GENDER[gender[0]]}
        for p in lemmatizer.morph.parse(text.lower()):
            if p.normal_form.replace("ё", "е") == tok.lemma_ or tok.pos_ == "ADJ":
                form = p.inflect(target)
                if form:
                    return _recase(form.word, text)
    return _recase(tok.lemma_, text)


def test_cached_nominative_as_plain(docs, lemmatizer):
    n = 0
    for doc in docs:
        for tok in doc:
            for plural in (False, True):
                for gender in ([], ["Masc"], ["Fem"], ["Neut"]):
                    want = _plain_to_nominative(tok, lemmatizer, plural, gender)
                    assert _to_nominative(tok, lemmatizer, plural, gender) == want
                    n += want != tok.text
    assert n > 50 and _nominative.cache_info().hits > 0
    names = {normal_form(ent, lemmatizer) for doc in docs for ent in doc.ents}
    assert {"Лавров", "Международный институт социологии"} <= names


def test_cached_first_name_parse_as_plain(docs, registry):
    def plain(tok):
        if not tok.text[:1].isupper():
            return None
        parses = registry.lemmatizer.morph.parse(tok.text)
        return parses[0] if parses and "Name" in parses[0].tag else None

    firsts = []
    for doc in docs:
        for tok in doc:
            for _ in range(2):  # the second time from the cache
                assert _first_name_parse(tok, registry) == plain(tok)
            if plain(tok) is not None:
                firsts.append(tok.text)
    assert {"Нина", "Марат", "Мишель", "Даниил"} <= set(firsts)


def _plain_straight_spans(text: str, taken: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    pos = 0
    for para in text.split("\n"):
        marks = [pos + i for i, ch in enumerate(para) if ch == '"'
                 and not any(a <= pos + i < b for a, b in taken)]
        pos += len(para) + 1
        if not marks or len(marks) % 2:
            continue
        pairs = list(zip(marks[::2], marks[1::2], strict=True))
        if all(o + 1 < c and not text[o + 1].isspace() and not text[c - 1].isspace()
               and (o == 0 or not text[o - 1].isalnum()) for o, c in pairs):
            out.extend((o + 1, c) for o, c in pairs)
    return out


def test_straight_spans_as_the_scan_of_every_quote():
    from framing.quotes import _straight_spans, quote_spans

    texts = ['Он сказал: "Это «план»".\nНо "непарная', '«А "б" в» и "г" «"д"»', '"""', '""']
    rnd = random.Random(8)
    texts += ["".join(rnd.choice('аб «»"\n .') for _ in range(rnd.randint(0, 30)))
              for _ in range(3000)]
    found = 0
    for t in texts:
        taken = _guillemet_spans(t)
        straight = _plain_straight_spans(t, taken)
        assert _straight_spans(t, taken) == straight, t
        found += bool(straight)
        plain = taken if '"' not in t or not straight else sorted(
            [sp for sp in taken if not any(a <= sp[0] and sp[1] <= b for a, b in straight)]
            + straight)
        assert quote_spans(t) == plain, t
    assert found > 100


def test_mentions_offsets_and_text_from_the_view_as_from_spans(docs, registry):
    from framing.actors import find_mentions

    n = 0
    for doc in docs:
        for m in find_mentions(doc, registry):
            span = doc[m.tok_start:m.tok_end]
            assert (m.text, m.start, m.end) == (span.text, span.start_char, span.end_char)
            n += 1
    assert n >= 10
