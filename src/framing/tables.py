"""Deterministic table I/O: sorted rows, stable column order, atomic writes, Parquet + CSV."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

#: Table schemas: column order and the sort key of each table written to data/processed/.
SCHEMAS: dict[str, tuple[list[str], list[str]]] = {
    "articles": (["article_id", "source_file", "record", "title", "date", "source", "url",
                  "encoding", "n_chars", "n_segments", "n_captions", "n_boilerplate",
                  "content_hash"], ["article_id"]),
    "segments": (["article_id", "segment", "kind", "start", "end", "text"],
                 ["article_id", "segment"]),
    "boilerplate": (["article_id", "kind", "line", "text"], ["article_id", "line", "kind"]),
    "rejected": (["source_file", "record", "error", "level"],
                 ["source_file", "record", "level", "error"]),
    "sentences": (["article_id", "sent", "start", "end", "segment", "n_tokens", "text"],
                  ["article_id", "sent"]),
    "mentions": (["article_id", "mention_id", "actor", "actor_type", "text", "start", "end",
                  "tok_start", "tok_end", "sent", "resolution", "segment", "affiliation"],
                 ["article_id", "mention_id"]),
    "actors": (["article_id", "actor", "actor_type", "source", "affiliation", "n_mentions",
                "surface_forms", "resolutions"], ["article_id", "actor"]),
    "quotes": (["article_id", "quote_id", "kind", "start", "end", "speaker", "speaker_text",
                "resolution", "verb", "verb_type", "text"], ["article_id", "quote_id"]),
    "devices": (["article_id", "hit_id", "device_id", "label", "category", "rule_id", "start",
                 "end", "text", "sent", "segment", "speaker", "target", "sentence"],
                ["article_id", "hit_id"]),
    "mention_sentiment": (["article_id", "mention_id", "actor", "voice", "method", "score",
                           "label", "lexicon_score", "evidence", "model_evidence"],
                          ["article_id", "mention_id"]),
    "stance": (["article_id", "source", "target", "voice", "polarity", "n_pos", "n_neg", "score",
                "evidence"], ["article_id", "source", "target", "voice"]),
    "stance_corpus": (["source", "target", "n_articles", "n_pos", "n_neg", "polarity", "voices",
                       "evidence"],
                      ["source", "target"]),
    "actor_sentiment": (["article_id", "actor", "actor_type", "voice", "n_mentions", "n_pos",
                         "n_neg", "n_neu", "mean_label", "mean_score", "ci_low", "ci_high"],
                        ["article_id", "actor", "voice"]),
    "reliability": (["variable", "level", "n_units", "n_coders", "alpha_human", "alpha_machine",
                     "precision", "recall", "f1", "support", "n_ties", "status"],
                    ["variable", "level"]),
    # generic frames (frames.py)
    "sv_items": (["article_id", "frame", "item", "question", "answer", "evidence", "start", "end",
                  "reason"], ["article_id", "item"]),
    "sv_frames": (["article_id", "frame", "score", "n_items", "n_yes"], ["article_id", "frame"]),
    "mfc_frames": (["article_id", "frame", "label", "score", "present", "n_evidence", "evidence"],
                   ["article_id", "frame"]),
    "mfc_evidence": (["article_id", "frame", "start", "end", "text", "rule"],
                     ["article_id", "frame", "start", "end", "rule"]),
    "entman": (["article_id", "function", "evidence", "start", "end", "sentence"],
               ["article_id", "function", "start", "end"]),
}


def frame(name: str, rows: Sequence[dict]) -> pd.DataFrame:
    """Rows as a DataFrame with the table's columns, sorted by its key.

    >>> frame("rejected", [{"source_file": "b", "record": None, "error": "x"},
    ...                    {"source_file": "a", "record": 2, "error": "y"}]).source_file.tolist()
    ['a', 'b']
    """
    cols, key = SCHEMAS[name]
    df = pd.DataFrame(list(rows), columns=cols)
    if len(df):
        df = df.sort_values(key, kind="mergesort", na_position="first")
    return df.reset_index(drop=True)


def write_table(df: pd.DataFrame, path: Path, csv: bool = True) -> None:
    """Write ``df`` to ``path`` (Parquet) and a CSV beside it, atomically."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    df.to_parquet(tmp, index=False, compression="zstd")
    os.replace(tmp, path)
    if csv:
        cpath = path.with_suffix(".csv")
        ctmp = cpath.with_name(cpath.name + ".tmp")
        df.to_csv(ctmp, index=False, lineterminator="\n")
        os.replace(ctmp, cpath)


def write_rows(name: str, rows: Sequence[dict], path: Path) -> pd.DataFrame:
    df = frame(name, rows)
    write_table(df, path)
    return df


def read_table(path: Path) -> pd.DataFrame:
    return pd.read_parquet(path)
