"""Validation against human coding: machine codes, blind coding sheets, reliability.

The pipeline's tables are turned into a long table of *codes* ``(unit, level, article_id,
variable, value)``, one row per unit and variable, values as strings:

========  ==========================  ==================================================
level     unit id                     variables (registry :data:`EXTRACTORS`)
========  ==========================  ==================================================
sentence  ``<article_id>#s<n>``       ``device:<category>`` (0/1), ``speaker`` (actor id
                                      of the quote in the sentence, ``unknown``, ``none``)
article   ``<article_id>``            ``device:<category>`` (0/1), ``sv:<item>`` (0/1),
                                      ``mfc:<frame>`` (0/1) when those tables exist
actor     ``<article_id>@<actor>``    ``sentiment`` (−1/0/1: the sign of the actor's mean
                                      mention polarity in the article, all voices)
========  ==========================  ==================================================

Human coders fill a coding sheet (:func:`export_coding_sheet`: a stratified, seeded sample of
units as CSV and a printable HTML form that never shows the machine's codes) and return a CSV
``unit, variable, value, coder`` (:func:`read_coding`). :func:`reliability` then computes per
variable Krippendorff's α between the human coders, α between the machine and the adjudicated
human code, and the machine's precision, recall and F1 against the adjudicated code.

Unitizing α (agreement on span boundaries, Krippendorff 1995) is not computed: human coders code
presence per sentence, so span variables are validated at sentence granularity, which is the
unit every figure and table is built on.
"""

from __future__ import annotations

import csv
import hashlib
import html
import math
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

LEVELS = ("article", "actor", "sentence")
CODE_COLUMNS = ["unit", "level", "article_id", "variable", "value"]
CODING_COLUMNS = ["unit", "variable", "value", "coder"]
SHEET_COLUMNS = ["unit", "level", "article_id", "text", "variable", "value", "allowed", "coder"]
#: The coder name that, when present for a unit, is the adjudicated code.
ADJUDICATED = "adjudicated"
#: The value meaning "absent" for every variable that is not binary or ternary.
NONE = "none"
#: Quote with no identifiable speaker.
UNKNOWN = "unknown"
#: Status thresholds (Krippendorff 2004: α ≥ .800 reliable, ≥ .667 tentative conclusions).
RELIABLE, TENTATIVE = 0.800, 0.667
STATUSES = ("reliable", "tentative", "unreliable", "unvalidated")

_SENT_RE = re.compile(r"^(?P<article>.+)#s(?P<sent>\d+)$")


class CodingError(ValueError):
    """A human coding file that cannot be read; the message names the file and line."""


# ------------------------------------------------------------------------------ units / values

def sentence_unit(article_id: str, sent: int) -> str:
    """Unit id of a sentence.

    >>> sentence_unit("a1", 3)
    'a1#s3'
    """
    return f"{article_id}#s{int(sent)}"


def actor_unit(article_id: str, actor: str) -> str:
    """Unit id of an actor in an article.

    >>> actor_unit("a1", "Россия")
    'a1@Россия'
    """
    return f"{article_id}@{actor}"


def parse_unit(unit: str) -> tuple[str, str]:
    """``(level, article_id)`` of a unit id.

    >>> parse_unit("a1#s12"), parse_unit("a1@США"), parse_unit("a1")
    (('sentence', 'a1'), ('actor', 'a1'), ('article', 'a1'))
    """
    m = _SENT_RE.match(unit)
    if m:
        return "sentence", m.group("article")
    if "@" in unit:
        return "actor", unit.split("@", 1)[0]
    return "article", unit


def allowed_values(variable: str) -> tuple[str, ...] | None:
    """The closed value set of a variable, or ``None`` for open (nominal, free) variables.

    >>> allowed_values("device:threat"), allowed_values("sentiment"), allowed_values("speaker")
    (('0', '1'), ('-1', '0', '1'), None)
    """
    if variable == "sentiment":
        return ("-1", "0", "1")
    if variable.split(":", 1)[0] in {"device", "sv", "mfc"}:
        return ("0", "1")
    return None


def negative_value(variable: str) -> str:
    """The value that means "nothing found" (the negative class for precision/recall).

    >>> negative_value("device:threat"), negative_value("sentiment"), negative_value("speaker")
    ('0', '0', 'none')
    """
    return "0" if allowed_values(variable) is not None else NONE


def normalise_value(value: object) -> str:
    """Codes as canonical strings: ``1.0`` → ``'1'``, ``True`` → ``'1'``, text stripped.

    >>> [normalise_value(v) for v in (1.0, True, -1, " 0 ", "США", None)]
    ['1', '1', '-1', '0', 'США', '']
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, bool | np.bool_):
        return "1" if value else "0"
    if isinstance(value, int | float | np.integer | np.floating):
        f = float(value)
        return str(int(f)) if f.is_integer() else str(f)
    s = str(value).strip()
    if re.fullmatch(r"[+-]?\d+(\.0+)?", s):
        return str(int(float(s)))
    return s


# ------------------------------------------------------------------------------ machine codes

@dataclass
class MachineInputs:
    """The processed tables the extractors read (missing tables are simply absent)."""

    tables: dict[str, pd.DataFrame]
    categories: list[str] = field(default_factory=list)

    def get(self, name: str) -> pd.DataFrame | None:
        df = self.tables.get(name)
        return df if df is not None and len(df.columns) else None


Extractor = Callable[[MachineInputs], list[dict]]
#: Variable extractors: name → function returning code rows. Register new tables here.
EXTRACTORS: dict[str, Extractor] = {}
#: Tables read from the processed folder when present.
TABLES = ("articles", "sentences", "devices", "quotes", "actor_sentiment", "sv_items",
          "mfc_frames")


def register(name: str) -> Callable[[Extractor], Extractor]:
    """Add a variable extractor to :data:`EXTRACTORS` (decorator)."""
    def deco(fn: Extractor) -> Extractor:
        EXTRACTORS[name] = fn
        return fn
    return deco


def _code(unit: str, variable: str, value: object) -> dict:
    level, aid = parse_unit(unit)
    return {"unit": unit, "level": level, "article_id": aid, "variable": variable,
            "value": normalise_value(value)}


def _article_ids(inp: MachineInputs) -> list[str]:
    ids: set[str] = set()
    for name in ("articles", "sentences"):
        df = inp.get(name)
        if df is not None:
            ids.update(df.article_id.astype(str))
    return sorted(ids)


@register("devices")
def device_codes(inp: MachineInputs) -> list[dict]:
    """Presence (0/1) of each device category per sentence and per article.

    >>> inp = MachineInputs({"sentences": pd.DataFrame({"article_id": ["a", "a"], "sent": [0, 1]}),
    ...     "devices": pd.DataFrame({"article_id": ["a"], "sent": [1], "category": ["threat"]})},
    ...     ["economic", "threat"])
    >>> [(c["unit"], c["variable"], c["value"]) for c in device_codes(inp)]
    ... # doctest: +NORMALIZE_WHITESPACE
    [('a#s0', 'device:economic', '0'), ('a#s0', 'device:threat', '0'),
     ('a#s1', 'device:economic', '0'), ('a#s1', 'device:threat', '1'),
     ('a', 'device:economic', '0'), ('a', 'device:threat', '1')]
    """
    sents, dev = inp.get("sentences"), inp.get("devices")
    cats = sorted(set(inp.categories) | (set(dev.category) if dev is not None else set()))
    hits: set[tuple[str, int, str]] = set()
    if dev is not None:
        hits = {(str(a), int(s), str(c)) for a, s, c in zip(dev.article_id, dev.sent, dev.category,
                                                          strict=True)}
    by_article = {(a, c) for a, _, c in hits}
    rows = []
    if sents is not None:
        for aid, sent in sorted(zip(sents.article_id.astype(str), sents.sent.astype(int),
                                    strict=True)):
            for c in cats:
                rows.append(_code(sentence_unit(aid, sent), f"device:{c}",
                                  int((aid, sent, c) in hits)))
    for aid in _article_ids(inp):
        for c in cats:
            rows.append(_code(aid, f"device:{c}", int((aid, c) in by_article)))
    return rows


@register("speaker")
def speaker_codes(inp: MachineInputs) -> list[dict]:
    """Per sentence: the speaker of the quote(s) overlapping it (``+``-joined), else ``none``.

    A quote whose speaker is no identifiable actor — unresolved, or a collective such as
    «эксперты» (``resolution == "collective"``) — counts as ``unknown``, as coders are told.

    >>> inp = MachineInputs({"sentences": pd.DataFrame({"article_id": ["a"] * 3, "sent": [0, 1, 2],
    ...     "start": [0, 10, 20], "end": [9, 19, 29]}),
    ...     "quotes": pd.DataFrame({"article_id": ["a", "a", "a"], "start": [12, 21, 2],
    ...         "end": [25, 24, 5], "speaker": ["Путин", "", "эксперт"],
    ...         "resolution": ["name", "", "collective"]})})
    >>> [c["value"] for c in speaker_codes(inp)]
    ['unknown', 'Путин', 'unknown+Путин']
    """
    sents, quotes = inp.get("sentences"), inp.get("quotes")
    if sents is None:
        return []
    spans: dict[str, list[tuple[int, int, str]]] = defaultdict(list)
    if quotes is not None:
        res = (quotes.resolution if "resolution" in quotes.columns
               else pd.Series([""] * len(quotes), index=quotes.index))
        for a, s, e, sp, how in zip(quotes.article_id, quotes.start, quotes.end, quotes.speaker,
                                    res, strict=True):
            who = UNKNOWN if how == "collective" else normalise_value(sp) or UNKNOWN
            spans[str(a)].append((int(s), int(e), who))
    rows = []
    for aid, sent, s, e in sorted(zip(sents.article_id.astype(str), sents.sent.astype(int),
                                      sents.start.astype(int), sents.end.astype(int), strict=True)):
        who = sorted({w for qs, qe, w in spans.get(aid, ()) if qs < e and s < qe})
        rows.append(_code(sentence_unit(aid, sent), "speaker", "+".join(who) or NONE))
    return rows


@register("sentiment")
def sentiment_codes(inp: MachineInputs) -> list[dict]:
    """Per article × actor: the sign of the mean mention polarity over all voices.

    >>> inp = MachineInputs({"actor_sentiment": pd.DataFrame({"article_id": ["a", "a", "a"],
    ...     "actor": ["X", "Y", "X"], "voice": ["ALL", "ALL", "AUTHOR"],
    ...     "mean_label": [0.25, -0.5, 0.0]})})
    >>> [(c["unit"], c["value"]) for c in sentiment_codes(inp)]
    [('a@X', '1'), ('a@Y', '-1')]
    """
    df = inp.get("actor_sentiment")
    if df is None:
        return []
    df = df[df.voice == "ALL"]
    return [_code(actor_unit(str(a), str(actor)), "sentiment", int(np.sign(float(m))))
            for a, actor, m in sorted(zip(df.article_id, df.actor, df.mean_label, strict=True))]


@register("sv_items")
def sv_codes(inp: MachineInputs) -> list[dict]:
    """Semetko & Valkenburg items per article (``sv:<item>``, 0/1), when the table exists.

    >>> inp = MachineInputs({"sv_items": pd.DataFrame({"article_id": ["a"], "item": ["co1"],
    ...     "answer": [1]})})
    >>> [(c["unit"], c["variable"], c["value"]) for c in sv_codes(inp)]
    [('a', 'sv:co1', '1')]
    """
    df = inp.get("sv_items")
    if df is None:
        return []
    return [_code(str(a), f"sv:{i}", int(v))
            for a, i, v in sorted(zip(df.article_id, df.item, df.answer, strict=True))]


@register("mfc_frames")
def mfc_codes(inp: MachineInputs) -> list[dict]:
    """Media Frames Corpus frames per article (``mfc:<frame>``, 0/1), when the table exists.

    >>> inp = MachineInputs({"mfc_frames": pd.DataFrame({"article_id": ["a"],
    ...     "frame": ["economic"], "present": [0]})})
    >>> [(c["unit"], c["variable"], c["value"]) for c in mfc_codes(inp)]
    [('a', 'mfc:economic', '0')]
    """
    df = inp.get("mfc_frames")
    if df is None:
        return []
    return [_code(str(a), f"mfc:{f}", int(v))
            for a, f, v in sorted(zip(df.article_id, df.frame, df.present, strict=True))]


def codebook_categories(path: Path | str) -> list[str]:
    """Category ids of a codebook YAML (its ``categories`` mapping), sorted."""
    import yaml

    data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    return sorted(str(k) for k in (data.get("categories") or {}))


def load_inputs(tables: Path | str | Mapping[str, Path | str],
                codebook: Path | str | None = None) -> MachineInputs:
    """Read the tables of :data:`TABLES`: from a processed folder (those present), or from a
    mapping table name → Parquet path."""
    if isinstance(tables, Mapping):
        paths = {str(n): Path(p) for n, p in tables.items()}
    else:
        folder = Path(tables)
        paths = {n: folder / f"{n}.parquet" for n in TABLES
                 if (folder / f"{n}.parquet").exists()}
    frames = {n: pd.read_parquet(p) for n, p in sorted(paths.items()) if n in TABLES}
    cats = codebook_categories(codebook) if codebook else []
    return MachineInputs(frames, cats)


def input_tables(smk_input) -> dict[str, str]:
    """Table name → path from a Snakemake ``input`` (named tables plus the ``frames`` list).

    >>> input_tables({"sentences": "p/sentences.parquet", "sentiment": "p/actor_sentiment.parquet",
    ...               "frames": ["p/sv_items.parquet"], "codebook": "c.yaml"})
    ... # doctest: +NORMALIZE_WHITESPACE
    {'actor_sentiment': 'p/actor_sentiment.parquet', 'sentences': 'p/sentences.parquet',
     'sv_items': 'p/sv_items.parquet'}
    """
    items = dict(smk_input.items()) if hasattr(smk_input, "items") else dict(smk_input)
    paths = [str(p) for k, v in items.items() if k != "frames"
             for p in ([v] if isinstance(v, str) else [])]
    paths += [str(p) for p in items.get("frames", [])]
    out = {Path(p).name.removesuffix(".parquet"): p for p in paths if p.endswith(".parquet")}
    return {k: v for k, v in sorted(out.items()) if k in TABLES}


def machine_codes(inp: MachineInputs, extractors: Mapping[str, Extractor] | None = None
                  ) -> pd.DataFrame:
    """All codes of all registered extractors as one sorted long table.

    >>> inp = MachineInputs({"sentences": pd.DataFrame({"article_id": ["a"], "sent": [0],
    ...     "start": [0], "end": [5]})}, ["threat"])
    >>> machine_codes(inp)[["unit", "variable", "value"]].values.tolist()
    [['a', 'device:threat', '0'], ['a#s0', 'device:threat', '0'], ['a#s0', 'speaker', 'none']]
    """
    rows: list[dict] = []
    for _, fn in sorted((extractors or EXTRACTORS).items()):
        rows.extend(fn(inp))
    df = pd.DataFrame(rows, columns=CODE_COLUMNS)
    df = df.drop_duplicates(["unit", "variable"], keep="first")
    return df.sort_values(["unit", "variable"], kind="mergesort").reset_index(drop=True)


# ------------------------------------------------------------------------------ coding sheet

def _rank(seed: int, unit: str) -> str:
    """Seeded, stable pseudo-random sort key of a unit (independent of the other units)."""
    return hashlib.sha256(f"{seed}\x00{unit}".encode()).hexdigest()


def allocate(sizes: Mapping[object, int], n: int) -> dict[object, int]:
    """Split ``n`` draws over strata proportionally (largest remainder, ≥ 1 per stratum if
    ``n`` allows), never more than a stratum holds.

    >>> allocate({"a": 10, "b": 30}, 8)
    {'a': 2, 'b': 6}
    >>> allocate({"a": 1, "b": 99}, 3)
    {'a': 1, 'b': 2}
    >>> allocate({"a": 2, "b": 3}, 100)
    {'a': 2, 'b': 3}
    """
    keys = sorted(sizes, key=str)
    total = sum(sizes.values())
    if n >= total:
        return {k: sizes[k] for k in keys}
    out = {k: 0 for k in keys}
    nonempty = [k for k in keys if sizes[k] > 0]
    if n >= len(nonempty):
        for k in nonempty:
            out[k] = 1
    left = n - sum(out.values())
    rest = {k: sizes[k] - out[k] for k in keys}
    rest_total = sum(rest.values())
    quotas = {k: left * rest[k] / rest_total if rest_total else 0 for k in keys}
    for k in keys:
        out[k] += int(quotas[k])
    left = n - sum(out.values())
    by_rem = sorted(keys, key=lambda k: (-(quotas[k] - int(quotas[k])), str(k)))
    for k in by_rem:
        if left <= 0:
            break
        if out[k] < sizes[k]:
            out[k] += 1
            left -= 1
    return out


def stratified_sample(units: pd.DataFrame, n: int, seed: int,
                      strata: Sequence[str] = ("article_id", "found")) -> list[str]:
    """``n`` units drawn from ``units`` (columns ``unit`` + ``strata``), proportionally per
    stratum, in a seeded order that does not depend on the other units; sorted.

    >>> u = pd.DataFrame({"unit": [f"a#s{i}" for i in range(6)] + ["b#s0", "b#s1"],
    ...                   "article_id": ["a"] * 6 + ["b"] * 2,
    ...                   "found": [1, 0, 0, 0, 0, 0, 1, 0]})
    >>> s = stratified_sample(u, 4, seed=1)
    >>> len(s), sorted({x.split("#")[0] for x in s}), s == stratified_sample(u, 4, seed=1)
    (4, ['a', 'b'], True)
    """
    groups: dict[tuple, list[str]] = defaultdict(list)
    for row in units.itertuples(index=False):
        d = row._asdict()
        groups[tuple(d[s] for s in strata)].append(d["unit"])
    alloc = allocate({k: len(v) for k, v in groups.items()}, max(0, n))
    chosen: list[str] = []
    for key, members in groups.items():
        chosen.extend(sorted(members, key=lambda u: _rank(seed, u))[:alloc[key]])
    return sorted(chosen, key=_unit_order)


def _unit_order(unit: str) -> tuple:
    level, aid = parse_unit(unit)
    m = _SENT_RE.match(unit)
    return (aid, LEVELS.index(level), int(m.group("sent")) if m else 0, unit)


def _found(machine: pd.DataFrame) -> dict[str, int]:
    neg = machine.variable.map(negative_value)
    pos = machine[machine.value != neg]
    return {u: int(u in set(pos.unit)) for u in machine.unit.unique()}


def select_units(machine: pd.DataFrame, n_sentences: int, n_articles: int, seed: int = 0,
                 min_mentions: int = 2, actor_sentiment: pd.DataFrame | None = None
                 ) -> list[str]:
    """Units for a coding sheet: articles and sentences stratified by article and by whether
    the machine found anything (a device, a quote), plus the actors (with at least
    ``min_mentions`` mentions) of the sampled articles. Seeded, sorted.
    """
    found = _found(machine)
    levels = machine.drop_duplicates("unit")[["unit", "level", "article_id"]].copy()
    levels["found"] = levels.unit.map(found)
    arts = levels[levels.level == "article"]
    sample = stratified_sample(arts, n_articles, seed, strata=("found",))
    sents = levels[(levels.level == "sentence") & levels.article_id.isin(sample)]
    sample += stratified_sample(sents, n_sentences, seed)
    actors = levels[(levels.level == "actor") & levels.article_id.isin(sample)]
    if actor_sentiment is not None and len(actor_sentiment):
        a = actor_sentiment[(actor_sentiment.voice == "ALL")
                            & (actor_sentiment.n_mentions >= min_mentions)]
        keep = {actor_unit(str(x), str(y)) for x, y in zip(a.article_id, a.actor, strict=True)}
        actors = actors[actors.unit.isin(keep)]
    sample += actors.unit.tolist()
    return sorted(set(sample), key=_unit_order)


@dataclass
class UnitText:
    """What a coder reads for one unit."""

    text: str
    context: str = ""


def unit_texts(units: Iterable[str], sentences: pd.DataFrame, articles: Mapping[str, str],
               titles: Mapping[str, str] | None = None) -> dict[str, UnitText]:
    """The text shown for each unit: the sentence; the article's text; the actor's name
    (context: the article title).

    >>> s = pd.DataFrame({"article_id": ["a"], "sent": [0], "text": ["Один."]})
    >>> t = unit_texts(["a#s0", "a", "a@США"], s, {"a": "Один. Два."}, {"a": "Заголовок"})
    >>> t["a#s0"].text, t["a"].text, t["a@США"].text
    ('Один.', 'Один. Два.', 'США')
    """
    titles = titles or {}
    sent_text = {sentence_unit(str(a), int(n)): str(t)
                 for a, n, t in zip(sentences.article_id, sentences.sent, sentences.text,
                                    strict=True)}
    out = {}
    for u in units:
        level, aid = parse_unit(u)
        if level == "sentence":
            out[u] = UnitText(sent_text.get(u, ""), titles.get(aid, ""))
        elif level == "actor":
            out[u] = UnitText(u.split("@", 1)[1], titles.get(aid, ""))
        else:
            out[u] = UnitText(articles.get(aid, ""), titles.get(aid, ""))
    return out


def sheet_rows(units: Sequence[str], variables: Mapping[str, Sequence[str]],
               texts: Mapping[str, UnitText], speaker_choices: Mapping[str, Sequence[str]]
               | None = None) -> pd.DataFrame:
    """The coding sheet: one row per unit × variable of its level, ``value`` and ``coder``
    empty (the machine's codes are never shown).

    >>> df = sheet_rows(["a#s0"], {"sentence": ["device:threat", "speaker"]},
    ...                 {"a#s0": UnitText("Текст.")}, {"a": ["США"]})
    >>> df[["unit", "variable", "value", "allowed"]].values.tolist()
    [['a#s0', 'device:threat', '', '0|1'], ['a#s0', 'speaker', '', 'none|unknown|США']]
    """
    speaker_choices = speaker_choices or {}
    rows = []
    for u in units:
        level, aid = parse_unit(u)
        for var in variables.get(level, ()):
            allowed = allowed_values(var)
            if allowed is None:
                allowed = (NONE, UNKNOWN, *speaker_choices.get(aid, ()))
            rows.append({"unit": u, "level": level, "article_id": aid, "text": texts[u].text,
                         "variable": var, "value": "", "allowed": "|".join(allowed),
                         "coder": ""})
    return pd.DataFrame(rows, columns=SHEET_COLUMNS)


_CSS = """
body{font-family:"DejaVu Sans",Arial,sans-serif;font-size:11pt;max-width:60em;margin:1em auto;
color:#111}
h1{font-size:16pt}h2{font-size:13pt;border-bottom:1px solid #999;margin-top:2em}
.unit{border:1px solid #bbb;margin:.8em 0;padding:.4em .6em;page-break-inside:avoid;
break-inside:avoid}
.unit .id{font-family:monospace;color:#555;font-size:9pt}
.text{white-space:pre-wrap;margin:.3em 0 .5em 0}
.article-text{white-space:pre-wrap;border-left:3px solid #ccc;padding-left:.6em}
table{border-collapse:collapse}td{padding:.15em .6em .15em 0;vertical-align:top}
.var{font-family:monospace}
label{margin-right:1.2em}
.fill{display:inline-block;min-width:14em;border-bottom:1px solid #333}
@media print{body{max-width:none;margin:0}h2{page-break-before:always}
h2.first{page-break-before:avoid}input[type=text]{border:none;border-bottom:1px solid #000}}
"""


def _field(unit: str, var: str, allowed: Sequence[str]) -> str:
    name = html.escape(f"{unit}|{var}", quote=True)
    if tuple(allowed) == ("0", "1"):
        return f'<label><input type="checkbox" name="{name}" value="1"> present</label>'
    if tuple(allowed) == ("-1", "0", "1"):
        return "".join(
            f'<label><input type="radio" name="{name}" value="{v}"> {lab}</label>'
            for v, lab in (("-1", "negative (−1)"), ("0", "neutral (0)"), ("1", "positive (+1)")))
    options = "".join(f'<option value="{html.escape(v, quote=True)}">' for v in allowed)
    dl = html.escape(f"dl-{unit}-{var}", quote=True)
    return (f'<input type="text" name="{name}" list="{dl}" class="fill">'
            f'<datalist id="{dl}">{options}</datalist>'
            f' <small>({html.escape(", ".join(allowed))})</small>')


def sheet_html(sheet: pd.DataFrame, titles: Mapping[str, str] | None = None,
               descriptions: Mapping[str, str] | None = None, title: str = "Coding sheet"
               ) -> str:
    """A printable, self-contained HTML coding form (no scripts, no network; all text escaped).

    >>> df = sheet_rows(["a#s0"], {"sentence": ["device:threat"]},
    ...                 {"a#s0": UnitText("<script>alert(1)</script>")})
    >>> page = sheet_html(df)
    >>> "<script>" in page, "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    (False, True)
    """
    titles = titles or {}
    descriptions = descriptions or {}
    e = html.escape
    out = ['<!DOCTYPE html><html lang="ru"><head><meta charset="utf-8">',
           '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
           'style-src \'unsafe-inline\'">',
           f"<title>{e(title)}</title><style>{_CSS}</style></head><body>",
           f"<h1>{e(title)}</h1>",
           "<p>Code every unit from its text alone. Tick <em>present</em> when the category "
           "applies to the unit; for <span class=var>speaker</span> write the actor quoted in "
           "the sentence (<span class=var>none</span> if no quote, <span class=var>unknown</span>"
           " if the speaker is no identifiable actor, e.g. «эксперты»; several speakers: join "
           "them with <span class=var>+</span> in alphabetical order). Enter the codes in the "
           "CSV twin of this form (columns <span class=var>value</span> and "
           "<span class=var>coder</span>).</p>"]
    if descriptions:
        out.append("<h2 class=first>Variables</h2><table>")
        for var in sorted(set(sheet.variable)):
            out.append(f"<tr><td class=var>{e(var)}</td><td>{e(descriptions.get(var, ''))}"
                       "</td></tr>")
        out.append("</table>")
    first = not descriptions
    for aid, art in sheet.groupby("article_id", sort=False):
        cls = ' class="first"' if first else ""
        first = False
        out.append(f"<h2{cls}>Article <span class=var>{e(str(aid))}</span>: "
                   f"{e(titles.get(str(aid), ''))}</h2>")
        for unit, rows in art.groupby("unit", sort=False):
            level = rows.level.iloc[0]
            text = str(rows.text.iloc[0])
            label = {"article": "whole article", "actor": "actor in this article",
                     "sentence": "sentence"}[level]
            body = (f'<div class="article-text">{e(text)}</div>' if level == "article"
                    else f'<div class="text"><b>{e(text)}</b></div>' if level == "actor"
                    else f'<div class="text">{e(text)}</div>')
            out.append(f'<div class="unit"><div class="id">{e(unit)} — {label}</div>{body}'
                       "<table>")
            for var, allowed in zip(rows.variable, rows.allowed, strict=True):
                out.append(f"<tr><td class=var>{e(var)}</td>"
                           f"<td>{_field(unit, var, allowed.split('|'))}</td></tr>")
            out.append("</table></div>")
    out.append("</body></html>\n")
    return "\n".join(out)


def variable_descriptions(categories: Mapping[str, str]) -> dict[str, str]:
    """Coder-facing descriptions of the variables (device categories from the codebook)."""
    out = {f"device:{c}": d for c, d in categories.items()}
    out["speaker"] = ("actor quoted (directly or indirectly) in the sentence; 'none' if no "
                      "quote; 'unknown' if the speaker is no identifiable actor (unnamed "
                      "experts, sources); several: '+'-joined, alphabetical")
    out["sentiment"] = ("how the article treats the actor overall: −1 negative, 0 neutral or "
                        "mixed, +1 positive")
    return out


def export_coding_sheet(machine: pd.DataFrame, sentences: pd.DataFrame,
                        articles: Mapping[str, str], out_csv: Path | str,
                        out_html: Path | str, *, n_sentences: int = 60, n_articles: int = 20,
                        seed: int = 0, titles: Mapping[str, str] | None = None,
                        actor_sentiment: pd.DataFrame | None = None,
                        actor_names: Mapping[str, Sequence[str]] | None = None,
                        descriptions: Mapping[str, str] | None = None,
                        min_mentions: int = 2) -> pd.DataFrame:
    """Write a blind coding sheet (CSV + printable HTML) for a stratified, seeded sample.

    ``machine`` (from :func:`machine_codes`) decides the strata and the variables of each
    level; its values never reach the sheet. ``articles`` maps article id → text,
    ``actor_names`` article id → actor ids offered as speaker choices.
    """
    units = select_units(machine, n_sentences, n_articles, seed, min_mentions, actor_sentiment)
    variables = {lvl: sorted(set(machine.variable[machine.level == lvl])) for lvl in LEVELS}
    texts = unit_texts(units, sentences, articles, titles)
    sheet = sheet_rows(units, variables, texts, actor_names)
    out_csv, out_html = Path(out_csv), Path(out_html)
    out_csv.parent.mkdir(parents=True, exist_ok=True)
    sheet.to_csv(out_csv, index=False, lineterminator="\n")
    out_html.parent.mkdir(parents=True, exist_ok=True)
    out_html.write_text(sheet_html(sheet, titles, descriptions), encoding="utf-8")
    return sheet


# ------------------------------------------------------------------------------ human coding

def read_coding(path: Path | str) -> pd.DataFrame:
    """Read a human coding CSV with columns ``unit, variable, value, coder`` (others ignored).

    Rows whose ``value`` is empty are not coded and skipped (a filled-in coding sheet can be
    read directly). Values of closed variables are checked (``device:*``, ``sv:*``, ``mfc:*``:
    0/1; ``sentiment``: −1/0/1); a unit coded twice by one coder is an error. Errors name the
    file and line.
    """
    path = Path(path)
    try:
        fh = path.open(encoding="utf-8-sig", newline="")
    except OSError as exc:
        raise CodingError(f"{path}: cannot read coding file: {exc.strerror}") from exc
    rows = []
    seen: dict[tuple[str, str, str], int] = {}
    with fh:
        reader = csv.DictReader(fh)
        missing = [c for c in CODING_COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise CodingError(f"{path}:1: missing column(s) {', '.join(missing)} "
                              f"(need {', '.join(CODING_COLUMNS)})")
        end = 1  # a record (e.g. an article's text) may span several physical lines
        for rec in reader:
            line, end = end + 1, reader.line_num
            if None in rec:
                raise CodingError(f"{path}:{line}: more fields than columns")
            unit, var = (rec["unit"] or "").strip(), (rec["variable"] or "").strip()
            value, coder = normalise_value(rec["value"]), (rec["coder"] or "").strip()
            if not value:
                continue
            if not unit or not var:
                raise CodingError(f"{path}:{line}: empty unit or variable")
            if not coder:
                raise CodingError(f"{path}:{line}: value {value!r} for {unit} / {var} has no "
                                  "coder")
            allowed = allowed_values(var)
            if allowed is not None and value not in allowed:
                raise CodingError(f"{path}:{line}: value {value!r} of {var} for {unit} is not "
                                  f"one of {', '.join(allowed)}")
            key = (unit, var, coder)
            if key in seen:
                raise CodingError(f"{path}:{line}: {unit} / {var} coded twice by coder "
                                  f"{coder!r} (first on line {seen[key]})")
            seen[key] = line
            level, aid = parse_unit(unit)
            rows.append({"unit": unit, "level": level, "article_id": aid, "variable": var,
                         "value": value, "coder": coder})
    df = pd.DataFrame(rows, columns=["unit", "level", "article_id", "variable", "value",
                                     "coder"])
    return df.sort_values(["unit", "variable", "coder"], kind="mergesort").reset_index(drop=True)


# ------------------------------------------------------------------------------ reliability

def nominal_alpha(data: Sequence[Sequence[object]]) -> float:
    """Krippendorff's α for nominal data (coders × units, ``None`` = missing), computed with the
    ``krippendorff`` package; ``nan`` when undefined (fewer than two pairable values, or no
    variation at all).

    >>> nominal_alpha([["1", "1", "0", "0"], ["1", "1", "0", "0"]])
    1.0
    >>> round(nominal_alpha([["1", "0", "0", "0"], ["1", "1", "0", "0"]]), 4)
    0.5333
    >>> nominal_alpha([["1", "1"], ["1", "1"]])
    nan
    """
    import krippendorff

    values = sorted({v for row in data for v in row if v not in (None, "")}, key=str)
    if len(values) < 2:
        return float("nan")
    index = {v: i for i, v in enumerate(values)}
    mat = np.array([[np.nan if v in (None, "") else index[v] for v in row] for row in data],
                   dtype=float)
    pairable = (~np.isnan(mat)).sum(axis=0) >= 2
    if pairable.sum() == 0:
        return float("nan")
    mat = mat[:, pairable]
    if len(np.unique(mat[~np.isnan(mat)])) < 2:
        return float("nan")
    a = krippendorff.alpha(reliability_data=mat, level_of_measurement="nominal",
                           value_domain=list(range(len(values))))
    return float(a)


def adjudicate(codes: Mapping[str, str]) -> tuple[str, bool]:
    """The adjudicated value of one unit from ``{coder: value}``: the ``adjudicated`` coder's
    if present, else the majority; a tie goes to the value of the first coder (sorted by
    name) among the tied values. Returns ``(value, was_tie)``.

    >>> adjudicate({"A": "1", "B": "0", "C": "1"})
    ('1', False)
    >>> adjudicate({"A": "0", "B": "1"})
    ('0', True)
    >>> adjudicate({"A": "0", "B": "1", "adjudicated": "1"})
    ('1', False)
    """
    if ADJUDICATED in codes:
        return codes[ADJUDICATED], False
    counts = Counter(codes.values())
    top = max(counts.values())
    tied = {v for v, c in counts.items() if c == top}
    if len(tied) == 1:
        return next(iter(tied)), False
    for coder in sorted(codes):
        if codes[coder] in tied:
            return codes[coder], True
    raise AssertionError("unreachable")


def prf(gold: Sequence[str], pred: Sequence[str], negative: str) -> tuple[float, float, float,
                                                                         int]:
    """Micro precision, recall, F1 of ``pred`` against ``gold`` over the non-``negative``
    values (a predicted value counts only if it equals the gold one), and the gold support.

    >>> prf(["1", "1", "0", "0"], ["1", "0", "1", "0"], "0")
    (0.5, 0.5, 0.5, 2)
    >>> prf(["США", "none", "Путин"], ["США", "Путин", "Токаев"], "none")
    (0.3333333333333333, 0.5, 0.4, 2)
    >>> prf(["0", "0"], ["0", "0"], "0")
    (nan, nan, nan, 0)
    """
    tp = sum(g == p != negative for g, p in zip(gold, pred, strict=True))
    n_pred = sum(p != negative for p in pred)
    n_gold = sum(g != negative for g in gold)
    p = tp / n_pred if n_pred else float("nan")
    r = tp / n_gold if n_gold else float("nan")
    if n_pred == 0 and n_gold == 0:
        f = float("nan")
    elif tp == 0:
        f = 0.0
    else:
        f = 2 * p * r / (p + r)
    return p, r, f, n_gold


def status_of(alpha_human: float, alpha_machine: float) -> str:
    """Reliability status from the lower of the two α's (the machine's codes are what figures
    show, and they cannot be trusted more than the human coding they are checked against).

    >>> [status_of(a, b) for a, b in ((.9, .85), (.9, .7), (.5, .95), (float("nan"), .81),
    ...                               (float("nan"), float("nan")))]
    ['reliable', 'tentative', 'unreliable', 'reliable', 'unvalidated']
    """
    alphas = [a for a in (alpha_human, alpha_machine) if not math.isnan(a)]
    if not alphas:
        return "unvalidated"
    a = min(alphas)
    return "reliable" if a >= RELIABLE else "tentative" if a >= TENTATIVE else "unreliable"


@dataclass
class ReliabilityResult:
    table: pd.DataFrame
    ties: list[tuple[str, str]]  # (unit, variable) adjudicated by the tie rule
    unmatched: list[tuple[str, str]]  # coded (unit, variable) without a machine code


def reliability(human: pd.DataFrame, machine: pd.DataFrame, min_units: int = 10
                ) -> ReliabilityResult:
    """Per (variable, level): human–human α, machine-vs-adjudicated α, P/R/F1 and status.

    Variables the machine codes but nobody coded, or with fewer than ``min_units`` coded units
    that the machine also coded (too few for α to mean anything), get the status
    ``unvalidated``; their α and F1 are still reported.

    >>> h = pd.DataFrame({"unit": ["a#s0", "a#s0", "a#s1", "a#s1", "a#s2", "a#s2"],
    ...     "variable": ["device:x"] * 6, "value": ["1", "1", "0", "0", "1", "0"],
    ...     "coder": ["A", "B"] * 3})
    >>> m = pd.DataFrame({"unit": ["a#s0", "a#s1", "a#s2", "a"], "level": ["sentence"] * 3 +
    ...     ["article"], "variable": ["device:x"] * 4, "value": ["1", "0", "0", "1"]})
    >>> r = reliability(h, m, min_units=1)
    >>> r.table[["variable", "level", "n_units", "f1", "n_ties", "status"]].round(3).values.tolist()
    ... # doctest: +NORMALIZE_WHITESPACE
    [['device:x', 'article', 0, nan, 0, 'unvalidated'],
     ['device:x', 'sentence', 3, 0.667, 1, 'unreliable']]
    >>> r.ties
    [('a#s2', 'device:x')]
    """
    human = human.copy()
    if "level" not in human.columns:
        human["level"] = human.unit.map(lambda u: parse_unit(u)[0])
    mvals = {(u, v): val for u, v, val in zip(machine.unit, machine.variable, machine.value,
                                               strict=True)}
    keys = set(zip(machine.variable, machine.level, strict=True))
    keys |= set(zip(human.variable, human.level, strict=True))
    rows, ties, unmatched = [], [], []
    for var, level in sorted(keys):
        h = human[(human.variable == var) & (human.level == level)]
        coders = sorted(set(h.coder) - {ADJUDICATED})
        by_unit: dict[str, dict[str, str]] = defaultdict(dict)
        for u, c, val in zip(h.unit, h.coder, h.value, strict=True):
            by_unit[u][c] = val
        units = sorted(by_unit, key=_unit_order)
        a_h = nominal_alpha([[by_unit[u].get(c) for u in units] for c in coders])
        gold, pred = [], []
        n_ties = 0
        for u in units:
            value, tie = adjudicate(by_unit[u])
            if tie:
                n_ties += 1
                ties.append((u, var))
            if (u, var) not in mvals:
                unmatched.append((u, var))
                continue
            gold.append(value)
            pred.append(mvals[(u, var)])
        a_m = nominal_alpha([gold, pred]) if gold else float("nan")
        p, r, f, support = prf(gold, pred, negative_value(var)) if gold else (
            float("nan"), float("nan"), float("nan"), 0)
        rows.append({"variable": var, "level": level, "n_units": len(units),
                     "n_coders": len(coders), "alpha_human": a_h, "alpha_machine": a_m,
                     "precision": p, "recall": r, "f1": f, "support": support,
                     "n_ties": n_ties,
                     "status": status_of(a_h, a_m) if len(gold) >= max(1, min_units)
                     else "unvalidated"})
    from .tables import frame

    return ReliabilityResult(frame("reliability", rows), sorted(ties), sorted(unmatched))


def reliability_status(variable: str, reliability_df: pd.DataFrame | None,
                       level: str | None = None) -> str:
    """Status of a variable (``reliable``/``tentative``/``unreliable``/``unvalidated``); with
    several levels and no ``level`` given, the worst one.

    >>> df = pd.DataFrame({"variable": ["device:threat"] * 2, "level": ["article", "sentence"],
    ...                    "status": ["reliable", "tentative"]})
    >>> reliability_status("device:threat", df), reliability_status("device:threat", df,
    ...     "article"), reliability_status("mfc:economic", df)
    ('tentative', 'reliable', 'unvalidated')
    """
    if reliability_df is None or not len(reliability_df):
        return "unvalidated"
    rows = reliability_df[reliability_df.variable == variable]
    if level is not None:
        rows = rows[rows.level == level]
    if not len(rows):
        return "unvalidated"
    order = {"unreliable": 0, "unvalidated": 1, "tentative": 2, "reliable": 3}
    return min(rows.status, key=lambda s: order.get(s, 1))


#: Style for :func:`reliability_badge` (to add to a report's stylesheet).
BADGE_CSS = (".reliability{font-size:.8em;padding:0 .4em;border-radius:.6em;border:1px solid}"
             ".reliability-reliable{color:#1a7f37}.reliability-tentative{color:#9a6700}"
             ".reliability-unreliable{color:#cf222e}.reliability-unvalidated{color:#57606a}")


def reliability_badge(variable: str, reliability_df: pd.DataFrame | None,
                      level: str | None = None) -> str:
    """An escaped HTML badge for a figure or table built on ``variable``: the status, with
    α values and the number of coded units in its title.

    >>> df = pd.DataFrame({"variable": ["device:threat"], "level": ["sentence"],
    ...     "n_units": [40], "alpha_human": [0.81], "alpha_machine": [0.7], "f1": [0.75],
    ...     "status": ["tentative"]})
    >>> reliability_badge("device:threat", df)  # doctest: +NORMALIZE_WHITESPACE
    '<span class="reliability reliability-tentative" title="device:threat (sentence):
    human–human α 0.81, human–machine α 0.70, F1 0.75, 40 coded units">tentative</span>'
    >>> reliability_badge("<x>", None)  # doctest: +NORMALIZE_WHITESPACE
    '<span class="reliability reliability-unvalidated" title="&lt;x&gt;: not validated against
    human coding">unvalidated</span>'
    """
    status = reliability_status(variable, reliability_df, level)
    rows = (reliability_df[reliability_df.variable == variable]
            if reliability_df is not None and len(reliability_df) else None)
    if level is not None and rows is not None:
        rows = rows[rows.level == level]
    if rows is None or not len(rows) or status == "unvalidated" and rows.n_units.max() == 0:
        title = f"{variable}: not validated against human coding"
    else:
        parts = []
        for r in rows.itertuples(index=False):
            parts.append(f"{variable} ({r.level}): human–human α {_fmt(r.alpha_human)}, "
                         f"human–machine α {_fmt(r.alpha_machine)}, F1 {_fmt(r.f1)}, "
                         f"{r.n_units} coded units")
        title = "; ".join(parts)
    return (f'<span class="reliability reliability-{html.escape(status)}" '
            f'title="{html.escape(title, quote=True)}">{html.escape(status)}</span>')


def _fmt(x: float) -> str:
    return "—" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{x:.2f}"


def summary_lines(table: pd.DataFrame, coded_only: bool = True) -> list[str]:
    """A fixed-width text summary (α and F1 per variable) for the console.

    >>> t = pd.DataFrame({"variable": ["device:x"], "level": ["sentence"], "n_units": [3],
    ...     "n_coders": [2], "alpha_human": [0.5], "alpha_machine": [1.0], "precision": [1.0],
    ...     "recall": [1.0], "f1": [1.0], "support": [1], "n_ties": [0],
    ...     "status": ["unreliable"]})
    >>> print("\\n".join(summary_lines(t)))  # doctest: +NORMALIZE_WHITESPACE
    variable  level     units  α human  α machine  P     R     F1    support  status
    device:x  sentence  3      0.50     1.00       1.00  1.00  1.00  1        unreliable
    """
    t = table[table.n_units > 0] if coded_only else table
    header = ["variable", "level", "units", "α human", "α machine", "P", "R", "F1", "support",
              "status"]
    body = [[r.variable, r.level, str(r.n_units), _fmt(r.alpha_human), _fmt(r.alpha_machine),
             _fmt(r.precision), _fmt(r.recall), _fmt(r.f1), str(r.support), r.status]
            for r in t.itertuples(index=False)]
    widths = [max(len(x) for x in col) for col in zip(header, *body, strict=True)]
    return ["  ".join(x.ljust(w) for x, w in zip(row, widths, strict=True)).rstrip()
            for row in [header, *body]]


def report_markdown(res: ReliabilityResult, coding_path: str = "") -> str:
    """The reliability report as Markdown."""
    t = res.table
    coded = t[t.n_units > 0]
    lines = ["# Validation against human coding", ""]
    if coding_path:
        lines += [f"Human coding: `{coding_path}`.", ""]
    lines += [
        "Krippendorff's α (nominal) between the human coders (*α human*) and between the machine "
        "and the adjudicated human code (*α machine*); precision, recall and F1 of the machine "
        "against the adjudicated code over the non-empty values (support = adjudicated "
        "positives). Status from the lower α: ≥ .800 reliable, ≥ .667 tentative, below "
        "unreliable; variables nobody coded, coded on fewer units than `validation.min_units`, "
        "or whose α is undefined are unvalidated. α is undefined (—) when the codes do not vary "
        "(e.g. every coder marked every unit present).", "",
        "| variable | level | units | coders | α human | α machine | P | R | F1 | support | "
        "ties | status |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|"]
    for r in coded.itertuples(index=False):
        lines.append(f"| `{r.variable}` | {r.level} | {r.n_units} | {r.n_coders} | "
                     f"{_fmt(r.alpha_human)} | {_fmt(r.alpha_machine)} | {_fmt(r.precision)} | "
                     f"{_fmt(r.recall)} | {_fmt(r.f1)} | {r.support} | {r.n_ties} | "
                     f"{r.status} |")
    unval = t[t.n_units == 0]
    if len(unval):
        lines += ["", f"Not coded (unvalidated): {len(unval)} variable(s): "
                  + ", ".join(f"`{v}` ({lv})" for v, lv in zip(unval.variable, unval.level,
                                                                strict=True)) + "."]
    lines += ["", f"Ties adjudicated to the first coder's value: {len(res.ties)}."]
    if res.unmatched:
        lines += [f"Coded units without a machine code (left out of α machine and F1): "
                  f"{len(res.unmatched)}."]
    return "\n".join(lines) + "\n"


def report_html(res: ReliabilityResult, coding_path: str = "") -> str:
    """The reliability report as a self-contained, escaped HTML page."""
    e = html.escape
    t = res.table
    head = ["variable", "level", "units", "coders", "α human", "α machine", "P", "R", "F1",
            "support", "ties", "status"]
    out = ['<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">',
           "<title>Validation against human coding</title><style>",
           "body{font-family:Arial,sans-serif;max-width:70em;margin:1em auto}"
           "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.2em .5em}"
           "td.n{text-align:right}" + BADGE_CSS + "</style></head><body>",
           "<h1>Validation against human coding</h1>"]
    if coding_path:
        out.append(f"<p>Human coding: <code>{e(coding_path)}</code>.</p>")
    out.append("<p>Krippendorff's α (nominal): human–human and machine vs adjudicated human "
               "code; P/R/F1 of the machine against the adjudicated code. Status from the lower "
               "α: ≥ .800 reliable, ≥ .667 tentative, below unreliable.</p><table><tr>"
               + "".join(f"<th>{e(h)}</th>" for h in head) + "</tr>")
    for r in t[t.n_units > 0].itertuples(index=False):
        cells = [r.variable, r.level, r.n_units, r.n_coders, _fmt(r.alpha_human),
                 _fmt(r.alpha_machine), _fmt(r.precision), _fmt(r.recall), _fmt(r.f1),
                 r.support, r.n_ties]
        out.append("<tr>" + "".join(
            f"<td{' class=n' if i > 1 else ''}>{e(str(c))}</td>" for i, c in enumerate(cells))
            + f'<td class="reliability-{e(r.status)}">{e(r.status)}</td></tr>')
    out.append("</table>")
    unval = t[t.n_units == 0]
    if len(unval):
        out.append("<p>Not coded (unvalidated): " + e(", ".join(
            f"{v} ({lv})" for v, lv in zip(unval.variable, unval.level, strict=True))) + "</p>")
    out.append(f"<p>Ties adjudicated to the first coder's value: {len(res.ties)}.</p>")
    out.append("</body></html>\n")
    return "\n".join(out)


# ------------------------------------------------------------------------------ stages

def run_coding_sheet(tables: Path | str | Mapping[str, Path | str], articles_jsonl: Path | str,
                     codebook: Path | str,
                     out_csv: Path | str, out_html: Path | str, n_sentences: int = 60,
                     n_articles: int = 20, seed: int = 0, min_mentions: int = 2
                     ) -> pd.DataFrame:
    """Workflow stage: machine codes of the processed tables (a folder, or table name →
    path) → blind coding sheet."""
    import yaml

    from .ingest import read_articles

    inp = load_inputs(tables, codebook)
    machine = machine_codes(inp)
    arts = list(read_articles(Path(articles_jsonl)))
    texts = {a.id: a.text for a in arts}
    titles = {a.id: a.title for a in arts}
    actors: dict[str, list[str]] = defaultdict(list)
    act = inp.get("actor_sentiment")
    if act is not None:
        for aid, actor in sorted(set(zip(act.article_id.astype(str), act.actor.astype(str),
                                         strict=True))):
            actors[aid].append(actor)
    cats = (yaml.safe_load(Path(codebook).read_text(encoding="utf-8")) or {}).get(
        "categories") or {}
    desc = variable_descriptions({c: f"{(v.get('label') or {}).get('ru', '')} / "
                                     f"{(v.get('label') or {}).get('en', '')}: "
                                     f"{v.get('description', '')}"
                                  for c, v in cats.items() if isinstance(v, dict)})
    sentences = inp.get("sentences")
    if sentences is None:
        sentences = pd.DataFrame(columns=["article_id", "sent", "text"])
    return export_coding_sheet(machine, sentences, texts, out_csv, out_html,
                               n_sentences=n_sentences, n_articles=n_articles, seed=seed,
                               titles=titles, actor_sentiment=act, actor_names=actors,
                               descriptions=desc, min_mentions=min_mentions)


def run_validate(tables: Path | str | Mapping[str, Path | str], codebook: Path | str,
                 coding: Path | str, table_out: Path | str, md_out: Path | str,
                 html_out: Path | str, min_units: int = 10) -> ReliabilityResult:
    """Workflow stage: human coding + machine codes → ``reliability`` table and reports."""
    from .tables import write_table

    human = read_coding(coding)
    machine = machine_codes(load_inputs(tables, codebook))
    res = reliability(human, machine, min_units)
    write_table(res.table, Path(table_out))
    for path, text in ((md_out, report_markdown(res, str(coding))),
                       (html_out, report_html(res, str(coding)))):
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        Path(path).write_text(text, encoding="utf-8")
    return res
