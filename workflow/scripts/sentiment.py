from framing.stages import run_sentiment
from framing.workflow import logged

with logged(snakemake, "sentiment") as log:
    n = run_sentiment(snakemake.input.manifest, snakemake.input.mentions, snakemake.input.quotes,
                      snakemake.input.lexicon, snakemake.output.mentions, snakemake.output.actors)
    log.info("%d mention(s) scored", n)
