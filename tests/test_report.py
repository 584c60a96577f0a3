"""Reports: escaping, highlighting, tables, Markdown; figures are reproducible."""

from __future__ import annotations

import re

import pandas as pd

from framing import tables
from framing.figures import render_all
from framing.report import _md_cell, highlight, render_reports
from framing.stages import (
    run_actors,
    run_devices,
    run_ingest,
    run_nlp,
    run_quotes,
    run_sentiment,
)

EVIL = ('Заголовок <script>alert(1)</script>\n\n'
        'Внешние силы "><img src=x onerror=alert(1)> пытаются вбить клин между Россией и '
        'Казахстаном. «Мы <b>союзники</b>», — заявил Путин.')


def run_library(tmp_path, root, text: str, name: str = "evil"):
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / f"{name}.txt").write_text(text, encoding="utf-8")
    out = tmp_path / "processed"
    run_ingest(raw, out / "articles.jsonl", out)
    run_nlp(out / "articles.jsonl", out / "nlp" / "docs.tsv", out / "sentences.parquet")
    cfg = root / "config"
    run_actors(out / "nlp" / "docs.tsv", cfg / "actors.yaml", out / "mentions.parquet",
               out / "actors.parquet")
    run_quotes(out / "nlp" / "docs.tsv", out / "mentions.parquet", cfg / "reporting_verbs.yaml",
               cfg / "actors.yaml", out / "quotes.parquet")
    run_devices(out / "nlp" / "docs.tsv", cfg / "codebook.yaml", out / "mentions.parquet",
                out / "quotes.parquet", out / "devices.parquet")
    run_sentiment(out / "nlp" / "docs.tsv", out / "mentions.parquet", out / "quotes.parquet",
                  cfg / "sentiment_lexicon.tsv", out / "mention_sentiment.parquet",
                  out / "actor_sentiment.parquet")
    return out


def test_article_text_is_escaped_and_highlights_match_table(tmp_path, root, codebook):
    out = run_library(tmp_path, root, EVIL)
    frames = {n: tables.read_table(out / f"{n}.parquet") for n in
              ("articles", "rejected", "mentions", "actors", "quotes", "devices",
               "actor_sentiment")}
    from framing.ingest import read_articles

    reports = tmp_path / "reports"
    render_reports(frames, read_articles(out / "articles.jsonl"), codebook, reports,
                   {"codebook": codebook.sha256, "version": "test"})
    html = (reports / "articles" / "evil.html").read_text(encoding="utf-8")
    body = html.split("<main>")[1].split("</main>")[0]
    assert "<script>alert" not in body and "<img src=x" not in body and "<b>" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    assert "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;" in body
    # one highlighted device per row of the devices table
    ids = set()
    for attr in re.findall(r'data-dev="([0-9 ]+)"', body):
        ids.update(attr.split())
    assert len(frames["devices"]) >= 2
    assert ids == {str(i) for i in frames["devices"].hit_id}
    md = (reports / "articles" / "evil.md").read_text(encoding="utf-8")
    assert "| Driving a wedge" in md or "Driving a wedge" in md
    index = (reports / "index.html").read_text(encoding="utf-8")
    assert "articles/evil.html" in index


def test_overlapping_spans_are_split_not_lost():
    text = "abcdef"
    dev = pd.DataFrame([
        {"start": 0, "end": 4, "hit_id": 0, "category": "x", "label": "A", "rule_id": "a#1",
         "speaker": "AUTHOR", "target": "", "device_id": "a"},
        {"start": 2, "end": 6, "hit_id": 1, "category": "y", "label": "B", "rule_id": "b#1",
         "speaker": "AUTHOR", "target": "", "device_id": "b"},
    ])
    empty_m = pd.DataFrame(columns=["start", "end", "actor", "resolution"])
    empty_q = pd.DataFrame(columns=["start", "end", "speaker", "verb"])
    html = highlight(text, [("prose", 0, 6)], dev, empty_m, empty_q, {})
    assert re.findall(r'data-dev="([0-9 ]+)"', html) == ["0", "0 1", "1"]
    assert re.sub(r"<[^>]+>", "", html) == "abcdef"


def test_markdown_cells_escape_pipes():
    assert _md_cell("a|b\nc") == "a\\|b c"


def test_figures_are_byte_reproducible(tmp_path):
    frames = {
        "articles": pd.DataFrame({"article_id": ["a1"]}),
        "devices": pd.DataFrame({"article_id": ["a1", "a1"], "category": ["m", "t"]}),
        "actor_sentiment": pd.DataFrame([{
            "article_id": "a1", "actor": "Россия", "voice": "ALL", "n_mentions": 3, "n_pos": 2,
            "n_neg": 1, "n_neu": 0, "mean_label": 0.33, "ci_low": -0.3, "ci_high": 1.0}]),
    }
    a = render_all(frames, {"m": "Метафора", "t": "Угроза"}, tmp_path / "a")
    b = render_all(frames, {"m": "Метафора", "t": "Угроза"}, tmp_path / "b")
    assert len(a) == 8
    for x, y in zip(a, b, strict=True):
        assert x.read_bytes() == y.read_bytes(), x.name


def test_figure_cache_reuses_unchanged_figures(tmp_path):
    frames = {
        "articles": pd.DataFrame({"article_id": ["a1", "a2"]}),
        "devices": pd.DataFrame({"article_id": ["a1", "a2"], "category": ["m", "t"]}),
        "actor_sentiment": pd.DataFrame(columns=["article_id", "actor", "voice", "n_mentions",
                                                 "n_pos", "n_neg", "n_neu", "mean_label",
                                                 "ci_low", "ci_high"]),
    }
    cache = tmp_path / "cache"
    a = render_all(frames, {"m": "M", "t": "T"}, tmp_path / "a", cache)
    # two device figures + one shared empty-sentiment figure, PNG and SVG each
    assert len(list(cache.iterdir())) == 6
    frames["articles"] = pd.DataFrame({"article_id": ["a1"]})
    b = render_all(frames, {"m": "M", "t": "T"}, tmp_path / "b", cache)
    assert len(list(cache.iterdir())) == 4  # a2's figures left the cache
    assert (tmp_path / "a" / "a1" / "devices.png").read_bytes() == \
        (tmp_path / "b" / "a1" / "devices.png").read_bytes()
    assert len(a) == 12 and len(b) == 8
