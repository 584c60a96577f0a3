"""NLP: one spaCy Doc per article with Natasha/slovnet annotations."""

from __future__ import annotations

from framing.nlp import _sanitise_heads, blank_vocab, cache_key, load_doc, save_doc


def test_doc_text_matches_article(sample_doc, sample_article):
    assert sample_doc.text == sample_article.text
    assert sample_doc.user_data["framing"]["id"] == sample_article.id


def test_annotations_present(sample_doc):
    doc = sample_doc
    for attr in ("SENT_START", "LEMMA", "POS", "MORPH", "DEP"):
        assert doc.has_annotation(attr), attr
    words = [t for t in doc if not t.is_space]
    assert len(words) > 1000
    assert all(t.lemma_ == t.lemma_.lower() for t in words)
    assert {"NOUN", "VERB", "PROPN", "ADJ"} <= {t.pos_ for t in words}


def test_lemmas_of_names_and_inflections(annotate):
    doc = annotate("Переговоры Путина и Токаева прошли в Астане, клинья не вбивают.")
    lem = {t.text: t.lemma_ for t in doc}
    assert lem["Путина"] == "путин"
    assert lem["Токаева"] == "токаев"
    assert lem["Астане"] == "астана"
    assert lem["клинья"] == "клин"
    assert lem["вбивают"] == "вбивать"


def test_sentences_do_not_cross_segments(sample_doc, sample_article):
    bounds = [(s.start, s.end) for s in sample_article.segments]
    for sent in sample_doc.sents:
        toks = [t for t in sent if not t.is_space]
        if not toks:
            continue
        a, b = toks[0].idx, toks[-1].idx + len(toks[-1].text)
        assert any(s <= a and b <= e for s, e in bounds), sent.text


def test_named_entities(sample_doc):
    ents = {(e.text, e.label_) for e in sample_doc.ents}
    assert ("Владимир Путин", "PER") in ents
    assert ("Касым-Жомарт Токаев", "PER") in ents
    assert any(t == "Казахстана" and lab == "LOC" for t, lab in ents)


def test_docbin_roundtrip(tmp_path, sample_doc, sample_article):
    p = tmp_path / "d.spacy"
    save_doc(sample_doc, p)
    doc = load_doc(p, blank_vocab())
    assert doc.text == sample_doc.text
    assert [t.lemma_ for t in doc] == [t.lemma_ for t in sample_doc]
    assert [t.head.i for t in doc] == [t.head.i for t in sample_doc]
    assert doc.user_data["framing"] == sample_doc.user_data["framing"]
    assert cache_key(sample_article) == cache_key(sample_article)


def test_heads_always_form_a_tree():
    for heads in ([0, 0, 0], [2, 3, 1], [5, 9, 0, 1], [1]):
        fixed = _sanitise_heads(heads)
        assert fixed.count(0) == 1
        for i in range(len(fixed)):  # every token reaches the root
            j, steps = i, 0
            while fixed[j] != 0:
                j, steps = fixed[j] - 1, steps + 1
                assert steps <= len(fixed)


def test_odd_whitespace_inside_sentences_keeps_a_valid_tree(annotate):
    text = "Споры между ритейлерами\u00a0— Visa и MasterCard\u00a0— продолжаются  уже 10 лет."
    doc = annotate(text)
    assert doc.text == text
    for t in doc:  # every token reaches a root without looping
        j, steps = t.i, 0
        while doc[j].head.i != j:
            j, steps = doc[j].head.i, steps + 1
            assert steps <= len(doc)
    assert [s.root.text for s in doc.sents]


def test_models_see_items_shortest_first_and_results_come_back_in_order():
    from framing.nlp import _map_by_length

    class Model:
        batch_size = 3

        def __init__(self):
            self.batches: list = []

        def infer(self, items):
            self.batches.append(list(items))
            return (x.upper() for x in items)

    m = Model()
    items = ["cccc", "aa", "bbb", "dddddddd", "", "eee", "ff"]
    assert _map_by_length(m, items, len) == [x.upper() for x in items]
    # shortest first; a batch holds at most 3 items, the longest ≤ 1.5 × the shortest
    assert m.batches == [[""], ["aa", "ff", "bbb"], ["eee", "cccc"], ["dddddddd"]]


def test_an_articles_doc_does_not_depend_on_the_other_articles(nlp, sample_article):
    """Batches never mix articles: annotating an article alone or after another gives the same
    Doc (what the content-addressed Doc cache relies on)."""
    from framing.ingest import parse_text

    other = parse_text("Министр заявил, что переговоры продолжатся. " * 40, "o", "o.txt")
    short = parse_text("Токаев поблагодарил Путина. Москва и Астана — партнеры.", "s", "s.txt")

    def attrs(doc):
        return [(t.text, t.lemma_, t.pos_, str(t.morph), t.head.i, t.dep_, t.ent_iob_,
                 t.ent_type_) for t in doc]

    alone = [attrs(nlp(a)) for a in (short, sample_article)]
    together = [attrs(d) for d in nlp.pipe([other, short, sample_article])][1:]
    assert together == alone


def test_doc_bytes_are_the_bytes_docbin_makes(sample_doc, annotate):
    from spacy.tokens import Doc, DocBin

    from framing.docbin import doc_bytes

    odd = annotate("Он  сказал:\n\n«Нет!» — и ушёл.  ")  # spaces, empty morphologies
    assert any(not str(t.morph) for t in odd)
    for doc in (sample_doc, odd, Doc(sample_doc.vocab, words=[])):
        db = DocBin(store_user_data=True)
        db.add(doc)
        assert doc_bytes(doc) == db.to_bytes()


def test_the_fast_writer_writes_what_save_doc_writes(tmp_path, sample_doc):
    from framing import docbin

    docbin.save_doc(sample_doc, tmp_path / "fast" / "d.spacy")
    save_doc(sample_doc, tmp_path / "d.spacy")
    assert (tmp_path / "fast" / "d.spacy").read_bytes() == (tmp_path / "d.spacy").read_bytes()
    doc = load_doc(tmp_path / "fast" / "d.spacy", blank_vocab())
    assert [t.lemma_ for t in doc] == [t.lemma_ for t in sample_doc]


def test_doc_view_holds_what_spacy_tokens_say(sample_doc):
    from framing.docview import doc_view
    from framing.lexmatch import norm

    v = doc_view(sample_doc)
    assert doc_view(sample_doc) is v  # once per Doc
    toks = list(sample_doc)
    assert v.text == [t.text for t in toks] and v.norm == [norm(t.text) for t in toks]
    assert v.lower == [t.lower_ for t in toks] and v.lemma == [norm(t.lemma_) for t in toks]
    assert v.pos == [t.pos_ for t in toks] and v.dep == [t.dep_ for t in toks]
    assert v.head == [t.head.i for t in toks] and v.idx == [t.idx for t in toks]
    assert v.ent_type == [t.ent_type_ for t in toks]
    assert v.is_punct == [t.is_punct for t in toks] and v.is_space == [t.is_space for t in toks]
    assert v.children == [[c.i for c in t.children] for t in toks]
