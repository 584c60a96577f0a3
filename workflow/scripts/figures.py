from pathlib import Path

from framing import tables
from framing.codebook import load_codebook
from framing.figures import per_article_enabled, render_all
from framing.workflow import logged


def reliability_statuses(smk) -> dict:
    """Statuses of validated variables (empty unless a validation run made the table)."""
    from framing.figures import statuses_from_table

    paths = list(smk.input.reliability)
    return statuses_from_table(tables.read_table(paths[0])) if paths else {}


with logged(snakemake, "figures") as log:
    cb = load_codebook(Path(snakemake.input.codebook))
    frames = {
        "articles": tables.read_table(snakemake.input.articles),
        "segments": tables.read_table(snakemake.input.segments),
        "devices": tables.read_table(snakemake.input.devices),
        "actor_sentiment": tables.read_table(snakemake.input.sentiment),
        "stance": tables.read_table(snakemake.input.stance),
        "sv_frames": tables.read_table(snakemake.input.sv_frames),
        "mfc_frames": tables.read_table(snakemake.input.mfc_frames),
    }
    labels = {cid: c.label_en for cid, c in cb.categories.items()}
    device_labels = {d.id: d.label_en for d in cb.devices}
    cache = Path(snakemake.config["processed_dir"]) / "figure_cache"
    written = render_all(frames, labels, Path(snakemake.output[0]), cache,
                         workers=snakemake.threads, device_labels=device_labels,
                         status_by_variable=reliability_statuses(snakemake),
                         per_article=per_article_enabled(
                             len(frames["articles"]),
                             snakemake.params.per_article_max))
    log.info("%d figure file(s)", len(written))
