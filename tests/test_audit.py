"""The committed precision audit: audit/precision.csv is recomputable from audit/judgments.csv,
holds no corpus text, and every audited device meets the 90 % goal or is declared below it."""

from __future__ import annotations

import csv
import importlib.util
import re
import sys
from collections import defaultdict

import pytest


@pytest.fixture(scope="module")
def audit(root):
    spec = importlib.util.spec_from_file_location("audit_devices",
                                                  root / "benchmarks" / "audit_devices.py")
    mod = importlib.util.module_from_spec(spec)
    sys.modules["audit_devices"] = mod  # dataclasses look their module up
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture(scope="module")
def judgments(audit, root):
    return audit.read_judgments(root / "audit" / "judgments.csv")


@pytest.fixture(scope="module")
def precision(root) -> list[dict]:
    with (root / "audit" / "precision.csv").open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_precision_table_recomputes_from_judgments(audit, judgments, precision):
    assert precision, "audit/precision.csv is empty"
    by_dev = defaultdict(list)
    for j in judgments:
        by_dev[j.device].append(j)
    hits = {r["device"]: int(r["hits"]) for r in precision}
    cats = {r["device"]: r["category"] for r in precision}
    recomputed = audit.precision_rows(judgments, hits, cats)
    assert [{k: str(v) for k, v in r.items()} for r in recomputed] == precision
    # every judged device is in the table (nothing judged silently dropped)
    assert set(by_dev) <= set(hits)


def test_every_audited_device_has_a_full_sample(precision):
    for r in precision:
        hits, sampled = int(r["hits"]), int(r["sampled"])
        assert sampled == min(10, hits), (r["device"], "sample is not complete", r)
        assert 0 <= int(r["correct"]) <= sampled


def test_judgments_hold_ids_and_offsets_only(root, judgments):
    header = (root / "audit" / "judgments.csv").read_text(encoding="utf-8").splitlines()[0]
    assert header == "device,article_id,start,end,correct,note"
    for j in judgments:
        assert 0 <= j.start < j.end
        assert len(j.note) <= 80 and not re.search(r"[«»\"]", j.note), j


def test_audited_devices_exist_in_the_codebook(codebook, precision):
    ids = {d.id for d in codebook.devices}
    assert {r["device"] for r in precision} <= ids


def _known_below(root) -> set[str]:
    text = (root / "audit" / "README.md").read_text(encoding="utf-8")
    m = re.search(r"^## Known below 90 %\n(.*?)(?=^## |\Z)", text, re.S | re.M)
    assert m, "audit/README.md needs a '## Known below 90 %' section (it may say 'none')"
    return set(re.findall(r"^- `([a-z_]+)`", m.group(1), re.M))


def test_every_device_meets_the_goal_or_is_declared_below(root, precision):
    """The goal applies to devices audited with at least 5 hits; rows with fewer hits are
    shown for information only."""
    known = _known_below(root)
    below = {r["device"] for r in precision
             if int(r["hits"]) >= 5 and float(r["precision"]) < 0.9}
    assert below == known, (f"below 90 % but not declared: {sorted(below - known)}; "
                            f"declared but not below: {sorted(known - below)}")


@pytest.mark.slow
def test_judgments_match_current_hits(shared, root, audit):
    """With the corpus present, every judgment still points at a current hit."""
    assert audit.main(["--table", "--precision", str(root / ".cache" / "precision.csv")]) == 0


# ----------------------------------------------------------------------------- quote audit


def _benchmark_module(root, name: str):
    spec = importlib.util.spec_from_file_location(name, root / "benchmarks" / f"{name}.py")
    mod = importlib.util.module_from_spec(spec)
    sys.modules[name] = mod
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture(scope="module")
def quote_audit(root, audit):
    return _benchmark_module(root, "audit_quotes")


def test_quote_accuracy_recomputes_from_judgments(root, quote_audit):
    judgments = quote_audit.read_judgments(root / "audit" / "quote_judgments.csv")
    with (root / "audit" / "quote_accuracy.csv").open(encoding="utf-8", newline="") as fh:
        table = list(csv.DictReader(fh))
    assert judgments and table
    quotes = {r["resolution"]: int(r["quotes"]) for r in table if r["resolution"] != "all"}
    recomputed = quote_audit.accuracy_rows(judgments, quotes)
    assert [{k: str(v) for k, v in r.items()} for r in recomputed] == table
    # nothing judged silently dropped, and every stratum was read
    assert {j.resolution for j in judgments} <= set(quotes)
    assert all(int(r["sampled"]) > 0 for r in table)


def test_quote_judgments_hold_ids_and_offsets_only(root, quote_audit):
    header = (root / "audit" / "quote_judgments.csv").read_text(encoding="utf-8").splitlines()[0]
    assert header == "article_id,start,end,resolution,speaker,is_speech,speaker_ok,note"
    for j in quote_audit.read_judgments(root / "audit" / "quote_judgments.csv"):
        assert 0 <= j.start < j.end
        assert len(j.note) <= 120 and not re.search(r"[«»\"]", j.note), j


@pytest.mark.slow
def test_quote_judgments_match_current_quotes(shared, root, quote_audit):
    """With the corpus present, every judgment still points at a current quote whose speaker
    was found the same way."""
    assert quote_audit.main(["--table", "--accuracy", str(root / ".cache" / "qa.csv")]) == 0


# ----------------------------------------------------------------------------- actor audit


@pytest.fixture(scope="module")
def actor_audit(root, audit):
    return _benchmark_module(root, "audit_actors")


def test_actor_precision_recomputes_from_judgments(root, actor_audit):
    judgments = actor_audit.read_judgments(root / "audit" / "actor_judgments.csv")
    with (root / "audit" / "actor_precision.csv").open(encoding="utf-8", newline="") as fh:
        table = list(csv.DictReader(fh))
    assert judgments and table
    mentions = {r["stratum"]: int(r["mentions"]) for r in table if r["stratum"] != "all"}
    recomputed = actor_audit.precision_rows(judgments, mentions)
    assert [{k: str(v) for k, v in r.items()} for r in recomputed] == table
    assert {j.stratum for j in judgments} <= set(mentions)


def test_actor_judgments_hold_ids_and_offsets_only(root, actor_audit):
    header = (root / "audit" / "actor_judgments.csv").read_text(encoding="utf-8").splitlines()[0]
    assert header == "article_id,start,end,stratum,actor,correct,note"
    for j in actor_audit.read_judgments(root / "audit" / "actor_judgments.csv"):
        assert 0 <= j.start < j.end
        assert len(j.note) <= 120 and not re.search(r"[«»\"]", j.note), j


@pytest.mark.slow
def test_actor_judgments_match_current_mentions(shared, root, actor_audit):
    """With the corpus present, every judgment still points at a current mention of the same
    actor found the same way."""
    assert actor_audit.main(["--table", "--precision", str(root / ".cache" / "ap.csv")]) == 0
