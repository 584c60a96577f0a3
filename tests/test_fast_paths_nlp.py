"""The NLP stage's fast paths give what the plain computations give: lemmas scored from cached
readings, the Doc built by one ``from_array``, spaCy's ``like_num`` with a set."""

from __future__ import annotations

import json
import random

import pytest

from framing.lemmas import _CASE, _GENDER, _NUMBER, _UD_COMPAT, _ud_pos
from framing.nlp import _like_num, blank_vocab, make_doc

_TAGS = ["NOUN", "PROPN", "ADJ", "VERB", "AUX", "DET", "PRON", "SCONJ", "ADP", "NUM", "PUNCT",
         "SYM", "X", ""]
_FEATS = ["", "Case=Nom", "Case=Gen|Gender=Fem|Number=Sing", "Case=Acc|Number=Plur",
          "Animacy=Anim|Case=Nom|Gender=Masc|Number=Sing", "Gender=Neut|Number=Sing",
          "Case=Loc|Number=Plur|Case=Dat", "Aspect=Perf|Mood=Ind|Number=Sing|Tense=Past"]


def _lemma_plain(lem, word: str, pos: str = "", feats: str = "") -> str:
    """The lemma as first written: every parse's grammemes scanned per call."""
    w = word.lower().replace("ё", "е")
    if not any(ch.isalpha() for ch in w):
        return w
    if pos in {"PUNCT", "SYM", "NUM"} and not w.isalpha():
        return w
    parses = lem.morph.parse(w)
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
        return w
    return best.normal_form.replace("ё", "е")


def _alternatives_plain(lem, word: str, pos: str, lemma: str) -> frozenset[str]:
    w = word.lower().replace("ё", "е")
    out = {lemma, w}
    for p in lem.morph.parse(w):
        ud = _ud_pos(p)
        if ud == pos or ud in _UD_COMPAT.get(pos, ()):
            out.add(p.normal_form.replace("ё", "е"))
    return frozenset(out)


def _candidates_plain(lem, word: str) -> frozenset[str]:
    w = word.lower().replace("ё", "е")
    return frozenset(p.normal_form.replace("ё", "е") for p in lem.morph.parse(w)) | {w}


def _dev_texts(shared, n: int) -> list[str]:
    path = shared / "corpora" / "ru-news-dev" / "ru_news_dev.jsonl"
    with path.open(encoding="utf-8") as f:
        return [json.loads(line)["text"] for _, line in zip(range(n), f, strict=False)]


def test_lemmas_and_alternatives_from_cached_readings_are_those_of_every_parse(
        sample_doc, annotate, lemmatizer):
    odd = annotate("Токаев и Путина встретили 5-го ½ клинья, «ООО» Ёлкин 3D-принтер ×2 𗀀.")
    rng = random.Random(11)
    seen = 0
    for doc in (sample_doc, odd):
        for t in doc:
            cases = [(t.text, t.pos_, str(t.morph))]
            cases += [(t.text, rng.choice(_TAGS), rng.choice(_FEATS)) for _ in range(3)]
            for word, pos, feats in cases:
                lemma = lemmatizer._lemma(word, pos, feats)
                assert lemma == _lemma_plain(lemmatizer, word, pos, feats), (word, pos, feats)
                assert lemmatizer._alternatives(word, pos, lemma) == \
                    _alternatives_plain(lemmatizer, word, pos, lemma), (word, pos)
                seen += 1
            assert lemmatizer._candidates(t.text) == _candidates_plain(lemmatizer, t.text)
    assert seen > 2000


def test_like_num_is_spacys(sample_doc, shared):
    from spacy.lang.ru.lex_attrs import _num_words, like_num

    words = {t.text for t in sample_doc} | set(_num_words) | {w.upper() for w in _num_words}
    for text in _dev_texts(shared, 60):
        words.update(text.split())
    words |= {"", "+", "-5", "±3,5%", "~10", "1/2", "1//2", "/", "12.5.", "XIV", "-тысяча%"}
    assert len(words) > 5000
    assert sum(map(_like_num, words)) > 1000
    for w in words:
        assert _like_num(w) == like_num(w), w


def _annotations(doc) -> dict:
    return {"words": [t.text for t in doc], "spaces": [bool(t.whitespace_) for t in doc],
            "pos": [t.pos_ for t in doc], "morphs": [str(t.morph) for t in doc],
            "lemmas": [t.lemma_ for t in doc], "heads": [t.head.i for t in doc],
            "deps": [t.dep_ for t in doc],
            "ents": [t.ent_iob_ + ("-" + t.ent_type_ if t.ent_type_ else "") for t in doc]}


def _doc_bytes(doc) -> bytes:
    from spacy.tokens import DocBin

    db = DocBin(store_user_data=True)
    db.add(doc)
    return db.to_bytes()


def _same_doc(a, b) -> None:
    from spacy.attrs import IDS

    assert _doc_bytes(a) == _doc_bytes(b)
    attrs = sorted(IDS.values())
    assert (a.to_array(attrs) == b.to_array(attrs)).all()
    assert [(s.start, s.end) for s in a.sents] == [(s.start, s.end) for s in b.sents]
    assert _ents(a) == _ents(b)


def _ents(doc) -> list | str:
    try:
        return [(e.start, e.end, e.label_) for e in doc.ents]
    except ValueError as e:  # spaCy takes an I tag first but has no entity for it
        return str(e)


def test_doc_from_one_array_is_spacys_doc(sample_doc, annotate, nlp):
    from spacy.tokens import Doc

    odd = annotate("  Он  сказал:\n\n«Нет!» — и ушёл.\u00a0\n\n Всё.  ")
    for doc in (sample_doc, odd):
        a = _annotations(doc)
        assert "SPACE" in a["pos"] and any(e.startswith("B-") for e in a["ents"]) or doc is odd
        # a fresh vocab, and the NLP's own (after other articles): the same Doc
        for vocab in (blank_vocab(), nlp.vocab):
            _same_doc(make_doc(vocab, **a), Doc(blank_vocab(), **a))
    # tags spaCy repairs or rejects: it builds the Doc
    a = {"words": ["Иван", "Петров", "в", "Москве", "."], "spaces": [True, True, True, False,
                                                                   False],
         "pos": ["PROPN", "PROPN", "ADP", "PROPN", "PUNCT"], "morphs": [""] * 5,
         "lemmas": ["иван", "петров", "в", "москва", "."], "heads": [0, 0, 3, 0, 0],
         "deps": ["ROOT", "flat:name", "case", "nmod", "punct"]}
    for ents in (["I-PER", "I-PER", "O", "B-LOC", "O"], ["O", "I-PER", "O", "I-LOC", "O"],
                 ["B-PER", "I-LOC", "O", "B-LOC", "O"], ["B-PER", "I-PER", "O", "B-LOC", "I-LOC"]):
        _same_doc(make_doc(blank_vocab(), **a, ents=ents), Doc(blank_vocab(), **a, ents=ents))
    with pytest.raises(ValueError, match="E1021"):
        make_doc(blank_vocab(), **{**a, "pos": ["PROPN", "BAD", "ADP", "PROPN", "PUNCT"]},
                 ents=["O"] * 5)
    empty = {k: [] for k in a}
    _same_doc(make_doc(blank_vocab(), **empty, ents=[]), Doc(blank_vocab(), **empty, ents=[]))


def test_an_articles_doc_does_not_depend_on_what_was_annotated_before(nlp, shared):
    from framing.ingest import parse_text

    texts = _dev_texts(shared, 4)
    first = nlp(parse_text(texts[3], "a", "a.txt"))
    for t in texts[:3]:
        nlp(parse_text(t, "b", "b.txt"))
    again = nlp(parse_text(texts[3], "a", "a.txt"))
    cold = make_doc(blank_vocab(), **_annotations(first))
    cold.user_data.update(first.user_data)
    _same_doc(again, first)
    _same_doc(again, cold)


def _doc_view_plain(doc) -> dict:
    """The view's token lists as first read: one spaCy ``Token`` per token."""
    from framing.lexmatch import norm

    return {"text": [t.text for t in doc], "lower": [t.lower_ for t in doc],
            "lemma": [norm(t.lemma_) for t in doc], "pos": [t.pos_ for t in doc],
            "dep": [t.dep_ for t in doc], "idx": [t.idx for t in doc],
            "ent_type": [t.ent_type_ for t in doc], "is_punct": [t.is_punct for t in doc],
            "is_space": [t.is_space for t in doc], "norm": [norm(t.text) for t in doc],
            "head": [t.head.i for t in doc]}


def test_doc_view_reads_what_the_tokens_give(sample_doc, annotate):
    from spacy.tokens import Doc

    from framing.docview import DocView

    odd = annotate("  Он  сказал:\n\n«Нет!» — и ушёл.\u00a0\n\n Всё, Ёлкин?  ")
    bare = Doc(blank_vocab(), words=["Слово", "ЁЖ", "!"])  # no annotations: empty strings
    for doc in (sample_doc, odd, bare, Doc(blank_vocab(), words=[])):
        v, plain = DocView(doc), _doc_view_plain(doc)
        for name, values in plain.items():
            got = getattr(v, name)
            assert got == values, name
            assert [type(x) for x in got] == [type(x) for x in values], name
    assert any(DocView(sample_doc).ent_type) and any(DocView(odd).is_space)


def test_chunks_whose_atoms_razdel_never_joins_are_tokenised_as_razdel_does(shared):
    from razdel import tokenize as razdel_tokenize

    from framing.razdel_tokens import _chunk_tokens, _never_joined, _rules

    chunks = {c for text in _dev_texts(shared, 150) for c in text.split()}
    rng = random.Random(5)
    alphabet = "аяЁzQ09.,/\\-–_!?…:;()«»\"'*%+=@#$^&~`|<>[]{}№ΔЖ ︎😀"
    chunks |= {"".join(rng.choice(alphabet) for _ in range(rng.randint(2, 7))).replace(" ", "")
               for _ in range(8000)}
    chunks |= {"yahoo!", "Yahoo!", ":-)", ";)", "--", "**", "...", "?!", "5.3", "5./3", "a_b"}
    chunks.discard("")
    fast = 0
    for chunk in sorted(chunks):
        atoms = [(m.start(), m.group(), m.lastgroup) for m in _rules()[2].finditer(chunk)]
        fast += len(atoms) > 1 and _never_joined(atoms, *_rules()[:2])
        # the characters across the whitespace on either side, if any
        for before, after in [("", ""), *((rng.choice("5аz.,-/!Δ«"), rng.choice("7яQ.,-/!Δ»"))
                                          for _ in range(2)), ("1", "2"), ("", "3"), ("4", "")]:
            pre, post = before + " " if before else "", " " + after if after else ""
            toks = list(razdel_tokenize(pre + chunk + post))
            toks = toks[1 if before else 0:len(toks) - 1 if after else len(toks)]
            assert _chunk_tokens(chunk, before, after) == \
                tuple((t.start - len(pre), t.text) for t in toks), (before, chunk, after)
    assert fast > 5000
