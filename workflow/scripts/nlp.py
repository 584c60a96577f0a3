from framing.stages import run_nlp
from framing.workflow import logged

with logged(snakemake, "nlp") as log:
    stats = run_nlp(snakemake.input.articles, snakemake.output.manifest,
                    snakemake.output.sentences, workers=snakemake.threads)
    log.info("annotated %(annotated)d article(s), reused %(reused)d from the cache", stats)
