"""Opinion tuples in the RuOpinionNE-2024 format (SemEval-2022 structured sentiment JSONL).

One JSON object per sentence::

    {"sent_id": "<article>:<n>", "text": "<sentence>",
     "opinions": [{"Source": [["Токаев"], ["0:6"]],
                   "Target": [["Трампа"], ["15:21"]],
                   "Polar_expression": [["великим"], ["30:37"]],
                   "Polarity": "POS"}]}

Offsets are ``"start:end"`` character offsets into ``text``.  The author's voice is the holder
``[["AUTHOR"], ["NULL"]]``; a holder that is not in the sentence (a speaker named in an earlier
sentence) is ``[["NULL"], ["NULL"]]`` (the official scorer reads both offsets ``NULL`` as the
author).  Every polar mention whose label is backed by evidence words in its voice (as for the
stance network) gives one tuple per evidence span with that polarity: holder (author, quoted
speaker or the subject who holds the attitude), target (the mention), polar expression (the
evidence words) and polarity (``POS``/``NEG``).
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Sequence
from pathlib import Path

from .stance import attribute_holder, evidence_backed

AUTHOR = [["AUTHOR"], ["NULL"]]
NULL = [["NULL"], ["NULL"]]


def _span(text: str, a: int, b: int, base: int) -> list[list[str]]:
    return [[text[a:b]], [f"{a - base}:{b - base}"]]


def _speaker_mention(mentions: Sequence, speaker: str, sent_start: int, sent_end: int,
                     quote_spans: list[tuple[int, int]]):
    """The speaker's mention in this sentence outside every quote (the nearest to the end)."""
    found = None
    for m in mentions:
        if m.actor != speaker or not (sent_start <= m.start and m.end <= sent_end):
            continue
        if any(a <= m.start < b for a, b in quote_spans):
            continue
        found = m
    return found


def sentence_opinions(doc, mentions: Sequence, quotes: Sequence, sentiments: Sequence,
                      lexicon: dict[str, float], whole: bool = False) -> list[dict]:
    """RuOpinionNE records (one per sentence, in order) for one annotated article; with
    ``whole`` one record for the whole text (offsets into the whole text)."""
    from .sentiment import NEGATORS, _voice_index, evidence_spans

    aid = doc.user_data["framing"]["id"]
    text = doc.text
    by_id = {m.mention_id: m for m in mentions}
    voice_of = _voice_index(doc, quotes)
    mention_toks = {i for m in mentions for i in range(m.tok_start, m.tok_end)}
    qspans = [(q.start, q.end) for q in quotes]
    per_sent: dict[int, list[dict]] = {}
    sents = list(doc.sents)
    sent_no = {s.start: n for n, s in enumerate(sents)}
    for row in sentiments:
        if not evidence_backed(row):
            continue
        m = by_id[row.mention_id]
        sent = doc[m.tok_start].sent
        a0, b0 = (0, len(text)) if whole else (sent.start_char, sent.end_char)
        source, voice, holder = attribute_holder(doc, m, mentions, quotes)
        if source == m.actor:
            continue
        if voice == "author":
            src = AUTHOR
        else:
            if holder is None:
                holder = _speaker_mention(mentions, source, a0, b0, qspans)
            src = (_span(text, holder.start, holder.end, a0)
                   if holder is not None and a0 <= holder.start < b0 else NULL)
        own = set(range(m.tok_start, m.tok_end))
        _, hits = evidence_spans(doc, m.tok_start, m.tok_end, lexicon, mention_toks - own,
                                 voice_of, voice_of.get(m.tok_start, -1))
        polarity = "POS" if row.label > 0 else "NEG"
        for first, end, w, neg in hits:
            if (w > 0) != (row.label > 0):
                continue
            if neg and first > 0 and doc[first - 1].lower_ in NEGATORS:
                first -= 1  # «не удалось»: the negation is part of the expression
            ea, eb = doc[first].idx, doc[end - 1].idx + len(doc[end - 1].text)
            if not (a0 <= ea and eb <= b0):
                continue  # a naming label in the next sentence: not expressible here
            per_sent.setdefault(0 if whole else sent_no[sent.start], []).append({
                "Source": src, "Target": _span(text, m.start, m.end, a0),
                "Polar_expression": _span(text, ea, eb, a0), "Polarity": polarity})
    out = []
    units = [(0, len(text))] if whole else [(x.start_char, x.end_char) for x in sents]
    for n, (ua, ub) in enumerate(units):
        stext = text[ua:ub]
        if not stext.strip():
            continue
        ops = per_sent.get(n, [])
        uniq = {json.dumps(o, ensure_ascii=False, sort_keys=True): o for o in ops}
        out.append({"sent_id": f"{aid}:{n}", "text": stext,
                    "opinions": [uniq[k] for k in sorted(uniq)]})
    return out


def write_jsonl(records: Iterable[dict], path: Path) -> int:
    """Write records one JSON object per line (UTF-8, atomic); returns the count."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    n = 0
    with tmp.open("w", encoding="utf-8", newline="\n") as fh:
        for r in records:
            fh.write(json.dumps(r, ensure_ascii=False) + "\n")
            n += 1
    os.replace(tmp, path)
    return n


def export_ruopinionne(manifest: Path, mentions_path: Path, quotes_path: Path,
                       sentiment_path: Path, lexicon_path: Path, out: Path) -> int:
    """Stage function: RuOpinionNE JSONL of every processed article from the pipeline's
    tables (``mentions``, ``quotes``, ``mention_sentiment``) and its Doc store; returns the
    number of opinion tuples written."""
    from collections import defaultdict

    from . import tables
    from .actors import Mention
    from .quotes import Quote
    from .sentiment import MentionSentiment, load_lexicon
    from .stages import DocStore

    def grouped(path: Path, cls) -> dict[str, list]:
        groups: dict[str, list] = defaultdict(list)
        for rec in tables.read_table(path).to_dict("records"):
            groups[rec["article_id"]].append(cls(**rec))
        return groups

    mentions = grouped(Path(mentions_path), Mention)
    quotes = grouped(Path(quotes_path), Quote)
    scored = grouped(Path(sentiment_path), MentionSentiment)
    lexicon = load_lexicon(Path(lexicon_path))
    records: list[dict] = []
    for doc in DocStore(Path(manifest)).docs():
        aid = doc.user_data["framing"]["id"]
        records.extend(sentence_opinions(doc, mentions.get(aid, []), quotes.get(aid, []),
                                         scored.get(aid, []), lexicon))
    write_jsonl(records, Path(out))
    return sum(len(r["opinions"]) for r in records)


def predict_ruopinionne(in_path: Path, out_path: Path, registry_path: Path | None = None,
                        verbs_path: Path | None = None, lexicon_path: Path | None = None,
                        model_dir: Path | None = None) -> dict:
    """Run the pipeline on every sentence of a RuOpinionNE-format JSONL file (``sent_id``,
    ``text``; gold ``opinions`` ignored) and write predictions with the same ``sent_id`` and
    ``text``, ready for the task's official scorer."""
    from .actors import ActorRegistry, find_mentions
    from .ingest import Article, Segment
    from .nlp import NLP
    from .quotes import QuoteFinder, ReportingVerbs
    from .resources import default_path, load_sentiment_model
    from .sentiment import load_lexicon, mention_sentiment
    from .sentiment_model import Embeddings

    nlp = NLP()
    registry = ActorRegistry.from_yaml(registry_path or default_path("actors.yaml"),
                                       nlp.lemmatizer)
    finder = QuoteFinder.for_registry(
        ReportingVerbs.from_yaml(verbs_path or default_path("reporting_verbs.yaml")), registry)
    lexicon = load_lexicon(lexicon_path or default_path("sentiment_lexicon.tsv"))
    model = load_sentiment_model(model_dir)
    emb = Embeddings() if model is not None else None
    out, n_op = [], 0
    with Path(in_path).open(encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                rec = json.loads(line)
                sid, text = rec["sent_id"], rec["text"]
            except (ValueError, KeyError, TypeError):
                raise ValueError(f"{in_path}: line {lineno}: expected a JSON object with "
                                 f"'sent_id' and 'text'") from None
            doc = nlp(Article(id=str(sid), source_file=str(in_path), text=text,
                              segments=[Segment("prose", text, 0, len(text))]))
            ms = find_mentions(doc, registry)
            qs = finder.find(doc, ms)
            rows = mention_sentiment(doc, ms, qs, lexicon, model, emb)
            # the task's text is one unit: offsets into it, whatever our sentence splitter says
            (unit,) = sentence_opinions(doc, ms, qs, rows, lexicon, whole=True) or [
                {"opinions": []}]
            ops = unit["opinions"]
            n_op += len(ops)
            out.append({"sent_id": sid, "text": text, "opinions": ops})
    write_jsonl(out, Path(out_path))
    return {"sentences": len(out), "opinions": n_op}

