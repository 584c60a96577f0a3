from framing.codebook import validate_codebook

# A codebook error (file:line: device "id": …) stops the run here, before any article is processed.
validate_codebook(RES["codebook"])


rule devices:
    input:
        manifest=rules.nlp.output.manifest,
        codebook=RES["codebook"],
        mentions=rules.actors.output.mentions,
        quotes=rules.quotes.output.quotes,
    output:
        devices=f"{PROCESSED}/devices.parquet",
    params:
        code=code_version("devices.py", "codebook.py", "lemmas.py", "yamlio.py"),
    log:
        f"{LOGS}/devices.log",
    conda:
        "../envs/framing.yaml"
    script:
        "../scripts/devices.py"
