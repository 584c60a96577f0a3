"""The HTML report in a real headless Chromium (Debian's package), driven by Playwright.

Skips with a reason when Chromium or Playwright is missing; `.ci/run` installs both.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from framing import tables
from framing.ingest import read_articles
from framing.report import render_reports

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


def _report(tmp_path, root, codebook, text: str, name: str) -> Path:
    from tests.test_report import run_library

    out = run_library(tmp_path, root, text, name)
    frames = {n: tables.read_table(out / f"{n}.parquet") for n in
              ("articles", "rejected", "mentions", "actors", "quotes", "devices",
               "actor_sentiment")}
    render_reports(frames, read_articles(out / "articles.jsonl"), codebook, tmp_path / "rep",
                   {"codebook": codebook.sha256, "version": "test"})
    return tmp_path / "rep" / "articles" / f"{name}.html"


def _open(browser, path: Path):
    page = browser.new_page()
    errors, requests = [], []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("request", lambda r: requests.append(r.url))
    page.goto(path.as_uri())
    page.wait_for_load_state("load")
    return page, errors, requests


def test_report_in_chromium(browser, tmp_path, root, codebook):
    html = _report(tmp_path, root, codebook, EVIL, "evil")
    page, errors, requests = _open(browser, html)
    # no network: only the page itself and its local figures (absent figures are fine here)
    assert all(u.startswith("file://") for u in requests), requests
    assert [e for e in errors if "ERR_FILE_NOT_FOUND" not in e] == []
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
    n_rows = page.locator("h2:has-text('Framing devices') + table tbody tr").count()
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
    # tables sort on click
    first = page.locator("h2:has-text('Framing devices') + table tbody tr td").first
    page.locator("h2:has-text('Framing devices') + table th").first.click()
    page.locator("h2:has-text('Framing devices') + table th").first.click()
    assert re.fullmatch(r"\d+", first.inner_text())


def test_sample_report_screenshot(browser, tmp_path, root, codebook):
    text = (root / "data" / "raw" / "000_6710659f3c143ba2.txt").read_text(encoding="utf-8")
    html = _report(tmp_path, root, codebook, text, "sample")
    page, errors, requests = _open(browser, html)
    assert all(u.startswith("file://") for u in requests), requests
    assert page.locator(".article .cat-metaphor").count() >= 3
    ARTIFACTS.mkdir(exist_ok=True)
    page.set_viewport_size({"width": 1200, "height": 900})
    page.screenshot(path=str(ARTIFACTS / "sample_report.png"), full_page=True)
    assert (ARTIFACTS / "sample_report.png").stat().st_size > 10_000
