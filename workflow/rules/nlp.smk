rule nlp:
    input:
        articles=rules.ingest.output.articles,
    output:
        manifest=f"{PROCESSED}/nlp/docs.tsv",
        sentences=f"{PROCESSED}/sentences.parquet",
    params:
        code=code_version("nlp.py", "lemmas.py", "stages.py", "annotators.py"),
    threads: workflow.cores
    log:
        f"{LOGS}/nlp.log",
    conda:
        "../envs/framing.yaml"
    script:
        "../scripts/nlp.py"
