rule nlp:
    priority: 10  # the annotation chain first; provenance and input checks fill idle cores
    input:
        articles=rules.ingest.output.articles,
    output:
        manifest=f"{PROCESSED}/nlp/docs.tsv",
        sentences=f"{PROCESSED}/sentences.parquet",
    params:
        code=code_version("nlp.py", "lemmas.py", "slovnet_exec.py", "razdel_tokens.py", "stages.py",
                          "annotators.py"),
    threads: 64  # capped at --cores when run locally; cluster profiles set their own
    resources:
        mem_mb=lambda wc, threads: 1200 + 600 * threads,
        runtime=240,
    log:
        f"{LOGS}/nlp.log",
    conda:
        "../envs/framing.yaml"
    script:
        "../scripts/nlp.py"
