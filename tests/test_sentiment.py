"""Sentiment toward actors: lexicon, negation, neighbourhood, aggregation."""

from __future__ import annotations

import pytest

from framing.actors import find_mentions
from framing.sentiment import aggregate, bootstrap_ci, load_lexicon, mention_sentiment
from framing.yamlio import ResourceError


@pytest.fixture(scope="module")
def lexicon(root):
    return load_lexicon(root / "config" / "sentiment_lexicon.tsv")


def _score(annotate, registry, lexicon, text, actor):
    doc = annotate(text)
    ms = find_mentions(doc, registry)
    rows = mention_sentiment(doc, ms, [], lexicon)
    return [r for r in rows if r.actor == actor]


@pytest.mark.parametrize("text,actor,label", [
    ("Надёжный партнёр Казахстан поддержал инициативу.", "Казахстан", 1),
    ("Агрессивный Вашингтон ввёл новые санкции.", "США", -1),
    ("Казахстан не поддержал агрессию.", "Казахстан", -1),  # negated support
    ("Это не может не радовать Кремль.", "Россия", 1),      # double negation
    ("Россия провела заседание.", "Россия", 0),
    ("Токаев назвал Трампа великим деятелем.", "Дональд Трамп", 1),
    ("Токаев назвал Трампа «великим государственным деятелем».", "Дональд Трамп", 1),
    ("Добрососедство выгоднее обещаний Вашингтона.", "США", -1),  # loser of a comparison
    ("Путина считают деятелем глобального масштаба.", "Владимир Путин", 1),  # lexicon phrase
])
def test_mention_labels(annotate, registry, lexicon, text, actor, label):
    rows = _score(annotate, registry, lexicon, text, actor)
    assert rows and rows[0].label == label, (text, rows)


def test_evidence_words_kept(annotate, registry, lexicon):
    (r,) = _score(annotate, registry, lexicon, "Агрессивный Вашингтон ввёл санкции.", "США")
    assert "Агрессивный" in r.evidence


def test_sample_us_negative_in_author_voice(sample_doc, sample_mentions, sample_quotes, root):
    lex = load_lexicon(root / "config" / "sentiment_lexicon.tsv")
    rows = mention_sentiment(sample_doc, sample_mentions, sample_quotes, lex)
    agg = aggregate(rows, {(m.article_id, m.mention_id): m.actor_type for m in sample_mentions})
    us = next(a for a in agg if a["actor"] == "США" and a["voice"] == "AUTHOR")
    assert us["n_neg"] >= 2 and us["n_pos"] == 0 and us["mean_label"] < 0
    voices = {a["voice"] for a in agg if a["actor"] == "Казахстан"}
    assert {"ALL", "AUTHOR", "Владимир Путин"} <= voices


def test_bootstrap_is_deterministic_and_brackets_mean():
    vals = [1, 0, 0, -1, 1, 1, 0]
    a = bootstrap_ci(vals, seed=7)
    assert a == bootstrap_ci(vals, seed=7)
    assert a[0] <= sum(vals) / len(vals) <= a[1]


def test_lexicon_errors(tmp_path):
    p = tmp_path / "lex.tsv"
    p.write_text("lemma\tpolarity\tweight\nхороший\t2\t1\n", encoding="utf-8")
    with pytest.raises(ResourceError, match="row 2"):
        load_lexicon(p)
    p.write_text("word\tscore\n", encoding="utf-8")
    with pytest.raises(ResourceError, match="header"):
        load_lexicon(p)


def test_tree_context_is_computed_once_and_handed_out_as_a_copy(annotate):
    from framing.sentiment import _tree_context, naming_complement, neighbourhood

    doc = annotate("Токаев назвал Трампа великим и мудрым лидером.")
    k = next(t.i for t in doc if t.text == "Трампа")
    dist, label = _tree_context(doc, k, k + 1)
    assert dist == neighbourhood(doc, k, k + 1) and label == naming_complement(doc, k, k + 1)
    assert label  # «великим … лидером»
    dist.clear()
    assert _tree_context(doc, k, k + 1)[0] == neighbourhood(doc, k, k + 1)


def test_evidence_spans_cached_per_mention_equal_a_fresh_computation(
        sample_doc, sample_mentions, sample_quotes, lexicon):
    from framing import sentiment
    from framing.sentiment import _voice_index, evidence_spans

    doc, ms = sample_doc, sample_mentions
    voice_of = _voice_index(doc, sample_quotes)
    toks = {i for m in ms for i in range(m.tok_start, m.tok_end)}

    def both(m, lex=lexicon):  # the voiced score of the annotator, the plain one of features
        own = set(range(m.tok_start, m.tok_end))
        return (evidence_spans(doc, m.tok_start, m.tok_end, lex, toks - own, voice_of,
                               voice_of.get(m.tok_start, -1)),
                evidence_spans(doc, m.tok_start, m.tok_end, lex))

    cached = [both(m) for m in ms]
    fresh = []
    for m in ms:
        sentiment._CONTEXT.doc = None
        fresh.append(both(m))
    assert cached == fresh
    assert sum(bool(plain[1]) for _, plain in cached) >= 5  # evidence was found
    # a mention's own tokens are never its candidates (mention_sentiment relies on it)
    for m in ms:
        _, cands = sentiment._candidates(doc, m.tok_start, m.tok_end, lexicon)
        assert not any(m.tok_start <= c[0] < m.tok_end for c in cands)
    assert any(voiced != plain for voiced, plain in cached)  # voices and mentions tell
    # another lexicon (or the same one changed) is not answered from the cache
    assert all(both(m, {}) == ((0.0, []), (0.0, [])) for m in ms)
    small = dict(lexicon)
    assert [both(m, small) for m in ms] == cached
    small.clear()
    assert all(both(m, small) == ((0.0, []), (0.0, [])) for m in ms)


def test_aggregate_means_and_intervals_are_numpys():
    import math
    import random

    import numpy as np

    from framing.sentiment import MentionSentiment

    rnd = random.Random(3)
    rows = [MentionSentiment("a", k, rnd.choice(["X", "Y", "Z"]), rnd.choice(["AUTHOR", "Q"]),
                             rnd.choice([-0.0, 0.0, 0.25, -0.5, 0.1234, 1.0]),
                             rnd.choice([-1, 0, 1]), "") for k in range(60)]
    rows.append(MentionSentiment("a", 60, "W", "AUTHOR", -0.0, 0, ""))  # alone in its groups
    for g in aggregate(rows, {}):
        rs = [r for r in rows if r.actor == g["actor"] and g["voice"] in ("ALL", r.voice)]
        labels = [r.label for r in rs]
        assert g["mean_label"] == round(float(np.mean(labels)), 4)
        plain = round(float(np.mean([r.score for r in rs])), 4)
        assert g["mean_score"] == plain and math.copysign(1, g["mean_score"]) == math.copysign(
            1, plain)
        vals = np.asarray(labels, dtype=float)
        if (vals == vals[0]).all():
            assert (g["ci_low"], g["ci_high"]) == (vals[0], vals[0])
    assert math.copysign(1, next(g for g in aggregate(rows, {}) if g["actor"] == "W")[
        "mean_score"]) == 1.0  # np.mean of -0.0 alone is 0.0
