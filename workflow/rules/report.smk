rule report:
    input:
        articles=rules.ingest.output.articles,
        table=rules.ingest.output.table,
        rejected=rules.ingest.output.rejected,
        mentions=rules.actors.output.mentions,
        actors=rules.actors.output.actors,
        quotes=rules.quotes.output.quotes,
        devices=rules.devices.output.devices,
        sentiment=rules.sentiment.output.actors,
        stance=rules.sentiment.output.stance,
        stance_corpus=rules.sentiment.output.stance_corpus,
        figures=rules.figures.output[0],
        codebook=RES["codebook"],
    output:
        index=f"{REPORTS}/index.html",
        index_md=f"{REPORTS}/index.md",
        articles=directory(f"{REPORTS}/articles"),
    params:
        code=code_version("report.py"),
    log:
        f"{LOGS}/report.log",
    conda:
        "../envs/framing.yaml"
    script:
        "../scripts/report.py"


rule provenance:
    input:
        articles=rules.ingest.output.table,
        resources=list(RES.values()),
        report=rules.report.output.index,
    output:
        f"{PROCESSED}/provenance.json",
    params:
        config=config,
        resources=RES,
    log:
        f"{LOGS}/provenance.log",
    conda:
        "../envs/framing.yaml"
    script:
        "../scripts/provenance.py"
