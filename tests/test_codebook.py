"""The codebook tests itself; devices generalise to unseen inflections and word orders."""

from __future__ import annotations

import pytest

from framing.codebook import parse_codebook
from framing.devices import check_examples
from framing.yamlio import ResourceError, load_yaml_text


def test_every_codebook_example_and_near_miss(matcher, nlp):
    failures = check_examples(matcher, nlp)
    assert failures == [], "\n".join(failures)


def test_every_device_has_examples_and_near_misses(codebook):
    for d in codebook.devices:
        assert len(d.examples) >= 3, d.id
        assert len(d.near_misses) >= 2, d.id
        assert len(set(d.examples)) == len(d.examples), d.id


def test_codebook_covers_the_literature(codebook):
    """Gamson & Modigliani's framing and reasoning devices and the SemEval-2023 Task 3
    techniques with lexical or syntactic signals are all present."""
    cats = {d.category for d in codebook.devices}
    assert {"metaphor", "exemplar", "catchphrase", "depiction", "roots", "consequences",
            "principle", "economic", "glorification"} <= cats
    ids = {d.id for d in codebook.devices}
    assert {"loaded_language", "name_calling", "doubt", "appeal_to_fear", "flag_waving",
            "appeal_to_authority", "slogan", "repetition", "exaggeration", "minimisation",
            "questioning_reputation"} <= ids
    for d in codebook.devices:
        assert d.label_ru and d.label_en and d.definition, d.id


def test_codebook_covers_the_sample_categories(codebook):
    cats = {d.category for d in codebook.devices}
    assert {"metaphor", "alliance", "rivalry", "othering", "hidden_forces", "delegitimisation",
            "threat", "shared_history"} <= cats


@pytest.mark.parametrize("sentence,device", [
    # inflections, numbers and word orders not in the codebook's own examples
    ("Клинья между партнёрами вбивались годами.", "wedge"),
    ("Никто не вобьёт клин в наш союз.", "wedge"),
    ("Вашингтону не удастся вбить новый клин между соседями.", "wedge"),
    ("Надёжный союзник всегда рядом.", "partner_ally"),
    ("Союзников у страны становится больше.", "partner_ally"),
    ("Решение приняли где-то за океаном.", "overseas"),
    ("Заокеанским кураторам это не понравится.", "overseas"),
    ("Им противостоят некие внешние силы.", "external_forces"),
    ("Силам внешним это выгодно.", "external_forces"),
    ("Хватит жить в медийном мираже.", "media_mirage"),
    ("Наших врагов это не остановит.", "enemy_rival"),
    ("Эти пустые обещания никто не выполнит.", "empty_promises"),
    ("Мы живём в очень неспокойном мире.", "turbulent_world"),
])
def test_devices_generalise(annotate, matcher, sentence, device):
    found = {h.device_id for h in matcher.match_doc(annotate(sentence))}
    assert device in found, (sentence, found)


@pytest.mark.parametrize("sentence,device", [
    ("Плотник вбивал клинья в бревно, чтобы расколоть его.", None),  # literal wedge is fine
    ("Вооружённые силы страны провели учения.", "external_forces"),
    ("Тихий океан огромен.", "overseas"),
])
def test_near_misses_written_here(annotate, matcher, sentence, device):
    found = {h.device_id for h in matcher.match_doc(annotate(sentence))}
    if device is not None:
        assert device not in found, (sentence, found)


def _cb(text: str, lemmatizer):
    return parse_codebook(load_yaml_text(text, "cb.yaml"), "cb.yaml", lemmatizer)


HEAD = "categories:\n  m:\n    label: {ru: м, en: m}\ndevices:\n"


DEV = "  - id: a\n    label: {ru: a, en: a}\n    category: m\n    definition: d\n"


@pytest.mark.parametrize("body,message", [
    # bad device key
    (DEV + "    patterns: [{phrase: клин}]\n    colour: red\n",
     'cb.yaml:5: device "a": unknown key(s) [\'colour\']'),
    (DEV.replace("category: m", "category: zz") + "    patterns: [{phrase: клин}]\n",
     'cb.yaml:5: device "a": unknown category \'zz\''),
    # duplicate id
    (DEV + "    patterns: [{phrase: клин}]\n" + DEV + "    patterns: [{phrase: клин}]\n",
     'cb.yaml:10: device "a": duplicate id (first at line 5)'),
    # unknown attribute of a pattern (the pattern's own line)
    (DEV + "    patterns:\n      - phrase: клин\n      - dep: [вбить, клин]\n"
     "      - phrase: клин\n        LEMA: клин\n",
     'cb.yaml:12: device "a": pattern 3: unknown attribute "LEMA" (allowed for a phrase pattern'),
    (DEV + "    patterns:\n      - lemma: клин\n",
     'cb.yaml:10: device "a": pattern 1: needs exactly one of phrase, near, dep, shape, repeat '
     '(unknown attribute "lemma")'),
    (DEV + "    patterns:\n      - near: [вбить, клин]\n        rel: [obj]\n",
     'cb.yaml:10: device "a": pattern 1: unknown attribute "rel" (allowed for a near pattern'),
    (DEV + "    patterns:\n      - repeat: 1\n        context: [клин]\n",
     'pattern 1: unknown attribute "context" (allowed for a repeat pattern'),
    # patterns that cannot compile
    (DEV + "    patterns:\n      - dep: [вбить]\n",
     'cb.yaml:10: device "a": pattern 1: \'dep\' needs'),
    (DEV + "    patterns:\n      - near: [вбить, клин]\n        window: 99\n",
     "pattern 1: 'window' must be an integer from 1 to 30"),
    (DEV + "    patterns:\n      - near: [вбить, 'два слова']\n", "single word"),
    (DEV + "    patterns:\n      - phrase: 'вбить||клин'\n", "single word"),
    (DEV + "    patterns:\n      - dep: [вбить, клин]\n        rel: [objj]\n",
     "pattern 1: rel 'objj' is not a Universal Dependencies label"),
    (DEV + "    patterns:\n      - phrase: клин\n        pos: NUON\n",
     "pattern 1: 'pos' 'NUON' is not a Universal Dependencies tag"),
    (DEV + "    patterns:\n      - shape: paragraph\n",
     "pattern 1: 'shape' must be one of sentence, quoted"),
    (DEV + "    patterns:\n      - shape: quoted\n        has_pos: [VREB]\n",
     "has_pos 'VREB' is not a Universal Dependencies label"),
    (DEV + "    patterns:\n      - shape: sentence\n        ends_with: ok\n",
     "pattern 1: 'ends_with' must list final punctuation"),
    (DEV + "    patterns:\n      - shape: sentence\n        min_words: 5\n        max_words: 2\n",
     "pattern 1: 'min_words' is larger than 'max_words'"),
    (DEV + "    patterns:\n      - repeat: 9\n", "pattern 1: 'repeat' must be an integer from 1"),
    (DEV + "    patterns:\n      - repeat: 1\n        times: 1\n",
     "pattern 1: 'times' must be an integer from 2 to 20"),
    (DEV + "    patterns:\n      - repeat: 1\n        anaphora: yes please\n",
     "pattern 1: 'anaphora' must be true or false"),
    (DEV + "    patterns:\n      - phrase: клин\n        context_window: 3\n",
     "pattern 1: 'context_window' needs 'context'"),
    (DEV + "    patterns:\n      - phrase: клин\n        not_near: []\n",
     "pattern 1: 'not_near' must be a non-empty list of words"),
    ("  - id: a\n    label: a\n    category: m\n    definition: d\n"
     "    patterns: [{phrase: клин}]\n", "'label' must be a mapping"),
])
def test_codebook_errors_name_file_line_and_entry(body, message, lemmatizer):
    with pytest.raises(ResourceError) as err:
        _cb(HEAD + body, lemmatizer)
    assert "cb.yaml" in str(err.value)
    assert message in str(err.value)


def test_codebook_error_message_shape(tmp_path, lemmatizer):
    """The message an analyst sees when loading a file: ``path:line: device "id": …``."""
    from framing.codebook import load_codebook

    p = tmp_path / "codebook.yaml"
    p.write_text(HEAD + DEV + "    patterns:\n      - phrase: клин\n      - dep: [вбить, клин]\n"
                 "      - phrase: клин\n        LEMA: клин\n", encoding="utf-8")
    with pytest.raises(ResourceError) as err:
        load_codebook(p, lemmatizer)
    assert str(err.value).startswith(f'{p}:12: device "a": pattern 3: unknown attribute "LEMA"')


def test_yaml_duplicate_keys_are_errors(lemmatizer):
    with pytest.raises(ResourceError, match="duplicate key"):
        _cb(HEAD + "  - id: a\n    id: b\n", lemmatizer)


# ----------------------------------------------------------------------------- new pattern kinds


def _matcher(patterns: str, lemmatizer):
    from framing.devices import DeviceMatcher

    cb = _cb(HEAD + DEV + "    patterns:\n" + patterns, lemmatizer)
    return DeviceMatcher(cb, lemmatizer)


def _hits(m, annotate, text: str) -> list[str]:
    return [h.text for h in m.match_doc(annotate(text))]


def test_ends_with_restricts_a_word_pattern_to_questions(annotate, lemmatizer):
    m = _matcher('      - phrase: "разве"\n        ends_with: ["?"]\n', lemmatizer)
    assert _hits(m, annotate, "Разве можно этому верить?") == ["Разве"]
    assert _hits(m, annotate, "Разве можно этому верить?» — спросил он.") == []
    assert _hits(m, annotate, "«Разве можно этому верить?» — спросил он.") == []  # not final
    assert _hits(m, annotate, "Разве что дождь помешает.") == []


def test_ends_with_skips_closing_quotes(annotate, lemmatizer):
    m = _matcher('      - phrase: "неужели"\n        ends_with: ["?"]\n', lemmatizer)
    assert _hits(m, annotate, "Он спросил: «Неужели это правда?»") == ["Неужели"]


def test_shape_sentence_by_length_and_final_punctuation(annotate, lemmatizer):
    m = _matcher("      - shape: sentence\n        ends_with: '!'\n        min_words: 2\n"
                 "        max_words: 4\n", lemmatizer)
    assert _hits(m, annotate, "Слава героям! Они спасли город.") == ["Слава героям!"]
    assert _hits(m, annotate, "Стоп!") == []  # too short
    assert _hits(m, annotate, "Мы все вместе пойдём туда завтра утром!") == []  # too long
    assert _hits(m, annotate, "Слава героям.") == []


def test_shape_sentence_has_pos(annotate, lemmatizer):
    m = _matcher("      - shape: sentence\n        max_words: 3\n        has_pos: [VERB]\n",
                 lemmatizer)
    assert _hits(m, annotate, "Мы победим.") == ["Мы победим."]
    assert _hits(m, annotate, "Красивый город.") == []


def test_shape_quoted_with_context_word(annotate, lemmatizer):
    m = _matcher("      - shape: quoted\n        max_words: 4\n"
                 "        context: [лозунг|скандировать]\n        context_window: 3\n",
                 lemmatizer)
    assert _hits(m, annotate, "Они вышли под лозунгом «Мы здесь власть».") == [
        "«Мы здесь власть»"]
    assert _hits(m, annotate, "Толпа скандировала «Позор!» весь вечер.") == ["«Позор!»"]
    # no context word nearby; a long quotation
    assert _hits(m, annotate, "Компания «Северный ветер» открыла офис.") == []
    assert _hits(m, annotate, "Под лозунгом «мы будем ходить сюда каждый день до победы» "
                              "они вышли.") == []


def test_context_is_required_near_a_word_match(annotate, lemmatizer):
    m = _matcher("      - phrase: клин\n        context: [вбить]\n        context_window: 2\n",
                 lemmatizer)
    assert _hits(m, annotate, "Они пытались вбить клин.") == ["клин"]
    assert _hits(m, annotate, "Клин журавлей улетел, а вбить гвоздь не удалось.") == []


def test_repeat_needs_times_occurrences_within_window(annotate, lemmatizer):
    m = _matcher("      - repeat: 1\n        times: 3\n        window: 3\n", lemmatizer)
    assert _hits(m, annotate, "Ложь, ложь и снова ложь.") == ["Ложь, ложь и снова ложь"]
    assert _hits(m, annotate, "Ложь и ложь.") == []  # twice only
    # three times, but too far apart
    assert _hits(m, annotate, "Ложь бывает разной, и всякая ложь когда-нибудь раскрывается, "
                              "а ложь власти особенно.") == []


def test_repeat_counts_lemmas_across_inflections_and_sentences(annotate, lemmatizer):
    m = _matcher("      - repeat: 1\n        times: 3\n        window: 4\n", lemmatizer)
    found = _hits(m, annotate, "Война. Войной они живут. О войне они говорят.")
    assert found == ["Война. Войной они живут. О войне"]


def test_repeat_stays_in_its_paragraph(annotate, nlp, lemmatizer):
    from framing.ingest import Article, Segment

    m = _matcher("      - repeat: 1\n        times: 3\n        window: 4\n", lemmatizer)
    assert _hits(m, annotate, "Ложь и ложь. Ложь везде.") == ["Ложь и ложь. Ложь"]
    text = "Ложь и ложь.\nЛожь везде."
    art = Article(id="t", source_file="t.txt", text=text,
                  segments=[Segment("prose", text[:12], 0, 12),
                            Segment("prose", text[13:], 13, len(text))])
    assert [h.text for h in m.match_doc(nlp(art))] == []


def test_repeat_anaphora_counts_sentence_openings(annotate, lemmatizer):
    m = _matcher("      - repeat: 1\n        anaphora: true\n        times: 3\n"
                 "        content_pos: [PRON, NOUN, VERB]\n", lemmatizer)
    assert _hits(m, annotate, "Мы помним. Мы гордимся. Мы не забудем.") == [
        "Мы помним. Мы гордимся. Мы"]
    # the third opening is two sentences later: not consecutive
    assert _hits(m, annotate, "Мы помним. Мы гордимся. Город спит. Мы не забудем.") == []


def test_repeat_not_near_vetoes_the_run(annotate, lemmatizer):
    m = _matcher("      - repeat: 1\n        times: 3\n        window: 3\n"
                 "        not_near: [год]\n", lemmatizer)
    assert _hits(m, annotate, "В 2010 году, 2011 году и 2012 году цены росли.") == []


def test_ner_requires_a_named_entity_near_the_match(annotate, lemmatizer):
    m = _matcher("      - phrase: партнёр\n        ner: [LOC]\n        ner_window: 4\n", lemmatizer)
    assert _hits(m, annotate, "Германия остаётся важным партнёром.") == ["партнёром"]
    assert _hits(m, annotate, "Он долго искал надёжного партнёра для бизнеса.") == []


def test_repeat_ignore_and_sentence_scope(annotate, lemmatizer):
    m = _matcher("      - repeat: 1\n        times: 3\n        window: 3\n        scope: sentence\n"
                 "        ignore: [год]\n", lemmatizer)
    assert _hits(m, annotate, "Ложь, ложь и ложь.") == ["Ложь, ложь и ложь"]
    assert _hits(m, annotate, "Год за годом, год от года.") == []  # an ignored word
    assert _hits(m, annotate, "Ложь и ложь. Ложь везде.") == []  # crosses a sentence


@pytest.mark.parametrize("pattern,message", [
    ("      - phrase: клин\n        ner: [GPE]\n",
     "ner 'GPE' is not a named-entity label (known: LOC ORG PER)"),
    ("      - phrase: клин\n        ner_window: 3\n", "'ner_window' needs 'ner'"),
    ("      - repeat: 1\n        scope: article\n", "'scope' must be paragraph or sentence"),
    ("      - repeat: 1\n        ignore: ['два слова']\n", "single word"),
])
def test_new_pattern_options_are_validated(pattern, message, lemmatizer):
    with pytest.raises(ResourceError) as err:
        _matcher(pattern, lemmatizer)
    assert 'cb.yaml:10: device "a": pattern 1' in str(err.value)
    assert message in str(err.value)


def test_validate_codebook_accepts_the_shipped_codebook(root, codebook):
    from framing.codebook import validate_codebook

    assert validate_codebook(root / "config" / "codebook.yaml") == len(codebook.devices)


def test_workflow_stops_on_a_codebook_error_before_any_article(tmp_path):
    """The workflow validates the codebook when it starts: the error names file, line and
    device, and no article has been ingested or parsed."""
    from tests.test_workflow import SAMPLE, make_project, snakemake

    p = make_project(tmp_path, {SAMPLE.name: SAMPLE.read_bytes()})
    cb = p / "config" / "codebook.yaml"
    lines = cb.read_text(encoding="utf-8").split("\n")
    n = lines.index("      - dep: [\"вбить|вбивать|вбиваться\", \"клин\"]")
    lines.insert(n + 1, "        LEMA: клин")
    cb.write_text("\n".join(lines), encoding="utf-8")
    r = snakemake(p)
    assert r.returncode != 0
    assert f'codebook.yaml:{n + 1}: device "wedge": pattern 1: unknown attribute "LEMA"' in (
        r.stderr + r.stdout)
    assert not (p / "data" / "processed" / "articles.jsonl").exists()
    assert not (p / "data" / "processed" / "nlp").exists()


def test_fast_yaml_loader_reads_the_same_and_keeps_plain_errors(root, tmp_path):
    """libyaml (when present) reads every shipped resource exactly as the pure-Python loader,
    line numbers included; a syntax error still gets the pure-Python loader's message."""
    import yaml

    from framing import yamlio
    from framing.yamlio import ResourceError, load_yaml_text

    for name in ("codebook.yaml", "frames.yaml", "actors.yaml", "reporting_verbs.yaml"):
        text = (root / "config" / name).read_text(encoding="utf-8")
        slow = yaml.load(text, Loader=yamlio._LineLoader)  # noqa: S506 - SafeLoader subclass
        assert load_yaml_text(text, name) == slow, name
    bad = "devices:\n  - id: x\n    label: [unclosed\n  - id: y\n"
    with pytest.raises(ResourceError) as err:
        load_yaml_text(bad, "cb.yaml")
    msg = str(err.value)
    assert msg.startswith("cb.yaml: not valid YAML") and "line" in msg and "^" in msg
