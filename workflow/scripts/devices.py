from framing.stages import run_devices
from framing.workflow import logged

with logged(snakemake, "devices") as log:
    n = run_devices(snakemake.input.manifest, snakemake.input.codebook, snakemake.output.devices,
                    registry_path=snakemake.input.registry, verbs_path=snakemake.input.verbs)
    log.info("%d device hit(s)", n)
