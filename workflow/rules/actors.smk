rule actors:
    input:
        manifest=rules.nlp.output.manifest,
        registry=RES["actors"],
    output:
        mentions=f"{PROCESSED}/mentions.parquet",
        actors=f"{PROCESSED}/actors.parquet",
        result_keys=f"{PROCESSED}/actors.keys.tsv",
    params:
        code=code_version("actors.py", "annotators.py", "stages.py", "lexmatch.py", "lemmas.py", "yamlio.py"),
    resources:
        mem_mb=2000,
        runtime=60,
    log:
        f"{LOGS}/actors.log",
    conda:
        "../envs/framing.yaml"
    script:
        "../scripts/actors.py"
