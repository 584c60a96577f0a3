from pathlib import Path

from framing.frames import run_frames
from framing.workflow import logged

with logged(snakemake, "frames") as log:
    counts = run_frames(snakemake.input.manifest, snakemake.input.frames,
                        snakemake.input.mentions, snakemake.input.quotes,
                        snakemake.input.stance, Path(snakemake.output.sv_items).parent)
    log.info("rows: %s", ", ".join(f"{k} {v}" for k, v in counts.items()))
