"""Per-article annotators of the actor, quote, device and sentiment stages, keyed by content.

Every stage's result for one article is a JSON object stored under a key that hashes everything
the result depends on: the article's Doc (its NLP cache key), the stage's code and resource
files (its *fingerprint*) and the keys of the upstream stages' results for that article.  So a
result is reused exactly while none of its inputs changed, and adding an article to a processed
corpus costs that one article.

The NLP workers run every annotator on each Doc they have just built ("warm-up"), while the Doc
is in memory; the stage jobs then find the results in the cache and only assemble the tables.
A stage computes (and caches) whatever it does not find, so the warm-up is an optimisation,
never a requirement.

>>> key_of("fp", "doc", {"actors": "a1"}) == key_of("fp", "doc", {"actors": "a1"})
True
>>> key_of("fp", "doc", {"actors": "a1"}) == key_of("fp", "doc", {"actors": "a2"})
False
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

PACKAGE = Path(__file__).resolve().parent

#: Library modules whose code each stage's results depend on (beyond the NLP Doc itself).
STAGE_MODULES: dict[str, tuple[str, ...]] = {
    "actors": ("actors.py", "lemmas.py", "lexmatch.py", "yamlio.py", "annotators.py",
               "docview.py"),
    "quotes": ("quotes.py", "actors.py", "lemmas.py", "yamlio.py", "annotators.py",
               "docview.py"),
    "devices": ("devices.py", "codebook.py", "lexmatch.py", "lemmas.py", "yamlio.py",
                "annotators.py", "docview.py"),
    "sentiment": ("sentiment.py", "sentiment_model.py", "sentiment_cnn.py", "stance.py",
                  "quotes.py", "resources.py", "lemmas.py", "annotators.py", "docview.py"),
    "frames": ("frames.py", "codebook.py", "devices.py", "lexmatch.py", "lemmas.py",
               "yamlio.py", "annotators.py", "docview.py"),
}
#: Upstream stages whose per-article results each stage reads.
UPSTREAM: dict[str, tuple[str, ...]] = {
    "actors": (),
    "quotes": ("actors",),
    "devices": ("actors", "quotes"),
    "sentiment": ("actors", "quotes"),
    "frames": ("actors", "quotes", "sentiment"),
}


def fingerprint(stage: str, files: Iterable[Path | None]) -> str:
    """Hash of a stage's code modules and resource files (``None`` entries count as absent).

    >>> fingerprint("actors", []) == fingerprint("actors", [])
    True
    """
    h = hashlib.sha256(stage.encode())
    for name in STAGE_MODULES[stage]:
        h.update((PACKAGE / name).read_bytes())
    for f in files:
        h.update(b"\x00")
        if f is not None and Path(f).exists():
            h.update(Path(f).read_bytes())
        else:
            h.update(b"<none>")
    return h.hexdigest()[:16]


def key_of(fp: str, doc_key: str, upstream: Mapping[str, str]) -> str:
    """Cache key of one article's result: stage fingerprint + Doc key + upstream result keys."""
    h = hashlib.sha256(fp.encode())
    h.update(doc_key.encode())
    for name in sorted(upstream):
        h.update(f"\x00{name}={upstream[name]}".encode())
    return h.hexdigest()[:24]


def _json_default(o: Any) -> Any:
    if hasattr(o, "item"):  # numpy scalars
        return o.item()
    raise TypeError(f"not JSON-serialisable: {type(o).__name__}")


class ArticleCache:
    """One JSON file per (stage, key) under ``root/<stage>/``, written atomically."""

    def __init__(self, root: Path, stage: str) -> None:
        self.dir = Path(root) / stage

    def path(self, key: str) -> Path:
        return self.dir / f"{key}.json"

    def get(self, key: str) -> dict | None:
        p = self.path(key)
        if not p.exists():
            return None
        try:
            return json.loads(p.read_text(encoding="utf-8"))
        except (OSError, ValueError):  # a damaged entry is recomputed, never trusted
            return None

    def put(self, key: str, value: dict) -> None:
        self.dir.mkdir(parents=True, exist_ok=True)
        p = self.path(key)
        tmp = p.with_name(f"{p.name}.{os.getpid()}.tmp")
        tmp.write_text(json.dumps(value, ensure_ascii=False, sort_keys=True,
                                  default=_json_default), encoding="utf-8")
        os.replace(tmp, p)

    def prune(self, keep: set[str]) -> int:
        """Delete entries not in ``keep``; returns how many."""
        n = 0
        if self.dir.is_dir():
            for f in self.dir.glob("*.json"):
                if f.stem not in keep:
                    f.unlink()
                    n += 1
        return n


def read_keys(path: Path) -> dict[str, str]:
    """``article_id<TAB>key`` rows (with a header line) as a dict."""
    out: dict[str, str] = {}
    with Path(path).open(encoding="utf-8") as fh:
        next(fh, None)
        for line in fh:
            if line.strip():
                aid, key = line.rstrip("\n").split("\t")
                out[aid] = key
    return out


def write_keys(path: Path, keys: Mapping[str, str]) -> None:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    with tmp.open("w", encoding="utf-8") as fh:
        fh.write("article_id\tkey\n")
        for aid in sorted(keys):
            fh.write(f"{aid}\t{keys[aid]}\n")
    os.replace(tmp, path)


def keys_path(processed: Path, stage: str) -> Path:
    """Where a stage's per-article result keys are kept: ``<processed>/<stage>.keys.tsv``.

    >>> keys_path(Path("data/processed"), "actors").as_posix()
    'data/processed/actors.keys.tsv'
    """
    return Path(processed) / f"{stage}.keys.tsv"


# ----------------------------------------------------------------------------- annotators


class ActorsAnnotator:
    """Actor mentions of one article, and its per-actor summary rows.

    Resources load on first use: when every result is cached, a stage needs only the
    fingerprint (file hashes), not the parsed registry.
    """

    name = "actors"

    def __init__(self, registry_path: Path) -> None:
        self.registry_path = Path(registry_path)
        self.fp = fingerprint(self.name, [registry_path])

    @cached_property
    def registry(self):
        from .actors import ActorRegistry

        return ActorRegistry.from_yaml(self.registry_path)

    def compute(self, doc, upstream: Mapping[str, dict]) -> dict:
        from .actors import find_mentions

        mentions = [m.as_row() for m in find_mentions(doc, self.registry)]
        return {"mentions": mentions, "actors": actor_rows(mentions, self.registry)}


def actor_rows(mentions: Sequence[dict], registry) -> list[dict]:
    """One row per article × actor summarising its mentions."""
    grouped: dict[tuple[str, str], list[dict]] = {}
    for m in mentions:
        grouped.setdefault((m["article_id"], m["actor"]), []).append(m)
    rows = []
    for (aid, actor), ms in sorted(grouped.items()):
        entry = registry.entries.get(actor)
        rows.append({
            "article_id": aid, "actor": actor, "actor_type": ms[0]["actor_type"],
            "source": "registry" if entry else "auto",
            # a collective's link to a state is made by the text, mention by mention
            "affiliation": (entry.affiliation if entry else "") or "; ".join(
                sorted({m["affiliation"] for m in ms if m.get("affiliation")})),
            "n_mentions": len(ms),
            "surface_forms": "; ".join(sorted({m["text"] for m in ms})),
            "resolutions": "; ".join(sorted({m["resolution"] for m in ms})),
        })
    return rows


def _records(rows: Sequence[dict], record_type) -> list:
    return [record_type(**r) for r in rows]


class QuotesAnnotator:
    """Quotes and their speakers."""

    name = "quotes"

    def __init__(self, registry_path: Path, verbs_path: Path) -> None:
        self.registry_path, self.verbs_path = Path(registry_path), Path(verbs_path)
        self.fp = fingerprint(self.name, [registry_path, verbs_path])

    @cached_property
    def finder(self):
        from .actors import ActorRegistry
        from .quotes import QuoteFinder, ReportingVerbs

        registry = ActorRegistry.from_yaml(self.registry_path)
        return QuoteFinder.for_registry(ReportingVerbs.from_yaml(self.verbs_path), registry)

    def compute(self, doc, upstream: Mapping[str, dict]) -> dict:
        from .actors import Mention

        mentions = _records(upstream["actors"]["mentions"], Mention)
        return {"quotes": [q.as_row() for q in self.finder.find(doc, mentions)]}


class DevicesAnnotator:
    """Framing-device hits with speaker and target."""

    name = "devices"

    def __init__(self, codebook_path: Path) -> None:
        self.codebook_path = Path(codebook_path)
        self.fp = fingerprint(self.name, [codebook_path])

    @cached_property
    def matcher(self):
        from .codebook import load_codebook
        from .devices import DeviceMatcher
        from .lemmas import Lemmatizer

        lem = Lemmatizer.shared()
        return DeviceMatcher(load_codebook(self.codebook_path, lem), lem)

    def compute(self, doc, upstream: Mapping[str, dict]) -> dict:
        from .actors import Mention
        from .quotes import Quote

        mentions = _records(upstream["actors"]["mentions"], Mention)
        quotes = _records(upstream["quotes"]["quotes"], Quote)
        return {"devices": [h.as_row() for h in self.matcher.match_doc(doc, quotes, mentions)]}


class SentimentAnnotator:
    """Mention sentiment (trained model if given, else the lexicon) and stance edges."""

    name = "sentiment"

    def __init__(self, lexicon_path: Path, model_dir: Path | None = None) -> None:
        self.lexicon_path = Path(lexicon_path)
        self.model_dir = Path(model_dir) if model_dir is not None else None
        has_model = self.model_dir is not None and (self.model_dir / "model.json").exists()
        model_files = ([self.model_dir / "model.json", self.model_dir / "weights.npz"]
                       if has_model else [None, None])
        self.fp = fingerprint(self.name, [lexicon_path, *model_files])

    @cached_property
    def lexicon(self) -> dict[str, float]:
        from .sentiment import load_lexicon

        return load_lexicon(self.lexicon_path)

    @cached_property
    def model(self):
        import logging

        from .resources import load_sentiment_model

        if self.model_dir is None:
            return None
        model = load_sentiment_model(self.model_dir)
        if model is None:
            logging.getLogger("framing").warning(
                "no sentiment model in %s: falling back to the lexicon", self.model_dir)
        return model

    @cached_property
    def emb(self):
        if self.model is None:
            return None
        from .sentiment_model import Embeddings

        return Embeddings()

    def compute(self, doc, upstream: Mapping[str, dict]) -> dict:
        from .actors import Mention
        from .quotes import Quote
        from .sentiment import aggregate, mention_sentiment
        from .stance import stance_edges

        mentions = _records(upstream["actors"]["mentions"], Mention)
        quotes = _records(upstream["quotes"]["quotes"], Quote)
        scored = mention_sentiment(doc, mentions, quotes, self.lexicon, self.model, self.emb)
        types = {(m.article_id, m.mention_id): m.actor_type for m in mentions}
        return {
            "mention_sentiment": [r.as_row() for r in scored],
            # per article × actor × voice, bootstrap included: computed once per article
            "actor_sentiment": aggregate(scored, types),
            "stance": [e.as_row() for e in stance_edges(doc, mentions, quotes, scored)],
        }


class FramesAnnotator:
    """Generic frames: Semetko–Valkenburg items, MFC dimensions, Entman slots."""

    name = "frames"
    tables = ("sv_items", "sv_frames", "mfc_frames", "mfc_evidence", "entman")

    def __init__(self, frames_path: Path) -> None:
        self.frames_path = Path(frames_path)
        self.fp = fingerprint(self.name, [frames_path])

    @cached_property
    def coder(self):
        from .frames import FrameCoder, load_frames

        return FrameCoder(load_frames(self.frames_path))

    def compute(self, doc, upstream: Mapping[str, dict]) -> dict:
        res = self.coder.code(doc, upstream["actors"]["mentions"], upstream["quotes"]["quotes"],
                              upstream["sentiment"]["stance"])
        return {k: getattr(res, k) for k in self.tables}


@dataclass(frozen=True)
class Resources:
    """The resource files the per-article annotators use (what the NLP warm-up needs)."""

    registry: Path
    verbs: Path
    codebook: Path
    lexicon: Path
    model_dir: Path | None = None
    frames: Path | None = None

    def annotators(self) -> list:
        out = [ActorsAnnotator(self.registry), QuotesAnnotator(self.registry, self.verbs),
               DevicesAnnotator(self.codebook), SentimentAnnotator(self.lexicon, self.model_dir)]
        if self.frames is not None:
            out.append(FramesAnnotator(self.frames))
        return out


def annotate_all(doc, doc_key: str, annotators: Sequence, cache_root: Path) -> dict[str, str]:
    """Run ``annotators`` (in stage order) on one Doc, storing each result in the cache.

    Results already cached are reused.  Returns the result key of every stage.
    """
    keys: dict[str, str] = {}
    results: dict[str, dict] = {}
    for ann in annotators:
        up = {u: keys[u] for u in UPSTREAM[ann.name]}
        key = key_of(ann.fp, doc_key, up)
        cache = ArticleCache(cache_root, ann.name)
        res = cache.get(key)
        if res is None:
            res = ann.compute(doc, {u: results[u] for u in UPSTREAM[ann.name]})
            cache.put(key, res)
        keys[ann.name], results[ann.name] = key, res
    return keys
