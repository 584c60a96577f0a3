from pathlib import Path

from framing import __version__, tables
from framing.codebook import load_codebook
from framing.figplan import per_article_enabled, plan_figures
from framing.ingest import read_articles
from framing.report import STATE_FILE, render_reports, report_provenance
from framing.workflow import logged


def page_inputs(key_files) -> dict:
    """Article id → the keys of every per-article result its pages show (Doc and stages)."""
    from framing.annotators import read_keys

    keys = [read_keys(Path(f)) for f in key_files]
    return {aid: "|".join(k.get(aid, "") for k in keys) for aid in keys[0]}


def figures_note(n_articles: int, max_articles: int) -> str | None:
    """What article pages say when per-article figures were not drawn for this corpus."""
    if per_article_enabled(n_articles, max_articles):
        return None
    # no article count here: the note is part of every page's cache key
    return (f"Per-article figures are drawn for corpora of up to {max_articles} articles "
            "(figures.per_article_max in the config); this corpus is larger. "
            "The corpus figures are on the index page; this article's tables are below.")


def reliability_statuses(smk) -> dict:
    """Statuses of validated variables (empty unless a validation run made the table)."""
    from framing.figplan import statuses_from_table

    paths = list(smk.input.reliability)
    return statuses_from_table(tables.read_table(paths[0])) if paths else {}


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
        "sv_items": tables.read_table(inp.sv_items),
        "sv_frames": tables.read_table(inp.sv_frames),
        "mfc_frames": tables.read_table(inp.mfc_frames),
        "entman": tables.read_table(inp.entman),
    }
    cb = load_codebook(Path(inp.codebook))
    out = Path(snakemake.output.articles).parent
    resources = {k: Path(v) for k, v in snakemake.config["resources"].items()}
    state = Path(snakemake.config["processed_dir"]) / STATE_FILE
    written = render_reports(frames, read_articles(Path(inp.articles)), cb, out,
                             report_provenance(cb, resources, __version__), state_path=state,
                             status_by_variable=reliability_statuses(snakemake),
                             page_cache=state.parent / "cache" / "report",
                             page_inputs=page_inputs(inp.result_keys),
                             figures_note=figures_note(len(frames["articles"]),
                                                       snakemake.params.per_article_max),
                             workers=snakemake.threads,
                             figure_plan=plan_figures(frames, per_article_enabled(
                                 len(frames["articles"]), snakemake.params.per_article_max)),
                             index_dir=Path(snakemake.output.index).parent)
    log.info("%d report file(s)", len(written))
