"""HTML and Markdown reports: one per article plus a corpus index.

Every piece of article text is HTML-escaped (and JSON embedded in a page has ``<``, ``>`` and
``&`` escaped); the page is self-contained (inline CSS and a small script for the category
toggles, the evidence panel, table sorting and CSV downloads built in the browser from the
table itself; figures are files beside it) and makes no network request (its
Content-Security-Policy forbids any).

The index compares the articles side by side (device rates per 1,000 words, sentiment, stance)
and says what changed since the last run of a *different* corpus: a small state file
(``report_state.json`` in the processed folder) keeps the aggregates of the current and the
previous corpus, keyed by the corpus' content hashes — so rerunning the same inputs, or
running them in a fresh project, gives byte-identical reports.
"""

from __future__ import annotations

import functools
import hashlib
import html
import json
import math
import os
from collections import Counter, namedtuple
from collections.abc import Iterable, Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from .figplan import (
    ARTICLE_FIGURES,
    BADGES,
    CORPUS_FIGURES,
    badge_status,
    category_colors,
    device_rates,
    word_counts,
)

esc = html.escape

CSS = """
body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,'DejaVu Sans',sans-serif;margin:0;
color:#1d1d1f;background:#fafafa;line-height:1.55}
main{max-width:1100px;margin:0 auto;padding:24px 32px 64px}
h1{font-size:1.6rem;margin:.2em 0 .4em} h2{font-size:1.2rem;margin-top:2em;border-bottom:1px solid
#ddd;padding-bottom:.2em} h3{font-size:1rem;margin:1.4em 0 .3em}
.meta{color:#555;font-size:.9rem} table.meta{width:auto;background:none}
table.meta td{border:none;padding:0 1.5em 0 0}
.article{background:#fff;border:1px solid #e3e3e3;border-radius:8px;padding:12px 24px}
.article p{margin:.7em 0} p.title{font-size:1.15rem;font-weight:600} p.caption{font-style:italic;
color:#444;border-left:3px solid #ccc;padding-left:8px}
.dev{border-bottom:3px solid var(--c);background:color-mix(in srgb,var(--c) 22%,transparent);
cursor:pointer} .act{text-decoration:underline dotted #333;text-underline-offset:3px;
cursor:pointer} .quote{color:#2b4a7a;cursor:pointer} .sel{outline:2px solid #1d1d1f;
outline-offset:1px} .legend label{margin-right:1em;white-space:nowrap;font-size:.9rem}
.legend{position:sticky;top:0;background:#fafafa;padding:6px 0;z-index:2}
.swatch{display:inline-block;width:.9em;height:.9em;border-radius:2px;vertical-align:-1px;
margin-right:.3em} table{border-collapse:collapse;width:100%;font-size:.88rem;background:#fff}
th,td{border:1px solid #e0e0e0;padding:4px 6px;text-align:left;vertical-align:top}
th{background:#f0f0f0;cursor:pointer;position:relative} th[data-asc='1']::after{content:' ▲'}
th[data-asc='0']::after{content:' ▼'} .num{text-align:right;font-variant-numeric:tabular-nums}
tr.hit{background:#fff3cd} .tablebar{display:flex;justify-content:flex-end;margin:.3em 0}
button.csv{font:inherit;font-size:.8rem;padding:2px 10px;border:1px solid #bbb;border-radius:4px;
background:#fff;cursor:pointer} button.csv:hover{background:#f0f0f0}
.scroll{max-height:70vh;overflow:auto;border:1px solid #eee} td.zero{color:#bbb}
.scroll thead th{position:sticky;top:0;z-index:1}
figure{margin:1em 0} figure img{max-width:100%;border:1px solid #eee;background:#fff}
figcaption{font-size:.85rem;color:#555;max-width:720px}
.figs{display:flex;flex-wrap:wrap;gap:4px 16px;align-items:flex-start}
figure img{height:auto}
#t-articles th{font-size:.78rem;vertical-align:bottom} #t-articles td:first-child{min-width:16em}
#t-articles td{white-space:nowrap} #t-articles td:first-child{white-space:normal}
.pos{color:#0072B2} .neg{color:#D55E00} .warn{background:#fff3cd;border:1px solid #e0c36b;
padding:8px 12px;border-radius:6px} a{color:#0b5cad}
.badge{display:inline-block;font-size:.78rem;font-weight:600;color:#fff;border-radius:4px;
padding:1px 7px;margin-left:.5em;vertical-align:2px} .badge.unreliable{background:#D55E00}
.badge.tentative{background:#B07800}
#info{position:fixed;right:16px;bottom:16px;width:360px;max-height:60vh;overflow:auto;
background:#fff;border:1px solid #bbb;border-radius:8px;box-shadow:0 4px 18px rgba(0,0,0,.15);
padding:10px 14px;font-size:.88rem;z-index:5} #info[hidden]{display:none}
#info h4{margin:.6em 0 .1em;font-size:.92rem} #info dl{margin:0;display:grid;
grid-template-columns:auto 1fr;gap:0 .8em} #info dt{color:#666} #info dd{margin:0}
#info button{float:right;border:none;background:none;font-size:1.1rem;cursor:pointer}
details{margin:.6em 0} summary{cursor:pointer;color:#0b5cad}
.cell-shade{background:color-mix(in srgb,#0072B2 var(--s),#fff)}
.delta-up{color:#0072B2} .delta-down{color:#D55E00}
@media print{.legend,#info,.tablebar{display:none} .scroll{max-height:none;overflow:visible}
main{max-width:none;padding:0} figure{break-inside:avoid}}
"""

JS = """
(function(){
function byId(id){ return document.getElementById(id); }
document.querySelectorAll('input[data-toggle]').forEach(function(box){
  box.addEventListener('change', function(){
    document.body.classList.toggle('hide-' + box.dataset.toggle, !box.checked);
  });
});
document.querySelectorAll('table.sortable th').forEach(function(th, idx){
  th.addEventListener('click', function(){
    var table = th.closest('table'), body = table.tBodies[0];
    var rows = Array.from(body.rows), asc = th.dataset.asc !== '1';
    rows.sort(function(a, b){
      var x = a.cells[idx].textContent, y = b.cells[idx].textContent;
      var nx = parseFloat(x), ny = parseFloat(y);
      var c = (!isNaN(nx) && !isNaN(ny)) ? nx - ny : x.localeCompare(y, 'ru');
      return asc ? c : -c;
    });
    table.querySelectorAll('th').forEach(function(h){ delete h.dataset.asc; });
    th.dataset.asc = asc ? '1' : '0';
    rows.forEach(function(r){ body.appendChild(r); });
  });
});
function csvCell(s){
  s = s.replace(/\\s+/g, ' ').trim();
  if (/^[=+@\\t]/.test(s) || /^-[^0-9.]/.test(s)) { s = "'" + s; }
  return /[",;\\n]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s;
}
document.querySelectorAll('button.csv').forEach(function(btn){
  btn.addEventListener('click', function(){
    var table = byId(btn.dataset.table), lines = [];
    Array.from(table.rows).forEach(function(row){
      lines.push(Array.from(row.cells).map(function(c){
        return csvCell(c.dataset.v !== undefined ? c.dataset.v : c.textContent);
      }).join(','));
    });
    var blob = new Blob(['\\ufeff' + lines.join('\\r\\n') + '\\r\\n'],
                        {type: 'text/csv;charset=utf-8'});
    var a = document.createElement('a');
    a.href = URL.createObjectURL(blob);
    a.download = btn.dataset.file;
    document.body.appendChild(a);
    a.click();
    setTimeout(function(){ URL.revokeObjectURL(a.href); a.remove(); }, 1000);
  });
});
var dataEl = byId('evidence-data'), info = byId('info');
if (!dataEl || !info) { return; }
var data = JSON.parse(dataEl.textContent);
function add(parent, tag, text){
  var el = document.createElement(tag); el.textContent = text; parent.appendChild(el); return el;
}
function fields(parent, pairs){
  var dl = document.createElement('dl');
  pairs.forEach(function(p){ if (p[1] !== '' && p[1] !== null && p[1] !== undefined) {
    add(dl, 'dt', p[0]); add(dl, 'dd', String(p[1])); } });
  parent.appendChild(dl);
}
function show(span){
  document.querySelectorAll('.sel').forEach(function(e){ e.classList.remove('sel'); });
  document.querySelectorAll('tr.hit').forEach(function(e){ e.classList.remove('hit'); });
  span.classList.add('sel');
  var body = byId('info-body'); body.textContent = '';
  (span.dataset.dev || '').split(' ').filter(Boolean).forEach(function(id){
    var d = data.d[id]; if (!d) { return; }
    add(body, 'h4', d.label + ' (#' + id + ')');
    fields(body, [['category', d.category], ['definition', d.definition], ['rule', d.rule],
                  ['speaker', d.speaker], ['target', d.target || '—'], ['evidence', d.text]]);
    var row = document.querySelector('tr[data-hit="' + id + '"]');
    if (row) { row.classList.add('hit'); }
  });
  (span.dataset.men || '').split(' ').filter(Boolean).forEach(function(id){
    var m = data.m[id]; if (!m) { return; }
    add(body, 'h4', 'actor: ' + m.actor);
    fields(body, [['type', m.type], ['in text', m.text], ['resolved by', m.resolution]]);
  });
  (span.dataset.quo || '').split(' ').filter(Boolean).forEach(function(id){
    var q = data.q[id]; if (!q) { return; }
    add(body, 'h4', 'quote #' + id);
    fields(body, [['speaker', q.speaker || 'unattributed'], ['introduced as', q.speaker_text],
                  ['verb', q.verb], ['verb type', q.verb_type], ['kind', q.kind]]);
  });
  info.hidden = false;
}
document.querySelectorAll('.article span[title]').forEach(function(span){
  span.addEventListener('click', function(ev){ ev.stopPropagation(); show(span); });
});
byId('info-close').addEventListener('click', function(){ info.hidden = true; });
})();
"""

CSP = ("default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; "
       "script-src 'unsafe-inline'")
PACKAGES = ("natasha", "slovnet", "navec", "razdel", "pymorphy3", "pymorphy3-dicts-ru", "spacy",
            "snakemake", "trafilatura", "charset-normalizer", "pandas", "pyarrow", "matplotlib",
            "scikit-learn", "numpy")
STATE_FILE = "report_state.json"


def _page(title: str, body: str, extra_css: str = "") -> str:
    return (
        "<!DOCTYPE html>\n<html lang=\"ru\">\n<head>\n<meta charset=\"utf-8\">\n"
        f"<meta http-equiv=\"Content-Security-Policy\" content=\"{CSP}\">\n"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        f"<title>{esc(title)}</title>\n<style>{CSS}{extra_css}</style>\n</head>\n"
        f"<body>\n<main>\n{body}\n</main>\n<script>{JS}</script>\n</body>\n</html>\n"
    )


def json_for_html(obj) -> str:
    """JSON safe to embed in ``<script type="application/json">``: ``<``, ``>`` and ``&``
    are written as ``\\u`` escapes, so no text can close the element.

    >>> json_for_html({"t": "</script><b>&"})
    '{"t": "\\\\u003c/script\\\\u003e\\\\u003cb\\\\u003e\\\\u0026"}'
    """
    return (json.dumps(obj, ensure_ascii=False, sort_keys=True)
            .replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


def _fmt(v) -> tuple[str, bool]:
    """Cell text and whether it is numeric."""
    if isinstance(v, bool):
        return str(v), False
    if isinstance(v, float):
        return ("" if pd.isna(v) else f"{v:.2f}"), True
    if isinstance(v, int):
        return str(v), True
    if v is None or (not isinstance(v, str) and pd.isna(v)):
        return "", False
    return str(v), False


def _records(df: pd.DataFrame) -> list[dict]:
    """``df.to_dict("records")`` without pandas' per-row overhead (same Python values).

    >>> df = pd.DataFrame({"a": [1, 2], "b": ["x", None], "c": [0.5, None]})
    >>> str(_records(df)) == str(df.to_dict("records"))
    True
    """
    cols = list(df.columns)
    if not cols or not len(df):
        return []
    return [dict(zip(cols, row, strict=True)) for row in df.to_numpy(dtype=object).tolist()]


@functools.lru_cache(maxsize=64)
def _row_type(cols: tuple[str, ...]) -> type:
    return namedtuple("Row", cols, rename=True)


def _tuples(df: pd.DataFrame | list[dict], cols: list[str] | None = None) -> list[tuple]:
    """``list(df[cols].itertuples(index=False))`` (all columns by default) with one named
    tuple class per column set rather than one per call (the same Python values); ``df`` may
    also be records (:func:`_records`), giving the same tuples.

    >>> df = pd.DataFrame({"a": [1, 2], "b": ["x", "y"]})
    >>> _tuples(df) == list(df.itertuples(index=False)), _tuples(df, ["b"])[1].b
    (True, 'y')
    >>> _tuples(_records(df)) == _tuples(df), _tuples(_records(df), ["b"]) == _tuples(df, ["b"])
    (True, True)
    """
    if isinstance(df, list):  # records (see _page_rows)
        if not df:
            return []
        make = _row_type(tuple(df[0]) if cols is None else tuple(cols))._make
        return [make(r.values()) for r in df] if cols is None else \
            [make([r[c] for c in cols]) for r in df]
    cols = list(df.columns) if cols is None else list(cols)
    if not len(df):
        return []
    return list(map(_row_type(tuple(cols))._make, zip(*(df[c].tolist() for c in cols),
                                                          strict=True)))


def _has(rows: pd.DataFrame | list[dict], col: str) -> bool:
    """Whether a table (a DataFrame, or records: the keys of its first row) has ``col``.

    >>> _has([{"a": 1}], "a"), _has([{"a": 1}], "b"), _has(pd.DataFrame({"b": []}), "b")
    (True, False, True)
    """
    if isinstance(rows, list):
        return bool(rows) and col in rows[0]
    return col in rows


def _of(df: pd.DataFrame, aid: str, own: bool = False) -> pd.DataFrame:
    """``df[df.article_id == aid]``, or ``df`` itself when every row is the article's (the
    report hands each page its own rows, saying so with ``own``: filtering them again would
    only copy them).

    >>> df = pd.DataFrame({"article_id": ["a", "a", "b"], "x": [1, 2, 3]})
    >>> sub = df.iloc[:2]
    >>> _of(df, "a").x.tolist(), _of(df, "b").index.tolist(), _of(sub, "a") is sub
    ([1, 2], [2], True)
    """
    if own:
        return df
    ids = df["article_id"].to_numpy()
    mask = ids == aid
    return df if mask.all() else df[mask]


def _by_mentions(df: pd.DataFrame) -> pd.DataFrame:
    """``df.sort_values(["n_mentions", "actor"], ascending=[False, True])``: the same order
    (both sorts are stable), without pandas' milliseconds per call for a few rows.

    >>> df = pd.DataFrame({"actor": ["b", "a", "c"], "n_mentions": [1, 1, 2]})
    >>> _by_mentions(df).actor.tolist()
    ['c', 'a', 'b']
    """
    n, a = df["n_mentions"].tolist(), df["actor"].tolist()
    if all(type(x) is int for x in n) and all(type(x) is str for x in a):
        return df.iloc[sorted(range(len(n)), key=lambda i: (-n[i], a[i]))]
    return df.sort_values(["n_mentions", "actor"], ascending=[False, True])


def _merge_actor(left: pd.DataFrame, right: pd.DataFrame) -> pd.DataFrame:
    """``left.merge(right, on="actor", how="left")``, taken directly when each of the left's
    actors has exactly one row on the right (the usual case; a merge costs milliseconds).

    >>> left = pd.DataFrame({"actor": ["a", "b"], "n": [1, 2]})
    >>> right = pd.DataFrame({"actor": ["b", "a"], "x": [0.5, 0.25]})
    >>> _merge_actor(left, right).equals(left.merge(right, on="actor", how="left"))
    True
    """
    a, r = left["actor"].tolist(), right["actor"].tolist()
    pos = {x: i for i, x in enumerate(r)}
    if (a and len(pos) == len(r) and all(type(x) is str for x in r)
            and all(type(x) is str and x in pos for x in a)):
        cols = [c for c in right.columns if c != "actor"]
        if not set(cols) & set(left.columns):  # no suffixes to add
            return pd.concat([left.reset_index(drop=True),
                              right.iloc[[pos[x] for x in a]][cols].reset_index(drop=True)],
                             axis=1)
    return left.merge(right, on="actor", how="left")


def _table(df: pd.DataFrame | list[dict], cols: list[tuple[str, str]], cls: str = "sortable",
           table_id: str = "", csv_name: str = "", row_attr: str = "",
           shade: Mapping[str, float] | None = None, scroll: bool = False) -> str:
    """A sortable table; with ``table_id`` and ``csv_name`` a button downloads it as CSV
    (built in the browser from the table).  ``row_attr`` names a column copied into each
    row's ``data-hit``; ``shade`` maps columns to their maximum for a blue cell background."""
    head = "".join(f"<th>{esc(label)}</th>" for _, label in cols)
    rows = []
    for rec in (df if isinstance(df, list) else _records(df)):
        cells = []
        for key, _ in cols:
            text, num = _fmt(rec.get(key, ""))
            attrs = ' class="num"' if num else ""
            if shade and key in shade and num and text and shade[key] > 0:
                pct = round(60 * float(rec[key]) / shade[key])
                attrs = f' class="num cell-shade" style="--s:{pct}%"'
            cells.append(f"<td{attrs}>{esc(text)}</td>")
        ra = f' data-hit="{esc(str(rec[row_attr]))}"' if row_attr else ""
        rows.append(f"<tr{ra}>" + "".join(cells) + "</tr>")
    tid = f' id="{esc(table_id)}"' if table_id else ""
    table = (f"<table class=\"{cls}\"{tid}><thead><tr>{head}</tr></thead>"
             f"<tbody>{''.join(rows)}</tbody></table>")
    if scroll:
        table = f'<div class="scroll">{table}</div>'
    if table_id and csv_name:
        table = (f'<div class="tablebar"><button class="csv" type="button" '
                 f'data-table="{esc(table_id)}" data-file="{esc(csv_name)}">Download CSV '
                 f'({len(df)} rows)</button></div>' + table)
    return table


def badge_html(variables: Iterable[str], status_by_variable: Mapping[str, str] | None) -> str:
    """A visible badge when any variable is unreliable or tentative (else "").

    >>> badge_html(["x"], {"x": "unreliable"})
    '<span class="badge unreliable" title="reliability: x">⚠ unreliable (α &lt; .667)</span>'
    """
    found = badge_status(variables, status_by_variable)
    if found is None:
        return ""
    status, names = found
    return (f'<span class="badge {status}" title="reliability: {esc(", ".join(names))}">'
            f"⚠ {esc(BADGES[status][1])}</span>")


def _with(rows: pd.DataFrame | list[dict], col: str) -> pd.DataFrame | list[dict]:
    """``rows`` with ``col`` ("" where the table lacks it)."""
    if not len(rows) or _has(rows, col):
        return rows
    if isinstance(rows, list):
        return [{**r, col: ""} for r in rows]
    return rows.assign(**{col: ""})


def highlight(text: str, segments: Iterable[tuple[str, int, int]],
              devices: pd.DataFrame | list[dict], mentions: pd.DataFrame | list[dict],
              quotes: pd.DataFrame | list[dict], categories: dict[str, dict]) -> str:
    """The article as HTML paragraphs with device, actor and quote spans (overlaps split into
    elementary pieces, each carrying every annotation active on it).  Each piece names its
    device hits (``data-dev``), mentions (``data-men``) and quotes (``data-quo``) for the
    evidence panel, and has a hover title with the same facts."""
    dev = _tuples(devices, ["start", "end", "hit_id", "category", "label", "rule_id", "speaker",
                            "target", "device_id"])
    men = _tuples(_with(mentions, "mention_id"), ["start", "end", "actor", "resolution",
                                                   "mention_id"])
    quo = _tuples(_with(quotes, "quote_id"), ["start", "end", "speaker", "verb", "quote_id"])
    # one sweep over all boundaries: linear in text + annotations, overlaps split into pieces
    anns = sorted([("d", r) for r in dev] + [("m", r) for r in men] + [("q", r) for r in quo],
                  key=lambda x: (x[1][0], x[1][1]))
    out = []
    ptr, active = 0, []
    for kind, s0, e0 in segments:
        bounds = {s0, e0}
        k = ptr
        while k < len(anns) and anns[k][1][0] < e0:
            for b in (anns[k][1][0], anns[k][1][1]):
                if s0 < b < e0:
                    bounds.add(b)
            k += 1
        for _, r in active:
            if s0 < r[1] < e0:
                bounds.add(r[1])
        pts = sorted(bounds)
        pieces = []
        for a, b in zip(pts, pts[1:], strict=False):
            while ptr < len(anns) and anns[ptr][1][0] <= a:
                active.append(anns[ptr])
                ptr += 1
            active = [x for x in active if x[1][1] > a]
            cur = [x for x in active if x[1][0] <= a and b <= x[1][1]]
            ds = [r for t, r in cur if t == "d"]
            ms = [r for t, r in cur if t == "m"]
            qs = [r for t, r in cur if t == "q"]
            chunk = esc(text[a:b]).replace("\n", "<br>")
            if not (ds or ms or qs):
                pieces.append(chunk)
                continue
            classes, tips, attrs = [], [], []
            if ds:
                classes.append("dev")
                classes += sorted({f"cat-{r.category}" for r in ds})
                attrs.append(f'data-dev="{" ".join(str(r.hit_id) for r in ds)}"')
                color = categories.get(ds[0].category, {}).get("color", "#999")
                attrs.append(f'style="--c:{color}"')
                for r in ds:
                    definition = categories.get(r.category, {}).get("definitions", {}).get(
                        r.device_id, "")
                    tips.append(f"{r.label} [{r.rule_id}] — speaker: {r.speaker}; "
                                f"target: {r.target or '—'}. {definition}")
            if ms:
                classes.append("act")
                attrs.append(f'data-men="{esc(" ".join(str(r.mention_id) for r in ms))}"')
                tips += [f"actor: {r.actor} ({r.resolution})" for r in ms]
            if qs:
                classes.append("quote")
                attrs.append(f'data-quo="{esc(" ".join(str(r.quote_id) for r in qs))}"')
                tips += [f"quote — speaker: {r.speaker or 'unattributed'} ({r.verb})" for r in qs]
            pieces.append(f'<span class="{" ".join(classes)}" {" ".join(attrs)} '
                          f'title="{esc(chr(10).join(tips))}">{chunk}</span>')
        out.append(f'<p class="{esc(kind)}">' + "".join(pieces) + "</p>")
    return "\n".join(out)


def evidence_data(dev: pd.DataFrame | list[dict], men: pd.DataFrame | list[dict],
                  quo: pd.DataFrame | list[dict], cats: dict[str, dict]) -> dict:
    """What the evidence panel shows for a clicked span: device hits, mentions and quotes by
    id (device label, category, definition, rule id, speaker, target; actor; quote speaker)."""
    d = {}
    for r in _tuples(dev):
        c = cats.get(r.category, {})
        d[str(r.hit_id)] = {"label": r.label, "category": c.get("label", r.category),
                            "definition": c.get("definitions", {}).get(r.device_id, ""),
                            "rule": r.rule_id, "speaker": r.speaker, "target": r.target or "",
                            "text": r.text}
    m = {str(r.mention_id): {"actor": r.actor, "type": r.actor_type, "text": r.text,
                             "resolution": r.resolution}
         for r in _tuples(men)} if len(men) and _has(men, "mention_id") else {}
    q = {str(r.quote_id): {"speaker": r.speaker or "", "speaker_text": r.speaker_text or "",
                           "verb": r.verb or "", "verb_type": r.verb_type or "",
                           "kind": r.kind or ""}
         for r in _tuples(quo)} if len(quo) and _has(quo, "quote_id") else {}
    return {"d": d, "m": m, "q": q}


FIGURE_TITLES = {
    "devices": "Framing devices by category and device",
    "outlets": "Device hits per 1,000 words by outlet (95 % bootstrap intervals over articles)",
    "sentiment": "Sentiment toward actors: negative and positive mentions",
    "voice": "Sentiment toward actors: the author's voice vs quoted speakers (95 % bootstrap)",
    "outlet_sentiment": "Sentiment toward the most-mentioned actors by outlet (95 % bootstrap)",
    "network": "Stance network: source → target, colour = polarity, width = evidence",
    "heatmap": "Actor × device category: device hits that target each actor",
    "timeline": "Device rates and actor sentiment across article dates",
    "sv_frames": "Generic frames (Semetko & Valkenburg scores)",
    "mfc_frames": "Media Frames Corpus frames",
}


def figure_variables(kind: str, devices: pd.DataFrame, frames: dict) -> list[str]:
    """The variables a figure is built on (for its reliability badge)."""
    dev_vars = (sorted(set(devices.category)) + sorted(set(devices.device_id))
                if len(devices) and "device_id" in devices else [])
    if kind in ("devices", "outlets", "heatmap"):
        return dev_vars
    if kind in ("sentiment", "voice", "outlet_sentiment"):
        return ["sentiment"]
    if kind == "network":
        return ["stance", "sentiment"]
    if kind == "timeline":
        return dev_vars + ["sentiment"]
    if kind == "sv_frames":
        df = frames.get("sv_frames")
        return [f"sv:{f}" for f in sorted(set(df.frame))] if df is not None and len(df) else []
    if kind == "mfc_frames":
        df = frames.get("mfc_frames")
        return [f"mfc:{f}" for f in sorted(set(df.frame))] if df is not None and len(df) else []
    return []


def _drawn(fig_dir: Path | None, key: str, kinds: Iterable[str], plan: Mapping | None
           ) -> list[str]:
    """The figure kinds shown for ``key`` (an article id or ``"corpus"``): from the figure
    plan when there is one (the figures may still be being drawn), else the PNGs present."""
    if plan is not None:
        planned = set(plan.get(key, ()))
        return [k for k in kinds if k in planned]
    if fig_dir is None:
        return []
    return [k for k in kinds if (fig_dir / f"{k}.png").exists()]


def _figures(rel: str, kinds: Iterable[str], devices: pd.DataFrame | None, frames: dict,
             status: Mapping[str, str] | None, note: str | None = None) -> str:
    """``<figure>`` for each figure kind (PNG shown at its layout size, SVG linked)."""
    from .figplan import PNG_DPI

    density = f"{PNG_DPI / 100:g}x"  # drawn at PNG_DPI, laid out at 100 dpi
    out = []
    for kind in kinds:
        title = FIGURE_TITLES.get(kind, kind)
        badge = badge_html(figure_variables(kind, devices, frames), status)
        src = f"{esc(rel)}/{kind}.png"
        out.append(f'<figure><img src="{src}" srcset="{src} {density}" alt="{esc(title)}"'
                   f'><figcaption>{esc(title)}{badge} · '
                   f'<a href="{esc(rel)}/{kind}.svg">SVG</a></figcaption></figure>')
    return f'<div class="figs">{"".join(out)}</div>' if out else \
        f'<p class="meta">{esc(note or "No figures were drawn for this page.")}</p>'


def report_provenance(codebook, resources: Mapping[str, Path] | None = None,
                      version: str = "") -> dict:
    """Package versions, codebook and resource hashes for the report (no run time: the
    report stays byte-identical across runs; provenance.json keeps the time)."""
    from importlib import metadata

    pkgs = {}
    for name in PACKAGES:
        try:
            pkgs[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            pkgs[name] = ""
    res = {k: hashlib.sha256(Path(v).read_bytes()).hexdigest()
           for k, v in sorted((resources or {}).items())}
    return {"codebook": codebook.sha256, "version": version, "packages": pkgs,
            "resources": res}


def _provenance_html(provenance: dict) -> str:
    rows = [("framing", provenance.get("version", "")),
            ("codebook sha256", provenance.get("codebook", ""))]
    rows += [(f"{k} sha256", v) for k, v in sorted(provenance.get("resources", {}).items())]
    rows += [(k, v or "not installed") for k, v in sorted(provenance.get("packages", {}).items())]
    cells = "".join(f"<tr><td>{esc(k)}</td><td><code>{esc(str(v))}</code></td></tr>"
                    for k, v in rows)
    return (f'<details><summary>Provenance: package versions and resource hashes</summary>'
            f'<table class="meta">{cells}</table></details>')


def _page_rows(frames: dict, name: str, aid: str, own: bool) -> list[dict] | None:
    """The article's rows of table ``name`` as records (:func:`_records`; None when the
    table is absent): from ``frames["_records"]`` when the page workers converted them for
    a run of pages at once (see :func:`_render_chunk`), else from the table."""
    pre = frames.get("_records")
    if own and pre is not None and name in pre:
        return pre[name]
    df = frames.get(name)
    return None if df is None else _records(_of(df, aid, own))


#: the sentiment columns an article page's actor table adds to the actors' rows
_ACTOR_SENTIMENT = ["actor", "mean_label", "ci_low", "ci_high", "n_pos", "n_neg", "n_neu"]


def _page_actors(acts: list[dict], sent: list[dict], frames: dict, aid: str,
                 own: bool) -> list[dict]:
    """Records of ``_by_mentions(_merge_actor(actors, sentiment))`` for one article page
    (``sent``: its rows with voice ALL), joined and ordered directly in the usual case —
    each actor has exactly one sentiment row, counts are ints and names strings — and
    through those pandas functions on the tables otherwise (the same values either way)."""
    pos = {r["actor"]: i for i, r in enumerate(sent)}
    cols = _ACTOR_SENTIMENT[1:]
    if (acts and len(pos) == len(sent) and all(type(x) is str for x in pos)
            and all(type(r["actor"]) is str and r["actor"] in pos
                    and type(r["n_mentions"]) is int for r in acts)
            and not set(cols) & set(acts[0])):
        rows = [{**r, **{c: sent[pos[r["actor"]]][c] for c in cols}} for r in acts]
        return sorted(rows, key=lambda r: (-r["n_mentions"], r["actor"]))
    sdf = _of(frames["actor_sentiment"], aid, own)
    sdf = sdf[sdf.voice == "ALL"]
    return _records(_by_mentions(_merge_actor(_of(frames["actors"], aid, own),
                                              sdf[_ACTOR_SENTIMENT])))


def _by_mention_rows(rows: list[dict], frames: dict, name: str, aid: str,
                     own: bool) -> list[dict]:
    """Records of ``_by_mentions`` of the article's rows of table ``name`` with voice ALL
    (``rows``: those rows' records), sorted directly when counts are ints and names
    strings."""
    if all(type(r["n_mentions"]) is int and type(r["actor"]) is str for r in rows):
        return sorted(rows, key=lambda r: (-r["n_mentions"], r["actor"]))
    df = _of(frames[name], aid, own)
    return _records(_by_mentions(df[df.voice == "ALL"]))


def article_html(art: dict, segs: list[tuple[str, int, int]], text: str, frames: dict,
                 cats: dict[str, dict], provenance: dict, fig_dir: Path | None = None,
                 status_by_variable: Mapping[str, str] | None = None) -> str:
    """One article's page: metadata, provenance, figures, the highlighted text with toggles
    and an evidence panel, and downloadable tables."""
    aid = art["article_id"]
    own = frames.get("_rows_of") == aid  # the per-article tables hold this article's rows only
    st = status_by_variable
    # the article's rows as records: a page does many small operations on a few rows each,
    # and pandas costs milliseconds per page for them
    dev = _page_rows(frames, "devices", aid, own)
    men = _page_rows(frames, "mentions", aid, own)
    quo = _page_rows(frames, "quotes", aid, own)
    sent = [r for r in _page_rows(frames, "actor_sentiment", aid, own) if r["voice"] == "ALL"]
    acts = _page_rows(frames, "actors", aid, own)
    stance = _page_rows(frames, "stance", aid, own) or []
    actors = _page_actors(acts, sent, frames, aid, own)
    per_cat = Counter(r["category"] for r in dev)
    legend = "".join(
        f'<label><input type="checkbox" checked data-toggle="cat-{esc(c)}">'
        f'<span class="swatch" style="background:{v["color"]}"></span>{esc(v["label"])} '
        f'({per_cat[c]})</label>'
        for c, v in sorted(cats.items()))
    legend += ('<label><input type="checkbox" checked data-toggle="act">actor mentions</label>'
               '<label><input type="checkbox" checked data-toggle="quote">quotes</label>')
    toggle_css = "".join(
        f".hide-cat-{c} .cat-{c}{{background:none;border-bottom:none}}" for c in cats)
    toggle_css += ".hide-act .act{text-decoration:none}.hide-quote .quote{color:inherit}"
    words = frames.get("_words", {}).get(aid)
    meta_rows = "".join(
        f"<tr><td>{esc(k)}</td><td>{esc(str(v))}</td></tr>"
        for k, v in (("date", art["date"] or "—"), ("outlet", art["source"] or "—"),
                     ("file", art["source_file"]), ("url", art["url"] or "—"),
                     ("characters", art["n_chars"]),
                     ("words", words if words is not None else "—"),
                     ("device hits", f"{len(dev)}" + (
                         f" ({1000 * len(dev) / words:.1f} per 1,000 words)"
                         if words else "")),
                     ("content hash", art["content_hash"][:16]),
                     ("codebook sha256", provenance.get("codebook", "")[:16]),
                     ("framing", provenance.get("version", ""))))
    plan = frames.get("_figure_plan")
    kinds = _drawn(fig_dir / aid if fig_dir else None, aid, ARTICLE_FIGURES, plan)
    figs = _figures(f"../figures/{aid}", kinds,
                    _of(frames["devices"], aid, own) if kinds else None, frames, st,
                    frames.get("_figures_note")) \
        if fig_dir is not None or plan is not None else ""
    frames_html = ""
    sv = _page_rows(frames, "sv_frames", aid, own)
    if sv is not None:
        badge = badge_html([f"sv:{r['frame']}" for r in sv], st)
        frames_html += (f"<h3>Semetko &amp; Valkenburg frames{badge}</h3>" +
                        _table(sv, [("frame", "frame"), ("score", "score"),
                                    ("n_yes", "items yes"), ("n_items", "items")],
                               table_id="t-sv", csv_name=f"{aid}_sv_frames.csv"))
    items = _page_rows(frames, "sv_items", aid, own)
    if items is not None:
        frames_html += ("<h4>Items answered, with the evidence that answered them</h4>" +
                        _table(items, [("frame", "frame"), ("item", "item"),
                                       ("question", "question"), ("answer", "answer"),
                                       ("evidence", "evidence"), ("reason", "reason")],
                               table_id="t-sv-items", csv_name=f"{aid}_sv_items.csv"))
    mfc = _page_rows(frames, "mfc_frames", aid, own)
    if mfc is not None:
        badge = badge_html([f"mfc:{r['frame']}" for r in mfc], st)
        frames_html += (f"<h3>Media Frames Corpus frames{badge}</h3>" +
                        _table(mfc, [("frame", "frame"), ("label", "label"), ("score", "score"),
                                     ("present", "present"), ("n_evidence", "evidence n"),
                                     ("evidence", "evidence")],
                               table_id="t-mfc", csv_name=f"{aid}_mfc_frames.csv"))
    ent = _page_rows(frames, "entman", aid, own)
    if ent is not None:
        frames_html += ("<h3>Entman's functions (where the text supports them)</h3>" +
                        _table(ent, [("function", "function"), ("evidence", "evidence"),
                                     ("sentence", "sentence")],
                               table_id="t-entman", csv_name=f"{aid}_entman.csv"))
    if frames_html:
        frames_html = "<h2>Generic frames</h2>" + frames_html
    dev_vars = (sorted({r["category"] for r in dev}) + sorted({r["device_id"] for r in dev})
                if dev else [])
    body = f"""
<p class="meta"><a href="../index.html">← all articles</a></p>
<h1>{esc(art['title'] or aid)}</h1>
<table class="meta">{meta_rows}</table>
{_provenance_html(provenance)}
<p class="meta">Jump to: <a href="#figures">figures</a> · <a href="#text">text with
evidence</a> · <a href="#devices">devices</a> · <a href="#actors">actors</a> ·
<a href="#stance">stance</a> · <a href="#quotes">quotes</a></p>
<h2 id="figures">Figures</h2>
{figs}
<h2 id="text">Article with evidence</h2>
<p class="meta">Hover over a highlight for a summary; click it for the device's definition,
rule, speaker and target.</p>
<div class="legend">{legend}</div>
<div class="article">
{highlight(text, segs, dev, men, quo, cats)}
</div>
<aside id="info" hidden><button id="info-close" type="button" aria-label="close">×</button>
<strong>Evidence</strong><div id="info-body"></div></aside>
<script type="application/json" id="evidence-data">{json_for_html(
        evidence_data(dev, men, quo, cats))}</script>
<h2 id="devices">Framing devices ({len(dev)}){badge_html(dev_vars, st)}</h2>
{_table(dev, [("hit_id", "#"), ("category", "category"), ("label", "device"),
              ("text", "evidence"), ("speaker", "speaker"), ("target", "target"),
              ("segment", "segment"), ("rule_id", "rule")],
        table_id="t-devices", csv_name=f"{aid}_devices.csv", row_attr="hit_id")}
<h2 id="actors">Actors ({len(actors)}){badge_html(["sentiment"], st)}</h2>
{_table(actors, [("actor", "actor"), ("actor_type", "type"), ("n_mentions", "mentions"),
                 ("mean_label", "sentiment"), ("ci_low", "CI low"), ("ci_high", "CI high"),
                 ("n_pos", "+"), ("n_neg", "−"), ("n_neu", "0"),
                 ("surface_forms", "forms in text"), ("resolutions", "resolved by")],
        table_id="t-actors", csv_name=f"{aid}_actors.csv")}
<h2 id="stance">Stance network ({len(stance)} edges){badge_html(["stance", "sentiment"], st)}
</h2>
<p class="meta">Who evaluates whom: the source is the quoted speaker, the subject of the
governing predicate, or the author; polarity from mention-level sentiment.</p>
{_table(stance, [("source", "source"), ("target", "target"), ("voice", "voice"),
                 ("polarity", "polarity"), ("n_pos", "+"), ("n_neg", "−"),
                 ("evidence", "evidence")], table_id="t-stance", csv_name=f"{aid}_stance.csv")}
<h2 id="quotes">Quotes ({len(quo)})</h2>
{_table(quo, [("quote_id", "#"), ("kind", "kind"), ("speaker", "speaker"),
              ("speaker_text", "introduced as"), ("resolution", "resolved by"), ("verb", "verb"),
              ("verb_type", "verb type"), ("text", "text")],
        table_id="t-quotes", csv_name=f"{aid}_quotes.csv")}
{frames_html}
"""
    return _page(art["title"] or aid, body, toggle_css)


def _md_cell(v) -> str:
    if isinstance(v, float):
        v = "" if pd.isna(v) else f"{v:.2f}"
    return str(v).replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def _md_table(df: pd.DataFrame | list[dict], cols: list[tuple[str, str]]) -> str:
    lines = ["| " + " | ".join(label for _, label in cols) + " |",
             "|" + "---|" * len(cols)]
    for rec in (df if isinstance(df, list) else _records(df)):
        lines.append("| " + " | ".join(_md_cell(rec.get(k, "")) for k, _ in cols) + " |")
    return "\n".join(lines)



def _write(path: Path, content: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(content, encoding="utf-8")
    os.replace(tmp, path)


def article_md(art: dict, text: str, frames: dict, fig_dir: Path | None = None,
               provenance: dict | None = None,
               status_by_variable: Mapping[str, str] | None = None) -> str:
    """The article's report as Markdown (figures linked, tables as pipe tables)."""
    aid = art["article_id"]
    own = frames.get("_rows_of") == aid  # the per-article tables hold this article's rows only
    dev = _page_rows(frames, "devices", aid, own)
    quo = _page_rows(frames, "quotes", aid, own)
    sent = [r for r in _page_rows(frames, "actor_sentiment", aid, own) if r["voice"] == "ALL"]
    sent = _by_mention_rows(sent, frames, "actor_sentiment", aid, own)
    prov = provenance or {}
    figs = [f"![{FIGURE_TITLES[k]}](../figures/{aid}/{k}.png)"
            for k in _drawn(fig_dir / aid if fig_dir is not None else None, aid,
                            ARTICLE_FIGURES, frames.get("_figure_plan"))]
    dev_vars = (sorted({r["category"] for r in dev}) + sorted({r["device_id"] for r in dev})
                if dev and "device_id" in dev[0] else [])  # figure_variables("devices", ...)
    warn = badge_status(dev_vars + ["sentiment", "stance"], status_by_variable)
    parts = [
        f"# {art['title'] or aid}", "",
        f"- date: {art['date'] or '—'}", f"- outlet: {art['source'] or '—'}",
        f"- file: {art['source_file']}",
        f"- content hash: {art['content_hash'][:16]}",
        f"- codebook sha256: {prov.get('codebook', '')[:16]}",
        f"- framing: {prov.get('version', '')}",
        "- packages: " + ", ".join(f"{k} {v}" for k, v in sorted(
            prov.get("packages", {}).items()) if v), "",
    ]
    if warn:
        parts += [f"> ⚠ {BADGES[warn[0]][1]}: {', '.join(warn[1])}", ""]
    parts += figs + [""] if figs else []
    parts += [
        f"## Framing devices ({len(dev)})", "",
        _md_table(dev, [("hit_id", "#"), ("category", "category"), ("label", "device"),
                        ("text", "evidence"), ("speaker", "speaker"), ("target", "target"),
                        ("rule_id", "rule")]),
        "", f"## Sentiment toward actors ({len(sent)})", "",
        _md_table(sent, [("actor", "actor"), ("n_mentions", "mentions"),
                         ("mean_label", "mean"), ("ci_low", "CI low"), ("ci_high", "CI high"),
                         ("n_pos", "+"), ("n_neg", "−")]),
        "", "## Stance network", "",
        _md_table(_page_rows(frames, "stance", aid, own) or [],
                  [("source", "source"), ("target", "target"), ("voice", "voice"),
                   ("polarity", "polarity"), ("n_pos", "+"), ("n_neg", "−")]),
        "", f"## Quotes ({len(quo)})", "",
        _md_table(quo, [("speaker", "speaker"), ("verb", "verb"), ("verb_type", "type"),
                        ("text", "text")]), "",
    ]
    for name, title, cols in (
            ("sv_frames", "Semetko & Valkenburg frames", [("frame", "frame"), ("score", "score"),
                                                          ("n_yes", "yes"), ("n_items", "items")]),
            ("sv_items", "Semetko & Valkenburg items", [("item", "item"), ("answer", "answer"),
                                                        ("evidence", "evidence"),
                                                        ("reason", "reason")]),
            ("mfc_frames", "MFC frames", [("frame", "frame"), ("label", "label"),
                                          ("score", "score"), ("present", "present"),
                                          ("n_evidence", "evidence n"), ("evidence", "evidence")]),
            ("entman", "Entman's functions", [("function", "function"),
                                              ("evidence", "evidence")])):
        rows = _page_rows(frames, name, aid, own)
        if rows is not None:
            parts += [f"## {title}", "", _md_table(rows, cols), ""]
    parts += ["## Text", "", text, ""]
    return "\n".join(parts)


# --- what changed since the last run ----------------------------------------------------------

def corpus_snapshot(frames: dict, words: Mapping[str, int], labels: Mapping[str, str]) -> dict:
    """The aggregates the index compares between runs, keyed by the corpus (article ids and
    content hashes) — no time, so equal inputs give equal snapshots."""
    arts = frames["articles"].sort_values("article_id")
    key = hashlib.sha256("\n".join(f"{r.article_id}\t{r.content_hash}"
                                   for r in arts.itertuples()).encode()).hexdigest()[:16]
    dev = frames["devices"]
    total_words = int(sum(words.get(a, 0) for a in arts.article_id))

    def per_k(n: int) -> float | None:
        return round(1000 * n / total_words, 3) if total_words else None

    rates = {"all devices": per_k(len(dev))}
    for c in sorted(set(dev.category)):
        rates[labels.get(c, c)] = per_k(int((dev.category == c).sum()))
    sent = frames["actor_sentiment"]
    sent = sent[sent.voice == "ALL"]
    if "actor_type" in sent:
        sent = sent[sent.actor_type != "location"]
    agg = sent.groupby("actor").agg(n=("n_mentions", "sum"), pos=("n_pos", "sum"),
                                    neg=("n_neg", "sum")) if len(sent) else pd.DataFrame()
    actors = {}
    if len(agg):
        n, pos, neg = (agg[c].to_dict() for c in ("n", "pos", "neg"))
        for a in sorted(n, key=lambda a: (-int(n[a]), a))[:15]:
            actors[a] = {"n": int(n[a]), "mean": round(float(pos[a] - neg[a]) / int(n[a]), 3)}
    sc = frames.get("stance_corpus")
    return {"key": key,
            "articles": {r.article_id: {"title": r.title or "", "hash": r.content_hash[:16]}
                         for r in arts.itertuples()},
            "aggregates": {"articles": len(arts), "words": total_words,
                           "device hits": int(len(dev)), "rates": rates,
                           "stance edges": int(len(sc)) if sc is not None else None,
                           "actors": actors}}


def update_state(path: Path, snapshot: dict) -> dict | None:
    """Record ``snapshot`` in the state file and return the snapshot to compare with: the
    last one of a *different* corpus (None on a first run).  Rerunning the same corpus keeps
    the comparison (and refreshes the current aggregates)."""
    path = Path(path)
    state = {"current": None, "previous": None}
    if path.exists():
        try:
            state = json.loads(path.read_text(encoding="utf-8"))
        except (json.JSONDecodeError, UnicodeDecodeError) as e:
            raise ValueError(f"{path}: unreadable report state ({e}); delete it to start "
                             "afresh") from e
    cur = state.get("current")
    if cur is not None and cur.get("key") != snapshot["key"]:
        state["previous"] = cur
    state["current"] = snapshot
    _write(path, json.dumps(state, ensure_ascii=False, indent=1, sort_keys=True) + "\n")
    return state.get("previous")


def _delta(a, b, digits: int = 2) -> str:
    if a is None or b is None or (isinstance(a, float) and math.isnan(a)):
        return ""
    d = b - a
    if abs(d) < 10 ** -(digits + 1):
        return "="
    cls = "delta-up" if d > 0 else "delta-down"
    return f'<span class="{cls}">{"▲" if d > 0 else "▼"} {d:+.{digits}f}</span>'


def changes_html(prev: dict | None, cur: dict) -> str:
    """The "What changed since the last run" section."""
    if prev is None:
        return ("<p>This is the first run on record: there is no earlier run of a different "
                "corpus to compare with. The next run on a changed corpus will list new and "
                "removed articles and how the aggregates moved.</p>")
    pa, ca = prev["articles"], cur["articles"]
    new = sorted(set(ca) - set(pa))
    gone = sorted(set(pa) - set(ca))
    changed = sorted(a for a in set(pa) & set(ca) if pa[a]["hash"] != ca[a]["hash"])

    def items(ids, arts, link):
        return "".join(
            f'<li><a href="articles/{esc(a)}.html">{esc(arts[a]["title"] or a)}</a></li>'
            if link else f'<li>{esc(arts[a]["title"] or a)} <code>{esc(a)}</code></li>'
            for a in ids[:50]) + (f"<li>… and {len(ids) - 50} more</li>" if len(ids) > 50
                                  else "")
    out = [f'<p>Compared with the previous corpus ({prev["aggregates"]["articles"]} '
           f'article(s)): {len(new)} new, {len(gone)} removed, {len(changed)} changed.</p>']
    if new:
        out.append(f"<h3>New articles ({len(new)})</h3><ul>{items(new, ca, True)}</ul>")
    if gone:
        out.append(f"<h3>Removed articles ({len(gone)})</h3><ul>{items(gone, pa, False)}</ul>")
    if changed:
        out.append(f"<h3>Changed text ({len(changed)})</h3><ul>{items(changed, ca, True)}</ul>")
    pg, cg = prev["aggregates"], cur["aggregates"]
    rows = []
    for k in ("articles", "words", "device hits", "stance edges"):
        rows.append((k, pg.get(k), cg.get(k), 0))
    for k in sorted(set(pg["rates"]) | set(cg["rates"]),
                    key=lambda k: (k != "all devices", k)):
        rows.append((f"{k} per 1,000 words", pg["rates"].get(k), cg["rates"].get(k), 2))
    for a in sorted(set(pg["actors"]) | set(cg["actors"])):
        p, c = pg["actors"].get(a), cg["actors"].get(a)
        rows.append((f"sentiment toward {a} (mean, mentions {p['n'] if p else '—'} → "
                     f"{c['n'] if c else '—'})", p and p["mean"], c and c["mean"], 2))
    body = "".join(
        f"<tr><td>{esc(k)}</td><td class=\"num\">{'' if a is None else esc(f'{a:.{d}f}')}</td>"
        f"<td class=\"num\">{'' if b is None else esc(f'{b:.{d}f}')}</td>"
        f"<td class=\"num\">{_delta(a, b, d)}</td></tr>"
        for k, a, b, d in rows)
    out.append('<h3>How the aggregates moved</h3><div class="tablebar"><button class="csv" '
               'type="button" data-table="t-changes" data-file="changes.csv">Download CSV'
               '</button></div><table class="sortable" id="t-changes"><thead><tr>'
               '<th>aggregate</th><th>before</th><th>now</th><th>change</th></tr></thead>'
               f"<tbody>{body}</tbody></table>")
    return "\n".join(out)


def changes_md(prev: dict | None, cur: dict) -> list[str]:
    if prev is None:
        return ["First run on record: nothing to compare with.", ""]
    new = sorted(set(cur["articles"]) - set(prev["articles"]))
    gone = sorted(set(prev["articles"]) - set(cur["articles"]))
    pr, cr = prev["aggregates"]["rates"], cur["aggregates"]["rates"]
    out = [f"New articles: {len(new)}; removed: {len(gone)}.", ""]
    out += [f"- new: {a}" for a in new[:50]] + [f"- removed: {a}" for a in gone[:50]] + [""]
    out += ["| aggregate | before | now |", "|---|---|---|"]
    for k in ("articles", "words", "device hits"):
        out.append(f"| {k} | {prev['aggregates'][k]} | {cur['aggregates'][k]} |")
    for k in sorted(set(pr) | set(cr)):
        out.append(f"| {_md_cell(k)} per 1,000 words | {pr.get(k, '')} | {cr.get(k, '')} |")
    return out + [""]


# --- the corpus index -------------------------------------------------------------------------

def _outlet_table(frames: dict, words: pd.Series, labels: Mapping[str, str],
                  by: str = "source") -> pd.DataFrame:
    est = device_rates(frames["devices"], frames["articles"], words, dict(labels), by)
    arts = frames["articles"].copy()
    arts["_g"] = arts[by].fillna("").astype(str).replace("", "(no outlet)")
    arts["_w"] = arts.article_id.map(words).fillna(0).astype(int)
    hits = frames["devices"].groupby("article_id").size()
    arts["_h"] = arts.article_id.map(hits).fillna(0).astype(int)
    rows = []
    for g, sub in arts.groupby("_g", sort=True):
        r, lo, hi, n = est[("ALL", g)]
        rows.append({"group": g, "articles": n, "words": int(sub._w.sum()),
                     "hits": int(sub._h.sum()), "rate": r, "lo": lo, "hi": hi})
    return pd.DataFrame(rows, columns=["group", "articles", "words", "hits", "rate", "lo",
                                       "hi"])


def _sentiment_by_outlet(frames: dict, top: int = 12) -> pd.DataFrame:
    from .figplan import cluster_bootstrap_ratio, seed_of

    sent = frames["actor_sentiment"]
    sent = sent[sent.voice == "ALL"]
    if "actor_type" in sent:
        sent = sent[sent.actor_type != "location"]
    cols = ["actor", "outlet", "articles", "mentions", "mean", "lo", "hi"]
    if not len(sent):
        return pd.DataFrame(columns=cols)
    grp = frames["articles"].set_index("article_id").source.fillna("").astype(str).replace(
        "", "(no outlet)")
    sent = sent.assign(outlet=sent.article_id.map(grp).fillna("(no outlet)"))
    tot = sent.groupby("actor").n_mentions.sum()
    actors = sorted(tot.index, key=lambda a: (-tot[a], a))[:top]
    rows = []
    for (a, g), sub in sent[sent.actor.isin(actors)].groupby(["actor", "outlet"], sort=True):
        m, lo, hi = cluster_bootstrap_ratio((sub.n_pos - sub.n_neg).to_numpy(),
                                            sub.n_mentions.to_numpy(), seed_of("outlet", a, g))
        rows.append({"actor": a, "outlet": g, "articles": int(sub.article_id.nunique()),
                     "mentions": int(sub.n_mentions.sum()), "mean": m, "lo": lo, "hi": hi})
    df = pd.DataFrame(rows, columns=cols)
    order = {a: i for i, a in enumerate(actors)}
    return df.sort_values(["actor", "outlet"], key=lambda s: s.map(order) if s.name == "actor"
                          else s).reset_index(drop=True)


def frames_by_outlet(frames: dict) -> pd.DataFrame:
    """Generic frames by outlet: the mean S&V score and the share of articles with each MFC
    frame present, with 95 % bootstrap intervals over articles."""
    from .figplan import cluster_bootstrap_ratio, seed_of

    cols = ["scheme", "frame", "outlet", "articles", "value", "lo", "hi"]
    grp = frames["articles"].set_index("article_id").source.fillna("").astype(str).replace(
        "", "(no outlet)")
    rows = []
    for scheme, name, col in (("S&V mean score", "sv_frames", "score"),
                              ("MFC share present", "mfc_frames", "present")):
        df = frames.get(name)
        if df is None or not len(df):
            continue
        df = df.assign(outlet=df.article_id.map(grp).fillna("(no outlet)"),
                       _v=df[col].astype(float))
        for (f, g), sub in df.groupby(["frame", "outlet"], sort=True):
            m, lo, hi = cluster_bootstrap_ratio(sub._v.to_numpy(), [1.0] * len(sub),
                                                seed_of(name, f, g))
            rows.append({"scheme": scheme, "frame": f, "outlet": g,
                         "articles": int(sub.article_id.nunique()), "value": m, "lo": lo,
                         "hi": hi})
    return pd.DataFrame(rows, columns=cols)


def _index(frames: dict, out_dir: Path, provenance: dict, words: pd.Series,
           labels: Mapping[str, str], colors: Mapping[str, str], prev: dict | None,
           snapshot: dict, status: Mapping[str, str] | None = None,
           index_dir: Path | None = None) -> list[Path]:
    arts = frames["articles"].copy()
    dev = frames["devices"]
    dev_n = dev.groupby("article_id").size()
    men_n = frames["mentions"].groupby("article_id").size()
    quo_n = frames["quotes"].groupby("article_id").size()
    arts["words"] = arts.article_id.map(words).fillna(0).astype(int)
    arts["devices"] = arts.article_id.map(dev_n).fillna(0).astype(int)
    arts["rate"] = [1000 * d / w if w else float("nan") for d, w in zip(arts.devices,
                                                                          arts.words,
                                                                          strict=True)]
    arts["mentions"] = arts.article_id.map(men_n).fillna(0).astype(int)
    arts["quotes"] = arts.article_id.map(quo_n).fillna(0).astype(int)
    cats = sorted(set(dev.category), key=lambda c: (-int((dev.category == c).sum()), c))
    by_cat = dev.groupby(["article_id", "category"]).size().unstack(fill_value=0) \
        if len(dev) else pd.DataFrame()
    cat_cols = []
    for c in cats:
        col = f"cat:{c}"
        n = arts.article_id.map(by_cat[c]).fillna(0)
        arts[col] = [1000 * x / w if w else float("nan") for x, w in zip(n, arts.words,
                                                                         strict=True)]
        cat_cols.append((col, labels.get(c, c)))
    shade = {col: float(arts[col].max()) for col, _ in cat_cols if len(arts)}
    shade["rate"] = float(arts.rate.max()) if len(arts) else 0.0
    head = ["title", "outlet", "date", "words", "device hits", "per 1,000 words"] + \
        [lab for _, lab in cat_cols] + ["mentions", "quotes"]
    rows = []
    for r in arts.to_dict("records"):
        cells = [f'<td><a href="articles/{esc(r["article_id"])}.html">'
                 f'{esc(r["title"] or r["article_id"])}</a></td>',
                 f'<td>{esc(r["source"] or "")}</td>', f'<td>{esc(r["date"] or "")}</td>',
                 f'<td class="num">{r["words"]}</td>', f'<td class="num">{r["devices"]}</td>']
        for col in ["rate"] + [c for c, _ in cat_cols]:
            v = r[col]
            if pd.isna(v):
                cells.append('<td class="num"></td>')
                continue
            if v == 0:
                cells.append('<td class="num zero">0</td>')
                continue
            pct = round(60 * v / shade[col]) if shade.get(col) else 0
            cells.append(f'<td class="num cell-shade" style="--s:{pct}%">{v:.1f}</td>')
        cells += [f'<td class="num">{r["mentions"]}</td>', f'<td class="num">{r["quotes"]}</td>']
        rows.append("<tr>" + "".join(cells) + "</tr>")
    swatches = "".join(f'<th><span class="swatch" style="background:{colors.get(c, "#999")}">'
                       f"</span>{esc(labels.get(c, c))}</th>" for c in cats)
    head_html = ("".join(f"<th>{esc(h)}</th>" for h in head[:6]) + swatches +
                 "<th>mentions</th><th>quotes</th>")
    art_table = ('<div class="tablebar"><button class="csv" type="button" '
                 'data-table="t-articles" data-file="articles.csv">Download CSV '
                 f'({len(arts)} rows)</button></div><div class="scroll">'
                 f'<table class="sortable" id="t-articles"><thead><tr>{head_html}</tr></thead>'
                 f'<tbody>{"".join(rows)}</tbody></table></div>')
    rejected = frames.get("rejected", pd.DataFrame(columns=["source_file", "error"]))
    is_warning = (rejected.level == "warning") if "level" in rejected else \
        pd.Series(False, index=rejected.index)
    warnings, rejected = rejected[is_warning], rejected[~is_warning]
    rej_html = ""
    if len(rejected):
        items = "".join(f"<li>{esc(e)}</li>" for e in rejected.error)
        rej_html = (f'<div class="warn"><strong>{len(rejected)} input(s) rejected</strong>'
                    f"<ul>{items}</ul></div>")
    if len(warnings):
        items = "".join(f"<li>{esc(e)}</li>" for e in warnings.error)
        rej_html += (f'<div class="warn"><strong>{len(warnings)} warning(s) about kept '
                     f"articles</strong><ul>{items}</ul></div>")
    sc = frames.get("stance_corpus", pd.DataFrame(columns=["source", "target", "n_articles",
                                                           "n_pos", "n_neg", "polarity"]))
    n_edges = len(sc)
    top = sc.assign(_n=sc.n_pos + sc.n_neg).sort_values(
        ["_n", "source", "target"], ascending=[False, True, True]).head(50)
    fig_dir = out_dir / "figures" / "corpus"

    def figs(*kinds):
        return _figures("figures/corpus", _drawn(fig_dir, "corpus", kinds,
                                                 frames.get("_figure_plan")),
                        dev, frames, status)

    outlets = _outlet_table(frames, words, labels)
    dated = arts[pd.to_datetime(arts.date.fillna("").astype(str).str[:10], format="%Y-%m-%d",
                                errors="coerce").notna()]
    date_html = ""
    if dated.date.nunique() >= 2:
        by_date = _outlet_table(frames, words, labels, by="date")
        by_date = by_date[by_date.group != "(no outlet)"]
        date_html = _table(by_date, [("group", "date"), ("articles", "articles"),
                                     ("words", "words"), ("hits", "device hits"),
                                     ("rate", "per 1,000 words"), ("lo", "CI low"),
                                     ("hi", "CI high")], table_id="t-dates",
                           csv_name="device_rates_by_date.csv", scroll=True) + \
            figs("timeline")
    else:
        date_html = (f'<p class="meta">{len(dated)} of {len(arts)} article(s) carry a date; '
                     "a timeline needs articles from at least two dates.</p>")
    n_undated = len(arts) - len(dated)
    if n_undated and dated.date.nunique() >= 2:
        date_html = f'<p class="meta">{n_undated} undated article(s) left out.</p>' + date_html
    sent_outlet = _sentiment_by_outlet(frames)
    several = len(outlets) > 1
    one_outlet = ('<p class="meta">All articles come from one outlet (or none is recorded): '
                  f'{esc(outlets.group.iloc[0]) if len(outlets) else "—"}.</p>')
    frames_figs = ""
    if frames.get("sv_frames") is not None or frames.get("mfc_frames") is not None:
        fvars = figure_variables("sv_frames", dev, frames) + \
            figure_variables("mfc_frames", dev, frames)
        frames_figs = (f"<h2>Generic frames{badge_html(fvars, status)}</h2>" +
                       figs("sv_frames", "mfc_frames") + "<h3>By outlet</h3>" +
                       _table(frames_by_outlet(frames),
                              [("scheme", "measure"), ("frame", "frame"), ("outlet", "outlet"),
                               ("articles", "articles"), ("value", "value"),
                               ("lo", "CI low"), ("hi", "CI high")],
                              table_id="t-frames-outlet", csv_name="frames_by_outlet.csv",
                              scroll=True))
    body = f"""
<h1>Framing report — {len(arts)} article(s)</h1>
<p class="meta">codebook sha256 {esc(provenance.get('codebook', '')[:16])} ·
framing {esc(provenance.get('version', ''))}</p>
{_provenance_html(provenance)}
{rej_html}
<h2>Articles side by side</h2>
<p class="meta">Device hits per 1,000 words, overall and by category (darker = higher).
Click a column to sort.</p>
{art_table}
<h2>What changed since the last run</h2>
{changes_html(prev, snapshot)}
<h2>Framing devices</h2>
{figs("devices", "heatmap")}
<h3>Device rates by outlet</h3>
{_table(outlets, [("group", "outlet"), ("articles", "articles"), ("words", "words"),
                  ("hits", "device hits"), ("rate", "per 1,000 words"), ("lo", "CI low"),
                  ("hi", "CI high")], table_id="t-outlets", csv_name="device_rates_by_outlet.csv")}
{figs("outlets") if several else one_outlet}
<h3>By date</h3>
{date_html}
<h2>Sentiment toward actors{badge_html(["sentiment"], status)}</h2>
{figs("sentiment", "voice")}
<h3>By outlet</h3>
{_table(sent_outlet, [("actor", "actor"), ("outlet", "outlet"), ("articles", "articles"),
                      ("mentions", "mentions"), ("mean", "mean"), ("lo", "CI low"),
                      ("hi", "CI high")], table_id="t-sent-outlet",
        csv_name="sentiment_by_outlet.csv", scroll=True)}
{figs("outlet_sentiment") if several else ""}
{frames_figs}
<h2>Corpus stance network{badge_html(["stance", "sentiment"], status)}</h2>
{figs("network")}
<h3>Strongest {len(top)} of {n_edges} edges</h3>
<p class="meta">All edges: <code>data/processed/stance_corpus.csv</code>.</p>
{_table(top, [("source", "source"), ("target", "target"), ("n_articles", "articles"),
              ("n_pos", "+"), ("n_neg", "−"), ("polarity", "polarity"),
              ("evidence", "evidence")],
        table_id="t-stance", csv_name="stance_top_edges.csv", scroll=True)}
"""
    p = (index_dir or out_dir) / "index.html"
    _write(p, _page("Framing report", body))
    md = ["# Framing report", "", f"{len(arts)} article(s). codebook sha256 "
          f"{provenance.get('codebook', '')[:16]}, framing {provenance.get('version', '')}.", ""]
    if len(rejected):
        md += ["## Rejected inputs", ""] + [f"- {e}" for e in rejected.error] + [""]
    if len(warnings):
        md += ["## Warnings (articles kept)", ""] + [f"- {e}" for e in warnings.error] + [""]
    md += [_md_table(arts, [("article_id", "id"), ("title", "title"), ("source", "outlet"),
                            ("date", "date"), ("words", "words"), ("devices", "devices"),
                            ("rate", "per 1,000 words"), ("mentions", "mentions"),
                            ("quotes", "quotes")]), "",
           "## What changed since the last run", ""] + changes_md(prev, snapshot)
    md += ["## Device rates by outlet", "",
           _md_table(outlets, [("group", "outlet"), ("articles", "articles"),
                               ("words", "words"), ("hits", "hits"), ("rate", "per 1,000"),
                               ("lo", "CI low"), ("hi", "CI high")]), ""]
    md += [f"![{FIGURE_TITLES[k]}](figures/corpus/{k}.png)"
           for k in _drawn(fig_dir, "corpus", CORPUS_FIGURES, frames.get("_figure_plan"))] + [""]
    m = (index_dir or out_dir) / "index.md"
    _write(m, "\n".join(md))
    return [p, m]


#: This module's code: a change renders every cached page again.
_CODE_VERSION = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:16]


def _page_key(shared: str, inputs_key: str, row: dict, fig_dir: Path | None,
              plan: Mapping | None = None) -> str:
    """Key of one article's pages: everything they show comes from these inputs."""
    h = hashlib.sha256(shared.encode())
    h.update(inputs_key.encode())
    h.update(json.dumps(row, sort_keys=True, default=str, ensure_ascii=False).encode())
    if plan is not None:
        h.update(("figures:" + ",".join(plan.get(row["article_id"], ()))).encode())
    elif fig_dir is not None and fig_dir.is_dir():
        for f in sorted(fig_dir.iterdir()):
            h.update(f"{f.name}:{f.stat().st_size}".encode())
    return h.hexdigest()[:24]


def _link_atomic(src: Path, dst: Path) -> None:
    """``dst`` as a hard link to the cached page ``src`` (a copy where links fail).  A link
    appears whole or not at all, so no temporary name is needed when ``dst`` is absent (the
    usual case: Snakemake empties the output folder before the job)."""
    try:
        if dst.exists():
            dst.unlink()
        os.link(src, dst)
    except OSError:
        _copy_atomic(src, dst)


def _copy_atomic(src: Path, dst: Path) -> None:
    import shutil

    dst.parent.mkdir(parents=True, exist_ok=True)
    tmp = dst.with_name(f"{dst.name}.{os.getpid()}.tmp")
    shutil.copyfile(src, tmp)
    os.replace(tmp, dst)


def _plain(df: pd.DataFrame) -> pd.DataFrame:
    """``df`` with Arrow-backed text columns as plain Python strings: the report does many
    small operations per page, and each costs several times more on Arrow arrays.

    >>> _plain(pd.DataFrame({"a": pd.array(["x"], dtype="string[pyarrow]")})).a.dtype
    dtype('O')
    """
    conv = {c: object for c, t in df.dtypes.items()
            if isinstance(t, pd.StringDtype) or "pyarrow" in str(t)}
    return df.astype(conv) if conv else df


#: fewer pages than this are rendered in the calling process (a pool costs more than them)
MIN_PARALLEL_PAGES = 8
#: What the page workers share (set by :func:`render_reports`, inherited by forked workers).
_PAGES: dict = {}


def _span(ix: np.ndarray) -> slice | np.ndarray:
    """Row positions as a slice when they are contiguous (the tables are sorted by article).

    >>> _span(np.array([3, 4, 5])), _span(np.array([1, 3]))
    (slice(3, 6, None), array([1, 3]))
    """
    if len(ix) and ix[-1] - ix[0] + 1 == len(ix):
        return slice(int(ix[0]), int(ix[-1]) + 1)
    return ix




#: pages rendered together: their articles' rows are converted to Python values at once
PAGE_CHUNK = 32
#: the per-article tables a page reads as records (:func:`_page_rows`)
PAGE_TABLES = frozenset({"devices", "mentions", "quotes", "actor_sentiment", "actors", "stance",
                         "sv_frames", "sv_items", "mfc_frames", "entman"})


def _row_records(df: pd.DataFrame) -> list[dict]:
    """``_records(_plain(df))`` column by column: the same Python values, without copying
    the text columns into a frame first nor interleaving the columns into one array.

    >>> df = pd.DataFrame({"a": pd.array(["x", None], dtype="str"), "b": [1, 2],
    ...                    "c": [0.5, None]})
    >>> str(_row_records(df)) == str(_records(_plain(df)))
    True
    """
    cols = list(df.columns)
    if not cols or not len(df):
        return []
    return [dict(zip(cols, row, strict=True))
            for row in zip(*(df[c].tolist() for c in cols), strict=True)]


class _PageFrames(dict):
    """The tables an article page reads: the corpus tables, each per-article one cut to the
    article's rows (text as Python strings, :func:`_plain`) only when first read — a page
    mostly reads the records of its rows (``"_records"``, see :func:`_page_rows`) instead.

    >>> t = pd.DataFrame({"article_id": ["a", "b"], "x": [1, 2]})
    >>> f = _PageFrames({"t": t, "n": 1}, {"t": (t, slice(1, 2))})
    >>> f["t"].x.tolist(), f.get("t").x.tolist(), f.get("n"), f.get("m", 0), "t" in f
    ([2], [2], 1, 0, True)
    """

    def __init__(self, frames: Mapping, cuts: dict[str, tuple[pd.DataFrame, object]]) -> None:
        super().__init__(frames)
        self._cuts = cuts

    def __getitem__(self, name):
        cut = self._cuts.pop(name, None)
        if cut is not None:
            df, ix = cut
            dict.__setitem__(self, name, _plain(df.iloc[ix]))
        return dict.__getitem__(self, name)

    def get(self, name, default=None):
        return self[name] if name in self else default


def _render_chunk(jobs: list[tuple]) -> None:
    """Write the pages of consecutive articles (module-level: run in worker processes).

    Each table's rows for all of them are one contiguous run (the tables are sorted by
    article), converted to Python values once rather than once per page."""
    frames = _PAGES["frames"]
    chunk: dict[str, tuple[list[dict], int]] = {}
    for name, rows in _PAGES["rows"].items():
        spans = [rows[a.id] for a, *_ in jobs if a.id in rows]
        if not spans or name not in PAGE_TABLES:
            continue
        lo = min(s.start if isinstance(s, slice) else int(s.min()) for s in spans)
        hi = max(s.stop if isinstance(s, slice) else int(s.max()) + 1 for s in spans)
        chunk[name] = (_row_records(frames[name].iloc[lo:hi]), lo)
    for job in jobs:
        art = job[0]
        cuts: dict[str, tuple[pd.DataFrame, object]] = {}
        recs: dict[str, list[dict]] = {}
        for name, rows in _PAGES["rows"].items():
            span = rows.get(art.id)
            if span is None:  # no rows: the table's empty frame
                cuts[name], recs[name] = (frames[name], slice(0, 0)), []
                continue
            cuts[name] = (frames[name], span)
            if name not in chunk:
                continue
            records, lo = chunk[name]
            recs[name] = (records[span.start - lo:span.stop - lo] if isinstance(span, slice)
                          else [records[i - lo] for i in span.tolist()])
        page = _PageFrames(_PAGES["frames"], cuts)
        page.update(_rows_of=art.id, _records=recs)
        _render_page(job, page)


def _render_page(job: tuple, frames: dict) -> None:
    """Write one article's HTML and Markdown pages; ``frames``: the tables, the per-article
    ones holding its rows only (see :class:`_PageFrames`)."""
    art, row, p, m, _key = job
    segs = [(s.kind, s.start, s.end) for s in art.segments]
    _write(p, article_html(row, segs, art.text, frames, _PAGES["cats"], _PAGES["provenance"],
                           _PAGES["fig_dir"], _PAGES["status"]))
    _write(m, article_md(row, art.text, frames, _PAGES["fig_dir"], _PAGES["provenance"],
                         _PAGES["status"]))


def render_reports(frames: dict, articles: Iterable, codebook, out_dir: Path,
                   provenance: dict, state_path: Path | None = None,
                   status_by_variable: Mapping[str, str] | None = None,
                   page_cache: Path | None = None,
                   page_inputs: Mapping[str, str] | None = None,
                   figures_note: str | None = None, workers: int = 1,
                   figure_plan: Mapping[str, list[str]] | None = None,
                   index_dir: Path | None = None) -> list[Path]:
    """Write ``articles/<id>.html|.md`` and ``index.html|.md`` into ``out_dir``.

    ``frames`` holds the tables (``articles``, ``rejected``, ``mentions``, ``actors``,
    ``quotes``, ``devices``, ``actor_sentiment``; optionally ``stance``, ``stance_corpus``,
    ``segments`` for word counts, ``sv_frames`` and ``mfc_frames``).  Figures are taken from
    ``out_dir/figures`` when present.  ``state_path`` (the processed folder's
    ``report_state.json``) enables "What changed since the last run".  With ``page_cache``
    and ``page_inputs`` (article id → a key of everything upstream its pages show, e.g. the
    stages' per-article result keys), an article's pages whose inputs did not change are
    copied from the cache instead of rendered again.  ``figures_note`` replaces "no figures"
    on article pages (e.g. why per-article figures were not drawn).  Pages to render are
    shared among ``workers`` processes.  With ``figure_plan``
    (:func:`framing.figplan.plan_figures`), pages show the planned figures, so they can be
    written while the figures are drawn; without it, the PNGs present under
    ``out_dir/figures``.  With ``index_dir``, the two index pages are written there instead
    (a staging folder: the workflow's ``publish`` rule moves them into ``out_dir`` once the
    figures exist too, so the index, which links pages and figures by paths relative to
    ``out_dir``, never appears before them).
    """
    out_dir = Path(out_dir)
    colors = category_colors(list(codebook.categories))
    cats = {
        cid: {"label": c.label_en, "color": colors[cid],
              "definitions": {d.id: d.definition for d in codebook.devices
                              if d.category == cid}}
        for cid, c in codebook.categories.items()
    }
    labels = {cid: c.label_en for cid, c in codebook.categories.items()}
    art_rows = {r["article_id"]: r for r in frames["articles"].to_dict("records")}
    fig_dir = out_dir / "figures"
    segs_df = frames.get("segments")
    words: dict[str, int] = word_counts(segs_df).to_dict() if segs_df is not None else {}
    frames = {**frames, "_words": words, "_figures_note": figures_note,
              "_figure_plan": figure_plan}
    (out_dir / "articles").mkdir(parents=True, exist_ok=True)  # even if every input was rejected
    written = []
    shared = json.dumps([provenance, dict(status_by_variable or {}), _CODE_VERSION,
                         figures_note],
                        sort_keys=True, default=str)
    live: set[str] = set()
    todo: list[tuple] = []  # pages to render: (article, table row, html path, md path, key)
    for art in articles:
        row = art_rows[art.id]
        if segs_df is None:
            words[art.id] = int(word_counts(pd.DataFrame(
                {"article_id": [art.id], "text": [art.text]})).get(art.id, 0))
        p = out_dir / "articles" / f"{art.id}.html"
        m = out_dir / "articles" / f"{art.id}.md"
        key = None
        if page_cache is not None and page_inputs and art.id in page_inputs:
            key = _page_key(shared, page_inputs[art.id], row,
                            fig_dir / art.id if fig_dir is not None else None, figure_plan)
            live.add(key)
            cached = (Path(page_cache) / f"{key}.html", Path(page_cache) / f"{key}.md")
            if all(c.exists() for c in cached):
                _link_atomic(cached[0], p)
                _link_atomic(cached[1], m)
                written += [p, m]
                continue
        todo.append((art, row, p, m, key))
    # each per-article table's row positions by article, found once (filtering the corpus
    # tables for every page is quadratic; splitting them into frames per article costs
    # gigabytes at 10,000 articles)
    rows = {name: {aid: _span(ix) for aid, ix in df.groupby("article_id", sort=False)
                   .indices.items()}
            for name, df in frames.items()
            if isinstance(df, pd.DataFrame) and "article_id" in df and name != "articles"}
    _PAGES.update(frames=frames, rows=rows, cats=cats,
                  provenance=provenance, fig_dir=fig_dir, status=status_by_variable)
    # consecutive articles (the tables' order) in chunks: see _render_chunk
    by_id = sorted(todo, key=lambda job: job[0].id)
    size = max(1, min(PAGE_CHUNK, -(-len(by_id) // (4 * max(workers, 1)))))  # ≥ 4 per worker
    chunks = [by_id[i:i + size] for i in range(0, len(by_id), size)]
    words_s = pd.Series(words, dtype="int64")
    snap = corpus_snapshot(frames, words, labels)
    prev = update_state(Path(state_path), snap) if state_path is not None else None

    def index() -> list[Path]:
        return _index(frames, out_dir, provenance, words_s, labels, colors, prev, snap,
                      status_by_variable, index_dir=index_dir)

    try:
        if workers > 1 and len(todo) > MIN_PARALLEL_PAGES:
            import multiprocessing as mp

            with mp.get_context("fork").Pool(min(workers, os.cpu_count() or 1)) as pool:
                pages = pool.map_async(_render_chunk, chunks, chunksize=1)
                index_files = index()  # written while the workers render the pages
                pages.get()
        else:
            for chunk in chunks:
                _render_chunk(chunk)
            index_files = index()
    finally:
        _PAGES.clear()
    for _art, _row, p, m, key in todo:
        if key is not None:  # a second name for the page, not a second copy
            Path(page_cache).mkdir(parents=True, exist_ok=True)
            _link_atomic(p, Path(page_cache) / f"{key}.html")
            _link_atomic(m, Path(page_cache) / f"{key}.md")
        written += [p, m]
    if page_cache is not None and Path(page_cache).is_dir():  # drop pages of past inputs
        for f in Path(page_cache).iterdir():
            if f.name.split(".", 1)[0] not in live:
                f.unlink()
    return written + index_files
