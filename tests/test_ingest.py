"""Ingest: formats, encodings, boilerplate, rejections."""

from __future__ import annotations

import csv
import io
import json
import os
import re

import pytest

from framing.ingest import Article, Rejected, ingest_dir, normalise, parse_text, read_path


def test_sample_format(sample_article, expected):
    a = sample_article
    exp = expected["ingest"]
    assert a.id == expected["article_id"]
    assert a.date == expected["date"]
    assert a.title == expected["title"]
    assert [s.kind for s in a.segments].count("prose") == exp["prose_paragraphs"]
    assert [s.text for s in a.segments if s.kind == "caption"] == exp["captions"]
    assert [b["text"] for b in a.boilerplate if b["kind"] == "credit"] == exp["credits"]
    assert sum(b["kind"] == "ad_or_promo" for b in a.boilerplate) == exp["ad_markers"]
    for junk in exp["not_in_text"]:
        assert junk not in a.text
    assert a.segments[0].kind == "title"
    # offsets address the text exactly
    for s in a.segments:
        assert a.text[s.start:s.end] == s.text
    assert len(a.content_hash) == 64


def test_title_and_caption_on_first_line():
    a = parse_text(" date 2024-03-01 Главная новость дня. Лидеры на встрече Фото: ТАСС\n\nТекст.",
                   "x", "x.txt")
    assert a.title == "Главная новость дня."
    assert [(s.kind, s.text) for s in a.segments] == [
        ("title", "Главная новость дня."), ("caption", "Лидеры на встрече"), ("prose", "Текст.")]


def test_promo_lines_are_boilerplate():
    text = ("Заголовок\n\nПервый абзац.\n\nЧитайте также: другая новость\n\n"
            "Подписывайтесь на наш канал в Telegram\n\nРеклама\n\nВторой абзац.")
    a = parse_text(text, "x", "x.txt")
    assert [s.text for s in a.segments if s.kind == "prose"] == ["Первый абзац.", "Второй абзац."]
    assert len(a.boilerplate) == 3


def test_normalise_unicode():
    assert normalise("е\u0308ж\u00a0x\r\n") == "ёж x\n"


def test_plain_txt_and_cp1251(tmp_path):
    text = "Заголовок статьи\n\nМосква заявила о переговорах."
    (tmp_path / "a.txt").write_bytes(text.encode("cp1251"))
    (arts, rej) = ingest_dir(tmp_path)
    assert rej == []
    assert arts[0].title == "Заголовок статьи"
    assert arts[0].encoding.lower().replace("_", "") in {"cp1251", "windows1251"}
    assert "Москва заявила" in arts[0].text


def test_html_main_text_with_trafilatura(tmp_path):
    page = """<html><head><title>Визит в Астану</title></head><body>
    <nav><a href="/">Главная</a> <a href="/news">Новости</a></nav>
    <article><h1>Визит в Астану</h1>
    <p>Президенты двух стран провели переговоры в Астане и подписали декларацию о союзничестве.</p>
    <p>Эксперты считают, что внешние силы не смогут вбить клин между Россией и Казахстаном.</p>
    <p>Стороны договорились продолжить сотрудничество в энергетике и транспорте в будущем году.</p>
    </article><footer>© 2025 Все права защищены</footer></body></html>"""
    (tmp_path / "p.html").write_text(page, encoding="utf-8")
    (arts, rej) = ingest_dir(tmp_path)
    assert rej == []
    (a,) = arts
    assert "вбить клин" in a.text
    assert "Все права защищены" not in a.text
    assert "Главная" not in a.text


def test_jsonl_batch_bad_record_does_not_lose_others(tmp_path):
    lines = [
        json.dumps({"id": "n1", "title": "Т1", "date": "2025-01-02", "text": "Первая новость."},
                   ensure_ascii=False),
        "{not json",
        json.dumps({"id": "n3", "text": ""}),
        json.dumps({"id": "n4", "text": "Четвёртая новость.", "source": "РИА"},
                   ensure_ascii=False),
    ]
    (tmp_path / "batch.jsonl").write_text("\n".join(lines), encoding="utf-8")
    (arts, rej) = ingest_dir(tmp_path)
    assert [a.id for a in arts] == ["batch__n1", "batch__n4"]
    assert arts[0].date == "2025-01-02" and arts[1].source == "РИА"
    assert [r.record for r in rej] == [2, 3]
    assert [r.error.split(":")[0] for r in rej] == ["batch.jsonl (line 2)", "batch.jsonl (line 3)"]
    assert "invalid JSON" in rej[0].error and "empty 'text'" in rej[1].error


def test_csv_batch(tmp_path):
    (tmp_path / "b.csv").write_text(
        'id,title,date,source,url,text\n1,Заголовок,2025-05-05,ТАСС,http://x,"Текст, с запятой."\n',
        encoding="utf-8")
    (tmp_path / "c.csv").write_text("id,body\n1,x\n", encoding="utf-8")
    (arts, rej) = ingest_dir(tmp_path)
    assert [a.id for a in arts] == ["b__1"]
    assert arts[0].text.endswith("Текст, с запятой.")
    assert rej[0].source_file == "c.csv" and "'text' column" in rej[0].error


def test_empty_and_binary_files_are_rejected_by_name(tmp_path):
    (tmp_path / "empty.txt").write_bytes(b"  \n")
    (tmp_path / "junk.txt").write_bytes(bytes(range(256)) * 4)
    (tmp_path / "ok.txt").write_text("Нормальная статья о визите.", encoding="utf-8")
    (tmp_path / "notes.docx").write_bytes(b"PK\x03\x04")
    (arts, rej) = ingest_dir(tmp_path)
    assert [a.id for a in arts] == ["ok"]
    errors = {r.source_file: r.error for r in rej}
    assert errors["empty.txt"] == "empty.txt: file contains only whitespace"
    assert "junk.txt" in errors["junk.txt"] and ("decode" in errors["junk.txt"]
                                                  or "binary" in errors["junk.txt"])
    assert "unsupported file type" in errors["notes.docx"]


def test_duplicate_ids_are_rejected(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "x.txt").write_text("Один.", encoding="utf-8")
    (tmp_path / "x.txt").write_text("Два.", encoding="utf-8")
    (arts, rej) = ingest_dir(tmp_path)
    assert len(arts) == 1 and len(rej) == 1 and "duplicate article id" in rej[0].error


def test_raw_dir_is_never_written(tmp_path, root):
    raw = root / "data" / "raw"
    before = {p: p.stat().st_mtime_ns for p in raw.iterdir()}
    ingest_dir(raw)
    assert {p: p.stat().st_mtime_ns for p in raw.iterdir()} == before


def test_article_roundtrip():
    a = parse_text("Заголовок\n\nТекст статьи.", "x", "x.txt")
    b = Article.from_dict(json.loads(a.to_json()))
    assert b == a
    assert b.segment_at(a.segments[1].start).kind == "prose"


def test_read_path_unsupported_suffix(tmp_path):
    p = tmp_path / "x.pdf"
    p.write_bytes(b"%PDF")
    (r,) = read_path(p)
    assert isinstance(r, Rejected)
    assert r.error.startswith("x.pdf: unsupported file type '.pdf' (supported: .txt, .html")


# ----------------------------------------------------------------------------- issue #7: bad input

RU = ("Заголовок новости\n\nМосква и Минск договорились о сотрудничестве в энергетике. "
      "\"Это важный шаг\", - заявил министр.\n\nПереговоры продолжатся в следующем году.")


def _one(tmp_path, name: str, content: bytes, **kw):
    (tmp_path / name).write_bytes(content)
    arts, rej = ingest_dir(tmp_path, **kw)
    errors = [r for r in rej if r.level == "error"]
    warnings = [r for r in rej if r.level == "warning"]
    return arts, errors, warnings


def test_whitespace_only_and_empty_are_told_apart(tmp_path):
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "blank.txt").write_bytes(b" \r\n\t\n")
    (tmp_path / "blank16.txt").write_bytes("  \n".encode("utf-16"))
    arts, rej = ingest_dir(tmp_path)
    assert arts == []
    assert {r.source_file: r.error for r in rej} == {
        "empty.txt": "empty.txt: file is empty",
        "blank.txt": "blank.txt: file contains only whitespace",
        "blank16.txt": "blank16.txt: file contains only whitespace",
    }


@pytest.mark.parametrize("content, what", [
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), "a PNG image"),
    (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n", "a PDF document"),
    (b"PK\x03\x04\x14\x00\x06\x00word/document.xml", "a ZIP archive"),
])
def test_binary_renamed_to_txt_is_refused_by_content(tmp_path, content, what):
    arts, errors, _ = _one(tmp_path, "article.txt", content + RU.encode())
    assert arts == [] and len(errors) == 1
    assert errors[0].error.startswith(f"article.txt: looks like {what}")


def test_text_without_cyrillic_is_refused_as_not_russian(tmp_path):
    arts, errors, _ = _one(tmp_path, "english.txt",
                           b"Breaking news\n\nLeaders met in Astana to sign a declaration.")
    assert arts == []
    assert errors[0].error == "english.txt: no Russian text (no Cyrillic letters)"


def test_mixed_languages_are_processed_whole(tmp_path):
    text = ("Новости\n\nВ Москве прошла встреча (meeting) с делегацией из Пекина: 北京代表团. "
            "Die Gespräche — «переговоры» — продолжатся. 🙂")
    arts, errors, _ = _one(tmp_path, "mixed.txt", text.encode())
    assert errors == []
    assert "(meeting)" in arts[0].text and "北京代表团" in arts[0].text and "🙂" in arts[0].text


@pytest.mark.parametrize("encoding, expected", [
    ("cp1251", "cp1251"), ("koi8_r", "koi8_r"), ("cp866", "cp866"),
    ("utf-8-sig", "utf-8-sig"), ("utf-16", "utf-16-le"), ("utf-16-be", "utf-16-be"),
    ("utf-32", "utf-32-le"),
])
def test_encodings_are_detected(tmp_path, encoding, expected):
    data = RU.encode(encoding)
    if encoding == "utf-16-be":
        data = b"\xfe\xff" + data
    arts, errors, warnings = _one(tmp_path, "a.txt", data)
    assert errors == [] and warnings == []
    assert arts[0].encoding == expected
    assert arts[0].text == normalise(RU).replace("\n\n", "\n\n")
    assert "\ufeff" not in arts[0].text


def test_invalid_utf8_bytes_mid_file_keep_the_article_with_a_warning(tmp_path):
    data = RU.encode()
    at = len(RU[:40].encode())
    data = data[:at] + b"\xff\xfe\xc3" + data[at:]
    arts, errors, warnings = _one(tmp_path, "broken.txt", data)
    assert errors == [] and len(arts) == 1
    assert "Переговоры продолжатся" in arts[0].text and arts[0].encoding == "utf-8"
    assert arts[0].text.count("\ufffd") >= 1
    (w,) = warnings
    assert w.error.startswith("broken.txt: ") and "invalid UTF-8" in w.error
    assert f"first at byte {at}" in w.error


def test_windows_line_endings_give_the_same_article(tmp_path):
    (tmp_path / "unix.txt").write_bytes(RU.encode())
    (tmp_path / "dos.txt").write_bytes(RU.replace("\n", "\r\n").encode())
    (tmp_path / "mac.txt").write_bytes(RU.replace("\n", "\r").encode())
    arts, rej = ingest_dir(tmp_path)
    assert rej == []
    texts = {a.id: a.text for a in arts}
    assert texts["dos"] == texts["unix"] == texts["mac"] and "\r" not in texts["dos"]
    segs = {a.id: [(s.kind, s.start, s.end) for s in a.segments] for a in arts}
    assert segs["dos"] == segs["unix"]


def test_a_50_mb_file_is_refused_without_being_read(tmp_path):
    import tracemalloc

    big = tmp_path / "huge.txt"
    with big.open("wb") as fh:  # sparse: 50 MB on paper, nothing on disk
        fh.truncate(50 * 1024 * 1024)
    (tmp_path / "ok.txt").write_bytes(RU.encode())
    tracemalloc.start()
    try:
        arts, rej = ingest_dir(tmp_path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert [a.id for a in arts] == ["ok"]
    (r,) = rej
    assert r.error == ("huge.txt: file is 52,428,800 bytes, over the 5,000,000-byte limit "
                       "(raise ingest.max_bytes in config/config.yaml to accept it)")
    assert peak < 5_000_000  # the 50 MB were never read into memory


def test_size_limits_are_configurable(tmp_path):
    (tmp_path / "a.txt").write_bytes(RU.encode())
    big_record = json.dumps({"id": "big", "text": RU * 3}, ensure_ascii=False)
    small_record = json.dumps({"id": "small", "text": RU}, ensure_ascii=False)
    (tmp_path / "b.jsonl").write_text(big_record + "\n" + small_record + "\n", encoding="utf-8")
    limit = len(RU.encode()) + 10
    arts, rej = ingest_dir(tmp_path, max_bytes=limit)
    assert [a.id for a in arts] == ["a", "b__small"]
    (r,) = rej
    assert r.error.startswith("b.jsonl (line 1): text is ") and "ingest.max_bytes" in r.error
    arts, rej = ingest_dir(tmp_path, max_batch_bytes=100)
    assert [a.id for a in arts] == ["a"]
    assert "b.jsonl: file is" in rej[0].error and "ingest.max_batch_bytes" in rej[0].error


def test_html_script_is_never_article_text(tmp_path):
    para = "Президенты двух стран провели переговоры в Астане и подписали декларацию. "
    page = (f"<html><head><title>Визит</title><script>var evil = 'ЗЛОЙ КОД';</script></head>"
            f"<body><article><p>{para * 2}</p><script>document.write('ВНЕДРЁННЫЙ ТЕКСТ')"
            f"</script><p>{para}</p></article></body></html>")
    arts, errors, _ = _one(tmp_path, "s.html", page.encode())
    assert errors == []
    assert "переговоры в Астане" in arts[0].text
    assert "ЗЛОЙ" not in arts[0].text and "ВНЕДРЁННЫЙ" not in arts[0].text
    assert "document.write" not in arts[0].text


def test_html_without_body_is_read(tmp_path):
    para = "Президенты двух стран провели переговоры в Астане и подписали декларацию. "
    page = f"<html><head><title>Визит в Астану</title></head><p>{para}</p><p>{para}</p></html>"
    arts, errors, _ = _one(tmp_path, "nobody.html", page.encode())
    assert errors == [] and arts[0].title == "Визит в Астану"
    assert "переговоры в Астане" in arts[0].text


def test_html_with_only_navigation_is_rejected(tmp_path):
    page = ("<html><head><title>Портал</title></head><body><nav><a href='/'>Главная</a> "
            "<a href='/news'>Новости</a> <a href='/about'>О нас</a></nav>"
            "<footer>© 2025 Портал</footer></body></html>")
    arts, errors, _ = _one(tmp_path, "nav.html", page.encode())
    assert arts == []
    assert errors[0].error == "nav.html: the HTML page holds only navigation links, no article text"


def test_jsonl_bad_lines_reported_by_line_number(tmp_path):
    good = json.dumps({"id": "g", "text": RU}, ensure_ascii=False)
    lines = [good, "", '{"id": "x", "text": "Текст"', good.replace('"g"', '"g2"'), "[1, 2]",
             '{"id": "n", "text": 5}']
    (tmp_path / "b.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    arts, rej = ingest_dir(tmp_path)
    assert [a.id for a in arts] == ["b__g", "b__g2"]
    assert [(r.record, r.error.split(":")[0]) for r in rej] == [
        (3, "b.jsonl (line 3)"), (5, "b.jsonl (line 5)"), (6, "b.jsonl (line 6)")]
    assert "invalid JSON" in rej[0].error and "expected an object" in rej[1].error
    assert "missing or empty 'text'" in rej[2].error


def test_csv_variants(tmp_path):
    long_text = "Длинная статья о переговорах. " * 6000  # > csv's default 131,072-char field
    rows = [["id", "title", "text"], ["1", "Первая", RU], ["2", "Вторая", long_text],
            ["3", "Пустая", ""]]
    buf = io.StringIO()
    csv.writer(buf, delimiter=";").writerows(rows)
    (tmp_path / "semi.csv").write_text(buf.getvalue(), encoding="cp1251")
    (tmp_path / "notext.csv").write_text("id,body\n1,Текст\n", encoding="utf-8")
    arts, rej = ingest_dir(tmp_path)
    assert [a.id for a in arts] == ["semi__1", "semi__2"]
    assert arts[1].title == "Вторая"
    assert arts[1].text.replace("\n\n", " ").endswith(long_text.strip())
    errors = {r.source_file: r.error for r in rej}
    assert errors["notext.csv"] == ("notext.csv: CSV batch needs a 'text' column "
                                    "(has ['id', 'body'])")
    # record 1 spans lines 2-6 (quoted newlines): the message gives record and line
    assert errors["semi.csv"].startswith("semi.csv (record 3, line 8): missing or empty 'text'")


def test_duplicate_ids_across_files_and_batches(tmp_path):
    (tmp_path / "b__1.txt").write_bytes(RU.encode())
    (tmp_path / "b.jsonl").write_text(
        json.dumps({"id": "1", "text": RU}, ensure_ascii=False) + "\n"
        + json.dumps({"id": "2", "text": RU}, ensure_ascii=False) + "\n"
        + json.dumps({"id": "2", "text": RU + " Ещё."}, ensure_ascii=False) + "\n",
        encoding="utf-8")
    (tmp_path / "B__2.txt").write_bytes(RU.encode())  # differs only in case
    arts, rej = ingest_dir(tmp_path)
    assert [a.id for a in arts] == ["B__2", "b__1"]
    msgs = sorted(r.error for r in rej)
    assert msgs == [
        "b.jsonl (line 2): duplicate article id 'b__2' (also in B__2.txt)",
        "b.jsonl (line 3): duplicate article id 'b__2' (also in B__2.txt)",
        "b__1.txt: duplicate article id 'b__1' (also in b.jsonl (line 1))",
    ]


def test_unparseable_date_keeps_the_article_with_a_warning(tmp_path):
    recs = [{"id": "a", "date": "32.13.2025", "text": RU},
            {"id": "b", "date": "2025-03-04T10:00:00+03:00", "text": RU},
            {"id": "c", "date": "5 марта 2025 года", "text": RU}]
    (tmp_path / "d.jsonl").write_text(
        "\n".join(json.dumps(r, ensure_ascii=False) for r in recs), encoding="utf-8")
    (tmp_path / "s.txt").write_text(" date 2025-02-30 Заголовок\n\n" + RU, encoding="utf-8")
    arts, rej = ingest_dir(tmp_path)
    assert {a.id: a.date for a in arts} == {"d__a": "", "d__b": "2025-03-04",
                                            "d__c": "2025-03-05", "s": ""}
    assert all(r.level == "warning" for r in rej)
    assert sorted(r.error for r in rej) == [
        "d.jsonl (line 1): date '32.13.2025' does not parse (expected YYYY-MM-DD or "
        "DD.MM.YYYY); article kept without a date",
        "s.txt: date '2025-02-30' does not parse (expected YYYY-MM-DD or DD.MM.YYYY); "
        "article kept without a date",
    ]


def test_a_crashing_reader_costs_only_its_file(tmp_path, monkeypatch):
    import trafilatura

    def boom(*a, **k):
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr(trafilatura, "bare_extraction", boom)
    (tmp_path / "deep.html").write_bytes(b"<div>" * 10 + "Текст".encode())
    (tmp_path / "ok.txt").write_bytes(RU.encode())
    arts, rej = ingest_dir(tmp_path)
    assert [a.id for a in arts] == ["ok"]
    assert rej[0].error == ("deep.html: could not be read "
                            "(RecursionError: maximum recursion depth exceeded)")


@pytest.mark.parametrize("stem", [
    "a b", "q'uote\"", "$(touch PWNED)", "`touch PWNED`", "semi;colon", "-rf", "--help",
    "статья", "<img src=x onerror=alert(1)>", "a{b}", "a..b", "con", "new\nline", "x" * 200,
])
def test_hostile_file_names_get_safe_deterministic_ids(tmp_path, stem):
    (tmp_path / f"{stem}.txt").write_bytes(RU.encode())
    arts, rej = ingest_dir(tmp_path)
    assert rej == []
    (a,) = arts
    assert re.fullmatch(r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,79}", a.id)
    assert a.source_file == f"{stem}.txt"
    assert ingest_dir(tmp_path)[0][0].id == a.id


def test_non_utf8_file_name_is_processed_and_named(tmp_path):
    raw = os.fsencode(tmp_path) + b"/\xff\xfe\xcf\xf0\xe8.txt"
    with open(raw, "wb") as fh:
        fh.write(RU.encode())
    arts, rej = ingest_dir(tmp_path)
    assert rej == []
    assert arts[0].source_file == "\ufffd\ufffd\ufffd\ufffd\ufffd.txt"
    assert arts[0].id.startswith("id-")
    json.dumps(arts[0].source_file).encode("utf-8")  # writable anywhere


def test_metadata_is_normalised_and_never_carries_lone_surrogates(tmp_path):
    line = ('{"id": "\\ud800x", "title": "T\\u0000\\ud800", "source": "\\udfff", '
            '"url": "javascript:alert(1)", "text": "Текст \\ud800 статьи."}')
    (tmp_path / "s.jsonl").write_text(line + "\n", encoding="utf-8")
    arts, rej = ingest_dir(tmp_path)
    assert rej == []
    a = arts[0]
    for value in (a.id, a.title, a.source, a.url, a.text):
        value.encode("utf-8")  # no lone surrogates left to break Parquet/HTML writers
    assert a.title == "T" and a.url == "javascript:alert(1)"


def test_overlong_paragraphs_are_split_so_nlp_memory_stays_bounded(tmp_path):
    from framing.ingest import MAX_SEGMENT_CHARS

    sentence = "Москва и Минск снова обсудили поставки газа на следующий год. "
    no_stops = "слово " * 5000  # 30,000 characters without a sentence end
    line = (sentence * 2000).strip() + " " + no_stops + "х" * 25_000
    arts, errors, _ = _one(tmp_path, "long.txt", ("Заголовок\n\n" + line).encode())
    assert errors == []
    prose = [s for s in arts[0].segments if s.kind == "prose"]
    assert len(prose) >= 18 and max(len(s.text) for s in prose) <= MAX_SEGMENT_CHARS
    assert all(s.text.endswith(".") for s in prose[:10])  # cut at sentence ends while it can
    assert "".join(s.text for s in prose).replace(" ", "") == line.replace(" ", "")  # all kept


def test_photo_credit_is_only_a_short_line_end(tmp_path):
    tail = "дальше идёт длинный текст абзаца, который нельзя терять. " * 5
    text = f"Заголовок\n\nПодпись к снимку Фото: ТАСС\n\nВ тексте упомянуто Фото: {tail}"
    arts, errors, _ = _one(tmp_path, "c.txt", text.encode())
    assert [b["text"] for b in arts[0].boilerplate] == ["ТАСС"]
    assert tail.strip() in arts[0].text


def test_stray_nul_bytes_and_deep_json_cost_nothing_else(tmp_path):
    good = json.dumps({"id": "g", "text": RU}, ensure_ascii=False)
    bad = json.dumps({"id": "n", "text": "Текст\u0000"}).replace("\\u0000", "\x00")
    deep = "[" * 100_000 + "]" * 100_000
    (tmp_path / "b.jsonl").write_text("\n".join([good, bad, deep]) + "\n", encoding="utf-8")
    arts, rej = ingest_dir(tmp_path)
    assert [a.id for a in arts] == ["b__g", "b__n"] and arts[1].text == "Текст"
    at = (tmp_path / "b.jsonl").read_bytes().index(0)
    assert [(r.level, r.error) for r in rej] == [
        ("warning", f"b.jsonl: 1 NUL byte(s) removed (first at byte {at})"),
        ("error", "b.jsonl (line 3): JSON nested too deep"),
    ]


def test_html_page_wrapped_in_a_form_is_read(tmp_path):
    para = "Президенты двух стран провели переговоры в Астане и подписали декларацию. "
    page = (f"<html><head><title>Визит</title></head><body><form id='aspnetForm' method='post'>"
            f"<nav><a href='/'>Главная</a></nav><div class='news'><p>{para * 2}</p>"
            f"<p>{para}</p></div></form></body></html>")
    arts, errors, _ = _one(tmp_path, "asp.html", page.encode())
    assert errors == [] and "переговоры в Астане" in arts[0].text


def test_xhtml_with_an_xml_declaration_is_read(tmp_path):
    para = "Президенты двух стран провели переговоры в Астане и подписали декларацию. "
    page = ('<?xml version="1.0" encoding="windows-1251"?>\n<html xmlns="http://www.w3.org/1999/'
            f'xhtml"><head><title>Визит</title></head><body><p>{para * 2}</p></body></html>')
    arts, errors, _ = _one(tmp_path, "x.html", page.encode("cp1251"))
    assert errors == [] and "переговоры в Астане" in arts[0].text


def _mixed_raw(raw):
    raw.mkdir()
    (raw / "a.txt").write_bytes("Заголовок\n\nМосква заявила о переговорах.".encode("cp1251"))
    (raw / "b.jsonl").write_text(
        json.dumps({"id": "1", "text": "Киев ответил.", "date": "не дата"}, ensure_ascii=False)
        + "\n{broken\n", encoding="utf-8")
    (raw / "c.csv").write_text("id,text\n7,Минск промолчал.\n", encoding="utf-8")
    (raw / "d.html").write_text("<html><body><p>Текст страницы.</p></body></html>",
                                encoding="utf-8")
    (raw / "e.pdf").write_bytes(b"%PDF")
    return raw


def test_file_cache_gives_what_a_fresh_read_gives(tmp_path):
    """A rerun reads unchanged files from the cache: the same articles, rejections and
    warnings as reading every file afresh; a changed file is re-read, a removed file's entry
    is dropped, and a damaged entry is read afresh."""
    from framing.ingest import DEFAULT_MAX_BATCH_BYTES, DEFAULT_MAX_BYTES, FileCache

    raw, cache = _mixed_raw(tmp_path / "raw"), tmp_path / "cache"
    fresh = ingest_dir(raw)
    first = ingest_dir(raw, cache=cache)
    entries = sorted(cache.glob("*.json"))
    assert first == fresh and len(entries) == 5
    assert ingest_dir(raw, cache=cache) == fresh  # every file from the cache
    fc = FileCache(cache)
    fc.read(raw / "a.txt", "a.txt", None, DEFAULT_MAX_BYTES, DEFAULT_MAX_BATCH_BYTES)
    assert fc.hits == 1

    (raw / "c.csv").write_text("id,text\n7,Минск ответил резко.\n", encoding="utf-8")
    arts, _ = ingest_dir(raw, cache=cache)
    assert [a.text for a in arts if a.source_file == "c.csv"] == ["Минск ответил резко."]
    assert len(list(cache.glob("*.json"))) == 5  # the old entry of c.csv is gone

    (raw / "d.html").unlink()
    assert ingest_dir(raw, cache=cache) == ingest_dir(raw)
    assert len(list(cache.glob("*.json"))) == 4

    for e in cache.glob("*.json"):
        e.write_text("{not json", encoding="utf-8")
    assert ingest_dir(raw, cache=cache) == ingest_dir(raw)
