rule ingest:
    input:
        raw_files(),
    output:
        articles=f"{PROCESSED}/articles.jsonl",
        table=f"{PROCESSED}/articles.parquet",
        segments=f"{PROCESSED}/segments.parquet",
        boilerplate=f"{PROCESSED}/boilerplate.parquet",
        rejected=f"{PROCESSED}/rejected.parquet",
    params:
        extra_boilerplate=config.get("ingest", {}).get("extra_boilerplate", []),
        max_bytes=config.get("ingest", {}).get("max_bytes", 5_000_000),
        max_batch_bytes=config.get("ingest", {}).get("max_batch_bytes", 200_000_000),
        untracked=untracked_raw(),
        code=code_version("ingest.py", "stages.py", "tables.py"),
    resources:
        mem_mb=1000,
        runtime=30,
    log:
        f"{LOGS}/ingest.log",
    conda:
        "../envs/framing.yaml"
    script:
        "../scripts/ingest.py"


rule check_inputs:
    input:
        rejected=rules.ingest.output.rejected,
    output:
        f"{PROCESSED}/inputs_ok",
    resources:
        mem_mb=500,
        runtime=5,
    log:
        f"{LOGS}/check_inputs.log",
    conda:
        "../envs/framing.yaml"
    script:
        "../scripts/check_inputs.py"
