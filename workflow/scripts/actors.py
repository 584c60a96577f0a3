from framing.stages import run_actors
from framing.workflow import logged

with logged(snakemake, "actors") as log:
    n = run_actors(snakemake.input.manifest, snakemake.input.registry,
                   snakemake.output.mentions, snakemake.output.actors)
    log.info("%d actor mention(s)", n)
