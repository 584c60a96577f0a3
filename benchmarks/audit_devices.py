"""Precision audit of the codebook's framing devices on real news.

Runs the library's stages (NLP → actors → quotes → devices) over the development corpus
``../shared/corpora/ru-news-dev/ru_news_dev.jsonl``; annotated Docs are cached (content-addressed)
under ``.cache/audit/`` so reruns only re-match the codebook.

    python benchmarks/audit_devices.py --sample     # review sheet → .cache/audit/review.md
    python benchmarks/audit_devices.py --table      # audit/judgments.csv → audit/precision.csv
    python benchmarks/audit_devices.py --prune      # drop judgments of hits that no longer exist

The review sheet (never committed: it quotes the corpus) lists, per device with at least
``--min-hits`` hits, a seeded sample of at most ``--per-device`` hits: hits already judged in
``audit/judgments.csv`` are kept in the sample, and new ones top it up.  ``audit/judgments.csv``
holds ids and offsets only (device, article_id, start, end, correct, note) — no corpus text.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import logging
import random
import sys
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpora" / "ru-news-dev" / "ru_news_dev.jsonl"
CACHE = ROOT / ".cache" / "audit"
JUDGMENTS = ROOT / "audit" / "judgments.csv"
PRECISION = ROOT / "audit" / "precision.csv"
JUDGMENT_FIELDS = ["device", "article_id", "start", "end", "correct", "note"]
PRECISION_FIELDS = ["device", "category", "hits", "sampled", "correct", "precision"]


@dataclass(frozen=True)
class Judgment:
    device: str
    article_id: str
    start: int
    end: int
    correct: int
    note: str

    @property
    def key(self) -> tuple[str, str, int, int]:
        return (self.device, self.article_id, self.start, self.end)


def read_table(path: Path, fields: list[str], build, what: str) -> list:
    """The records ``build(row)`` makes of the rows of an audit CSV (none if the file is
    absent).  Errors name the file and line: a wrong header, a row ``build`` rejects (it raises
    ``ValueError`` with the reason) and, for records with a ``key``, a duplicate."""
    if not path.exists():
        return []
    out: list = []
    seen: set = set()
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        if reader.fieldnames != fields:
            raise SystemExit(f"{path}: header must be {','.join(fields)}")
        for n, row in enumerate(reader, 2):
            try:
                item = build(row)
            except (TypeError, ValueError) as exc:
                raise SystemExit(f"{path}:{n}: bad {what} row ({exc})") from None
            key = getattr(item, "key", None)
            if key is not None:
                if key in seen:
                    raise SystemExit(f"{path}:{n}: duplicate {what} {key}")
                seen.add(key)
            out.append(item)
    return out


def stratified_sample(items: list, stratum_of, judged: set, per_stratum: int,
                      seed: int) -> dict[str, list]:
    """Per stratum (``stratum_of(item)``): the items already judged first (keys
    ``(article_id, start, end)``), then seeded new ones, at most ``per_stratum``."""
    by: dict[str, list] = {}
    for it in items:
        by.setdefault(stratum_of(it), []).append(it)
    out = {}
    for res in sorted(by):
        its = sorted(by[res], key=lambda x: (x.article_id, x.start, x.end))
        old = [x for x in its if (x.article_id, x.start, x.end) in judged]
        new = [x for x in its if (x.article_id, x.start, x.end) not in judged]
        random.Random(f"{seed}:{res}").shuffle(new)
        out[res] = old[:per_stratum] + new[:max(0, per_stratum - len(old))]
    return out


def in_context(text: str, start: int, end: int, width: int = 260) -> str:
    """``text[start:end]`` marked ⟦…⟧ with ``width`` characters either side, on one line."""
    a = max(0, start - width)
    b = min(len(text), end + width)
    return " ".join((text[a:start] + "⟦" + text[start:end] + "⟧" + text[end:b]).split())


def write_review_sheet(path: Path, title: str, sample: dict, judged: set,
                       texts: dict[str, str], describe, width: int = 260) -> int:
    """A review sheet (it quotes the corpus: not committed): per stratum, each sampled item's
    key, ``describe(item)`` and its context, marked TODO unless judged; the number to judge."""
    path.parent.mkdir(parents=True, exist_ok=True)
    todo = 0
    lines = [f"# {title} (quotes the corpus: do not commit)", ""]
    for res, its in sample.items():
        lines.append(f"## {res} ({len(its)} sampled)")
        for x in its:
            key = (x.article_id, x.start, x.end)
            todo += key not in judged
            lines.append(f"- [{'judged' if key in judged else 'TODO'}] "
                         f"{x.article_id},{x.start},{x.end},{res}  {describe(x)}")
            lines.append(f"    {in_context(texts[x.article_id], x.start, x.end, width)}")
        lines.append("")
    path.write_text("\n".join(lines), encoding="utf-8")
    return todo


def stale_judgments(judgments: list, current: dict, answer_of, prune: bool, write, path: Path,
                    what: str) -> tuple[list, list]:
    """(judgments, stale): a judgment is stale when its item (``current`` by key) is gone or
    gives another answer than the one judged (``answer_of(item, judgment)`` is False); with
    ``prune`` the stale ones are dropped and the file rewritten with ``write(path, kept)``."""
    stale = [j for j in judgments if j.key not in current or not answer_of(current[j.key], j)]
    if prune and stale:
        gone = {j.key for j in stale}
        judgments = [j for j in judgments if j.key not in gone]
        write(path, judgments)
        print(f"pruned {len(stale)} judgment(s) of {what} that changed or no longer exist",
              file=sys.stderr)
        stale = []
    return judgments, stale


def write_review_of(args, items: list, judgments: list, sample, write, what: str) -> None:
    """The review sheet of ``--sample``: ``sample(items, judged, per_stratum, seed)`` written
    by ``write(path, sample, judged, texts)``."""
    from framing.ingest import read_articles

    texts = {a.id: a.text for a in read_articles(args.cache / "articles.jsonl")}
    judged = {j.key for j in judgments}
    todo = write(args.review, sample(items, judged, args.per_stratum, args.seed), judged, texts)
    print(f"review sheet: {args.review} ({todo} {what} to judge)", file=sys.stderr)


def write_table(path: Path, fields: list[str], rows: list[list]) -> None:
    """Write an audit CSV: the header, then ``rows`` as given."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(fields)
        w.writerows(rows)


def _judgment(row: dict) -> Judgment:
    j = Judgment(row["device"], row["article_id"], int(row["start"]), int(row["end"]),
                 int(row["correct"]), row["note"] or "")
    if j.correct not in (0, 1):
        raise ValueError("'correct' must be 0 or 1")
    return j


def read_judgments(path: Path) -> list[Judgment]:
    """Read the judgments CSV; errors name the file and line."""
    return read_table(path, JUDGMENT_FIELDS, _judgment, "judgment")


def write_judgments(path: Path, rows: list[Judgment]) -> None:
    write_table(path, JUDGMENT_FIELDS,
                [[j.device, j.article_id, j.start, j.end, j.correct, j.note]
                 for j in sorted(rows, key=lambda j: j.key)])


def precision_rows(judgments: list[Judgment], hits_per_device: dict[str, int],
                   categories: dict[str, str], min_hits: int = 5) -> list[dict]:
    """One row per device with at least ``min_hits`` hits (or with judgments): hits, sampled,
    correct, precision.

    >>> j = [Judgment("a", "x", 0, 1, 1, ""), Judgment("a", "x", 5, 6, 0, ""),
    ...      Judgment("c", "y", 0, 1, 1, "")]
    >>> for r in precision_rows(j, {"a": 7, "b": 2, "c": 1}, {"a": "m", "b": "m", "c": "m"}):
    ...     print(r)
    {'device': 'a', 'category': 'm', 'hits': 7, 'sampled': 2, 'correct': 1, 'precision': '0.500'}
    {'device': 'c', 'category': 'm', 'hits': 1, 'sampled': 1, 'correct': 1, 'precision': '1.000'}
    """
    by_dev: dict[str, list[Judgment]] = defaultdict(list)
    for j in judgments:
        by_dev[j.device].append(j)
    rows = []
    for dev in sorted(hits_per_device):
        hits = hits_per_device[dev]
        js = by_dev.get(dev, [])
        if hits < min_hits and not js:
            continue
        correct = sum(j.correct for j in js)
        rows.append({"device": dev, "category": categories.get(dev, ""), "hits": hits,
                     "sampled": len(js), "correct": correct,
                     "precision": f"{correct / len(js):.3f}" if js else ""})
    return rows


# ----------------------------------------------------------------------------- running


def _files_hash(paths: list[Path]) -> str:
    h = hashlib.sha256()
    for p in paths:
        h.update(p.read_bytes())
    return h.hexdigest()[:16]


def annotate(corpus: Path, cache: Path, workers: int) -> Path:
    """Ingest the corpus and annotate it into the Doc cache; return the manifest path."""
    from framing.ingest import Article, read_path, write_articles
    from framing.stages import run_nlp

    cache.mkdir(parents=True, exist_ok=True)
    items = read_path(corpus)
    articles = [a for a in items if isinstance(a, Article)]
    if len(articles) != len(items):
        print(f"{corpus}: {len(items) - len(articles)} record(s) rejected", file=sys.stderr)
    jsonl = cache / "articles.jsonl"
    write_articles(articles, jsonl)
    manifest = cache / "docs.tsv"
    stats = run_nlp(jsonl, manifest, cache / "sentences.parquet", workers=workers)
    print(f"nlp: {stats['annotated']} annotated, {stats['reused']} reused", file=sys.stderr)
    return manifest


def actors_and_quotes(manifest: Path, cache: Path) -> tuple[dict, dict]:
    """Mentions and quotes per article, cached against the resources and code that make them."""
    from framing import actors as actors_mod
    from framing import quotes as quotes_mod
    from framing.actors import ActorRegistry, Mention, find_mentions
    from framing.quotes import Quote, QuoteFinder, ReportingVerbs
    from framing.stages import DocStore

    res = [ROOT / "config" / "actors.yaml", ROOT / "config" / "reporting_verbs.yaml",
           Path(actors_mod.__file__), Path(quotes_mod.__file__), manifest]
    path = cache / f"mentions_quotes_{_files_hash(res)}.json"
    if path.exists():
        data = json.loads(path.read_text(encoding="utf-8"))
    else:
        registry = ActorRegistry.from_yaml(ROOT / "config" / "actors.yaml")
        finder = QuoteFinder.for_registry(
            ReportingVerbs.from_yaml(ROOT / "config" / "reporting_verbs.yaml"), registry)
        data = {}
        for doc in DocStore(manifest).docs():
            aid = doc.user_data["framing"]["id"]
            ms = find_mentions(doc, registry)
            qs = finder.find(doc, ms)
            data[aid] = {"mentions": [m.as_row() for m in ms], "quotes": [q.as_row() for q in qs]}
        for old in cache.glob("mentions_quotes_*.json"):
            old.unlink()
        path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    mentions = {a: [Mention(**r) for r in v["mentions"]] for a, v in data.items()}
    quotes = {a: [Quote(**r) for r in v["quotes"]] for a, v in data.items()}
    return mentions, quotes


def device_hits(manifest: Path, mentions: dict, quotes: dict, codebook_path: Path) -> list:
    from framing.codebook import load_codebook
    from framing.devices import DeviceMatcher
    from framing.lemmas import Lemmatizer
    from framing.stages import DocStore

    lem = Lemmatizer()
    matcher = DeviceMatcher(load_codebook(codebook_path, lem), lem)
    hits = []
    for doc in DocStore(manifest).docs():
        aid = doc.user_data["framing"]["id"]
        hits.extend(matcher.match_doc(doc, quotes.get(aid, []), mentions.get(aid, [])))
    return hits


# ----------------------------------------------------------------------------- outputs


def sample_hits(hits: list, judged: set, per_device: int, min_hits: int, seed: int) -> dict:
    """Per device with ≥ ``min_hits`` hits (or already judged): judged hits first, then seeded
    new ones, at most ``per_device``."""
    by_dev: dict[str, list] = defaultdict(list)
    for h in hits:
        by_dev[h.device_id].append(h)
    out = {}
    for dev in sorted(by_dev):
        hs = sorted(by_dev[dev], key=lambda h: (h.article_id, h.start, h.end))
        old = [h for h in hs if (dev, h.article_id, h.start, h.end) in judged]
        if len(hs) < min_hits and not old:
            continue
        new = [h for h in hs if (dev, h.article_id, h.start, h.end) not in judged]
        rng = random.Random(f"{seed}:{dev}")
        rng.shuffle(new)
        out[dev] = old[:per_device] + new[:max(0, per_device - len(old))]
    return out


def write_review(path: Path, sample: dict, judged: set, hits_per_device: dict) -> int:
    path.parent.mkdir(parents=True, exist_ok=True)
    todo = 0
    lines = ["# Device audit review sheet (quotes the corpus: do not commit)", ""]
    for dev, hs in sample.items():
        lines.append(f"## {dev}  ({hits_per_device[dev]} hits, {len(hs)} sampled)")
        for h in hs:
            key = (dev, h.article_id, h.start, h.end)
            mark = "judged" if key in judged else "TODO"
            todo += key not in judged
            lines.append(f"- [{mark}] {dev},{h.article_id},{h.start},{h.end}  "
                         f"rule={h.rule_id} speaker={h.speaker}")
            lines.append(f"    evidence: {h.text}")
            lines.append(f"    sentence: {' '.join(h.sentence.split())}")
        lines.append("")
    path.write_text("\n".join(lines), encoding="utf-8")
    return todo


def write_precision(path: Path, rows: list[dict]) -> None:
    write_table(path, PRECISION_FIELDS, [[r[f] for f in PRECISION_FIELDS] for r in rows])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", type=Path, default=CORPUS)
    ap.add_argument("--codebook", type=Path, default=ROOT / "config" / "codebook.yaml")
    ap.add_argument("--cache", type=Path, default=CACHE)
    ap.add_argument("--workers", type=int, default=2, choices=(1, 2))
    ap.add_argument("--judgments", type=Path, default=JUDGMENTS)
    ap.add_argument("--precision", type=Path, default=PRECISION)
    ap.add_argument("--sample", action="store_true", help="write the review sheet")
    ap.add_argument("--review", type=Path, default=CACHE / "review.md")
    ap.add_argument("--table", action="store_true", help="write and print the precision table")
    ap.add_argument("--prune", action="store_true",
                    help="drop judgments whose hit no longer exists")
    ap.add_argument("--per-device", type=int, default=10)
    ap.add_argument("--min-hits", type=int, default=5)
    ap.add_argument("--seed", type=int, default=20231)
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    if not args.corpus.exists():
        print(f"{args.corpus}: corpus not found", file=sys.stderr)
        return 2

    manifest = annotate(args.corpus, args.cache, args.workers)
    mentions, quotes = actors_and_quotes(manifest, args.cache)
    hits = device_hits(manifest, mentions, quotes, args.codebook)
    hits_per_device: dict[str, int] = defaultdict(int)
    for h in hits:
        hits_per_device[h.device_id] += 1
    categories = {h.device_id: h.category for h in hits}
    current = {(h.device_id, h.article_id, h.start, h.end) for h in hits}
    judgments = read_judgments(args.judgments)
    stale = [j for j in judgments if j.key not in current]
    if args.prune and stale:
        judgments = [j for j in judgments if j.key in current]
        write_judgments(args.judgments, judgments)
        print(f"pruned {len(stale)} judgment(s) of hits that no longer exist", file=sys.stderr)
        stale = []
    print(f"{len(hits)} hits of {len(hits_per_device)} devices in "
          f"{len({h.article_id for h in hits})} articles", file=sys.stderr)
    if args.sample:
        judged = {j.key for j in judgments}
        sample = sample_hits(hits, judged, args.per_device, args.min_hits, args.seed)
        todo = write_review(args.review, sample, judged, hits_per_device)
        print(f"review sheet: {args.review} ({todo} hit(s) to judge)", file=sys.stderr)
    if args.table:
        if stale:
            for j in stale:
                print(f"{args.judgments}: stale judgment {j.key} (rerun with --prune)",
                      file=sys.stderr)
            return 1
        rows = precision_rows(judgments, dict(hits_per_device), categories, args.min_hits)
        write_precision(args.precision, rows)
        w = max(len(r["device"]) for r in rows) if rows else 6
        print(f"{'device':<{w}}  {'hits':>5}  {'sampled':>7}  {'correct':>7}  precision")
        for r in rows:
            print(f"{r['device']:<{w}}  {r['hits']:>5}  {r['sampled']:>7}  {r['correct']:>7}  "
                  f"{r['precision']}")
        unsampled = [r["device"] for r in rows if r["sampled"] == 0]
        if unsampled:
            print(f"not yet judged: {', '.join(unsampled)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
