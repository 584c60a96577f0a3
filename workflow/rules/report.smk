report: "../report/workflow.rst"


rule report:
    priority: 10  # the annotation chain first; provenance and input checks fill idle cores
    input:
        articles=rules.ingest.output.articles,
        table=rules.ingest.output.table,
        segments=rules.ingest.output.segments,
        rejected=rules.ingest.output.rejected,
        mentions=rules.actors.output.mentions,
        actors=rules.actors.output.actors,
        quotes=rules.actors.output.quotes,
        devices=rules.devices.output.devices,
        sentiment=rules.sentiment.output.actors,
        stance=rules.sentiment.output.stance,
        stance_corpus=rules.sentiment.output.stance_corpus,
        sv_items=rules.frames.output.sv_items,
        sv_frames=rules.frames.output.sv_frames,
        mfc_frames=rules.frames.output.mfc_frames,
        entman=rules.frames.output.entman,
        reliability=reliability_table(),
        result_keys=[
            rules.nlp.output.manifest,
            rules.actors.output.result_keys,
            rules.actors.output.quote_keys,
            rules.devices.output.result_keys,
            rules.sentiment.output.result_keys,
            rules.frames.output.result_keys,
        ],
        resources=list(RES.values()),
        codebook=RES["codebook"],
    output:
        # the index pages are staged: publish moves them into place once the figures exist
        index=temp(f"{STAGING}/index.html"),
        index_md=temp(f"{STAGING}/index.md"),
        articles=report(
            directory(f"{REPORTS}/articles"),
            patterns=["{article}.md"],
            caption="../report/articles.rst",
            category="Reports",
            subcategory="Articles",
        ),
    params:
        code=code_version("report.py", "figures.py", "figplan.py", "annotators.py"),
        per_article_max=config["figures"]["per_article_max"],
    threads: side_by_side_threads()  # runs beside figures; cluster profiles set their own
    resources:
        mem_mb=lambda wc, threads: 1500 + 500 * threads,
        runtime=60,
    log:
        f"{LOGS}/report.log",
    conda:
        "../envs/framing.yaml"
    script:
        "../scripts/report.py"


# The report's pages are written from the figure plan while the figures are drawn (one core
# each); the index pages, which link both, appear in reports/ only once both jobs are done:
# moved from the staging folder (a rename: whole or not at all), index.md first, index.html,
# the report's entry point, last.  A script, not a shell line: no file name meets a shell.
rule publish:
    priority: 10  # the annotation chain first; provenance and input checks fill idle cores
    localrule: True
    input:
        index=rules.report.output.index,
        index_md=rules.report.output.index_md,
        articles=rules.report.output.articles,
        figures=rules.figures.output[0],
    output:
        index=report(
            f"{REPORTS}/index.html",
            caption="../report/index.rst",
            category="Reports",
        ),
        index_md=report(
            f"{REPORTS}/index.md",
            caption="../report/index_md.rst",
            category="Reports",
        ),
    log:
        f"{LOGS}/publish.log",
    conda:
        "../envs/framing.yaml"
    resources:
        mem_mb=200,
        runtime=1,
    script:
        "../scripts/publish.py"


# Provenance records the inputs (articles, resources, config, package versions), so it runs
# beside the annotation, not after the report: one job fewer on an incremental run's path.
rule provenance:
    input:
        articles=rules.ingest.output.table,
        resources=list(RES.values()),
    output:
        report(
            f"{PROCESSED}/provenance.json",
            caption="../report/provenance.rst",
            category="Provenance",
        ),
    params:
        config=config,
        resources=RES,
    resources:
        mem_mb=500,
        runtime=5,
    log:
        f"{LOGS}/provenance.log",
    conda:
        "../envs/framing.yaml"
    script:
        "../scripts/provenance.py"
