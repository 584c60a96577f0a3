"""Pipeline stages as plain functions over paths — what the Snakemake rules call.

Each stage reads the previous stage's outputs, loads its models or resources once, streams the
articles' ``Doc`` objects from the NLP store one at a time, and writes sorted tables.
"""

from __future__ import annotations

import json
import logging
import os
import sys
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

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
    articles, rejected = ingest_dir(raw_dir, boilerplate, **limits)
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


_WORKER_NLP = None


def _nlp_worker_init() -> None:
    global _WORKER_NLP
    from .nlp import NLP

    _WORKER_NLP = NLP()


def _annotate_to(item: tuple[Article, str]) -> tuple[str, list[dict]]:
    """Worker: annotate one article, store its Doc, return its sentence rows."""
    from .nlp import save_doc

    art, path = item
    doc = _WORKER_NLP(art)
    save_doc(doc, Path(path))
    return art.id, _sentence_rows(doc, art.id)


def _sentence_rows(doc, aid: str) -> list[dict]:
    from .nlp import segment_kind

    rows = []
    for n, s in enumerate(doc.sents):
        toks = [t for t in s if not t.is_space]
        if not toks:
            continue
        rows.append({
            "article_id": aid, "sent": n, "start": toks[0].idx,
            "end": toks[-1].idx + len(toks[-1].text),
            "segment": segment_kind(doc, s.start_char),
            "n_tokens": len(toks), "text": s.text.strip(),
        })
    return rows


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


def run_nlp(articles_jsonl: Path, manifest: Path, sentences_out: Path,
            workers: int = 1) -> dict:
    """Annotate every article not already in the content-addressed cache (in ``workers``
    processes, models loaded once per process); write the manifest and the sentences table.
    Returns counts (annotated, reused)."""
    from .nlp import blank_vocab, cache_key, load_doc

    store = DocStore(manifest)
    store.cache.mkdir(parents=True, exist_ok=True)
    rows: list[tuple[str, str]] = []
    sent_rows: dict[str, list[dict]] = {}
    todo: list[tuple[Article, str]] = []
    vocab = None
    for art in read_articles(Path(articles_jsonl)):
        key = cache_key(art)
        path = store.path_for(key)
        rows.append((art.id, key))
        if path.exists():
            vocab = vocab or blank_vocab()
            sent_rows[art.id] = _sentence_rows(load_doc(path, vocab), art.id)
        else:
            todo.append((art, str(path)))
    stats = {"annotated": len(todo), "reused": len(rows) - len(todo)}
    progress = Progress(len(todo), "nlp")
    if todo and workers > 1 and len(todo) > 1:
        import multiprocessing as mp

        ctx = mp.get_context("fork")
        with ctx.Pool(min(workers, len(todo)), initializer=_nlp_worker_init) as pool:
            for aid, srows in pool.imap_unordered(_annotate_to, todo, chunksize=4):
                sent_rows[aid] = srows
                progress.step()
    elif todo:
        _nlp_worker_init()
        for item in todo:
            aid, srows = _annotate_to(item)
            sent_rows[aid] = srows
            progress.step()
    keep = {k for _, k in rows}
    for f in store.cache.glob("*.spacy"):
        if f.stem not in keep:
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


# ----------------------------------------------------------------------------- actors


def run_actors(manifest: Path, registry_path: Path, mentions_out: Path, actors_out: Path) -> int:
    from .actors import ActorRegistry, find_mentions

    registry = ActorRegistry.from_yaml(Path(registry_path))
    mentions = []
    for doc in DocStore(manifest).docs():
        mentions.extend(find_mentions(doc, registry))
    tables.write_rows("mentions", [m.as_row() for m in mentions], Path(mentions_out))
    grouped: dict[tuple[str, str], list] = defaultdict(list)
    for m in mentions:
        grouped[(m.article_id, m.actor)].append(m)
    rows = []
    for (aid, actor), ms in grouped.items():
        entry = registry.entries.get(actor)
        rows.append({
            "article_id": aid, "actor": actor, "actor_type": ms[0].actor_type,
            "source": "registry" if entry else "auto",
            "affiliation": entry.affiliation if entry else "",
            "n_mentions": len(ms),
            "surface_forms": "; ".join(sorted({m.text for m in ms})),
            "resolutions": "; ".join(sorted({m.resolution for m in ms})),
        })
    tables.write_rows("actors", rows, Path(actors_out))
    return len(mentions)


def _records_by_article(path: Path, record_type) -> dict[str, list]:
    """Rows of a table as ``record_type`` objects, grouped by article."""
    out: dict[str, list] = defaultdict(list)
    for rec in tables.read_table(path).to_dict("records"):
        out[rec["article_id"]].append(record_type(**rec))
    return out


def _mentions_by_article(path: Path) -> dict[str, list]:
    from .actors import Mention

    return _records_by_article(path, Mention)


def _quotes_by_article(path: Path) -> dict[str, list]:
    from .quotes import Quote

    return _records_by_article(path, Quote)


# ----------------------------------------------------------------------------- quotes


def run_quotes(manifest: Path, mentions_path: Path, verbs_path: Path, registry_path: Path,
               quotes_out: Path) -> int:
    from .actors import ActorRegistry
    from .quotes import QuoteFinder, ReportingVerbs

    registry = ActorRegistry.from_yaml(Path(registry_path))
    finder = QuoteFinder(ReportingVerbs.from_yaml(Path(verbs_path)),
                         {e.id: e.affiliation for e in registry.entries.values()})
    mentions = _mentions_by_article(Path(mentions_path))
    quotes = []
    for doc in DocStore(manifest).docs():
        quotes.extend(finder.find(doc, mentions.get(doc.user_data["framing"]["id"], [])))
    tables.write_rows("quotes", [q.as_row() for q in quotes], Path(quotes_out))
    return len(quotes)


# ----------------------------------------------------------------------------- devices


def run_devices(manifest: Path, codebook_path: Path, mentions_path: Path, quotes_path: Path,
                devices_out: Path) -> int:
    from .codebook import load_codebook
    from .devices import DeviceMatcher
    from .lemmas import Lemmatizer

    lem = Lemmatizer()
    matcher = DeviceMatcher(load_codebook(Path(codebook_path), lem), lem)
    mentions = _mentions_by_article(Path(mentions_path))
    quotes = _quotes_by_article(Path(quotes_path))
    hits = []
    for doc in DocStore(manifest).docs():
        aid = doc.user_data["framing"]["id"]
        hits.extend(matcher.match_doc(doc, quotes.get(aid, []), mentions.get(aid, [])))
    tables.write_rows("devices", [h.as_row() for h in hits], Path(devices_out))
    return len(hits)


# ----------------------------------------------------------------------------- sentiment


def run_sentiment(manifest: Path, mentions_path: Path, quotes_path: Path, lexicon_path: Path,
                  mention_out: Path, actor_out: Path, model_dir: Path | None = None,
                  stance_out: Path | None = None) -> int:
    """Score every mention (trained model in ``model_dir`` if given, else the lexicon)."""
    from .resources import load_sentiment_model
    from .sentiment import aggregate, load_lexicon, mention_sentiment
    from .sentiment_model import Embeddings
    from .stance import corpus_edges, stance_edges

    lexicon = load_lexicon(Path(lexicon_path))
    model = load_sentiment_model(model_dir) if model_dir is not None else None
    if model_dir is not None and model is None:
        log.warning("no sentiment model in %s: falling back to the lexicon", model_dir)
    emb = Embeddings() if model is not None else None
    mentions = _mentions_by_article(Path(mentions_path))
    quotes = _quotes_by_article(Path(quotes_path))
    rows = []
    types = {}
    edges = []
    for doc in DocStore(manifest).docs():
        aid = doc.user_data["framing"]["id"]
        ms = mentions.get(aid, [])
        qs = quotes.get(aid, [])
        types.update({(m.article_id, m.mention_id): m.actor_type for m in ms})
        scored = mention_sentiment(doc, ms, qs, lexicon, model, emb)
        rows.extend(scored)
        edges.extend(e.as_row() for e in stance_edges(doc, ms, qs, scored))
    tables.write_rows("mention_sentiment", [r.as_row() for r in rows], Path(mention_out))
    tables.write_rows("actor_sentiment", aggregate(rows, types), Path(actor_out))
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
