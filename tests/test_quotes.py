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


def test_sample_resolution_kinds(sample_quotes, expected):
    res: dict[str, set[tuple[str, str]]] = {}
    for q in sample_quotes:
        res.setdefault(q.speaker_text, set()).add((q.speaker, q.resolution))
    for surface, (speaker, how) in expected["quote_resolutions"].items():
        assert res.get(surface) == {(speaker, how)}, (surface, res.get(surface))


def test_sample_indirect_speakers(sample_quotes, expected):
    indirect = [q for q in sample_quotes if q.kind == "indirect"]
    for opening, speaker in expected["indirect_quotes"].items():
        hits = [q for q in indirect if q.text.startswith(opening)]
        assert len(hits) == 1, (opening, [q.text[:40] for q in indirect])
        assert hits[0].speaker == speaker, (opening, hits[0])
    assert len(indirect) == len(expected["indirect_quotes"]) + 1  # + «как считает … Шибутов»


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
    ("Песков считает, что диалог возможен.", "Дмитрий Песков", "opinion"),
    ("Переговоры прошли успешно, отметил Лавров.", "Сергей Лавров", "neutral"),
    ("«Переговоры прошли успешно», — отметил Лавров.", "Сергей Лавров", "neutral"),
    ("По мнению Захаровой, санкции бесполезны.", "Мария Захарова", "opinion"),
    ("По словам Захаровой, санкции бесполезны.", "Мария Захарова", "neutral"),
    ("По утверждению Захаровой, санкции бесполезны.", "Мария Захарова", "distancing"),
    # distancing particles qualifying the report
    ("Зеленский якобы заявил, что фронт стабилен.", "Владимир Зеленский", "distancing"),
    ("Зеленский заявил, якобы фронт стабилен.", "Владимир Зеленский", "distancing"),
    ("Песков сказал, будто сделка сорвана.", "Дмитрий Песков", "distancing"),
    ("Лавров, мол, сказал, что переговоры сорваны.", "Сергей Лавров", "distancing"),
    ("«Все под контролем», — якобы сказал Песков.", "Дмитрий Песков", "distancing"),
    ("Лавров уверен, что диалог возможен.", "Сергей Лавров", "assertive"),
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


def test_bare_title_after_named_expert(annotate, registry, quote_finder):
    text = ("Ситуацию прокомментировал политолог Сергей Марков. «Это прорыв в отношениях», "
            "— убежден политолог.")
    qs = [q for q in _quotes(annotate, registry, quote_finder, text) if q.kind == "direct"]
    assert [(q.speaker, q.speaker_text, q.resolution, q.verb_type) for q in qs] == [
        ("Сергей Марков", "политолог", "title", "assertive")]


def test_bare_title_prefers_previous_subject(annotate, registry, quote_finder):
    text = ("Токаев поддержал настрой своего российского коллеги. «Мы союзники», "
            "— заявил президент.")
    (q,) = [q for q in _quotes(annotate, registry, quote_finder, text) if q.kind == "direct"]
    assert (q.speaker, q.resolution) == ("Касым-Жомарт Токаев", "title")


def test_multi_paragraph_quote(annotate, registry, quote_finder):
    text = "«Мы готовы к диалогу.\n\nИ мы ждем ответа от партнеров», — заявил Лавров."
    qs = [q for q in _quotes(annotate, registry, quote_finder, text) if q.kind == "direct"]
    assert len(qs) == 1 and "\n\n" in qs[0].text and qs[0].speaker == "Сергей Лавров"


def test_quote_inside_quote_is_one_voice(annotate, registry, quote_finder):
    text = "«Они называют это „миротворчеством“, но это не так», — сказал Лавров."
    qs = _quotes(annotate, registry, quote_finder, text)
    assert [(q.kind, q.speaker) for q in qs] == [("direct", "Сергей Лавров")]
    assert "„миротворчеством“" in qs[0].text
    assert speaker_at(qs, text.index("миротворчеством")) == "Сергей Лавров"


def test_reporting_clause_before_with_nested_naming(annotate, registry, quote_finder):
    text = "Песков заявил: «Байден назвал это „ошибкой“, и мы согласны»."
    qs = [q for q in _quotes(annotate, registry, quote_finder, text) if q.kind == "direct"]
    assert qs and all(q.speaker == "Дмитрий Песков" for q in qs)


def test_any_person_noun_is_a_title(annotate, registry, quote_finder):
    text = ("Бывший дипломат Сергей Марков выступил в Сеуле. По словам 87-летнего политика, "
            "надежды на перемены тщетны.")
    qs = [q for q in _quotes(annotate, registry, quote_finder, text) if q.kind == "indirect"]
    assert [(q.speaker, q.resolution) for q in qs] == [("Сергей Марков", "title")]


# --- word lists of the reporting-verbs file ---------------------------------------------------


def _finder(tmp_path, registry, extra: str):
    from framing.quotes import QuoteFinder, ReportingVerbs

    f = tmp_path / "verbs.yaml"
    f.write_text("neutral: [сказать, заявить]\n" + extra, encoding="utf-8")
    return QuoteFinder.for_registry(ReportingVerbs.from_yaml(f), registry)


def test_speaker_titles_come_from_the_verbs_file(annotate, registry, tmp_path):
    text = "Песков прибыл в Минск. «Мы готовы», — сказал кардинал."
    doc = annotate(text)
    ms = find_mentions(doc, registry)
    (q,) = _finder(tmp_path, registry, "").find(doc, ms)
    assert (q.speaker, q.resolution) == ("", "unresolved")
    (q,) = _finder(tmp_path, registry, "speaker_titles: [кардинал]\n").find(doc, ms)
    assert (q.speaker, q.speaker_text, q.resolution) == ("Дмитрий Песков", "кардинал", "title")


def test_attribution_nouns_come_from_the_verbs_file(annotate, registry, tmp_path):
    doc = annotate("По версии Захаровой, санкции бесполезны.")
    ms = find_mentions(doc, registry)
    assert _finder(tmp_path, registry, "attribution_nouns: [слово]\n").find(doc, ms) == []
    (q,) = _finder(tmp_path, registry, "attribution_nouns: [версия]\n").find(doc, ms)
    assert (q.kind, q.speaker, q.text) == ("indirect", "Мария Захарова", "санкции бесполезны")


@pytest.mark.parametrize("text,message", [
    ("neutral: [сказать]\n# c\nrumour: [слух]\n", "verbs.yaml, line 3: unknown key 'rumour'"),
    ("neutral: [сказать]\nspeaker_titles: президент\n",
     "verbs.yaml, line 2: 'speaker_titles' must be a list"),
    ("neutral: [сказать, '']\n", "verbs.yaml, line 1: 'neutral' must be a list"),
    ("neutral: [сказать]\nbody_nouns: [компания]\n",
     "verbs.yaml, line 2: 'body_nouns' must be a mapping"),
    ("neutral: [сказать]\nbody_nouns:\n  firm: [компания]\n",
     "verbs.yaml, line 3: body_nouns: unknown type 'firm'"),
    ("neutral: [сказать]\ncited_words: слово\n", "verbs.yaml, line 2: 'cited_words' must be"),
    ("neutral: [сказать]\nanonymous_sources: [источник]\n",
     "verbs.yaml, line 2: 'anonymous_sources' belongs in the actor registry (actors.yaml)"),
])
def test_verbs_file_errors_name_file_and_line(tmp_path, text, message):
    from framing.quotes import ReportingVerbs
    from framing.yamlio import ResourceError

    f = tmp_path / "verbs.yaml"
    f.write_text(text, encoding="utf-8")
    with pytest.raises(ResourceError) as err:
        ReportingVerbs.from_yaml(f)
    assert message in str(err.value)


def test_distancing_particle_inside_the_content_is_not_the_reporter(annotate, registry,
                                                                    quote_finder):
    (q,) = _quotes(annotate, registry, quote_finder, "Песков сказал, что сделка якобы сорвана.")
    assert (q.speaker, q.verb_type) == ("Дмитрий Песков", "neutral")


def test_short_quote_after_a_colon_is_direct_speech(annotate, registry, quote_finder):
    qs = _quotes(annotate, registry, quote_finder, "Захарова констатировала: «Это провокация».")
    direct = [(q.text, q.speaker, q.verb) for q in qs if q.kind == "direct"]
    assert direct == [("Это провокация", "Мария Захарова", "констатировала")]
    # a short name in guillemets inside reported speech stays a name
    qs = _quotes(annotate, registry, quote_finder, "По словам Пескова, «Геополитика» закрыта.")
    assert [q.kind for q in qs] == ["indirect"]


def test_attribution_noun_types_are_validated(tmp_path):
    from framing.quotes import ReportingVerbs
    from framing.yamlio import ResourceError

    f = tmp_path / "verbs.yaml"
    f.write_text("neutral: [сказать]\nattribution_nouns:\n  rumour: [слух]\n", encoding="utf-8")
    with pytest.raises(ResourceError, match="verbs.yaml, line 3: attribution_nouns: unknown "
                                            "type 'rumour'"):
        ReportingVerbs.from_yaml(f)
    f.write_text("neutral: [сказать]\nattribution_nouns: [слово]\n", encoding="utf-8")
    assert ReportingVerbs.from_yaml(f).attribution == {"слово": "neutral"}


@pytest.mark.parametrize("text", [
    # an outlet's source is not the outlet, nor the person named before it
    "Песков отказался от комментариев. По данным источников «Медузы», решение уже принято.",
    "Лавров прилетел в Анкару. «Это сработало», — утверждает собеседник «Медузы».",
    # close to someone is not that someone
    "По словам источника, близкого к Путину, встреча не состоится.",
    # one of a group is unnamed
    "Шойгу посетил завод. «Ничего секретного там не было», — говорит один из военных экспертов.",
])
def test_anonymous_sources_are_no_named_actor(annotate, registry, quote_finder, text):
    [q] = _quotes(annotate, registry, quote_finder, text)
    assert (q.speaker, q.resolution) == ("", "anonymous"), q


def test_named_source_in_apposition_is_the_speaker(annotate, registry, quote_finder):
    [q] = _quotes(annotate, registry, quote_finder,
                  "Наш собеседник Дмитрий Песков заявил, что переговоры продолжатся.")
    assert q.speaker == "Дмитрий Песков"


def test_name_before_the_verb_beats_a_title_phrase(annotate, registry, quote_finder):
    # the parser leaves the name outside the title's phrase; a country inside it must not make
    # the title a descriptor of that country's leader
    [q] = _quotes(annotate, registry, quote_finder,
                  "Бывший главный редактор «России 2», а теперь ведущий «Матч ТВ» Дмитрий "
                  "Губерниев отметил, что ему нечего сказать.")
    assert q.speaker == "Дмитрий Губерниев", q


def test_person_in_a_clause_of_the_speaker_phrase_is_not_the_speaker(annotate, registry,
                                                                      quote_finder):
    [q] = _quotes(annotate, registry, quote_finder,
                  "Адвокат Виталий Сердюк, представляющий интересы Виктора Януковича, заявил, "
                  "что бывший президент Украины живет в Ростове.")
    assert q.speaker == "Виталий Сердюк", q
    assert "Ростове" not in q.speaker_text


@pytest.mark.parametrize("text,speaker,resolution", [
    # a plural pronoun is a group, not the nearest single person
    ("Мишустин посетил клинику. Врачи говорят, что пациентка реагирует на команды. Они "
     "предупреждают, что опасность не миновала.", "врач", "collective"),
    ("Лавров прилетел в Кемерово. Силовики никого не пропустили на территорию. Они сказали, что "
     "у них приказ.", "силовик", "collective"),
    ("Песков и Лавров встретились с журналистами. Они объяснили, что помощь будет.",
     "Дмитрий Песков", "pronoun"),
])
def test_plural_pronoun_speaker(annotate, registry, quote_finder, text, speaker, resolution):
    [q] = [q for q in _quotes(annotate, registry, quote_finder, text) if "Они" in q.speaker_text]
    assert (q.speaker, q.resolution) == (speaker, resolution), q


def test_demonstrative_and_occupation_titles(annotate, registry, quote_finder):
    qs = _quotes(annotate, registry, quote_finder,
                 "Адвокат спросил Лаврова о наградах, и тот ответил, что не будет отвечать.")
    assert [(q.speaker, q.resolution) for q in qs] == [("Сергей Лавров", "pronoun")]
    qs = _quotes(annotate, registry, quote_finder,
                 "Об этом написал Дмитрий Песков. На следующий день врач уточнил, что не хотел "
                 "никого обидеть.")
    assert [(q.speaker, q.resolution) for q in qs] == [("Дмитрий Песков", "title")]


@pytest.mark.parametrize("text,speaker", [
    # a dash inside the content comes before the interrupting clause
    ("«Это один из законных способов — тот самый сбор, который хотят запретить, — отмечает "
     "Песков. — Мы не готовы его запрещать».", "Дмитрий Песков"),
    ("Лавров выступил в Женеве. «Нет денег, а главное — нет желания, — писал он. — Куда там до "
     "истории».", "Сергей Лавров"),
])
def test_interrupting_clause_is_the_one_with_a_reporting_verb(annotate, registry, quote_finder,
                                                              text, speaker):
    qs = _quotes(annotate, registry, quote_finder, text)
    assert qs and all(q.speaker == speaker for q in qs), qs
    assert not any("отмечает" in q.text or "писал" in q.text for q in qs), qs


def test_bare_title_refers_to_the_person_introduced_with_it(annotate, registry, quote_finder):
    text = ("Фильм снял режиссер Алексей Пиманов. По его словам, идею предложил министр обороны "
            "Сергей Шойгу. «Он сказал, что нужно честное кино», — рассказывал режиссер.")
    qs = [q for q in _quotes(annotate, registry, quote_finder, text) if q.kind == "direct"]
    assert [(q.speaker, q.resolution) for q in qs] == [("Алексей Пиманов", "title")], qs


def test_possessor_in_the_speaker_phrase_is_not_the_speaker(annotate, registry, quote_finder):
    [q] = _quotes(annotate, registry, quote_finder,
                  "По мнению полпреда президента РФ в округе Виктора Ишаева, оптимальное число "
                  "часовых поясов — два.")
    assert q.speaker == "Виктор Ишаев", q


@pytest.mark.parametrize("text", [
    "В прокат вышел «Крым» — фильм Алексея Пиманова, рассказывающий о событиях 2014 года.",
    "Деревья высадили компании «Стройиндустрия» и «Гриндор» — с ними были заключены контракты.",
    "Поездку оплачивал «Российский фонд мира» — депутат говорил, что это обошлось недорого.",
    "Как утверждает Песков, «Город» — это не та программа, о которой заявляли власти.",
])
def test_names_in_guillemets_before_a_dash_are_not_quotes(annotate, registry, quote_finder, text):
    qs = _quotes(annotate, registry, quote_finder, text)
    assert not [q for q in qs if q.kind == "direct"], qs


def test_short_quote_before_a_reporting_clause_is_still_speech(annotate, registry, quote_finder):
    qs = _quotes(annotate, registry, quote_finder, "«Хорошо», — сказал Лавров.")
    assert [(q.text, q.speaker) for q in qs] == [("Хорошо", "Сергей Лавров")]


def test_outlet_noun_refers_back_to_the_named_outlet(annotate, registry, quote_finder):
    text = ("Статью опубликовал журнал Foreign Policy. Путин хочет поддерживать режим Асада, "
            "сообщает издание.")
    qs = _quotes(annotate, registry, quote_finder, text)
    assert [(q.speaker, q.resolution) for q in qs] == [("Foreign Policy", "title")], qs


def test_pronoun_after_an_anonymous_source_is_anonymous(annotate, registry, quote_finder):
    text = ("А источник, работавший с Лавровым в министерстве, обращает внимание на другое. "
            "«Я уверен, что этого быть не могло», — говорит он.")
    qs = _quotes(annotate, registry, quote_finder, text)
    assert [(q.speaker, q.resolution) for q in qs if q.kind == "direct"] == [("", "anonymous")]
    # a named subject after the source is still the referent
    text = ("Источник сообщил о встрече. Песков подтвердил ее. «Это так», — сказал он.")
    qs = _quotes(annotate, registry, quote_finder, text)
    assert [(q.speaker, q.resolution) for q in qs if q.kind == "direct"] == [
        ("Дмитрий Песков", "pronoun")]


def test_pronoun_prefers_the_attributed_speaker_over_a_possessor(annotate, registry, quote_finder):
    text = ("По мнению Дмитрия Пескова, правительство требует выполнять указ Путина. По его "
            "словам, вузы вынуждены сокращать штаты.")
    qs = _quotes(annotate, registry, quote_finder, text)
    assert [q.speaker for q in qs] == ["Дмитрий Песков", "Дмитрий Песков"], qs


def test_feminine_pronoun_skips_a_man(annotate, registry, quote_finder):
    text = ("Видениус собрал подписи против сделки. Еврокомиссия закончила расследование. "
            "В декабре она заявила, что не видит в сделке противоречий.")
    qs = _quotes(annotate, registry, quote_finder, text)
    assert [q.speaker for q in qs if "противоречий" in q.text] == [""], qs


@pytest.mark.parametrize("text,speaker", [
    ('"Нужно восстановить доверие", - заявил Лавров.', "Сергей Лавров"),  # wire-copy quotes
    ('Дмитрий Песков: "Мы все знаем, что положение очень тяжелое, и молимся о мире".',
     "Дмитрий Песков"),  # interview style
    ("«Это не запрет на квоты», — заявил в преддверии переговоров главный санитарный врач "
     "Геннадий Онищенко.", "Геннадий Онищенко"),  # the nominative after the verb
])
def test_more_direct_speech_forms(annotate, registry, quote_finder, text, speaker):
    qs = _quotes(annotate, registry, quote_finder, text)
    assert [(q.kind, q.speaker) for q in qs] == [("direct", speaker)], qs


def test_name_the_ner_missed_is_still_the_speaker(annotate, registry, quote_finder):
    qs = _quotes(annotate, registry, quote_finder,
                 "Константин Косачев выступил в Совете Федерации. Косачев заявил, что Россия не "
                 "заинтересована в дестабилизации партнера.")
    assert [(q.speaker, q.resolution) for q in qs] == [("Константин Косачев", "name")], qs


def test_unpaired_straight_quotes_are_ignored():
    assert quote_spans('Он сказал: "да. А потом ушел.') == []
    assert quote_spans('Сумма 5" и 7" дюймов.') == []


@pytest.mark.parametrize("text,speaker", [
    ('"Проблема не в том, что Facebook хранит данные", - цитирует NEWSru.com Макса Шремса.',
     "Макс Шремс"),
    ('"Мы условились продолжить координацию", — цитируют «Вести» заявление Владимира Путина.',
     "Владимир Путин"),
    ("«Ты прав, кино должно быть таким», — передает Пиманов слова Сергея Шойгу.",
     "Сергей Шойгу"),
    # the outlet told, hung on the place noun by the parse, is not who speaks
    ("В министерстве юстиции «Медузе» сообщили, что проверки проводятся по плану.",
     "министерство юстиции"),
    ("В департаменте транспорта Москвы «Медузе» сказали, что поддержат любое решение.",
     "департамент транспорта Москвы"),
    # guard: an organisation in guillemets whose document it is
    ("Как сообщается в пресс-релизе «Роснефти», BP стала вторым акционером компании.",
     "Роснефть"),
])
def test_the_cited_person_or_the_place_speaks_not_the_outlet(annotate, registry, quote_finder,
                                                             text, speaker):
    qs = _quotes(annotate, registry, quote_finder, text)
    assert [q.speaker for q in qs] == [speaker], qs


def test_spokesperson_of_a_named_body_speaks_for_it(annotate, registry, quote_finder):
    qs = _quotes(annotate, registry, quote_finder,
                 '"Мы предлагаем нашу самую ценную собственность", - сказал представитель '
                 'Microsoft.')
    assert [(q.speaker, q.resolution) for q in qs] == [("Microsoft", "descriptor")], qs


@pytest.mark.parametrize("text,speaker,resolution", [
    ("Согласно Лаврову, переговоры зашли в тупик.", "Сергей Лавров", "name"),
    ("Согласно источнику в правительстве, встреча не состоится.", "", "anonymous"),
])
def test_soglasno_attributes_like_po_slovam(annotate, registry, quote_finder, text, speaker,
                                            resolution):
    qs = _quotes(annotate, registry, quote_finder, text)
    assert [(q.kind, q.speaker, q.resolution) for q in qs] == [("indirect", speaker, resolution)]


def test_soglasno_a_law_is_no_speaker(annotate, registry, quote_finder):
    assert _quotes(annotate, registry, quote_finder,
                   "Согласно закону, выборы проводятся раз в пять лет.") == []


def test_feminine_title_names_the_woman_not_the_nearest_man(annotate, registry, quote_finder):
    text = ("Мария Захарова сообщила Сергею Лаврову, что договор расторгнут. «Вы не оправдали "
            "наших ожиданий», — сказала женщина.")
    qs = [q for q in _quotes(annotate, registry, quote_finder, text) if q.kind == "direct"]
    assert [q.speaker for q in qs] == ["Мария Захарова"], qs


def test_citing_verbs_come_from_the_verbs_file(annotate, registry, tmp_path):
    doc = annotate('"Данные никто не защищает", - цитирует NEWSru.com Макса Шремса.')
    ms = find_mentions(doc, registry)
    plain = _finder(tmp_path, registry, "opinion: [цитировать]\n").find(doc, ms)
    assert [q.speaker for q in plain] != ["Макс Шремс"]
    cited = _finder(tmp_path, registry, "opinion: [цитировать]\n"
                    "citing_verbs: [цитировать]\ncited_words: [слово]\n").find(doc, ms)
    assert [q.speaker for q in cited] == ["Макс Шремс"]


@pytest.mark.parametrize("text,speaker,resolution", [
    # a bare body noun refers back to the organisation named before
    ("«Газпром» подписал контракт на поставки. Компания заявила, что поставки начнутся в мае.",
     "Газпром", "title"),
    # a noun of a kind of body only to one whose name holds it
    ("Мосгорсуд рассмотрел жалобу. Суд заявил, что оснований для пересмотра нет.",
     "Мосгорсуд", "title"),
    # «правительство», «государство»: the state the text names most
    ("Россия провела учения, Китай прислал наблюдателей, а Москва их приняла. По оценкам "
     "правительства, учения прошли успешно.", "Россия", "title"),
    # «по мнению обоих»: the coordinated persons just named (the first of them)
    ("Лавров и Песков провели встречу в Минске. По мнению обоих, диалог возможен.",
     "Сергей Лавров", "pronoun"),
])
def test_body_nouns_and_both_refer_back(annotate, registry, quote_finder, text, speaker,
                                        resolution):
    qs = [q for q in _quotes(annotate, registry, quote_finder, text) if q.kind == "indirect"]
    assert [(q.speaker, q.resolution) for q in qs] == [(speaker, resolution)], qs


@pytest.mark.parametrize("text,speaker", [
    # a body with a description of its own is a new one, not the one named before
    ("«Газпром» подписал контракт на поставки. Европейская компания заявила, что поставок не "
     "будет.", ""),
    # a court of any name is not the organisation named before: an unnamed court speaks
    ("«Газпром» подписал контракт на поставки. Суд заявил, что оснований для пересмотра нет.",
     "суд"),
    # «по заявлениям мэрии» with no city hall named: the unnamed body, not no one
    ("Ремонт моста начался в марте. По заявлениям мэрии, работы закончатся к осени.", "мэрия"),
])
def test_described_or_unnamed_bodies_are_not_the_one_named_before(annotate, registry,
                                                                  quote_finder, text, speaker):
    qs = [q for q in _quotes(annotate, registry, quote_finder, text) if q.kind == "indirect"]
    assert [q.speaker for q in qs] == [speaker], qs
    assert qs[0].resolution == ("collective" if speaker else "unresolved"), qs


_HARSH = "«Условия содержания заключенных остаются очень тяжелыми»"


@pytest.mark.parametrize("text,speaker,resolution", [
    (f"Вышел отчет Общественной палаты о тюрьмах. {_HARSH}, — сообщает отчет.",
     "Общественная палата", "document"),
    # no issuer named: the document speaks for no one we know
    (f"Песков прибыл в Минск. {_HARSH}, — указано в документе.", "", "document"),
    # an unnamed group issues it
    (f"{_HARSH}, — указано в петиции жителей района.", "житель", "collective"),
])
def test_a_document_speaks_for_its_named_issuer(annotate, registry, quote_finder, text,
                                                speaker, resolution):
    qs = [q for q in _quotes(annotate, registry, quote_finder, text) if q.kind == "direct"]
    assert [(q.speaker, q.resolution) for q in qs] == [(speaker, resolution)], qs


@pytest.mark.parametrize("text,speaker,resolution", [
    # a name the NER missed, with a relative clause of its own
    ("Мякинен, который известен как специалист по экономике, считает, что реформы нужны.",
     "Мякинен", "name"),
    # more titles that refer back: «вице-мэр», «физик»
    ("Вице-мэр Петр Сидоров посетил стройку. «Работы идут строго по плану», — сказал вице-мэр.",
     "Петр Сидоров", "title"),
    ("Физик Андрей Гейм выступил в Москве. По мнению физика, графен изменит электронику.",
     "Андрей Гейм", "title"),
])
def test_more_speakers_that_refer_back(annotate, registry, quote_finder, text, speaker,
                                       resolution):
    qs = _quotes(annotate, registry, quote_finder, text)
    assert [(q.speaker, q.resolution) for q in qs] == [(speaker, resolution)], qs


@pytest.mark.parametrize("text,not_speaker,prefix", [
    # the body hanging from the noun speaks, not the state inside its name
    ("Пресс-служба Федерации керлинга России сообщила, что турнир перенесен на осень.",
     "Россия", "Федерация керлинга"),
])
def test_a_press_service_speaks_for_the_body_it_names(annotate, registry, quote_finder, text,
                                                      not_speaker, prefix):
    (q,) = _quotes(annotate, registry, quote_finder, text)
    assert q.speaker != not_speaker and q.speaker.startswith(prefix), q
    assert q.resolution == "descriptor"


def test_experts_of_a_named_body_are_the_body(annotate, registry, quote_finder):
    (q,) = _quotes(annotate, registry, quote_finder,
                   "Эксперты Газпромбанка пишут, что ставка останется высокой до весны.")
    assert (q.speaker, q.resolution) == ("Газпромбанк", "descriptor"), q
    # without a body in the phrase the experts stay an unnamed collective
    (q,) = _quotes(annotate, registry, quote_finder,
                   "Эксперты пишут, что ставка останется высокой до весны.")
    assert (q.speaker, q.resolution) == ("эксперт", "collective"), q


@pytest.mark.parametrize("text,speaker,resolution", [
    # a representative of a body named with it just before is that person
    ("Директор по развитию Газпромбанка в Сибири Ольга Петрова выступила на форуме. «Мы будем "
     "открывать отделения в малых городах», — отметила представитель Газпромбанка.",
     "Ольга Петрова", "title"),
    # nobody of that body named nearby: the body speaks
    ("Ольга Петрова выступила на форуме. «Мы будем открывать отделения», — отметил "
     "представитель Газпромбанка.", "Газпромбанк", "descriptor"),
    # a descriptor phrase refers back to the person introduced with it
    ("Иван Соколов, бывший соратник диктатора, уехал из страны в 1990 году. «Режим долго не "
     "продержится», — отмечает бывший соратник диктатора.", "Иван Соколов", "title"),
    # nobody introduced so: an unnamed acquaintance is no one named nearby
    ("Иван Соколов уехал из страны в 1990 году. «Режим долго не продержится», — отмечает "
     "бывший сосед семьи.", "", None),
    # a bare noun for a person not in the lists, too
    ("Пресс-конференцию созвал заслуженный артист России Тимур Бадалбейли. «Мы просто "
     "высказали свое мнение», — заявил артист.", "Тимур Бадалбейли", "title"),
    ("Пресс-конференцию созвал Тимур Бадалбейли. «Мы просто высказали свое мнение», — "
     "заявил артист.", "", None),
])
def test_a_phrase_naming_someone_refers_back_to_who_was_introduced_with_it(
        annotate, registry, quote_finder, text, speaker, resolution):
    (q,) = _quotes(annotate, registry, quote_finder, text)
    assert q.speaker == speaker, q
    assert resolution is None or q.resolution == resolution, q


def test_a_possessor_is_not_the_speaker(annotate, registry, quote_finder):
    # introduced with the noun: that person speaks
    text = ("Мария Левина, племянница Бродского, выпустила книгу воспоминаний. В ней племянница "
            "Бродского пишет: «Город тогда был совсем другим».")
    qs = _quotes(annotate, registry, quote_finder, text)
    assert qs and [(q.speaker, q.resolution) for q in qs] == [("Мария Левина", "title")] * len(
        qs), qs
    # not introduced: an unnamed relation, never the person whose relation it is
    text = ("Бродский много писал о городе. По словам соседа Бродского, он часто гулял "
            "по набережной.")
    qs = _quotes(annotate, registry, quote_finder, text)
    assert qs and [(q.speaker, q.resolution) for q in qs] == [("", "unresolved")] * len(qs), qs
    # an acquaintance (`unnamed_nouns`) is an anonymous source, unless introduced
    qs = _quotes(annotate, registry, quote_finder, text.replace("соседа", "знакомого"))
    assert qs and [(q.speaker, q.resolution) for q in qs] == [("", "anonymous")] * len(qs), qs
    text = ("У Бродского был знакомый Иван Петров. По словам знакомого, город тогда был "
            "совсем другим.")
    qs = _quotes(annotate, registry, quote_finder, text)
    assert [(q.speaker, q.resolution) for q in qs] == [("Иван Петров", "title")], qs


def test_the_verbs_gender_picks_the_person(annotate, registry, quote_finder):
    text = ("Анна Смирнова пришла вместе с Петром Волковым. «Все уже решено», — сказал "
            "мужчина.")
    (q,) = _quotes(annotate, registry, quote_finder, text)
    assert (q.speaker, q.resolution) == ("Петр Волков", "title"), q


@pytest.mark.parametrize("text,speaker,resolution", [
    # titles added after the seed-9090 and seed-5151 audits: «генпрокурор», «создатель X»,
    # «единоросс» refer back to the person just named
    ("Генеральный прокурор Игорь Краснов провел совещание. «Проверки будут продолжены», — "
     "сказал генпрокурор.", "Игорь Краснов", "title"),
    ("В 2010 году Иван Кудрин запустил сервис доставки. «Прибыль растет», — утверждает "
     "создатель сервиса.", "Иван Кудрин", "title"),
    ("Депутат Андрей Исаев выступил против поправок. «Это популизм», — говорит единоросс.",
     "Андрей Исаев", "title"),
    ("Политик Илья Яшин вышел на митинг. «Мы придем снова», — заявил оппозиционер.",
     "Илья Яшин", "title"),
    # a title after an anonymous source as subject is that source, not the person it spoke of
    ("Источники в партии рассказали, что в мэрии недовольны Петром Волковым. «Он набрал "
     "слишком много голосов», — отмечает единоросс.", "", "anonymous"),
])
def test_unlisted_titles_and_anonymous_sources_behind_a_title(annotate, registry, quote_finder,
                                                              text, speaker, resolution):
    qs = [q for q in _quotes(annotate, registry, quote_finder, text) if q.kind == "direct"]
    assert [(q.speaker, q.resolution) for q in qs] == [(speaker, resolution)], qs


def test_a_gerund_taken_for_a_name_is_no_subject(annotate, registry, quote_finder):
    text = ("Оговариваясь, что Иванова имела полное право на свои действия, Петр Коплин все же "
            "отмечает: их подходы отличались во всем.")
    (q,) = _quotes(annotate, registry, quote_finder, text)
    assert (q.speaker, q.resolution) == ("Петр Коплин", "name"), q


def test_people_from_a_named_body_speak_for_it(annotate, registry, quote_finder):
    (q,) = _quotes(annotate, registry, quote_finder, "Оппоненты мэра из Партии роста заявляют, "
                   "что деньги распределяются нечестно.")
    assert (q.speaker, q.resolution) == ("Партия роста", "descriptor"), q
    # without «из» the opponents of someone are not their body
    (q,) = _quotes(annotate, registry, quote_finder, "Оппоненты мэра заявляют, что деньги "
                   "распределяются нечестно.")
    assert (q.speaker, q.resolution) == ("оппонент", "collective"), q


def test_zametil_reports_and_splits_an_interrupted_quote(annotate, registry, quote_finder):
    # «заметил» is a reporting verb: the clause with it interrupts the quote, not the stretch
    # between the dashes inside the content
    text = ("Министр финансов Антон Силуанов выступил в Думе. «У нас люди изобретательные — сразу "
            "придумают другие схемы, вроде бы законные, — заметил министр. — Контроль нужен "
            "строже».")
    qs = _quotes(annotate, registry, quote_finder, text)
    assert [(q.text[:6], q.speaker) for q in qs] == [("У нас ", "Антон Силуанов"),
                                                      ("Контро", "Антон Силуанов")], qs


def test_a_noun_of_the_quote_is_not_the_subject_of_its_verb(annotate, registry, quote_finder):
    text = ("Председатель СК Александр Бастрыкин ответил критикам. Об этом глава СК писал и на "
            "своей странице в блоге в марте 2019-го и среди прочего замечал: «Все мои попытки "
            "опровергнуть это ложное утверждение через редакцию журнала оказались "
            "безуспешными».")
    qs = _quotes(annotate, registry, quote_finder, text)
    assert qs and {(q.speaker, q.resolution) for q in qs} == {("Александр Бастрыкин",
                                                               "title")}, qs


@pytest.mark.parametrize("text", [
    # the name in a clause interrupting a quote is the narrator's: a later title refers to it
    "«Мы не уступим, — заявил Андрей Петров. — Это принципиально». Позже политик признал, что "
    "протестовать нужно цивилизованно.",
    # a person inside an adverbial participle's clause is what it is about, not the title's
    "«Мы не уступим, — заявил Андрей Петров. — Это принципиально». Комментируя выставку Вадима "
    "Сидура, политик признал, что протестовать нужно цивилизованно.",
])
def test_a_title_refers_past_quote_clauses_and_gerund_clauses(annotate, registry, quote_finder,
                                                              text):
    q = [q for q in _quotes(annotate, registry, quote_finder, text) if q.kind == "indirect"][-1]
    assert (q.speaker, q.resolution) == ("Андрей Петров", "title"), q


def test_oni_sami_are_the_people_just_named_in_their_sentence(annotate, registry, quote_finder):
    text = ("Активисты вышли на акцию протеста. Многих врачей, как говорят они сами, уволили без "
            "предупреждения.")
    qs = [q for q in _quotes(annotate, registry, quote_finder, text) if q.speaker_text == "они"]
    assert [(q.speaker, q.resolution) for q in qs] == [("врач", "collective")], qs


@pytest.mark.parametrize("text,speaker,resolution", [
    # titles added after the seed-7373 audit: sports roles and «феминистка» refer back
    ("Форвард Олег Смирнов сменил за карьеру девять клубов. «Каждый переход был объясним», — "
     "объяснял нападающий в интервью.", "Олег Смирнов", "title"),
    ("«Мы против цензуры», — заявила Анна Кравец. Как объяснила феминистка на своей странице, "
     "петицию подписали тысячи человек.", "Анна Кравец", "title"),
    # after the seed-1212 audit: more nouns that refer back to the person just named
    ("Анна Котова пока не знает, будут ли свидания продолжаться. Тем не менее супруга "
     "убеждена, что встречи должны проходить каждую неделю.", "Анна Котова", "title"),
    ("Ольга Фрейденберг писала о мифах. Например, исследовательница говорит: «Боги не "
     "рождаются христианами».", "Ольга Фрейденберг", "title"),
    # the issuer of an investigation named before it
    ("Он прославился после расследования Фонда борьбы с коррупцией. По данным расследования, "
     "одежду заказывали на его имя.", "Фонд борьбы с коррупцией", "document"),
    # «следствие» with no body named is the unnamed investigation, as «мэрия» is
    ("В офисе компании прошел обыск. Следствие считает, что работы были выполнены на бумаге.",
     "следствие", "collective"),
    # with the committee named before, the committee
    ("Петра Иванова задержали сотрудники Следственного комитета. По версии следствия, он брал "
     "взятки.", "Следственный комитет", "title"),
])
def test_nouns_that_refer_back_and_unnamed_bodies(annotate, registry, quote_finder, text,
                                                   speaker, resolution):
    q = _quotes(annotate, registry, quote_finder, text)[-1]
    assert (q.speaker, q.resolution) == (speaker, resolution), q


@pytest.mark.parametrize("text,speaker,resolution", [
    # readers, supporters of X speak as a group of their own, not as X
    ("Несколько читателей «Медузы» заявили, что учения связаны с чемпионатом.", "читатель",
     "collective"),
    ("Сторонники Навального заявили, что акция пройдет в субботу.", "сторонник", "collective"),
    # a body's own people speak for it (member nouns)
    ("Руководители НАТО подчеркивают, что будут действовать в рамках соглашения.", "НАТО",
     "descriptor"),
])
def test_a_group_of_someones_people_speaks_as_itself_unless_members(
        annotate, registry, quote_finder, text, speaker, resolution):
    qs = _quotes(annotate, registry, quote_finder, text)
    assert [(q.speaker, q.resolution) for q in qs] == [(speaker, resolution)], qs


def test_a_document_the_verb_reports_from_is_the_speaker_not_a_subject_before_it(
        annotate, registry, quote_finder):
    text = ("Правило, согласно которому журналисты должны трижды упомянуть фамилию мэра, указано "
            "в документации к тендеру: «Упоминание ключевых слов не менее трех раз».")
    q = _quotes(annotate, registry, quote_finder, text)[-1]
    assert (q.speaker, q.resolution) == ("", "document"), q


@pytest.mark.parametrize("text,speaker,resolution", [
    # after the seed-8484 audit: an outlet in guillemets between the verb and the speaker
    ("«Программа возродила отрасль», — заявил «Медузе» глава департамента Алексей Елисеев.",
     "Алексей Елисеев", "name"),
    # a name at the very end of an interrupting clause the parse cut short
    ("«Что-то пытались сделать, — признает бывший министр экономики, а теперь бизнесмен Вильям "
     "Дзагоев. — Привезли около тысячи голов».", "Вильям Дзагоев", "name"),
    # the object of the verb is not its subject («карьеру Морозовой»): an unnamed worker
    ("«Музей был его детищем, — объясняет карьеру Морозовой знакомый с ней музейный работник. — "
     "Потом он помог ей».", "", "anonymous"),
])
def test_reporting_clauses_after_or_inside_a_quote(annotate, registry, quote_finder, text,
                                                   speaker, resolution):
    qs = [q for q in _quotes(annotate, registry, quote_finder, text) if q.kind == "direct"]
    assert qs and {(q.speaker, q.resolution) for q in qs} == {(speaker, resolution)}, qs


def test_a_pronoun_speaker_is_not_whom_the_quote_speaks_of(annotate, registry, quote_finder):
    text = ("Певец Адриано Челентано написал письмо, в котором раскритиковал Сильвио Берлускони. "
            "Также в своем письме Челентано призвал итальянцев прийти на референдум.\n\n"
            "«Такой человек, как Берлускони, не может управлять страной. В лучшем случае он "
            "может управлять небольшим племенем», — заявил он.")
    q = [q for q in _quotes(annotate, registry, quote_finder, text) if q.kind == "direct"][-1]
    assert (q.speaker, q.resolution) == ("Адриано Челентано", "pronoun"), q


def test_an_unlisted_verb_opening_the_clause_beats_a_dash_in_the_content(
        annotate, registry, quote_finder):
    text = ("Иван Петров работал в центре три года. «Про экстремизм — сложнее, но нужно сказать, "
            "что у нас всегда была структура, которая контролировала СМИ, — продолжает он. — "
            "Раньше все было менее прозрачно».")
    qs = [q for q in _quotes(annotate, registry, quote_finder, text) if q.kind == "direct"]
    assert {(q.speaker, q.verb) for q in qs} == {("Иван Петров", "продолжает")}, qs


@pytest.mark.parametrize("text,speaker,resolution", [
    # after the seed-9595 audit: a quote opening its sentence, then «, сказал X» with no dash
    ("«Мы готовы к диалогу», сказал Лавров журналистам.", "Сергей Лавров", "name"),
    # the person a citing verb's object names, even behind a long title
    ("«Бюджет будет исполнен», цитирует ТАСС министра финансов Антона Силуанова.",
     "Антон Силуанов", "name"),
])
def test_a_clause_after_a_comma_without_a_dash(annotate, registry, quote_finder, text, speaker,
                                               resolution):
    qs = [q for q in _quotes(annotate, registry, quote_finder, text) if q.kind == "direct"]
    assert [(q.speaker, q.resolution) for q in qs] == [(speaker, resolution)], qs


def test_a_quote_inside_a_reported_sentence_stays_part_of_the_indirect_report(
        annotate, registry, quote_finder):
    text = ("Меркель должна проявить твердость и сказать: «никакого оружия, никаких солдат», "
            "считает Штюрмер.")
    qs = _quotes(annotate, registry, quote_finder, text)
    indirect = [q for q in qs if q.kind == "indirect"]
    assert indirect and indirect[0].text.startswith("Меркель должна"), qs


@pytest.mark.parametrize("text,speaker", [
    # a name in guillemets inside the interrupting clause
    ("«Сумма ущерба маленькая, — говорит Владимир Берхин, президент фонда «Предание». — "
     "Единственное, к чему можно придраться, — это работа несовершеннолетних».",
     "Владимир Берхин"),
    # a clause opening with its verb beats a dash in the content holding «как они считали»
    ("«Министерство не лезло ни во что, — а касалось их, как они считали, регулирование "
     "давления пара, — рассуждает экономист Андрей Мовчан. — Честь им и хвала».",
     "Андрей Мовчан"),
])
def test_the_interrupting_clause_is_the_one_opening_with_its_verb(annotate, registry,
                                                                 quote_finder, text, speaker):
    qs = [q for q in _quotes(annotate, registry, quote_finder, text) if q.kind == "direct"]
    assert qs and {q.speaker for q in qs} == {speaker}, qs


@pytest.mark.parametrize("text,speaker,resolution,content", [
    # after the seed-1313 recall read: reports the finder missed
    ("Москва не видит необходимости расширять формат. Об этом заявил замглавы МИДа Григорий "
     "Карасин.", "Григорий Карасин", "name", "Москва не видит"),
    ("Пресс-служба сообщила о разговоре. Отмечалось, что стороны обсудили кризис.", "",
     "unresolved", "стороны обсудили"),
    ("Его представитель перевернул ситуацию, заявив, что агрессором выступали США.", "",
     "title", "агрессором"),
    ("В мэрии утверждают, что приложения разработали победители тендеров.", "мэрия",
     "collective", "приложения"),
    ("«СТС Медиа» приобрел пакет видеокомпании Caramba TV, пишет «Коммерсант».", "Коммерсант",
     "name", "«СТС Медиа»"),
])
def test_reports_without_a_subject_before_the_verb(annotate, registry, quote_finder, text,
                                                   speaker, resolution, content):
    qs = [q for q in _quotes(annotate, registry, quote_finder, text) if q.kind == "indirect"]
    assert qs and (qs[0].speaker, qs[0].resolution) == (speaker, resolution), qs
    assert qs[0].text.startswith(content), qs


@pytest.mark.parametrize("text", [
    "«Медуза» рассказывает, что известно об этом уголовном деле.",  # a question, not a claim
    # the title of the article a passive verb points to is not its content
    "Он предложил заморозить активы. Об этом говорится в статье «How to punish Putin».",
])
def test_no_report_in_a_question_or_a_title(annotate, registry, quote_finder, text):
    assert _quotes(annotate, registry, quote_finder, text) == []


@pytest.mark.parametrize("text,speaker,content", [
    # after the seed-1414 recall read
    ("Как сообщается в пресс-релизе «Роснефти», ВР стала вторым акционером компании.",
     "Роснефть", "ВР стала"),
    ("Канцелярия премьера Петра Иванова сообщает о том, что на саммит поедет министр.",
     None, "на саммит"),
])
def test_more_report_forms(annotate, registry, quote_finder, text, speaker, content):
    qs = [q for q in _quotes(annotate, registry, quote_finder, text) if q.kind == "indirect"]
    assert qs and qs[0].text.startswith(content), qs
    if speaker is not None:
        assert qs[0].speaker == speaker, qs


@pytest.mark.parametrize("text,speaker,resolution,content", [
    # after quote round 20 (seed 3434): a pronoun after a quote the segmenter kept in the
    # sentence before («… 2000-х. «…», — вспоминает он») is that sentence's subject
    ("Иван Петров познакомился с Сергеем Смирновым в конце 2000-х. «Тогда в моде была "
     "глобализация, глянцевые журналы, — вспоминает он. — Мы были молоды».", "Иван Петров",
     "pronoun", "Тогда в моде"),
    # a gerund hung from a verb whose subject is a thing: one verb further up
    ("Конкурент компании, предприниматель Иван Петров, выступал против того, чтобы слово "
     "«face» ушло к конкурентам, полагая, что также имеет на него права.", "Иван Петров",
     "name", "также имеет"),
    # a body no mention names, named by its own phrase
    ("Администрация метрополитена объясняет, что это нужно, чтобы сократить очереди у касс.",
     "администрация метрополитена", "collective", "это нужно"),
    # «по утверждению X — …»: the dash ends the phrase of who claims it
    ("Среди владельцев — Мария Иванова, по утверждению «Новой газеты» — жена бывшего "
     "полковника ФСО.", "Новая газета", "name", "жена бывшего"),
    # the clause the colon ends reports the quote; the long stretch between dashes inside the
    # quote is content, not an interrupting clause
    ("Вот как это прокомментировал писатель Виктор Шендерович, который провел митинг против "
     "тех, кто вышел на площадь: «К сожалению, церковь – как институт, а не как вера частных "
     "людей – уже давно увязла в политике, и ее участие в этом, заодно с националистами, – "
     "это для меня подтверждение того, что это институт влияния».", "Виктор Шендерович",
     "name", "К сожалению, церковь – как институт"),
])
def test_round_20_forms(annotate, registry, quote_finder, text, speaker, resolution, content):
    qs = _quotes(annotate, registry, quote_finder, text)
    assert qs and qs[0].text.startswith(content), qs
    assert (qs[0].speaker, qs[0].resolution) == (speaker, resolution), qs
    if "Шендерович" in text:  # one quote, the whole of it
        assert len(qs) == 1 and qs[0].text.endswith("институт влияния"), qs


def test_interrupting_clause_with_a_dash_of_its_own(annotate, registry, quote_finder):
    text = ("«Законодатели не додумались написать закон о пожертвованиях, — добавляет Михаил "
            "Лебедев — активист группы «Цветы жизни» (сейчас она называется иначе). — "
            "Юридические лица ограничены только законом».")
    qs = _quotes(annotate, registry, quote_finder, text)
    assert [(q.text[:12], q.speaker, q.verb) for q in qs] == [
        ("Законодатели", "Михаил Лебедев", "добавляет"),
        ("Юридические ", "Михаил Лебедев", "добавляет")]


@pytest.mark.parametrize("text,speaker,content", [
    # a dash inside a name in guillemets does not end «по словам X»
    ("По словам координатора «Вольного дела — Юг» Карины Мираковой, Олег Дерипаска часто "
     "помогает району.", "Карина Миракова", "Олег Дерипаска"),
    # «по данным …» as an aside between dashes is not the report; the sentence's verb is
    ("Источник в мэрии рассказывает, что в этих домах — по данным опроса по телефону — "
     "большинство жителей поддерживают снос.", "", "в этих домах"),
    # «по данным на февраль …» is a date, not a source
    ("По данным на февраль 2013 года ежедневная аудитория «ВКонтакте» — более 43 миллионов "
     "человек.", None, None),
])
def test_dash_after_a_by_phrase(annotate, registry, quote_finder, text, speaker, content):
    qs = [q for q in _quotes(annotate, registry, quote_finder, text) if q.kind == "indirect"]
    if content is None:
        assert qs == []
        return
    assert qs and qs[0].text.startswith(content) and qs[0].speaker == speaker, qs


def test_pronoun_after_a_semicolon_is_the_subject_before_it(annotate, registry, quote_finder):
    text = ("Весной Сергей Бебчук подал на Даниила Туровского иск о защите чести; он указывал, "
            "что расследование нанесло ему страдания.")
    qs = [q for q in _quotes(annotate, registry, quote_finder, text) if q.kind == "indirect"]
    assert [(q.speaker, q.resolution) for q in qs] == [("Сергей Бебчук", "pronoun")], qs


@pytest.mark.parametrize("text,speaker,resolution,content", [
    # after quote round 21 (seed 4545): whom a verb speaks to is not its speaker
    ("Руслан Шамсутдинов пришел в офис. Кроме того, мужчина объяснил Шамсутдинову, что все "
     "расчеты теперь должны идти через банк.", "", "title", "все расчеты"),
    ("Татьяна Попова пришла в офис компании. Однако, когда она пришла в офис компании, ей "
     "заявили, что бесплатно хоронить не собираются: «Либо платите 80 тысяч рублей, либо "
     "покиньте территорию».", "", "unresolved", "Либо платите"),
    # a subject the parser hung on a later verb
    ("В 2015–2016 годах сотрудники «Роснефти», работающие на нефтяных месторождениях "
     "компании, писали, что обслуживанием вахтовых поселков начал заниматься именно "
     "«Конкорд».", "Роснефть", "name", "обслуживанием"),
    # a hyphen joins two titles before the name that ends the report's sentence
    ("Тем не менее в Госдуме опровергают эти функции забора. \"Управление объявило тендер на "
     "установку новой конструкции, однако она не будет превосходить существующую и тем более "
     "не призвана как-то \"отгородить\" палату от граждан\", заявил замглавы аппарата нижней "
     "палаты - начальник управления по связям с общественностью и взаимодействию со СМИ Юрий "
     "Шувалов.", "Юрий Шувалов", "name", None),
])
def test_round_21_forms(annotate, registry, quote_finder, text, speaker, resolution, content):
    qs = _quotes(annotate, registry, quote_finder, text)
    if content is not None:
        qs = [q for q in qs if q.text.startswith(content)]
    assert qs and (qs[0].speaker, qs[0].resolution) == (speaker, resolution), qs


@pytest.mark.parametrize("text,speaker", [
    # a body's own people named by a bare noun speak for the body named before
    ("Компания Yandex подешевела на бирже. По словам представителей компании, глава "
     "по-прежнему оптимистично настроен.", "Yandex"),
    # several bodies: none of them
    ("Компания Yandex подешевела на бирже. Сотрудники заводов говорили, что зарплату не "
     "платят.", "сотрудник"),
])
def test_own_people_of_a_bare_body_noun(annotate, registry, quote_finder, text, speaker):
    qs = [q for q in _quotes(annotate, registry, quote_finder, text) if q.kind == "indirect"]
    assert qs and qs[0].speaker == speaker, qs


@pytest.mark.parametrize("text,named", [
    # a short quote standing where a name does is no naming quote
    ("Еще один акционер — Анатолий Цветков, бывший топ-менеджер группы «1520» (его «Новая "
     "газета» называет одним из выгодополучателей).", []),
    # what the verb names keeps its quote, however the parser hangs it
    ("Пользователи называли фонтан «китчем».", ["китчем"]),
    ("Главы дипведомств охарактеризовали инициативу Вашингтона как «недопустимое внешнее "
     "вмешательство».", ["недопустимое внешнее вмешательство"]),
    ("Важнейшим качеством женщины он назвал «нежность», а своим главным недостатком — "
     "«излишнюю самокритичность».", ["нежность", "излишнюю самокритичность"]),
])
def test_names_in_guillemets_are_not_naming_quotes(annotate, registry, quote_finder, text,
                                                   named):
    qs = _quotes(annotate, registry, quote_finder, text)
    assert [q.text for q in qs if q.kind == "direct"] == named, qs


@pytest.mark.parametrize("text,speaker", [
    # the outlet a publication came out in issues it
    ("19 февраля статья о вспышке дизентерии вышла на Би-би-си. В публикации говорилось, что "
     "чиновники признали вспышку.", "Би-Би-Си"),
    # a document of a person's title: the person the title stands for
    ("Депутат Леонид Слуцкий живет в Москве. В декларации депутата указано, что квартира "
     "находится у него в пользовании.", "Леонид Слуцкий"),
])
def test_document_issuers(annotate, registry, quote_finder, text, speaker):
    qs = [q for q in _quotes(annotate, registry, quote_finder, text) if q.kind == "indirect"]
    assert [(q.speaker, q.resolution) for q in qs] == [(speaker, "document")], qs


def test_pronoun_prefers_the_subject_of_a_reporting_verb(annotate, registry, quote_finder):
    # the subject of «считает», not of the clause it reports
    text = ("Алексей Навальный считает, что Андрей Богданов причастен к попытке «угона» его "
            "партийного бренда. На это, по его словам, указывает то, что фотографию съезда "
            "политтехнолог разместил в своем канале.")
    qs = [q for q in _quotes(annotate, registry, quote_finder, text) if q.verb == "по словам"]
    assert [(q.speaker, q.resolution) for q in qs] == [("Алексей Навальный", "pronoun")], qs


def test_bare_title_follows_its_own_chain(annotate, registry, quote_finder):
    # «активист» twice as a subject: the names of the middle sentence are whom it criticises
    text = ("В 2017 году Виталий Серуканов стал заместителем главы штаба. В конце декабря "
            "активист написал пост с резкой критикой в адрес главы штаба Леонида Волкова. В "
            "частности, активист сообщил, что «верификация подписей полностью провалена».")
    qs = [q for q in _quotes(annotate, registry, quote_finder, text) if q.kind == "direct"]
    assert [(q.speaker, q.resolution) for q in qs] == [("Виталий Серуканов", "title")], qs


@pytest.mark.parametrize("text,speaker,content", [
    # a person named in apposition after «по словам X,»
    ("По словам члена комиссии, журналистки Евы Меркачевой, условия в колонии ухудшились.",
     "Ева Меркачева", "условия"),
    # a name after the comma that is the content's object is no apposition
    ("По словам собеседников «Медузы», Леонида Слуцкого, не обладающего опытом, не "
     "воспринимают всерьез.", "", "Леонида Слуцкого"),
])
def test_apposition_after_a_by_phrase(annotate, registry, quote_finder, text, speaker, content):
    qs = [q for q in _quotes(annotate, registry, quote_finder, text) if q.kind == "indirect"]
    assert qs and qs[0].text.startswith(content) and qs[0].speaker == speaker, qs


@pytest.mark.parametrize("text,content", [
    # someone new and unnamed: not the person named before with that noun
    ("Электромонтер Павел ехал в Вилючинск за зарплатой. По словам еще одного его коллеги, "
     "рабочим выдали по две тысячи рублей.", "рабочим"),
    ("Свидетель Иван Орлов видел пожар. Другой свидетель утверждал, что огня не было.",
     "огня"),
    # an acquaintance speaks, not the person it is the acquaintance of
    ("Знакомый Андрея Жукова рассказал, что тот давно собирал шевроны.", "тот давно"),
])
def test_an_unnamed_person_speaks_anonymously(annotate, registry, quote_finder, text, content):
    qs = [q for q in _quotes(annotate, registry, quote_finder, text)
          if q.text.startswith(content)]
    assert [(q.speaker, q.resolution) for q in qs] == [("", "anonymous")], qs


def test_a_pronoun_after_an_unnamed_persons_report_is_that_person(annotate, registry,
                                                                  quote_finder):
    text = ("«Это опасное увлечение», — признает знакомый Андрея Жукова. По его словам, "
            "интерес к разведке мог привлечь внимание.")
    qs = [q for q in _quotes(annotate, registry, quote_finder, text)
          if q.text.startswith("интерес")]
    assert [(q.speaker, q.resolution) for q in qs] == [("", "anonymous")], qs
    # an unnamed person who did not report is no antecedent
    text = ("Врача Евгении Ликуновой порекомендовали знакомые. «Он принес листочки», — "
            "рассказывает она.")
    qs = _quotes(annotate, registry, quote_finder, text)
    assert [q.speaker for q in qs if q.text.startswith("Он принес")] == ["Евгения Ликунова"], qs



def test_a_dash_and_a_conjunction_go_on_with_the_subject_before_the_quote(
        annotate, registry, quote_finder):
    text = ("Учительница химии Анна Зозуля ездила во Францию. Она называет эту поездку "
            "«единичным поступком в истории человечества» — и добавляет, что Олег Дерипаска "
            "часто поощряет учителей.")
    qs = _quotes(annotate, registry, quote_finder, text)
    assert {q.speaker for q in qs} == {"Анна Зозуля"}, qs
    # guard: a conjunction with a subject of its own after the verb
    qs = _quotes(annotate, registry, quote_finder,
                 "«Я бы его приравнял к Киссинджеру», — и вовсе заявил Владимир Жириновский.")
    assert [q.speaker for q in qs] == ["Владимир Жириновский"], qs


def test_a_question_to_the_interviewee_is_no_report(annotate, registry, quote_finder):
    text = ("— Вы не думали, что вам стоит работать в другом комитете? — Может быть, и так, — "
            "ответил Алексей Чепа.")
    qs = _quotes(annotate, registry, quote_finder, text)
    assert [q.speaker for q in qs] == ["Алексей Чепа"], qs
    # guard: a statement about what «вы» say is still reported («Вы говорите, что …»)
    qs = _quotes(annotate, registry, quote_finder, "Вы говорите, что все решено.")
    assert [q.text for q in qs] == ["все решено"], qs


def test_a_person_between_a_things_subject_and_the_verb_speaks(annotate, registry,
                                                              quote_finder):
    text = ("Его роль, правда, остается неопределенной, но, например, пресс-секретарь Путина "
            "Дмитрий Песков, комментируя разработку проекта, заявил: «Он один из лучших "
            "министров финансов в мире».")
    qs = _quotes(annotate, registry, quote_finder, text)
    assert qs and {q.speaker for q in qs} == {"Дмитрий Песков"}, qs


def test_they_are_people_or_bodies_not_things(annotate, registry, quote_finder):
    text = ("В ноябре чеченские силовики не пропустили туда представителей тейпов, чьи родовые "
            "башни находятся в Сунженском районе. Они сказали, что у них приказ никого не "
            "пускать.")
    qs = _quotes(annotate, registry, quote_finder, text)
    assert [(q.speaker, q.resolution) for q in qs] == [("силовик", "collective")], qs
    # guard: states are things that speak
    text = ("Государства Персидского залива боятся Ирана больше, чем ИГИЛ, и они уверены, что "
            "США готовы уступить.")
    qs = _quotes(annotate, registry, quote_finder, text)
    assert [q.speaker for q in qs] == ["государство"], qs


def test_the_genitive_holder_of_a_by_phrase_speaks(annotate, registry, quote_finder):
    # the parse splits «по мнению опрошенных «Медузой» исследователей»: the researchers speak,
    # not the person named before
    text = ("Эти маневры, по мнению Николая Митрохина, были успешны. По мнению опрошенных "
            "«Медузой» исследователей, новый подъем настроений начался в 2012 году.")
    qs = [q for q in _quotes(annotate, registry, quote_finder, text)
          if q.text.startswith("новый")]
    assert [(q.speaker, q.resolution) for q in qs] == [("исследователь", "collective")], qs


@pytest.mark.parametrize("text,found", [
    # the person an outlet cites, even when the parse makes them a second subject
    ("«Речь шла о том, что нам отключат электроэнергию», — цитирует «Лента.ру» "
     "пресс-секретаря белорусского министерства энергетики Людмилу Зенькович.",
     [("Людмила Зенькович", "name")]),
    # a body's website speaks for the body
    ("Компания «Праймтелеком» арендует опоры. На сайте компании указано, что она также "
     "занимается установкой оборудования.", [("Праймтелеком", "title")]),
])
def test_a_cited_person_and_a_bodys_website(annotate, registry, quote_finder, text, found):
    qs = _quotes(annotate, registry, quote_finder, text)
    assert [(q.speaker, q.resolution) for q in qs] == found, qs


@pytest.mark.parametrize("text", [
    "Инвесторы надеялись на прибыль; представитель одной из компаний говорил, что имидж важнее.",
    "«Тут все зависит от агента», — говорит директор одной из похоронных компаний.",
])
def test_someone_of_one_of_several_bodies_is_anonymous(annotate, registry, quote_finder, text):
    qs = _quotes(annotate, registry, quote_finder, "Мэр Сергей Собянин открыл выставку. " + text)
    assert qs and {(q.speaker, q.resolution) for q in qs} == {("", "anonymous")}, qs


def test_a_gerund_interrupting_a_quote_reports_for_its_verbs_subject(annotate, registry,
                                                                      quote_finder):
    text = ("«Про эту компанию лучше не спрашивайте, — глава ТПП Алан Алборов, говоря о "
            "компании, переходит на шепот. — Там самые высокопоставленные лица».")
    qs = _quotes(annotate, registry, quote_finder, text)
    assert len(qs) == 2 and {q.speaker for q in qs} == {"Алан Алборов"}, qs


@pytest.mark.parametrize("text,speaker", [
    # the outlet told after the verb, then the person named at the end of the clause
    ("«Он любит вертолеты, — рассказывает „Медузе“ первый зампред комитета по делам СНГ, "
     "единоросс Константин Затулин. — Это его страсть».", "Константин Затулин"),
    # the clause ends before a relative clause about the speaker
    ("«Очень сомневаюсь в этом, — сказал „Медузе“ автор книг о советской армии, ветеран "
     "Афганистана Виталий Феськов, который, по его словам, „тесно сотрудничал“ с Жуковым. — "
     "Он просто фанат истории».", "Виталий Феськов"),
])
def test_a_name_ending_the_reporting_clause_after_the_outlet_told(annotate, registry,
                                                                  quote_finder, text, speaker):
    qs = _quotes(annotate, registry, quote_finder, text)
    assert qs and {q.speaker for q in qs} == {speaker}, qs


def test_a_demonstrative_is_the_person_last_named_not_the_subject(annotate, registry,
                                                                  quote_finder):
    text = ("Иван Петров отсудил деньги у Алексея Смирнова, поскольку тот утверждал, что Петров "
            "получил имущество от взяток.")
    qs = _quotes(annotate, registry, quote_finder, text)
    assert [(q.speaker, q.resolution) for q in qs] == [("Алексей Смирнов", "pronoun")], qs


def test_an_impersonal_report_after_a_report_is_that_reporters(annotate, registry,
                                                              quote_finder):
    text = ("Пресс-служба «Газпрома» сообщила о телефонном разговоре. Отмечалось, что стороны "
            "обсудили поставки газа.")
    (q,) = _quotes(annotate, registry, quote_finder, text)
    assert q.speaker == "Газпром", q
    # with no report before it, no one
    text = "Хакера обвинили в краже. Сообщалось, что он был замечен на Мальдивах."
    (q,) = _quotes(annotate, registry, quote_finder, text)
    assert (q.speaker, q.resolution) == ("", "unresolved"), q


@pytest.mark.parametrize("text,speaker,resolution", [
    # a name in apposition to the subject, past a name in guillemets the parse hung elsewhere
    ("Директор ботанического сада МГУ «Аптекарский огород» Иван Петров в беседе с «Медузой» "
     "отметил, что посадка лип в период заморозков вряд ли могла им повредить: «Сейчас "
     "принято сажать и пересаживать деревья с большим замерзшим комом [земли], даже зимой. "
     "Так делают во всем мире».", "Иван Петров", "name"),
    # an organisation a report comes from, which the parse hung on the reported content
    ("В «Мосреалстрое» на вопрос, можно ли купить квартиру в этом доме, ответили, что он «был "
     "снят с продаж по требованию департамента».", "Мосреалстрой", "name"),
    # the name that ends the reporting clause after the title's relative clause
    ("«Нормальные фонды всегда расскажут, куда пошел ваш рубль, — объясняет руководитель "
     "Фонда Анжелы Вавиловой, который помогает детям с лейкемией, Владимир Вавилов. — Сборы "
     "наличных на улице — это зачастую дым».", "Владимир Вавилов", "name"),
    # the writer of a document named before («— пишет автор письма»)
    ("27 января «Медуза» получила письмо Германа Левитаса, преподававшего в школе математику. "
     "«Школа жила как одна семья. Грязные люди всегда могут усмотреть в этом свое. Но в защиту "
     "от них должен выступить каждый», — пишет автор письма.", "Герман Левитас", "document"),
    # a man introduced without a name who reports, and «он» after him, speak anonymously
    ("Шамсутдинов пришел в офис. К беседе присоединился мужчина, который сообщил, что сдает "
     "компании помещения. Он попросил Шамсутдинова «потерпеть», сообщив, что «никто никого "
     "кидать не хочет».", "", "anonymous"),
    # a part of a group of people speaks as that group
    ("Часть депутатов Народного собрания Ингушетии заявила, что их голосование было "
     "сфальсифицировано.", "депутат", "collective"),
    # a body's place in the clause after the comma, the parse hung on the clause before
    ("Там же указан и ISBN книги, но в Книжной палате на письмо «Медузы» ответили, что у них "
     "такая книга не зарегистрирована.", "Книжная палата", "name"),
    # «Там заявили» after a body named in a place the sentence before
    ("В пресс-службе телеканала попросили выслать вопросы, а затем отправили в пресс-службу "
     "«Газпрома». Там заявили, что никаких комментариев не будет.", "Газпром", "descriptor"),
    # «по телефонам компании X»
    ("По телефонам компании «Стройтеплосервис» заявили, что не знакомы с Марковым.",
     "Стройтеплосервис", "name"),
    # an organisation the parse hung on the noun before it, right before its verb
    ("После премьеры фильма Кондрашова УМВД Украины в Черкасской области сообщило, что никто "
     "не погиб.", "Украина", "name"),
    # an indefinite report from a body's reception, told to an outlet
    ("«Мы не имеем опыта работы с журналистами», — заявили «Медузе» в приемной "
     "государственного учреждения «Мосгорнаследие».",
     "государственное учреждение «Мосгорнаследие»", "descriptor"),
    # whom it was told is not who said it
    ("«Мы не комментируем», — заявили «Медузе» в пресс-службе «Газпрома».", "Газпром",
     "descriptor"),
    # a subject the parse hung on the reported clause, adverbs between it and the verb
    # a plural participle for a group of people
    ("Несколько школьников попали в больницы. Протестующие называли ситуацию в Волоколамске "
     "«общественной и гражданской катастрофой».", "протестующий", "collective"),
    ("Собравшиеся заявили, что не уйдут.", "собравшийся", "collective"),
    # a subject before a gerund's clause; one a parse hung on the clause before a colon
    ("В тот же день агентство ТАСС, ссылаясь на свои источники, написало, что «Нуреева» "
     "отменили по прямому распоряжению министра.", "ТАСС", "name"),
    ("Его имя и усадьба даже всплывали в суде по делу БОРН : несколько подсудимых на допросах "
     "заявили , что тренировки по рукопашному бою активисты организации проводили именно на "
     "землях Стерлигова.", "подсудимый", "collective"),
    # a body's branch, its name in guillemets with a dash
    ("«Медузе» не удалось связаться с Морозовой; в петербургском филиале парка «Россия — моя "
     "история» заявили, что она находится в отпуске.",
     "петербургский филиал парка «Россия — моя история»", "collective"),
    # an outlet the parse left without a verb; a party the parse made the root
    ("Нужно было платить взнос (издание «РусБизнесНьюс» утверждало , что на взносах Стерлигов "
     "заработал два миллиона евро).", "РусБизнесНьюс", "name"),
    ("Как сообщили «Медузе» в Партии возрождения России, там в итоге решили, «что это не самая "
     "насущная тема».", "Партия возрождения России", "descriptor"),
    # bodies in the plural: the bodies as a group, not the places in their phrase
    ("Как рассказали «Медузе» в трех компаниях Сибири и Поволжья, у них возникли проблемы.",
     "компания", "collective"),
    # no subject: whom it was said to is no one
    ("Знакомый Вячеслава Щербакова в разговоре с «Медузой» утверждает, что чиновник знал о "
     "схеме.", "", "anonymous"),
    # a bare press service is the body named before; phones of bodies; a party to a trial
    ("При этом в Дептрансе подтверждают, что запланировали три велопарада. «Пройдут "
     "велогонки, — добавляют в пресс-службе. — Мы рассчитываем на партнеров».", "Дептранс",
     "descriptor"),
    ("По телефонам двух других компаний, принадлежащих Алексу Геллеру, «Медузе» сообщили, что "
     "фирмы освободили офисные помещения.", "компания", "collective"),
    ("Было также озвучено одно из доказательств: сторона обвинения утверждает, что спектакль "
     "не был поставлен.", "сторона обвинения", "collective"),
    # a body named by its adjectives
    ("Однако тревога была ложной. Авиационное управление сообщило, что связь с бортом "
     "восстановили.", "авиационное управление", "collective"),
    # a document known by its name speaks
    ("В Уголовном кодексе говорится, что за это грозит срок.", "Уголовный кодекс",
     "document"),
    # «его» is the anonymous source of its own sentence, not a person named before
    ("Замглавы РКН Вадим Субботин обучил сотрудников. У самого собеседника "
     "«Медузы» не было никаких сомнений, когда он устраивался на работу: по его словам, из-за "
     "мониторщиков никого не сажают в тюрьму.", "", "anonymous"),
    # a participle the parse made the subject: the name it describes closes the clause
    ("«Он рассказывал, как видит нашу работу», — вспоминает присутствовавший на этих встречах "
     "футбольный комментатор Алексей Андронов.", "Алексей Андронов", "name"),
    # verbs of complaint and memory report too; where the group lives is not who speaks
    ("«Зачем вы хамите в эфире?» — возмутился руководитель холдинга Михаил Лесин.",
     "Михаил Лесин", "name"),
    ("В середине октября жители московского района Бирюлево пожаловались, что дорогу не "
     "убирают.", "житель", "collective"),
    # an employee in the singular is an unnamed person, not the organisation
    ("«Монализа могла бы работать сама, — рассуждает бывший сотрудник ГРЧЦ. — Но это "
     "отложили».", "", "anonymous"),
    # «там» after a body named in a clause of its own sentence
    ("Когда жители обратились в мэрию и санэпидстанцию, там ответили, что разрешения на "
     "строительство не выдавались.", "мэрия", "collective"),
    # a relative clause is no part of a body's name
    ("В московском департаменте культуры, которому подведомственны школы, «Медузе» сообщили, "
     "что ничего не знают о строительстве.", "московский департамент культуры", "collective"),
    # an adjective for a group of people
    ("Почти все близкие погибших в пожаре, с которыми «Медузе» удалось связаться, отказались "
     "говорить: «Это все еще слишком тяжело».", "близкий", "collective"),
    # a description is a document (its issuer unnamed)
    ("Как указано в описании сайта, он дает возможность регионам наладить общение.", "",
     "document"),
    # of two clauses between dashes, the one with its subject after the verb reports
    ("Алан Алборов избегает говорить о проблемах. «Неделю назад обратилось общество слепых — "
     "хотят помочь, — приводит он пример. — У них забрали помещение».", "Алан Алборов",
     "pronoun"),
])
def test_every_quote_of_a_text_has_this_speaker(annotate, registry, quote_finder, text,
                                                 speaker, resolution):
    qs = _quotes(annotate, registry, quote_finder, text)
    assert qs and {(q.speaker, q.resolution) for q in qs} == {(speaker, resolution)}, qs


def test_a_bare_registry_title_is_whoever_was_introduced_with_it_however_far_back(
        annotate, registry, quote_finder):
    text = ("Фонд подготовил два варианта реформы, чтобы, как выразился президент РФ Владимир "
            "Путин, «привести ситуацию в соответствие со здравым смыслом». Первый вариант "
            "предполагает назначение мэров. Второй вариант предполагает создание агломераций. "
            "Тут пригодятся выводы рабочей группы вице-премьера Дмитрия Козака. Однако "
            "президент обратился к губернаторам. «Считаю важнейшей задачей уточнение общих "
            "принципов», — подчеркнул президент.")
    qs = _quotes(annotate, registry, quote_finder, text)
    (q,) = [q for q in qs if q.text.startswith("Считаю")]
    assert q.speaker == "Владимир Путин", q


def test_a_pronoun_is_the_main_clause_subject_not_one_in_its_that_clause(annotate, registry,
                                                                          quote_finder):
    # (the last name before «он» is in the quote: the person named outside it)
    text = ("Лесин также опроверг информацию о том, что Венедиктов предлагал выкупить "
            "радиостанцию. «Не было такого предложения. Венедиктов предложил провести оценку "
            "акций», — заявил он.")
    (q,) = _quotes(annotate, registry, quote_finder, text)
    assert q.speaker == "Михаил Лесин" or q.speaker.endswith("Лесин"), q


def test_a_subject_the_parse_hung_on_the_reported_clause_past_adverbs(annotate, registry,
                                                                      quote_finder):
    text = ("«Наша позиция по единству Иерусалима остается прежней, и мы по-прежнему протягиваем "
            "руку нашим арабским соседям», — добавил он. Однако арабы столь же твердо заявляют, "
            "что мир в регионе невозможен до тех пор, пока Израиль не вернет Восточный "
            "Иерусалим.")
    qs = _quotes(annotate, registry, quote_finder, text)
    (q,) = [q for q in qs if q.text.startswith("мир в регионе")]
    assert (q.speaker, q.resolution) == ("араб", "collective"), q


def test_the_person_an_outlet_cites_hung_on_the_outlet(annotate, registry, quote_finder):
    # the parse hangs «президента» on «РБК» and the name on a noun inside the quote
    text = ("Прянишников также добавил, что в течение 10 лет планируется поддержать 100 "
            "стартапов. «В 2012 году в наших планах по расширению сотрудничества - переход к "
            "постоянному присутствию Microsoft в иннограде Сколково в форме центра исследований "
            "и разработок программного обеспечения», - цитирует РБК президента «Сколково» "
            "Виктора Вексельберга.\n\nЧто касается критериев, они не изменились.")
    qs = _quotes(annotate, registry, quote_finder, text)
    direct = [q for q in qs if q.kind == "direct"]
    assert [(q.speaker, q.resolution) for q in direct] == [("Виктор Вексельберг", "name")], qs


def test_a_bare_author_is_who_wrote_the_document_of_the_paragraph(annotate, registry,
                                                                  quote_finder):
    text = ('В начале недели политолог Иван Петров в статье "Новая Россия?", опубликованной в '
            "Washington Times, высказал убеждение, что страна быстро меняется. Население, по его "
            "словам, стареет. В Москве рождаемость низкая. Многие переехали в города, говорится "
            "в статье. Все больше людей уезжает из деревень, отмечает автор.")
    qs = _quotes(annotate, registry, quote_finder, text)
    last = max(qs, key=lambda q: q.start)
    assert (last.speaker, last.resolution) == ("Иван Петров", "document"), qs
    # never a word of the document's title
    assert all(q.speaker != "Россия" for q in qs), qs


def test_they_who_answer_are_who_was_asked(annotate, registry, quote_finder):
    text = ("Отказавшись от контрольной группы, Лаженесс задал 20 отобранным студентам вопрос: "
            "«Влияет ли интернет на ваше отношение к женщинам?» Они ответили: «Нет, не "
            "влияет». Но ведь они пользовались сайтами.")
    qs = _quotes(annotate, registry, quote_finder, text)
    answers = [q for q in qs if q.verb == "ответили"]
    assert answers and {(q.speaker, q.resolution) for q in answers} == {
        ("студент", "collective")}, qs


@pytest.mark.parametrize("text,speaker", [
    # «в ней говорилось»: the article named before, published by an outlet
    ("Сразу после праздников в издании «Такие дела» вышла статья о замене меню в школах. В ней "
     "говорилось, что из набора продуктов исключили молочные продукты.", "Такие дела"),
    # the document an outlet cites is its owner's words
    ("«Китайский и российский народы защищали мир», — цитирует Лента.ру обращение "
     "председателя КНР Си Цзиньпина к россиянам.", "Си Цзиньпин"),
])
def test_a_document_named_before_speaks_for_its_issuer(annotate, registry, quote_finder, text,
                                                       speaker):
    qs = _quotes(annotate, registry, quote_finder, text)
    assert qs and {q.speaker for q in qs} == {speaker}, qs


@pytest.mark.parametrize("text,speaker,resolution", [
    # a website's domain name the NER takes for nothing
    ("По сообщениям lifenews.ru, руководство решило оставить лишь штат из 10 человек.",
     "lifenews.ru", "name"),
    # a website named by its domain before («на этом сайте»)
    ("Адрес сайта программы — troika-gorod.ru. Как указано на этом сайте, к программе "
     "подключены 200 партнеров.", "troika-gorod.ru", "title"),
    # a member of a group in the singular is an unnamed person, not the group
    ("«Я слышал, что они занимались ритуалкой», — говорит бывший участник «Реструкта».",
     "", "anonymous"),
    # in the plural the members speak as a group
    ("Участники форума считают, что архивы надо открыть.", "участник", "collective"),
    # a relative pronoun is what its clause hangs on: a thing says nothing
    ("Мать Валентина работала на заводе. В холле школы висит табличка, которая сообщает, что "
     "здание реконструировали на средства выпускника.", "", "unresolved"),
    # a group of people speaks as a group, not the person named before
    ("Пирумова уже арестовывали: его мать стала жертвой мошенников, которые сообщили, что ее "
     "сын арестован.", "мошенник", "collective"),
    # the name right before the comma, not the title it is introduced with
    ("Директором назначили оперуполномоченного МВД Артема Екимова, который заявил, что его "
     "задача — очистить отрасль.", "Артем Екимов", "name"),
    # a determiner is no part of a body's name
    ("В самом музее «Медузе» сказали, что у них нет информации о кадровых изменениях.", "музей",
     "collective"),
    # «они» after a verbless clause is the group it names
    ("Против расширения кладбища выступили жители коттеджных поселков. А против увеличения "
     "Домодедовского — подмосковные власти: они считают, что новые гектары могил привлекут "
     "птиц.", "власть", "collective"),
])
def test_who_speaks_a_single_report(annotate, registry, quote_finder, text, speaker,
                                    resolution):
    (q,) = _quotes(annotate, registry, quote_finder, text)
    assert (q.speaker, q.resolution) == (speaker, resolution), q


@pytest.mark.parametrize("text,speaker,resolution", [
    # the body of the genitive speaks, not the person named last (here the addressee)
    ("Об этом написал пользователь Александр Павлов. Через несколько дней представитель "
     "департамента транспорта ответил ему, что лайтбокс демонтирован.", "департамент транспорта",
     "descriptor"),
    # a lone institution noun is named as it is
    ("Об этом рассказал мэр Москвы Сергей Собянин. Представитель мэрии утверждает, что "
     "проблема не в граните.", "мэрия", "descriptor"),
    # an organisation introduced with the noun
    ("Глава компании «Теомедиа» Иван Петров приехал в Москву. Представитель компании заявил, "
     "что сделка закрыта.", "Теомедиа", "descriptor"),
    # several bodies, none named: an unnamed spokesperson
    ("Директор холдинга Rambler Матвей Алексеев говорит, что встреча состоится. По словам "
     "представителя субподрядчиков, долг погасят в марте.", "", "anonymous"),
    # «она» after an unnamed spokeswoman: her body speaks, not the woman named before
    ("Начальник отдела кадров Нина Зорыч ушла. 12 ноября с «Медузой» связалась представительница "
     "пресс-службы Промсвязьбанка. Она сообщила, что перевод счетов происходит поэтапно.",
     "Промсвязьбанк", "descriptor"),
    # «глава» stands for someone introduced as «лидер»
    ("Лидер ЛДПР Владимир Жириновский пообещал обратиться к генпрокурору, чтобы разобраться, "
     "кто переводит деньги кандидату Алексею Навальному. По данным главы либерал-демократов, на "
     "счете блогера находятся 20 млн рублей.", "Владимир Жириновский", "title"),
    # a quote of several sentences counts as one step back to the body named before it
    ("Тем временем стало известно, что «Газпром-медиа» выдвинет Екатерину Павлову. «Собрание "
     "акционеров созвано. Повестка включает смену директора. Кандидатура выбрана», — "
     "рассказали агентству. В холдинге уточнили, что Михаилу Демину предложат другую "
     "должность.", "Газпром-медиа", "title"),
    # «издание» is the medium named last, not a body named after it
    ("В марте корреспонденты РБК, посетив офис компании «Спецстрой», обнаружили лишь собаку, "
     "которая лаяла из подвала здания, где находятся мастерские Союза художников России. Как "
     "указывало издание, «Спецстрой» был аффилирован с Capital Group.", "РБК", "title"),
    # a name in a clause of the speaker's phrase is whom it speaks of; «один» introduces an
    # unnamed person
    ("Один бывший высокопоставленный американский чиновник, наблюдавший за переговорами при "
     "посредничестве госсекретаря США Уоррена Кристофера, рассказал, что стороны "
     "договорились.", "", "anonymous"),
    ("Врачи, прооперировавшие и лечащие 40-летнюю Гэбриэль Гиффордс, говорят, что они настроены "
     "более оптимистично.", "врач", "collective"),
    # a bare noun right after someone's report refers back to the reporter ...
    ("Андрей Околелов рассказывает, что Дерипаска часто приезжает проверить, как идет "
     "строительство. «Да он такой же человек, как и все», — уверен строитель.",
     "Андрей Околелов", "title"),
    # ... not to someone merely named before
    ("Андрей Околелов приехал в город. «Да он такой же человек, как и все», — уверен "
     "строитель.", "", "unresolved"),
    # an outlet noun after a semicolon: the outlet of the clause before it
    ("Тогда же выяснилось, что активами «Букета» владеет Вячеслав Володин — так, ему "
     "принадлежало 26% Новосибирского жиркомбината и 30% Армавирского масложиркомбината. Об этом "
     "писали «Ведомости»; со ссылкой на члена совета директоров одной из компаний издание также "
     "сообщало, что доля Володина составляет 26–30%.", "Ведомости", "title"),
    # a state's adjective: no one known to be of another state («Германии»)
    ("Украину будет представлять глава министерства иностранных дел Украины Павел Климкин. "
     "Министр иностранных дел Германии Франк-Вальтер Штайнмайер, который завтра будет беседовать "
     "с Лавровым и Климкиным, указал, что миссия ООН возможна. «Мы возлагаем надежды на миссию "
     "ОБСЕ», — добавил он. Руководитель украинского внешнеполитического ведомства заявил, что он "
     "собирается поднять вопрос.", "Павел Климкин", "title"),
])
def test_a_spokesperson_or_a_title_of_a_body_or_state(annotate, registry, quote_finder, text,
                                                      speaker, resolution):
    q = _quotes(annotate, registry, quote_finder, text)[-1]
    assert (q.speaker, q.resolution) == (speaker, resolution), q


def test_a_noun_modifier_with_po_is_no_attribution(annotate, registry, quote_finder):
    text = ("Так описывал свою работу Валерий Корецкий — проректор университета по информации и "
            "медиакоммуникациям, директор предприятия «НИИСС».")
    assert not [q for q in _quotes(annotate, registry, quote_finder, text)
                if q.verb.lower().startswith("по")]
