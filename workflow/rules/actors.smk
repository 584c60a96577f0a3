# Who is who and who speaks: actor mentions, then quotes and their speakers.  One job (quotes
# need the mentions, and a job costs ~0.7 s of start-up on an incremental run); each keeps its
# own per-article cache, so editing reporting_verbs.yaml recomputes the quotes only.
rule actors:
    priority: 10  # the annotation chain first; provenance and input checks fill idle cores
    input:
        manifest=rules.nlp.output.manifest,
        registry=RES["actors"],
        verbs=RES["reporting_verbs"],
    output:
        mentions=f"{PROCESSED}/mentions.parquet",
        actors=f"{PROCESSED}/actors.parquet",
        result_keys=f"{PROCESSED}/actors.keys.tsv",
        quotes=f"{PROCESSED}/quotes.parquet",
        quote_keys=f"{PROCESSED}/quotes.keys.tsv",
    params:
        code=code_version(
            "actors.py", "quotes.py", "annotators.py", "stages.py", "lexmatch.py", "lemmas.py",
            "yamlio.py"
        ),
    resources:
        mem_mb=2000,
        runtime=60,
    log:
        f"{LOGS}/actors.log",
    conda:
        "../envs/framing.yaml"
    script:
        "../scripts/actors.py"
