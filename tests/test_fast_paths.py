"""The annotators' and the storing's fast paths give what the plain computations give."""

from __future__ import annotations

import json
import random
from pathlib import Path

import numpy as np
import pytest

from framing import devices
from framing.codebook import Pattern, Word
from framing.nlp import _one_root, _sanitise_heads, segment_kind, sentence_rows

ROOT = Path(__file__).resolve().parents[1]


def _every_token(word, at):
    """The plain path of :func:`devices._positions`: every token is a candidate start."""
    return sorted({i for positions in at.values() for i in positions})


class _AlwaysQuoted:
    """Stands in for the quote openers: every sentence is searched for quotations."""

    @staticmethod
    def isdisjoint(other) -> bool:
        return False


@pytest.fixture(scope="module")
def examples_doc(annotate, codebook):
    """Every device's examples and near misses as paragraphs of one article."""
    texts = [t for d in codebook.devices for t in (*d.examples, *d.near_misses)]
    return annotate("\n\n".join(texts))


def test_indexed_pattern_starts_find_what_scanning_every_token_finds(
        examples_doc, matcher, monkeypatch):
    fast = [h.as_row() for h in matcher.match_doc(examples_doc)]
    assert len({h["device_id"] for h in fast}) > 20  # the examples exercise most devices
    monkeypatch.setattr(devices, "_positions", _every_token)
    monkeypatch.setattr(devices, "_QUOTE_OPENERS", _AlwaysQuoted())
    devices._MEMO[:] = [None, None, None]
    plain = [h.as_row() for h in matcher.match_doc(examples_doc)]
    assert fast == plain


def test_frame_hits_match_scanning_and_the_spacy_spans(annotate, lemmatizer, monkeypatch):
    from framing.frames import FrameCoder, load_frames
    from framing.lexmatch import norm

    coder = FrameCoder(load_frames(ROOT / "config" / "frames.yaml", lemmatizer), lemmatizer)
    spec = coder.spec
    texts = [t for e in (*spec.sv_items, *spec.mfc, *spec.entman) for t in e.examples]
    doc = annotate("\n\n".join(texts))
    fast, n_words = coder.hits(doc)
    assert len(fast) > 50
    for h in fast:  # offsets, text and lemmas are those of the spaCy span
        span = doc.char_span(h.start, h.end)
        assert (h.text, h.lemma) == (span.text, " ".join(norm(t.lemma_) for t in span))
        assert h.sentence == span.sent.text.strip()
        assert h.segment == segment_kind(doc, h.start)
    monkeypatch.setattr(devices, "_positions", _every_token)
    monkeypatch.setattr(devices, "_QUOTE_OPENERS", _AlwaysQuoted())
    devices._MEMO[:] = [None, None, None]
    assert coder.hits(doc) == (fast, n_words)


def test_lemma_positions_lists_each_token_once_per_form():
    F = frozenset
    toks = [("клинья", F({"клин", "клинья"}), "Клинья", "NOUN", 0, "ROOT"),
            (",", F({","}), ",", "PUNCT", 0, "punct"),
            ("клин", F({"клин"}), "клин", "NOUN", 0, "conj")]
    at = devices.lemma_positions(toks)
    assert at == {"клинья": [0], "клин": [0, 2], ",": [1]}
    assert devices._positions(Word(F({"клин", "тезис"})), at) == [0, 2]
    assert devices._positions(Word(F({"клинья", ","})), at) == [0, 1]
    assert devices._positions(Word(F({"тезис"})), at) == []


def _repeat_occurrences_plain(p: Pattern, words) -> dict[tuple[str, ...], list[int]]:
    """The repeat matcher's n-gram starts as first written: every test on every n-gram."""
    n = p.ngram
    occ: dict[tuple[str, ...], list[int]] = {}
    for i in range(len(words) - n + 1):
        gram = words[i:i + n]
        if not p.anaphora and len({w[2] for w in gram}) != 1:
            continue
        if p.anaphora and not gram[0][3]:
            continue
        if not any(w[1] in p.content_pos for w in gram):
            continue
        if p.ignore and any(w[0] in v.lemmas or not v.lemmas.isdisjoint(w[4])
                            for v in p.ignore for w in gram):
            continue
        occ.setdefault(tuple(w[0] for w in gram), []).append(i)
    return occ


@pytest.mark.parametrize("ngram", [1, 2])
@pytest.mark.parametrize("anaphora", [False, True])
@pytest.mark.parametrize("ignore", [(), (Word(frozenset({"b", "x"})),)])
def test_repeat_runs_agree_with_testing_every_ngram(ngram, anaphora, ignore):
    rng = random.Random(ngram * 10 + anaphora)
    lemmas, tags = "abc", ("NOUN", "VERB", "ADP")
    words, par = [], 0
    for i in range(400):
        par += rng.random() < 0.05
        lemma = rng.choice(lemmas)
        alts = frozenset({lemma, "x"} if rng.random() < 0.1 else {lemma})
        words.append((lemma, rng.choice(tags), par, i == 0 or rng.random() < 0.3, alts))
    p = Pattern("r#1", "repeat", (), window=6, ngram=ngram, times=3, anaphora=anaphora,
                content_pos=frozenset({"NOUN", "VERB"}), ignore=ignore)
    occ = devices._repeat_occurrences(p, words)
    assert occ == _repeat_occurrences_plain(p, words)
    found = devices._repeat_runs(p, words)
    assert found  # the random text repeats
    assert found == devices._group_runs(p, words, _repeat_occurrences_plain(p, words))


def _sanitise_heads_plain(heads: list[int]) -> list[int]:
    """Cycle breaking as first written: every chain followed to its end."""
    heads, root = _one_root(heads)
    for i in range(len(heads)):
        seen, j = set(), i
        while heads[j] != 0 and j not in seen:
            seen.add(j)
            j = heads[j] - 1
        if heads[j] != 0:
            heads[i] = root + 1
    return heads


def test_sanitised_heads_agree_with_following_every_chain():
    rng = random.Random(7)
    for _ in range(3000):
        n = rng.randint(0, 12)
        heads = [rng.randint(-1, n + 1) for _ in range(n)]
        assert _sanitise_heads(heads) == _sanitise_heads_plain(heads), heads


def _sentence_rows_plain(doc, aid: str) -> list[dict]:
    rows = []
    for n, s in enumerate(doc.sents):
        toks = [t for t in s if not t.is_space]
        if toks:
            rows.append({"article_id": aid, "sent": n, "start": toks[0].idx,
                         "end": toks[-1].idx + len(toks[-1].text),
                         "segment": segment_kind(doc, s.start_char),
                         "n_tokens": len(toks), "text": s.text.strip()})
    return rows


def test_sentence_rows_and_text_are_those_of_the_spacy_objects(annotate, sample_doc):
    from framing.docview import doc_text

    odd = annotate("  Он  сказал:\n\n«Нет!» — и ушёл.\u00a0\n\n Всё.  ")
    for doc in (odd, sample_doc):
        assert doc_text(doc) == doc.text
        assert sentence_rows(doc, "a") == _sentence_rows_plain(doc, "a")


def test_a_stored_result_is_the_json_of_the_plain_encoder(tmp_path):
    from framing.annotators import ArticleCache

    value = {"rows": [{"текст": "«Нет!»\n", "score": np.float64(0.25), "n": np.int64(3)}],
             "b": None, "a": [1.5, "x"]}
    cache = ArticleCache(tmp_path / "new", "devices")  # its folder is made on first use
    cache.put("k", value)
    plain = json.dumps(value, ensure_ascii=False, sort_keys=True,
                       default=lambda o: o.item())
    assert cache.path("k").read_bytes() == plain.encode("utf-8")
    assert cache.get("k") == json.loads(plain)
    assert [p.name for p in cache.dir.iterdir()] == ["k.json"]  # no temporary file left
