rule frames:
    priority: 10  # the annotation chain first; provenance and input checks fill idle cores
    input:
        manifest=rules.nlp.output.manifest,
        frames=RES["frames"],
        mentions=rules.actors.output.mentions,
        quotes=rules.actors.output.quotes,
        stance=rules.sentiment.output.stance,
        mention_keys=rules.actors.output.result_keys,
        quote_keys=rules.actors.output.quote_keys,
        sentiment_keys=rules.sentiment.output.result_keys,
    output:
        sv_items=f"{PROCESSED}/sv_items.parquet",
        sv_frames=f"{PROCESSED}/sv_frames.parquet",
        mfc_frames=f"{PROCESSED}/mfc_frames.parquet",
        mfc_evidence=f"{PROCESSED}/mfc_evidence.parquet",
        entman=f"{PROCESSED}/entman.parquet",
        result_keys=f"{PROCESSED}/frames.keys.tsv",
    params:
        code=code_version(
            "frames.py", "codebook.py", "devices.py", "lemmas.py", "lexmatch.py", "yamlio.py",
            "annotators.py", "stages.py"
        ),
    resources:
        mem_mb=2000,
        runtime=60,
    log:
        f"{LOGS}/frames.log",
    conda:
        "../envs/framing.yaml"
    script:
        "../scripts/frames.py"
