"""Peak memory of the NLP stage on one very long single-paragraph article.

Builds a one-line article of ``--chars`` characters from the development corpus (news texts
joined), annotates it with the NLP stage's code and prints the peak RSS.  ``--max-segment``
changes how long a paragraph may be before ingest splits it (``framing.ingest.
MAX_SEGMENT_CHARS``; a huge value turns the split off).

    python benchmarks/long_article_memory.py --chars 400000
    python benchmarks/long_article_memory.py --chars 400000 --max-segment 100000000
"""

from __future__ import annotations

import argparse
import json
import resource
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpora" / "ru-news-dev" / "ru_news_dev.jsonl"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--chars", type=int, default=400_000)
    ap.add_argument("--max-segment", type=int, default=None)
    ap.add_argument("--corpus", type=Path, default=CORPUS)
    args = ap.parse_args()

    from framing import ingest
    from framing.nlp import NLP

    if args.max_segment:
        ingest.MAX_SEGMENT_CHARS = args.max_segment
    texts = [json.loads(line)["text"] for line in args.corpus.open(encoding="utf-8")
             if line.strip()]
    line = " ".join(" ".join(t.split()) for t in texts)[: args.chars]
    art = ingest.parse_text(line, "long", "long.txt")
    nlp = NLP()
    base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    t0 = time.perf_counter()
    doc = nlp(art)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    secs = time.perf_counter() - t0
    print(f"{len(art.text):,} characters in {len(art.segments)} segment(s), {len(doc):,} tokens: "
          f"{secs:.1f} s, peak RSS {peak:.0f} MB (models loaded: {base:.0f} MB)")


if __name__ == "__main__":
    main()
