"""Benchmark: time per mention of the sentiment model (features + prediction, parsing excluded).

    python benchmarks/sentiment_speed.py [N_SENTENCES]

Parses N sentences of the RuSentNE train split (default 500) once, then times feature
extraction and prediction for every entity row on one core and prints ms per mention.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "datasets" / "rusentne-train" / "train_data.csv"


def main() -> int:
    if not DATA.exists():
        print(f"skipped: {DATA} is absent (development data)")
        return 0
    from framing.evaluate import read_rusentne
    from framing.ingest import Article, Segment
    from framing.nlp import NLP
    from framing.resources import default_path, load_sentiment_model
    from framing.sentiment import load_lexicon
    from framing.sentiment_model import Embeddings, mention_features

    n = int(sys.argv[1]) if len(sys.argv) > 1 else 500
    rows = read_rusentne(DATA)[:n]
    nlp, emb = NLP(), Embeddings()
    lex = load_lexicon(default_path("sentiment_lexicon.tsv"))
    model = load_sentiment_model()
    docs = {}
    for r in rows:
        s = r["sentence"]
        if s not in docs:
            docs[s] = nlp(Article(id="s", source_file="b", text=s,
                                  segments=[Segment("prose", s, 0, len(s))]))
    spans = []
    for r in rows:
        d = docs[r["sentence"]]
        sp = d.char_span(r["entity_pos_start_rel"], r["entity_pos_end_rel"],
                         alignment_mode="expand") or d[0:1]
        spans.append((d, sp.start, sp.end, r["entity_tag"]))
    for d, a, b, tag in spans[:50]:  # warm the embedding cache like a long-running job
        mention_features(d, a, b, lex, tag, emb)
    t0 = time.perf_counter()
    feats = [mention_features(d, a, b, lex, tag, emb) for d, a, b, tag in spans]
    t1 = time.perf_counter()
    for f in feats:
        model.predict_one(f)
    t2 = time.perf_counter()
    k = len(spans)
    print(f"mentions: {k}")
    print(f"features:   {1000 * (t1 - t0) / k:.3f} ms/mention")
    print(f"prediction: {1000 * (t2 - t1) / k:.3f} ms/mention")
    print(f"total:      {1000 * (t2 - t0) / k:.3f} ms/mention (parsing excluded; target < 1 ms)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
