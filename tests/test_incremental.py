"""Per-article result caching: warm-up in the NLP workers, reuse, invalidation."""

from __future__ import annotations

import filecmp
import logging
from pathlib import Path

import pytest

from framing.annotators import ArticleCache, Resources, fingerprint, key_of
from framing.frames import run_frames
from framing.stages import run_actors, run_devices, run_ingest, run_nlp, run_quotes, run_sentiment

ROOT = Path(__file__).resolve().parents[1]
CFG = ROOT / "config"
TEXT = ("Внешние силы пытаются вбить клин между Россией и Казахстаном.\n\n"
        "«Наши страны остаются надёжными партнёрами», — заявил Путин. По словам Токаева, "
        "отношения двух стран крепнут.\n")
TABLES = ("sentences", "mentions", "actors", "quotes", "devices", "mention_sentiment",
          "actor_sentiment", "stance", "stance_corpus", "sv_items", "sv_frames", "mfc_frames",
          "mfc_evidence", "entman")


def build(tmp: Path, warm: bool, codebook: Path = CFG / "codebook.yaml",
          registry: Path = CFG / "actors.yaml") -> Path:
    raw = tmp / "raw"
    raw.mkdir(parents=True, exist_ok=True)
    (raw / "a.txt").write_text(TEXT, encoding="utf-8")
    (raw / "b.txt").write_text(TEXT.replace("Путин", "Лавров"), encoding="utf-8")
    out = tmp / "processed"
    run_ingest(raw, out / "articles.jsonl", out)
    res = Resources(registry, CFG / "reporting_verbs.yaml", codebook,
                    CFG / "sentiment_lexicon.tsv", None, CFG / "frames.yaml")
    m = out / "nlp" / "docs.tsv"
    run_nlp(out / "articles.jsonl", m, out / "sentences.parquet", warm=res if warm else None)
    run_actors(m, registry, out / "mentions.parquet", out / "actors.parquet")
    up = {"registry_path": registry, "verbs_path": CFG / "reporting_verbs.yaml"}
    run_quotes(m, CFG / "reporting_verbs.yaml", out / "quotes.parquet", registry_path=registry)
    run_devices(m, codebook, out / "devices.parquet", **up)
    run_sentiment(m, CFG / "sentiment_lexicon.tsv", out / "mention_sentiment.parquet",
                  out / "actor_sentiment.parquet", None, out / "stance.parquet", **up)
    run_frames(m, CFG / "frames.yaml", out, lexicon_path=CFG / "sentiment_lexicon.tsv", **up)
    return out


def computed(caplog, stage: str) -> str:
    lines = [r.getMessage() for r in caplog.records if r.getMessage().startswith(stage + ":")]
    return lines[-1]


def test_warm_up_gives_the_same_tables_and_stages_reuse_it(tmp_path, caplog):
    caplog.set_level(logging.INFO, logger="framing")
    warm = build(tmp_path / "warm", warm=True)
    for stage in ("actors", "quotes", "devices", "sentiment", "frames"):
        assert computed(caplog, stage).endswith("0 computed, 2 reused"), stage
    cold = build(tmp_path / "cold", warm=False)
    assert computed(caplog, "devices").endswith("2 computed, 0 reused")
    for name in TABLES:
        assert filecmp.cmp(warm / f"{name}.csv", cold / f"{name}.csv", shallow=False), name


def test_resource_edit_recomputes_only_that_stage(tmp_path, caplog):
    caplog.set_level(logging.INFO, logger="framing")
    cb = tmp_path / "codebook.yaml"
    cb.write_text((CFG / "codebook.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    out = build(tmp_path / "p", warm=True, codebook=cb)
    before = (out / "devices.csv").read_bytes()
    cb.write_text(cb.read_text(encoding="utf-8") + "\n# analyst note\n", encoding="utf-8")
    caplog.clear()
    build(tmp_path / "p", warm=True, codebook=cb)
    assert computed(caplog, "actors").endswith("0 computed, 2 reused")
    assert computed(caplog, "devices").endswith("2 computed, 0 reused")
    assert (out / "devices.csv").read_bytes() == before
    # stale entries are pruned: one result per article and stage
    assert len(list((out / "cache" / "devices").glob("*.json"))) == 2


def test_registry_edit_stage_computes_its_upstream_results_itself(tmp_path, caplog):
    """The stage jobs no longer wait for the actors job: after a registry edit, sentiment may
    run first, on a cache without the new actor and quote results.  It keys and computes them
    itself, and its tables are those of a fresh run with the new registry."""
    caplog.set_level(logging.INFO, logger="framing")
    reg = tmp_path / "actors.yaml"
    reg.write_text((CFG / "actors.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    out = build(tmp_path / "p", warm=True, registry=reg)
    assert "Владимир Путин" in (out / "mention_sentiment.csv").read_text(encoding="utf-8")
    text = reg.read_text(encoding="utf-8")
    assert text.count("- id: Владимир Путин\n") == 1
    reg.write_text(text.replace("- id: Владимир Путин\n", "- id: Путин В. В.\n"),
                   encoding="utf-8")
    caplog.clear()
    m = out / "nlp" / "docs.tsv"
    run_sentiment(m, CFG / "sentiment_lexicon.tsv", out / "mention_sentiment.parquet",
                  out / "actor_sentiment.parquet", None, out / "stance.parquet",
                  registry_path=reg, verbs_path=CFG / "reporting_verbs.yaml")
    assert computed(caplog, "sentiment").endswith("2 computed, 0 reused")
    assert "sentiment: upstream results computed here: actors, quotes" in caplog.text
    got = {n: (out / f"{n}.csv").read_bytes() for n in (
        "mention_sentiment", "actor_sentiment", "stance", "stance_corpus")}
    assert "Путин В. В." in got["mention_sentiment"].decode()
    assert "Владимир Путин" not in got["mention_sentiment"].decode()
    fresh = build(tmp_path / "fresh", warm=False, registry=reg)
    for name, blob in got.items():
        assert (fresh / f"{name}.csv").read_bytes() == blob, name
    # the actors job, running after (or beside) it, reuses what sentiment cached
    caplog.clear()
    build(tmp_path / "p", warm=True, registry=reg)
    assert computed(caplog, "actors").endswith("0 computed, 2 reused")
    assert computed(caplog, "quotes").endswith("0 computed, 2 reused")
    assert computed(caplog, "sentiment").endswith("0 computed, 2 reused")
    assert computed(caplog, "frames").endswith("2 computed, 0 reused")
    for name in TABLES:
        assert filecmp.cmp(out / f"{name}.csv", fresh / f"{name}.csv", shallow=False), name
    # each stage pruned only its own entries: one current result per article and stage
    for stage in ("actors", "quotes", "devices", "sentiment", "frames"):
        assert len(list((out / "cache" / stage).glob("*.json"))) == 2, stage


def test_stage_refuses_the_wrong_upstream_annotators(tmp_path):
    from framing.annotators import ActorsAnnotator, DevicesAnnotator
    from framing.stages import run_stage

    with pytest.raises(ValueError, match="devices: upstream annotators"):
        run_stage(DevicesAnnotator(CFG / "codebook.yaml"), tmp_path / "docs.tsv",
                  [ActorsAnnotator(CFG / "actors.yaml")], tmp_path / "devices.parquet")


def test_damaged_cache_entry_is_recomputed(tmp_path):
    cache = ArticleCache(tmp_path, "devices")
    cache.put("k", {"devices": []})
    assert cache.get("k") == {"devices": []}
    cache.path("k").write_text("{trunc", encoding="utf-8")
    assert cache.get("k") is None


@pytest.mark.parametrize("stage", ["actors", "devices"])
def test_keys_depend_on_resources_and_upstream(tmp_path, stage):
    f = tmp_path / "r.yaml"
    f.write_text("a", encoding="utf-8")
    fp1 = fingerprint(stage, [f])
    f.write_text("b", encoding="utf-8")
    assert fingerprint(stage, [f]) != fp1
    assert key_of(fp1, "doc", {"actors": "x"}) != key_of(fp1, "doc2", {"actors": "x"})


def test_report_pages_are_reused_while_their_inputs_are_unchanged(tmp_path, codebook):
    from framing import tables
    from framing.ingest import read_articles
    from framing.report import render_reports

    out = build(tmp_path / "p", warm=True)
    frames = {k: tables.read_table(out / f"{k}.parquet") for k in (
        "articles", "segments", "rejected", "mentions", "actors", "quotes", "devices",
        "stance", "stance_corpus")}
    frames["actor_sentiment"] = tables.read_table(out / "actor_sentiment.parquet")
    arts = list(read_articles(out / "articles.jsonl"))
    cache = tmp_path / "pages"
    keys = {"a": "k1", "b": "k2"}
    render_reports(frames, arts, codebook, tmp_path / "r1", {}, page_cache=cache,
                   page_inputs=keys)
    assert len(list(cache.glob("*.html"))) == 2
    page = cache / next(f.name for f in cache.glob("*.html"))
    page.write_text("from the cache", encoding="utf-8")
    (page.with_suffix(".md")).write_text("from the cache", encoding="utf-8")
    render_reports(frames, arts, codebook, tmp_path / "r2", {}, page_cache=cache,
                   page_inputs=keys)
    got = {f.name: f.read_text(encoding="utf-8") for f in (tmp_path / "r2" / "articles").iterdir()}
    assert sum(v == "from the cache" for v in got.values()) == 2  # one article's html + md
    # an input key changes: that article is rendered again, its stale page pruned
    render_reports(frames, arts, codebook, tmp_path / "r3", {}, page_cache=cache,
                   page_inputs={"a": "k1-new", "b": "k2-new"})
    got = {f.name: f.read_text(encoding="utf-8") for f in (tmp_path / "r3" / "articles").iterdir()}
    assert not any(v == "from the cache" for v in got.values())
    assert len(list(cache.glob("*.html"))) == 2
    # with the cache, the pages are the same bytes as without it
    render_reports(frames, arts, codebook, tmp_path / "r4", {})
    for f in (tmp_path / "r4" / "articles").iterdir():
        assert f.read_bytes() == (tmp_path / "r3" / "articles" / f.name).read_bytes()


def test_stage_jobs_and_the_warm_up_give_the_same_keys(tmp_path, annotate):
    # the key chain is computed in two places: the NLP warm-up (annotate_all) and the stage
    # jobs (chain_keys); cached results are found only while both agree
    from framing.annotators import annotate_all
    from framing.stages import chain_keys

    res = Resources(CFG / "actors.yaml", CFG / "reporting_verbs.yaml", CFG / "codebook.yaml",
                    CFG / "sentiment_lexicon.tsv", None, CFG / "frames.yaml")
    anns = res.annotators()
    warm = annotate_all(annotate(TEXT), "doc-key", anns, tmp_path)
    assert warm == chain_keys(anns, "doc-key")
    assert len(set(warm.values())) == len(anns)
