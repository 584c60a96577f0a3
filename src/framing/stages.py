"""Pipeline stages as plain functions over paths — what the Snakemake rules call.

Each stage reads the previous stage's outputs, loads its models or resources once, streams the
articles' ``Doc`` objects from the NLP store one at a time, and writes sorted tables.
"""

from __future__ import annotations

import json
import logging
import os
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from . import tables
from .ingest import Article, ingest_dir, read_articles, write_articles

log = logging.getLogger("framing")


# ----------------------------------------------------------------------------- ingest


def run_ingest(raw_dir: Path, out_jsonl: Path, out_dir: Path,
               boilerplate: list[str] | None = None, **limits: int) -> tuple[int, int]:
    """Ingest ``raw_dir``; write articles.jsonl and the articles/segments/boilerplate/rejected
    tables into ``out_dir`` (``limits``: ``max_bytes``, ``max_batch_bytes`` of
    :func:`~framing.ingest.ingest_dir`).  Returns (articles, rejected); warnings about kept
    articles go into the rejected table with ``level`` "warning" and are not counted."""
    raw_dir, out_dir = Path(raw_dir), Path(out_dir)
    if not raw_dir.is_dir():
        raise FileNotFoundError(f"raw data folder {raw_dir} does not exist")
    articles, rejected = ingest_dir(raw_dir, boilerplate, cache=out_dir / "cache" / "ingest",
                                    **limits)
    for r in rejected:
        tag = "REJECTED" if r.level == "error" else "WARNING"
        print(f"framing ingest: {tag} {r.error}", file=sys.stderr)
    write_articles(articles, Path(out_jsonl))
    tables.write_rows("articles", [_article_row(a) for a in articles], out_dir / "articles.parquet")
    tables.write_rows("segments", [
        {"article_id": a.id, "segment": n, "kind": s.kind, "start": s.start, "end": s.end,
         "text": s.text} for a in articles for n, s in enumerate(a.segments)
    ], out_dir / "segments.parquet")
    tables.write_rows("boilerplate", [
        {"article_id": a.id, **b} for a in articles for b in a.boilerplate
    ], out_dir / "boilerplate.parquet")
    tables.write_rows("rejected", [
        {"source_file": r.source_file, "record": r.record, "error": r.error, "level": r.level}
        for r in rejected
    ], out_dir / "rejected.parquet")
    return len(articles), sum(r.level == "error" for r in rejected)


def _article_row(a: Article) -> dict:
    return {
        "article_id": a.id, "source_file": a.source_file, "record": a.record, "title": a.title,
        "date": a.date, "source": a.source, "url": a.url, "encoding": a.encoding,
        "n_chars": len(a.text), "n_segments": len(a.segments),
        "n_captions": sum(s.kind == "caption" for s in a.segments),
        "n_boilerplate": len(a.boilerplate), "content_hash": a.content_hash,
    }


# ----------------------------------------------------------------------------- nlp store


class DocStore:
    """Content-addressed store of annotated Docs plus the manifest naming the current ones."""

    def __init__(self, manifest: Path) -> None:
        self.manifest = Path(manifest)
        self.cache = self.manifest.parent / "cache"

    def path_for(self, key: str) -> Path:
        return self.cache / f"{key}.spacy"

    def entries(self) -> list[tuple[str, str]]:
        rows = []
        with self.manifest.open(encoding="utf-8") as fh:
            next(fh)
            for line in fh:
                if line.strip():
                    aid, key = line.rstrip("\n").split("\t")
                    rows.append((aid, key))
        return rows

    def docs(self, vocab=None) -> Iterator:
        from .nlp import blank_vocab, load_doc

        vocab = vocab or blank_vocab()
        for _aid, key in self.entries():
            yield load_doc(self.path_for(key), vocab)


_WORKER: dict = {}


def _nlp_worker_init(warm=None, cache_root: str | None = None) -> None:
    """Load the NLP models (and, for the warm-up, every stage's annotator) once per process."""
    from .nlp import NLP

    single_threaded_blas()

    _WORKER["nlp"] = NLP()
    _WORKER["annotators"] = warm.annotators() if warm is not None else []
    _WORKER["cache_root"] = cache_root
    throughput_gc()


#: Allocations between two young-generation collections in a worker (CPython's default: 700).
GC_THRESHOLD = (50_000, 20, 10)


def throughput_gc() -> None:
    """Tune the cyclic garbage collector for a long run over many articles, once the models
    are loaded: everything loaded so far is frozen out of the collector's scans, and young
    collections run every :data:`GC_THRESHOLD` allocations instead of 700.

    Annotating an article allocates hundreds of thousands of small objects (tokens, tuples,
    lists) that are reference-counted away, not cycles; with the default thresholds the
    collector still runs ~8 young and ~1 older collection per article, each walking the
    survivors (measured: ~10 % of an article's CPU time, ``benchmarks/article_costs.py``).
    Outputs do not depend on when cycles are collected (checked: the same Docs and
    annotations over 400 dev articles).

    >>> import gc
    >>> old = gc.get_threshold()
    >>> throughput_gc(); gc.get_threshold() == GC_THRESHOLD
    True
    >>> gc.unfreeze(); gc.set_threshold(*old)
    """
    import gc

    gc.collect()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLD)


def single_threaded_blas() -> None:
    """One BLAS thread per process: the stages parallelise over articles with processes, and
    numpy's default of one BLAS thread per core in every process oversubscribes the CPU
    (measured: 200 articles' NLP in 2 processes, 60 s → 15 s)."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover - scikit-learn depends on it
        return
    threadpool_limits(1)


def _annotate_to(item: tuple[Article, str, str]) -> tuple[str, list[dict]]:
    """Worker: annotate one article, store its Doc and sentence rows, warm the stage caches."""
    from .annotators import annotate_all
    from .docbin import save_doc  # the bytes of nlp.save_doc, faster
    from .nlp import sentence_rows

    art, key, path = item
    doc = _WORKER["nlp"](art)
    rows = sentence_rows(doc, art.id)
    _write_json(Path(path).with_suffix(".sents.json"), rows)
    save_doc(doc, Path(path))
    if _WORKER["annotators"]:
        annotate_all(doc, key, _WORKER["annotators"], Path(_WORKER["cache_root"]))
    return art.id, rows


def _write_json(path: Path, value) -> None:
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(value, ensure_ascii=False), encoding="utf-8")
    os.replace(tmp, path)


class Progress:
    """Articles done / total, rate and ETA, logged at most every ``every`` seconds."""

    def __init__(self, total: int, what: str, every: float = 10.0) -> None:
        import time

        self.total, self.what, self.every = total, what, every
        self.t0 = self.last = time.perf_counter()
        self.done = 0

    def step(self, n: int = 1) -> None:
        import time

        self.done += n
        now = time.perf_counter()
        if now - self.last >= self.every or self.done == self.total:
            self.last = now
            rate = self.done / max(now - self.t0, 1e-9)
            eta = (self.total - self.done) / rate if rate else 0.0
            log.info("%s: %d/%d articles, %.1f/s, ETA %.0f s", self.what, self.done,
                     self.total, rate, eta)


def cache_root(manifest: Path) -> Path:
    """The per-article result cache of a project: ``<processed>/cache``."""
    return Path(manifest).resolve().parent.parent / "cache"


def run_nlp(articles_jsonl: Path, manifest: Path, sentences_out: Path,
            workers: int = 1, warm=None) -> dict:
    """Annotate every article not already in the content-addressed cache (in ``workers``
    processes, models loaded once per process, longest articles first so the processes stay
    evenly busy); write the manifest and the sentences table.  With ``warm`` (an
    :class:`framing.annotators.Resources`), also run every later stage's annotator on each new
    Doc while it is in memory and cache the results.  Returns counts (annotated, reused)."""
    from .nlp import blank_vocab, cache_key, load_doc, sentence_rows

    store = DocStore(manifest)
    store.cache.mkdir(parents=True, exist_ok=True)
    rows: list[tuple[str, str]] = []
    sent_rows: dict[str, list[dict]] = {}
    todo: list[tuple[Article, str, str]] = []
    vocab = None
    for art in read_articles(Path(articles_jsonl)):
        key = cache_key(art)
        path = store.path_for(key)
        rows.append((art.id, key))
        if path.exists():
            sents = path.with_suffix(".sents.json")
            try:
                sent_rows[art.id] = json.loads(sents.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                vocab = vocab or blank_vocab()
                sent_rows[art.id] = sentence_rows(load_doc(path, vocab), art.id)
                _write_json(sents, sent_rows[art.id])
        else:
            todo.append((art, key, str(path)))
    stats = {"annotated": len(todo), "reused": len(rows) - len(todo)}
    todo.sort(key=lambda item: (-len(item[0].text), item[0].id))
    progress = Progress(len(todo), "nlp")
    root = str(cache_root(manifest))
    if todo and workers > 1 and len(todo) > 1:
        import multiprocessing as mp

        ctx = mp.get_context("fork")
        with ctx.Pool(min(workers, len(todo)), initializer=_nlp_worker_init,
                      initargs=(warm, root)) as pool:
            for aid, srows in pool.imap_unordered(_annotate_to, todo, chunksize=1):
                sent_rows[aid] = srows
                progress.step()
    elif todo:
        _nlp_worker_init(warm, root)
        for item in todo:
            aid, srows = _annotate_to(item)
            sent_rows[aid] = srows
            progress.step()
    keep = {k for _, k in rows}
    for f in store.cache.glob("*"):
        if f.name.split(".", 1)[0] not in keep:
            f.unlink()
    tmp = Path(str(manifest) + ".tmp")
    with tmp.open("w", encoding="utf-8") as fh:
        fh.write("article_id\tkey\n")
        for aid, key in sorted(rows):
            fh.write(f"{aid}\t{key}\n")
    os.replace(tmp, manifest)
    tables.write_rows("sentences", [r for aid in sorted(sent_rows) for r in sent_rows[aid]],
                      Path(sentences_out))
    return stats


# ----------------------------------------------------------------------------- per-article stages

def chain_keys(annotators: Sequence, doc_key: str) -> dict[str, str]:
    """Result key of every stage of ``annotators`` (in stage order, each stage's upstream
    stages before it) for the Doc with key ``doc_key``: a pure function of the Doc key and the
    annotators' fingerprints, so any job holding the same resources gets the same keys.

    >>> class A:
    ...     def __init__(self, name): self.name, self.fp = name, "fp-" + name
    >>> keys = chain_keys([A("actors"), A("quotes")], "doc")
    >>> from framing.annotators import key_of
    >>> keys["quotes"] == key_of("fp-quotes", "doc", {"actors": keys["actors"]})
    True
    """
    from .annotators import UPSTREAM, key_of

    keys: dict[str, str] = {}
    for ann in annotators:
        keys[ann.name] = key_of(ann.fp, doc_key, {u: keys[u] for u in UPSTREAM[ann.name]})
    return keys


def resolve(stage: str, annotators: Mapping[str, Any], keys: Mapping[str, str],
            cache_root: Path, doc: Callable[[], Any], computed: set[str] | None = None) -> dict:
    """One article's result of ``stage``: from the cache, else computed from the Doc (``doc()``
    loads it) and the upstream stages' results, themselves resolved the same way, and cached.

    ``annotators`` maps every stage in the chain to its annotator, ``keys`` to its result key
    (:func:`chain_keys`: the keys :func:`framing.annotators.annotate_all` gives in the NLP
    warm-up).  The stages a result was computed for are added to ``computed``.  Writes are
    atomic and a result is a function of its key: a job computing the same entry
    at the same time as another writes the same bytes.
    """
    from .annotators import UPSTREAM, ArticleCache

    cache = ArticleCache(cache_root, stage)
    res = cache.get(keys[stage])
    if res is None:
        up = {u: resolve(u, annotators, keys, cache_root, doc, computed)
              for u in UPSTREAM[stage]}
        res = annotators[stage].compute(doc(), up)
        cache.put(keys[stage], res)
        if computed is not None:
            computed.add(stage)
    return res


def run_stage(annotator, manifest: Path, upstream: Sequence, out_table: Path) -> dict[str, dict]:
    """Per-article results of ``annotator`` for every article in the manifest, reused from
    the cache where their inputs are unchanged and computed (and cached) otherwise.

    ``upstream`` holds the annotators of the stages it reads (``UPSTREAM[annotator.name]``, in
    stage order), built from the same resources as the NLP warm-up's: the upstream result keys
    are computed here from the Doc keys and their fingerprints, not read from the upstream
    stages' outputs, so the stage jobs need not wait for one another.  An upstream result
    missing from the cache (cold cache, or its job not run yet) is computed here and cached.
    Result keys are kept in ``<processed>/<stage>.keys.tsv`` (``processed`` = the folder
    holding ``out_table``); only this stage's own cache entries are pruned.
    """
    from .annotators import UPSTREAM, ArticleCache, keys_path, write_keys
    from .nlp import blank_vocab, load_doc

    names = tuple(u.name for u in upstream)
    if names != UPSTREAM[annotator.name]:
        raise ValueError(f"{annotator.name}: upstream annotators {names} given, "
                         f"{UPSTREAM[annotator.name]} needed")
    chain = [*upstream, annotator]
    by_name = {a.name: a for a in chain}
    store = DocStore(manifest)
    root = cache_root(manifest)
    cache = ArticleCache(root, annotator.name)
    processed = Path(out_table).parent
    results: dict[str, dict] = {}
    keys: dict[str, str] = {}
    vocab = None
    entries = store.entries()
    missing = 0
    computed: set[str] = set()
    progress = Progress(len(entries), annotator.name, every=30.0)
    for aid, dkey in entries:
        chained = chain_keys(chain, dkey)
        key = chained[annotator.name]
        res = cache.get(key)
        if res is None:
            missing += 1
            vocab = vocab or blank_vocab()
            doc = _lazy_doc(store.path_for(dkey), vocab, load_doc)
            res = resolve(annotator.name, by_name, chained, root, doc, computed)
        results[aid], keys[aid] = res, key
        progress.step()
    cache.prune(set(keys.values()))
    write_keys(keys_path(processed, annotator.name), keys)
    if computed - {annotator.name}:
        log.info("%s: upstream results computed here: %s", annotator.name,
                 ", ".join(sorted(computed - {annotator.name})))
    log.info("%s: %d article(s), %d computed, %d reused", annotator.name, len(entries),
             missing, len(entries) - missing)
    return results


def _lazy_doc(path: Path, vocab, load_doc):
    """A loader of the Doc at ``path`` that reads it once, on first call."""
    held: list = []

    def get():
        if not held:
            held.append(load_doc(path, vocab))
        return held[0]

    return get


def concat_results(results: dict[str, dict], part: str) -> list[dict]:
    """One table's rows from per-article results, in article order."""
    return [r for aid in sorted(results) for r in results[aid][part]]


# ----------------------------------------------------------------------------- actors


def upstream_annotators(stage: str, registry_path: Path, verbs_path: Path | None = None,
                        lexicon_path: Path | None = None,
                        model_dir: Path | None = None) -> list:
    """The annotators of the stages ``stage`` reads (``UPSTREAM[stage]``, in stage order),
    built from their resource files: cheap (fingerprints only; resources load on first use)."""
    from .annotators import UPSTREAM, ActorsAnnotator, QuotesAnnotator, SentimentAnnotator

    make = {
        "actors": lambda: ActorsAnnotator(Path(registry_path)),
        "quotes": lambda: QuotesAnnotator(Path(registry_path), Path(verbs_path)),
        "sentiment": lambda: SentimentAnnotator(Path(lexicon_path), model_dir),
    }
    return [make[u]() for u in UPSTREAM[stage]]


def run_actors(manifest: Path, registry_path: Path, mentions_out: Path, actors_out: Path) -> int:
    from .annotators import ActorsAnnotator

    res = run_stage(ActorsAnnotator(Path(registry_path)), manifest, [], mentions_out)
    mentions = concat_results(res, "mentions")
    tables.write_rows("mentions", mentions, Path(mentions_out))
    tables.write_rows("actors", concat_results(res, "actors"), Path(actors_out))
    return len(mentions)


# ----------------------------------------------------------------------------- quotes


def run_quotes(manifest: Path, verbs_path: Path, quotes_out: Path, *,
               registry_path: Path) -> int:
    from .annotators import QuotesAnnotator

    ann = QuotesAnnotator(Path(registry_path), Path(verbs_path))
    res = run_stage(ann, manifest, upstream_annotators("quotes", registry_path), quotes_out)
    quotes = concat_results(res, "quotes")
    tables.write_rows("quotes", quotes, Path(quotes_out))
    return len(quotes)


# ----------------------------------------------------------------------------- devices


def run_devices(manifest: Path, codebook_path: Path, devices_out: Path, *,
                registry_path: Path, verbs_path: Path) -> int:
    """Device hits of every article; the actor and quote results it reads are keyed (and,
    if missing, computed) from ``registry_path`` and ``verbs_path``."""
    from .annotators import DevicesAnnotator

    ann = DevicesAnnotator(Path(codebook_path))
    up = upstream_annotators("devices", registry_path, verbs_path)
    res = run_stage(ann, manifest, up, devices_out)
    hits = concat_results(res, "devices")
    tables.write_rows("devices", hits, Path(devices_out))
    return len(hits)


# ----------------------------------------------------------------------------- sentiment


def run_sentiment(manifest: Path, lexicon_path: Path, mention_out: Path, actor_out: Path,
                  model_dir: Path | None = None, stance_out: Path | None = None, *,
                  registry_path: Path, verbs_path: Path) -> int:
    """Score every mention (trained model in ``model_dir`` if given, else the lexicon); the
    actor and quote results it reads are keyed (and, if missing, computed) from
    ``registry_path`` and ``verbs_path``."""
    from .annotators import SentimentAnnotator
    from .stance import corpus_edges

    ann = SentimentAnnotator(Path(lexicon_path), model_dir)
    up = upstream_annotators("sentiment", registry_path, verbs_path)
    res = run_stage(ann, manifest, up, mention_out)
    rows = concat_results(res, "mention_sentiment")
    edges = concat_results(res, "stance")
    tables.write_rows("mention_sentiment", rows, Path(mention_out))
    tables.write_rows("actor_sentiment", concat_results(res, "actor_sentiment"), Path(actor_out))
    if stance_out is not None:
        tables.write_rows("stance", edges, Path(stance_out))
        tables.write_rows("stance_corpus", corpus_edges(edges),
                          Path(stance_out).with_name("stance_corpus.parquet"))
    return len(rows)


# ----------------------------------------------------------------------------- provenance


def file_sha256(path: Path) -> str:
    import hashlib

    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def run_provenance(out: Path, config: dict, resources: dict[str, Path],
                   articles_path: Path) -> None:
    """Record package versions, resource hashes, inputs and the run time (outside the data)."""
    import datetime
    import platform
    from importlib import metadata

    from . import __version__

    pkgs = {}
    for name in ("natasha", "slovnet", "navec", "razdel", "pymorphy3", "pymorphy3-dicts-ru",
                 "spacy", "snakemake", "trafilatura", "charset-normalizer", "pandas", "pyarrow",
                 "matplotlib", "scikit-learn", "numpy"):
        try:
            pkgs[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            pkgs[name] = None
    arts = tables.read_table(articles_path)
    record = {
        "framing_version": __version__,
        "generated_at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "python": platform.python_version(),
        "packages": pkgs,
        "config": config,
        "resources": {k: {"path": str(v), "sha256": file_sha256(v)}
                      for k, v in sorted(resources.items())},
        "articles": [{"article_id": r.article_id, "source_file": r.source_file,
                      "content_hash": r.content_hash} for r in arts.itertuples()],
    }
    Path(out).parent.mkdir(parents=True, exist_ok=True)
    Path(out).write_text(json.dumps(record, ensure_ascii=False, indent=2, sort_keys=True) + "\n",
                         encoding="utf-8")


def check_rejected(rejected_path: Path, ok_out: Path) -> None:
    """Fail (naming every rejected input) if ingest rejected anything; else write ``ok_out``.
    Warnings (``level`` "warning": the article was kept) are printed but do not fail."""
    df = tables.read_table(rejected_path)
    if "level" in df:
        for w in df[df.level == "warning"].error:
            print(f"framing: warning: {w}", file=sys.stderr)
        df = df[df.level != "warning"]
    if len(df):
        msgs = "\n".join(f"  - {e}" for e in df.error)
        raise SystemExit(f"framing: {len(df)} input(s) rejected (other articles were processed "
                         f"and reported):\n{msgs}")
    Path(ok_out).write_text("all inputs ingested\n", encoding="utf-8")
