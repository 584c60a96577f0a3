"""RuSentRel reader, metric and command on a folder written here (and the train split)."""

from __future__ import annotations

import pytest

from framing.cli import main
from framing.rusentrel import evaluate, read_folder

TEXT = ("{Author, Unknown} Заголовок\r\n\r\n"
        "{Author, Unknown} Москва резко осудила агрессивную политику США.\r\n"
        "{Author, Unknown} Россия и Китай остаются надёжными партнёрами.\r\n")


def write_folder(tmp_path):
    folder = tmp_path / "rel"
    folder.mkdir()
    (folder / "art1.txt").write_bytes(TEXT.encode("utf-8"))
    ents = []
    for n, word in enumerate(["Москва", "США", "Россия", "Китай"], 1):
        a = TEXT.index(word)
        typ = "LOC" if word != "США" else "GEOPOLIT"
        ents.append(f"T{n}\t{typ} {a} {a + len(word)}\t{word}")
    ents.append("T9\tPER 1 7\tAuthor")
    (folder / "art1.ann").write_text("\n".join(ents) + "\n", encoding="utf-8")
    (folder / "art1.opin.txt").write_text("Россия, США, neg, current\n"
                                          "Россия, Китай, pos, current\n", encoding="utf-8")
    (folder / "synonyms.txt").write_text("россия, москва, рф\nсша, америка\nкитай, кнр\n",
                                         encoding="utf-8")
    return folder


def test_reader_keeps_offsets_and_drops_prefix_entities(tmp_path):
    (doc,) = read_folder(write_folder(tmp_path))
    assert [e.text for e in doc.entities] == ["Москва", "США", "Россия", "Китай"]
    for e in doc.entities:
        assert doc.text[e.start:e.end] == e.text
    assert "{Author" not in doc.text
    assert doc.opinions == {("Россия", "США", "neg"), ("Россия", "Китай", "pos")}


def test_metric_by_hand():
    gold = [{("a", "b", "neg"), ("a", "c", "pos")}, {("x", "y", "neg")}]
    pred = [{("a", "b", "neg"), ("a", "c", "neg")}, set()]
    r = evaluate(gold, pred)
    # neg: doc1 P=1/2 R=1, doc2 P=0 R=0 → P=.25 R=.5 F1=.333
    assert r["p_neg"] == 25.0 and r["r_neg"] == 50.0 and r["f1_neg"] == pytest.approx(33.33)
    # pos: doc1 has gold pos but none predicted → P=R=0; doc2 has no gold pos and none
    # predicted → P=R=1 (as the official evaluator) → P=R=.5
    assert r["p_pos"] == 50.0 and r["r_pos"] == 50.0 and r["f1"] == pytest.approx(41.67)
    # a pos predicted where the gold has none: P=0 there, recall still 1
    r2 = evaluate(gold, [pred[0], {("x", "z", "pos")}])
    assert r2["p_pos"] == 0.0 and r2["r_pos"] == 50.0


def test_cli_predicts_and_scores(tmp_path, capsys, root, monkeypatch):
    monkeypatch.chdir(root)
    folder = write_folder(tmp_path)
    out = tmp_path / "pred"
    assert main(["eval", "rusentrel", str(folder), "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "F1" in printed
    lines = (out / "art1.opin.txt").read_text(encoding="utf-8").splitlines()
    for line in lines:
        s, t, c, cur = [x.strip() for x in line.split(",")]
        assert c in {"pos", "neg"} and cur == "current"
    assert "россия, сша, neg, current" in lines


@pytest.mark.slow
def test_train_split_scores(shared):
    from framing.rusentrel import eval_rusentrel

    res = eval_rusentrel(shared / "datasets" / "rusentrel-train" / "train")
    assert res["documents"] == 42
    assert res["f1"] > 10


DOCS = [
    "Москва резко осудила агрессивную политику США.",
    "Россия и Китай остаются надёжными партнёрами.",
    "США обвинили Россию в агрессии. Китай поддержал Россию.",
    "Вашингтон критикует Пекин. Москва хвалит Пекин за честность.",
]
GOLD = [
    {("Россия", "США", "neg")},
    {("Россия", "Китай", "pos"), ("Китай", "Россия", "pos")},
    {("США", "Россия", "neg"), ("Китай", "Россия", "pos")},
    {("США", "Китай", "neg"), ("Россия", "Китай", "pos")},
]


def write_corpus(tmp_path):
    import re

    folder = tmp_path / "corpus"
    folder.mkdir()
    forms = ["Москва", "США", "Россия", "Китай", "Россию", "Вашингтон", "Пекин"]
    for n, (body, gold) in enumerate(zip(DOCS, GOLD, strict=True), 1):
        text = f"{{Author, Unknown}} Заголовок\r\n\r\n{{Author, Unknown}} {body}\r\n"
        ents = []
        for k, m in enumerate(re.finditer("|".join(forms), text), 1):
            ents.append(f"T{k}\tGEOPOLIT {m.start()} {m.end()}\t{m.group(0)}")
        (folder / f"art{n}.txt").write_bytes(text.encode("utf-8"))
        (folder / f"art{n}.ann").write_text("\n".join(ents) + "\n", encoding="utf-8")
        (folder / f"art{n}.opin.txt").write_text(
            "".join(f"{s}, {t}, {c}, current\n" for s, t, c in sorted(gold)), encoding="utf-8")
    (folder / "synonyms.txt").write_text(
        "россия, москва, россию\nсша, вашингтон\nкитай, пекин\n", encoding="utf-8")
    return folder


def test_pair_model_trains_by_document_and_predicts(tmp_path, capsys, root, monkeypatch):
    monkeypatch.chdir(root)
    folder = write_corpus(tmp_path)
    model = tmp_path / "pairs"
    assert main(["train-rusentrel", "--data", str(folder), "--out", str(model), "--folds", "3",
                 "--window", "1", "--cache", str(tmp_path / "cache")]) == 0
    assert "3-fold CV by document" in capsys.readouterr().out
    assert (model / "model.json").exists() and (model / "weights.npz").exists()
    card = (model / "MODEL_CARD.md").read_text(encoding="utf-8")
    assert "by document" in card and "| 3 |" in card  # one row per fold
    from framing.rusentrel import MARGINS, load_pair_model

    meta = load_pair_model(model).meta
    assert meta["window"] == 1 and meta["identity"] is True
    assert meta["margin"] in MARGINS and len(meta["cv_folds"]) == 3
    # the margin of each outer fold is chosen on its training documents only
    assert all(r["margin"] in MARGINS for r in meta["cv_folds"])
    # the per-document output rule (default) is stored: calibration per class and λ
    from framing.rusentrel import LAMBDAS, OUTPUT_CAP

    rule = meta["decision"]
    assert rule["lam"] in LAMBDAS and rule["cap"] == OUTPUT_CAP
    assert set(rule["calib"]) == {"pos", "neg"} and all(len(v) == 2 for v in rule["calib"].values())
    assert all(r["lam"] is None or r["lam"] in LAMBDAS for r in meta["cv_folds"])
    assert "E[precision]" in card
    assert list((tmp_path / "cache").glob("rusentrel-*.spacy"))  # parsed once, reused
    # the linear model and the trees (JSON) are both stored; the trees are averaged in
    assert (model / "trees.json").exists() and meta["trees"] is True
    assert "gradient-boosted trees" in card

    from framing.rusentrel import eval_rusentrel

    res = eval_rusentrel(folder, tmp_path / "pred", cache_dir=tmp_path / "cache",
                         pair_model_dir=model)
    assert res["method"] == "pair model" and res["documents"] == 4
    assert res["f1"] > 0  # trained on these very documents: it must find some of them
    votes = eval_rusentrel(folder, cache_dir=tmp_path / "cache",
                           pair_model_dir=tmp_path / "no-model")
    assert votes["method"] == "votes"


def test_pair_features_window_and_identity(tmp_path, root, monkeypatch):
    from framing.rusentrel import Synonyms, _context, pair_features

    monkeypatch.chdir(root)
    folder = write_corpus(tmp_path)
    docs, sdocs, syn, model, emb, lexicon = _context(folder, None, tmp_path / "cache")
    assert isinstance(syn, Synonyms)
    d, sd = docs[2], sdocs[2]  # "США обвинили Россию … . Китай поддержал Россию."
    same = pair_features(sd, d, syn, model, emb, lexicon, window=0, identity=False)
    near = pair_features(sd, d, syn, model, emb, lexicon, window=1, identity=True)
    assert ("сша", "россия") in same and ("сша", "китай") not in same
    # США and Китай only meet across the sentence boundary
    f = near[("сша", "китай")]
    assert f["cooc:0"] == 1.0 and f["log_near"] > 0
    assert f["src=сша"] == f["tgt=китай"] == f["upair=китай|сша"] == 1.0
    assert not any(k.startswith(("src=", "tgt=", "pair=")) for k in same[("сша", "россия")])
    assert near[("сша", "россия")]["rev"] == 1.0  # Россия … США share a sentence too


def test_pair_model_without_trees_is_the_linear_model(tmp_path, capsys, root, monkeypatch):
    from framing.rusentrel import _scored, load_pair_model

    monkeypatch.chdir(root)
    folder = write_corpus(tmp_path)
    model = tmp_path / "pairs"
    args = ["train-rusentrel", "--data", str(folder), "--out", str(model), "--folds", "3",
            "--cache", str(tmp_path / "cache")]
    assert main(args) == 0
    with_trees = load_pair_model(model)
    assert with_trees.trees is not None and with_trees.tree_weight == 0.5
    assert main(args + ["--no-trees"]) == 0  # retraining into the same folder drops them
    assert not (model / "trees.json").exists()
    linear = load_pair_model(model)
    assert linear.trees is None and linear.meta["trees"] is False
    feats = {("россия", "сша"): {"t_score": -0.5, "cooc:1": 1.0, "src=россия": 1.0}}
    (row,) = linear.scored(feats)
    assert row == _scored(linear.linear, feats)[0]
    assert abs(sum(row[1:]) - 1.0) < 1e-6
    (row2,) = with_trees.scored(feats)  # the average of two distributions is one too
    assert abs(sum(row2[1:]) - 1.0) < 1e-6 and row2 != row


def test_priors_leave_a_documents_own_pairs_out():
    from framing.rusentrel import _prior_counts, _prior_features

    feats = [{("a", "b"): {}, ("b", "a"): {}}, {("a", "b"): {}}]
    golds = [{("a", "b", "neg")}, {("a", "b", "neg")}]
    total, per = _prior_counts(feats, golds, [0, 1])
    assert total["p:a>b"] == [2.0, 0.0, 2.0] and total["u:a|b"] == [3.0, 0.0, 2.0]
    full = _prior_features(("a", "b"), total)
    loo = _prior_features(("a", "b"), total, per[0])
    assert full["prior_p_neg"] == pytest.approx((2 + 2 * 0.08) / (2 + 2))
    assert loo["prior_p_neg"] == pytest.approx((1 + 2 * 0.08) / (1 + 2))
    unseen = _prior_features(("x", "y"), total)
    assert unseen["prior_p_n"] == 0.0 and unseen["prior_p_neg"] == pytest.approx(0.08)


def test_synonyms_match_forms_with_quotes_and_brackets():
    from framing.rusentrel import Synonyms

    class Lemma:
        def lemma(self, w):
            return {"россией": "россия"}.get(w, w)

    syn = Synonyms(["антимайдан", "али лариджани (ali larijani, лариджани",
                    "россия, рф", "ес, евросоюз"], Lemma())
    assert syn.of('"Антимайдан"') == "антимайдан"
    assert syn.of("Али Лариджани (Ali Larijani)") == "али лариджани (ali larijani"
    assert syn.of("ЕС.") == "ес" and syn.of("Россией") == "россия"
    assert syn.of("Неизвестная партия") == "неизвестная партия"  # not a group: its lemmas


def test_packaged_pair_model_loads_and_a_broken_tree_file_is_named(tmp_path):
    import shutil

    from framing.rusentrel import PACKAGED_PAIR_MODEL, load_pair_model

    packaged = load_pair_model()
    assert packaged is not None and packaged.trees is not None
    assert packaged.meta["trees"] is True and packaged.meta["identity"] is True
    model = tmp_path / "pairs"
    shutil.copytree(PACKAGED_PAIR_MODEL, model)
    (model / "trees.json").write_text('{"weight": 0.5, "features": [', encoding="utf-8")
    with pytest.raises(ValueError, match="trees.json"):
        load_pair_model(model)


def test_per_document_rule_counts_by_calibrated_probability():
    from framing.rusentrel import PairModel, _best_rule, _calibration, _decide_doc, predict_pairs

    rows = [(("a", f"t{k}"), p, 0.05, 0.95 - p) for k, p in enumerate((.9, .8, .6, .3, .1, .05))]
    calib = {"pos": [8.0, -2.0], "neg": [8.0, -2.0]}

    def n_pos(lam, cap=10.0):
        out = _decide_doc(rows, {"lam": lam, "cap": cap, "calib": calib})
        return sum(1 for x in out if x[2] == "pos")

    # weighing precision more outputs fewer pairs; every class gets at least one
    assert n_pos(0.9) <= n_pos(0.6) <= n_pos(0.3) and n_pos(0.99) >= 1
    assert n_pos(0.0) == len(rows)  # recall alone: everything
    assert n_pos(0.0, cap=1.0) < len(rows)  # … unless capped by the expected gold count
    # the strongest candidates come first and a pair keeps one class
    out = _decide_doc(rows, {"lam": 0.7, "cap": 2.0, "calib": calib})
    assert ("a", "t0", "pos") in out and len({(s, t) for s, t, _ in out}) == len(out)
    # calibration: the more P(pos) beats P(none), the likelier a gold pos pair
    scored = {0: rows}
    golds = [{("a", "t0", "pos"), ("a", "t1", "pos"), ("a", "t5", "neg")}]
    cal = _calibration(scored, golds)
    assert cal["pos"][0] > 0
    rule = _best_rule(scored, golds)
    assert ("a", "t0", "pos") in _decide_doc(rows, rule)

    class Passthrough(PairModel):  # a pair model that returns the scores it is given
        def __init__(self):
            pass

        def scored(self, feats):
            return [(p, *f) for p, f in feats.items()]

    feats = {r[0]: r[1:] for r in rows}
    assert predict_pairs(Passthrough(), feats, rule=rule) == _decide_doc(rows, rule)
    # models without a stored rule keep the margin rule (P(pos) − P(none) ≥ 0.5, and the
    # best remaining candidate for the class nothing reached)
    assert predict_pairs(Passthrough(), feats, 0.5) == {("a", "t0", "pos"), ("a", "t1", "pos"),
                                                        ("a", "t2", "neg")}
