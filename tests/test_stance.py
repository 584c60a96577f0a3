"""Stance network: who evaluates whom."""

from __future__ import annotations

import pytest

from framing.actors import find_mentions
from framing.resources import default_path, load_sentiment_model
from framing.sentiment import load_lexicon, mention_sentiment
from framing.sentiment_model import Embeddings
from framing.stance import corpus_edges, stance_edges


@pytest.fixture(scope="module")
def lexicon():
    return load_lexicon(default_path("sentiment_lexicon.tsv"))


def _edges(annotate, registry, quote_finder, lexicon, text):
    doc = annotate(text)
    ms = find_mentions(doc, registry)
    qs = quote_finder.find(doc, ms)
    rows = mention_sentiment(doc, ms, qs, lexicon)  # lexicon: tests attribution, not the model
    return {(e.source, e.target, e.voice): e.polarity for e in stance_edges(doc, ms, qs, rows)}


def test_subject_of_predicate_is_the_source(annotate, registry, quote_finder, lexicon):
    edges = _edges(annotate, registry, quote_finder, lexicon,
                   "Лавров осудил агрессивный Вашингтон.")
    assert edges == {("Сергей Лавров", "США", "actor"): -1}


def test_quoted_speaker_is_the_source(annotate, registry, quote_finder, lexicon):
    edges = _edges(annotate, registry, quote_finder, lexicon,
                   "«Казахстан — наш надёжный партнёр», — заявил Путин.")
    assert edges == {("Владимир Путин", "Казахстан", "quoted"): 1}


def test_author_voice_otherwise(annotate, registry, quote_finder, lexicon):
    edges = _edges(annotate, registry, quote_finder, lexicon, "Агрессивный Вашингтон молчит.")
    assert edges == {("AUTHOR", "США", "author"): -1}


def test_sample_stance(sample_doc, sample_mentions, sample_quotes, lexicon):
    rows = mention_sentiment(sample_doc, sample_mentions, sample_quotes, lexicon,
                             load_sentiment_model(), Embeddings())
    edges = stance_edges(sample_doc, sample_mentions, sample_quotes, rows)
    pol = {}
    for e in edges:
        pol.setdefault((e.source, e.target), []).append(e.polarity)
    assert 1 in pol[("Касым-Жомарт Токаев", "Владимир Путин")]
    assert pol[("AUTHOR", "США")] == [-1]
    assert 1 in pol[("Владимир Путин", "Казахстан")]
    corpus = corpus_edges([e.as_row() for e in edges])
    us = next(c for c in corpus if c["source"] == "AUTHOR" and c["target"] == "США")
    assert us["polarity"] == -1 and us["n_articles"] == 1
