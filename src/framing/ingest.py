"""Ingest raw articles: detect encodings, normalise, split prose from boilerplate.

Every file in ``data/raw/`` becomes one or more :class:`Article` records:

* ``.txt`` — one article; the sample's format (first line `` date YYYY-MM-DD <title>`` with
  the headline photo caption ``… Фото: <credit>``) is recognised, any other text is plain;
* ``.html``/``.htm`` — one article, main text extracted with trafilatura;
* ``.jsonl``/``.csv`` — a batch, one article per record (``id, title, date, source, url, text``).

A file (or a batch record) that cannot be read is *rejected* with a message naming it (and the
line or record); it never stops the other articles.  Problems that do not cost the article (a
date that does not parse, a few invalid UTF-8 bytes) are kept as *warnings*.  Files over the
size limit are refused before they are read; text without Cyrillic letters is refused as not
Russian.

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
import os
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path

SUPPORTED_SUFFIXES = (".txt", ".html", ".htm", ".jsonl", ".csv")
_BATCH_SUFFIXES = (".jsonl", ".csv")

#: Longest segment, in characters: a longer paragraph is split at sentence ends (else at a
#: space) into several, so the NLP's memory per segment stays bounded whatever the input.
MAX_SEGMENT_CHARS = 10_000

#: Largest article file (.txt/.html) or batch record, in bytes (``ingest.max_bytes``).
DEFAULT_MAX_BYTES = 5_000_000
#: Largest batch file (.jsonl/.csv), in bytes (``ingest.max_batch_bytes``).
DEFAULT_MAX_BATCH_BYTES = 200_000_000

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
_CREDIT = re.compile(
    r"\s*(?:Фото|Фотография|Photo|Источник фото|Кадр)\s*:\s*(?P<credit>[^\n]{1,150})$")
_SENT_BREAK = re.compile(r"(?<=[.!?…])\s+(?=[«\"A-ZА-ЯЁ0-9])")
_SAFE_ID = re.compile(r"[^A-Za-z0-9_.-]+")
_CYRILLIC = re.compile(r"[\u0400-\u04FF]")

#: Leading bytes of common non-text files (checked before any decoding).
_MAGIC = (
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"%PDF-", "a PDF document"),
    (b"PK\x03\x04", "a ZIP archive (or a DOCX/XLSX/ODT/EPUB document)"),
    (b"PK\x05\x06", "an empty ZIP archive"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"Rar!\x1a\x07", "a RAR archive"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an MS Office (DOC/XLS/PPT) file"),
    (b"{\\rtf", "an RTF document"),
    (b"\x7fELF", "an executable"),
    (b"SQLite format 3\x00", "an SQLite database"),
)

_BOMS = (
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xfe\xff", "utf-16-be"),
    (b"\xff\xfe", "utf-16-le"),
)

#: Single-byte Cyrillic encodings tried (in this order) when a file is not UTF-8.
CYRILLIC_ENCODINGS = ("cp1251", "koi8_r", "cp866", "iso8859_5", "mac_cyrillic")
_PUNCT_OK = set("«»—–…№“”„‘’•·°€")

_MONTHS = {m: i for i, m in enumerate(
    ("января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа", "сентября",
     "октября", "ноября", "декабря"), 1)}
_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[T ][0-9:.+\-Z ]*)?$")
_DMY_DATE = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})(?: [0-9:]+)?$")
_RU_DATE = re.compile(r"^(\d{1,2}) ([а-я]+) (\d{4})(?: года| г\.?)?(?:,? [0-9:]+)?$", re.I)


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
    #: Problems that did not cost the article (e.g. a date that does not parse).
    warnings: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        """The fields as plain data (what ``dataclasses.asdict`` gives, without its deep
        copies: ~4x faster on a corpus)."""
        d = dict(self.__dict__)
        d["segments"] = [dict(s.__dict__) for s in self.segments]
        d["boilerplate"] = [dict(b) for b in self.boilerplate]
        d["warnings"] = list(self.warnings)
        return d

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_dict(cls, d: dict) -> Article:
        d = dict(d)
        d["segments"] = [Segment(**s) for s in d["segments"]]
        d.setdefault("warnings", [])
        return cls(**d)

    def segment_at(self, offset: int) -> Segment | None:
        for seg in self.segments:
            if seg.start <= offset < seg.end:
                return seg
        return None


@dataclass
class Rejected:
    """A rejected input (``level="error"``) or a warning about a kept article."""

    source_file: str
    record: int | None
    error: str
    level: str = "error"


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
    return "\n".join(map(_drop_controls, text.split("\n")))


def _drop_controls(line: str) -> str:
    """``line`` without control, format, private-use and unassigned characters (tabs kept).

    ``str.isprintable`` is false for all of those (and for separators other than the space),
    so most lines pass without a per-character look-up.

    >>> _drop_controls("a\u0007b\tc\u2003d")
    'ab\tc\u2003d'
    """
    if line.isprintable():
        return line
    return "".join(ch for ch in line if ch == "\t" or unicodedata.category(ch)[0] != "C")


def decode(data: bytes, name: str) -> tuple[str, str]:
    """Decode bytes with charset detection; raise :class:`IngestError` naming ``name``.

    >>> decode("Привет".encode("koi8_r"), "a.txt")
    ('Привет', 'koi8_r')
    """
    text, enc, _ = decode_report(data, name)
    return text, enc


def decode_report(data: bytes, name: str) -> tuple[str, str, list[str]]:
    """Like :func:`decode`, also returning warnings (invalid UTF-8 bytes replaced).

    Byte-order marks (UTF-8, UTF-16, UTF-32) are honoured; known binary formats are refused by
    their leading bytes; UTF-8 is tried strictly, then UTF-8 with a few invalid bytes replaced,
    then the Cyrillic single-byte encodings (cp1251, koi8-r, cp866), then charset detection.

    >>> decode_report(b"\\xef\\xbb\\xbf\\xd0\\x94\\xd0\\xb0", "a.txt")
    ('Да', 'utf-8-sig', [])
    >>> decode_report(b"%PDF-1.4 ...", "a.txt")
    Traceback (most recent call last):
    ...
    framing.ingest.IngestError: a.txt: looks like a PDF document, not text
    """
    if not data:
        raise IngestError(f"{name}: file is empty")
    for bom, enc in _BOMS:
        if data.startswith(bom):
            try:
                text = data[len(bom):].decode(enc.replace("-sig", ""))
            except UnicodeDecodeError as exc:
                at = exc.start + len(bom)
                raise IngestError(f"{name}: starts with a {enc.upper()} byte-order mark but is "
                                  f"not valid {enc.upper()} (byte {at})") from None
            if not text.strip():
                raise IngestError(f"{name}: file contains only whitespace")
            return text, enc, []
    if not data.strip():
        raise IngestError(f"{name}: file contains only whitespace")
    for magic, what in _MAGIC:
        if data.startswith(magic):
            raise IngestError(f"{name}: looks like {what}, not text")
    warnings: list[str] = []
    nul = data.count(b"\x00")
    if nul > len(data) // 100:
        raise IngestError(f"{name}: contains NUL bytes: binary data, or UTF-16/32 text without "
                          f"a byte-order mark (save it as UTF-8)")
    if nul:  # a few stray NULs in text: drop them, keep the article
        warnings.append(f"{name}: {nul} NUL byte(s) removed (first at byte {data.index(0)})")
        data = data.replace(b"\x00", b"")
    try:
        return data.decode("utf-8"), "utf-8", warnings
    except UnicodeDecodeError as exc:
        first_bad = exc.start
    loose = data.decode("utf-8", errors="replace")
    bad = loose.count("\ufffd") - data.count(b"\xef\xbf\xbd")
    good = sum(1 for ch in loose if ord(ch) > 127 and ch != "\ufffd")
    if good >= 20 * bad:
        return loose, "utf-8", warnings + [f"{name}: {bad} invalid UTF-8 byte sequence(s) "
                                           f"replaced by U+FFFD (first at byte {first_bad})"]
    best: tuple[float, str, str] | None = None
    for enc in CYRILLIC_ENCODINGS:
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            continue
        score = _cyrillic_score(text)
        if score is not None and (best is None or score > best[0]):
            best = (score, text, enc)
    if best is not None:
        return best[1], best[2], warnings
    from charset_normalizer import from_bytes

    guess = from_bytes(data).best()
    if guess is None:
        raise IngestError(f"{name}: cannot decode file (not text in any known encoding)")
    text = str(guess)
    letters = sum(ch.isalpha() for ch in text)
    if letters < 0.5 * len(text.strip()):
        raise IngestError(f"{name}: decoded as {guess.encoding} but looks like binary data")
    return text, guess.encoding, warnings


def _cyrillic_score(text: str) -> float | None:
    """How much ``text`` looks like Russian: lower-case Cyrillic letters count for it, capitals
    and stray symbols against it; ``None`` if it is not mostly Cyrillic at all."""
    lower = upper = latin = weird = 0
    for ch in text:
        if "а" <= ch <= "я" or ch == "ё":
            lower += 1
        elif "А" <= ch <= "Я" or ch == "Ё":
            upper += 1
        elif ch.isascii():
            latin += ch.isalpha()
        elif ch not in _PUNCT_OK and not ch.isspace():
            weird += 1
    cyr = lower + upper
    if cyr == 0 or cyr < 0.3 * (cyr + latin):
        return None
    score = lower - upper - 3 * weird
    return score if score >= 0 else None


def content_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def safe_id(raw: str) -> str:
    """A file-name-safe article id: ``raw`` itself if it is plain ASCII letters, digits, ``_``,
    ``.`` and ``-`` (not leading), else a stable hash of it.

    >>> safe_id("статья 1/2")
    'id-dde6eda04382'
    >>> safe_id("000_abc")
    '000_abc'
    >>> safe_id("-rf")
    'id-836830ee01a5'
    """
    cleaned = _SAFE_ID.sub("_", raw).strip("._-")
    if cleaned and cleaned == raw and len(cleaned) <= 80:
        return cleaned
    return "id-" + hashlib.sha1(raw.encode("utf-8", "surrogatepass")).hexdigest()[:12]


def normalise_date(raw: str) -> str | None:
    """An ISO ``YYYY-MM-DD`` date from common news formats; ``""`` for no date, ``None`` if
    ``raw`` does not parse.

    >>> [normalise_date(x) for x in ("2025-01-02", "2025-01-02T10:00:00+03:00", "02.01.2025",
    ...                              "2 января 2025 года", "", "вчера", "2025-13-45")]
    ['2025-01-02', '2025-01-02', '2025-01-02', '2025-01-02', '', None, None]
    """
    import datetime

    raw = raw.strip()
    if not raw:
        return ""
    if m := _ISO_DATE.match(raw):
        y, mo, d = int(m[1]), int(m[2]), int(m[3])
    elif m := _DMY_DATE.match(raw):
        y, mo, d = int(m[3]), int(m[2]), int(m[1])
    elif (m := _RU_DATE.match(raw)) and m[2].lower() in _MONTHS:
        y, mo, d = int(m[3]), _MONTHS[m[2].lower()], int(m[1])
    else:
        return None
    try:
        return datetime.date(y, mo, d).isoformat()
    except ValueError:
        return None


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
            segments.extend(Segment("caption", p) for p in split_long(body))
            continue
        segments.extend(Segment("prose", p) for p in split_long(line))
    return segments, dropped


def split_long(line: str, limit: int | None = None) -> list[str]:
    """``line`` in pieces of at most ``limit`` characters, cut after a sentence end when there
    is one in the second half of the window, else at a space, else anywhere.

    >>> split_long("Один. Два. Три.", limit=8)
    ['Один.', 'Два.', 'Три.']
    >>> split_long("абв где", limit=4), split_long("абвгдеж", limit=4)
    (['абв', 'где'], ['абвг', 'деж'])
    """
    limit = limit or MAX_SEGMENT_CHARS
    pieces: list[str] = []
    start = 0
    while len(line) - start > limit:
        window = line[start:start + limit + 1]
        cut = None
        for m in _SENT_BREAK.finditer(window, limit // 2):
            if m.start() <= limit:
                cut = (start + m.start(), start + m.end())
        if cut is None:
            space = window.rfind(" ", limit // 2, limit + 1)
            cut = (start + space, start + space + 1) if space > 0 else (start + limit,) * 2
        pieces.append(line[start:cut[0]].strip())
        start = cut[1]
    pieces.append(line[start:].strip())
    return [p for p in pieces if p]


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
    where: str | None = None,
) -> Article:
    """Turn one article's raw text into an :class:`Article` (sample format or plain).

    ``where`` names the input in messages (default: the file and record).  Text without any
    Cyrillic letter is refused (the analysis is for Russian); a date that does not parse is
    dropped with a warning in :attr:`Article.warnings`.
    """
    where = where or f"{source_file}{_rec(record, source_file)}"
    warnings: list[str] = []
    text = normalise(text)
    title, source, url = (normalise(x).strip() for x in (title, source, url))
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
        head.append(Segment("title", title))
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
        raise IngestError(f"{where}: no article text after removing boilerplate")
    if not _CYRILLIC.search(full):
        raise IngestError(f"{where}: no Russian text (no Cyrillic letters)")
    iso = normalise_date(normalise(date))
    if iso is None:
        warnings.append(f"{where}: date {normalise(date).strip()[:40]!r} does not parse "
                        f"(expected YYYY-MM-DD or DD.MM.YYYY); article kept without a date")
        iso = ""
    return Article(
        id=article_id,
        source_file=source_file,
        text=full,
        segments=segments,
        title=title,
        date=iso,
        source=source,
        url=url,
        record=record,
        encoding=encoding,
        boilerplate=dropped,
        content_hash=content_hash(full),
        warnings=warnings,
    )


def _rec(record: int | None, source_file: str = "") -> str:
    if record is None:
        return ""
    return f" (line {record})" if source_file.lower().endswith(".jsonl") else f" (record {record})"


# ----------------------------------------------------------------------------- file readers


@dataclass(frozen=True)
class _Opts:
    boilerplate: re.Pattern[str]
    max_bytes: int


def _too_big(size: int, limit: int, what: str, key: str) -> str:
    return (f"{what} is {size:,} bytes, over the {limit:,}-byte limit (raise ingest.{key} "
            f"in config/config.yaml to accept it)")


def _read_txt(data: bytes, name: str, stem: str, o: _Opts) -> Iterator[Article | Rejected]:
    text, enc, warns = decode_report(data, name)
    art = parse_text(text, safe_id(stem), name, encoding=enc, boilerplate=o.boilerplate)
    art.warnings[:0] = warns
    yield art


def _non_link_text(html: str) -> str:
    """Visible text of a page outside links, navigation, headers, footers and scripts (not
    forms: ASP.NET pages wrap the whole page in one)."""
    import lxml.html

    try:  # bytes: a str with an XML encoding declaration is refused by lxml
        root = lxml.html.document_fromstring(
            html.encode("utf-8", "surrogatepass"), parser=lxml.html.HTMLParser(encoding="utf-8"))
    except (ValueError, lxml.etree.ParserError):
        return ""
    for el in root.xpath("//a|//nav|//header|//footer|//menu|//aside|//button|//script"
                         "|//style|//noscript|//template|//select|//title|//head"):
        if el.getparent() is not None:
            el.drop_tree()
    return " ".join(root.text_content().split())


def _read_html(data: bytes, name: str, stem: str, o: _Opts) -> Iterator[Article | Rejected]:
    import trafilatura

    html, enc, warns = decode_report(data, name)
    doc = trafilatura.bare_extraction(html, with_metadata=True, include_comments=False)
    if doc is None or not (doc.text or "").strip():
        raise IngestError(f"{name}: no main text found in the HTML page")
    if sum(ch.isalpha() for ch in _non_link_text(html)) < 20:
        raise IngestError(f"{name}: the HTML page holds only navigation links, no article text")
    art = parse_text(
        doc.text,
        safe_id(stem),
        name,
        title=doc.title or "",
        date=doc.date or "",
        source=doc.sitename or "",
        url=doc.url or "",
        encoding=enc,
        boilerplate=o.boilerplate,
    )
    art.warnings[:0] = warns
    yield art


def _field(rec: dict, key: str) -> str:
    v = rec.get(key)
    return "" if v is None else str(v)


def _record_article(rec: object, name: str, stem: str, n: int, where: str, o: _Opts) -> Article:
    if not isinstance(rec, dict):
        raise IngestError(f"{where}: expected an object with a 'text' field")
    text = rec.get("text")
    if not isinstance(text, str) or not text.strip():
        raise IngestError(f"{where}: missing or empty 'text'")
    size = len(text.encode("utf-8", "surrogatepass"))
    if size > o.max_bytes:
        raise IngestError(f"{where}: {_too_big(size, o.max_bytes, 'text', 'max_bytes')}")
    rid = _field(rec, "id").strip() or f"{n:06d}"
    return parse_text(
        text,
        safe_id(f"{stem}__{rid}"),
        name,
        title=_field(rec, "title"),
        date=_field(rec, "date"),
        source=_field(rec, "source"),
        url=_field(rec, "url"),
        record=n,
        boilerplate=o.boilerplate,
        where=where,
    )


def _read_jsonl(data: bytes, name: str, stem: str, o: _Opts) -> Iterator[Article | Rejected]:
    text, _, warns = decode_report(data, name)
    for w in warns:
        yield Rejected(name, None, w, "warning")
    for n, line in enumerate(text.split("\n"), 1):
        if not line.strip():
            continue
        where = f"{name} (line {n})"
        try:
            yield _record_article(json.loads(line), name, stem, n, where, o)
        except json.JSONDecodeError as exc:
            yield Rejected(name, n, f"{where}: invalid JSON: {exc.msg} (column {exc.colno})")
        except (IngestError, RecursionError) as exc:
            msg = str(exc) if isinstance(exc, IngestError) else f"{where}: JSON nested too deep"
            yield Rejected(name, n, msg)


def _read_csv(data: bytes, name: str, stem: str, o: _Opts) -> Iterator[Article | Rejected]:
    text, _, warns = decode_report(data, name)
    for w in warns:
        yield Rejected(name, None, w, "warning")
    header = text.split("\n", 1)[0]
    delimiter = max(",;\t", key=header.count) if any(c in header for c in ",;\t") else ","
    csv.field_size_limit(2**31 - 1)  # the per-record size limit is ours (ingest.max_bytes)
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        fields = reader.fieldnames
    except csv.Error as exc:
        raise IngestError(f"{name} (line 1): bad CSV header: {exc}") from None
    fields = [f.strip() for f in fields or [] if f is not None]
    if "text" not in fields:
        raise IngestError(f"{name}: CSV batch needs a 'text' column (has {fields})")
    reader.fieldnames = fields
    n = 0
    while True:
        line = reader.line_num + 1
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            n += 1
            yield Rejected(name, n, f"{name} (record {n}, line {line}): bad CSV: {exc}")
            if reader.line_num < line:
                break
            continue
        n += 1
        try:
            yield _record_article(row, name, stem, n, f"{name} (record {n}, line {line})", o)
        except IngestError as exc:
            yield Rejected(name, n, str(exc))


_READERS = {
    ".txt": _read_txt,
    ".html": _read_html,
    ".htm": _read_html,
    ".jsonl": _read_jsonl,
    ".csv": _read_csv,
}


def display_name(name: str) -> str:
    """``name`` with undecodable bytes (from a non-UTF-8 file name) shown as U+FFFD.

    >>> display_name("bad\\udcff.txt")
    'bad\ufffd.txt'
    """
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "replace") \
        if any("\ud800" <= ch <= "\udfff" for ch in name) else name


def read_path(
    path: Path,
    name: str | None = None,
    boilerplate: Iterable[str] | None = None,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_batch_bytes: int = DEFAULT_MAX_BATCH_BYTES,
) -> list[Article | Rejected]:
    """Read one raw file into articles; problems become :class:`Rejected` entries.

    Files over the size limit are refused without being read; an unexpected failure of a reader
    rejects the file (naming the error) rather than stopping the run.
    """
    path = Path(path)
    name = display_name(name or path.name)
    suffix = path.suffix.lower()
    reader = _READERS.get(suffix)
    if reader is None:
        return [Rejected(name, None, f"{name}: unsupported file type {path.suffix!r} "
                                     f"(supported: {', '.join(SUPPORTED_SUFFIXES)})")]
    batch = suffix in _BATCH_SUFFIXES
    limit, key = (max_batch_bytes, "max_batch_bytes") if batch else (max_bytes, "max_bytes")
    try:
        size = path.stat().st_size
        if size > limit:
            return [Rejected(name, None, f"{name}: {_too_big(size, limit, 'file', key)}")]
        bp = _compile_boilerplate(boilerplate) if boilerplate else _DEFAULT_BP
        return list(reader(path.read_bytes(), name, path.stem, _Opts(bp, max_bytes)))
    except (IngestError, OSError) as exc:
        return [Rejected(name, None, str(exc) if isinstance(exc, IngestError)
                         else f"{name}: cannot read file: {exc.strerror or exc}")]
    except Exception as exc:  # noqa: BLE001 - a bad file must never stop the other articles
        return [Rejected(name, None, f"{name}: could not be read "
                                     f"({type(exc).__name__}: {str(exc)[:200]})")]


#: The reading code: a change re-reads every file (the per-file cache is keyed by it).
_CODE_VERSION = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()


class FileCache:
    """What :func:`read_path` made of each raw file, one JSON file per (file content, name,
    options, code) under ``root``, so a rerun re-reads only new or changed files.

    >>> import tempfile
    >>> raw = Path(tempfile.mkdtemp()); _ = (raw / "a.txt").write_text("Текст статьи.")
    >>> cache = FileCache(raw / ".c")
    >>> first = cache.read(raw / "a.txt", "a.txt", None, DEFAULT_MAX_BYTES, 10**9)
    >>> again = cache.read(raw / "a.txt", "a.txt", None, DEFAULT_MAX_BYTES, 10**9)
    >>> first == again, cache.hits
    (True, 1)
    """

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.used: set[str] = set()
        self.hits = 0

    def read(self, path: Path, name: str, boilerplate: Iterable[str] | None, max_bytes: int,
             max_batch_bytes: int) -> list[Article | Rejected]:
        def fresh() -> list[Article | Rejected]:
            return read_path(path, name, boilerplate, max_bytes=max_bytes,
                             max_batch_bytes=max_batch_bytes)

        try:  # files over a size limit are refused unread, as by read_path
            if path.stat().st_size > max(max_bytes, max_batch_bytes):
                return fresh()
            data = path.read_bytes()
        except OSError:
            return fresh()
        h = hashlib.sha256(json.dumps([_CODE_VERSION, name, list(boilerplate or []),
                                       max_bytes, max_batch_bytes]).encode())
        h.update(data)
        key = h.hexdigest()[:32]
        self.used.add(key)
        entry = self.root / f"{key}.json"
        try:
            items = json.loads(entry.read_text(encoding="utf-8"))
            out = [Article.from_dict(i["article"]) if "article" in i else Rejected(**i["rejected"])
                   for i in items]
            self.hits += 1
            return out
        except (OSError, ValueError, KeyError, TypeError):  # absent or damaged: read afresh
            pass
        out = fresh()
        self.root.mkdir(parents=True, exist_ok=True)
        tmp = entry.with_name(f"{entry.name}.{os.getpid()}.tmp")
        tmp.write_text(json.dumps([{"article": i.to_dict()} if isinstance(i, Article)
                                   else {"rejected": asdict(i)} for i in out],
                                  ensure_ascii=False, sort_keys=True), encoding="utf-8")
        os.replace(tmp, entry)
        return out

    def prune(self) -> int:
        """Delete entries of files not read since this cache was opened; returns how many."""
        n = 0
        if self.root.is_dir():
            for f in self.root.glob("*.json"):
                if f.stem not in self.used:
                    f.unlink()
                    n += 1
        return n


def ingest_dir(
    raw_dir: Path,
    boilerplate: Iterable[str] | None = None,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_batch_bytes: int = DEFAULT_MAX_BATCH_BYTES,
    cache: Path | None = None,
) -> tuple[list[Article], list[Rejected]]:
    """Read every supported file under ``raw_dir``; articles sorted by id, ids unique (also
    ignoring case, so reports never collide on case-insensitive file systems).

    Returns the articles and the rejections, followed by warnings (``level="warning"``) about
    articles that were kept.  With ``cache`` (a folder), a file whose bytes, name, options and
    the reading code are unchanged is not parsed again (:class:`FileCache`).
    """
    articles: list[Article] = []
    rejected: list[Rejected] = []
    files = FileCache(Path(cache)) if cache is not None else None
    for path in sorted(p for p in Path(raw_dir).rglob("*") if p.is_file()):
        if path.name.startswith(".") or path.name.lower() in {"readme.md", "readme.txt"}:
            continue
        name = path.relative_to(raw_dir).as_posix()
        items = files.read(path, name, boilerplate, max_bytes, max_batch_bytes) if files \
            else read_path(path, name, boilerplate, max_bytes=max_bytes,
                           max_batch_bytes=max_batch_bytes)
        for item in items:
            (articles if isinstance(item, Article) else rejected).append(item)
    if files is not None:
        files.prune()
    seen: dict[str, str] = {}
    unique: list[Article] = []
    for art in articles:
        key = art.id.casefold()
        if key in seen:
            rejected.append(
                Rejected(art.source_file, art.record,
                         f"{art.source_file}{_rec(art.record, art.source_file)}: duplicate "
                         f"article id {art.id!r} (also in {seen[key]})")
            )
        else:
            seen[key] = art.source_file + _rec(art.record, art.source_file)
            unique.append(art)
    for art in unique:
        rejected.extend(Rejected(art.source_file, art.record, w, "warning") for w in art.warnings)
    return sorted(unique, key=lambda a: a.id), rejected


def write_articles(articles: list[Article], path: Path) -> None:
    """Write articles as JSON lines, sorted by id, atomically (a temporary file renamed)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    with tmp.open("w", encoding="utf-8") as fh:
        for art in sorted(articles, key=lambda a: a.id):
            fh.write(art.to_json() + "\n")
    os.replace(tmp, path)


def read_articles(path: Path) -> Iterator[Article]:
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                yield Article.from_dict(json.loads(line))
