"""End-to-end corpus benchmark: the whole workflow vs the raw NLP floor, on the same documents.

    python benchmarks/corpus_benchmark.py [--n 1000] [--cores 2] [--source FILE_OR_DIR]

Builds an N-document corpus from ``--source`` (default: ``../shared/corpora/ru-news-dev/``,
a JSONL of news texts, or any folder of .txt files), replicated with small variations (paragraph
rotation and a numbered closing sentence, so no cache can reuse a copy) up to N; runs the whole
Snakemake workflow on it in a scratch project; times the raw NLP floor (Natasha segmentation +
morphology + syntax + NER, the same documents, the same number of processes; once more with
Natasha's lemmatizer, since the pipeline lemmatizes too; and the strict floor: the pipeline's
own lean run of the same slovnet models, ``framing.nlp.NLP.analyse``, no lemmas, no Doc — the
pipeline runs the models about twice as fast as Natasha's own API); then adds one
article and reruns.  Prints documents/s, tokens/s, end-to-end ÷ floor, peak RSS of any process,
and the +1 article time.  Nothing is written into the repository.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SOURCE = ROOT.parent / "shared" / "corpora" / "ru-news-dev" / "ru_news_dev.jsonl"


def load_source(src: Path) -> list[str]:
    if src.is_dir():
        files = sorted(src.glob("*.jsonl")) or sorted(src.glob("*.txt"))
        if files and files[0].suffix == ".txt":
            return [f.read_text(encoding="utf-8") for f in files]
        src = files[0]
    texts = []
    with src.open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                texts.append(json.loads(line)["text"])
    return texts


def build_corpus(texts: list[str], n: int) -> list[dict]:
    # the pipeline is Russian-first and rejects texts with no Cyrillic: keep those out
    texts = [t for t in texts if any("а" <= c.lower() <= "я" or c in "ёЁ" for c in t)]
    out = []
    for i in range(n):
        base = texts[i % len(texts)]
        k = i // len(texts)
        paras = [p for p in base.split("\n") if p.strip()]
        if k and len(paras) > 1:
            r = k % len(paras)
            paras = paras[r:] + paras[:r]
        text = "\n\n".join(paras)
        if k:
            text += f"\n\nМатериал обновлён, версия {k}."
        out.append({"id": f"doc{i:06d}", "title": "", "date": "2025-01-01",
                    "source": "bench", "text": text})
    return out


def make_project(dest: Path, records: list[dict]) -> Path:
    for item in ("Snakefile", "workflow", "config"):
        src = ROOT / item
        (shutil.copytree if src.is_dir() else shutil.copy)(src, dest / item)
    raw = dest / "data" / "raw"
    raw.mkdir(parents=True)
    with (raw / "corpus.jsonl").open("w", encoding="utf-8") as fh:
        for r in records:
            fh.write(json.dumps(r, ensure_ascii=False) + "\n")
    return dest


def run_workflow(project: Path, cores: int) -> float:
    t0 = time.perf_counter()
    r = subprocess.run([sys.executable, "-m", "snakemake", "--cores", str(cores), "--quiet"],
                       cwd=project, capture_output=True, text=True)
    if r.returncode != 0:
        sys.stderr.write(r.stderr[-4000:])
        raise SystemExit("workflow failed")
    return time.perf_counter() - t0


def stage_times(project: Path) -> dict[str, float]:
    """Seconds each stage's script took in the last run (from its log's "done in" line)."""
    out = {}
    for log in sorted((project / "data" / "processed" / "logs").glob("*.log")):
        for line in log.read_text(encoding="utf-8").splitlines():
            if ": done in " in line:
                out[log.stem] = float(line.rsplit("done in ", 1)[1].split()[0])
    return out


_FLOOR = None


def _floor_init() -> None:
    global _FLOOR
    from framing.stages import single_threaded_blas, throughput_gc

    single_threaded_blas()  # as in the pipeline's workers: the floor is not handicapped
    from natasha import (
        MorphVocab,
        NewsEmbedding,
        NewsMorphTagger,
        NewsNERTagger,
        NewsSyntaxParser,
        Segmenter,
    )

    emb = NewsEmbedding()
    _FLOOR = (Segmenter(), NewsMorphTagger(emb), NewsSyntaxParser(emb), NewsNERTagger(emb),
              MorphVocab())
    throughput_gc()  # the pipeline's workers' collector settings: the same for the floor


def _floor_one(task: tuple[str, bool]) -> int:
    from natasha import Doc

    text, lemmas = task
    seg, morph, syntax, ner, vocab = _FLOOR
    d = Doc(text)
    d.segment(seg)
    d.tag_morph(morph)
    d.parse_syntax(syntax)
    d.tag_ner(ner)
    if lemmas:  # Natasha's own (LRU-cached pymorphy) lemmatizer, as in its documentation
        for tok in d.tokens:
            tok.lemmatize(vocab)
    return len(d.tokens)


_LEAN = None


def _lean_init() -> None:
    global _LEAN
    from framing.nlp import NLP
    from framing.stages import single_threaded_blas, throughput_gc

    single_threaded_blas()
    _LEAN = NLP()
    throughput_gc()


def _lean_one(text: str) -> int:
    from framing.ingest import parse_text

    sents, _, _ = _LEAN.analyse(parse_text(text, "b", "b.txt"))
    return sum(len(s) for s in sents)


def lean_floor(texts: list[str], procs: int) -> tuple[float, int]:
    """The pipeline's own model pass (segmentation, morphology, syntax, NER through
    ``framing.slovnet_exec``) on ``texts`` with ``procs`` processes: no lemmas, no Doc."""
    t0 = time.perf_counter()
    with mp.get_context("fork").Pool(procs, initializer=_lean_init) as pool:
        tokens = sum(pool.imap_unordered(_lean_one, texts, chunksize=4))
    return time.perf_counter() - t0, tokens


def nlp_floor(texts: list[str], procs: int, lemmas: bool = False) -> tuple[float, int]:
    """Natasha segment + morph + syntax + NER (+ lemmas) on ``texts`` with ``procs``
    processes."""
    t0 = time.perf_counter()
    with mp.get_context("fork").Pool(procs, initializer=_floor_init) as pool:
        tokens = sum(pool.imap_unordered(_floor_one, [(t, lemmas) for t in texts],
                                         chunksize=4))
    return time.perf_counter() - t0, tokens


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=200)
    ap.add_argument("--cores", type=int, default=2)
    ap.add_argument("--source", type=Path, default=DEFAULT_SOURCE)
    ap.add_argument("--keep", type=Path, default=None, help="keep the scratch project here")
    ap.add_argument("--no-floor", action="store_true",
                    help="skip timing the NLP floor (e.g. for a 10,000-document run)")
    ap.add_argument("--no-plus-one", action="store_true",
                    help="skip the +1 article and no-op reruns")
    args = ap.parse_args()
    if not args.source.exists():
        print(f"skipped: source corpus {args.source} is absent")
        return 0
    import pandas as pd

    records = build_corpus(load_source(args.source), args.n)
    scratch = Path(tempfile.mkdtemp(prefix="framing-bench-")) if args.keep is None else args.keep
    scratch.mkdir(parents=True, exist_ok=True)
    project = make_project(scratch, records)
    print(f"corpus: {len(records)} documents, {sum(len(r['text']) for r in records):,} chars; "
          f"project {project}")
    e2e = run_workflow(project, args.cores)
    first_stages = stage_times(project)
    tokens = int(pd.read_parquet(project / "data" / "processed" / "sentences.parquet")
                 .n_tokens.sum())
    # peak RSS of the workflow's own processes, read before the floor's processes exist
    rss_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"end-to-end:      {e2e:8.1f} s  {len(records) / e2e:7.1f} docs/s  "
          f"{tokens / e2e:9.0f} tokens/s ({tokens:,} tokens, {args.cores} cores)", flush=True)
    if not args.no_floor:
        texts = [r["text"] for r in records]
        floor, floor_tokens = nlp_floor(texts, args.cores)
        print(f"NLP floor:       {floor:8.1f} s  {len(records) / floor:7.1f} docs/s  "
              f"{floor_tokens / floor:9.0f} tokens/s (Natasha segment+morph+syntax+NER)")
        lfloor, _ = nlp_floor(texts, args.cores, lemmas=True)
        print(f"NLP floor + lemmas: {lfloor:5.1f} s  {len(records) / lfloor:7.1f} docs/s  "
              f"{floor_tokens / lfloor:9.0f} tokens/s (the same + Natasha's lemmatizer)")
        sfloor, _ = lean_floor(texts, args.cores)
        print(f"strict floor:    {sfloor:8.1f} s  {len(records) / sfloor:7.1f} docs/s  "
              f"{floor_tokens / sfloor:9.0f} tokens/s (the pipeline's own run of the same "
              f"models, no lemmas, no Doc)")
        print(f"end-to-end / floor: {e2e / floor:.2f}  (/ floor with lemmas: {e2e / lfloor:.2f};"
              f" / strict floor: {e2e / sfloor:.2f})")
    plus_stages: dict[str, float] = {}
    if not args.no_plus_one:  # +1 article on the processed corpus
        extra = build_corpus(load_source(args.source), args.n + 1)[-1]
        extra["id"] = "added000001"
        extra["text"] += "\n\nДобавлено для проверки."
        (project / "data" / "raw" / "added.jsonl").write_text(
            json.dumps(extra, ensure_ascii=False) + "\n", encoding="utf-8")
        plus_one = run_workflow(project, args.cores)
        plus_stages = stage_times(project)
        noop = run_workflow(project, args.cores)
        print(f"+1 article:      {plus_one:8.1f} s   (no-op rerun {noop:.1f} s)")
    print(f"peak RSS (largest workflow process, first run): {rss_mb:,.0f} MB")
    print("stage seconds (first run / +1 article): " + ", ".join(
        f"{k} {first_stages[k]:.1f}/{plus_stages.get(k, 0.0):.1f}" for k in sorted(first_stages)))
    if args.keep is None:
        shutil.rmtree(scratch, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
