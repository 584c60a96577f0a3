"""Issue #7 end to end, on one tiny project of hostile inputs:

* the whole workflow runs with the network disabled in every Python process it starts;
* file names with spaces, quotes, ``$(…)``, backticks, semicolons, leading dashes, braces, angle
  brackets and non-ASCII letters are processed (never reaching a shell), and every HTML output
  shows hostile titles, metadata, text and file names as inert text;
* a run killed with SIGKILL during annotation, and again while drawing figures, is completed by
  ``make run``'s command, and its outputs are byte-identical to the clean run's.
"""

from __future__ import annotations

import filecmp
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from html.parser import HTMLParser
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

XSS = '"><img src=x onerror=alert(1)><script>alert("x")</script>'
TEXT = """ date 2025-12-01 Внешние силы снова пытаются вбить клин Фото: ТАСС

Клинья между союзниками вбиваются не первый год. {xss}
«Наши страны остаются надёжными партнёрами», — заявил Лавров.

По словам Лукашенко, заокеанские кураторы не добьются своего. Ссылка: javascript:alert(1)
"""

RAW: dict[str, bytes] = {
    "$(touch PWNED) `touch PWNED2`; -x.txt": TEXT.format(xss=XSS).encode("utf-8"),
    "-leading dash.txt": TEXT.format(xss="").encode("cp1251"),
    "кавычки \"q\" 'q' {w} <b>.txt": TEXT.format(xss=XSS).replace("2025-12-01", "2025-12-02")
    .encode("utf-8"),
    "batch.jsonl": "\n".join(json.dumps(r, ensure_ascii=False) for r in [
        {"id": '"><svg onload=alert(4)>', "title": "<script>alert(1)</script> Заголовок",
         "source": "<img src=x onerror=alert(2)>", "url": "javascript:alert(3)",
         "date": "32.13.2025", "text": TEXT.format(xss=XSS).split("\n", 2)[2]},
        {"id": "ok", "title": "Обычная новость", "date": "2025-12-03",
         "text": "Президент России встретился с Токаевым в Кремле."},
    ]).encode("utf-8"),
    "page.html": ("<html><head><title>&lt;script&gt;alert(5)&lt;/script&gt; Визит</title>"
                  "<script>alert(6)</script></head><body><article><p>"
                  + TEXT.format(xss="").split("\n", 2)[2].replace("\n", "</p><p>")
                  + '<a href="javascript:alert(7)">ссылка</a></p></article></body></html>'
                  ).encode("utf-8"),
}

SITECUSTOMIZE = '''
import os, socket

_MARKS = os.environ["FRAMING_TEST_MARKS"]
open(os.path.join(_MARKS, "process-%d" % os.getpid()), "w").close()


def _deny(*args, **kwargs):
    open(os.path.join(_MARKS, "ATTEMPT-%d" % os.getpid()), "a").write(repr(args)[:200] + "\\n")
    raise OSError("network access disabled by the test")


_connect, _connect_ex = socket.socket.connect, socket.socket.connect_ex


def connect(self, address):
    if self.family in (socket.AF_INET, socket.AF_INET6):
        _deny(address)
    return _connect(self, address)


def connect_ex(self, address):
    if self.family in (socket.AF_INET, socket.AF_INET6):
        _deny(address)
    return _connect_ex(self, address)


socket.socket.connect, socket.socket.connect_ex = connect, connect_ex
socket.create_connection = _deny
socket.getaddrinfo = _deny
socket.gethostbyname = _deny
'''


def make_project(tmp: Path) -> Path:
    tmp.mkdir(parents=True, exist_ok=True)
    for item in ("Snakefile", "workflow", "config"):
        src = ROOT / item
        (shutil.copytree if src.is_dir() else shutil.copy)(src, tmp / item)
    raw = tmp / "data" / "raw"
    raw.mkdir(parents=True)
    for name, content in RAW.items():
        (raw / name).write_bytes(content)
    return tmp


def outputs(project: Path) -> list[Path]:
    """Every data and report file a run writes (logs, the Doc cache, provenance excluded)."""
    found = []
    for sub in ("data/processed", "reports"):
        base = project / sub
        found += [p.relative_to(project) for p in base.rglob("*") if p.is_file()
                  and "logs" not in p.parts and "cache" not in p.parts
                  and p.name != "provenance.json"]
    return sorted(found)


@pytest.fixture(scope="module")
def offline(tmp_path_factory) -> tuple[Path, Path, subprocess.CompletedProcess]:
    """The project run once by ``make run``'s command with sockets disabled."""
    tmp = tmp_path_factory.mktemp("offline")
    project = make_project(tmp / "project")
    site, marks = tmp / "site", tmp / "marks"
    site.mkdir()
    marks.mkdir()
    (site / "sitecustomize.py").write_text(SITECUSTOMIZE, encoding="utf-8")
    path = os.pathsep.join(x for x in (str(site), os.environ.get("PYTHONPATH")) if x)
    env = {**os.environ, "PYTHONPATH": path, "FRAMING_TEST_MARKS": str(marks)}
    r = subprocess.run([sys.executable, "-m", "framing.runner", "--cores", "2"], cwd=project,
                       env=env, capture_output=True, text=True, timeout=900)
    return project, marks, r


def test_runs_with_the_network_disabled(offline):
    project, marks, r = offline
    assert r.returncode == 0, (r.stdout + r.stderr)[-3000:]
    attempts = sorted(marks.glob("ATTEMPT-*"))
    assert attempts == [], [a.read_text() for a in attempts]
    # the guard really was active: in the runner, Snakemake and each stage's script process
    assert len(list(marks.glob("process-*"))) >= 8
    assert (project / "reports" / "index.html").exists()


def test_hostile_file_names_are_processed_without_a_shell(offline):
    project, _, r = offline
    import pandas as pd

    arts = pd.read_parquet(project / "data" / "processed" / "articles.parquet")
    assert sorted(arts.source_file) == sorted(
        [n for n in RAW if not n.endswith(".jsonl")] + ["batch.jsonl", "batch.jsonl"])
    assert arts.article_id.str.fullmatch(r"[A-Za-z0-9_][A-Za-z0-9_.-]*").all()
    for aid in arts.article_id:
        assert (project / "reports" / "articles" / f"{aid}.html").exists()
    assert not list(project.rglob("PWNED*")) and not (ROOT / "PWNED").exists()
    # the bad date kept its article, was listed, and did not fail the run
    rej = pd.read_parquet(project / "data" / "processed" / "rejected.parquet")
    assert rej.level.tolist() == ["warning"] and "'32.13.2025' does not parse" in rej.error[0]
    index = (project / "reports" / "index.html").read_text(encoding="utf-8")
    assert "1 warning(s) about kept articles" in index and "32.13.2025" in index


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._in_script = tag == "script"
        if self._in_script:
            self.scripts.append("")

    def handle_endtag(self, tag):
        self._in_script = False

    def handle_data(self, data):
        if self._in_script:
            self.scripts[-1] += data


def _assert_inert(page: Path, static_source: str) -> None:
    """No element, attribute or script in ``page`` came from the data: images only from the
    figures, no event handlers, no javascript: links, scripts only the report's own code (or
    JSON data that cannot close its script element)."""
    text = page.read_text(encoding="utf-8")
    parser = _Tags()
    parser.feed(text)
    for tag, attrs in parser.tags:
        assert tag not in {"iframe", "object", "embed", "base", "form", "meta"} or (
            tag == "meta" and set(attrs) <= {"charset", "http-equiv", "content", "name"}
        ), (page.name, tag, attrs)
        if tag == "img":
            assert attrs.get("src", "").startswith(("figures/", "../figures/", "data:image/")), \
                (page.name, attrs)
        for name, value in attrs.items():
            assert not name.startswith("on"), (page.name, tag, name)
            assert not (value or "").strip().lower().startswith("javascript:"), (page, name)
    for tag, script in zip([a for t, a in parser.tags if t == "script"], parser.scripts,
                           strict=False):
        if tag.get("type") == "application/json":
            json.loads(script)
            assert "</" not in script
        else:
            assert script.strip() in static_source, (page.name, script[:200])


def test_every_html_output_shows_hostile_text_inert(offline):
    import inspect

    from framing import report

    project, _, _ = offline
    static_source = inspect.getsource(report) + report.JS  # JS as evaluated, escapes and all
    pages = sorted((project / "reports").rglob("*.html"))
    assert len(pages) >= 7
    shown = ""
    for page in pages:
        _assert_inert(page, static_source)
        html = page.read_text(encoding="utf-8")
        assert "default-src 'none'" in html  # and the page may fetch nothing
        shown += html
    for svg in sorted((project / "reports").rglob("*.svg")):
        _assert_inert(svg, "")
    # the hostile strings are there, as text
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Заголовок" in shown
    assert "&lt;img src=x onerror=alert(2)&gt;" in shown and "javascript:alert(3)" in shown
    assert "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;" in shown
    assert "$(touch PWNED) `touch PWNED2`; -x.txt" in shown
    assert "кавычки &quot;q&quot; &#x27;q&#x27; {w} &lt;b&gt;.txt" in shown


def _wait_for(predicate, proc: subprocess.Popen, timeout: float = 300) -> bool:
    t0 = time.monotonic()
    while time.monotonic() - t0 < timeout:
        if predicate():
            return True
        if proc.poll() is not None:
            return False
        time.sleep(0.01)
    return False


def _start(project: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "framing.runner", "--cores", "2"],
                            cwd=project, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)


def _kill(proc: subprocess.Popen) -> None:
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=60)


def test_sigkill_midway_then_rerun_completes_with_identical_outputs(offline, tmp_path):
    from framing.nlp import blank_vocab, load_doc

    clean, _, r = offline
    assert r.returncode == 0
    project = make_project(tmp_path / "project")
    processed = project / "data" / "processed"
    cache, manifest = processed / "nlp" / "cache", processed / "nlp" / "docs.tsv"

    # 1. killed during annotation: some Docs cached, the manifest not yet written
    proc = _start(project)
    assert _wait_for(lambda: cache.is_dir() and any(cache.glob("*.spacy")), proc)
    _kill(proc)
    assert not manifest.exists()
    assert list((project / ".snakemake" / "locks").glob("*.lock"))  # a stale lock is left
    vocab = blank_vocab()
    for f in cache.glob("*.spacy"):  # whatever was cached is whole
        assert load_doc(f, vocab).text

    # 2. killed again while figures are being drawn: Snakemake marks them incomplete
    figures = project / "reports" / "figures"
    proc = _start(project)
    assert _wait_for(lambda: figures.is_dir() and any(figures.rglob("*.png")), proc)
    _kill(proc)
    assert list((project / ".snakemake" / "incomplete").iterdir())

    # 3. the plain `make run` command completes, and no truncated file was used
    r = subprocess.run([sys.executable, "-m", "framing.runner", "--cores", "2"], cwd=project,
                       capture_output=True, text=True, timeout=900)
    assert r.returncode == 0, (r.stdout + r.stderr)[-3000:]
    assert outputs(project) == outputs(clean)
    for rel in outputs(clean):
        assert filecmp.cmp(clean / rel, project / rel, shallow=False), rel
