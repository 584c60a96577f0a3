rule devices:
    priority: 10  # the annotation chain first; provenance and input checks fill idle cores
    input:
        manifest=rules.nlp.output.manifest,
        codebook=RES["codebook"],
        mentions=rules.actors.output.mentions,
        quotes=rules.actors.output.quotes,
        mention_keys=rules.actors.output.result_keys,
        quote_keys=rules.actors.output.quote_keys,
    output:
        devices=f"{PROCESSED}/devices.parquet",
        result_keys=f"{PROCESSED}/devices.keys.tsv",
    params:
        code=code_version("devices.py", "codebook.py", "lemmas.py", "yamlio.py", "annotators.py",
                          "stages.py"),
    resources:
        mem_mb=2000,
        runtime=60,
    log:
        f"{LOGS}/devices.log",
    conda:
        "../envs/framing.yaml"
    script:
        "../scripts/devices.py"
