from framing.stages import check_rejected

check_rejected(snakemake.input.rejected, snakemake.output[0])
