rule devices:
    priority: 10  # the annotation chain first; provenance and input checks fill idle cores
    input:
        manifest=rules.nlp.output.manifest,
        codebook=RES["codebook"],
        # the actor and quote results it reads are keyed by these (see stage_code)
        registry=RES["actors"],
        verbs=RES["reporting_verbs"],
    output:
        devices=f"{PROCESSED}/devices.parquet",
        result_keys=f"{PROCESSED}/devices.keys.tsv",
    params:
        code=stage_code("devices"),
    resources:
        mem_mb=2000,
        runtime=60,
    log:
        f"{LOGS}/devices.log",
    conda:
        "../envs/framing.yaml"
    script:
        "../scripts/devices.py"
