"""Actors: registry, alias/metonym/periphrasis matching, automatic actors, validation."""

from __future__ import annotations

import pytest

from framing.actors import ActorRegistry, find_mentions, parse_registry
from framing.yamlio import ResourceError, load_yaml_text


def test_sample_actors_merge_their_aliases(sample_mentions, expected):
    by_text: dict[str, set[str]] = {}
    for m in sample_mentions:
        by_text.setdefault(m.text, set()).add(m.actor)
    for actor, forms in expected["actors"].items():
        for form in forms:
            assert actor in by_text.get(form, set()), (actor, form, by_text.get(form))


def test_required_actors_present(sample_mentions):
    actors = {m.actor for m in sample_mentions}
    assert {"Владимир Путин", "Касым-Жомарт Токаев", "Дональд Трамп", "Россия", "Казахстан",
            "США", "Запад"} <= actors
    # «Путин» and «Владимир Путин» are one actor, not two
    assert "Путин" not in actors and "Токаев" not in actors


def test_resolution_is_recorded(sample_mentions):
    res = {(m.text, m.resolution) for m in sample_mentions}
    assert ("Москвы", "metonym") in res
    assert ("РФ", "alias") in res
    assert ("из-за океана", "periphrasis") in res
    assert ("Шибутов", "surname") in res
    assert ("Марата Шибутова", "ner") in res


def test_metonym_used_as_place_is_not_an_actor(annotate, registry):
    doc = annotate("Переговоры прошли в Кремле. Кремль заявил, что Москва готова к диалогу.")
    ms = find_mentions(doc, registry)
    assert [(m.text, m.actor) for m in ms] == [("Кремль", "Россия"), ("Москва", "Россия")]


def test_inflections_and_word_forms(annotate, registry):
    doc = annotate("Белый дом раскритиковал Пекин, а в Белом доме промолчали о Зеленском.")
    got = [(m.text, m.actor) for m in find_mentions(doc, registry)]
    assert ("Белый дом", "США") in got
    assert ("Пекин", "Китай") in got
    assert ("Зеленском", "Владимир Зеленский") in got
    assert ("Белом доме", "США") not in got  # «в Белом доме»: a place


def test_match_case_keeps_common_nouns_out(annotate, registry):
    doc = annotate("Ветер дул с запада, а Запад ввёл санкции.")
    assert [m.text for m in find_mentions(doc, registry) if m.actor == "Запад"] == ["Запад"]


def test_automatic_actor_normal_form(annotate, registry):
    doc = annotate("Заявление сделал Игорь Сечин. Сечина поддержал Газпром.")
    got = {(m.text, m.actor, m.resolution) for m in find_mentions(doc, registry)}
    assert ("Игорь Сечин", "Игорь Сечин", "ner") in got
    assert ("Сечина", "Игорь Сечин", "surname") in got


def _reg(text: str):
    return parse_registry(load_yaml_text(text, "actors.yaml"), "actors.yaml")


@pytest.mark.parametrize("text,message", [
    ("actors:\n  - id: A\n    type: planet\n    aliases: [a]\n", "line 2, actor 'A': type"),
    ("actors:\n  - id: A\n    type: state\n    aliases: [a]\n    colour: red\n",
     "unknown key(s) ['colour']"),
    ("actors:\n  - id: A\n    type: state\n    aliases: [a]\n  - id: A\n    type: state\n"
     "    aliases: [b]\n", "line 5, actor 'A': duplicate id (first at line 2)"),
    ("actors:\n  - id: A\n    type: person\n    aliases: [a]\n    affiliation: Марс\n",
     "affiliation 'Марс' is not an actor id"),
    ("actors:\n  - id: A\n    type: person\n    aliases: []\n", "needs at least one alias"),
])
def test_registry_errors_name_file_line_and_actor(text, message):
    with pytest.raises(ResourceError, match="actors.yaml") as err:
        _reg(text)
    assert message in str(err.value)


def test_shipped_registry_loads(registry):
    assert isinstance(registry, ActorRegistry)
    assert registry.entries["Владимир Путин"].affiliation == "Россия"


def _dated(nlp, text: str, date: str):
    from framing.ingest import Article, Segment

    return nlp(Article(id="d", source_file="d.txt", text=text, date=date,
                       segments=[Segment("prose", text, 0, len(text))]))


@pytest.mark.parametrize("date,person", [("2022-06-01", "Джо Байден"),
                                         ("2025-11-12", "Дональд Трамп")])
def test_descriptor_resolves_to_office_holder_at_article_date(nlp, registry, date, person):
    doc = _dated(nlp, "Президент США выступил в Конгрессе.", date)
    got = [(m.text, m.actor, m.resolution) for m in find_mentions(doc, registry)]
    assert ("Президент США", person, "descriptor") in got


@pytest.mark.parametrize("text,form,person", [
    ("Российский лидер принял приглашение.", "Российский лидер", "Владимир Путин"),
    ("Гостя встречал лидер Казахстана.", "лидер Казахстана", "Касым-Жомарт Токаев"),
    ("Переговоры провёл глава МИД РФ.", "глава МИД РФ", "Сергей Лавров"),
    ("Казахстанский лидер прибыл в Москву.", "Казахстанский лидер", "Касым-Жомарт Токаев"),
])
def test_descriptor_forms(nlp, registry, text, form, person):
    doc = _dated(nlp, text, "2025-11-12")
    got = [(m.text, m.actor) for m in find_mentions(doc, registry)]
    assert (form, person) in got, got


def test_named_title_is_not_a_second_mention(nlp, registry):
    doc = _dated(nlp, "Президент Путин встретил гостя.", "2025-11-12")
    assert [m.resolution for m in find_mentions(doc, registry)] == ["alias"]


def test_pronoun_and_latter_resolve_to_nearest_person(nlp, registry):
    doc = _dated(nlp, "Токаев встретился с Трампом и назвал последнего великим. Он доволен.",
                 "2025-11-12")
    got = [(m.text, m.actor) for m in find_mentions(doc, registry) if m.resolution == "pronoun"]
    assert got == [("последнего", "Дональд Трамп"), ("Он", "Дональд Трамп")] or got == [
        ("последнего", "Дональд Трамп"), ("Он", "Касым-Жомарт Токаев")]


def test_sample_descriptors_and_pronouns(sample_mentions):
    got = {(m.text, m.actor) for m in sample_mentions if m.resolution in {"pronoun",
                                                                           "descriptor"}}
    assert {("президент РФ", "Владимир Путин"), ("лидер Казахстана", "Касым-Жомарт Токаев"),
            ("Российский лидер", "Владимир Путин"),
            ("казахстанского лидера", "Касым-Жомарт Токаев"),
            ("последнего", "Дональд Трамп"), ("он", "Касым-Жомарт Токаев")} <= got


def test_sample_descriptor_and_anaphora_mentions(sample_mentions, expected):
    by_text: dict[str, set[str]] = {}
    for m in sample_mentions:
        by_text.setdefault(m.text, set()).add(m.actor)
    for text, actor in expected["mentions"].items():
        assert by_text.get(text) == {actor}, (text, by_text.get(text))


def test_colleague_is_the_counterpart_in_that_state(annotate, registry):
    doc = annotate("Токаев поддержал настрой своего российского коллеги.")
    got = {(m.text, m.actor, m.resolution) for m in find_mentions(doc, registry)}
    assert ("российского коллеги", "Владимир Путин", "descriptor") in got


def test_pronoun_prefers_the_previous_sentence_subject(annotate, registry):
    doc = annotate("Токаев поддержал настрой своего российского коллеги. "
                   "Он пригласил его в Астану.")
    on = next(m for m in find_mentions(doc, registry) if m.text == "Он")
    assert (on.actor, on.resolution) == ("Касым-Жомарт Токаев", "pronoun")
