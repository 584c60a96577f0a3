from pathlib import Path

from framing.frames import run_frames
from framing.workflow import logged

with logged(snakemake, "frames") as log:
    model = list(snakemake.input.model)
    counts = run_frames(snakemake.input.manifest, snakemake.input.frames,
                        Path(snakemake.output.sv_items).parent,
                        registry_path=snakemake.input.registry,
                        verbs_path=snakemake.input.verbs, lexicon_path=snakemake.input.lexicon,
                        model_dir=Path(model[0]).parent if model else None)
    log.info("rows: %s", ", ".join(f"{k} {v}" for k, v in counts.items()))
