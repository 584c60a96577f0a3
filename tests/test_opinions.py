"""RuOpinionNE-2024 export: opinion tuples with character offsets, AUTHOR for the author."""

from __future__ import annotations

import json

import pytest

from framing.actors import find_mentions
from framing.cli import main
from framing.opinions import sentence_opinions
from framing.resources import default_path
from framing.sentiment import load_lexicon, mention_sentiment


@pytest.fixture(scope="module")
def lexicon():
    return load_lexicon(default_path("sentiment_lexicon.tsv"))


def _check_offsets(rec: dict) -> None:
    """Every span is a real substring at its offsets (what the official scorer relies on)."""
    for o in rec["opinions"]:
        assert o["Polarity"] in {"POS", "NEG"}
        for key in ("Source", "Target", "Polar_expression"):
            texts, offs = o[key]
            assert len(texts) == len(offs) == 1
            if offs[0] == "NULL":
                assert key == "Source" and texts[0] in {"AUTHOR", "NULL"}
                continue
            a, b = map(int, offs[0].split(":"))
            assert rec["text"][a:b] == texts[0], (key, o)


def _records(annotate, registry, quote_finder, lexicon, text):
    doc = annotate(text)
    ms = find_mentions(doc, registry)
    qs = quote_finder.find(doc, ms)
    recs = sentence_opinions(doc, ms, qs, mention_sentiment(doc, ms, qs, lexicon), lexicon)
    for r in recs:
        _check_offsets(r)
    return recs


def _tuples(recs):
    return [(r["sent_id"], o["Source"][0][0], o["Target"][0][0], o["Polar_expression"][0][0],
             o["Polarity"]) for r in recs for o in r["opinions"]]


def test_actor_holder_with_offsets(annotate, registry, quote_finder, lexicon):
    recs = _records(annotate, registry, quote_finder, lexicon,
                    "Погода была хорошей. Токаев назвал Трампа великим лидером.")
    assert [r["text"] for r in recs] == ["Погода была хорошей.",
                                         "Токаев назвал Трампа великим лидером."]
    assert _tuples(recs) == [("t:1", "Токаев", "Трампа", "великим", "POS")]
    (o,) = recs[1]["opinions"]
    assert o["Source"] == [["Токаев"], ["0:6"]] and o["Target"] == [["Трампа"], ["14:20"]]


def test_author_holder_and_negation(annotate, registry, quote_finder, lexicon):
    recs = _records(annotate, registry, quote_finder, lexicon,
                    "Вашингтону не удалось вбить клин.")
    (o,) = recs[0]["opinions"]
    assert o["Source"] == [["AUTHOR"], ["NULL"]]
    assert (o["Target"][0], o["Polar_expression"][0], o["Polarity"]) == (
        ["Вашингтону"], ["не удалось"], "NEG")


def test_quoted_speaker_is_the_holder(annotate, registry, quote_finder, lexicon):
    recs = _records(annotate, registry, quote_finder, lexicon,
                    "«Казахстан — наш надёжный партнёр», — заявил Путин.")
    got = {(s, t, p) for _, s, t, _, p in _tuples(recs)}
    assert got == {("Путин", "Казахстан", "POS")}


def test_sample_opinions(sample_doc, sample_mentions, sample_quotes, lexicon):
    from framing.resources import load_sentiment_model
    from framing.sentiment_model import Embeddings

    rows = mention_sentiment(sample_doc, sample_mentions, sample_quotes, lexicon,
                             load_sentiment_model(), Embeddings())
    recs = sentence_opinions(sample_doc, sample_mentions, sample_quotes, rows, lexicon)
    for r in recs:
        _check_offsets(r)
    got = {(s, t, e, p) for _, s, t, e, p in _tuples(recs)}
    assert ("AUTHOR", "США", "не удалось", "NEG") in got
    assert ("AUTHOR", "из-за океана", "эфемерных", "NEG") in got
    assert ("он", "последнего", "великим", "POS") in got  # Токаев about Трамп
    assert len({r["sent_id"] for r in recs}) == len(recs)


def test_cli_predicts_a_task_file(tmp_path, capsys):
    task = tmp_path / "validation.jsonl"
    lines = [{"sent_id": "a1", "text": "Токаев назвал Трампа великим лидером. Все рады.",
              "opinions": []},
             {"sent_id": "a2", "text": "Заседание прошло в среду."}]
    task.write_text("".join(json.dumps(x, ensure_ascii=False) + "\n" for x in lines),
                    encoding="utf-8")
    out = tmp_path / "pred.jsonl"
    assert main(["export", "ruopinionne", "--input", str(task), "--out", str(out)]) == 0
    recs = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    assert [(r["sent_id"], r["text"]) for r in recs] == [(x["sent_id"], x["text"]) for x in lines]
    for r in recs:
        _check_offsets(r)
    assert recs[1]["opinions"] == []
    assert {(o["Target"][0][0], o["Polarity"]) for o in recs[0]["opinions"]} == {
        ("Трампа", "POS")}
    assert "2 sentences" in capsys.readouterr().out


def test_cli_export_names_missing_tables(tmp_path, capsys):
    assert main(["export", "ruopinionne", "--processed", str(tmp_path)]) == 2
    assert "mentions.parquet" in capsys.readouterr().err


def test_bad_task_line_is_named(tmp_path):
    task = tmp_path / "bad.jsonl"
    task.write_text('{"sent_id": 1, "text": "x"}\n{"text": 5\n', encoding="utf-8")
    with pytest.raises(ValueError, match="bad.jsonl: line 2"):
        main(["export", "ruopinionne", "--input", str(task), "--out", str(tmp_path / "o")])
