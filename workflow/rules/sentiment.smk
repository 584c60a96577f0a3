rule sentiment:
    input:
        manifest=rules.nlp.output.manifest,
        mentions=rules.actors.output.mentions,
        quotes=rules.quotes.output.quotes,
        lexicon=RES["sentiment_lexicon"],
    output:
        mentions=f"{PROCESSED}/mention_sentiment.parquet",
        actors=f"{PROCESSED}/actor_sentiment.parquet",
    params:
        code=code_version("sentiment.py"),
    log:
        f"{LOGS}/sentiment.log",
    conda:
        "../envs/framing.yaml"
    script:
        "../scripts/sentiment.py"
