"""What the figures show, without drawing them: the figure plan (which figures exist for
which article), colours, reliability badges' statuses, word counts, device rates and the
bootstrap statistics behind the intervals.

The report imports this module, not :mod:`framing.figures`, so writing pages does not load
matplotlib.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

#: Okabe–Ito without black/grey, then Paul Tol's muted colours: 12 colour-blind-safe hues.
PALETTE = ["#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7",
           "#882255", "#44AA99", "#332288", "#999933", "#CC6677"]
POS_COLOR, NEG_COLOR, NEU_COLOR = "#0072B2", "#D55E00", "#BBBBBB"
#: voices: the author (indigo circles) and quoted speakers (orange squares)
VOICE_STYLE = {"author": ("#332288", "o"), "quoted": ("#E69F00", "s")}
#: badge colours and wording for reliability statuses that need a warning
BADGES = {"unreliable": ("#D55E00", "unreliable (α < .667)"),
          "tentative": ("#E69F00", "tentative (α .667–.800)")}
N_BOOT = 1000
#: PNG resolution: 1.5 × the 100-dpi layout, shown at layout size (sharp on HiDPI screens)
PNG_DPI = 150

def category_colors(categories: list[str]) -> dict[str, str]:
    """A stable colour per category (sorted order → Okabe–Ito).

    >>> category_colors(["b", "a"])
    {'a': '#E69F00', 'b': '#56B4E9'}
    """
    return {c: PALETTE[i % len(PALETTE)] for i, c in enumerate(sorted(categories))}

# --- statistics -------------------------------------------------------------------------------

def seed_of(*parts: object) -> int:
    """A fixed seed from text parts (same parts → same seed, on every machine).

    >>> seed_of("a", 1) == seed_of("a", 1) != seed_of("a", 2)
    True
    """
    return int(hashlib.sha256("\x00".join(map(str, parts)).encode()).hexdigest()[:8], 16)


def bootstrap_counts_ci(n_pos: int, n_neg: int, n_neu: int, seed: int, n_boot: int = N_BOOT,
                        level: float = 0.95) -> tuple[float, float]:
    """Percentile bootstrap interval of the mean label of mentions labelled +1/−1/0 (given as
    counts): resampling mentions with replacement.

    >>> bootstrap_counts_ci(3, 0, 0, seed=1)
    (1.0, 1.0)
    >>> lo, hi = bootstrap_counts_ci(5, 5, 0, seed=1); lo < 0 < hi
    True
    """
    n = n_pos + n_neg + n_neu
    if n == 0:
        return (math.nan, math.nan)
    rng = np.random.default_rng(seed)
    draws = rng.multinomial(n, [n_pos / n, n_neg / n, n_neu / n], size=n_boot)
    means = (draws[:, 0] - draws[:, 1]) / n
    lo, hi = np.quantile(means, [(1 - level) / 2, 1 - (1 - level) / 2])
    return round(float(lo), 4), round(float(hi), 4)


def cluster_bootstrap_ratio(num: Iterable[float], den: Iterable[float], seed: int,
                            n_boot: int = N_BOOT, level: float = 0.95
                            ) -> tuple[float, float, float]:
    """Ratio of sums ``Σnum / Σden`` over clusters (articles) with a percentile bootstrap
    interval from resampling whole clusters — the honest interval when mentions or device
    hits within an article are not independent.  Returns (estimate, low, high).

    >>> cluster_bootstrap_ratio([2, 4], [1, 1], seed=0)[0]
    3.0
    >>> cluster_bootstrap_ratio([1], [0], seed=0)
    (nan, nan, nan)
    """
    num = np.asarray(list(num), float)
    return cluster_bootstrap_ratios(num.reshape(-1, 1), den, seed, n_boot, level)[0]


def cluster_bootstrap_ratios(nums: np.ndarray, den: Iterable[float], seed: int,
                             n_boot: int = N_BOOT, level: float = 0.95
                             ) -> list[tuple[float, float, float]]:
    """:func:`cluster_bootstrap_ratio` for each column of ``nums`` (clusters × columns), all
    from the same resampled clusters: one draw, then one matrix product for every column
    (the same figures as column-by-column calls with this seed, to float rounding).

    >>> cluster_bootstrap_ratios(np.array([[2, 1], [4, 0]]), [1, 1], seed=0)[0][0]
    3.0
    >>> cluster_bootstrap_ratios(np.array([[2, 1], [4, 0]]), [1, 1], seed=0)[1][0]
    0.5
    """
    nums = np.asarray(nums, float)
    den = np.asarray(list(den), float)
    k = nums.shape[1] if nums.ndim == 2 else 0
    if len(den) == 0 or den.sum() <= 0:
        return [(math.nan, math.nan, math.nan)] * k
    ests = nums.sum(axis=0) / den.sum()
    if len(den) == 1:
        return [(round(float(e), 4), math.nan, math.nan) for e in ests]
    n = len(den)
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, n, size=(n_boot, n))
    # how often each cluster was drawn in each replicate: sums become one matrix product
    times = np.bincount((idx + (np.arange(n_boot) * n)[:, None]).ravel(),
                        minlength=n_boot * n).reshape(n_boot, n).astype(float)
    d = times @ den
    ok = d > 0
    sums = times[ok] @ nums
    qs = [(1 - level) / 2, 1 - (1 - level) / 2]
    out = []
    for j, est in enumerate(ests):
        lo, hi = np.quantile(sums[:, j] / d[ok], qs)
        out.append((round(float(est), 4), round(float(lo), 4), round(float(hi), 4)))
    return out


_WORD = re.compile(r"\w+(?:[-‐]\w+)*")


def word_counts(segments: pd.DataFrame) -> pd.Series:
    """Words per article (``\\w+`` runs, hyphenated words count once) over all segments
    (title, captions and prose: devices are found in all of them).

    >>> word_counts(pd.DataFrame({"article_id": ["a", "a"], "text": ["Кто-то пришёл.", "Да"]}))
    article_id
    a    3
    Name: words, dtype: int64
    """
    if not len(segments):
        return pd.Series(dtype="int64", name="words")
    n = segments.text.fillna("").map(lambda t: len(_WORD.findall(t)))
    return n.groupby(segments.article_id).sum().astype("int64").rename("words")


def statuses_from_table(reliability: pd.DataFrame | None) -> dict[str, str]:
    """``reliability`` table (variable, status; see :mod:`framing.validation`) → mapping for
    ``status_by_variable``, under the names figures use: ``device:<category>`` also as
    ``<category>``, and ``sv:<item>`` also as ``sv:<frame>`` (the worst of its items).  With
    several levels (sentence, article) the worst status counts.

    >>> statuses_from_table(pd.DataFrame({"variable": ["x"], "status": ["tentative"]}))
    {'x': 'tentative'}
    >>> t = pd.DataFrame({"variable": ["device:threat", "sv:conflict_1", "sv:conflict_2"],
    ...                   "status": ["unreliable", "reliable", "tentative"]})
    >>> m = statuses_from_table(t)
    >>> m["threat"], m["sv:conflict"]
    ('unreliable', 'tentative')
    """
    if reliability is None or not len(reliability):
        return {}
    rank = {"unreliable": 0, "tentative": 1, "reliable": 2, "unvalidated": 3}
    out: dict[str, str] = {}

    def put(key: str, status: str) -> None:
        if key not in out or rank.get(status, 3) < rank.get(out[key], 3):
            out[key] = status

    for v, st in zip(reliability.variable.astype(str), reliability.status.astype(str),
                     strict=True):
        put(v, st)
        if v.startswith("device:"):
            put(v.split(":", 1)[1], st)
        elif v.startswith("sv:") and "_" in v:
            put(v.rsplit("_", 1)[0], st)
    return dict(sorted(out.items()))


def badge_status(variables: Iterable[str], status_by_variable: Mapping[str, str] | None
                 ) -> tuple[str, list[str]] | None:
    """The worst warning status among ``variables`` and the variables that have it, or None
    when every variable is reliable, unvalidated or unknown.

    >>> badge_status(["a", "b", "c"], {"a": "tentative", "b": "unreliable", "c": "reliable"})
    ('unreliable', ['b'])
    >>> badge_status(["a"], {"a": "reliable"}) is None
    True
    """
    if not status_by_variable:
        return None
    for status in ("unreliable", "tentative"):
        hit = sorted({v for v in variables if status_by_variable.get(v) == status})
        if hit:
            return status, hit
    return None

def device_rates(devices: pd.DataFrame, articles: pd.DataFrame, words: pd.Series,
                 labels: dict[str, str], by: str = "source") -> dict:
    """Device hits per 1,000 words by ``by`` (articles column) and category, with cluster
    (article) bootstrap intervals: ``{(category or "ALL", group): (rate, lo, hi, n_articles)}``.
    """
    arts = articles[["article_id", by]].copy()
    arts[by] = arts[by].fillna("").astype(str).replace("", "(no outlet)")
    arts["words"] = arts.article_id.map(words).fillna(0).astype(float)
    counts = (devices.groupby(["article_id", "category"]).size().unstack(fill_value=0)
              if len(devices) else pd.DataFrame(index=pd.Index([], name="article_id")))
    out = {}
    for grp, sub in arts.groupby(by, sort=True):
        den = (sub.words / 1000.0).to_numpy()
        cnt = counts.reindex(sub.article_id).fillna(0)
        cats = sorted(counts.columns)
        # every category and their total from the same resampled articles (one draw)
        cols = np.column_stack([cnt.sum(axis=1).to_numpy(), cnt[cats].to_numpy()]) \
            if cats else cnt.sum(axis=1).to_numpy().reshape(-1, 1)
        for c, est in zip(["ALL", *cats],
                          cluster_bootstrap_ratios(cols, den, seed_of("rate", grp)), strict=True):
            out[(c, grp)] = (*est, len(sub))
    return out

#: per-article figure kinds (file stems), in report order
ARTICLE_FIGURES = ("devices", "sentiment", "voice", "network", "sv_frames", "mfc_frames")
#: corpus figure kinds (file stems under ``corpus/``)
CORPUS_FIGURES = ("devices", "outlets", "sentiment", "voice", "outlet_sentiment", "network",
                  "heatmap", "timeline", "sv_frames", "mfc_frames")

def _has_data(kind: str, data: dict) -> bool:
    """Whether an article's figure of ``kind`` would show anything.

    >>> _has_data("network", {"stance": pd.DataFrame({"source": []})})
    False
    """
    if kind == "devices":
        return len(data["devices"]) > 0
    if kind in ("sentiment", "voice"):
        sent = data["sent"]
        if "actor_type" in sent:
            sent = sent[sent.actor_type != "location"]
        return len(sent) > 0
    if kind == "network":
        return len(data["stance"]) > 0
    if kind == "sv_frames":
        return bool(len(data["sv"]) and (data["sv"].score > 0).any())
    if kind == "mfc_frames":
        return bool(len(data["mfc"]) and (data["mfc"].score > 0).any())
    return True


def _by_article(df: pd.DataFrame | None) -> dict[str, pd.DataFrame]:
    return dict(tuple(df.groupby("article_id"))) if df is not None and len(df) else {}


def per_article_enabled(n_articles: int, max_articles: int) -> bool:
    """Whether to draw per-article figures: only for corpora of at most ``max_articles``
    (``figures.per_article_max`` in the config; a negative value means always).  Drawing six
    figures in two formats costs about a second per article, more than the article's NLP; a
    newsroom archive is read through its corpus figures and the article pages' tables.

    >>> per_article_enabled(10, 50), per_article_enabled(51, 50), per_article_enabled(9, -1)
    (True, False, True)
    """
    return max_articles < 0 or n_articles <= max_articles

#: the tables each figure kind is drawn from (keys of ``render_all``'s ``frames``)
_ARTICLE_NEEDS = {"devices": ["devices"], "sentiment": ["actor_sentiment"],
                  "voice": ["actor_sentiment"], "network": ["stance"],
                  "sv_frames": ["sv_frames"], "mfc_frames": ["mfc_frames"]}
_CORPUS_NEEDS = {"outlets": ["segments"], "timeline": ["segments"], "network": ["stance"],
                 "sv_frames": ["sv_frames"], "mfc_frames": ["mfc_frames"]}
#: ``_has_data``'s names for the same tables
_DATA_NAME = {"devices": "devices", "actor_sentiment": "sent", "stance": "stance",
              "sv_frames": "sv", "mfc_frames": "mfc"}


def plan_figures(frames: Mapping[str, pd.DataFrame | None], per_article: bool = True,
                 by_article: Mapping[str, dict[str, pd.DataFrame]] | None = None
                 ) -> dict[str, list[str]]:
    """Which figures :func:`render_all` draws for these tables: ``"corpus"`` → corpus figure
    kinds, each article id → its figure kinds (a kind is left out when its table is absent or
    has nothing to show for the article).  The report uses the same plan, so it can be written
    while the figures are still being drawn.  ``by_article`` (table name → article id → its
    rows) saves splitting the tables again when the caller has done so.

    >>> t = {"articles": pd.DataFrame({"article_id": ["a", "b"]}),
    ...      "devices": pd.DataFrame({"article_id": ["a"], "category": ["m"]}),
    ...      "actor_sentiment": pd.DataFrame({"article_id": [], "actor": []})}
    >>> plan = plan_figures(t)
    >>> plan["a"], plan["b"], plan["corpus"][:3]
    (['devices'], [], ['devices', 'sentiment', 'voice'])
    """
    def table(name: str) -> pd.DataFrame | None:
        return frames.get(name)

    out: dict[str, list[str]] = {"corpus": [
        k for k in CORPUS_FIGURES if all(table(t) is not None for t in _CORPUS_NEEDS.get(k, []))]}
    if not per_article:  # no article figures: no need to split the tables by article
        return out | {aid: [] for aid in frames["articles"].article_id}
    by = by_article if by_article is not None else {
        name: _by_article(table(name)) for name in _DATA_NAME}
    for aid in sorted(frames["articles"].article_id):
        kinds = []
        for kind in ARTICLE_FIGURES:
            names = _ARTICLE_NEEDS[kind]
            if any(table(t) is None for t in names):
                continue
            data = {_DATA_NAME[t]: by[t].get(aid, table(t).iloc[0:0]) for t in names}
            if _has_data(kind, data):  # nothing to show: the report says so, no figure
                kinds.append(kind)
        out[aid] = kinds
    return out
