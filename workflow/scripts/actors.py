from framing.stages import run_actors, run_quotes
from framing.workflow import logged

with logged(snakemake, "actors") as log:
    out = snakemake.output
    n = run_actors(snakemake.input.manifest, snakemake.input.registry, out.mentions, out.actors)
    log.info("%d actor mention(s)", n)
    n = run_quotes(snakemake.input.manifest, snakemake.input.verbs, out.quotes,
                   registry_path=snakemake.input.registry)
    log.info("%d quote(s)", n)
