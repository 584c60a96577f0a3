"""End to end: the Snakemake workflow on the sample, reruns, incremental adds, bad input."""

from __future__ import annotations

import filecmp
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "raw" / "000_6710659f3c143ba2.txt"

SECOND = """ date 2025-12-01 Внешние силы снова пытаются вбить клин Фото: ТАСС

Клинья между союзниками вбиваются не первый год.
«Наши страны остаются надёжными партнёрами», — заявил Лавров.

Продолжение после рекламы

По словам Лукашенко, заокеанские кураторы не добьются своего.
"""


def make_project(tmp: Path, raw_files: dict[str, bytes | str]) -> Path:
    for item in ("Snakefile", "workflow", "config"):
        src = ROOT / item
        if src.is_dir():
            shutil.copytree(src, tmp / item)
        else:
            shutil.copy(src, tmp / item)
    raw = tmp / "data" / "raw"
    raw.mkdir(parents=True)
    for name, content in raw_files.items():
        p = raw / name
        if isinstance(content, bytes):
            p.write_bytes(content)
        else:
            p.write_text(content, encoding="utf-8")
    return tmp


def snakemake(project: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "snakemake", "--cores", "2", *args],
                          cwd=project, capture_output=True, text=True, timeout=600)


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    p = make_project(tmp_path_factory.mktemp("proj"), {SAMPLE.name: SAMPLE.read_bytes()})
    r = snakemake(p)
    assert r.returncode == 0, r.stderr[-3000:]
    return p


def test_outputs_exist(project):
    processed = project / "data" / "processed"
    for name in ("articles", "sentences", "mentions", "actors", "quotes", "devices",
                 "mention_sentiment", "actor_sentiment"):
        assert (processed / f"{name}.parquet").exists(), name
        assert (processed / f"{name}.csv").exists(), name
    reports = project / "reports"
    for rel in ("index.html", "index.md", "articles/000_6710659f3c143ba2.html",
                "articles/000_6710659f3c143ba2.md",
                "figures/000_6710659f3c143ba2/devices.png",
                "figures/000_6710659f3c143ba2/sentiment.svg", "figures/corpus/devices.png"):
        assert (reports / rel).exists(), rel
    assert (processed / "provenance.json").exists()


def test_annotation_chain_outranks_side_jobs():
    """With 2 cores, the NLP job (all cores) must not wait while provenance and the input
    check (one core each) hold them: the chain from NLP to report has the higher priority,
    so Snakemake starts it first and the side jobs fill idle cores (a 1,000-article +1 run
    started NLP ~1.3 s late without it)."""
    from snakemake.api import SnakemakeApi
    from snakemake.settings.types import OutputSettings, ResourceSettings

    with SnakemakeApi(OutputSettings(quiet=True)) as api:
        wf = api.workflow(resource_settings=ResourceSettings(cores=2),
                          snakefile=ROOT / "Snakefile", workdir=ROOT)
        priority = {r.name: r.priority for r in wf._workflow.rules}
    chain = ("nlp", "actors", "devices", "sentiment", "frames", "figures", "report", "publish")
    assert min(priority[r] for r in chain) > max(priority["provenance"],
                                                 priority["check_inputs"])


def test_report_shows_exactly_the_figures_drawn(project):
    """The report is written from the figure plan (in parallel with the figures): every
    figure a page shows exists, and every article figure drawn is shown on its page."""
    import re

    reports = project / "reports"
    shown = set()
    for page in [reports / "index.html", *(reports / "articles").glob("*.html")]:
        for src in re.findall(r'<img src="([^"]+)"', page.read_text(encoding="utf-8")):
            shown.add((page.parent / src).resolve())
    drawn = {p.resolve() for p in (reports / "figures").rglob("*.png")}
    assert shown and shown <= drawn
    assert {p for p in drawn if p.parent.name != "corpus"} <= shown


def _rules(cores: int = 2) -> dict:
    from snakemake.api import SnakemakeApi
    from snakemake.settings.types import OutputSettings, ResourceSettings

    with SnakemakeApi(OutputSettings(quiet=True)) as api:
        wf = api.workflow(resource_settings=ResourceSettings(cores=cores),
                          snakefile=ROOT / "Snakefile", workdir=ROOT)
        return {r.name: r for r in wf._workflow.rules}


def test_figures_and_report_run_side_by_side_and_publish_waits_for_both():
    """The report no longer waits for the figures (its pages come from the figure plan): the
    two jobs share the cores, and the index pages appear only through ``publish``, whose
    inputs are both jobs' outputs."""
    for cores, each in ((2, 1), (8, 4), (1, 1)):
        rules = _rules(cores)
        assert rules["figures"].resources["_cores"] == rules["report"].resources["_cores"] == each
    rules = _rules()
    figures_out = {str(f) for f in rules["figures"].output}
    assert not figures_out & {str(f) for f in rules["report"].input}
    publish_in = {str(f) for f in rules["publish"].input}
    assert figures_out <= publish_in
    assert {str(f) for f in rules["report"].output} <= publish_in | {"reports/articles"}
    # no report output looks complete: the index pages are staged, not in reports/
    assert {str(f) for f in rules["report"].output if "index" in str(f)} == {
        "reports/.staging/index.html", "reports/.staging/index.md"}
    assert {str(f) for f in rules["publish"].output} == {"reports/index.html",
                                                          "reports/index.md"}


def test_index_is_published_only_once_figures_and_report_exist(project):
    """With the report's job done and the figures not drawn, no index page is in reports/;
    the next run draws the figures and moves the staged index pages into place."""
    reports = project / "reports"
    before = {n: (reports / n).read_bytes() for n in ("index.html", "index.md")}
    for n in before:
        (reports / n).unlink()
    shutil.rmtree(reports / "figures")
    r = snakemake(project, "report", "--forcerun", "report")
    assert r.returncode == 0, r.stderr[-3000:]
    assert (reports / ".staging" / "index.html").exists()
    assert (reports / "articles" / "000_6710659f3c143ba2.html").exists()
    assert not (reports / "index.html").exists() and not (reports / "index.md").exists()
    assert not (reports / "figures").exists()
    r = snakemake(project)
    assert r.returncode == 0, r.stderr[-3000:]
    assert (reports / "figures" / "corpus" / "devices.png").exists()
    assert {n: (reports / n).read_bytes() for n in before} == before
    assert not (reports / ".staging").exists()  # moved, and the empty folder removed


def test_tables_hold_the_fixture_annotations(project, expected):
    processed = project / "data" / "processed"
    devices = pd.read_parquet(processed / "devices.parquet")
    assert (devices.device_id == "wedge").sum() == 3
    mentions = pd.read_parquet(processed / "mentions.parquet")
    for actor, forms in expected["actors"].items():
        got = set(mentions[mentions.actor == actor].text)
        assert set(forms) <= got, (actor, set(forms) - got)
    articles = pd.read_parquet(processed / "articles.parquet")
    assert articles.date.tolist() == [expected["date"]]
    sents = pd.read_parquet(processed / "sentences.parquet")
    assert not sents.text.str.contains("Продолжение после рекламы").any()
    html = (project / "reports" / "articles" / "000_6710659f3c143ba2.html").read_text()
    assert "вбить клин" in html and "Продолжение после рекламы" not in html


STAGES = ("actors", "devices", "sentiment", "frames")


def test_stage_jobs_depend_on_the_nlp_job_not_on_each_other():
    """The per-article stages compute their upstream result keys themselves: each starts as
    soon as the NLP job is done (two at a time on 2 cores), and is rerun by the resource files
    of the stages it reads, which are its inputs."""
    rules = _rules()
    outs = {name: {str(f) for f in rules[name].output} for name in STAGES}
    manifest = {str(f) for f in rules["nlp"].output} & {"data/processed/nlp/docs.tsv"}
    for name in STAGES:
        ins = {str(f) for f in rules[name].input}
        assert manifest <= ins, name
        for other in STAGES:
            assert not ins & outs[other], (name, other)
        assert "config/actors.yaml" in ins, name
    for name in ("devices", "sentiment", "frames"):
        assert "config/reporting_verbs.yaml" in {str(f) for f in rules[name].input}, name
    assert "config/sentiment_lexicon.tsv" in {str(f) for f in rules["frames"].input}


def test_rerunning_the_actors_job_reruns_only_what_reads_its_tables(project):
    r = snakemake(project, "--dry-run", "--quiet", "rules", "--forcerun", "actors")
    assert r.returncode == 0, r.stdout + r.stderr
    assert planned_jobs(r.stdout + r.stderr) == {"actors", "report", "publish", "all"}


def test_second_run_does_nothing(project):
    r = snakemake(project, "--dry-run")
    assert r.returncode == 0
    assert "Nothing to be done" in r.stdout + r.stderr


def planned_jobs(output: str) -> set[str]:
    """Rule names in the 'Job stats' table of a dry run."""
    jobs, inside = set(), False
    for line in output.splitlines():
        if line.startswith("job ") and "count" in line:
            inside = True
        elif inside and line.startswith("total"):
            break
        elif inside and line.strip() and not line.startswith("---"):
            jobs.add(line.split()[0])
    return jobs


def test_editing_codebook_reruns_devices_and_downstream_only(project):
    cb = project / "config" / "codebook.yaml"
    cb.write_text(cb.read_text(encoding="utf-8") + "\n# analyst note\n", encoding="utf-8")
    r = snakemake(project, "--dry-run", "--quiet", "rules")
    assert r.returncode == 0, r.stdout + r.stderr
    assert planned_jobs(r.stdout + r.stderr) == {"devices", "figures", "report", "publish",
                                                 "provenance", "all"}


def test_editing_reporting_verbs_reruns_the_actors_rule_and_downstream(project):
    verbs = project / "config" / "reporting_verbs.yaml"
    before = verbs.read_text(encoding="utf-8")
    try:
        verbs.write_text(before + "\n# analyst note\n", encoding="utf-8")
        r = snakemake(project, "--dry-run", "--quiet", "rules")
        assert r.returncode == 0, r.stdout + r.stderr
        assert planned_jobs(r.stdout + r.stderr) == {"actors", "devices", "sentiment", "frames",
                                                     "figures", "report", "publish",
                                                     "provenance", "all"}
    finally:
        verbs.write_text(before, encoding="utf-8")


def test_outputs_are_byte_identical_across_runs(project, tmp_path):
    other = make_project(tmp_path, {SAMPLE.name: SAMPLE.read_bytes()})
    shutil.copy(project / "config" / "codebook.yaml", other / "config" / "codebook.yaml")
    r = snakemake(other)
    assert r.returncode == 0, r.stderr[-3000:]
    r = snakemake(project)  # bring the first project up to date after the codebook edit
    assert r.returncode == 0, r.stderr[-3000:]
    for sub in ("data/processed", "reports"):
        a, b = project / sub, other / sub
        files = sorted(p.relative_to(a) for p in a.rglob("*") if p.is_file()
                       and "logs" not in p.parts and "cache" not in p.parts
                       and p.name != "provenance.json")
        assert files
        for rel in files:
            assert filecmp.cmp(a / rel, b / rel, shallow=False), rel


def test_bad_file_named_and_others_still_reported(tmp_path):
    p = make_project(tmp_path, {SAMPLE.name: SAMPLE.read_bytes(), "empty.txt": b"",
                                "second.txt": SECOND, "weird.txt": b"\x00\xff\xfe" * 50})
    r = snakemake(p, "--keep-going")
    assert r.returncode != 0
    err = r.stdout + r.stderr
    assert "empty.txt: file is empty" in err
    assert "weird.txt" in err
    assert (p / "reports" / "articles" / "second.html").exists()
    assert (p / "reports" / "articles" / "000_6710659f3c143ba2.html").exists()
    index = (p / "reports" / "index.html").read_text(encoding="utf-8")
    assert "2 input(s) rejected" in index and "empty.txt" in index
    devices = pd.read_parquet(p / "data" / "processed" / "devices.parquet")
    second = devices[devices.article_id == "second"]
    assert {"wedge", "external_forces", "partner_ally", "curators"} <= set(second.device_id)
    # no output of the failed check is left looking complete
    assert not (p / "data" / "processed" / "inputs_ok").exists()


def test_adding_an_article_annotates_only_that_article(project):
    (project / "data" / "raw" / "second.txt").write_text(SECOND, encoding="utf-8")
    r = snakemake(project)
    assert r.returncode == 0, r.stderr[-3000:]
    log = (project / "data" / "processed" / "logs" / "nlp.log").read_text()
    assert "annotated 1 article(s), reused 1 from the cache" in log
    # the NLP workers annotated the new article for every later stage while its Doc was in
    # memory: the stages only reuse cached results
    for stage, rule in (("actors", "actors"), ("quotes", "actors"), ("sentiment", "sentiment"),
                        ("frames", "frames")):
        slog = (project / "data" / "processed" / "logs" / f"{rule}.log").read_text()
        assert f"{stage}: 2 article(s), 0 computed, 2 reused" in slog, slog
    arts = pd.read_parquet(project / "data" / "processed" / "articles.parquet")
    assert sorted(arts.article_id) == ["000_6710659f3c143ba2", "second"]
    # removing it removes it from every table and the index
    (project / "data" / "raw" / "second.txt").unlink()
    r = snakemake(project)
    assert r.returncode == 0, r.stderr[-3000:]
    dev = pd.read_parquet(project / "data" / "processed" / "devices.parquet")
    assert set(dev.article_id) == {"000_6710659f3c143ba2"}
    assert not (project / "reports" / "articles" / "second.html").exists()


def test_workflow_lint_is_clean():
    r = subprocess.run([sys.executable, "-m", "snakemake", "--lint"], cwd=ROOT,
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "Congratulations" in r.stdout + r.stderr


def test_opinions_rule_writes_ruopinionne_jsonl(project):
    import json

    r = snakemake(project, "data/processed/opinions.jsonl")
    assert r.returncode == 0, r.stderr[-3000:]
    path = project / "data" / "processed" / "opinions.jsonl"
    recs = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert recs and all(set(x) == {"sent_id", "text", "opinions"} for x in recs)
    got = {(o["Source"][0][0], o["Target"][0][0], o["Polarity"])
           for x in recs for o in x["opinions"]}
    assert ("AUTHOR", "США", "NEG") in got


def test_scheduler_timers_are_released_at_the_end_of_a_run():
    """The Snakefile's onsuccess/onerror handlers cancel the scheduler's pending 1-s
    re-evaluation timers (non-daemon threads the interpreter would wait for at exit), and
    no other timer."""
    import threading
    import time
    from types import SimpleNamespace

    from snakemake.scheduling.job_scheduler import JobScheduler

    from framing.workflow import release_scheduler_timers

    fake = SimpleNamespace(_open_jobs=threading.Semaphore(0))
    JobScheduler._schedule_reevalutation(fake, 60)  # as the scheduler does while waiting
    other = threading.Timer(60, lambda: None)
    other.start()
    try:
        t0 = time.perf_counter()
        assert release_scheduler_timers() == 1
        assert time.perf_counter() - t0 < 5  # joined at once, not after 60 s
        assert not fake._open_jobs.acquire(blocking=False)  # cancelled, never fired
        assert other.is_alive()
        assert release_scheduler_timers() == 0
    finally:
        other.cancel()
    text = (ROOT / "Snakefile").read_text(encoding="utf-8")
    assert text.count("release_scheduler_timers()") == 2  # onsuccess and onerror
    assert text.count("freeze_before_exit()") == 2


def test_freeze_before_exit_freezes_what_the_process_holds():
    import gc

    from framing.workflow import freeze_before_exit

    held = [[i] for i in range(10)]  # lists: tracked by the collector
    try:
        assert freeze_before_exit() >= len(held)
        assert gc.get_freeze_count() >= len(held)
    finally:
        gc.unfreeze()
    assert gc.get_freeze_count() == 0
