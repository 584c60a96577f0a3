# framing: media-framing analysis pipeline.  Run `make run` (or `snakemake --cores 2`).
import os
from pathlib import Path

from snakemake.utils import min_version, validate

min_version("8.0")


configfile: "config/config.yaml"


# Jobs parallelise over articles with processes: one BLAS thread each (set before the jobs'
# Python processes import numpy; the NLP workers also enforce it with threadpoolctl).
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")


from framing.preflight import preflight, workflow_config_files
from framing.workflow import freeze_before_exit, release_scheduler_timers

# Config (file:line: key) and every resource (file, line, entry) are checked before any job.
# A passed check is remembered (keyed by the config, resources and code) and not redone.
preflight(
    config,
    workflow_config_files(workflow),
    "config/config.schema.yaml",
    stamp=Path(str(config.get("processed_dir") or "data/processed")) / ".preflight_ok",
)
validate(config, "config/config.schema.yaml")


include: "workflow/rules/common.smk"
include: "workflow/rules/ingest.smk"
include: "workflow/rules/nlp.smk"
include: "workflow/rules/actors.smk"
include: "workflow/rules/devices.smk"
include: "workflow/rules/sentiment.smk"
include: "workflow/rules/frames.smk"
include: "workflow/rules/figures.smk"
include: "workflow/rules/report.smk"
include: "workflow/rules/validation.smk"


rule all:
    input:
        f"{REPORTS}/index.html",
        rules.figures.output,
        f"{PROCESSED}/provenance.json",
        f"{PROCESSED}/inputs_ok",
        rules.frames.output,
    default_target: True


# A finished run exits at once instead of waiting up to 1 s for the scheduler's timers, and
# without the collector scanning Snakemake's modules on the way out.
onsuccess:
    release_scheduler_timers()
    freeze_before_exit()


onerror:
    release_scheduler_timers()
    freeze_before_exit()
