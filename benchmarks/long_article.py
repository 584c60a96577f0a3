"""Does a long article cost time linear in its length?

    python benchmarks/long_article.py [--sizes 25000 50000 100000 200000]

Builds articles of the given sizes (in characters) from the bundled sample's paragraphs (in
rotated order, each copy numbered so no two paragraphs are identical), then times the NLP and
each per-article annotator (actors, quotes, devices, sentiment) on each, in one process, and
prints seconds and microseconds per character per stage.  Linear cost = a flat µs/char column.
Nothing is written into the repository.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def build_text(paras: list[str], size: int) -> str:
    out, n = [], 0
    while sum(len(p) + 2 for p in out) < size:
        p = paras[n % len(paras)]
        out.append(f"{p} ({n // len(paras) + 1})")
        n += 1
    return "\n\n".join(out)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[25_000, 50_000, 100_000, 200_000])
    args = ap.parse_args()

    from framing.annotators import UPSTREAM, Resources
    from framing.ingest import parse_text
    from framing.nlp import NLP
    from framing.resources import sentiment_model_dir

    sample = sorted((ROOT / "data" / "raw").glob("*.txt"))[0]
    paras = [p.strip() for p in sample.read_text(encoding="utf-8").split("\n") if len(p) > 80]
    cfg = ROOT / "config"
    res = Resources(cfg / "actors.yaml", cfg / "reporting_verbs.yaml", cfg / "codebook.yaml",
                    cfg / "sentiment_lexicon.tsv", sentiment_model_dir("packaged"))
    nlp, annotators = NLP(), res.annotators()
    stages = ["nlp"] + [a.name for a in annotators]
    print(f"{'chars':>8} " + " ".join(f"{s + ' s':>12}" for s in stages)
          + "   " + " ".join(f"{s + ' µs/ch':>14}" for s in stages))
    warm = parse_text(build_text(paras, 2000), article_id="warm", source_file="warm.txt")
    wdoc, wres = nlp(warm), {}
    for a in annotators:  # first calls load lazy resources: keep them out of the timings
        wres[a.name] = a.compute(wdoc, {u: wres[u] for u in UPSTREAM[a.name]})
    for size in args.sizes:
        art = parse_text(build_text(paras, size), article_id=f"long{size}",
                         source_file="long.txt")
        times = {}
        t = time.perf_counter()
        doc = nlp(art)
        times["nlp"] = time.perf_counter() - t
        results: dict[str, dict] = {}
        for a in annotators:
            t = time.perf_counter()
            results[a.name] = a.compute(doc, {u: results[u] for u in UPSTREAM[a.name]})
            times[a.name] = time.perf_counter() - t
        n = len(art.text)
        print(f"{n:>8} " + " ".join(f"{times[s]:>12.2f}" for s in stages) + "   "
              + " ".join(f"{1e6 * times[s] / n:>14.1f}" for s in stages), flush=True)


if __name__ == "__main__":
    main()
