"""Ingest: formats, encodings, boilerplate, rejections."""

from __future__ import annotations

import json

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
    assert all("batch.jsonl (record" in r.error for r in rej)
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
    assert errors["empty.txt"] == "empty.txt: file is empty"
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
    assert isinstance(r, Rejected) and r.error == "x.pdf: unsupported file type '.pdf'"
