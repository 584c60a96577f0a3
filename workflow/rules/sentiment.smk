rule sentiment:
    priority: 10  # the annotation chain first; provenance and input checks fill idle cores
    input:
        manifest=rules.nlp.output.manifest,
        # the actor and quote results it reads are keyed by these (see stage_code)
        registry=RES["actors"],
        verbs=RES["reporting_verbs"],
        lexicon=RES["sentiment_lexicon"],
        model=sentiment_model_files(),
    output:
        mentions=f"{PROCESSED}/mention_sentiment.parquet",
        result_keys=f"{PROCESSED}/sentiment.keys.tsv",
        actors=f"{PROCESSED}/actor_sentiment.parquet",
        stance=f"{PROCESSED}/stance.parquet",
        stance_corpus=f"{PROCESSED}/stance_corpus.parquet",
    params:
        code=stage_code("sentiment"),
    resources:
        mem_mb=2500,
        runtime=60,
    log:
        f"{LOGS}/sentiment.log",
    conda:
        "../envs/framing.yaml"
    script:
        "../scripts/sentiment.py"


rule train_sentiment:
    input:
        data=config.get("datasets", {}).get("rusentne_train", "missing-rusentne-train.csv"),
        lexicon=RES["sentiment_lexicon"],
    output:
        model="models/sentiment/model.json",
        weights="models/sentiment/weights.npz",
        card="models/sentiment/MODEL_CARD.md",
    params:
        code=code_version("sentiment_model.py", "sentiment_cnn.py", "train_cnn.py",
                          "evaluate.py", "sentiment.py"),
    resources:
        mem_mb=4000,
        runtime=120,
    log:
        f"{LOGS}/train_sentiment.log",
    conda:
        "../envs/framing.yaml"
    script:
        "../scripts/train_sentiment.py"


rule opinions:
    input:
        manifest=rules.nlp.output.manifest,
        mentions=rules.actors.output.mentions,
        quotes=rules.actors.output.quotes,
        sentiment=rules.sentiment.output.mentions,
        lexicon=RES["sentiment_lexicon"],
    output:
        opinions=f"{PROCESSED}/opinions.jsonl",
    params:
        code=code_version("opinions.py", "sentiment.py", "stance.py"),
    log:
        f"{LOGS}/opinions.log",
    conda:
        "../envs/framing.yaml"
    script:
        "../scripts/opinions.py"
