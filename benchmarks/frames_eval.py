"""Generic frames against the hand-coded development gold (tests/fixtures/frames_dev_gold.yaml).

    python benchmarks/frames_eval.py [--split all|tune|test] [--per-dimension] [--errors]
    python benchmarks/frames_eval.py --sample      # re-draw the seeded sample of article ids

Runs the pipeline's library functions (NLP, actors, quotes, mention sentiment and stance, then
:class:`framing.frames.FrameCoder` with ``config/frames.yaml``) on the 40 coded articles of
``../shared/corpora/ru-news-dev/ru_news_dev.jsonl`` and prints, for the tune half, the held-out
test half and all:

* MFC dimensions: micro-averaged P/R/F1 over (article, dimension) pairs, and the baseline that
  always answers the four most frequent dimensions (counted on the tune half for the test
  half, on the data itself otherwise);
* S&V items: accuracy and F1 of the "yes" answers over (article, item) pairs, against the
  baseline that gives every item its majority answer in the tune half.

Annotated Docs are cached outside the repository (``--cache``, default in the temp folder).
Exits 0 with a clear message when ``../shared`` is absent.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpora" / "ru-news-dev" / "ru_news_dev.jsonl"
GOLD = ROOT / "tests" / "fixtures" / "frames_dev_gold.yaml"
QUOTA = {"factRuEval-2016": 24, "meduza_golunov": 10, "rusentrel_v1.1_inosmi": 6}


def draw_sample(rows: list[dict], seed: int = 2026) -> list[str]:
    """The seeded stratified sample the gold was coded on."""
    rng = random.Random(seed)
    by: dict[str, list[dict]] = {}
    for r in rows:
        by.setdefault(r["source"], []).append(r)
    out = []
    for src in sorted(QUOTA):
        pool = sorted(by[src], key=lambda r: r["id"])
        out += [r["id"] for r in rng.sample(pool, QUOTA[src])]
    return out


def load_gold(path: Path = GOLD) -> list[dict]:
    import yaml

    return yaml.safe_load(path.read_text(encoding="utf-8"))["articles"]


def prf(gold: set, pred: set) -> tuple[float, float, float]:
    tp = len(gold & pred)
    p = tp / len(pred) if pred else 0.0
    r = tp / len(gold) if gold else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def code_articles(ids: list[str], cache: Path, frames_path: Path) -> dict[str, dict]:
    """Run the pipeline's functions on the articles; return per id the MFC codes (set), S&V
    yes items (set) and the raw result."""
    from framing.actors import ActorRegistry, find_mentions
    from framing.frames import FrameCoder, load_frames
    from framing.ingest import parse_text, safe_id
    from framing.nlp import NLP, blank_vocab, cache_key, load_doc, save_doc
    from framing.quotes import QuoteFinder, ReportingVerbs
    from framing.resources import load_sentiment_model
    from framing.sentiment import load_lexicon, mention_sentiment
    from framing.sentiment_model import Embeddings
    from framing.stance import stance_edges

    rows = {}
    with CORPUS.open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                r = json.loads(line)
                rows[r["id"]] = r
    nlp = None
    vocab = blank_vocab()
    lem = None
    cache.mkdir(parents=True, exist_ok=True)
    docs = {}
    for i in ids:
        art = parse_text(rows[i]["text"], safe_id(i), CORPUS.name)
        path = cache / f"{cache_key(art)}.spacy"
        if path.exists():
            docs[i] = load_doc(path, vocab)
        else:
            nlp = nlp or NLP()
            docs[i] = nlp(art)
            save_doc(docs[i], path)
    if nlp is not None:
        lem = nlp.lemmatizer
    from framing.lemmas import Lemmatizer

    lem = lem or Lemmatizer()
    cfg = ROOT / "config"
    registry = ActorRegistry.from_yaml(cfg / "actors.yaml", lem)
    finder = QuoteFinder.for_registry(ReportingVerbs.from_yaml(cfg / "reporting_verbs.yaml"),
                                      registry)
    lexicon = load_lexicon(cfg / "sentiment_lexicon.tsv")
    model = load_sentiment_model()
    emb = Embeddings() if model is not None else None
    coder = FrameCoder(load_frames(frames_path, lem), lem)
    out = {}
    for i in ids:
        doc = docs[i]
        ms = find_mentions(doc, registry)
        qs = finder.find(doc, ms)
        st = stance_edges(doc, ms, qs, mention_sentiment(doc, ms, qs, lexicon, model, emb))
        res = coder.code(doc, ms, qs, st)
        out[i] = {"mfc": {r["frame"] for r in res.mfc_frames if r["present"]},
                  "sv": {r["item"] for r in res.sv_items if r["answer"]},
                  "result": res}
    return out


def report(gold: list[dict], pred: dict[str, dict], per_dimension: bool, errors: bool) -> dict:
    tune = [g for g in gold if g["split"] == "tune"]
    items = sorted({r["item"] for p in pred.values() for r in p["result"].sv_items})
    top4_tune = [d for d, _ in sorted(Counter(x for g in tune for x in g["mfc"]).items(),
                                      key=lambda kv: (-kv[1], kv[0]))[:4]]
    majority = {it: int(sum(it in g["sv"] for g in tune) * 2 > len(tune)) for it in items}
    figures = {}
    for name in ("tune", "test", "all"):
        sub = gold if name == "all" else [g for g in gold if g["split"] == name]
        top4 = top4_tune if name == "test" else [
            d for d, _ in sorted(Counter(x for g in sub for x in g["mfc"]).items(),
                                 key=lambda kv: (-kv[1], kv[0]))[:4]]
        g_pairs = {(g["id"], d) for g in sub for d in g["mfc"]}
        p_pairs = {(g["id"], d) for g in sub for d in pred[g["id"]]["mfc"]}
        b_pairs = {(g["id"], d) for g in sub for d in top4}
        p, r, f = prf(g_pairs, p_pairs)
        bp, br, bf = prf(g_pairs, b_pairs)
        gi = {(g["id"], it) for g in sub for it in g["sv"]}
        pi = {(g["id"], it) for g in sub for it in pred[g["id"]]["sv"]}
        bi = {(g["id"], it) for g in sub for it in items if majority[it]}
        n = len(sub) * len(items)
        acc = 1 - len(gi ^ pi) / n
        bacc = 1 - len(gi ^ bi) / n
        _, _, sf = prf(gi, pi)
        _, _, bsf = prf(gi, bi)
        figures[name] = {"mfc_f1": f, "baseline_f1": bf}
        print(f"{name:>5} ({len(sub):2d} articles)  MFC micro P {p:.3f} R {r:.3f} F1 {f:.3f}"
              f"  | top-4 baseline F1 {bf:.3f} ({', '.join(top4)})")
        print(f"{'':>5}                S&V items acc {acc:.3f} F1(yes) {sf:.3f}"
              f"  | majority baseline acc {bacc:.3f} F1(yes) {bsf:.3f}")
    if per_dimension:
        print("\nper MFC dimension (all 40):  gold  pred  tp    P     R     F1")
        dims = sorted({r["frame"] for p in pred.values() for r in p["result"].mfc_frames})
        for d in dims:
            g = {x["id"] for x in gold if d in x["mfc"]}
            p_ = {x["id"] for x in gold if d in pred[x["id"]]["mfc"]}
            pp, rr, ff = prf(g, p_)
            print(f"  {d:<22} {len(g):5d} {len(p_):5d} {len(g & p_):3d} {pp:5.2f} {rr:5.2f} "
                  f"{ff:5.2f}")
        print("\nper S&V item (all 40):       gold  pred  tp    P     R     F1")
        for it in items:
            g = {x["id"] for x in gold if it in x["sv"]}
            p_ = {x["id"] for x in gold if it in pred[x["id"]]["sv"]}
            pp, rr, ff = prf(g, p_)
            print(f"  {it:<22} {len(g):5d} {len(p_):5d} {len(g & p_):3d} {pp:5.2f} {rr:5.2f} "
                  f"{ff:5.2f}")
    if errors:
        print("\nMFC errors on the tune half (missed −, extra +):")
        for g in tune:
            pr = pred[g["id"]]["mfc"]
            miss, extra = set(g["mfc"]) - pr, pr - set(g["mfc"])
            if miss or extra:
                scores = {r["frame"]: r["score"] for r in pred[g["id"]]["result"].mfc_frames}
                print(f"  {g['id'][:60]}: " + " ".join(
                    [f"-{d}({scores.get(d, 0)})" for d in sorted(miss)]
                    + [f"+{d}({scores.get(d, 0)})" for d in sorted(extra)]))
    return figures


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sample", action="store_true", help="print the seeded sample of ids")
    ap.add_argument("--frames", type=Path, default=ROOT / "config" / "frames.yaml")
    ap.add_argument("--cache", type=Path,
                    default=Path(tempfile.gettempdir()) / "framing_frames_eval_cache")
    ap.add_argument("--per-dimension", action="store_true")
    ap.add_argument("--errors", action="store_true", help="list MFC errors on the tune half")
    args = ap.parse_args(argv)
    if not CORPUS.exists():
        print(f"SKIPPED: development corpus {CORPUS} is absent (../shared not mounted); "
              "nothing to evaluate.")
        return 0
    if args.sample:
        rows = [json.loads(line) for line in CORPUS.open(encoding="utf-8") if line.strip()]
        print("\n".join(draw_sample(rows)))
        return 0
    gold = load_gold()
    pred = code_articles([g["id"] for g in gold], args.cache, args.frames)
    report(gold, pred, args.per_dimension, args.errors)
    return 0


if __name__ == "__main__":
    sys.exit(main())
