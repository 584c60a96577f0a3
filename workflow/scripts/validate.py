from framing.validation import input_tables, run_validate, summary_lines
from framing.workflow import logged

with logged(snakemake, "validate") as log:
    inp, out = snakemake.input, snakemake.output
    res = run_validate(input_tables(inp), inp.codebook, inp.coding, out.table, out.md, out.html,
                       snakemake.params.min_units)
    lines = summary_lines(res.table)
    print("\n".join(lines), flush=True)
    for line in lines:
        log.info("%s", line)
    log.info("%d tie(s) adjudicated to the first coder; %d coded unit(s) without machine code",
             len(res.ties), len(res.unmatched))
    log.info("report: %s", out.html)
