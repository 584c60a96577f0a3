rule quotes:
    input:
        manifest=rules.nlp.output.manifest,
        mentions=rules.actors.output.mentions,
        verbs=RES["reporting_verbs"],
        registry=RES["actors"],
    output:
        quotes=f"{PROCESSED}/quotes.parquet",
    params:
        code=code_version("quotes.py", "yamlio.py"),
    log:
        f"{LOGS}/quotes.log",
    conda:
        "../envs/framing.yaml"
    script:
        "../scripts/quotes.py"
