from pathlib import Path

from framing.evaluate import train_sentiment
from framing.workflow import logged

with logged(snakemake, "train_sentiment") as log:
    res = train_sentiment(Path(snakemake.input.data), Path(snakemake.output.model).parent,
                          lexicon_path=Path(snakemake.input.lexicon), cnn=3,
                          distil=(2.0, 0.3))  # the shipped recipe (MODEL_CARD.md)
    log.info("5-fold CV F1_PN %.2f (grouped by sentence %.2f); %d features",
             res["cv"]["f1_pn"], res["cv"]["by_sentence"]["f1_pn"], res["features"])
