from framing.workflow import publish

inp, out = snakemake.input, snakemake.output
publish([(inp.index_md, out.index_md), (inp.index, out.index)], snakemake.log[0])
