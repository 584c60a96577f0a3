"""Quotes: who speaks, on the sample and on sentences written here for each pattern."""

from __future__ import annotations

import pytest

from framing.actors import find_mentions
from framing.quotes import quote_spans, speaker_at


def test_sample_direct_quote_speakers(sample_quotes, expected):
    exp = dict(expected["quotes"])
    not_quotes = exp.pop("not_quotes")
    direct = [q for q in sample_quotes if q.kind == "direct"]
    for opening, speaker in exp.items():
        hits = [q for q in direct if q.text.startswith(opening)]
        assert hits, opening
        assert all(q.speaker == speaker for q in hits), (opening, [q.speaker for q in hits])
    for text in not_quotes:
        assert not any(q.text == text for q in sample_quotes)


def test_sample_resolution_kinds(sample_quotes):
    res = {(q.speaker_text, q.resolution) for q in sample_quotes}
    assert ("президент", "title") in res            # «— заявил президент» → Токаев
    assert ("политолог", "title") in res            # «— убежден политолог» → Карягин
    assert ("президент РФ", "descriptor") in res    # → Путин
    assert ("лидер Казахстана", "descriptor") in res  # → Токаев
    assert ("Он", "pronoun") in res and ("его", "pronoun") in res


def test_sample_indirect_speech(sample_quotes):
    ind = {q.text[:30]: q for q in sample_quotes if q.kind == "indirect"}
    carag = next(q for k, q in ind.items() if k.startswith("это более свободная форма"))
    assert carag.speaker == "Михаил Карягин" and carag.verb == "По словам"
    exp = next(q for q in ind.values() if q.speaker_text == "Эксперты")
    assert exp.speaker == "эксперт" and exp.resolution == "collective"
    assert exp.verb_type == "distancing"  # «Эксперты утверждают, что …»


def test_multi_paragraph_quote_is_one_quote(sample_quotes):
    q = next(q for q in sample_quotes if q.text.startswith("Наши отношения с Казахстаном"))
    assert "\n\n" in q.text and q.text.endswith("надежные союзники")


def _quotes(annotate, registry, quote_finder, text):
    doc = annotate(text)
    return quote_finder.find(doc, find_mentions(doc, registry))


@pytest.mark.parametrize("text,speaker,verb_type", [
    ("«Мы готовы к диалогу», — заявил Лавров.", "Сергей Лавров", "neutral"),
    ("«Санкции не работают» — подчеркнул Песков.", "Дмитрий Песков", "assertive"),
    ("Захарова констатировала: «Это провокация».", "Мария Захарова", "neutral"),
    ("Лукашенко назвал соседей «временщиками».", "Александр Лукашенко", "naming"),
    ("По словам Эрдогана, переговоры зашли в тупик.", "Реджеп Тайип Эрдоган", "neutral"),
    ("Как считает Макрон, Европа должна усилиться.", "Эмманюэль Макрон", "opinion"),
    ("Кризис, считает Байден, скоро закончится.", "Джо Байден", "opinion"),
    ("Зеленский утверждает, что фронт стабилен.", "Владимир Зеленский", "distancing"),
    ("Сделка выгодна обеим сторонам, объясняет Мирзиеев.", "Шавкат Мирзиеев", "neutral"),
])
def test_quote_patterns(annotate, registry, quote_finder, text, speaker, verb_type):
    qs = _quotes(annotate, registry, quote_finder, text)
    assert qs, text
    assert qs[0].speaker == speaker, (text, qs)
    assert qs[0].verb_type == verb_type


def test_pronoun_and_title_resolve_to_previous_person(annotate, registry, quote_finder):
    text = ("Токаев прибыл в Москву. Он отметил, что визит важен. "
            "«Мы друзья», — сказал президент.")
    qs = _quotes(annotate, registry, quote_finder, text)
    assert [(q.speaker, q.resolution) for q in qs] == [
        ("Касым-Жомарт Токаев", "pronoun"), ("Касым-Жомарт Токаев", "title")]


def test_interrupted_quote(annotate, registry, quote_finder):
    text = "«Мы союзники, — отметил Лавров. — Это не изменится»."
    qs = _quotes(annotate, registry, quote_finder, text)
    assert [(q.text, q.speaker) for q in qs] == [
        ("Мы союзники", "Сергей Лавров"), ("Это не изменится", "Сергей Лавров")]


def test_names_in_guillemets_are_not_quotes(annotate, registry, quote_finder):
    qs = _quotes(annotate, registry, quote_finder, "Он работает в центре «Геополитика».")
    assert qs == []


def test_quote_spans_nested():
    assert quote_spans("а «б „в“ г» д") == [(3, 10)]
    assert quote_spans("«раз\n\n«два»") == [(1, 10)]


def test_author_voice_outside_quotes(annotate, registry, quote_finder):
    text = "Москва довольна. «Все хорошо», — сказал Песков."
    qs = _quotes(annotate, registry, quote_finder, text)
    assert speaker_at(qs, 0) == "AUTHOR"
    assert speaker_at(qs, text.index("Все")) == "Дмитрий Песков"
