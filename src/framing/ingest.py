"""Ingest raw articles: detect encodings, normalise, split prose from boilerplate.

Every file in ``data/raw/`` becomes one or more :class:`Article` records:

* ``.txt`` — one article; the sample's format (first line `` date YYYY-MM-DD <title>`` with
  the headline photo caption ``… Фото: <credit>``) is recognised, any other text is plain;
* ``.html``/``.htm`` — one article, main text extracted with trafilatura;
* ``.jsonl``/``.csv`` — a batch, one article per record (``id, title, date, source, url, text``).

A file (or a batch record) that cannot be read is *rejected* with a message naming it; it
never stops the other articles.

>>> art = parse_text(" date 2025-01-02 Заголовок Фото: ТАСС\\n\\nПервый абзац.\\n\\nРеклама\\n",
...                  article_id="a1", source_file="a1.txt")
>>> [(s.kind, s.text) for s in art.segments]
[('title', 'Заголовок'), ('prose', 'Первый абзац.')]
>>> art.date, art.boilerplate[0]["kind"]
('2025-01-02', 'credit')
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path

SUPPORTED_SUFFIXES = (".txt", ".html", ".htm", ".jsonl", ".csv")

#: Lines dropped as boilerplate (matched case-insensitively against a whole stripped line).
DEFAULT_BOILERPLATE = (
    r"продолжение после рекламы",
    r"реклама",
    r"(читайте|смотрите) также.{0,120}",
    r"подпис(ывайтесь|аться|ывайся)\b.{0,160}",
    r"присоединяйтесь к нам.{0,160}",
    r"(наш|наши) (telegram|телеграм|канал).{0,160}",
    r"(новости|читайте нас) (в|на) (telegram|телеграм|дзен|max|vk|вконтакте).{0,120}",
    r"если вы нашли ошибку.{0,160}",
)

_DATE_LINE = re.compile(r"^\s*date\s+(\d{4}-\d{2}-\d{2})\s+(.*)$", re.S)
_CREDIT = re.compile(r"\s*(?:Фото|Фотография|Photo|Источник фото|Кадр)\s*:\s*(?P<credit>[^\n]+)$")
_SENT_BREAK = re.compile(r"(?<=[.!?…])\s+(?=[«\"A-ZА-ЯЁ0-9])")
_SAFE_ID = re.compile(r"[^A-Za-z0-9_.-]+")


class IngestError(ValueError):
    """A raw file or record that cannot become an article; the message names it."""


@dataclass
class Segment:
    """A contiguous piece of the article text: ``title``, ``caption`` or ``prose``."""

    kind: str
    text: str
    start: int = 0
    end: int = 0


@dataclass
class Article:
    id: str
    source_file: str
    text: str
    segments: list[Segment]
    title: str = ""
    date: str = ""
    source: str = ""
    url: str = ""
    record: int | None = None
    encoding: str = "utf-8"
    boilerplate: list[dict] = field(default_factory=list)
    content_hash: str = ""

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_dict(cls, d: dict) -> Article:
        d = dict(d)
        d["segments"] = [Segment(**s) for s in d["segments"]]
        return cls(**d)

    def segment_at(self, offset: int) -> Segment | None:
        for seg in self.segments:
            if seg.start <= offset < seg.end:
                return seg
        return None


@dataclass
class Rejected:
    source_file: str
    record: int | None
    error: str


# ----------------------------------------------------------------------------- text helpers


def normalise(text: str) -> str:
    """NFC-normalise, unify line ends and spaces, drop control characters.

    >>> normalise("a\\u00a0b\\r\\nc\\u200b")
    'a b\\nc'
    """
    text = unicodedata.normalize("NFC", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\u00a0", " ").replace("\u202f", " ").replace("\ufeff", "")
    text = re.sub(r"[\u200b-\u200d\u2060]", "", text)
    text = "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch)[0] != "C")
    return text


def decode(data: bytes, name: str) -> tuple[str, str]:
    """Decode bytes with charset detection; raise :class:`IngestError` naming ``name``."""
    if not data.strip():
        raise IngestError(f"{name}: file is empty")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None or b"\x00" in data:
        raise IngestError(f"{name}: cannot decode file (not text in any known encoding)")
    text = str(best)
    letters = sum(ch.isalpha() for ch in text)
    if letters < 0.5 * len(text.strip()):
        raise IngestError(f"{name}: decoded as {best.encoding} but looks like binary data")
    return text, best.encoding


def content_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def safe_id(raw: str) -> str:
    """A file-name-safe article id.

    >>> safe_id("статья 1/2")
    'id-dde6eda04382'
    >>> safe_id("000_abc")
    '000_abc'
    """
    cleaned = _SAFE_ID.sub("_", raw).strip("._")
    if cleaned and cleaned == raw and len(cleaned) <= 80:
        return cleaned
    return "id-" + hashlib.sha1(raw.encode("utf-8")).hexdigest()[:12]


def _compile_boilerplate(patterns: Iterable[str]) -> re.Pattern[str]:
    return re.compile(r"^(?:" + "|".join(f"(?:{p})" for p in patterns) + r")[.!]?$", re.I)


_DEFAULT_BP = _compile_boilerplate(DEFAULT_BOILERPLATE)


def _split_credit(line: str) -> tuple[str, str | None]:
    m = _CREDIT.search(line)
    if not m:
        return line, None
    return line[: m.start()].strip(), m.group("credit").strip()


def _assemble(segments: list[Segment]) -> tuple[str, list[Segment]]:
    out: list[Segment] = []
    parts: list[str] = []
    pos = 0
    for seg in segments:
        if not seg.text:
            continue
        if parts:
            parts.append("\n\n")
            pos += 2
        out.append(Segment(seg.kind, seg.text, pos, pos + len(seg.text)))
        parts.append(seg.text)
        pos += len(seg.text)
    return "".join(parts), out


def split_body(
    lines: Iterable[str], boilerplate: re.Pattern[str] = _DEFAULT_BP
) -> tuple[list[Segment], list[dict]]:
    """Classify body lines into prose and caption segments plus dropped boilerplate."""
    segments: list[Segment] = []
    dropped: list[dict] = []
    for lineno, raw in enumerate(lines, 1):
        line = re.sub(r"[ \t]+", " ", raw).strip()
        if not line:
            continue
        if boilerplate.match(line):
            dropped.append({"kind": "ad_or_promo", "text": line, "line": lineno})
            continue
        body, credit = _split_credit(line)
        if credit is not None:
            dropped.append({"kind": "credit", "text": credit, "line": lineno})
            if body:
                segments.append(Segment("caption", body))
            continue
        segments.append(Segment("prose", line))
    return segments, dropped


def parse_text(
    text: str,
    article_id: str,
    source_file: str,
    *,
    title: str = "",
    date: str = "",
    source: str = "",
    url: str = "",
    record: int | None = None,
    encoding: str = "utf-8",
    boilerplate: re.Pattern[str] = _DEFAULT_BP,
) -> Article:
    """Turn one article's raw text into an :class:`Article` (sample format or plain)."""
    text = normalise(text)
    lines = text.split("\n")
    head: list[Segment] = []
    dropped: list[dict] = []
    m = _DATE_LINE.match(lines[0]) if lines else None
    if m:
        date = date or m.group(1)
        first, credit = _split_credit(m.group(2).strip())
        if credit is not None:
            dropped.append({"kind": "credit", "text": credit, "line": 1})
        # Title and headline caption share the line; the title is its first sentence.
        pieces = _SENT_BREAK.split(first, maxsplit=1)
        line_title = pieces[0].strip()
        title = title or line_title
        head.append(Segment("title", line_title))
        if len(pieces) > 1 and pieces[1].strip():
            head.append(Segment("caption", pieces[1].strip()))
        lines = lines[1:]
    elif title:
        head.append(Segment("title", normalise(title).strip()))
    body, more = split_body(lines, boilerplate)
    for d in more:
        d["line"] += 1 if m else 0
    dropped.extend(more)
    if not title and body and body[0].kind == "prose" and len(body[0].text) < 200 and len(body) > 1:
        # A short first line of a plain text file is its headline.
        body[0].kind = "title"
        title = body[0].text
    full, segments = _assemble(head + body)
    if not any(s.kind == "prose" for s in segments):
        raise IngestError(
            f"{source_file}{_rec(record)}: no article text after removing boilerplate"
        )
    return Article(
        id=article_id,
        source_file=source_file,
        text=full,
        segments=segments,
        title=title,
        date=date,
        source=source,
        url=url,
        record=record,
        encoding=encoding,
        boilerplate=dropped,
        content_hash=content_hash(full),
    )


def _rec(record: int | None) -> str:
    return "" if record is None else f" (record {record})"


# ----------------------------------------------------------------------------- file readers


def _read_txt(path: Path, name: str, bp: re.Pattern[str]) -> Iterator[Article | Rejected]:
    text, enc = decode(path.read_bytes(), name)
    yield parse_text(text, safe_id(path.stem), name, encoding=enc, boilerplate=bp)


def _read_html(path: Path, name: str, bp: re.Pattern[str]) -> Iterator[Article | Rejected]:
    import trafilatura

    html, enc = decode(path.read_bytes(), name)
    doc = trafilatura.bare_extraction(html, with_metadata=True, include_comments=False)
    if doc is None or not (doc.text or "").strip():
        raise IngestError(f"{name}: no main text found in the HTML page")
    yield parse_text(
        doc.text,
        safe_id(path.stem),
        name,
        title=doc.title or "",
        date=doc.date or "",
        source=doc.sitename or "",
        url=doc.url or "",
        encoding=enc,
        boilerplate=bp,
    )


def _record_article(
    rec: object, name: str, stem: str, n: int, bp: re.Pattern[str]
) -> Article:
    if not isinstance(rec, dict):
        raise IngestError(f"{name} (record {n}): expected an object with a 'text' field")
    text = rec.get("text")
    if not isinstance(text, str) or not text.strip():
        raise IngestError(f"{name} (record {n}): missing or empty 'text'")
    rid = str(rec.get("id") or f"{n:06d}")
    return parse_text(
        text,
        safe_id(f"{stem}__{rid}"),
        name,
        title=str(rec.get("title") or ""),
        date=str(rec.get("date") or "")[:10],
        source=str(rec.get("source") or ""),
        url=str(rec.get("url") or ""),
        record=n,
        boilerplate=bp,
    )


def _read_jsonl(path: Path, name: str, bp: re.Pattern[str]) -> Iterator[Article | Rejected]:
    text, _ = decode(path.read_bytes(), name)
    for n, line in enumerate(text.split("\n"), 1):
        if not line.strip():
            continue
        try:
            yield _record_article(json.loads(line), name, path.stem, n, bp)
        except json.JSONDecodeError as exc:
            yield Rejected(name, n, f"{name} (record {n}): invalid JSON: {exc.msg}")
        except IngestError as exc:
            yield Rejected(name, n, str(exc))


def _read_csv(path: Path, name: str, bp: re.Pattern[str]) -> Iterator[Article | Rejected]:
    text, _ = decode(path.read_bytes(), name)
    reader = csv.DictReader(io.StringIO(text))
    if not reader.fieldnames or "text" not in reader.fieldnames:
        raise IngestError(f"{name}: CSV batch needs a 'text' column (has {reader.fieldnames})")
    for n, row in enumerate(reader, 1):
        try:
            yield _record_article(row, name, path.stem, n, bp)
        except IngestError as exc:
            yield Rejected(name, n, str(exc))


_READERS = {
    ".txt": _read_txt,
    ".html": _read_html,
    ".htm": _read_html,
    ".jsonl": _read_jsonl,
    ".csv": _read_csv,
}


def read_path(
    path: Path, name: str | None = None, boilerplate: Iterable[str] | None = None
) -> list[Article | Rejected]:
    """Read one raw file into articles; problems become :class:`Rejected` entries."""
    name = name or path.name
    bp = _compile_boilerplate(boilerplate) if boilerplate else _DEFAULT_BP
    reader = _READERS.get(path.suffix.lower())
    if reader is None:
        return [Rejected(name, None, f"{name}: unsupported file type {path.suffix!r}")]
    try:
        return list(reader(path, name, bp))
    except (IngestError, OSError) as exc:
        return [Rejected(name, None, str(exc))]


def ingest_dir(
    raw_dir: Path, boilerplate: Iterable[str] | None = None
) -> tuple[list[Article], list[Rejected]]:
    """Read every supported file under ``raw_dir``; articles sorted by id, ids unique."""
    articles: list[Article] = []
    rejected: list[Rejected] = []
    for path in sorted(p for p in raw_dir.rglob("*") if p.is_file()):
        if path.name.startswith(".") or path.name.lower() in {"readme.md", "readme.txt"}:
            continue
        name = path.relative_to(raw_dir).as_posix()
        for item in read_path(path, name, boilerplate):
            (articles if isinstance(item, Article) else rejected).append(item)
    seen: dict[str, str] = {}
    for art in articles:
        if art.id in seen:
            rejected.append(
                Rejected(art.source_file, art.record,
                         f"{art.source_file}{_rec(art.record)}: duplicate article id "
                         f"{art.id!r} (also in {seen[art.id]})")
            )
        else:
            seen[art.id] = art.source_file
    unique = {}
    for art in articles:
        unique.setdefault(art.id, art)
    return sorted(unique.values(), key=lambda a: a.id), rejected


def write_articles(articles: list[Article], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as fh:
        for art in sorted(articles, key=lambda a: a.id):
            fh.write(art.to_json() + "\n")


def read_articles(path: Path) -> Iterator[Article]:
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                yield Article.from_dict(json.loads(line))
