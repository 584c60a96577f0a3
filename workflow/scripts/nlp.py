from framing.annotators import Resources
from framing.resources import sentiment_model_dir
from framing.stages import run_nlp
from framing.workflow import logged

res = snakemake.config["resources"]
# resources for the warm-up: new Docs are annotated by every later stage while in memory
warm = Resources(registry=res["actors"], verbs=res["reporting_verbs"], codebook=res["codebook"],
                 lexicon=res["sentiment_lexicon"],
                 model_dir=sentiment_model_dir(snakemake.config.get("sentiment_model")),
                 frames=res["frames"])

with logged(snakemake, "nlp") as log:
    stats = run_nlp(snakemake.input.articles, snakemake.output.manifest,
                    snakemake.output.sentences, workers=snakemake.threads, warm=warm)
    log.info("annotated %(annotated)d article(s), reused %(reused)d from the cache", stats)
