"""Issue #7, fast checks: config and resources validated before work starts (file, line, key),
warnings vs rejections (table, exit status, report), no pickle, no shell, the run lock."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
import yaml

from framing import tables
from framing.preflight import check_config, check_resources, preflight
from framing.yamlio import ResourceError

ROOT = Path(__file__).resolve().parents[1]
SCHEMA = ROOT / "config" / "config.schema.yaml"
RU = "Заголовок\n\nМосква и Минск договорились о сотрудничестве в энергетике."


def _config(tmp_path: Path, text: str) -> tuple[dict, Path]:
    p = tmp_path / "config.yaml"
    p.write_text(text, encoding="utf-8")
    return yaml.safe_load(text), p


# ----------------------------------------------------------------------------- config/resources


def test_shipped_config_and_resources_pass_preflight(root, monkeypatch):
    monkeypatch.chdir(root)
    cfg = yaml.safe_load((root / "config" / "config.yaml").read_text(encoding="utf-8"))
    assert check_config(cfg, [Path("config/config.yaml")], SCHEMA) == []
    assert check_resources(cfg) == []


def test_passed_preflight_is_remembered_until_a_resource_changes(tmp_path, root, monkeypatch):
    import shutil

    import framing.preflight as P

    shutil.copytree(root / "config", tmp_path / "config")
    monkeypatch.chdir(tmp_path)
    cfg = yaml.safe_load(Path("config/config.yaml").read_text(encoding="utf-8"))
    stamp = tmp_path / "processed" / ".preflight_ok"
    preflight(cfg, [Path("config/config.yaml")], SCHEMA, stamp=stamp)
    assert stamp.is_file()
    calls = []
    real = P.check_resources
    monkeypatch.setattr(P, "check_resources", lambda *a: calls.append(1) or real(*a))
    preflight(cfg, [Path("config/config.yaml")], SCHEMA, stamp=stamp)
    assert calls == []  # unchanged: not checked again
    cb = Path("config/codebook.yaml")
    broken = cb.read_text(encoding="utf-8").replace("        window: 3\n", "        windw: 3\n", 1)
    cb.write_text(broken, encoding="utf-8")
    with pytest.raises(ResourceError, match="codebook.yaml"):
        preflight(cfg, [Path("config/config.yaml")], SCHEMA, stamp=stamp)
    assert calls == [1]


def test_config_errors_name_file_line_and_key(tmp_path, root):
    text = (root / "config" / "config.yaml").read_text(encoding="utf-8")
    text = text.replace("sentiment_model: packaged", "sentiment_model: 5\ncolour: red")
    text = text.replace("  max_bytes: 5000000", "  max_bytes: big")
    cfg, path = _config(tmp_path, text)
    lines = text.splitlines()
    line_of = {key: next(i for i, s in enumerate(lines, 1) if s.lstrip().startswith(key))
               for key in ("sentiment_model:", "colour:", "max_bytes:")}
    schema = yaml.safe_load(Path(SCHEMA).read_text(encoding="utf-8"))
    allowed = ", ".join(sorted(schema["properties"]))
    assert check_config(cfg, [path], SCHEMA) == [
        f"{path}:{line_of['sentiment_model:']}: sentiment_model: 5 is not of type 'string'",
        f"{path}:{line_of['colour:']}: colour: unknown key (allowed: {allowed})",
        f"{path}:{line_of['max_bytes:']}: ingest.max_bytes: 'big' is not of type 'integer'",
    ]


def test_later_config_file_and_command_line_are_blamed_for_their_values(tmp_path, root):
    base = root / "config" / "config.yaml"
    over = tmp_path / "over.yaml"
    over.write_text("ingest:\n  max_bytes: 0\n", encoding="utf-8")
    cfg = yaml.safe_load(base.read_text(encoding="utf-8"))
    cfg["ingest"]["max_bytes"] = 0
    assert check_config(cfg, [base, over], SCHEMA) == [
        f"{over}:2: ingest.max_bytes: 0 is less than the minimum of 1"]
    cfg["raw_dir"] = 7  # as if given with --config raw_dir=7
    assert "--config (command line): raw_dir: 7 is not of type 'string'" in check_config(
        cfg, [base, over], SCHEMA)


def test_resource_errors_name_file_line_and_entry(tmp_path, root, monkeypatch):
    cfg_dir = tmp_path / "config"
    shutil.copytree(root / "config", cfg_dir)
    monkeypatch.chdir(tmp_path)
    cb = cfg_dir / "codebook.yaml"
    lines = cb.read_text(encoding="utf-8").splitlines()
    wedge = next(i for i, s in enumerate(lines) if s.strip() == "- id: wedge")
    pat = next(i for i in range(wedge, len(lines)) if lines[i].strip() == "patterns:")
    lines.insert(pat + 1, '      - {near: ["вбить", "клин"], LEMA: "клин"}')
    cb.write_text("\n".join(lines) + "\n", encoding="utf-8")
    (cfg_dir / "actors.yaml").write_text("actors:\n  - id: A\n    type: planet\n    aliases: [a]\n",
                                         encoding="utf-8")
    (cfg_dir / "reporting_verbs.yaml").unlink()
    cfg = yaml.safe_load((cfg_dir / "config.yaml").read_text(encoding="utf-8"))
    cfg["ingest"]["extra_boilerplate"] = ["ok", "(unclosed"]
    problems = check_resources(cfg)
    assert problems[0].startswith(
        f'config/codebook.yaml:{pat + 2}: device "wedge": pattern 1: unknown attribute "LEMA" '
        f"(allowed for a near pattern: ")
    assert problems[1:] == [
        "config/actors.yaml, line 2, actor 'A': type must be one of "
        + re.search(r"type must be one of (.*)$", problems[1])[1],
        "config/reporting_verbs.yaml: file not found (resources.reporting_verbs in "
        "config/config.yaml)",
        "config/config.yaml: ingest.extra_boilerplate[2] '(unclosed': not a valid regular "
        "expression (missing ), unterminated subpattern at position 0)",
    ]
    with pytest.raises(ResourceError, match=r"4 problem\(s\) .*nothing was run"):
        preflight(cfg, [cfg_dir / "config.yaml"], SCHEMA)


def test_every_named_resource_must_exist(tmp_path, root, monkeypatch):
    monkeypatch.chdir(root)
    cfg = yaml.safe_load((root / "config" / "config.yaml").read_text(encoding="utf-8"))
    cfg["resources"]["stopwords"] = "config/no_such_file.txt"
    cfg["resources"]["notes"] = "README.md"
    assert check_resources(cfg) == [
        "config/no_such_file.txt: file not found (resources.stopwords in config/config.yaml)"]


def test_frames_resource_is_validated_when_the_frames_module_exists(tmp_path, root,
                                                                    monkeypatch):
    pytest.importorskip("framing.frames", reason="the frames stage is not on this branch")
    monkeypatch.chdir(root)
    cfg = yaml.safe_load((root / "config" / "config.yaml").read_text(encoding="utf-8"))
    bad = tmp_path / "frames.yaml"
    bad.write_text("colour: red\n", encoding="utf-8")
    cfg["resources"]["frames"] = str(bad)
    (problem,) = check_resources(cfg)
    assert problem.startswith(str(bad)) and "colour" in problem


def _project(tmp: Path, raw: dict[str, bytes]) -> Path:
    for item in ("Snakefile", "workflow", "config"):
        src = ROOT / item
        (shutil.copytree if src.is_dir() else shutil.copy)(src, tmp / item)
    (tmp / "data" / "raw").mkdir(parents=True)
    for name, content in raw.items():
        (tmp / "data" / "raw" / name).write_bytes(content)
    return tmp


def test_workflow_refuses_a_broken_codebook_before_any_job(tmp_path):
    p = _project(tmp_path, {"a.txt": RU.encode()})
    cb = p / "config" / "codebook.yaml"
    cb.write_text(cb.read_text(encoding="utf-8").replace("    patterns:\n",
                                                         "    patterns:\n      - {LEMA: x}\n", 1),
                  encoding="utf-8")
    r = subprocess.run([sys.executable, "-m", "snakemake", "--cores", "1"], cwd=p,
                       capture_output=True, text=True, timeout=300)
    assert r.returncode != 0
    out = r.stdout + r.stderr
    assert re.search(r'config/codebook\.yaml:\d+: device "\w+": pattern 1: .*unknown '
                     r'attribute "LEMA"', out), out[-2000:]
    assert "nothing was run" in out
    assert not (p / "data" / "processed").exists()


# ----------------------------------------------------------------------------- rejections


def test_warnings_are_listed_but_do_not_fail_the_run(tmp_path, capsys):
    from framing.stages import check_rejected, run_ingest

    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "a.txt").write_text(" date 2025-02-30 Заголовок\n\n" + RU, encoding="utf-8")
    out = tmp_path / "out"
    n, n_rejected = run_ingest(raw, out / "articles.jsonl", out)
    assert (n, n_rejected) == (1, 0)
    rej = tables.read_table(out / "rejected.parquet")
    assert rej.level.tolist() == ["warning"] and "does not parse" in rej.error[0]
    check_rejected(out / "rejected.parquet", out / "inputs_ok")
    assert (out / "inputs_ok").exists()
    assert "warning: a.txt: date '2025-02-30' does not parse" in capsys.readouterr().err
    (raw / "b.txt").write_bytes(b"")
    run_ingest(raw, out / "articles.jsonl", out)
    (out / "inputs_ok").unlink()
    with pytest.raises(SystemExit, match=r"1 input\(s\) rejected.*\n  - b.txt: file is empty"):
        check_rejected(out / "rejected.parquet", out / "inputs_ok")
    assert not (out / "inputs_ok").exists()


def _render_index(frames: dict, out: Path, codebook) -> None:
    """The corpus index of a run where no article survived (only rejections/warnings)."""
    from framing.report import render_reports

    empty = {name: tables.frame(name, []) for name in
             ("articles", "segments", "devices", "mentions", "actors", "quotes",
              "actor_sentiment", "stance", "stance_corpus")}
    render_reports({**empty, **frames}, [], codebook, out, {})


def test_index_lists_rejections_and_warnings_escaped(tmp_path, codebook):
    empty = {}
    rejected = tables.frame("rejected", [
        {"source_file": "<b>x</b>.txt", "record": None, "level": "error",
         "error": "<b>x</b>.txt: file is empty"},
        {"source_file": "d.jsonl", "record": 3, "level": "warning",
         "error": "d.jsonl (line 3): date '<script>alert(1)</script>' does not parse"},
    ])
    _render_index({**empty, "rejected": rejected}, tmp_path, codebook)
    html = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert "1 input(s) rejected" in html and "1 warning(s) about kept articles" in html
    assert "&lt;b&gt;x&lt;/b&gt;.txt: file is empty" in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>alert" not in html
    md = (tmp_path / "index.md").read_text(encoding="utf-8")
    assert "## Rejected inputs" in md and "## Warnings (articles kept)" in md


def test_index_reads_rejected_tables_without_a_level_column(tmp_path, codebook):
    frames = {"rejected": pd.DataFrame({"source_file": ["a.txt"], "record": [None],
                                        "error": ["a.txt: file is empty"]})}
    _render_index(frames, tmp_path, codebook)
    assert "1 input(s) rejected" in (tmp_path / "index.html").read_text(encoding="utf-8")


# ----------------------------------------------------------------------------- no pickle, no shell

_LOADERS = re.compile(r"\b(pickle|cPickle|joblib|dill|cloudpickle|shelve|marshal)\b|"
                      r"read_pickle|allow_pickle\s*=\s*True|torch\.load|yaml\.load\(|"
                      r"yaml\.unsafe_load|\beval\(|\bexec\(")


def test_no_pickle_or_code_loading_in_the_code():
    hits = []
    for path in sorted([*(ROOT / "src").rglob("*.py"), *(ROOT / "workflow").rglob("*.py"),
                        *(ROOT / "workflow").rglob("*.smk"), ROOT / "Snakefile"]):
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            code = line.split("#", 1)[0]
            if _LOADERS.search(code) and "SafeLoader" not in line and "never pickle" not in line \
                    and "no pickle" not in line and "without pickle" not in line:
                hits.append(f"{path.relative_to(ROOT)}:{n}: {line.strip()}")
    assert hits == []


class _Evil:
    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):
        return (Path.touch, (self.marker,))


def test_a_model_folder_with_pickled_weights_is_refused_not_executed(tmp_path):
    import numpy as np

    from framing.resources import PACKAGED_SENTIMENT_MODEL, load_sentiment_model

    model = tmp_path / "model"
    model.mkdir()
    shutil.copy(PACKAGED_SENTIMENT_MODEL / "model.json", model / "model.json")
    marker = tmp_path / "PWNED"
    np.savez(model / "weights.npz", coef=np.array([_Evil(marker)], dtype=object),
             intercept=np.zeros(3))
    with pytest.raises(ValueError, match="allow_pickle"):
        load_sentiment_model(model)
    assert not marker.exists()


def test_workflow_rules_never_use_a_shell():
    """Rules run library code through ``script:``; no file name is ever put in a shell line."""
    for smk in sorted((ROOT / "workflow" / "rules").glob("*.smk")) + [ROOT / "Snakefile"]:
        text = smk.read_text(encoding="utf-8")
        assert not re.search(r"^\s*(shell|run|notebook|wrapper):", text, re.M), smk.name
        assert "subprocess" not in text and "os.system" not in text, smk.name
    for script in (ROOT / "workflow" / "scripts").glob("*.py"):
        text = script.read_text(encoding="utf-8")
        assert "shell=True" not in text and "os.system" not in text, script.name


# ----------------------------------------------------------------------------- run lock


def test_make_run_reruns_incomplete_jobs_and_clears_stale_locks():
    from framing.runner import snakemake_command

    make = (ROOT / "Makefile").read_text(encoding="utf-8")
    run = make.split("\nrun:", 1)[1].split("\n\n", 1)[0]
    assert "-m framing.runner" in run
    cmd = snakemake_command(2, ["--dry-run"])
    assert cmd[1:] == ["-m", "snakemake", "--cores", "2", "--keep-going", "--rerun-incomplete",
                       "--dry-run"]


def test_second_run_in_the_same_folder_is_refused(tmp_path, capsys):
    from framing.runner import run, run_lock

    with run_lock(tmp_path):
        assert run(1, ["--dry-run"], project=tmp_path) == 1
    assert "another framing run is in progress" in capsys.readouterr().err


def test_report_is_written_even_when_every_input_was_rejected(tmp_path, root):
    """With no article left the index still lists the rejections (and the report job's
    ``articles/`` output exists, so Snakemake does not delete the index as incomplete)."""
    from framing.codebook import load_codebook
    from framing.report import render_reports

    frames = {name: tables.frame(name, []) for name in
              ("articles", "devices", "mentions", "quotes", "actor_sentiment", "actors", "stance",
               "stance_corpus")}
    frames["rejected"] = tables.frame("rejected", [
        {"source_file": "en.txt", "record": None, "level": "error",
         "error": "en.txt: no Russian text (no Cyrillic letters)"}])
    render_reports(frames, [], load_codebook(root / "config" / "codebook.yaml"), tmp_path, {})
    assert (tmp_path / "articles").is_dir()
    index = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert "0 article(s)" in index and "en.txt: no Russian text" in index
