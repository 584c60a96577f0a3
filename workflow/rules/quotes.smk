rule quotes:
    input:
        manifest=rules.nlp.output.manifest,
        mentions=rules.actors.output.mentions,
        mention_keys=rules.actors.output.result_keys,
        verbs=RES["reporting_verbs"],
        registry=RES["actors"],
    output:
        quotes=f"{PROCESSED}/quotes.parquet",
        result_keys=f"{PROCESSED}/quotes.keys.tsv",
    params:
        code=code_version("quotes.py", "yamlio.py", "annotators.py", "stages.py"),
    resources:
        mem_mb=2000,
        runtime=60,
    log:
        f"{LOGS}/quotes.log",
    conda:
        "../envs/framing.yaml"
    script:
        "../scripts/quotes.py"
