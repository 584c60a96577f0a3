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
        assert d.examples, d.id
        assert d.near_misses, d.id


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


@pytest.mark.parametrize("body,message", [
    ("  - id: a\n    label: {ru: a, en: a}\n    category: m\n    definition: d\n"
     "    patterns: [{phrase: клин}]\n    colour: red\n", "line 5, device 'a': unknown key(s)"),
    ("  - id: a\n    label: {ru: a, en: a}\n    category: zz\n    definition: d\n"
     "    patterns: [{phrase: клин}]\n", "unknown category 'zz'"),
    ("  - id: a\n    label: {ru: a, en: a}\n    category: m\n    definition: d\n"
     "    patterns: [{phrase: клин}]\n  - id: a\n    label: {ru: a, en: a}\n    category: m\n"
     "    definition: d\n    patterns: [{phrase: клин}]\n",
     "line 10, device 'a': duplicate id (first at line 5)"),
    ("  - id: a\n    label: {ru: a, en: a}\n    category: m\n    definition: d\n"
     "    patterns:\n      - dep: [вбить]\n", "line 10, device 'a': pattern 1: 'dep' needs"),
    ("  - id: a\n    label: {ru: a, en: a}\n    category: m\n    definition: d\n"
     "    patterns:\n      - near: [вбить, клин]\n        window: 99\n", "'window' must be"),
    ("  - id: a\n    label: {ru: a, en: a}\n    category: m\n    definition: d\n"
     "    patterns:\n      - near: [вбить, 'два слова']\n", "single word"),
    ("  - id: a\n    label: a\n    category: m\n    definition: d\n"
     "    patterns: [{phrase: клин}]\n", "'label' must be a mapping"),
])
def test_codebook_errors_name_file_line_and_entry(body, message, lemmatizer):
    with pytest.raises(ResourceError) as err:
        _cb(HEAD + body, lemmatizer)
    assert "cb.yaml" in str(err.value)
    assert message in str(err.value)


def test_yaml_duplicate_keys_are_errors(lemmatizer):
    with pytest.raises(ResourceError, match="duplicate key"):
        _cb(HEAD + "  - id: a\n    id: b\n", lemmatizer)
