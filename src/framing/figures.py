"""Figures (matplotlib, Agg): device counts by category and sentiment toward actors.

Cyrillic-safe (DejaVu Sans ships with matplotlib), colour-blind-safe (Okabe–Ito + Tol), and
byte-reproducible: PNG and SVG are written without timestamps or software stamps.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.ticker import MaxNLocator  # noqa: E402

#: Okabe–Ito without black/grey, then Paul Tol's muted colours: 12 colour-blind-safe hues.
PALETTE = ["#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7",
           "#882255", "#44AA99", "#332288", "#999933", "#CC6677"]
POS_COLOR, NEG_COLOR, NEU_COLOR = "#0072B2", "#D55E00", "#BBBBBB"

plt.rcParams.update({
    "font.family": "DejaVu Sans",
    "svg.hashsalt": "framing",
    "svg.fonttype": "none",  # text stays text: small, fast, searchable SVG
    "figure.dpi": 100,
    "axes.spines.top": False,
    "axes.spines.right": False,
})


def category_colors(categories: list[str]) -> dict[str, str]:
    """A stable colour per category (sorted order → Okabe–Ito).

    >>> category_colors(["b", "a"])
    {'a': '#E69F00', 'b': '#56B4E9'}
    """
    return {c: PALETTE[i % len(PALETTE)] for i, c in enumerate(sorted(categories))}


def save(fig, stem: Path) -> list[Path]:
    """Write ``stem``.png and ``stem``.svg reproducibly; return the paths."""
    stem.parent.mkdir(parents=True, exist_ok=True)
    png, svg = stem.with_suffix(".png"), stem.with_suffix(".svg")
    fig.tight_layout()  # one layout pass for both formats (bbox_inches="tight" redraws each)
    fig.savefig(png, metadata={"Software": None})
    fig.savefig(svg, metadata={"Date": None, "Creator": None})
    plt.close(fig)
    return [png, svg]


def device_profile(devices: pd.DataFrame, labels: dict[str, str], colors: dict[str, str],
                   title: str):
    """Horizontal bars: number of device hits per category."""
    counts = devices.groupby("category").size() if len(devices) else pd.Series(dtype=int)
    cats = sorted(counts.index, key=lambda c: (-counts[c], c))
    fig, ax = plt.subplots(figsize=(7, 0.45 * max(len(cats), 2) + 1.2))
    if cats:
        ax.barh([labels.get(c, c) for c in cats][::-1], [counts[c] for c in cats][::-1],
                color=[colors.get(c, "#999999") for c in cats][::-1])
        for i, c in enumerate(cats[::-1]):
            ax.text(counts[c] + 0.1, i, str(int(counts[c])), va="center", fontsize=9)
    else:
        ax.text(0.5, 0.5, "no framing devices found", ha="center", va="center",
                transform=ax.transAxes)
        ax.set_yticks([])
    ax.set_xlabel("device hits")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_title(title, fontsize=11, loc="left")
    return fig


def sentiment_bars(sent: pd.DataFrame, title: str, top: int = 15):
    """Diverging bars per actor (locations left out): negative mentions left, positive right;
    the mean label (with its bootstrap interval for a single article) is printed beside it."""
    df = sent[sent.voice == "ALL"].copy() if len(sent) else sent
    if len(df) and "actor_type" in df:  # places named in passing are not actors to chart
        df = df[df.actor_type != "location"]
    single = len(df) == 0 or df.article_id.nunique() == 1
    if len(df):
        df = df.groupby("actor", as_index=False).agg(
            n_pos=("n_pos", "sum"), n_neg=("n_neg", "sum"), n_neu=("n_neu", "sum"),
            n=("n_mentions", "sum"), lo=("ci_low", "first"), hi=("ci_high", "first"))
        # pooled mean label over all mentions; the bootstrap interval is per article, so it is
        # shown only when the figure is about one article
        df["mean"] = (df.n_pos - df.n_neg) / df.n
        df = df.sort_values(["n", "actor"], ascending=[False, True]).head(top)
        df = df.sort_values(["mean", "actor"], ascending=[True, True])
    fig, ax = plt.subplots(figsize=(7.5, 0.42 * max(len(df), 2) + 1.4))
    if len(df):
        y = range(len(df))
        ax.barh(y, -df.n_neg, color=NEG_COLOR, label="negative mentions")
        ax.barh(y, df.n_pos, color=POS_COLOR, label="positive mentions")
        ax.set_yticks(list(y), df.actor)
        ax.axvline(0, color="#333333", lw=0.8)
        span = max(df.n_pos.max(), df.n_neg.max(), 1)
        ax.set_xlim(-span - 1, span * 2.0 + 3)
        for i, r in enumerate(df.itertuples()):
            ci = f" [{r.lo:+.2f}, {r.hi:+.2f}]" if single else ""
            ax.text(span * 1.1 + 0.5, i, f"mean {r.mean:+.2f}{ci}  n={r.n}",
                    va="center", fontsize=8, color="#333333")
        ax.legend(loc="lower left", fontsize=8, frameon=False)
        ax.set_xlabel("mentions (negative ← | → positive)")
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    else:
        ax.text(0.5, 0.5, "no actor mentions", ha="center", va="center", transform=ax.transAxes)
        ax.set_yticks([])
    ax.set_title(title, fontsize=11, loc="left")
    return fig


def _draw(task: tuple) -> list[Path]:
    """Draw one per-article figure (module-level so worker processes can run it)."""
    kind, df, stem, category_labels, colors = task
    if kind == "devices":
        fig = device_profile(df, category_labels, colors, "Framing devices by category")
    else:
        fig = sentiment_bars(df, "Sentiment toward actors (all voices)")
    return save(fig, Path(stem))


def _key(*parts) -> str:
    import hashlib

    h = hashlib.sha256()
    for p in parts:
        h.update(p.to_csv(index=False).encode() if isinstance(p, pd.DataFrame) else
                 repr(p).encode())
    h.update(matplotlib.__version__.encode())
    h.update(Path(__file__).read_bytes())
    return h.hexdigest()[:24]


def render_all(frames: dict[str, pd.DataFrame], category_labels: dict[str, str],
               out_dir: Path, cache: Path | None = None, workers: int = 1) -> list[Path]:
    """Per-article and corpus figures into ``out_dir``; returns written paths.

    With ``cache``, a per-article figure whose data did not change is copied, not redrawn
    (so adding one article redraws one article's figures and the corpus figures).  Figures
    to draw are shared among ``workers`` processes.
    """
    import shutil

    out_dir = Path(out_dir)
    devices = frames["devices"]
    sent = frames["actor_sentiment"]
    colors = category_colors(list(category_labels))
    dev_by = dict(tuple(devices.groupby("article_id"))) if len(devices) else {}
    sent_by = dict(tuple(sent.groupby("article_id"))) if len(sent) else {}
    empty_d, empty_s = devices.iloc[0:0], sent.iloc[0:0]
    labels = sorted(category_labels.items())
    todo: dict[str, tuple] = {}  # where to draw → task
    copies: list[tuple[Path, Path]] = []  # (drawn stem, article stem)
    for aid in sorted(frames["articles"].article_id):
        d = dev_by.get(aid, empty_d)[["category"]]
        s = sent_by.get(aid, empty_s)
        for kind, df, key in (("devices", d, _key("dev", d, labels)),
                              ("sentiment", s, _key("sent", s))):
            stem = out_dir / aid / kind
            if cache is None:
                todo[str(stem)] = (kind, df, stem, category_labels, colors)
                continue
            drawn = Path(cache) / key
            if not all(drawn.with_suffix(e).exists() for e in (".png", ".svg")):
                todo[str(drawn)] = (kind, df, drawn, category_labels, colors)
            copies.append((drawn, stem))
    tasks = list(todo.values())
    if workers > 1 and len(tasks) > 8:
        import multiprocessing as mp

        with mp.get_context("fork").Pool(workers) as pool:
            drawn_files = [p for ps in pool.map(_draw, tasks, chunksize=8) for p in ps]
    else:
        drawn_files = [p for t in tasks for p in _draw(t)]
    written: list[Path] = [] if cache is not None else drawn_files
    for src, stem in copies:
        stem.parent.mkdir(parents=True, exist_ok=True)
        for ext in (".png", ".svg"):
            shutil.copyfile(src.with_suffix(ext), stem.with_suffix(ext))
            written.append(stem.with_suffix(ext))
    if cache is not None:  # drop cached figures of data that no longer exists
        live = {src.stem for src, _ in copies}
        for f in Path(cache).glob("*.*"):
            if f.stem not in live:
                f.unlink()
    n = len(frames["articles"])
    written += save(device_profile(devices, category_labels, colors,
                                   f"Framing devices by category — corpus ({n} articles)"),
                    out_dir / "corpus" / "devices")
    written += save(sentiment_bars(sent, f"Sentiment toward actors — corpus ({n} articles)"),
                    out_dir / "corpus" / "sentiment")
    return written
