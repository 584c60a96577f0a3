rule figures:
    input:
        articles=rules.ingest.output.table,
        devices=rules.devices.output.devices,
        sentiment=rules.sentiment.output.actors,
        codebook=RES["codebook"],
    output:
        directory(f"{REPORTS}/figures"),
    params:
        code=code_version("figures.py"),
    threads: workflow.cores
    log:
        f"{LOGS}/figures.log",
    conda:
        "../envs/framing.yaml"
    script:
        "../scripts/figures.py"
