from pathlib import Path

from framing.stages import run_provenance
from framing.workflow import logged

with logged(snakemake, "provenance"):
    run_provenance(Path(snakemake.output[0]), dict(snakemake.params.config),
                   {k: Path(v) for k, v in snakemake.params.resources.items()},
                   Path(snakemake.input.articles))
