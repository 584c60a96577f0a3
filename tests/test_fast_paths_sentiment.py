"""The sentiment annotator's fast paths give, bit for bit, what the plain computation gives.

Each test writes the plain version (as the code read before it was made faster) and compares
it with the fast path on sentences written here.
"""

from __future__ import annotations

import numpy as np
import pytest

TEXTS = [
    "Лавров резко раскритиковал Вашингтон за провокации и ложь. Путин тепло поздравил "
    "Токаева, а Минск и Киев промолчали. Трамп прибыл в Пекин.",
    "«Москва — надёжный партнёр, — заявил Токаев. — Неслыханноеслово qzx!»\n\nПо словам "
    "Лаврова, переговоры  продолжатся.",
    "Эксперты не считают Байдена сильным лидером, хотя Европа его поддерживает.",
]


@pytest.fixture(scope="module")
def docs(annotate):
    return [annotate(t) for t in TEXTS]


@pytest.fixture(scope="module")
def emb():
    from framing.sentiment_model import Embeddings

    return Embeddings()


@pytest.fixture(scope="module")
def article(docs, emb, registry):
    """The packaged model and the features of every mention of the texts."""
    from framing.actors import find_mentions
    from framing.resources import default_path, load_sentiment_model
    from framing.sentiment import _TAG, load_lexicon
    from framing.sentiment_model import mention_features

    model = load_sentiment_model()
    lex = load_lexicon(default_path("sentiment_lexicon.tsv"))
    feats = []
    for doc in docs:
        for m in find_mentions(doc, registry):
            feats.append(mention_features(doc, m.tok_start, m.tok_end, lex,
                                          _TAG.get(m.actor_type, ""), emb, m.start > 40))
    assert len(feats) >= 12
    return model, feats


def _plain_decision_batch(model, X):
    get = model._index.get
    idx, val, cnt = [], [], []
    for feats in X:
        n0 = len(idx)
        for k, v in feats.items():
            i = get(k)
            if i is not None and v:
                idx.append(i)
                val.append(v)
        cnt.append(len(idx) - n0)
    z = np.tile(model._b, (len(X), 1))
    if idx:
        n = np.asarray(cnt)
        some = n > 0
        rows = np.asarray(val)[:, None] * model._rows[idx]
        z[some] += np.add.reduceat(rows, (np.cumsum(n) - n)[some], axis=0)
    with_dense = [r for r, x in enumerate(X) if getattr(x, "dense", None) is not None]
    if model._dense is not None and with_dense:
        z[with_dense] += np.stack([X[r].dense for r in with_dense]) @ model._dense.T
    return z


def _plain_top_features(model, feats, label, k=5):
    from framing.sentiment_model import _DENSE

    coef = model.coef[model.classes.index(label)]
    contrib = []
    for name, val in feats.items():
        i = model._index.get(name)
        if i is not None and val and not (name[:1] in "es" and _DENSE.match(name)):
            contrib.append((coef[i] * val, name))
    contrib.sort(reverse=True)
    return [n for w, n in contrib[:k] if w > 0]


def test_decision_batch_equals_the_plain_sum_bit_for_bit(article):
    model, feats = article
    odd = [dict(feats[0]), {}, {"no such feature": 1.0, "lex:score": 0.0}, {"lex:score": 2}]
    for X in (feats, feats[3:4], odd, odd[1:3], odd + feats):
        got, ref = model.decision_batch(X), _plain_decision_batch(model, X)
        assert np.array_equal(got.view(np.int64), ref.view(np.int64))
    assert model.decision_batch([]).shape == (0, len(model.classes))


def test_top_features_equal_the_plain_ranking(article):
    model, feats = article
    made = [{"slex:pos": 0.7, "lex:score": 1.35, "w:войн": 1.0, "no such": 3.0, "d:obj:ложь": 1},
            {"lex:score": np.float64(-1.1), "w:хороший": 1.0}, {}, {"e12": 1.0, "lex:pos": 0.0}]
    for f in feats + made:
        for label in model.classes:
            for k in (1, 4, 50):
                assert model.top_features(f, label, k) == _plain_top_features(model, f, label, k)
    assert any(model.top_features(f, 1, 4) for f in feats)


def _plain_bootstrap_ci(values, seed, n_boot=1000, level=0.95):
    if len(values) == 0:
        return (float("nan"), float("nan"))
    if all(x == values[0] for x in values):
        return round(float(values[0]), 4), round(float(values[0]), 4)
    vals = np.asarray(values, dtype=float)
    rng = np.random.default_rng(seed)
    means = vals[rng.integers(0, len(vals), size=(n_boot, len(vals)))].mean(axis=1)
    lo, hi = np.quantile(means, [(1 - level) / 2, 1 - (1 - level) / 2])
    return round(float(lo), 4), round(float(hi), 4)


def test_bootstrap_of_labels_equals_the_float_means_and_numpy_quantiles():
    from framing.sentiment import _integer_mean_quantiles, bootstrap_ci

    rng = np.random.default_rng(11)
    for _ in range(1500):
        n = int(rng.integers(2, 40))
        values = rng.integers(-1, 2, size=n).tolist() if rng.random() < 0.8 else \
            rng.integers(-7, 8, size=n).tolist()
        seed, n_boot = int(rng.integers(0, 2**32)), int(rng.choice([1000, 1000, 9, 120]))
        level = float(rng.choice([0.95, 0.95, 0.9, 0.5]))
        assert bootstrap_ci(values, seed, n_boot, level) == _plain_bootstrap_ci(
            values, seed, n_boot, level), (values, seed, n_boot, level)
        draws = np.asarray(values)[np.random.default_rng(seed).integers(0, n, size=(n_boot, n))]
        qs = [(1 - level) / 2, 1 - (1 - level) / 2]
        fast = _integer_mean_quantiles(draws, qs)
        if fast is not None:  # unrounded, bit for bit
            assert fast == np.quantile(draws.mean(axis=1), qs).tolist()
    # floats, and the quantiles on the first and last mean, take numpy's path
    assert bootstrap_ci([0.5, -1.0, 1.0], 3) == _plain_bootstrap_ci([0.5, -1.0, 1.0], 3)
    assert _integer_mean_quantiles(np.array([[1, 0], [0, 0]]), [0.0, 1.0]) is None
    assert bootstrap_ci([1, 0, -1, 1], 5, n_boot=2) == _plain_bootstrap_ci([1, 0, -1, 1], 5, 2)
