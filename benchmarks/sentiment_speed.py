"""Benchmark: time per mention of the sentiment model (features + prediction, parsing excluded).

    python benchmarks/sentiment_speed.py [N_SENTENCES] [--cache DIR] [--model DIR]

Parses N sentences of the RuSentNE train split (default 500) once (or takes them from the
parse cache that ``framing train-sentiment --cache DIR`` keeps), then times feature extraction
and prediction for every entity row on one core and prints ms per mention: the best of three
rounds, in wall-clock time and in the process's CPU time (which a busy shared machine does not
inflate).  ``--model DIR`` times another model folder (default: the packaged model).
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
    from framing.stages import single_threaded_blas

    single_threaded_blas()  # one core, as in the pipeline's workers (BLAS threads would spin)

    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    cache = sys.argv[sys.argv.index("--cache") + 1] if "--cache" in sys.argv else None
    model_dir = sys.argv[sys.argv.index("--model") + 1] if "--model" in sys.argv else None
    for value in (cache, model_dir):
        if value in args:
            args.remove(value)
    n = int(args[0]) if args else 500
    all_rows = read_rusentne(DATA)
    rows = all_rows[:n]
    nlp, emb = NLP(), Embeddings()
    lex = load_lexicon(default_path("sentiment_lexicon.tsv"))
    model = load_sentiment_model(model_dir)
    if model is None:
        raise SystemExit(f"no sentiment model in {model_dir}")
    if cache:
        from framing.evaluate import parse_sentences

        docs = parse_sentences([r["sentence"] for r in all_rows], nlp, Path(cache))
    else:
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
    best: dict[str, float] = {}
    for _ in range(3):
        w0, c0 = time.perf_counter(), time.process_time()
        feats = [mention_features(d, a, b, lex, tag, emb) for d, a, b, tag in spans]
        w1, c1 = time.perf_counter(), time.process_time()
        for f in feats:
            model.predict_one(f)
        w2, c2 = time.perf_counter(), time.process_time()
        for key, val in (("wall_f", w1 - w0), ("wall_p", w2 - w1), ("cpu_f", c1 - c0),
                         ("cpu_p", c2 - c1)):
            best[key] = min(best.get(key, val), val)
    k = len(spans)
    ms = {key: 1000 * v / k for key, v in best.items()}
    print(f"mentions: {k} (best of 3 rounds)")
    for kind in ("wall", "cpu"):
        f, p = ms[f"{kind}_f"], ms[f"{kind}_p"]
        print(f"{kind:4s} features {f:.3f} + prediction {p:.3f} = {f + p:.3f} ms/mention "
              "(parsing excluded; issue #3: < 1 ms)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
