"""Property-based tests (hypothesis): ingest never crashes on arbitrary input and its segment
offsets always index the article text; NLP token and sentence offsets index the original text;
codebook pattern compilation raises only ResourceError, with a message."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from framing.ingest import (
    Article,
    IngestError,
    Rejected,
    decode_report,
    normalise,
    parse_text,
    read_path,
)
from framing.yamlio import ResourceError

# Text that looks like news often enough to get past the checks, and anything at all otherwise.
WORDS = st.sampled_from(["Москва", "заявил", "«Цитата»", "—", "Реклама", "Фото: ТАСС", " date ",
                         "2025-01-02", "\n", "\n\n", "\r\n", " ", "\t", "\u00a0", "\u200b",
                         "\ufeff", "e\u0301", "ё", "A", ".", "!", "…", "🙂", "\u2028", "\x00"])
NEWSISH = st.lists(WORDS, max_size=40).map("".join)
ANY_TEXT = st.one_of(st.text(max_size=300), NEWSISH,
                     st.tuples(NEWSISH, st.text(max_size=60), NEWSISH).map("".join))

# Derandomised (the same examples every run, as CI should be) and no example database on disk.
FIXED = {"deadline": None, "derandomize": True, "database": None}
FAST = settings(max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture],
                **FIXED)


def _check_article(a: Article) -> None:
    assert a.text == normalise(a.text)
    assert a.segments and any(s.kind == "prose" for s in a.segments)
    prev_end = -1
    for s in a.segments:
        assert a.text[s.start:s.end] == s.text and s.text
        assert s.start > prev_end
        prev_end = s.end
    a.text.encode("utf-8")
    a.title.encode("utf-8")
    assert Article.from_dict(json.loads(a.to_json())) == a


@FAST
@given(text=ANY_TEXT, title=st.text(max_size=30), date=st.text(max_size=12))
def test_parse_text_offsets_index_the_text(text, title, date):
    try:
        a = parse_text(text, "x", "x.txt", title=title, date=date)
    except IngestError as exc:
        assert str(exc).startswith("x.txt: ")
        return
    _check_article(a)
    assert a.date == "" or len(a.date) == 10


@FAST
@given(data=st.one_of(st.binary(max_size=400),
                      ANY_TEXT.map(lambda t: t.encode("utf-8", "surrogatepass")),
                      NEWSISH.map(lambda t: t.encode("cp1251", "replace")),
                      NEWSISH.map(lambda t: t.encode("utf-16"))))
def test_decode_never_crashes(data):
    try:
        text, enc, warnings = decode_report(data, "f.txt")
    except IngestError as exc:
        assert str(exc).startswith("f.txt: ")
        return
    assert isinstance(text, str) and enc
    assert all(w.startswith("f.txt: ") for w in warnings)


@pytest.mark.parametrize("suffix", [".txt", ".jsonl", ".csv", ".html"])
@settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture], **FIXED)
@given(data=st.one_of(st.binary(max_size=300), ANY_TEXT.map(str.encode),
                      st.lists(st.dictionaries(st.sampled_from(["id", "title", "date", "text",
                                                                "url", "source"]),
                                               st.one_of(ANY_TEXT, st.integers(), st.none()),
                                               max_size=6), max_size=4)
                      .map(lambda rs: "\n".join(json.dumps(r) for r in rs).encode())))
def test_read_path_never_crashes(tmp_path, suffix, data):
    p = tmp_path / f"in{suffix}"
    p.write_bytes(data)
    for item in read_path(p):
        if isinstance(item, Rejected):
            assert item.error.startswith(f"in{suffix}")
            assert "could not be read" not in item.error, item.error  # no unexpected exception
        else:
            _check_article(item)


@settings(max_examples=25, **FIXED)
@given(text=st.lists(st.sampled_from(["Путин", "встретился", "с", "Токаевым", "в", "Кремле",
                                      ".", "«", "»", "—", "2025", "г.", "т.", "е.", "США",
                                      "Hello", "🙂", "e\u0301", "...", "?!", " ", "  ", "\t",
                                      "𗀀",  # a letter without a Unicode name: pymorphy3 raised
                                      "\n", "\n\n", "\u2028"]), min_size=1, max_size=40)
       .map(" ".join))
def test_nlp_offsets_index_the_original_text(nlp, text):
    try:
        art = parse_text(text, "x", "x.txt")
    except IngestError:
        return
    doc = nlp(art)
    assert doc.text == art.text
    for tok in doc:
        assert art.text[tok.idx:tok.idx + len(tok.text)] == tok.text
    for sent in doc.sents:
        assert art.text[sent.start_char:sent.end_char] == sent.text
    for ent in doc.ents:
        assert art.text[ent.start_char:ent.end_char] == ent.text


SCALAR = st.one_of(st.text(max_size=20), st.integers(-3, 40), st.booleans(), st.none(),
                   st.floats(allow_nan=True))
VALUE = st.recursive(SCALAR, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                     st.dictionaries(st.text(max_size=8), inner,
                                                                     max_size=3)),
                     max_leaves=8)
PATTERN = st.one_of(
    VALUE,
    st.dictionaries(st.sampled_from(["phrase", "near", "dep", "window", "rel", "pos", "case",
                                     "not_near", "LEMA"]), VALUE, max_size=4),
    st.builds(lambda k, ws: {k: ws}, st.sampled_from(["near", "dep"]),
              st.lists(st.text(max_size=12), max_size=4)),
    st.builds(lambda w: {"phrase": w}, st.text(max_size=30)),
)


@settings(max_examples=300, **FIXED)
@given(raw=PATTERN)
def test_pattern_compilation_raises_only_resource_errors(lemmatizer, raw):
    from framing.codebook import Pattern, _compile_pattern

    try:
        pat = _compile_pattern(raw, "d#1", "cb.yaml, line 3, device 'd': pattern 1", lemmatizer)
    except ResourceError as exc:
        assert str(exc).startswith("cb.yaml, line 3, device 'd': pattern 1: ")
        return
    assert isinstance(pat, Pattern) and pat.words


@settings(max_examples=150, **FIXED)
@given(text=st.one_of(st.text(max_size=200),
                      st.lists(st.sampled_from(["devices:", "categories:", "  - id: d", "  m:",
                                                "    label: {ru: а, en: a}", "    category: m",
                                                "    definition: x", "    patterns:",
                                                "      - phrase: клин", "      - dep: [a]",
                                                "      - {near: [a, b], LEMA: 1}", "  - 1",
                                                "? [a]\n: b", "*x", "&a b", "!!python/object:x",
                                                "\t", "x: [", "version: 2"]),
                               max_size=14).map("\n".join)))
def test_codebook_yaml_errors_are_resource_errors(lemmatizer, text):
    from framing.codebook import parse_codebook
    from framing.yamlio import load_yaml_text

    try:
        parse_codebook(load_yaml_text(text, "cb.yaml"), "cb.yaml", lemmatizer)
    except ResourceError as exc:
        assert str(exc).startswith("cb.yaml")
