rule frames:
    priority: 10  # the annotation chain first; provenance and input checks fill idle cores
    input:
        manifest=rules.nlp.output.manifest,
        frames=RES["frames"],
        # the actor, quote and sentiment results it reads are keyed by these (see stage_code)
        registry=RES["actors"],
        verbs=RES["reporting_verbs"],
        lexicon=RES["sentiment_lexicon"],
        model=sentiment_model_files(),
    output:
        sv_items=f"{PROCESSED}/sv_items.parquet",
        sv_frames=f"{PROCESSED}/sv_frames.parquet",
        mfc_frames=f"{PROCESSED}/mfc_frames.parquet",
        mfc_evidence=f"{PROCESSED}/mfc_evidence.parquet",
        entman=f"{PROCESSED}/entman.parquet",
        result_keys=f"{PROCESSED}/frames.keys.tsv",
    params:
        code=stage_code("frames"),
    resources:
        mem_mb=2500,  # loads the sentiment model if it must compute sentiment results
        runtime=60,
    log:
        f"{LOGS}/frames.log",
    conda:
        "../envs/framing.yaml"
    script:
        "../scripts/frames.py"
