"""Figures (matplotlib, Agg) for one article and for the corpus.

- device profile by category and device (counts), and device rates per 1,000 words by outlet;
- sentiment toward actors: diverging counts, and author vs quoted voices with bootstrap
  intervals; actor sentiment by outlet;
- the stance network (source → target, coloured by polarity, width by evidence);
- timelines of device rates and actor sentiment across article dates;
- an actor × device-category heat map (device hits that target the actor);
- generic frames: Semetko & Valkenburg scores and Media Frames Corpus frames.

Cyrillic-safe (DejaVu Sans ships with matplotlib), colour-blind-safe (Okabe–Ito + Tol, and
cividis for heat maps), and byte-reproducible: PNG and SVG are written without timestamps or
software stamps, bootstrap resampling uses fixed seeds, layouts are deterministic.

Figures built on variables whose reliability is *unreliable* (Krippendorff's α < .667) or
*tentative* (.667 ≤ α < .800) carry a visible badge; pass ``status_by_variable`` (variable →
``reliable|tentative|unreliable|unvalidated``).  Variable names are the device category ids,
the device ids, ``sentiment``, ``stance`` and the frame names (``sv:<frame>``,
``mfc:<frame>``).
"""

from __future__ import annotations

import hashlib
import math
import os
from collections.abc import Iterable, Mapping
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.patches import FancyArrowPatch  # noqa: E402
from matplotlib.ticker import MaxNLocator  # noqa: E402

from .figplan import (  # noqa: E402,F401  (re-exported: the figure plan and statistics)
    _ARTICLE_NEEDS,
    _DATA_NAME,
    ARTICLE_FIGURES,
    BADGES,
    CORPUS_FIGURES,
    NEG_COLOR,
    PALETTE,
    PNG_DPI,
    POS_COLOR,
    VOICE_STYLE,
    _by_article,
    badge_status,
    bootstrap_counts_ci,
    category_colors,
    cluster_bootstrap_ratio,
    device_rates,
    per_article_enabled,
    plan_figures,
    seed_of,
    statuses_from_table,
    word_counts,
)

#: single-hue sequential map (white → blue → indigo) for counts; zero cells stay blank
HEAT_CMAP = matplotlib.colors.LinearSegmentedColormap.from_list(
    "framing_blues", ["#F2F7FB", "#56B4E9", "#0072B2", "#332288"])

plt.rcParams.update({
    "font.family": "DejaVu Sans",
    "svg.hashsalt": "framing",
    "svg.fonttype": "none",  # text stays text: small, fast, searchable SVG
    "figure.dpi": 100,
    "axes.spines.top": False,
    "axes.spines.right": False,
})



def save(fig, stem: Path) -> list[Path]:
    """Write ``stem``.png and ``stem``.svg reproducibly; return the paths."""
    stem.parent.mkdir(parents=True, exist_ok=True)
    png, svg = stem.with_suffix(".png"), stem.with_suffix(".svg")
    fig.tight_layout()  # one layout pass for both formats (bbox_inches="tight" redraws each)
    # written under a temporary name and renamed: a killed run never leaves a truncated figure
    # that the figure cache would later reuse
    for path, fmt, meta in ((png, "png", {"Software": None}),
                            (svg, "svg", {"Date": None, "Creator": None})):
        tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        fig.savefig(tmp, format=fmt, metadata=meta, **({"dpi": PNG_DPI} if fmt == "png" else {}))
        os.replace(tmp, path)
    plt.close(fig)
    return [png, svg]


def add_badge(fig, variables: Iterable[str], status_by_variable: Mapping[str, str] | None
              ) -> str | None:
    """Stamp a coloured reliability badge in the figure's top-right corner; return status."""
    found = badge_status(variables, status_by_variable)
    if found is None:
        return None
    status, names = found
    color, text = BADGES[status]
    shown = ", ".join(names[:3]) + (f" +{len(names) - 3}" if len(names) > 3 else "")
    fig.text(0.99, 0.995, f"⚠ {text}: {shown}", ha="right", va="top", fontsize=8,
             color="white", fontweight="bold",
             bbox={"boxstyle": "round,pad=0.3", "facecolor": color, "edgecolor": color})
    return status


def _empty(ax, message: str) -> None:
    ax.text(0.5, 0.5, message, ha="center", va="center", transform=ax.transAxes,
            color="#555555")
    ax.set_xticks([])
    ax.set_yticks([])
    for s in ax.spines.values():
        s.set_visible(False)


def _short(s: str, n: int = 28) -> str:
    return s if len(s) <= n else s[: n - 1] + "…"


# --- devices ----------------------------------------------------------------------------------

def device_profile(devices: pd.DataFrame, labels: dict[str, str], colors: dict[str, str],
                   title: str, device_labels: dict[str, str] | None = None,
                   status_by_variable: Mapping[str, str] | None = None, max_rows: int = 30):
    """Horizontal bars: device hits per device, grouped and coloured by category (categories
    by total, devices by count; the legend gives category totals).  At most ``max_rows``
    devices, the most frequent, are drawn (the axis label says how many are left out)."""
    fig_rows = []
    tot = pd.Series(dtype=int)
    if len(devices):
        dev_col = "device_id" if "device_id" in devices else "category"
        g = devices.groupby(["category", dev_col]).size()
        tot = devices.groupby("category").size()
        for c in sorted(tot.index, key=lambda c: (-tot[c], c)):
            sub = g[c].sort_values(ascending=False, kind="mergesort")
            sub = sub.iloc[np.lexsort((sub.index.astype(str), -sub.values))]
            for i, (d, n) in enumerate(sub.items()):
                name = (device_labels or {}).get(d, d) if dev_col == "device_id" else \
                    labels.get(c, c)
                fig_rows.append((c, d, _short(str(name), 34), int(n), int(tot[c]) if i == 0
                                 else None))
    n_all = len(fig_rows)
    if n_all > max_rows:
        keep = sorted(range(n_all), key=lambda i: (-fig_rows[i][3], i))[:max_rows]
        fig_rows = [fig_rows[i] for i in sorted(keep)]
    fig, ax = plt.subplots(figsize=(10, 0.32 * max(len(fig_rows), 6) + 1.5))
    if fig_rows:
        y = np.arange(len(fig_rows))[::-1]
        ax.barh(y, [r[3] for r in fig_rows], color=[colors.get(r[0], "#999999")
                                                     for r in fig_rows], height=0.75)
        ax.set_yticks(y, [r[2] for r in fig_rows], fontsize=8.5)
        for yi, r in zip(y, fig_rows, strict=True):
            ax.text(r[3] + 0.1, yi, str(r[3]), va="center", fontsize=8)
        cats = []
        for r in fig_rows:
            if r[0] not in cats:
                cats.append(r[0])
        handles = [plt.Rectangle((0, 0), 1, 1, color=colors.get(c, "#999999")) for c in cats]
        ax.legend(handles, [f"{labels.get(c, c)} ({int(tot[c])})" for c in cats], fontsize=8,
                  frameon=False, loc="upper left",
                  bbox_to_anchor=(1.01, 1.0), title="category (hits)", title_fontsize=8,
                  alignment="left")
        ax.set_ylim(-0.6, len(fig_rows) - 0.4)
    else:
        _empty(ax, "no framing devices found")
    ax.set_xlabel("device hits" + (f" (the {len(fig_rows)} most frequent of {n_all} devices)"
                                   if len(fig_rows) < n_all else ""))
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_title(title, fontsize=11, loc="left")
    variables = sorted(set(devices.category)) + (sorted(set(devices.device_id))
                                                 if "device_id" in devices else [])
    add_badge(fig, variables, status_by_variable)
    return fig


def _dodged_height(rows: int, series: int) -> float:
    """Figure height for ``rows`` groups of ``series`` dodged point ranges."""
    return (0.22 + 0.14 * max(series, 1)) * max(rows, 3) + 1.6


def _pointrange(ax, rows: list[str], series: list[str], est: dict, colors: dict[str, str],
                markers: dict[str, str] | None = None, short: bool = True) -> None:
    """Dodged points with horizontal interval lines: ``est[(row, series)] = (m, lo, hi, n)``."""
    k = len(series)
    step = 0.7 / max(k, 1)
    for j, s in enumerate(series):
        off = ((k - 1) / 2 - j) * step  # first series on top, as in the legend
        for i, r in enumerate(rows):
            if (r, s) not in est:
                continue
            m, lo, hi, _n = est[(r, s)]
            yy = len(rows) - 1 - i + off
            if not (math.isnan(lo) or math.isnan(hi)):
                ax.plot([lo, hi], [yy, yy], color=colors[s], lw=1.6, solid_capstyle="butt")
            ax.plot([m], [yy], marker=(markers or {}).get(s, "o"), color=colors[s], ms=6,
                    linestyle="none")
    ax.set_yticks(range(len(rows)), [_short(r, 32) if short else r for r in rows][::-1],
                  fontsize=9)
    handles = [plt.Line2D([], [], color=colors[s], marker=(markers or {}).get(s, "o"), lw=1.6)
               for s in series]
    ax.legend(handles, [_short(s, 30) for s in series], fontsize=8, frameon=False,
              loc="upper left", bbox_to_anchor=(1.0, 1.0))
    ax.set_ylim(-0.7, len(rows) - 0.3)
    ax.grid(axis="x", color="#eeeeee", lw=0.8)
    ax.set_axisbelow(True)



def rates_by_group(devices: pd.DataFrame, articles: pd.DataFrame, words: pd.Series,
                   labels: dict[str, str], title: str, by: str = "source",
                   status_by_variable: Mapping[str, str] | None = None):
    """Point ranges: device hits per 1,000 words (all devices, then each category) for each
    outlet (``by="source"``), with article-level bootstrap intervals."""
    est = device_rates(devices, articles, words, labels, by)
    groups = sorted({g for _, g in est})
    cats = ["ALL"] + sorted({c for c, _ in est if c != "ALL"},
                            key=lambda c: (-est.get((c, groups[0]), (0,))[0]
                                           if groups else 0, c))
    if groups:
        tot = {c: sum(est[(c, g)][0] for g in groups if not math.isnan(est[(c, g)][0]))
               for c in cats[1:]}
        cats = ["ALL"] + sorted(cats[1:], key=lambda c: (-tot[c], c))
    rows = [("all devices" if c == "ALL" else labels.get(c, c)) for c in cats]
    colors = {g: PALETTE[(i + 4) % len(PALETTE)] for i, g in enumerate(groups)}
    named = {(rows[i], g): v for i, c in enumerate(cats) for g in groups
             for v in [est.get((c, g))] if v is not None and not math.isnan(v[0])}
    fig, ax = plt.subplots(figsize=(9, _dodged_height(len(rows), len(groups))))
    if named:
        legend = {g: f"{g} ({est[('ALL', g)][3]} art.)" for g in groups}
        _pointrange(ax, rows, [legend[g] for g in groups],
                    {(r, legend[g]): v for (r, g), v in named.items()},
                    {legend[g]: colors[g] for g in groups})
        ax.set_xlabel("device hits per 1,000 words (95 % bootstrap interval over articles)")
        ax.set_xlim(left=0)
    else:
        _empty(ax, "no articles")
    ax.set_title(title, fontsize=11, loc="left")
    add_badge(fig, sorted(set(devices.category)) if len(devices) else [], status_by_variable)
    return fig


# --- sentiment --------------------------------------------------------------------------------

def sentiment_bars(sent: pd.DataFrame, title: str, top: int = 15,
                   status_by_variable: Mapping[str, str] | None = None):
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
        _empty(ax, "no actor mentions")
    ax.set_title(title, fontsize=11, loc="left")
    add_badge(fig, ["sentiment"], status_by_variable)
    return fig


def _voice_table(sent: pd.DataFrame) -> pd.DataFrame:
    """actor_sentiment rows → per article × actor × voice group (author / quoted) counts."""
    df = sent[sent.voice != "ALL"].copy()
    if "actor_type" in df:
        df = df[df.actor_type != "location"]
    df["group"] = np.where(df.voice == "AUTHOR", "author", "quoted")
    return df.groupby(["article_id", "actor", "group"], as_index=False)[
        ["n_pos", "n_neg", "n_neu", "n_mentions"]].sum()


def voice_estimates(sent: pd.DataFrame, top: int = 12) -> tuple[list[str], dict]:
    """Mean sentiment label per actor for the author's and the quoted speakers' voices with
    95 % bootstrap intervals (mentions resampled within one article; articles resampled for a
    corpus).  Returns (actors by mentions, {(actor, voice): (mean, lo, hi, n)})."""
    if not len(sent):
        return [], {}
    v = _voice_table(sent)
    if not len(v):
        return [], {}
    tot = v.groupby("actor").n_mentions.sum()
    actors = sorted(tot.index, key=lambda a: (-tot[a], a))[:top]
    single = v.article_id.nunique() == 1
    est = {}
    for (actor, group), sub in v[v.actor.isin(actors)].groupby(["actor", "group"], sort=True):
        n = int(sub.n_mentions.sum())
        if single:
            p, q, z = (int(sub[c].sum()) for c in ("n_pos", "n_neg", "n_neu"))
            lo, hi = bootstrap_counts_ci(p, q, z, seed_of("voice", actor, group))
            m = (p - q) / n
        else:
            m, lo, hi = cluster_bootstrap_ratio((sub.n_pos - sub.n_neg).to_numpy(),
                                                sub.n_mentions.to_numpy(),
                                                seed_of("voice", actor, group))
        est[(actor, group)] = (m, lo, hi, n)
    return actors, est


def sentiment_by_voice(sent: pd.DataFrame, title: str, top: int = 12,
                       status_by_variable: Mapping[str, str] | None = None):
    """Mean sentiment toward each actor (−1 … +1) in the author's voice and in quoted
    speakers' voices, with 95 % bootstrap intervals; n mentions printed on the right."""
    actors, est = voice_estimates(sent, top)
    fig, ax = plt.subplots(figsize=(8, 0.45 * max(len(actors), 3) + 1.6))
    if actors:
        colors = {k: c for k, (c, _) in VOICE_STYLE.items()}
        markers = {k: m for k, (_, m) in VOICE_STYLE.items()}
        series = [s for s in ("author", "quoted") if any(k[1] == s for k in est)]
        rows = [a + "  (" + " · ".join(f"{s[0]} {est[(a, s)][3]}" for s in series
                                       if (a, s) in est) + ")" for a in actors]
        est = {(rows[i], s): v for i, a in enumerate(actors) for s in series
               for v in [est.get((a, s))] if v is not None}
        _pointrange(ax, rows, series, est, colors, markers, short=False)
        ax.axvline(0, color="#333333", lw=0.8)
        ax.set_xlim(-1.08, 1.08)
        ax.set_xlabel("mean sentiment label, negative −1 … +1 positive (95 % bootstrap "
                      "interval)\nlabels: mentions in the author's (a) and quoted (q) voices")
    else:
        _empty(ax, "no actor mentions")
    ax.set_title(title, fontsize=11, loc="left")
    add_badge(fig, ["sentiment"], status_by_variable)
    return fig


def sentiment_by_group(sent: pd.DataFrame, articles: pd.DataFrame, title: str,
                       by: str = "source", top: int = 10,
                       status_by_variable: Mapping[str, str] | None = None):
    """Mean sentiment (all voices) toward the most-mentioned actors, per outlet, with
    article-level bootstrap intervals."""
    df = sent[sent.voice == "ALL"] if len(sent) else sent
    if len(df) and "actor_type" in df:
        df = df[df.actor_type != "location"]
    est, actors, groups = {}, [], []
    if len(df):
        grp = articles.set_index("article_id")[by].fillna("").astype(str).replace(
            "", "(no outlet)")
        df = df.assign(group=df.article_id.map(grp).fillna("(no outlet)"))
        tot = df.groupby("actor").n_mentions.sum()
        actors = sorted(tot.index, key=lambda a: (-tot[a], a))[:top]
        groups = sorted(df.group.unique())
        for (a, g), sub in df[df.actor.isin(actors)].groupby(["actor", "group"], sort=True):
            m, lo, hi = cluster_bootstrap_ratio((sub.n_pos - sub.n_neg).to_numpy(),
                                                sub.n_mentions.to_numpy(),
                                                seed_of("outlet", a, g))
            est[(a, g)] = (m, lo, hi, int(sub.n_mentions.sum()))
    fig, ax = plt.subplots(figsize=(9, _dodged_height(len(actors), len(groups))))
    if est:
        colors = {g: PALETTE[(i + 4) % len(PALETTE)] for i, g in enumerate(groups)}
        _pointrange(ax, actors, groups, est, colors)
        ax.axvline(0, color="#333333", lw=0.8)
        ax.set_xlim(-1.08, 1.08)
        ax.set_xlabel("mean sentiment label, −1 … +1 (95 % bootstrap interval over articles)")
    else:
        _empty(ax, "no actor mentions")
    ax.set_title(title, fontsize=11, loc="left")
    add_badge(fig, ["sentiment"], status_by_variable)
    return fig


# --- stance network ---------------------------------------------------------------------------

def stance_edges(stance: pd.DataFrame, top_nodes: int = 24) -> tuple[list[str], pd.DataFrame]:
    """Edges source → target summed over articles and voices, restricted to the ``top_nodes``
    actors with the most evidence; returns (nodes in drawing order, edges)."""
    if not len(stance):
        return [], pd.DataFrame(columns=["source", "target", "n_pos", "n_neg", "n", "polarity"])
    e = stance.groupby(["source", "target"], as_index=False)[["n_pos", "n_neg"]].sum()
    e["n"] = e.n_pos + e.n_neg
    e = e[e.n > 0]
    e["polarity"] = np.sign(e.n_pos - e.n_neg).astype(int)
    weight: dict[str, int] = {}
    for r in e.itertuples():
        weight[r.source] = weight.get(r.source, 0) + r.n
        weight[r.target] = weight.get(r.target, 0) + r.n
    nodes = sorted(weight, key=lambda a: (-weight[a], a))[:top_nodes]
    e = e[e.source.isin(nodes) & e.target.isin(nodes) & (e.source != e.target)]
    # drawing order around the circle: strongest node first, then by name — stable
    return nodes, e.sort_values(["n", "source", "target"], ascending=[True, True, True])


def circular_layout(nodes: list[str], centre: str | None = "AUTHOR"
                    ) -> dict[str, tuple[float, float]]:
    """Deterministic layout: ``centre`` (the author) in the middle, the other nodes evenly on
    the unit circle, first at the top, clockwise; nodes come strongest first and are spread
    with a fixed stride so that strong nodes are not crowded side by side.

    >>> circular_layout(["a", "b"])["a"]
    (0.0, 1.0)
    >>> circular_layout(["AUTHOR", "a"])["AUTHOR"]
    (0.0, 0.0)
    """
    ring = [n for n in nodes if n != centre]
    k = max(len(ring), 1)
    stride = 1
    if k > 4:
        stride = next(s for s in range(round(k * 0.382), k) if math.gcd(s, k) == 1)
    out = {centre: (0.0, 0.0)} if centre in nodes else {}
    for i, n in enumerate(ring):
        j = (i * stride) % k
        out[n] = (round(math.sin(2 * math.pi * j / k), 6) + 0.0,
                  round(math.cos(2 * math.pi * j / k), 6) + 0.0)
    return out


def stance_network(stance: pd.DataFrame, title: str, top_nodes: int = 24,
                   status_by_variable: Mapping[str, str] | None = None):
    """Actors on a circle; arrows source → target coloured by polarity (blue positive,
    vermillion negative, grey balanced), width by the number of polar mentions."""
    nodes, edges = stance_edges(stance, top_nodes)
    fig, ax = plt.subplots(figsize=(9, 7.6) if len(edges) else (7, 1.6))
    ax.set_aspect("equal")
    ax.axis("off")
    if len(edges):
        pos = circular_layout(nodes)
        maxn = max(int(edges.n.max()), 1)
        strength = {n: 0 for n in nodes}
        for r in edges.itertuples():
            strength[r.source] += r.n
            strength[r.target] += r.n
        maxs = max(strength.values()) or 1
        for r in edges.itertuples():
            color = {1: POS_COLOR, -1: NEG_COLOR}.get(r.polarity, "#888888")
            width = 0.8 + 4.0 * math.sqrt(r.n / maxn)
            # chords between ring nodes bend more, so they do not pass through the author
            rad = 0.1 if "AUTHOR" in (r.source, r.target) else 0.3
            ax.add_patch(FancyArrowPatch(
                pos[r.source], pos[r.target], arrowstyle="-|>", mutation_scale=8 + 2 * width,
                connectionstyle=f"arc3,rad={rad}", color=color, lw=width, alpha=0.75,
                shrinkA=10, shrinkB=12))
        for n in nodes:
            x, y = pos[n]
            size = 60 + 340 * strength[n] / maxs
            ax.scatter([x], [y], s=size, color="#FFFFFF" if n != "AUTHOR" else "#DDDDDD",
                       edgecolors="#333333", linewidths=1.0, zorder=3)
            if n == "AUTHOR":
                ax.text(0, -0.07, "author", ha="center", va="top", fontsize=9,
                        fontweight="bold", zorder=4,
                        bbox={"facecolor": "white", "edgecolor": "none", "pad": 1,
                              "alpha": 0.8})
                continue
            ax.text(x * 1.1, y * 1.1, _short(n, 22), ha="left" if x > 0.05 else
                    "right" if x < -0.05 else "center", va="bottom" if y > 0.05 else
                    "top" if y < -0.05 else "center", fontsize=8.5)
        ax.set_xlim(-1.65, 1.65)
        ax.set_ylim(-1.25, 1.25)
        handles = [plt.Line2D([], [], color=POS_COLOR, lw=2.5),
                   plt.Line2D([], [], color=NEG_COLOR, lw=2.5),
                   plt.Line2D([], [], color="#888888", lw=2.5)]
        ax.legend(handles, ["positive", "negative", "balanced"], fontsize=8, frameon=False,
                  loc="upper center", bbox_to_anchor=(0.5, 0.0), ncol=3,
                  title=f"arrow: source → target; width: polar mentions (max {maxn})",
                  title_fontsize=8)
    else:
        _empty(ax, "no stance edges")
    ax.set_title(title, fontsize=11, loc="left")
    add_badge(fig, ["stance", "sentiment"], status_by_variable)
    return fig


# --- timelines and heat maps ------------------------------------------------------------------

def _dates(articles: pd.DataFrame) -> pd.Series:
    d = pd.to_datetime(articles.date.fillna("").astype(str).str[:10], format="%Y-%m-%d",
                       errors="coerce")
    return pd.Series(d.to_numpy(), index=articles.article_id.to_numpy())


def timeline(devices: pd.DataFrame, sent: pd.DataFrame, articles: pd.DataFrame,
             words: pd.Series, title: str, top_actors: int = 4,
             status_by_variable: Mapping[str, str] | None = None):
    """Two panels over article dates (day, or month when the dates span > 120 days):
    device hits per 1,000 words, and mean sentiment toward the most-mentioned actors, each
    with article-level bootstrap intervals.  Undated articles are left out (and counted)."""
    dates = _dates(articles)
    dated = dates.dropna()
    n_missing = int(dates.isna().sum())
    fig, (ax1, ax2) = plt.subplots(2, 1, figsize=(9, 7), sharex=True)
    if dated.nunique() < 2:
        _empty(ax1, f"timeline needs articles from at least two dates "
                    f"({len(dated)} dated, {n_missing} undated)")
        _empty(ax2, "")
        ax1.set_title(title, fontsize=11, loc="left")
        add_badge(fig, ["sentiment"], status_by_variable)
        return fig
    monthly = (dated.max() - dated.min()).days > 120
    period = dated.dt.to_period("M").dt.to_timestamp() if monthly else dated
    period = period.dt.normalize()
    hits = devices.groupby("article_id").size() if len(devices) else pd.Series(dtype=int)
    xs = sorted(period.unique())
    rate = []
    for x in xs:
        ids = period.index[period == x]
        rate.append(cluster_bootstrap_ratio(hits.reindex(ids).fillna(0).to_numpy(),
                                            words.reindex(ids).fillna(0).to_numpy() / 1000,
                                            seed_of("timeline", x)))
    r = np.array(rate, dtype=float)
    ax1.fill_between(xs, r[:, 1], r[:, 2], color=PALETTE[1], alpha=0.3, lw=0,
                     label="95 % bootstrap interval")
    ax1.plot(xs, r[:, 0], marker="o", color=PALETTE[4], label="all devices")
    ax1.set_ylabel("device hits per 1,000 words")
    ax1.set_ylim(bottom=0)
    ax1.legend(fontsize=8, frameon=False, loc="upper left")
    ax1.set_title(title, fontsize=11, loc="left")
    df = sent[sent.voice == "ALL"] if len(sent) else sent
    if len(df) and "actor_type" in df:
        df = df[df.actor_type != "location"]
    df = df[df.article_id.isin(period.index)] if len(df) else df
    if len(df):
        tot = df.groupby("actor").n_mentions.sum()
        actors = sorted(tot.index, key=lambda a: (-tot[a], a))[:top_actors]
        for j, a in enumerate(actors):
            sub = df[df.actor == a].assign(x=lambda s: s.article_id.map(period))
            pts = []
            for x, g in sub.groupby("x", sort=True):
                pts.append((x, *cluster_bootstrap_ratio((g.n_pos - g.n_neg).to_numpy(),
                                                        g.n_mentions.to_numpy(),
                                                        seed_of("tl", a, x))))
            p = np.array([q[1:] for q in pts], dtype=float)
            px = [q[0] for q in pts]
            c = PALETTE[(2 * j) % len(PALETTE)]
            ax2.errorbar(px, p[:, 0], yerr=[np.nan_to_num(p[:, 0] - p[:, 1]),
                                            np.nan_to_num(p[:, 2] - p[:, 0])],
                         marker="os^D"[j % 4], color=c, capsize=3, lw=1.4, label=_short(a, 24))
        ax2.axhline(0, color="#333333", lw=0.8)
        ax2.set_ylim(-1.1, 1.1)
        ax2.legend(fontsize=8, frameon=False, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    else:
        _empty(ax2, "no actor mentions on dated articles")
    ax2.set_ylabel("mean sentiment (−1 … +1)")
    note = f" · {n_missing} undated article(s) left out" if n_missing else ""
    ax2.set_xlabel(("month" if monthly else "date") + note)
    fig.autofmt_xdate()
    add_badge(fig, sorted(set(devices.category)) + ["sentiment"] if len(devices)
              else ["sentiment"], status_by_variable)
    return fig


def _split_targets(devices: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for r in devices[["category", "target"]].itertuples(index=False):
        for t in str(r.target or "").split(";"):
            if t.strip():
                rows.append((t.strip(), r.category))
    return pd.DataFrame(rows, columns=["actor", "category"])


def heatmap(matrix: pd.DataFrame, title: str, xlabel: str, ylabel: str,
            status_vars: Iterable[str] = (), status_by_variable: Mapping[str, str] | None = None,
            fmt: str = "{:.0f}", cmap=None):
    """An annotated heat map of ``matrix`` (rows × columns; sequential, colour-blind safe)."""
    fig, ax = plt.subplots(figsize=(max(6.5, 0.75 * matrix.shape[1] + 3.5),
                                    0.42 * max(matrix.shape[0], 3) + 2.4))
    if matrix.size and np.nanmax(matrix.to_numpy(dtype=float)) > 0:
        vals = matrix.to_numpy(dtype=float)
        vmax = float(np.nanmax(vals))
        im = ax.imshow(np.ma.masked_equal(vals, 0), aspect="auto", cmap=cmap or HEAT_CMAP,
                       vmin=0, vmax=vmax)
        for i in range(vals.shape[0]):
            for j in range(vals.shape[1]):
                if vals[i, j] > 0:
                    ax.text(j, i, fmt.format(vals[i, j]), ha="center", va="center", fontsize=8,
                            color="white" if vals[i, j] > 0.55 * vmax else "#1d1d1f")
        ax.set_xticks(range(vals.shape[1]), [_short(str(c), 22) for c in matrix.columns],
                      rotation=35, ha="right", fontsize=8.5)
        ax.set_yticks(range(vals.shape[0]), [_short(str(r), 28) for r in matrix.index],
                      fontsize=8.5)
        for s in ax.spines.values():
            s.set_visible(False)
        cb = fig.colorbar(im, ax=ax, fraction=0.04, pad=0.02)
        cb.locator = MaxNLocator(integer=True)
        cb.update_ticks()
    else:
        _empty(ax, "nothing to show")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(title, fontsize=11, loc="left")
    add_badge(fig, status_vars, status_by_variable)
    return fig


def actor_device_matrix(devices: pd.DataFrame, labels: dict[str, str], top: int = 15
                        ) -> pd.DataFrame:
    """Device hits targeting each actor, by category: the ``top`` most-targeted actors."""
    t = _split_targets(devices) if len(devices) and "target" in devices else \
        pd.DataFrame(columns=["actor", "category"])
    if not len(t):
        return pd.DataFrame()
    m = t.groupby(["actor", "category"]).size().unstack(fill_value=0)
    order = sorted(m.index, key=lambda a: (-int(m.loc[a].sum()), a))[:top]
    cols = sorted(m.columns, key=lambda c: (-int(m[c].sum()), c))
    m = m.loc[order, cols]
    m.columns = [labels.get(c, c) for c in cols]
    return m


# --- generic frames ---------------------------------------------------------------------------

def sv_frame_profile(sv: pd.DataFrame, title: str,
                     status_by_variable: Mapping[str, str] | None = None):
    """Semetko & Valkenburg frame scores (0–1; share of the frame's yes/no items answered yes).
    One article: a bar per frame with ``n_yes/n_items``.  Several: the mean score per frame
    with an article-level bootstrap interval and one grey dot per article."""
    fig, ax = plt.subplots(figsize=(8, 0.5 * max(sv.frame.nunique() if len(sv) else 0, 3)
                                    + 1.5))
    frames = sorted(sv.frame.unique()) if len(sv) else []
    if frames:
        y = {f: len(frames) - 1 - i for i, f in enumerate(frames)}
        if sv.article_id.nunique() == 1:
            ax.barh([y[f] for f in sv.frame], sv.score, color=PALETTE[4], height=0.6)
            for r in sv.itertuples():
                ax.text(r.score + 0.01, y[r.frame], f"{r.score:.2f}  ({r.n_yes}/{r.n_items})",
                        va="center", fontsize=8)
        else:
            for f, sub in sv.groupby("frame", sort=True):
                sc = sub.score.astype(float).to_numpy()
                jitter = (np.arange(len(sc)) % 7 - 3) * 0.04
                ax.scatter(sc, y[f] + jitter, s=9, color="#BBBBBB", zorder=1)
                m, lo, hi = cluster_bootstrap_ratio(sc, np.ones(len(sc)), seed_of("sv", f))
                if not math.isnan(lo):
                    ax.plot([lo, hi], [y[f], y[f]], color=PALETTE[4], lw=2.2, zorder=2)
                ax.plot([m], [y[f]], "o", color=PALETTE[4], ms=7, zorder=3)
                ax.text(1.03, y[f], f"{m:.2f}  n={len(sc)}", va="center", fontsize=8,
                        clip_on=False)
        ax.set_yticks([y[f] for f in frames], frames)
        ax.set_xlim(-0.03, 1.03)
        ax.set_xlabel("frame score (share of items answered yes)")
    else:
        _empty(ax, "no generic-frame scores")
    ax.set_title(title, fontsize=11, loc="left")
    add_badge(fig, [f"sv:{f}" for f in frames], status_by_variable)
    return fig


def mfc_frame_profile(mfc: pd.DataFrame, title: str,
                      status_by_variable: Mapping[str, str] | None = None):
    """Media Frames Corpus frames.  One article: score per frame (filled = present, with the
    evidence count).  Several: share of articles in which each frame is present, with an
    article-level bootstrap interval."""
    fig, ax = plt.subplots(figsize=(8, 0.4 * max(mfc.frame.nunique() if len(mfc) else 0, 3)
                                    + 1.5))
    if len(mfc):
        names = mfc.groupby("frame").label.first().to_dict()
        if mfc.article_id.nunique() == 1:
            df = mfc.sort_values(["score", "frame"], ascending=[True, True])
            y = np.arange(len(df))
            present = df.present.astype(bool).to_numpy()
            ax.barh(y, df.score, color=[PALETTE[0] if p else "#FFFFFF" for p in present],
                    edgecolor=PALETTE[0], height=0.65)
            for yi, r in zip(y, df.itertuples(), strict=True):
                ax.text(r.score + 0.01 * max(df.score.max(), 1), yi,
                        f"{r.n_evidence} evidence" + ("" if r.present else " · absent"),
                        va="center", fontsize=8)
            ax.set_yticks(y, [_short(str(names.get(f, f)), 34) for f in df.frame])
            ax.set_xlabel("frame score (filled: frame present)")
            ax.set_xlim(0, max(float(df.score.max()), 1e-9) * 1.35)
        else:
            rows = []
            for f, sub in mfc.groupby("frame", sort=True):
                p = sub.present.astype(float).to_numpy()
                rows.append((f, *cluster_bootstrap_ratio(p, np.ones(len(p)), seed_of("mfc", f)),
                             len(p)))
            rows.sort(key=lambda r: (r[1], r[0]))
            y = np.arange(len(rows))
            ax.barh(y, [r[1] for r in rows], color=PALETTE[0], height=0.6)
            for yi, r in zip(y, rows, strict=True):
                if not math.isnan(r[2]):
                    ax.plot([r[2], r[3]], [yi, yi], color="#333333", lw=1.2)
                ax.text(1.02, yi, f"{r[1]:.0%} of {r[4]}", va="center", fontsize=8,
                        clip_on=False)
            ax.set_yticks(y, [_short(str(names.get(r[0], r[0])), 34) for r in rows])
            ax.set_xlim(0, 1)
            ax.set_xlabel("share of articles where the frame is present (95 % bootstrap)")
    else:
        _empty(ax, "no MFC frames")
    ax.set_title(title, fontsize=11, loc="left")
    add_badge(fig, [f"mfc:{f}" for f in sorted(set(mfc.frame))] if len(mfc) else [],
              status_by_variable)
    return fig


# --- drawing all figures ----------------------------------------------------------------------


def draw(kind: str, data: dict, ctx: dict, corpus: bool = False):
    """One figure: ``kind`` as in ARTICLE_FIGURES / CORPUS_FIGURES, ``data`` its tables."""
    st = ctx.get("status")
    n = ctx.get("n_articles", 1)
    where = f"\ncorpus of {n} article{'' if n == 1 else 's'}" if corpus else ""
    if kind == "devices":
        return device_profile(data["devices"], ctx["labels"], ctx["colors"],
                              "Framing devices by category and device" + where,
                              ctx.get("device_labels"), st)
    if kind == "sentiment":
        return sentiment_bars(data["sent"], "Sentiment toward actors (all voices)" + where,
                              status_by_variable=st)
    if kind == "voice":
        return sentiment_by_voice(data["sent"], "Sentiment toward actors: author vs quoted "
                                  "speakers" + where, status_by_variable=st)
    if kind == "network":
        return stance_network(data["stance"], "Stance network: who evaluates whom" + where,
                              status_by_variable=st)
    if kind == "outlets":
        return rates_by_group(data["devices"], data["articles"], data["words"], ctx["labels"],
                              "Device rates by outlet" + where, status_by_variable=st)
    if kind == "outlet_sentiment":
        return sentiment_by_group(data["sent"], data["articles"],
                                  "Sentiment toward actors by outlet" + where,
                                  status_by_variable=st)
    if kind == "timeline":
        return timeline(data["devices"], data["sent"], data["articles"], data["words"],
                        "Across article dates" + where, status_by_variable=st)
    if kind == "heatmap":
        m = actor_device_matrix(data["devices"], ctx["labels"])
        return heatmap(m, "Device hits targeting each actor, by category" + where,
                       "device category", "target actor",
                       sorted(set(data["devices"].category)) if len(data["devices"]) else [],
                       st)
    if kind == "sv_frames":
        return sv_frame_profile(data["sv"], "Generic frames (Semetko & Valkenburg)" + where, st)
    if kind == "mfc_frames":
        return mfc_frame_profile(data["mfc"], "Media Frames Corpus frames" + where, st)
    raise ValueError(f"unknown figure kind {kind!r}")


#: Relative cost of drawing and saving each corpus figure (seconds for 1,000 articles on this
#: machine's kind of core: the heat map and device profile have the most labels and cells,
#: the network the most paths); only the order in which workers take figures depends on it.
DRAW_COST = {"heatmap": 0.53, "devices": 0.41, "network": 0.36, "voice": 0.32,
             "mfc_frames": 0.29, "outlets": 0.26, "sentiment": 0.22, "sv_frames": 0.20,
             "outlet_sentiment": 0.18, "timeline": 0.06}


#: the corpus tables (set by :func:`render_all`, inherited by forked workers: corpus figure
#: tasks do not carry them, so they are not pickled once per task)
_CORPUS: dict = {}


def _draw(task: tuple) -> list[Path]:
    """Draw one figure (module-level so worker processes can run it); ``data`` None means the
    corpus tables."""
    kind, data, stem, ctx, corpus = task
    return save(draw(kind, _CORPUS if data is None else data, ctx, corpus), Path(stem))


def _key(*parts) -> str:
    h = hashlib.sha256()
    for p in parts:
        if isinstance(p, pd.DataFrame):  # rows, not their positions in the corpus table
            h.update(p.to_csv(index=False).encode())
        elif isinstance(p, pd.Series):
            h.update(p.to_csv().encode())
        elif isinstance(p, dict):
            for k in sorted(p):
                h.update(repr(k).encode())
                h.update(_key(p[k]).encode())
        else:
            h.update(repr(p).encode())
    h.update(_CODE_VERSION.encode())
    return h.hexdigest()[:24]


#: The drawing code and matplotlib's version: a change redraws every cached figure.
_CODE_VERSION = hashlib.sha256(Path(__file__).read_bytes()
                               + (Path(__file__).parent / "figplan.py").read_bytes()
                               + matplotlib.__version__.encode()).hexdigest()



def _link_or_copy(src: Path, dst: Path) -> None:
    """``dst`` as a hard link to the cached ``src`` (a copy where links are not possible)."""
    import shutil

    tmp = dst.with_name(f"{dst.name}.{os.getpid()}.tmp")
    try:
        os.link(src, tmp)
    except OSError:
        shutil.copyfile(src, tmp)
    os.replace(tmp, dst)



def render_all(frames: dict[str, pd.DataFrame], category_labels: dict[str, str],
               out_dir: Path, cache: Path | None = None, workers: int = 1,
               device_labels: dict[str, str] | None = None,
               status_by_variable: Mapping[str, str] | None = None,
               per_article: bool = True) -> list[Path]:
    """Per-article figures into ``out_dir/<article_id>/`` (unless ``per_article`` is false)
    and corpus figures into ``out_dir/corpus/``; returns the written paths.

    ``frames`` needs ``articles``, ``devices`` and ``actor_sentiment``; ``stance`` and
    ``segments`` (word counts) add the network, outlet, timeline and heat-map figures;
    ``sv_frames`` / ``mfc_frames`` add the generic-frame profiles.  With ``cache``, a
    per-article figure whose data did not change is linked, not redrawn (so adding one
    article redraws one article's figures and the corpus figures).  Figures to draw are
    shared among ``workers`` processes.
    """
    out_dir = Path(out_dir)
    articles = frames["articles"]
    for col in ("source", "date"):  # optional metadata: absent means unknown
        if col not in articles:
            articles = articles.assign(**{col: ""})
    devices = frames["devices"]
    sent = frames["actor_sentiment"]
    stance = frames.get("stance")
    segments = frames.get("segments")
    sv, mfc = frames.get("sv_frames"), frames.get("mfc_frames")
    ctx = {"labels": dict(category_labels), "colors": category_colors(list(category_labels)),
           "device_labels": dict(device_labels or {}),
           "status": dict(status_by_variable or {}), "n_articles": len(articles)}
    by_table = {name: _by_article(frames.get(name)) for name in _DATA_NAME} \
        if per_article else {}
    by = {_DATA_NAME[name]: rows for name, rows in by_table.items()}
    empty = {"devices": devices.iloc[0:0], "sent": sent.iloc[0:0],
             "stance": stance.iloc[0:0] if stance is not None else None,
             "sv": sv.iloc[0:0] if sv is not None else None,
             "mfc": mfc.iloc[0:0] if mfc is not None else None}
    needs = {kind: [_DATA_NAME[t] for t in tabs] for kind, tabs in _ARTICLE_NEEDS.items()}
    art_ctx = {k: v for k, v in ctx.items() if k != "n_articles"}  # cache key: not the corpus
    todo: dict[str, tuple] = {}  # where to draw → task
    copies: list[tuple[Path, Path]] = []  # (drawn stem, article stem)
    plan = plan_figures(frames, per_article, by_table)
    for aid in sorted(articles.article_id):
        for kind in plan.get(aid, ()):
            data = {k: by[k].get(aid, empty[k]) for k in needs[kind]}
            if kind == "devices":
                data["devices"] = data["devices"][["category", "device_id"]] \
                    if "device_id" in data["devices"] else data["devices"][["category"]]
            stem = out_dir / aid / kind
            if cache is None:
                todo[str(stem)] = (kind, data, stem, ctx, False)
                continue
            drawn = Path(cache) / _key(kind, data, art_ctx)
            if not all(drawn.with_suffix(e).exists() for e in (".png", ".svg")):
                todo[str(drawn)] = (kind, data, drawn, ctx, False)
            copies.append((drawn, stem))
    words = word_counts(segments) if segments is not None else None
    whole = {"devices": devices, "sent": sent, "stance": stance, "articles": articles,
             "words": words, "sv": sv, "mfc": mfc}
    for kind in plan["corpus"]:
        todo[str(out_dir / "corpus" / kind)] = (kind, None, out_dir / "corpus" / kind, ctx,
                                                True)
    # the longest first (corpus figures, the costliest kinds): the workers finish together
    tasks = sorted(todo.values(), key=lambda t: (not t[4], -DRAW_COST.get(t[0], 0.0)))
    _CORPUS.update(whole)
    try:
        if workers > 1 and len(tasks) > 8:
            import multiprocessing as mp

            with mp.get_context("fork").Pool(workers) as pool:
                drawn_files = [p for ps in pool.map(_draw, tasks,
                                                    chunksize=1 if len(tasks) <= 40 else 4)
                               for p in ps]
        else:
            drawn_files = [p for t in tasks for p in _draw(t)]
    finally:
        _CORPUS.clear()
    corpus_dir = out_dir / "corpus"
    written: list[Path] = [p for p in drawn_files
                           if cache is None or corpus_dir in p.parents]
    for src, stem in copies:
        stem.parent.mkdir(parents=True, exist_ok=True)
        for ext in (".png", ".svg"):
            _link_or_copy(src.with_suffix(ext), stem.with_suffix(ext))
            written.append(stem.with_suffix(ext))
    if cache is not None:  # drop cached figures of data that no longer exists
        live = {src.stem for src, _ in copies}
        for f in Path(cache).glob("*.*"):
            if f.stem not in live:
                f.unlink()
    return sorted(written)
