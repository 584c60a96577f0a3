from framing.stages import run_quotes
from framing.workflow import logged

with logged(snakemake, "quotes") as log:
    n = run_quotes(snakemake.input.manifest, snakemake.input.mentions, snakemake.input.verbs,
                   snakemake.input.registry, snakemake.output.quotes)
    log.info("%d quote(s)", n)
