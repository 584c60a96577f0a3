"""Accuracy audit of quote attribution (who speaks) on real news.

Runs the library's stages (NLP → actors → quotes) over the development corpus
``../shared/corpora/ru-news-dev/ru_news_dev.jsonl`` with the same Doc cache as
``audit_devices.py`` (``.cache/audit/``), then:

    python benchmarks/audit_quotes.py --sample   # review sheet → .cache/audit/quotes_review.md
    python benchmarks/audit_quotes.py --table    # judgments → audit/quote_accuracy.csv
    python benchmarks/audit_quotes.py --prune    # drop judgments of quotes that no longer exist

The sample is stratified by how the speaker was found (``resolution``: name, pronoun, title,
collective, descriptor, unresolved): at most ``--per-stratum`` quotes each, quotes already
judged first, then seeded new ones.  Each quote is judged in its context:

- ``is_speech`` — 1 if the span is reported speech or thought (direct or indirect), 0 if it is
  something else (a title in guillemets, scare quotes, a name);
- ``speaker_ok`` — for reported speech: 1 if the recorded speaker is the right actor (an empty
  speaker is right only when the text names no one who could be it), else 0.

``audit/quote_judgments.csv`` holds ids and offsets only (article_id, start, end, resolution,
the speaker's actor id as judged, is_speech, speaker_ok, note) — never corpus text; the review
sheet quotes the corpus and is not committed.  A judgment whose quote now has another speaker
or resolution is stale (``--prune`` drops it, the next sample reads the quote again).
"""

from __future__ import annotations

import argparse
import logging
import random
import sys
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from audit_devices import (  # noqa: E402
    CACHE,
    CORPUS,
    ROOT,
    actors_and_quotes,
    annotate,
    read_table,
    stale_judgments,
    stratified_sample,
    write_review_of,
    write_review_sheet,
    write_table,
)

JUDGMENTS = ROOT / "audit" / "quote_judgments.csv"
ACCURACY = ROOT / "audit" / "quote_accuracy.csv"
FIELDS = ["article_id", "start", "end", "resolution", "speaker", "is_speech", "speaker_ok",
          "note"]
RECALL = ROOT / "audit" / "quote_recall.csv"
RECALL_FIELDS = ["article_id", "start", "end", "quotes_found", "speech_found", "missed", "note"]
ACCURACY_FIELDS = ["resolution", "quotes", "sampled", "speech", "speaker_ok",
                   "speech_precision", "speaker_accuracy"]


@dataclass(frozen=True)
class QuoteJudgment:
    article_id: str
    start: int
    end: int
    resolution: str
    speaker: str
    is_speech: int
    speaker_ok: int
    note: str

    @property
    def key(self) -> tuple[str, int, int]:
        return (self.article_id, self.start, self.end)


def _judgment(row: dict) -> QuoteJudgment:
    j = QuoteJudgment(row["article_id"], int(row["start"]), int(row["end"]), row["resolution"],
                      row["speaker"], int(row["is_speech"]), int(row["speaker_ok"]),
                      row["note"] or "")
    if j.is_speech not in (0, 1) or j.speaker_ok not in (0, 1):
        raise ValueError("'is_speech' and 'speaker_ok' must be 0 or 1")
    if not j.is_speech and j.speaker_ok:
        raise ValueError("'speaker_ok' must be 0 when 'is_speech' is 0")
    return j


def read_judgments(path: Path) -> list[QuoteJudgment]:
    """Read the judgments CSV; errors name the file and line."""
    return read_table(path, FIELDS, _judgment, "judgment")


def write_judgments(path: Path, rows: list[QuoteJudgment]) -> None:
    write_table(path, FIELDS, [[j.article_id, j.start, j.end, j.resolution, j.speaker,
                                j.is_speech, j.speaker_ok, j.note]
                               for j in sorted(rows, key=lambda j: j.key)])


def accuracy_rows(judgments: list[QuoteJudgment], quotes_per_stratum: dict[str, int]) -> list[dict]:
    """One row per resolution stratum and an ``all`` row (weighted by each stratum's share of
    the quotes, since strata are sampled at different rates).

    >>> j = [QuoteJudgment("a", 0, 5, "name", "X", 1, 1, ""),
    ...      QuoteJudgment("a", 9, 20, "name", "Y", 1, 0, ""),
    ...      QuoteJudgment("b", 0, 5, "pronoun", "", 0, 0, "")]
    >>> for r in accuracy_rows(j, {"name": 30, "pronoun": 10}):
    ...     print(r["resolution"], r["quotes"], r["sampled"], r["speech"], r["speaker_ok"],
    ...           r["speech_precision"], r["speaker_accuracy"] or "-")
    name 30 2 2 1 1.000 0.500
    pronoun 10 1 0 0 0.000 -
    all 40 3 2 1 0.750 0.500
    """
    by: dict[str, list[QuoteJudgment]] = defaultdict(list)
    for j in judgments:
        by[j.resolution].append(j)
    rows = []
    total = sum(quotes_per_stratum.values())
    w_speech = w_ok = w_cover = 0.0
    for res in sorted(quotes_per_stratum, key=lambda r: (-quotes_per_stratum[r], r)):
        js = by.get(res, [])
        speech = sum(j.is_speech for j in js)
        ok = sum(j.speaker_ok for j in js)
        rows.append({"resolution": res, "quotes": quotes_per_stratum[res], "sampled": len(js),
                     "speech": speech, "speaker_ok": ok,
                     "speech_precision": f"{speech / len(js):.3f}" if js else "",
                     "speaker_accuracy": f"{ok / speech:.3f}" if speech else ""})
        if js:
            share = quotes_per_stratum[res] / total
            w_cover += share
            w_speech += share * speech / len(js)
            w_ok += share * ok / len(js)
    sampled = sum(len(v) for v in by.values())
    rows.append({"resolution": "all", "quotes": total, "sampled": sampled,
                 "speech": sum(r["speech"] for r in rows),
                 "speaker_ok": sum(r["speaker_ok"] for r in rows),
                 "speech_precision": f"{w_speech / w_cover:.3f}" if w_cover else "",
                 "speaker_accuracy": f"{w_ok / w_speech:.3f}" if w_speech else ""})
    return rows


def sample_quotes(quotes: list, judged: set, per_stratum: int, seed: int) -> dict[str, list]:
    """Per resolution stratum: judged quotes first, then seeded new ones, at most
    ``per_stratum``."""
    return stratified_sample(quotes, lambda q: q.resolution, judged, per_stratum, seed)


def write_review(path: Path, sample: dict, judged: set, texts: dict[str, str]) -> int:
    return write_review_sheet(
        path, "Quote audit review sheet", sample, judged, texts,
        lambda q: (f"kind={q.kind} speaker={q.speaker!r} via {q.speaker_text!r} "
                   f"verb={q.verb!r} ({q.verb_type})"))


def write_accuracy(path: Path, rows: list[dict]) -> None:
    write_table(path, ACCURACY_FIELDS, [[r[f] for f in ACCURACY_FIELDS] for r in rows])


@dataclass(frozen=True)
class RecallJudgment:
    """One paragraph read in full: how many of the quotes found in it are reported speech, and
    how many reports of speech or thought it holds that no quote covers."""

    article_id: str
    start: int
    end: int
    quotes_found: int  # quotes found in the paragraph when it was read: a change makes it stale
    speech_found: int
    missed: int
    note: str


def read_recall(path: Path) -> list[RecallJudgment]:
    """Read the recall judgments; errors name the file and line."""
    return read_table(path, RECALL_FIELDS, lambda row: RecallJudgment(
        row["article_id"], int(row["start"]), int(row["end"]), int(row["quotes_found"]),
        int(row["speech_found"]), int(row["missed"]), row["note"] or ""), "recall")


def recall_of(rows: list[RecallJudgment]) -> tuple[int, int, float]:
    """(speech found, missed, recall) over the paragraphs read.

    >>> recall_of([RecallJudgment("a", 0, 9, 3, 3, 1, ""),
    ...            RecallJudgment("b", 0, 9, 0, 0, 0, "")])
    (3, 1, 0.75)
    """
    found = sum(r.speech_found for r in rows)
    missed = sum(r.missed for r in rows)
    return found, missed, (found / (found + missed) if found + missed else 0.0)


def sample_paragraphs(texts: dict[str, str], segments: dict[str, list], n: int, seed: int,
                      min_chars: int = 200, max_chars: int = 1500) -> list[tuple[str, int, int]]:
    """``n`` prose paragraphs of ``min_chars``–``max_chars`` characters, drawn with ``seed``
    (a text with no paragraph breaks is one huge segment: too long to read with care)."""
    pool = sorted((aid, s.start, s.end) for aid, segs in segments.items() for s in segs
                  if s.kind == "prose" and min_chars <= s.end - s.start <= max_chars)
    random.Random(f"{seed}:recall").shuffle(pool)
    return sorted(pool[:n])


def write_recall_sheet(path: Path, paras: list[tuple[str, int, int]], texts: dict[str, str],
                       quotes_by_article: dict[str, list]) -> None:
    lines = ["# Quote recall sheet (quotes the corpus: do not commit)", "",
             "Each paragraph with the quotes found marked ⟦…⟧ (speaker after it).", ""]
    for aid, a, b in paras:
        text = texts[aid]
        qs = sorted((q for q in quotes_by_article.get(aid, []) if a <= q.start < b),
                    key=lambda q: q.start)
        out, cur = [], a
        for q in qs:
            if q.start < cur:
                continue
            out.append(text[cur:q.start] + "⟦" + text[q.start:min(q.end, b)]
                       + f"⟧[{q.speaker or q.resolution}]")
            cur = min(q.end, b)
        out.append(text[cur:b])
        lines.append(f"- {aid},{a},{b}  found={len(qs)}")
        lines.append("    " + " ".join("".join(out).split()))
        lines.append("")
    path.write_text("\n".join(lines), encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", type=Path, default=CORPUS)
    ap.add_argument("--cache", type=Path, default=CACHE)
    ap.add_argument("--workers", type=int, default=2, choices=(1, 2))
    ap.add_argument("--judgments", type=Path, default=JUDGMENTS)
    ap.add_argument("--accuracy", type=Path, default=ACCURACY)
    ap.add_argument("--sample", action="store_true", help="write the review sheet")
    ap.add_argument("--review", type=Path, default=CACHE / "quotes_review.md")
    ap.add_argument("--table", action="store_true", help="write and print the accuracy table")
    ap.add_argument("--prune", action="store_true",
                    help="drop judgments whose quote no longer exists")
    ap.add_argument("--per-stratum", type=int, default=20)
    ap.add_argument("--recall-sample", type=int, default=0, metavar="N",
                    help="write a sheet of N random paragraphs to read in full for recall")
    ap.add_argument("--recall", type=Path, default=RECALL)
    ap.add_argument("--seed", type=int, default=20231)
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    if not args.corpus.exists():
        print(f"{args.corpus}: corpus not found", file=sys.stderr)
        return 2
    from framing.ingest import read_articles

    manifest = annotate(args.corpus, args.cache, args.workers)
    _, quotes_by_article = actors_and_quotes(manifest, args.cache)
    quotes = [q for qs in quotes_by_article.values() for q in qs]
    per_stratum: dict[str, int] = defaultdict(int)
    for q in quotes:
        per_stratum[q.resolution] += 1
    current = {(q.article_id, q.start, q.end): q for q in quotes}
    # a judgment whose quote changed speaker or stratum is stale too: it judged another answer
    judgments, stale = stale_judgments(
        read_judgments(args.judgments), current,
        lambda q, j: (q.resolution, q.speaker) == (j.resolution, j.speaker), args.prune,
        write_judgments, args.judgments, "quotes")
    print(f"{len(quotes)} quotes in {len(quotes_by_article)} articles", file=sys.stderr)
    if args.sample:
        write_review_of(args, quotes, judgments, sample_quotes, write_review, "quote(s)")
    if args.recall_sample:
        arts = list(read_articles(args.cache / "articles.jsonl"))
        texts = {a.id: a.text for a in arts}
        paras = sample_paragraphs(texts, {a.id: a.segments for a in arts}, args.recall_sample,
                                  args.seed)
        sheet = args.cache / "quotes_recall.md"
        write_recall_sheet(sheet, paras, texts, quotes_by_article)
        print(f"recall sheet: {sheet} ({len(paras)} paragraphs)", file=sys.stderr)
    if args.table:
        recall_rows = read_recall(args.recall)
        moved = 0
        for r in recall_rows:
            now = sum(r.start <= q.start < r.end for q in quotes_by_article.get(r.article_id, []))
            if now != r.quotes_found:
                moved += 1
                print(f"{args.recall}: paragraph {r.article_id},{r.start},{r.end} now has {now} "
                      f"quote(s), {r.quotes_found} when read: read it again", file=sys.stderr)
        if moved:
            return 1
        found, missed, rec = recall_of(recall_rows)
        if found + missed:
            print(f"recall over the paragraphs read in full: {found} of {found + missed} "
                  f"reports of speech found ({rec:.3f})")
        if stale:
            for j in stale:
                print(f"{args.judgments}: stale judgment {j.key} (rerun with --prune)",
                      file=sys.stderr)
            return 1
        rows = accuracy_rows(judgments, dict(per_stratum))
        write_accuracy(args.accuracy, rows)
        print(f"{'resolution':<12} {'quotes':>6} {'sampled':>7} {'speech':>6} {'spk ok':>6}  "
              f"speech precision  speaker accuracy")
        for r in rows:
            print(f"{r['resolution']:<12} {r['quotes']:>6} {r['sampled']:>7} {r['speech']:>6} "
                  f"{r['speaker_ok']:>6}  {r['speech_precision']:>16}  {r['speaker_accuracy']:>16}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
