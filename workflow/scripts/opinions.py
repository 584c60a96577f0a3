from framing.opinions import export_ruopinionne
from framing.workflow import logged

with logged(snakemake, "opinions") as log:
    n = export_ruopinionne(snakemake.input.manifest, snakemake.input.mentions,
                           snakemake.input.quotes, snakemake.input.sentiment,
                           snakemake.input.lexicon, snakemake.output.opinions)
    log.info("%d opinion tuple(s) written (RuOpinionNE-2024 JSONL)", n)
