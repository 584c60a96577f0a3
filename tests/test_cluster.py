"""Cluster profiles: they parse, plan the expected jobs, and a generic-cluster run completes."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from tests.test_workflow import SAMPLE, make_project, planned_jobs, snakemake

ROOT = Path(__file__).resolve().parents[1]
PROFILES = ROOT / "workflow" / "profiles"
EXPECTED = {"ingest", "check_inputs", "nlp", "actors", "devices", "sentiment",
            "frames", "figures", "report", "publish", "provenance", "all"}
ANNOTATE = ["actors=annotate", "devices=annotate", "sentiment=annotate", "frames=annotate"]


@pytest.mark.parametrize("name,executor", [("slurm", "slurm"), ("kubernetes", "kubernetes"),
                                           ("cluster-generic", "cluster-generic")])
def test_profile_parses_and_batches_the_annotation_stages(name, executor):
    cfg = yaml.safe_load((PROFILES / name / "config.yaml").read_text(encoding="utf-8"))
    assert cfg["executor"] == executor
    # a cluster job is a batch: the per-article stages travel as one group job
    assert cfg["groups"] == ANNOTATE and cfg["group-components"] == ["annotate=4"]
    assert cfg["default-resources"]["mem_mb"] > 0


@pytest.fixture(scope="module")
def sample_project(tmp_path_factory) -> Path:
    return make_project(tmp_path_factory.mktemp("cluster"), {SAMPLE.name: SAMPLE.read_bytes()})


def test_slurm_profile_dry_run_plans_every_job(sample_project):
    r = snakemake(sample_project, "--workflow-profile", "workflow/profiles/slurm", "--dry-run")
    assert r.returncode == 0, r.stdout[-2000:] + r.stderr[-2000:]
    assert planned_jobs(r.stdout + r.stderr) == EXPECTED


def test_kubernetes_profile_dry_run_plans_every_job(sample_project, tmp_path):
    # pods share no file system: inputs are staged through the storage prefix
    store = tmp_path / "store"
    shutil.copytree(sample_project / "data" / "raw", store / "data" / "raw")
    shutil.copytree(sample_project / "config", store / "config")
    r = snakemake(sample_project, "--workflow-profile", "workflow/profiles/kubernetes",
                  "--default-storage-prefix", str(store), "--dry-run")
    assert r.returncode == 0, r.stdout[-2000:] + r.stderr[-2000:]
    assert planned_jobs(r.stdout + r.stderr) == EXPECTED


def test_generic_cluster_run_completes_with_group_jobs(sample_project):
    r = snakemake(sample_project, "--workflow-profile", "workflow/profiles/cluster-generic")
    out = r.stdout + r.stderr
    assert r.returncode == 0, out[-3000:]
    assert "Submitted group job" in out  # the four annotation rules in one submission
    assert out.count("Submitted job") + out.count("Submitted group job") == 7
    assert (sample_project / "reports" / "index.html").exists()
    assert (sample_project / "data" / "processed" / "inputs_ok").exists()
