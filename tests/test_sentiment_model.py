"""The trained sentiment model: persistence without pickle, metric, CLI, speed-critical path."""

from __future__ import annotations

import numpy as np
import pytest

from framing.cli import main
from framing.evaluate import read_rusentne
from framing.resources import PACKAGED_SENTIMENT_MODEL, load_sentiment_model
from framing.sentiment_model import LinearSentimentModel, f1_pn

ROWS = [
    ("Россия осудила агрессию Вашингтона.", "Вашингтона", "COUNTRY", -1),
    ("Президент похвалил талантливого министра.", "министра", "PROFESSION", 1),
    ("Министр прибыл в Москву во вторник.", "Министр", "PROFESSION", 0),
    ("Эксперты раскритиковали провальную политику Киева.", "Киева", "COUNTRY", -1),
]


def write_rusentne(path, with_labels=True):
    head = "sentence\tentity\tentity_tag\tentity_pos_start_rel\tentity_pos_end_rel"
    lines = [head + ("\tlabel" if with_labels else "")]
    for s, e, tag, lab in ROWS:
        a = s.index(e)
        line = f"{s}\t{e}\t{tag}\t{a}\t{a + len(e)}"
        lines.append(line + (f"\t{lab}" if with_labels else ""))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_f1_pn_ignores_neutral_class():
    assert f1_pn([0, 0, 1, -1], [0, 1, 1, -1]) == pytest.approx(83.33, abs=0.01)
    assert f1_pn([1, -1], [0, 0]) == 0.0


def test_fit_save_load_roundtrip(tmp_path):
    X = [{"w:хороший": 1.0}, {"w:плохой": 1.0}, {"w:стол": 1.0}] * 5
    y = [1, -1, 0] * 5
    m = LinearSentimentModel.fit(X, y, C=10.0, min_count=1)
    assert m.predict(X[:3]) == [1, -1, 0]
    m.save(tmp_path)
    assert not list(tmp_path.glob("*.pkl"))
    m2 = LinearSentimentModel.load(tmp_path)
    assert m2.features == m.features and np.allclose(m2.coef, m.coef)
    assert m2.predict(X[:3]) == [1, -1, 0]
    label, score = m2.predict_one({"w:хороший": 1.0})
    assert label == 1 and score > 0
    assert m2.top_features({"w:хороший": 1.0, "w:стол": 1.0}, 1) == ["w:хороший"]


def test_load_rejects_foreign_files(tmp_path):
    (tmp_path / "model.json").write_text('{"format": "something-else"}', encoding="utf-8")
    with pytest.raises(ValueError, match="not a framing-linear-sentiment"):
        LinearSentimentModel.load(tmp_path)


def test_packaged_model_is_shipped_with_a_card():
    assert (PACKAGED_SENTIMENT_MODEL / "MODEL_CARD.md").exists()
    model = load_sentiment_model()
    assert model is not None and model.classes == [-1, 0, 1]
    cv = model.meta["cv"]
    assert cv["folds"] == 5 and cv["f1_pn"] > 40
    # one CNN (seed 0) distilled from three teachers (seeds 0–2), recorded in its config; the
    # decision rule was measured on the grouped CV and kept only if it helped
    assert [net.config["seed"] for net in model.cnn] == [0]
    assert model.cnn[0].config["distil"]["teacher_seeds"] == [0, 1, 2]
    assert "teachers" in cv["by_sentence"]  # the undistilled reference, same run and folds
    g = cv["by_sentence"]
    assert g["f1_pn"] > 45 and "f1_pn_rule" in g and len(g["bias_folds"]) == 5
    assert (model.bias is not None) == (g["f1_pn_rule"] > g["f1_pn"])


def test_read_rusentne_with_and_without_labels(tmp_path):
    rows = read_rusentne(write_rusentne(tmp_path / "a.csv"))
    assert [r["label"] for r in rows] == [-1, 1, 0, -1]
    rows = read_rusentne(write_rusentne(tmp_path / "b.csv", with_labels=False))
    assert all(r["label"] is None for r in rows)
    (tmp_path / "c.csv").write_text("text\tlabel\nx\t1\n", encoding="utf-8")
    with pytest.raises(ValueError, match="missing column"):
        read_rusentne(tmp_path / "c.csv")


def test_cli_eval_rusentne_scores_and_predicts(tmp_path, capsys, root, monkeypatch):
    monkeypatch.chdir(root)
    f = write_rusentne(tmp_path / "gold.csv")
    assert main(["eval", "rusentne", str(f)]) == 0
    out = capsys.readouterr().out
    assert "F1_PN" in out and "class -1" in out
    unlabelled = write_rusentne(tmp_path / "test.csv", with_labels=False)
    pred = tmp_path / "pred.txt"
    assert main(["eval", "rusentne", str(unlabelled), "--predict-only", "--out",
                 str(pred)]) == 0
    labels = pred.read_text().split("\n")[:-1]
    assert len(labels) == len(ROWS) and set(labels) <= {"-1", "0", "1"}


def test_model_beats_lexicon_on_written_sentences(annotate, registry):
    from framing.actors import find_mentions
    from framing.resources import default_path
    from framing.sentiment import load_lexicon, mention_sentiment
    from framing.sentiment_model import Embeddings

    lex = load_lexicon(default_path("sentiment_lexicon.tsv"))
    model = load_sentiment_model()
    doc = annotate("Лавров резко раскритиковал Вашингтон за провокации и ложь.")
    rows = mention_sentiment(doc, find_mentions(doc, registry), [], lex, model, Embeddings())
    us = next(r for r in rows if r.actor == "США")
    assert us.method == "model" and us.label == -1
    assert "провокации" in us.evidence or "ложь" in us.evidence or us.model_evidence


@pytest.mark.slow
def test_cross_validation_on_rusentne_subset(shared, tmp_path):
    from framing.evaluate import train_sentiment

    data = shared / "datasets" / "rusentne-train" / "train_data.csv"
    sub = tmp_path / "sub.csv"
    lines = data.read_text(encoding="utf-8").split("\n")
    sub.write_text("\n".join(lines[:1501]) + "\n", encoding="utf-8")
    res = train_sentiment(sub, tmp_path / "model", folds=3)
    assert res["cv"]["f1_pn"] > 30
    assert res["ms_per_mention"] < 1.0
    assert (tmp_path / "model" / "MODEL_CARD.md").exists()


def test_dense_block_roundtrip_and_decision(tmp_path):
    from framing.sentiment_model import Features

    rng = np.random.default_rng(0)
    X = [Features({"w:хороший": 1.0}, dense=rng.normal(size=4) + [2, 0, 0, 0]),
         Features({"w:плохой": 1.0}, dense=rng.normal(size=4) + [0, 2, 0, 0]),
         Features({"w:стол": 1.0}, dense=rng.normal(size=4) + [0, 0, 2, 0])] * 5
    y = [1, -1, 0] * 5
    m = LinearSentimentModel.fit(X, y, C=10.0, min_count=1)
    assert m.dense_coef is not None and m.dense_coef.shape == (3, 4)
    m.save(tmp_path)
    m2 = LinearSentimentModel.load(tmp_path)
    assert np.allclose(m2.dense_coef, m.dense_coef)
    assert m2.predict(X[:3]) == [1, -1, 0]
    # the dense block counts: the same sparse features with another dense part differ
    z1 = m2.decision(Features({"w:стол": 1.0}, dense=np.array([3.0, 0, 0, 0])))
    z2 = m2.decision(Features({"w:стол": 1.0}, dense=np.array([0, 3.0, 0, 0])))
    assert m2.classes[int(np.argmax(z1))] == 1 and m2.classes[int(np.argmax(z2))] == -1
    # a plain dict (no dense part) still works: sparse weights only
    assert m2.decision({"w:стол": 1.0}).shape == (3,)
    # weights that do not match model.json are refused
    np.savez(tmp_path / "weights.npz", coef=m.coef, intercept=m.intercept)
    with pytest.raises(ValueError, match="dense weights"):
        LinearSentimentModel.load(tmp_path)


def test_sentence_cache_gives_the_features_of_a_fresh_computation(annotate):
    from framing.resources import default_path
    from framing.sentiment import load_lexicon
    from framing.sentiment_model import _SENTENCES, mention_features

    lex = load_lexicon(default_path("sentiment_lexicon.tsv"))
    doc = annotate("Лавров резко раскритиковал Вашингтон. Москва похвалила Лаврова и Минск.")
    spans = [(0, 1), (3, 4), (5, 6), (7, 8), (9, 10)]
    cached = [mention_features(doc, a, b, lex, "PERSON") for a, b in spans]
    fresh = []
    for a, b in spans:
        _SENTENCES.key = (None, None, None)
        fresh.append(mention_features(doc, a, b, lex, "PERSON"))
    assert cached == fresh
    # the mention is masked: its own lemma is not in its window, the other mentions' are
    f = cached[2]
    assert "w:москва" not in f and "w:лавров@R2" in f and "w:минск" in f
    assert not any(k.startswith("w:раскритиковать") for k in f)  # another sentence
    assert f["lex:score"] > 0 or f["slex:pos"] > 0


def test_decision_bias_changes_the_label_not_the_probabilities_and_roundtrips(tmp_path):
    import json

    X = [{"w:хороший": 1.0}, {"w:плохой": 1.0}, {"w:стол": 1.0}] * 5
    m = LinearSentimentModel.fit(X, [1, -1, 0] * 5, C=10.0, min_count=1)
    weak = {"w:стол": 0.3, "w:хороший": 0.2}  # neutral by a small margin
    p = m.predict_proba_one(weak)
    assert m.predict_one(weak)[0] == 0 and m.classes[int(np.argmax(p))] == 0
    gap = float(np.log(p[1]) - np.log(p[2]))  # log P(0) − log P(+1) > 0
    m.bias = np.array([0.0, -(gap + 0.01), 0.0])
    m.__post_init__()
    label, score = m.predict_one(weak)
    assert label == 1 and np.allclose(m.predict_proba_one(weak), p)
    assert score == pytest.approx(p[2] - p[0])
    assert m.predict(X[:3]) == [1, -1, 0]  # confident rows keep their label
    assert m.linear_only().bias is None and m.linear_only().predict_one(weak)[0] == 0
    m.save(tmp_path)
    meta = json.loads((tmp_path / "model.json").read_text(encoding="utf-8"))
    assert meta["decision_bias"] == pytest.approx([0.0, -(gap + 0.01), 0.0])
    back = LinearSentimentModel.load(tmp_path)
    assert back.predict_one(weak)[0] == 1 and np.allclose(back.bias, m.bias)
    # a model.json without the key decides by plain argmax (older models load unchanged)
    del meta["decision_bias"]
    (tmp_path / "model.json").write_text(json.dumps(meta), encoding="utf-8")
    assert LinearSentimentModel.load(tmp_path).predict_one(weak)[0] == 0
    # a malformed bias is refused with the file's name
    meta["decision_bias"] = [0.0, "x"]
    (tmp_path / "model.json").write_text(json.dumps(meta), encoding="utf-8")
    with pytest.raises(ValueError, match=r"model\.json: decision_bias"):
        LinearSentimentModel.load(tmp_path)


def test_choose_bias_maximises_f1_pn_and_prefers_no_shift():
    from framing.evaluate import choose_bias

    cls = [-1, 0, 1]
    # polar rows whose polar class is second to neutral: a negative neutral bias recovers them
    p = np.array([[0.30, 0.45, 0.25], [0.25, 0.45, 0.30], [0.1, 0.8, 0.1], [0.1, 0.8, 0.1]])
    b = choose_bias(p, [-1, 1, 0, 0], cls)
    assert b[0] == 0 and b[2] == 0 and -1.0 < b[1] < -0.4
    pred = [cls[int(np.argmax(np.log(r) + b))] for r in p]
    assert f1_pn([-1, 1, 0, 0], pred) == 100.0
    # already perfect: no shift
    q = np.array([[0.8, 0.1, 0.1], [0.1, 0.1, 0.8], [0.1, 0.8, 0.1]])
    assert choose_bias(q, [-1, 1, 0], cls).tolist() == [0.0, 0.0, 0.0]
    assert choose_bias(q, [-1, 1, 0], cls, per_class=True).tolist() == [0.0, 0.0, 0.0]


def test_cross_validation_reports_the_decision_rule_chosen_off_the_test_folds():
    from framing.evaluate import cross_validate

    rng = np.random.default_rng(0)
    words = ["w:хороший", "w:плохой", "w:стол", "w:стул", "w:дом"]
    X, y = [], []
    for n in range(90):
        lab = [1, -1, 0][n % 3]
        f = {words[int(k)]: 1.0 for k in rng.integers(2, 5, size=2)}
        if rng.random() < 0.7 and lab:
            f[words[0 if lab == 1 else 1]] = 1.0
        X.append(f)
        y.append(lab)
    cv = cross_validate(X, y, folds=3, C=1.0, groups=[str(n // 2) for n in range(90)])
    assert len(cv["bias_folds"]) == 3 and all(len(b) == 3 for b in cv["bias_folds"])
    assert all(b[0] == b[2] == 0.0 for b in cv["bias_folds"] + [cv["bias"]])
    assert 0 <= cv["f1_pn_rule"] <= 100 and len(cv["f1_pn_rule_folds"]) == 3
    assert set(cv["classes_rule"]) == {"1", "0", "-1"}


def test_embeddings_vectors_of_many_words_are_navecs_one_by_one():
    from framing.sentiment_model import Embeddings

    emb = Embeddings()
    words = ["путин", "и", "неслыханноеслово", "москва", "путин", "сказал", "нет", "qzx"]
    got = emb.vectors(words)
    for w, v in zip(words, got, strict=True):
        ref = emb.navec.get(w)
        assert (v is None) == (ref is None), w
        if v is not None:
            assert v.dtype == ref.dtype and np.array_equal(v, ref), w
    assert got[2] is None and got[0] is got[4]  # unknown; one vector per word
    assert emb.vector("москва") is got[3] and emb.vectors([]) == []


def test_model_card_of_a_distilled_cnn_names_its_teachers_and_the_command():
    from framing.evaluate import cross_validate, model_card

    rng = np.random.default_rng(0)
    X = [{f"w:{int(k)}": 1.0 for k in rng.integers(0, 6, size=2)} for _ in range(60)]
    y = [[1, -1, 0][n % 3] for n in range(60)]
    cv = cross_validate(X, y, folds=3, C=1.0)
    cv["by_sentence"] = cross_validate(X, y, folds=3, C=1.0, groups=[str(n) for n in range(60)])
    for part in (cv, cv["by_sentence"]):  # what a CV with --distil adds (the parts' scores)
        part.update(linear=41.0, cnn=42.0, teachers=43.25, teachers_cnn=44.5)
    net = {"seed": 0, "hidden": 128, "layers": 2, "lr": 0.002, "epochs": 10, "batch": 32,
           "dropout": 0.3, "networks": 1,
           "distil": {"alpha": 0.5, "temperature": 2.0, "teachers": 3, "teacher_seeds": [0, 1, 2]}}
    ms = {"total": 0.3, "features": 0.1, "prediction": 0.2}
    card = model_card(cv, 60, 6, ms, "train_data.csv", net)
    assert "one network, seed 0, distilled from 3 networks" in card and "(seeds 0–2)" in card
    assert "α = 0.5, T = 2" in card and "only the student is shipped" in card
    assert "same run, same folds): 43.25 (teachers alone 44.50)" in card
    assert "--C 1.0 --distil 2:0.5 [--cache DIR]`" in card
    plain = model_card(cv, 60, 6, ms, "train_data.csv", net | {"distil": None, "networks": 3})
    assert "3 networks, seeds 0–2, whose probabilities are averaged" in plain
    assert "--distil" not in plain and "distilled" not in plain


def test_cli_distil_setting_is_temperature_and_alpha():
    from framing.cli import _distil_setting

    assert _distil_setting("2:0.3") == (2.0, 0.3)
    for bad in ("2", "0:0.5", "2:1.5", "a:b"):
        with pytest.raises(Exception, match="T:ALPHA|T > 0"):
            _distil_setting(bad)
