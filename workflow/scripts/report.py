from pathlib import Path

from framing import __version__, tables
from framing.codebook import load_codebook
from framing.ingest import read_articles
from framing.report import render_reports
from framing.workflow import logged

with logged(snakemake, "report") as log:
    inp = snakemake.input
    frames = {
        "articles": tables.read_table(inp.table),
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
    written = render_reports(frames, read_articles(Path(inp.articles)), cb, out,
                             {"codebook": cb.sha256, "version": __version__})
    log.info("%d report file(s)", len(written))
