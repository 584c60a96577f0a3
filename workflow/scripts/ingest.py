from pathlib import Path

from framing.ingest import DEFAULT_BOILERPLATE
from framing.stages import run_ingest
from framing.workflow import logged

with logged(snakemake, "ingest") as log:
    extra = list(snakemake.params.extra_boilerplate)
    n, rejected = run_ingest(
        Path(snakemake.config["raw_dir"]),
        Path(snakemake.output.articles),
        Path(snakemake.output.table).parent,
        list(DEFAULT_BOILERPLATE) + extra,
        max_bytes=int(snakemake.params.max_bytes),
        max_batch_bytes=int(snakemake.params.max_batch_bytes),
    )
    log.info("%d article(s) ingested, %d input(s) rejected", n, rejected)
