# Validation against human coding (explicit targets, not part of `all`):
#   snakemake --cores 2 coding_sheet   blind, stratified coding sheet (CSV + printable HTML)
#   snakemake --cores 2 validate       reliability of the machine codes against human coding
rule coding_sheet:
    input:
        articles=rules.ingest.output.articles,
        sentences=rules.nlp.output.sentences,
        table=rules.ingest.output.table,
        devices=rules.devices.output.devices,
        quotes=rules.actors.output.quotes,
        sentiment=rules.sentiment.output.actors,
        codebook=RES["codebook"],
        frames=optional_tables,
    output:
        csv=f"{REPORTS}/validation/coding_sheet.csv",
        html=f"{REPORTS}/validation/coding_sheet.html",
    params:
        sentences=VALIDATION_SAMPLE.get("sentences", 60),
        articles=VALIDATION_SAMPLE.get("articles", 20),
        seed=VALIDATION_SAMPLE.get("seed", 0),
        min_mentions=VALIDATION_SAMPLE.get("min_mentions", 2),
        code=code_version("validation.py"),
    log:
        f"{LOGS}/coding_sheet.log",
    conda:
        "../envs/framing.yaml"
    script:
        "../scripts/coding_sheet.py"


rule validate:
    input:
        coding=VALIDATION.get("coding", "validation/example/coding.csv"),
        sentences=rules.nlp.output.sentences,
        table=rules.ingest.output.table,
        devices=rules.devices.output.devices,
        quotes=rules.actors.output.quotes,
        sentiment=rules.sentiment.output.actors,
        codebook=RES["codebook"],
        frames=optional_tables,
    output:
        table=f"{PROCESSED}/reliability.parquet",
        csv=f"{PROCESSED}/reliability.csv",
        md=f"{REPORTS}/validation/reliability.md",
        html=f"{REPORTS}/validation/reliability.html",
    params:
        min_units=VALIDATION.get("min_units", 10),
        code=code_version("validation.py"),
    log:
        f"{LOGS}/validate.log",
    conda:
        "../envs/framing.yaml"
    script:
        "../scripts/validate.py"
