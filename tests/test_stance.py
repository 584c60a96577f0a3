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


def test_sample_stance(sample_doc, sample_mentions, sample_quotes, lexicon, expected):
    rows = mention_sentiment(sample_doc, sample_mentions, sample_quotes, lexicon,
                             load_sentiment_model(), Embeddings())
    edges = stance_edges(sample_doc, sample_mentions, sample_quotes, rows)
    pol: dict[tuple[str, str], int] = {}
    for e in edges:  # voices pooled
        pol[(e.source, e.target)] = pol.get((e.source, e.target), 0) + e.n_pos - e.n_neg
    for src, tgt in expected["stance"]["positive"]:
        assert pol.get((src, tgt), 0) > 0, (src, tgt, pol.get((src, tgt)))
    for src, tgt in expected["stance"]["negative"]:
        assert pol.get((src, tgt), 0) < 0, (src, tgt, pol.get((src, tgt)))
    for src, tgt in expected["stance"]["absent"]:
        assert (src, tgt) not in pol
    assert all(e.evidence for e in edges)
    corpus = corpus_edges([e.as_row() for e in edges])
    us = next(c for c in corpus if c["source"] == "AUTHOR" and c["target"] == "США")
    assert us["polarity"] == -1 and us["n_articles"] == 1


def test_naming_quote_is_the_subjects_evaluation(annotate, registry, quote_finder, lexicon):
    edges = _edges(annotate, registry, quote_finder, lexicon,
                   "Токаев встретился с Трампом и назвал американского лидера «великим "
                   "государственным деятелем».")
    assert edges == {("Касым-Жомарт Токаев", "Дональд Трамп", "actor"): 1}


def test_considered_label_inside_reported_speech(annotate, registry, quote_finder, lexicon):
    edges = _edges(annotate, registry, quote_finder, lexicon,
                   "Токаев отметил, что Путина считают «деятелем глобального масштаба».")
    assert edges == {("Касым-Жомарт Токаев", "Владимир Путин", "quoted"): 1}


def test_mis_attached_conjunct_takes_the_closest_subject(annotate, registry, quote_finder,
                                                         lexicon):
    text = ("Декларацию Путин и Токаев подписали после визита в США, где он встречался с "
            "Трампом и даже назвал последнего «великим государственным деятелем».")
    edges = _edges(annotate, registry, quote_finder, lexicon, text)
    assert edges.get(("Касым-Жомарт Токаев", "Дональд Трамп", "actor")) == 1


class _NoisyModel:
    """Always answers −1 with a small margin: stands for sentence-level model noise."""

    classes = [-1, 0, 1]

    def predict_one(self, feats):
        return -1, -0.05

    def top_features(self, feats, label, k=5):
        return []


def test_model_noise_makes_no_edge_and_strong_evidence_wins(annotate, registry, quote_finder,
                                                            lexicon):
    doc = annotate("Токаев встретился с Трампом. Токаев назвал Трампа великим и мудрым лидером.")
    ms = find_mentions(doc, registry)
    qs = quote_finder.find(doc, ms)
    rows = mention_sentiment(doc, ms, qs, lexicon, _NoisyModel(), None)
    trump = [r for r in rows if r.actor == "Дональд Трамп"]
    assert [(r.label, r.method) for r in trump] == [(-1, "model"), (1, "lexicon")]
    edges = {(e.source, e.target): e.polarity for e in stance_edges(doc, ms, qs, rows)}
    assert edges == {("Касым-Жомарт Токаев", "Дональд Трамп"): 1}


def test_voice_is_the_speaker_not_the_quote(annotate, registry, quote_finder, lexicon):
    # the nested quote is the same speaker's voice: its words evaluate «Казахстан»
    edges = _edges(annotate, registry, quote_finder, lexicon,
                   "«Казахстан — это „надежный союзник“», — заявил Путин.")
    assert edges == {("Владимир Путин", "Казахстан", "quoted"): 1}


def test_corpus_edges_keep_voices_and_evidence_of_each_article():
    rows = [
        {"article_id": "b", "source": "Сергей Лавров", "target": "США", "voice": "quoted",
         "n_pos": 0, "n_neg": 1, "evidence": "«США лгут», — сказал Лавров."},
        {"article_id": "a", "source": "Сергей Лавров", "target": "США", "voice": "actor",
         "n_pos": 0, "n_neg": 1, "evidence": "Лавров осудил США."},
        {"article_id": "a", "source": "AUTHOR", "target": "Китай", "voice": "author",
         "n_pos": 1, "n_neg": 0, "evidence": "Китай помог."},
    ]
    by = {(e["source"], e["target"]): e for e in corpus_edges(rows)}
    lavrov = by[("Сергей Лавров", "США")]
    assert (lavrov["n_articles"], lavrov["n_neg"], lavrov["polarity"]) == (2, 2, -1)
    assert lavrov["voices"] == "actor; quoted"
    assert lavrov["evidence"] == "[a] Лавров осудил США. | [b] «США лгут», — сказал Лавров."
    assert by[("AUTHOR", "Китай")]["evidence"] == "[a] Китай помог."
