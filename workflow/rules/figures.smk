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
    threads: 64  # capped at --cores when run locally; cluster profiles set their own
    resources:
        mem_mb=lambda wc, threads: 1000 + 500 * threads,
        runtime=60,
    log:
        f"{LOGS}/figures.log",
    conda:
        "../envs/framing.yaml"
    script:
        "../scripts/figures.py"
