"""HTML and Markdown reports: one per article plus an index.

Every piece of article text is HTML-escaped; the page is self-contained (inline CSS and a tiny
script for the category toggles; figures are files beside it) and makes no network request.
"""

from __future__ import annotations

import html
import os
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from .figures import category_colors

esc = html.escape

CSS = """
body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,'DejaVu Sans',sans-serif;margin:0;
color:#1d1d1f;background:#fafafa;line-height:1.55}
main{max-width:1100px;margin:0 auto;padding:24px 32px 64px}
h1{font-size:1.6rem;margin:.2em 0 .4em} h2{font-size:1.2rem;margin-top:2em;border-bottom:1px solid
#ddd;padding-bottom:.2em} .meta{color:#555;font-size:.9rem} table.meta{width:auto;background:none}
table.meta td{border:none;padding:0 1.5em 0 0}
.article{background:#fff;border:1px solid #e3e3e3;border-radius:8px;padding:12px 24px}
.article p{margin:.7em 0} p.title{font-size:1.15rem;font-weight:600} p.caption{font-style:italic;
color:#444;border-left:3px solid #ccc;padding-left:8px}
.dev{border-bottom:3px solid var(--c);background:color-mix(in srgb,var(--c) 22%,transparent);
cursor:help} .act{text-decoration:underline dotted #333;text-underline-offset:3px}
.quote{color:#2b4a7a} .legend label{margin-right:1em;white-space:nowrap;font-size:.9rem}
.swatch{display:inline-block;width:.9em;height:.9em;border-radius:2px;vertical-align:-1px;
margin-right:.3em} table{border-collapse:collapse;width:100%;font-size:.88rem;background:#fff}
th,td{border:1px solid #e0e0e0;padding:4px 6px;text-align:left;vertical-align:top}
th{background:#f0f0f0;cursor:pointer} .num{text-align:right} figure{margin:1em 0}
figure img{max-width:100%;border:1px solid #eee;background:#fff} .pos{color:#0072B2}
.neg{color:#D55E00} .warn{background:#fff3cd;border:1px solid #e0c36b;padding:8px 12px;
border-radius:6px} a{color:#0b5cad}
"""

JS = """
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
    th.dataset.asc = asc ? '1' : '0';
    rows.forEach(function(r){ body.appendChild(r); });
  });
});
"""


def _page(title: str, body: str, extra_css: str = "") -> str:
    return (
        "<!DOCTYPE html>\n<html lang=\"ru\">\n<head>\n<meta charset=\"utf-8\">\n"
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
        "img-src 'self' data:; style-src 'unsafe-inline'; script-src 'unsafe-inline'\">\n"
        f"<title>{esc(title)}</title>\n<style>{CSS}{extra_css}</style>\n</head>\n"
        f"<body>\n<main>\n{body}\n</main>\n<script>{JS}</script>\n</body>\n</html>\n"
    )


def _table(df: pd.DataFrame, cols: list[tuple[str, str]], cls: str = "sortable") -> str:
    head = "".join(f"<th>{esc(label)}</th>" for _, label in cols)
    rows = []
    for rec in df.to_dict("records"):
        cells = []
        for key, _ in cols:
            v = rec.get(key, "")
            num = isinstance(v, (int, float)) and not isinstance(v, bool)
            if isinstance(v, float):
                v = "" if pd.isna(v) else f"{v:.2f}"
            cells.append(f"<td class=\"num\">{esc(str(v))}</td>" if num
                         else f"<td>{esc(str(v))}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return (f"<table class=\"{cls}\"><thead><tr>{head}</tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table>")


def highlight(text: str, segments: Iterable[tuple[str, int, int]], devices: pd.DataFrame,
              mentions: pd.DataFrame, quotes: pd.DataFrame, categories: dict[str, dict]) -> str:
    """The article as HTML paragraphs with device, actor and quote spans (overlaps split into
    elementary pieces, each carrying every annotation active on it)."""
    dev = list(devices[["start", "end", "hit_id", "category", "label", "rule_id", "speaker",
                        "target", "device_id"]].itertuples(index=False)) if len(devices) else []
    men = list(mentions[["start", "end", "actor", "resolution"]].itertuples(index=False)) \
        if len(mentions) else []
    quo = list(quotes[["start", "end", "speaker", "verb"]].itertuples(index=False)) \
        if len(quotes) else []
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
                tips += [f"actor: {r.actor} ({r.resolution})" for r in ms]
            if qs:
                classes.append("quote")
                tips += [f"quote — speaker: {r.speaker or 'unattributed'} ({r.verb})" for r in qs]
            pieces.append(f'<span class="{" ".join(classes)}" {" ".join(attrs)} '
                          f'title="{esc(chr(10).join(tips))}">{chunk}</span>')
        out.append(f'<p class="{esc(kind)}">' + "".join(pieces) + "</p>")
    return "\n".join(out)


def _fig(src: str, alt: str) -> str:
    return f'<figure><img src="{esc(src)}" alt="{esc(alt)}"></figure>'


def article_html(art: dict, segs: list[tuple[str, int, int]], text: str, frames: dict,
                 cats: dict[str, dict], provenance: dict) -> str:
    aid = art["article_id"]
    dev = frames["devices"][frames["devices"].article_id == aid]
    men = frames["mentions"][frames["mentions"].article_id == aid]
    quo = frames["quotes"][frames["quotes"].article_id == aid]
    sent = frames["actor_sentiment"]
    sent = sent[(sent.article_id == aid) & (sent.voice == "ALL")]
    acts = frames["actors"][frames["actors"].article_id == aid]
    stance = frames.get("stance")
    stance = stance[stance.article_id == aid] if stance is not None else pd.DataFrame(
        columns=["source", "target", "voice", "polarity", "n_pos", "n_neg", "evidence"])
    actors = acts.merge(sent[["actor", "mean_label", "ci_low", "ci_high", "n_pos", "n_neg",
                              "n_neu"]], on="actor", how="left")
    actors = actors.sort_values(["n_mentions", "actor"], ascending=[False, True])
    legend = "".join(
        f'<label><input type="checkbox" checked data-toggle="cat-{esc(c)}">'
        f'<span class="swatch" style="background:{v["color"]}"></span>{esc(v["label"])} '
        f'({int((dev.category == c).sum())})</label>'
        for c, v in sorted(cats.items()))
    legend += ('<label><input type="checkbox" checked data-toggle="act">actor mentions</label>'
               '<label><input type="checkbox" checked data-toggle="quote">quotes</label>')
    toggle_css = "".join(
        f".hide-cat-{c} .cat-{c}{{background:none;border-bottom:none}}" for c in cats)
    toggle_css += ".hide-act .act{text-decoration:none}.hide-quote .quote{color:inherit}"
    meta_rows = "".join(
        f"<tr><td>{esc(k)}</td><td>{esc(str(v))}</td></tr>"
        for k, v in (("date", art["date"]), ("source", art["source"] or "—"),
                     ("file", art["source_file"]), ("url", art["url"] or "—"),
                     ("characters", art["n_chars"]), ("content hash", art["content_hash"][:16]),
                     ("codebook sha256", provenance.get("codebook", "")[:16]),
                     ("framing", provenance.get("version", ""))))
    body = f"""
<p class="meta"><a href="../index.html">← all articles</a></p>
<h1>{esc(art['title'] or aid)}</h1>
<table class="meta">{meta_rows}</table>
<h2>Figures</h2>
{_fig(f'../figures/{aid}/devices.png', 'Framing devices by category')}
{_fig(f'../figures/{aid}/sentiment.png', 'Sentiment toward actors')}
<h2>Article with evidence</h2>
<div class="legend">{legend}</div>
<div class="article">
{highlight(text, segs, dev, men, quo, cats)}
</div>
<h2>Framing devices ({len(dev)})</h2>
{_table(dev, [("hit_id", "#"), ("category", "category"), ("label", "device"),
              ("text", "evidence"), ("speaker", "speaker"), ("target", "target"),
              ("segment", "segment"), ("rule_id", "rule")])}
<h2>Actors ({len(actors)})</h2>
{_table(actors, [("actor", "actor"), ("actor_type", "type"), ("n_mentions", "mentions"),
                 ("mean_label", "sentiment"), ("ci_low", "CI low"), ("ci_high", "CI high"),
                 ("n_pos", "+"), ("n_neg", "−"), ("n_neu", "0"),
                 ("surface_forms", "forms in text"), ("resolutions", "resolved by")])}
<h2>Stance network ({len(stance)} edges)</h2>
<p class="meta">Who evaluates whom: the source is the quoted speaker, the subject of the
governing predicate, or the author; polarity from mention-level sentiment.</p>
{_table(stance, [("source", "source"), ("target", "target"), ("voice", "voice"),
                 ("polarity", "polarity"), ("n_pos", "+"), ("n_neg", "−"),
                 ("evidence", "evidence")])}
<h2>Quotes ({len(quo)})</h2>
{_table(quo, [("quote_id", "#"), ("kind", "kind"), ("speaker", "speaker"),
              ("speaker_text", "introduced as"), ("resolution", "resolved by"), ("verb", "verb"),
              ("verb_type", "verb type"), ("text", "text")])}
"""
    return _page(art["title"] or aid, body, toggle_css)


def _md_cell(v) -> str:
    if isinstance(v, float):
        v = "" if pd.isna(v) else f"{v:.2f}"
    return str(v).replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def _md_table(df: pd.DataFrame, cols: list[tuple[str, str]]) -> str:
    lines = ["| " + " | ".join(label for _, label in cols) + " |",
             "|" + "---|" * len(cols)]
    for rec in df.to_dict("records"):
        lines.append("| " + " | ".join(_md_cell(rec.get(k, "")) for k, _ in cols) + " |")
    return "\n".join(lines)


def article_md(art: dict, text: str, frames: dict) -> str:
    aid = art["article_id"]
    dev = frames["devices"][frames["devices"].article_id == aid]
    quo = frames["quotes"][frames["quotes"].article_id == aid]
    sent = frames["actor_sentiment"]
    sent = sent[(sent.article_id == aid) & (sent.voice == "ALL")]
    sent = sent.sort_values(["n_mentions", "actor"], ascending=[False, True])
    parts = [
        f"# {art['title'] or aid}", "",
        f"- date: {art['date']}", f"- file: {art['source_file']}",
        f"- content hash: {art['content_hash'][:16]}", "",
        f"![Framing devices](../figures/{aid}/devices.png)",
        f"![Sentiment toward actors](../figures/{aid}/sentiment.png)", "",
        f"## Framing devices ({len(dev)})", "",
        _md_table(dev, [("hit_id", "#"), ("category", "category"), ("label", "device"),
                        ("text", "evidence"), ("speaker", "speaker"), ("target", "target")]),
        "", f"## Sentiment toward actors ({len(sent)})", "",
        _md_table(sent, [("actor", "actor"), ("n_mentions", "mentions"),
                         ("mean_label", "mean"), ("ci_low", "CI low"), ("ci_high", "CI high"),
                         ("n_pos", "+"), ("n_neg", "−")]),
        "", "## Stance network", "",
        _md_table(frames["stance"][frames["stance"].article_id == aid]
                  if "stance" in frames else pd.DataFrame(),
                  [("source", "source"), ("target", "target"), ("voice", "voice"),
                   ("polarity", "polarity"), ("n_pos", "+"), ("n_neg", "−")]),
        "", f"## Quotes ({len(quo)})", "",
        _md_table(quo, [("speaker", "speaker"), ("verb", "verb"), ("verb_type", "type"),
                        ("text", "text")]),
        "", "## Text", "", text, "",
    ]
    return "\n".join(parts)


def _write(path: Path, content: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(content, encoding="utf-8")
    os.replace(tmp, path)


def render_reports(frames: dict, articles: Iterable, codebook, out_dir: Path,
                   provenance: dict) -> list[Path]:
    """Write ``articles/<id>.html|.md`` and ``index.html|.md`` into ``out_dir``."""
    out_dir = Path(out_dir)
    colors = category_colors(list(codebook.categories))
    cats = {
        cid: {"label": c.label_en, "color": colors[cid],
              "definitions": {d.id: d.definition for d in codebook.devices
                              if d.category == cid}}
        for cid, c in codebook.categories.items()
    }
    art_rows = {r["article_id"]: r for r in frames["articles"].to_dict("records")}
    (out_dir / "articles").mkdir(parents=True, exist_ok=True)  # even if every input was rejected
    written = []
    for art in articles:
        row = art_rows[art.id]
        segs = [(s.kind, s.start, s.end) for s in art.segments]
        p = out_dir / "articles" / f"{art.id}.html"
        _write(p, article_html(row, segs, art.text, frames, cats, provenance))
        m = out_dir / "articles" / f"{art.id}.md"
        _write(m, article_md(row, art.text, frames))
        written += [p, m]
    written += _index(frames, out_dir, provenance)
    return written


def _index(frames: dict, out_dir: Path, provenance: dict) -> list[Path]:
    arts = frames["articles"].copy()
    dev_n = frames["devices"].groupby("article_id").size()
    men_n = frames["mentions"].groupby("article_id").size()
    quo_n = frames["quotes"].groupby("article_id").size()
    arts["devices"] = arts.article_id.map(dev_n).fillna(0).astype(int)
    arts["mentions"] = arts.article_id.map(men_n).fillna(0).astype(int)
    arts["quotes"] = arts.article_id.map(quo_n).fillna(0).astype(int)
    rows = "".join(
        f"<tr><td><a href=\"articles/{esc(r.article_id)}.html\">{esc(r.title or r.article_id)}"
        f"</a></td><td>{esc(r.date)}</td><td>{esc(r.source_file)}</td>"
        f"<td class=\"num\">{r.devices}</td><td class=\"num\">{r.mentions}</td>"
        f"<td class=\"num\">{r.quotes}</td></tr>"
        for r in arts.itertuples())
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
    body = f"""
<h1>Framing report — {len(arts)} article(s)</h1>
<p class="meta">codebook sha256 {esc(provenance.get('codebook', '')[:16])} ·
framing {esc(provenance.get('version', ''))}</p>
{rej_html}
<table class="sortable"><thead><tr><th>title</th><th>date</th><th>file</th><th>devices</th>
<th>mentions</th><th>quotes</th></tr></thead><tbody>{rows}</tbody></table>
<h2>Corpus</h2>
{_fig('figures/corpus/devices.png', 'Framing devices by category, corpus')}
{_fig('figures/corpus/sentiment.png', 'Sentiment toward actors, corpus')}
<h2>Corpus stance network (strongest {len(top)} of {n_edges} edges)</h2>
<p class="meta">All edges: <code>data/processed/stance_corpus.csv</code>.</p>
{_table(top, [("source", "source"), ("target", "target"), ("n_articles", "articles"),
              ("n_pos", "+"), ("n_neg", "−"), ("polarity", "polarity")])}
"""
    p = out_dir / "index.html"
    _write(p, _page("Framing report", body))
    md = ["# Framing report", "", f"{len(arts)} article(s).", ""]
    if len(rejected):
        md += ["## Rejected inputs", ""] + [f"- {e}" for e in rejected.error] + [""]
    if len(warnings):
        md += ["## Warnings (articles kept)", ""] + [f"- {e}" for e in warnings.error] + [""]
    md += [_md_table(arts, [("article_id", "id"), ("title", "title"), ("date", "date"),
                            ("devices", "devices"), ("mentions", "mentions"),
                            ("quotes", "quotes")]), "",
           "![Devices](figures/corpus/devices.png)", "",
           "![Sentiment](figures/corpus/sentiment.png)", ""]
    m = out_dir / "index.md"
    _write(m, "\n".join(md))
    return [p, m]
