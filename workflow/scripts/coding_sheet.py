from framing.validation import input_tables, run_coding_sheet
from framing.workflow import logged

with logged(snakemake, "coding_sheet") as log:
    p, inp, out = snakemake.params, snakemake.input, snakemake.output
    sheet = run_coding_sheet(input_tables(inp), inp.articles, inp.codebook, out.csv, out.html,
                             p.sentences, p.articles, p.seed, p.min_mentions)
    log.info("%d unit(s), %d row(s) to code → %s", sheet.unit.nunique(), len(sheet), out.html)
