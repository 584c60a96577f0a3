rule figures:
    input:
        articles=rules.ingest.output.table,
        segments=rules.ingest.output.segments,
        devices=rules.devices.output.devices,
        sentiment=rules.sentiment.output.actors,
        stance=rules.sentiment.output.stance,
        codebook=RES["codebook"],
    output:
        report(
            directory(f"{REPORTS}/figures"),
            patterns=["corpus/{figure}.png"],
            caption="../report/figures.rst",
            category="Figures",
        ),
    params:
        code=code_version("figures.py"),
    threads: workflow.cores
    log:
        f"{LOGS}/figures.log",
    conda:
        "../envs/framing.yaml"
    script:
        "../scripts/figures.py"
