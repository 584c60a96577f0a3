"""The HTML reports in a real headless Chromium (Debian's package), driven by Playwright.

Skips with a reason when Chromium or Playwright is missing; `.ci/run` installs both.
Screenshots go to ``test-artifacts/`` (not committed): look at them.
"""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest

from framing.figures import render_all
from framing.ingest import read_articles
from framing.report import render_reports, report_provenance

CHROMIUM = next((p for p in (shutil.which("chromium"), shutil.which("chromium-browser"),
                             "/usr/bin/chromium") if p and Path(p).exists()), None)
ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"

EVIL = ('Заголовок <script>window.__xss = 1</script>\n\n'
        'Внешние силы "><img src=x onerror="window.__xss=2"> пытаются вбить клин между Россией '
        'и Казахстаном. «Мы <b>союзники</b>», — заявил Путин.\n\n'
        'Бесполезно вбивать клинья между партнерами.')


@pytest.fixture(scope="module")
def browser():
    if CHROMIUM is None:
        pytest.skip("Chromium is not installed (apt-get install chromium); .ci/run installs it")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync"])
        yield b
        b.close()


def _report(tmp_path, root, codebook, text: str, name: str, figures: bool = False) -> Path:
    from tests.test_report import read_frames, run_library

    out = run_library(tmp_path, root, text, name)
    frames = read_frames(out)
    rep = tmp_path / "rep"
    if figures:
        render_all(frames, {c: v.label_en for c, v in codebook.categories.items()},
                   rep / "figures", device_labels={d.id: d.label_en for d in codebook.devices})
    render_reports(frames, read_articles(out / "articles.jsonl"), codebook, rep,
                   report_provenance(codebook, {}, "test"), state_path=out / "state.json")
    return rep / "articles" / f"{name}.html"


def _open(browser, path: Path, width: int = 1200):
    page = browser.new_page(accept_downloads=True, viewport={"width": width, "height": 900})
    errors, requests = [], []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("request", lambda r: requests.append(r.url))
    page.goto(path.as_uri())
    page.wait_for_load_state("load")
    return page, errors, requests


def _local(requests: list[str]) -> bool:
    """Only the page's own files (and blob: URLs made by the CSV button) — no network."""
    return all(u.startswith(("file://", "blob:")) for u in requests)


def _shot(page, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / name
    page.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > 10_000
    return path


def test_report_in_chromium(browser, tmp_path, root, codebook):
    html = _report(tmp_path, root, codebook, EVIL, "evil", figures=True)
    page, errors, requests = _open(browser, html)
    # no network: only the page itself and its local figures
    assert _local(requests), requests
    assert errors == []
    assert page.locator("figure img").count() >= 3
    assert page.evaluate("Array.from(document.images).every(i => i.naturalWidth > 0)")
    # hostile article text stays inert text
    assert page.evaluate("window.__xss") is None
    body = page.inner_text(".article")
    assert "<script>window.__xss = 1</script>" in body
    assert 'onerror="window.__xss=2"' in body
    assert page.locator(".article img").count() == 0
    # one highlighted device per row of the devices table
    ids = set()
    for attr in page.locator(".article [data-dev]").evaluate_all(
            "els => els.map(e => e.dataset.dev)"):
        ids.update(attr.split())
    n_rows = page.locator("#t-devices tbody tr").count()
    assert n_rows >= 3 and len(ids) == n_rows
    # toggles hide and show a category's highlights
    wedge = page.locator(".article .cat-metaphor").first
    border = "return getComputedStyle(el).borderBottomStyle"
    assert wedge.evaluate(f"el => {{ {border} }}") == "solid"
    page.locator("input[data-toggle='cat-metaphor']").uncheck()
    assert "hide-cat-metaphor" in page.evaluate("document.body.className")
    assert wedge.evaluate(f"el => {{ {border} }}") == "none"
    page.locator("input[data-toggle='cat-metaphor']").check()
    assert wedge.evaluate(f"el => {{ {border} }}") == "solid"
    page.locator("input[data-toggle='act']").uncheck()
    act = page.locator(".article .act").first
    assert act.evaluate("el => getComputedStyle(el).textDecorationLine") == "none"
    page.locator("input[data-toggle='act']").check()
    assert act.evaluate("el => getComputedStyle(el).textDecorationLine") == "underline"
    # clicking a highlight shows label, definition, rule, speaker and target in the panel,
    # and marks the device's row in the table
    assert page.locator("#info").is_hidden()
    wedge.click()
    info = page.locator("#info")
    assert info.is_visible()
    text = info.inner_text()
    assert "Driving a wedge" in text and "wedge#" in text
    assert "speaker" in text and "target" in text and "definition" in text
    hit = wedge.evaluate("el => el.dataset.dev.split(' ')[0]")
    assert page.locator(f"#t-devices tr[data-hit='{hit}']").get_attribute("class") == "hit"
    page.locator("#info-close").click()
    assert info.is_hidden()
    # tables sort on click
    first = page.locator("#t-devices tbody tr td").first
    page.locator("#t-devices th").first.click()
    page.locator("#t-devices th").first.click()
    assert re.fullmatch(r"\d+", first.inner_text())
    assert page.locator("#t-devices th").first.get_attribute("data-asc") == "0"
    # every table downloads as CSV, built in the page (works offline, from file://)
    buttons = page.locator("button.csv")
    assert buttons.count() == page.locator("table.sortable").count() >= 4
    with page.expect_download() as dl:
        page.locator("button[data-table='t-devices']").click()
    d = dl.value
    assert d.suggested_filename == "evil_devices.csv"
    raw = Path(d.path()).read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(raw)))
    assert rows[0][:3] == ["#", "category", "device"]
    assert len(rows) == n_rows + 1
    assert any("вбить клин" in r[3].lower() for r in rows[1:])
    with page.expect_download() as dl:
        page.locator("button[data-table='t-quotes']").click()
    quotes = list(csv.reader(io.StringIO(Path(dl.value.path()).read_text("utf-8-sig"))))
    assert any("<b>союзники</b>" in c for r in quotes for c in r)  # exported as text
    assert _local(requests), requests
    assert errors == []
    _shot(page, "evil_report.png")


def test_sample_report_and_index_screenshots(browser, tmp_path, root, codebook):
    text = (root / "data" / "raw" / "000_6710659f3c143ba2.txt").read_text(encoding="utf-8")
    html = _report(tmp_path, root, codebook, text, "sample", figures=True)
    page, errors, requests = _open(browser, html)
    assert _local(requests) and errors == [], (requests, errors)
    assert page.locator(".article .cat-metaphor").count() >= 3
    assert page.locator("figure img").count() == 4
    _shot(page, "sample_report.png")
    index = html.parent.parent / "index.html"
    page, errors, requests = _open(browser, index)
    assert _local(requests) and errors == [], (requests, errors)
    assert page.locator("#t-articles tbody tr").count() == 1
    assert "first run on record" in page.inner_text("main")
    assert page.evaluate("Array.from(document.images).every(i => i.naturalWidth > 0)")
    _shot(page, "sample_index.png")


@pytest.mark.slow
def test_corpus_report_of_20_articles(browser, tmp_path, shared):
    """20 real news texts from ../shared/corpora/ru-news-dev through the whole workflow; the
    corpus index compares them side by side by outlet (JSONL batch: the corpus has outlets
    but no dates)."""
    from tests.test_workflow import make_project, snakemake

    src = shared / "corpora" / "ru-news-dev" / "ru_news_dev.jsonl"
    if not src.exists():
        pytest.skip(f"{src} is absent")
    recs = [json.loads(line) for line in src.read_text(encoding="utf-8").splitlines()]
    by_source: dict[str, list[dict]] = {}
    for r in sorted(recs, key=lambda r: r["id"]):
        if 800 <= r["chars"] <= 4000:
            by_source.setdefault(r["source"], []).append(r)
    picked = []
    while len(picked) < 20 and any(by_source.values()):
        for s in sorted(by_source):
            if by_source[s] and len(picked) < 20:
                picked.append(by_source[s].pop(0))
    assert len(picked) == 20
    batch = "".join(json.dumps({"id": f"n{i:02d}", "source": r["source"], "text": r["text"]},
                               ensure_ascii=False) + "\n" for i, r in enumerate(picked))
    project = make_project(tmp_path, {"batch.jsonl": batch})
    r = snakemake(project)
    assert r.returncode == 0, r.stderr[-3000:]
    index = project / "reports" / "index.html"
    page, errors, requests = _open(browser, index)
    assert _local(requests) and errors == [], (requests, errors)
    assert page.locator("#t-articles tbody tr").count() == 20
    outlets = page.locator("#t-outlets tbody tr").count()
    assert outlets == len({r["source"] for r in picked}) >= 2
    assert page.locator("img[src='figures/corpus/outlets.png']").count() == 1
    assert page.evaluate("Array.from(document.images).every(i => i.naturalWidth > 0)")
    _shot(page, "corpus_index.png")
    devices = pd.read_csv(project / "data" / "processed" / "devices.csv")
    busiest = devices.article_id.value_counts().sort_index().idxmax()
    art = project / "reports" / "articles" / f"{busiest}.html"
    page, errors, requests = _open(browser, art)
    assert _local(requests) and errors == [], (requests, errors)
    ids = set()
    for attr in page.locator(".article [data-dev]").evaluate_all(
            "els => els.map(e => e.dataset.dev)"):
        ids.update(attr.split())
    assert len(ids) == page.locator("#t-devices tbody tr").count() >= 1
    _shot(page, "corpus_article.png")
