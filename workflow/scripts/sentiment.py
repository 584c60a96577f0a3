from pathlib import Path

from framing.stages import run_sentiment
from framing.workflow import logged

with logged(snakemake, "sentiment") as log:
    model = list(snakemake.input.model)
    model_dir = Path(model[0]).parent if model else None
    n = run_sentiment(snakemake.input.manifest, snakemake.input.lexicon,
                      snakemake.output.mentions, snakemake.output.actors, model_dir,
                      snakemake.output.stance, registry_path=snakemake.input.registry,
                      verbs_path=snakemake.input.verbs)
    log.info("%d mention(s) scored (%s)", n, f"model {model_dir}" if model_dir else "lexicon")
