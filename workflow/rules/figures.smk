rule figures:
    priority: 10  # the annotation chain first; provenance and input checks fill idle cores
    input:
        articles=rules.ingest.output.table,
        segments=rules.ingest.output.segments,
        devices=rules.devices.output.devices,
        sentiment=rules.sentiment.output.actors,
        stance=rules.sentiment.output.stance,
        sv_frames=rules.frames.output.sv_frames,
        mfc_frames=rules.frames.output.mfc_frames,
        reliability=reliability_table(),
        codebook=RES["codebook"],
    output:
        report(
            directory(f"{REPORTS}/figures"),
            patterns=["corpus/{figure}.png"],
            caption="../report/figures.rst",
            category="Figures",
        ),
    params:
        code=code_version("figures.py", "figplan.py"),
        per_article_max=config["figures"]["per_article_max"],
    threads: side_by_side_threads()  # runs beside report; cluster profiles set their own
    resources:
        mem_mb=lambda wc, threads: 1000 + 500 * threads,
        runtime=60,
    log:
        f"{LOGS}/figures.log",
    conda:
        "../envs/framing.yaml"
    script:
        "../scripts/figures.py"
