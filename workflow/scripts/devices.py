from framing.stages import run_devices
from framing.workflow import logged

with logged(snakemake, "devices") as log:
    n = run_devices(snakemake.input.manifest, snakemake.input.codebook, snakemake.input.mentions,
                    snakemake.input.quotes, snakemake.output.devices)
    log.info("%d device hit(s)", n)
