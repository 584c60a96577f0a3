"""CPU time per article of each part of the NLP job: the NLP itself, storing, and every
annotator that runs on the Doc while it is in memory.  ``--sentiment-model`` times another
sentiment model folder (default: the config's ``sentiment_model``).

    python benchmarks/article_costs.py [--n 150] [--source FILE_OR_DIR] [--sentiment-model DIR]

One process, one BLAS thread, the default config's resources; the articles come from
``../shared/corpora/ru-news-dev/`` (as in ``corpus_benchmark.py``).  The first article only
warms the caches and is not counted.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

from corpus_benchmark import DEFAULT_SOURCE, build_corpus, load_source  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=150)
    ap.add_argument("--source", type=Path, default=DEFAULT_SOURCE)
    ap.add_argument("--sentiment-model", help="a model folder, 'packaged' or 'lexicon'")
    args = ap.parse_args()
    if not args.source.exists():
        print(f"skipped: source corpus {args.source} is absent")
        return 0
    import yaml

    from framing.annotators import UPSTREAM, ArticleCache, Resources
    from framing.docbin import save_doc
    from framing.ingest import parse_text
    from framing.nlp import NLP, sentence_rows
    from framing.resources import sentiment_model_dir
    from framing.stages import single_threaded_blas, throughput_gc

    single_threaded_blas()
    cfg = yaml.safe_load((ROOT / "config" / "config.yaml").read_text(encoding="utf-8"))
    res = {k: ROOT / v for k, v in cfg["resources"].items()}
    anns = Resources(registry=res["actors"], verbs=res["reporting_verbs"],
                     codebook=res["codebook"], lexicon=res["sentiment_lexicon"],
                     model_dir=sentiment_model_dir(args.sentiment_model
                                                   or cfg.get("sentiment_model")),
                     frames=res["frames"]).annotators()
    recs = build_corpus(load_source(args.source), args.n + 1)
    arts = [parse_text(r["text"], r["id"], r["id"] + ".txt") for r in recs]
    nlp = NLP()
    throughput_gc()  # as in the NLP job's workers, once the models are loaded
    spent: dict[str, float] = defaultdict(float)
    tokens = 0
    with tempfile.TemporaryDirectory() as tmp:
        for i, art in enumerate(arts):
            t = time.process_time()
            doc = nlp(art)
            times = {"nlp": time.process_time() - t}
            t = time.process_time()
            sentence_rows(doc, art.id)
            save_doc(doc, Path(tmp) / f"{i}.spacy")
            times["store Doc"] = time.process_time() - t
            results: dict[str, dict] = {}
            for ann in anns:
                t = time.process_time()
                results[ann.name] = ann.compute(doc, {u: results[u] for u in UPSTREAM[ann.name]})
                times[ann.name] = time.process_time() - t
                t = time.process_time()
                ArticleCache(Path(tmp) / "cache", ann.name).put(str(i), results[ann.name])
                times["store results"] = times.get("store results", 0.0) + time.process_time() - t
            if i:  # the first article warms the caches
                tokens += len(doc)
                for k, v in times.items():
                    spent[k] += v
    n = len(arts) - 1
    print(f"{n} articles, {tokens / n:.0f} tokens each on average; CPU ms per article:")
    for k, v in sorted(spent.items(), key=lambda kv: -kv[1]):
        print(f"  {k:14s} {v / n * 1000:7.1f}")
    print(f"  {'total':14s} {sum(spent.values()) / n * 1000:7.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
