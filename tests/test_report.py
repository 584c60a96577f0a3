"""Reports and figures: escaping, highlighting, tables, Markdown, what changed between runs,
reliability badges, generic-frame figures; figures are reproducible."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import zipfile

import numpy as np
import pandas as pd
import pytest

from framing import figures as F
from framing import tables
from framing.figures import render_all
from framing.ingest import read_articles
from framing.report import (
    _md_cell,
    badge_html,
    highlight,
    json_for_html,
    render_reports,
    report_provenance,
)
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
TABLES = ("articles", "segments", "rejected", "mentions", "actors", "quotes", "devices",
          "actor_sentiment", "stance", "stance_corpus")


def run_library(tmp_path, root, text: str | dict[str, str], name: str = "evil"):
    """Run the library stages on one text (or {name: text}) in ``tmp_path``."""
    raw = tmp_path / "raw"
    raw.mkdir()
    texts = text if isinstance(text, dict) else {name: text}
    for n, t in texts.items():
        (raw / f"{n}.txt").write_text(t, encoding="utf-8")
    out = tmp_path / "processed"
    run_ingest(raw, out / "articles.jsonl", out)
    run_nlp(out / "articles.jsonl", out / "nlp" / "docs.tsv", out / "sentences.parquet")
    cfg = root / "config"
    run_actors(out / "nlp" / "docs.tsv", cfg / "actors.yaml", out / "mentions.parquet",
               out / "actors.parquet")
    up = {"registry_path": cfg / "actors.yaml", "verbs_path": cfg / "reporting_verbs.yaml"}
    run_quotes(out / "nlp" / "docs.tsv", cfg / "reporting_verbs.yaml", out / "quotes.parquet",
               registry_path=cfg / "actors.yaml")
    run_devices(out / "nlp" / "docs.tsv", cfg / "codebook.yaml", out / "devices.parquet", **up)
    run_sentiment(out / "nlp" / "docs.tsv", cfg / "sentiment_lexicon.tsv",
                  out / "mention_sentiment.parquet", out / "actor_sentiment.parquet",
                  stance_out=out / "stance.parquet", **up)
    return out


def read_frames(out) -> dict:
    return {n: tables.read_table(out / f"{n}.parquet") for n in TABLES
            if (out / f"{n}.parquet").exists()}


SECOND = ("Лавров раскритиковал Вашингтон.\n\nВнешние силы снова пытаются вбить клин между "
          "союзниками, заявил эксперт.")


@pytest.fixture(scope="module")
def two(tmp_path_factory, root):
    """Two small articles through the library stages (shared by the report tests)."""
    tmp = tmp_path_factory.mktemp("two")
    out = run_library(tmp, root, {"evil": EVIL, "second": SECOND})
    return out, read_frames(out)


def _subset(frames: dict, ids: set[str]) -> dict:
    return {n: (df[df.article_id.isin(ids)] if "article_id" in df else df)
            for n, df in frames.items()}


def _render(frames, out_dir, processed, codebook, ids, state=None, status=None):
    arts = [a for a in read_articles(processed / "articles.jsonl") if a.id in ids]
    return render_reports(_subset(frames, ids), arts, codebook, out_dir,
                          report_provenance(codebook, {}, "test"), state_path=state,
                          status_by_variable=status)


def test_article_text_is_escaped_and_highlights_match_table(two, tmp_path, codebook):
    out, frames = two
    reports = tmp_path / "reports"
    _render(frames, reports, out, codebook, {"evil", "second"})
    html = (reports / "articles" / "evil.html").read_text(encoding="utf-8")
    body = html.split("<main>")[1].split("</main>")[0]
    assert "<script>alert" not in body and "<img src=x" not in body and "<b>" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    assert "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;" in body
    # the evidence panel's JSON cannot close its element, and parses back to the text
    blob = body.split('id="evidence-data">')[1].split("</script>")[0]
    assert "<" not in blob and ">" not in blob
    data = json.loads(blob)
    evil_dev = frames["devices"][frames["devices"].article_id == "evil"]
    assert set(data["d"]) == {str(i) for i in evil_dev.hit_id}
    wedge = next(v for v in data["d"].values() if v["label"] == "Driving a wedge")
    assert wedge["rule"].startswith("wedge#") and wedge["definition"]
    # one highlighted device per row of the devices table
    ids = set()
    for attr in re.findall(r'data-dev="([0-9 ]+)"', body):
        ids.update(attr.split())
    assert len(evil_dev) >= 2
    assert ids == {str(i) for i in evil_dev.hit_id}
    rows = re.findall(r'<tr data-hit="(\d+)">', body)
    assert sorted(rows) == sorted(ids)
    # every table has a CSV button naming it
    assert body.count('class="csv"') == body.count("<table class=\"sortable\"")
    assert 'data-file="evil_devices.csv"' in body
    # provenance: package versions and the codebook hash
    assert "matplotlib" in body and codebook.sha256[:16] in body
    md = (reports / "articles" / "evil.md").read_text(encoding="utf-8")
    assert "Driving a wedge" in md and "- packages: " in md
    index = (reports / "index.html").read_text(encoding="utf-8")
    assert "articles/evil.html" in index and "articles/second.html" in index


def test_what_changed_since_the_last_run(two, tmp_path, codebook):
    out, frames = two
    state = tmp_path / "state.json"
    a, b = tmp_path / "a", tmp_path / "b"
    _render(frames, a, out, codebook, {"evil"}, state)
    first = (a / "index.html").read_text(encoding="utf-8")
    assert "first run on record" in first
    # same corpus again: still nothing to compare with, byte-identical page
    _render(frames, b, out, codebook, {"evil"}, state)
    assert (b / "index.html").read_text(encoding="utf-8") == first
    # a fresh project with the same input writes the same page and the same state
    state2 = tmp_path / "state2.json"
    _render(frames, tmp_path / "c", out, codebook, {"evil"}, state2)
    assert (tmp_path / "c" / "index.html").read_text(encoding="utf-8") == first
    assert state2.read_bytes() == state.read_bytes()
    # one article added: listed as new, aggregates compared
    _render(frames, a, out, codebook, {"evil", "second"}, state)
    second = (a / "index.html").read_text(encoding="utf-8")
    changed = second.split("What changed since the last run")[1].split("<h2>")[0]
    assert "1 new, 0 removed" in changed
    assert 'href="articles/second.html"' in changed
    n1 = len(frames["devices"][frames["devices"].article_id == "evil"])
    n2 = len(frames["devices"])
    assert (f'<td>device hits</td><td class="num">{n1}</td><td class="num">{n2}</td>'
            f'<td class="num"><span class="delta-up">▲ +{n2 - n1}</span></td>') in changed
    # rerunning the grown corpus keeps comparing with the previous (different) corpus
    _render(frames, b, out, codebook, {"evil", "second"}, state)
    assert (b / "index.html").read_text(encoding="utf-8") == second
    # removing it again: listed as removed
    _render(frames, a, out, codebook, {"evil"}, state)
    third = (a / "index.html").read_text(encoding="utf-8")
    assert "0 new, 1 removed" in third
    # a broken state file is named in the error
    state.write_text("{not json", encoding="utf-8")
    with pytest.raises(ValueError, match="state.json"):
        _render(frames, a, out, codebook, {"evil"}, state)


def test_reliability_badges_in_report_and_figures(two, tmp_path, codebook):
    out, frames = two
    status = {"metaphor": "unreliable", "sentiment": "tentative", "stance": "reliable"}
    reports = tmp_path / "rep"
    render_all(_subset(frames, {"evil"}), {c: v.label_en for c, v in
                                           codebook.categories.items()},
               reports / "figures", status_by_variable=status)
    _render(frames, reports, out, codebook, {"evil"}, status=status)
    html = (reports / "articles" / "evil.html").read_text(encoding="utf-8")
    head = html.split('id="devices"')[1].split("</h2>")[0]
    assert 'class="badge unreliable"' in head
    assert 'class="badge tentative"' in html.split('id="actors"')[1].split("</h2>")[0]
    # a figure on a variable marked tentative/unreliable carries the badge in its SVG text
    svg = (reports / "figures" / "evil" / "devices.svg").read_text(encoding="utf-8")
    assert "unreliable (α &lt; .667): metaphor" in svg
    svg = (reports / "figures" / "evil" / "voice.svg").read_text(encoding="utf-8")
    assert "tentative (α .667–.800): sentiment" in svg
    clean = tmp_path / "clean"
    render_all(_subset(frames, {"evil"}), {"metaphor": "Metaphor"}, clean)
    assert "α" not in (clean / "evil" / "devices.svg").read_text(encoding="utf-8")
    assert badge_html(["x"], {"x": "reliable"}) == ""
    assert badge_html(["x"], {"x": "unvalidated"}) == ""


def test_generic_frames_shown_when_present(two, tmp_path, codebook):
    out, frames = two
    sv = pd.DataFrame({"article_id": ["evil"] * 2, "frame": ["conflict", "economic"],
                       "score": [2 / 3, 0.0], "n_items": [3, 3], "n_yes": [2, 0]})
    mfc = pd.DataFrame({"article_id": ["evil"], "frame": ["security"],
                        "label": ["Security and defense"], "score": [1.5], "present": [True],
                        "n_evidence": [2], "evidence": ["<b>клин</b>"]})
    reports = tmp_path / "rep"
    fr = {**_subset(frames, {"evil"}), "sv_frames": sv, "mfc_frames": mfc}
    render_all(fr, {"m": "M"}, reports / "figures")
    arts = [a for a in read_articles(out / "articles.jsonl") if a.id == "evil"]
    render_reports(fr, arts, codebook, reports, {"codebook": "x", "version": "t"})
    html = (reports / "articles" / "evil.html").read_text(encoding="utf-8")
    assert "Generic frames" in html and "Security and defense" in html
    assert "&lt;b&gt;клин&lt;/b&gt;" in html and "<b>клин" not in html
    assert 'src="../figures/evil/sv_frames.png"' in html
    assert 'src="../figures/evil/mfc_frames.png"' in html
    index = (reports / "index.html").read_text(encoding="utf-8")
    assert "figures/corpus/sv_frames.png" in index and 'id="t-frames-outlet"' in index


def test_frames_by_outlet_table():
    from framing.report import frames_by_outlet

    fr = synthetic()
    t = frames_by_outlet(fr)
    sv = fr["sv_frames"].merge(fr["articles"], on="article_id")
    want = sv[(sv.frame == "conflict") & (sv.source == "ТАСС")].score.mean()
    row = t[(t.scheme == "S&V mean score") & (t.frame == "conflict") & (t.outlet == "ТАСС")]
    assert row.value.iloc[0] == pytest.approx(want, abs=1e-4) and row.articles.iloc[0] == 3
    row = t[(t.scheme == "MFC share present") & (t.frame == "economic") & (t.outlet == "РБК")]
    assert row.value.iloc[0] == 0.0  # РБК articles are a0, a2, a4: economic absent in all
    assert row.lo.iloc[0] <= row.value.iloc[0] <= row.hi.iloc[0]


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


def test_json_for_html_is_inert_and_round_trips():
    s = json_for_html({"x": "</script><img src=x onerror=alert(1)>&amp;"})
    assert "<" not in s and ">" not in s and "&" not in s
    assert json.loads(s)["x"] == "</script><img src=x onerror=alert(1)>&amp;"


# --- figures on synthetic data ----------------------------------------------------------------

def synthetic(n_articles: int = 6, seed: int = 0) -> dict:
    """A small corpus: two outlets, dates over two months (one undated), devices with
    targets, sentiment by voice, stance edges, S&V and MFC frames."""
    rng = np.random.default_rng(seed)
    ids = [f"a{i}" for i in range(n_articles)]
    articles = pd.DataFrame({
        "article_id": ids, "source": ["ТАСС" if i % 2 else "РБК" for i in range(n_articles)],
        "date": ["" if i == 0 else f"2025-0{1 + i % 2}-1{i}" for i in range(n_articles)],
        "title": [f"Статья {i}" for i in range(n_articles)]})
    segments = pd.DataFrame({"article_id": ids, "text": ["слово " * (200 + 50 * i)
                                                         for i in range(n_articles)]})
    cats = ["metaphor", "threat", "alliance"]
    dev = [{"article_id": a, "category": cats[j % 3], "device_id": f"d{j % 5}",
            "target": ["Россия", "США; Россия", ""][j % 3]}
           for i, a in enumerate(ids) for j in range(int(rng.integers(1, 8)))]
    sent = []
    for a in ids:
        for actor in ("Россия", "США", "Казахстан"):
            for voice in ("ALL", "AUTHOR", "Путин"):
                p, n, z = (int(x) for x in rng.integers(0, 4, 3))
                if p + n + z == 0:
                    z = 1
                sent.append({"article_id": a, "actor": actor, "actor_type": "country",
                             "voice": voice, "n_mentions": p + n + z, "n_pos": p, "n_neg": n,
                             "n_neu": z, "mean_label": (p - n) / (p + n + z),
                             "ci_low": -1.0, "ci_high": 1.0})
    stance = pd.DataFrame([
        {"article_id": a, "source": s, "target": t, "voice": "quoted", "polarity": pol,
         "n_pos": int(pol > 0) * 2, "n_neg": int(pol < 0) * 3}
        for a in ids for s, t, pol in (("AUTHOR", "США", -1), ("Путин", "Россия", 1),
                                       ("Путин", "Казахстан", 1))])
    sv = pd.DataFrame([{"article_id": a, "frame": f, "score": float(rng.integers(0, 4)) / 3,
                        "n_items": 3, "n_yes": 0} for a in ids
                       for f in ("conflict", "responsibility")])
    mfc = pd.DataFrame([{"article_id": a, "frame": f, "label": f.title(), "score": 1.0,
                         "present": bool((i + k) % 2), "n_evidence": 1, "evidence": ""}
                        for i, a in enumerate(ids) for k, f in enumerate(("economic",
                                                                          "security"))])
    return {"articles": articles, "segments": segments, "devices": pd.DataFrame(dev),
            "actor_sentiment": pd.DataFrame(sent), "stance": stance, "sv_frames": sv,
            "mfc_frames": mfc}


LABELS = {"metaphor": "Метафора", "threat": "Угроза", "alliance": "Союз"}


def test_figures_are_byte_reproducible_and_complete(tmp_path):
    frames = synthetic(3)
    a = render_all(frames, LABELS, tmp_path / "a")
    b = render_all(frames, LABELS, tmp_path / "b", workers=2)
    names = {p.relative_to(tmp_path / "a").as_posix() for p in a}
    assert {f"corpus/{k}.{e}" for k in F.CORPUS_FIGURES for e in ("png", "svg")} <= names
    assert {f"a1/{k}.svg" for k in F.ARTICLE_FIGURES} <= names
    assert len(a) == len(b) == 2 * (len(F.CORPUS_FIGURES) + 3 * len(F.ARTICLE_FIGURES))
    for x, y in zip(a, b, strict=True):
        assert x.read_bytes() == y.read_bytes(), x.name
    svg = (tmp_path / "a" / "corpus" / "timeline.svg").read_text(encoding="utf-8")
    assert "1 undated article(s) left out" in svg
    svg = (tmp_path / "a" / "corpus" / "outlets.svg").read_text(encoding="utf-8")
    assert "ТАСС (1 art.)" in svg and "РБК (2 art.)" in svg and "Метафора" in svg
    assert "<dc:date>" not in svg and "Matplotlib" not in svg.split("<svg")[0]


def test_figure_cache_reuses_unchanged_figures(tmp_path):
    frames = synthetic(3)
    del frames["sv_frames"], frames["mfc_frames"]
    cache = tmp_path / "cache"
    render_all(frames, LABELS, tmp_path / "a", cache)
    before = {p.name: p.stat().st_mtime_ns for p in cache.iterdir()}
    assert len(before) == 2 * 3 * 4  # 3 articles × 4 kinds, PNG and SVG
    # remove the first article: the others' rows move up in every table, their data does not
    frames = {k: (v[v.article_id != "a0"] if "article_id" in v else v)
              for k, v in frames.items()}
    b = render_all(frames, LABELS, tmp_path / "b", cache)
    after = {p.name: p.stat().st_mtime_ns for p in cache.iterdir()}
    assert len(after) == 2 * 2 * 4  # a0's figures left the cache
    assert all(before[n] == t for n, t in after.items())  # the others were not redrawn
    assert (tmp_path / "a" / "a1" / "devices.png").read_bytes() == \
        (tmp_path / "b" / "a1" / "devices.png").read_bytes()
    assert not (tmp_path / "b" / "a0").exists() and len(b) == 2 * (2 * 4 + 8)


def test_cluster_bootstrap_and_rates():
    est, lo, hi = F.cluster_bootstrap_ratio([1, 2, 30], [1, 1, 1], seed=3)
    assert est == 11.0 and lo < est < hi and lo >= 1.0 and hi <= 30.0
    assert F.cluster_bootstrap_ratio([1, 2, 30], [1, 1, 1], seed=3) == (est, lo, hi)
    frames = synthetic()
    words = F.word_counts(frames["segments"])
    assert words["a0"] == 200
    rates = F.device_rates(frames["devices"], frames["articles"], words, LABELS)
    tass = frames["articles"][frames["articles"].source == "ТАСС"].article_id
    n = frames["devices"].article_id.isin(tass).sum()
    assert rates[("ALL", "ТАСС")][0] == pytest.approx(1000 * n / words[tass].sum(), abs=1e-3)
    assert rates[("ALL", "ТАСС")][3] == 3


def test_voice_estimates_split_author_and_quoted():
    sent = pd.DataFrame([
        {"article_id": "x", "actor": "США", "actor_type": "country", "voice": v,
         "n_mentions": m, "n_pos": p, "n_neg": n, "n_neu": m - p - n}
        for v, m, p, n in (("ALL", 9, 3, 6), ("AUTHOR", 4, 0, 4), ("Путин", 3, 1, 2),
                           ("эксперт", 2, 2, 0))])
    actors, est = F.voice_estimates(sent)
    assert actors == ["США"]
    m, lo, hi, n = est[("США", "author")]
    assert (m, lo, hi, n) == (-1.0, -1.0, -1.0, 4)
    m, lo, hi, n = est[("США", "quoted")]
    assert n == 5 and m == pytest.approx(0.2) and lo < m < hi


def test_stance_edges_and_layout():
    stance = pd.DataFrame({"article_id": ["a", "b", "a"], "source": ["AUTHOR", "AUTHOR", "X"],
                           "target": ["США", "США", "Y"], "voice": ["author"] * 3,
                           "polarity": [-1, 1, 1], "n_pos": [0, 1, 2], "n_neg": [3, 0, 0]})
    nodes, edges = F.stance_edges(stance)
    assert nodes[0] == "AUTHOR" and set(nodes) == {"AUTHOR", "США", "X", "Y"}
    row = edges[(edges.source == "AUTHOR") & (edges.target == "США")].iloc[0]
    assert (row.n_pos, row.n_neg, row.n, row.polarity) == (1, 3, 4, -1)
    pos = F.circular_layout(nodes)
    assert pos["AUTHOR"] == (0.0, 0.0) and pos == F.circular_layout(nodes)
    assert len({pos[n] for n in nodes}) == len(nodes)


def test_frame_profiles_per_article_and_corpus(tmp_path):
    frames = synthetic()
    one = frames["sv_frames"][frames["sv_frames"].article_id == "a1"]
    F.save(F.sv_frame_profile(one, "S&V"), tmp_path / "sv1")
    svg = (tmp_path / "sv1.svg").read_text(encoding="utf-8")
    r = one[one.frame == "conflict"].iloc[0]
    assert f"{r.score:.2f}  ({r.n_yes}/{r.n_items})" in svg
    F.save(F.sv_frame_profile(frames["sv_frames"], "S&V"), tmp_path / "svc")
    assert "n=6" in (tmp_path / "svc.svg").read_text(encoding="utf-8")
    F.save(F.mfc_frame_profile(frames["mfc_frames"], "MFC",
                               status_by_variable={"mfc:security": "unreliable"}),
           tmp_path / "mfc")
    svg = (tmp_path / "mfc.svg").read_text(encoding="utf-8")
    assert "50% of 6" in svg and "Security" in svg and "unreliable" in svg
    one = frames["mfc_frames"][frames["mfc_frames"].article_id == "a0"]
    F.save(F.mfc_frame_profile(one, "MFC"), tmp_path / "mfc1")
    assert "absent" in (tmp_path / "mfc1.svg").read_text(encoding="utf-8")


def test_device_profile_keeps_the_most_frequent_devices(tmp_path):
    dev = pd.DataFrame({"category": ["m"] * 6 + ["t"] * 3,
                        "device_id": ["a", "a", "a", "b", "c", "d", "e", "e", "f"]})
    F.save(F.device_profile(dev, {"m": "Метафора", "t": "Угроза"}, {}, "x",
                            {"a": "Клин", "e": "Угроза миру"}, max_rows=3), tmp_path / "d")
    svg = (tmp_path / "d.svg").read_text(encoding="utf-8")
    assert "Клин" in svg and "Угроза миру" in svg and ">d<" not in svg
    assert "the 3 most frequent of 6 devices" in svg
    assert "Метафора (6)" in svg and "Угроза (3)" in svg  # category totals stay whole


def test_heatmap_counts_targets_split_on_semicolons():
    dev = pd.DataFrame({"category": ["m", "m", "t"], "target": ["A; B", "A", ""]})
    m = F.actor_device_matrix(dev, {"m": "M"})
    assert m.to_dict() == {"M": {"A": 2, "B": 1}}


# --- the Snakemake report bundle --------------------------------------------------------------

@pytest.mark.slow
def test_snakemake_report_bundle_builds(tmp_path, root):
    """`make report-bundle` runs `snakemake --report`; the bundle holds the marked outputs."""
    from tests.test_workflow import SAMPLE, make_project

    project = make_project(tmp_path, {SAMPLE.name: SAMPLE.read_bytes()})
    shutil.copy(root / "Makefile", project / "Makefile")
    venv = root / ".venv"
    r = subprocess.run(["make", "-o", f"{venv}/.framing-installed", "report-bundle",
                        f"VENV={venv}"],
                       cwd=project, capture_output=True, text=True, timeout=900)
    assert r.returncode == 0, r.stdout[-2000:] + r.stderr[-3000:]
    bundle = project / "reports" / "snakemake_report.zip"
    with zipfile.ZipFile(bundle) as z:
        names = z.namelist()
    assert any(n.endswith("corpus/network.png") for n in names), names[:20]
    assert any(n.endswith("/report.html") for n in names)
    assert any(n.endswith("/index.html") for n in names)  # the corpus report
    assert any(n.endswith("/000_6710659f3c143ba2.md") for n in names)  # the article's
    assert any(n.endswith("provenance.json") for n in names)
    lint = subprocess.run([sys.executable, "-m", "snakemake", "--lint"], cwd=project,
                          capture_output=True, text=True, timeout=300)
    assert lint.returncode == 0 and "good condition" in lint.stdout + lint.stderr


def test_per_article_figures_can_be_switched_off(two, tmp_path, codebook):
    """A large corpus gets corpus figures only; its article pages say why (config key)."""
    out, frames = two
    assert F.per_article_enabled(100, 100) and not F.per_article_enabled(101, 100)
    assert F.per_article_enabled(10**6, -1) and not F.per_article_enabled(1, 0)
    reports = tmp_path / "rep"
    written = render_all(frames, {"m": "M"}, reports / "figures", per_article=False)
    assert written and all(p.parent.name == "corpus" for p in written)
    note = "Per-article figures are drawn for corpora of up to 0 articles <config>"
    render_reports(frames, read_articles(out / "articles.jsonl"), codebook, reports,
                   {"codebook": "x", "version": "t"}, figures_note=note)
    html = (reports / "articles" / "evil.html").read_text(encoding="utf-8")
    assert "up to 0 articles &lt;config&gt;" in html and "<figure>" not in html
    assert "figures/corpus/devices.png" in (reports / "index.html").read_text(encoding="utf-8")


def test_cached_figures_are_linked_not_redrawn(tmp_path):
    frames = synthetic(2)
    cache = tmp_path / "cache"
    render_all(frames, LABELS, tmp_path / "a", cache)
    render_all(frames, LABELS, tmp_path / "b", cache)
    f = tmp_path / "b" / "a1" / "devices.png"
    assert f.read_bytes() == (tmp_path / "a" / "a1" / "devices.png").read_bytes()
    assert any(f.samefile(c) for c in cache.iterdir())  # a hard link, no copy


def test_pages_rendered_in_parallel_are_identical(two, tmp_path, codebook, monkeypatch):
    import framing.report as R

    out, frames = two
    arts = list(read_articles(out / "articles.jsonl"))
    prov = {"codebook": "x", "version": "t"}
    render_reports(frames, arts, codebook, tmp_path / "serial", prov)
    monkeypatch.setattr(R, "MIN_PARALLEL_PAGES", 0)
    render_reports(frames, arts, codebook, tmp_path / "pool", prov, workers=2)
    names = sorted(p.name for p in (tmp_path / "serial" / "articles").iterdir())
    assert names == sorted(p.name for p in (tmp_path / "pool" / "articles").iterdir())
    assert len(names) == 2 * len(arts)
    for n in names:
        assert ((tmp_path / "serial" / "articles" / n).read_bytes()
                == (tmp_path / "pool" / "articles" / n).read_bytes()), n
    for n in ("index.html", "index.md"):  # the index is written beside the page workers
        assert (tmp_path / "serial" / n).read_bytes() == (tmp_path / "pool" / n).read_bytes()


@pytest.mark.parametrize("right_actors", [
    ["b", "a"],            # one row each: joined directly
    ["a"],                 # "b" unmatched: merge's NaN and int -> float promotion
    ["a", "a", "b"],       # a duplicate: merge's row per match
])
def test_page_actor_join_and_order_match_pandas(right_actors):
    import framing.report as R

    left = pd.DataFrame({"article_id": "x", "actor": ["b", "a"], "n_mentions": [2, 2]},
                        index=[7, 3])
    right = pd.DataFrame({"actor": right_actors, "n_pos": range(len(right_actors)),
                          "mean_label": [0.5] * len(right_actors)})
    got = R._merge_actor(left, right)
    want = left.merge(right, on="actor", how="left")
    assert got.equals(want) and list(got.dtypes) == list(want.dtypes)
    assert got.index.equals(want.index)
    order = ["n_mentions", "actor"]
    assert R._by_mentions(got).equals(got.sort_values(order, ascending=[False, True]))
    with_nan = got.assign(n_mentions=[float("nan")] + [1.0] * (len(got) - 1))
    assert R._by_mentions(with_nan).equals(with_nan.sort_values(order,
                                                                 ascending=[False, True]))


def _pages_from_frames(frames, arts, cats, prov, fig_dir, status=None):
    """Each article's pages rendered straight from the corpus DataFrames (no page chunks,
    no records prepared by the workers): the reference the report's pages must equal."""
    import framing.report as R

    rows = {r["article_id"]: r for r in frames["articles"].to_dict("records")}
    return {a.id: (R.article_html(rows[a.id], [(s.kind, s.start, s.end) for s in a.segments],
                                  a.text, frames, cats, prov, fig_dir, status),
                   R.article_md(rows[a.id], a.text, frames, fig_dir, prov, status))
            for a in arts}


@pytest.mark.parametrize("case", ["as_is", "unmatched_actor", "duplicate_sentiment"])
def test_pages_from_chunk_records_equal_pages_from_the_tables(two, tmp_path, codebook, case):
    """The page workers hand each page its rows as records (and cut its DataFrames only when
    read); the pages equal those rendered from the corpus tables, also where the actor join
    falls back to pandas (an actor without sentiment: NaN and float counts; a duplicate
    sentiment row: one row per match)."""
    import framing.report as R

    out, frames = two
    frames = dict(frames)
    sent = frames["actor_sentiment"]
    all_rows = sent[sent.voice == "ALL"]
    assert len(all_rows) > 1
    if case == "unmatched_actor":
        frames["actor_sentiment"] = sent.drop(index=all_rows.index[0])
    elif case == "duplicate_sentiment":
        dup = all_rows.iloc[[0]].assign(mean_label=-0.5)
        frames["actor_sentiment"] = pd.concat([sent, dup]).sort_values(
            ["article_id", "actor", "voice"], kind="mergesort").reset_index(drop=True)
    arts = list(read_articles(out / "articles.jsonl"))
    prov = {"codebook": "x", "version": "t"}
    status = {"sentiment": "tentative", "stance": "unreliable", "wedge": "unreliable"}
    from framing.figplan import plan_figures

    plan = plan_figures(frames, True)  # per-article figures: their badges read the DataFrames
    assert any(plan.get(a.id) for a in arts)
    render_reports(frames, arts, codebook, tmp_path, prov, status_by_variable=status,
                   figure_plan=plan)
    colors = R.category_colors(list(codebook.categories))
    cats = {cid: {"label": c.label_en, "color": colors[cid],
                  "definitions": {d.id: d.definition for d in codebook.devices
                                  if d.category == cid}}
            for cid, c in codebook.categories.items()}
    segs = frames["segments"]
    words = R.word_counts(segs).to_dict()
    want = _pages_from_frames({**frames, "_words": words, "_figure_plan": plan}, arts, cats,
                              prov, tmp_path / "figures", status)
    assert any("<figure>" in h and "badge unreliable" in h for h, _ in want.values())
    for aid, (html_page, md_page) in want.items():
        assert (tmp_path / "articles" / f"{aid}.html").read_text(encoding="utf-8") == html_page
        assert (tmp_path / "articles" / f"{aid}.md").read_text(encoding="utf-8") == md_page
    page = want[all_rows.article_id.iloc[0]][0]
    actors = re.search(r'<table class="sortable" id="t-actors">.*?</table>', page).group(0)
    n_actors = len(frames["actors"][frames["actors"].article_id == all_rows.article_id.iloc[0]])
    if case == "duplicate_sentiment":  # one row per match, the duplicate's mean shown
        assert actors.count("<tr>") == 1 + n_actors + 1 and "<td class=\"num\">-0.50</td>" in actors
    else:
        assert actors.count("<tr>") == 1 + n_actors
    if case == "unmatched_actor":  # no sentiment: empty cells
        assert '<td class="num"></td>' in actors


def test_row_records_are_the_plain_records_of_real_tables(two):
    import framing.report as R

    _out, frames = two
    for name, df in frames.items():
        got, want = R._row_records(df), R._records(R._plain(df))
        assert str(got) == str(want), name
        assert [type(v) for r in got for v in r.values()] == \
            [type(v) for r in want for v in r.values()], name


@pytest.mark.parametrize("right_actors", [
    ["b", "a"],            # one row each: joined directly
    ["a"],                 # "b" unmatched: merge's NaN and int -> float promotion
    ["a", "a", "b"],       # a duplicate: merge's row per match
    [],                    # no sentiment rows at all
])
def test_page_actor_records_match_the_pandas_join_and_order(right_actors):
    """An article page joins and orders its actors as records; the rows are those of
    ``_by_mentions(_merge_actor(...))`` on the tables, value for value and type for type."""
    import framing.report as R

    acts = pd.DataFrame({"article_id": "x", "actor": ["b", "a", "c"], "n_mentions": [2, 2, 5],
                         "actor_type": "person"})
    acts = acts[acts.actor.isin(["a", "b"]) | (len(right_actors) != 2)]
    sent = pd.DataFrame({"article_id": "x", "actor": right_actors, "voice": "ALL",
                         "n_pos": range(len(right_actors)), "n_neg": 1, "n_neu": 0,
                         "mean_label": [0.5] * len(right_actors), "ci_low": -0.25,
                         "ci_high": 0.75, "n_mentions": 1})
    frames = {"actors": acts, "actor_sentiment": sent}
    want = R._records(R._by_mentions(R._merge_actor(acts, sent[R._ACTOR_SENTIMENT])))
    got = R._page_actors(R._records(acts), R._records(sent), frames, "x", False)
    assert str(got) == str(want)
    assert [type(v) for r in got for v in r.values()] == \
        [type(v) for r in want for v in r.values()]
    if right_actors == ["b", "a"]:  # the direct join: c has no row, so only a and b
        assert [r["actor"] for r in got] == ["a", "b"] and got[0]["n_pos"] == 1
    ordered = R._by_mention_rows(R._records(sent), frames, "actor_sentiment", "x", False)
    assert str(ordered) == str(R._records(R._by_mentions(sent)))


def test_every_corpus_figure_has_a_drawing_cost():
    """Workers take the corpus figures longest first; a kind without a cost would be last."""
    assert set(F.DRAW_COST) == set(F.CORPUS_FIGURES)
    assert max(F.DRAW_COST, key=F.DRAW_COST.get) == "heatmap"
