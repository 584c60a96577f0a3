"""Precision audit of actor mentions (who is named) on real news.

Runs the library's stages (NLP → actors) over the development corpus
``../shared/corpora/ru-news-dev/ru_news_dev.jsonl`` with the Doc cache of ``audit_devices.py``
(``.cache/audit/``), then:

    python benchmarks/audit_actors.py --sample   # review sheet → .cache/audit/actors_review.md
    python benchmarks/audit_actors.py --table    # judgments → audit/actor_precision.csv
    python benchmarks/audit_actors.py --prune    # drop judgments of mentions that changed

The sample is stratified by how a mention was resolved (``resolution``: alias, metonym,
periphrasis, descriptor, title, pronoun, surname, first_name, ner) and, for the registry's
own terms, by the actor's type (``alias:state``, ``metonym:state``, ``alias:bloc`` …): the
stance network and the sentiment per actor count these mentions. At most ``--per-stratum``
mentions each, judged ones first, then seeded new ones. Each mention is judged in its context:
``correct`` is 1 if the span names the recorded actor (a state, a person, an organisation …),
0 if it names something else (the city for the state, a party whose name holds a country, a
pronoun for someone else) or nothing at all.

``audit/actor_judgments.csv`` holds ids and offsets only (article_id, start, end, stratum, the
actor as judged, correct, note) — never corpus text; the review sheet quotes the corpus and is
not committed. A judgment whose mention now has another actor or stratum is stale (``--prune``
drops it; the next sample reads the mention again).
"""

from __future__ import annotations

import argparse
import logging
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

JUDGMENTS = ROOT / "audit" / "actor_judgments.csv"
PRECISION = ROOT / "audit" / "actor_precision.csv"
FIELDS = ["article_id", "start", "end", "stratum", "actor", "correct", "note"]
PRECISION_FIELDS = ["stratum", "mentions", "sampled", "correct", "precision"]
#: registry resolutions split by the actor's type (a state's alias is not a person's)
_BY_TYPE = {"alias", "metonym", "periphrasis", "adjective"}


@dataclass(frozen=True)
class ActorJudgment:
    article_id: str
    start: int
    end: int
    stratum: str
    actor: str
    correct: int
    note: str

    @property
    def key(self) -> tuple[str, int, int]:
        return self.article_id, self.start, self.end


def stratum_of(mention) -> str:
    """The audit stratum of a mention: its resolution, with the actor's type for the
    registry's own terms.

    >>> from types import SimpleNamespace as M
    >>> stratum_of(M(resolution="metonym", actor_type="state")), stratum_of(M(
    ...     resolution="pronoun", actor_type="person"))
    ('metonym:state', 'pronoun')
    """
    if mention.resolution in _BY_TYPE:
        return f"{mention.resolution}:{mention.actor_type}"
    return mention.resolution


def _judgment(row: dict) -> ActorJudgment:
    j = ActorJudgment(row["article_id"], int(row["start"]), int(row["end"]), row["stratum"],
                      row["actor"], int(row["correct"]), row["note"] or "")
    if j.correct not in (0, 1):
        raise ValueError("correct must be 0 or 1")
    return j


def read_judgments(path: Path) -> list[ActorJudgment]:
    return read_table(path, FIELDS, _judgment, "judgment")


def write_judgments(path: Path, rows: list[ActorJudgment]) -> None:
    rows = sorted(rows, key=lambda j: (j.article_id, j.start, j.end))
    write_table(path, FIELDS, [[j.article_id, j.start, j.end, j.stratum, j.actor, j.correct,
                                j.note] for j in rows])


def precision_rows(judgments: list[ActorJudgment], per_stratum: dict[str, int]) -> list[dict]:
    """One row per stratum and an ``all`` row weighted by each stratum's share of the mentions
    (strata are sampled at different rates).

    >>> j = [ActorJudgment("a", 0, 5, "alias:state", "X", 1, ""),
    ...      ActorJudgment("a", 9, 20, "alias:state", "X", 0, ""),
    ...      ActorJudgment("b", 0, 5, "pronoun", "Y", 1, "")]
    >>> for r in precision_rows(j, {"alias:state": 30, "pronoun": 10}):
    ...     print(r["stratum"], r["mentions"], r["sampled"], r["correct"], r["precision"])
    alias:state 30 2 1 0.500
    pronoun 10 1 1 1.000
    all 40 3 2 0.625
    """
    by: dict[str, list[ActorJudgment]] = defaultdict(list)
    for j in judgments:
        by[j.stratum].append(j)
    total = sum(per_stratum.values())
    rows, w, cover = [], 0.0, 0.0
    for s in sorted(per_stratum, key=lambda s: (-per_stratum[s], s)):
        js = by.get(s, [])
        ok = sum(j.correct for j in js)
        rows.append({"stratum": s, "mentions": per_stratum[s], "sampled": len(js),
                     "correct": ok, "precision": f"{ok / len(js):.3f}" if js else ""})
        if js:
            share = per_stratum[s] / total
            cover += share
            w += share * ok / len(js)
    rows.append({"stratum": "all", "mentions": total,
                 "sampled": sum(r["sampled"] for r in rows),
                 "correct": sum(r["correct"] for r in rows),
                 "precision": f"{w / cover:.3f}" if cover else ""})
    return rows


def sample_mentions(mentions: list, judged: set, per_stratum: int, seed: int) -> dict[str, list]:
    """Per stratum: judged mentions first, then seeded new ones, at most ``per_stratum``."""
    return stratified_sample(mentions, stratum_of, judged, per_stratum, seed)


def write_review(path: Path, sample: dict, judged: set, texts: dict[str, str]) -> int:
    return write_review_sheet(path, "Actor mention audit review sheet", sample, judged, texts,
                              lambda m: f"actor={m.actor!r} ({m.actor_type})", width=200)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", type=Path, default=CORPUS)
    ap.add_argument("--cache", type=Path, default=CACHE)
    ap.add_argument("--workers", type=int, default=2, choices=(1, 2))
    ap.add_argument("--judgments", type=Path, default=JUDGMENTS)
    ap.add_argument("--precision", type=Path, default=PRECISION)
    ap.add_argument("--sample", action="store_true", help="write the review sheet")
    ap.add_argument("--review", type=Path, default=CACHE / "actors_review.md")
    ap.add_argument("--table", action="store_true", help="write and print the precision table")
    ap.add_argument("--prune", action="store_true",
                    help="drop judgments whose mention changed or no longer exists")
    ap.add_argument("--per-stratum", type=int, default=10)
    ap.add_argument("--seed", type=int, default=20231)
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    if not args.corpus.exists():
        print(f"{args.corpus}: corpus not found; nothing audited", file=sys.stderr)
        return 0
    manifest = annotate(args.corpus, args.cache, args.workers)
    mentions_by_article, _ = actors_and_quotes(manifest, args.cache)
    mentions = [m for ms in mentions_by_article.values() for m in ms]
    per_stratum: dict[str, int] = defaultdict(int)
    for m in mentions:
        per_stratum[stratum_of(m)] += 1
    current = {(m.article_id, m.start, m.end): m for m in mentions}
    judgments, stale = stale_judgments(
        read_judgments(args.judgments), current,
        lambda m, j: (stratum_of(m), m.actor) == (j.stratum, j.actor), args.prune,
        write_judgments, args.judgments, "mentions")
    print(f"{len(mentions)} mentions in {len(mentions_by_article)} articles", file=sys.stderr)
    if args.sample:
        write_review_of(args, mentions, judgments, sample_mentions, write_review, "mention(s)")
    if args.table:
        for j in stale:
            print(f"{args.judgments}: stale judgment {j.key} (rerun with --prune)",
                  file=sys.stderr)
        fresh = [j for j in judgments if j not in stale]
        rows = precision_rows(fresh, per_stratum)
        write_table(args.precision, PRECISION_FIELDS,
                    [[r[f] for f in PRECISION_FIELDS] for r in rows])
        print(f"{'stratum':16} {'mentions':>8} {'sampled':>7} {'correct':>7} {'precision':>9}")
        for r in rows:
            print(f"{r['stratum']:16} {r['mentions']:>8} {r['sampled']:>7} {r['correct']:>7} "
                  f"{r['precision']:>9}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
