from pathlib import Path

from framing import __version__, tables
from framing.codebook import load_codebook
from framing.ingest import read_articles
from framing.report import STATE_FILE, render_reports, report_provenance
from framing.workflow import logged

with logged(snakemake, "report") as log:
    inp = snakemake.input
    frames = {
        "articles": tables.read_table(inp.table),
        "segments": tables.read_table(inp.segments),
        "rejected": tables.read_table(inp.rejected),
        "mentions": tables.read_table(inp.mentions),
        "actors": tables.read_table(inp.actors),
        "quotes": tables.read_table(inp.quotes),
        "devices": tables.read_table(inp.devices),
        "actor_sentiment": tables.read_table(inp.sentiment),
        "stance": tables.read_table(inp.stance),
        "stance_corpus": tables.read_table(inp.stance_corpus),
    }
    cb = load_codebook(Path(inp.codebook))
    out = Path(snakemake.output.index).parent
    resources = {k: Path(v) for k, v in snakemake.config["resources"].items()}
    state = Path(snakemake.config["processed_dir"]) / STATE_FILE
    written = render_reports(frames, read_articles(Path(inp.articles)), cb, out,
                             report_provenance(cb, resources, __version__), state_path=state)
    log.info("%d report file(s)", len(written))
