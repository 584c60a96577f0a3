"""Devices on the sample article: every expected device, with evidence, speaker and target."""

from __future__ import annotations


def _by_device(hits):
    out: dict[str, list] = {}
    for h in hits:
        out.setdefault(h.device_id, []).append(h)
    return out


def test_wedge_found_at_all_three_places(sample_devices, sample_article):
    wedges = [h for h in sample_devices if h.device_id == "wedge"]
    assert len(wedges) == 3
    assert [h.segment for h in wedges] == ["title", "prose", "prose"]
    assert wedges[0].start < 60  # the headline
    assert "внешним силам" in wedges[2].sentence
    for h in wedges:
        assert sample_article.text[h.start:h.end] == h.text


def test_expected_devices(sample_devices, expected):
    found = _by_device(sample_devices)
    for device, texts in expected["devices"].items():
        got = [h.text for h in found.get(device, [])]
        for t in texts:
            assert t in got, (device, t, got)
            got.remove(t)


def test_device_speakers(sample_devices, expected):
    for text, speaker in expected["device_speakers"].items():
        hits = [h for h in sample_devices if h.text == text]
        assert hits, text
        assert all(h.speaker == speaker for h in hits), (text, [h.speaker for h in hits])


def test_device_targets(sample_devices):
    wedge = [h for h in sample_devices if h.device_id == "wedge"]
    for h in wedge:
        assert set(h.target.split("; ")) == {"Россия", "Казахстан"}
    overseas = next(h for h in sample_devices if h.device_id == "overseas")
    assert overseas.target == "США"


def test_hits_are_sorted_and_numbered(sample_devices):
    assert [h.hit_id for h in sample_devices] == list(range(len(sample_devices)))
    assert sample_devices == sorted(sample_devices, key=lambda h: (h.start, h.end, h.device_id))


def test_quoted_device_is_not_about_its_own_speaker(sample_devices):
    """The speaker's mention in the reporting clause («— заявил Путин») is who speaks, not
    what the device in the quote is about."""
    by_text = {}
    for h in sample_devices:
        by_text.setdefault(h.text, []).append(h)
    allies = next(h for h in by_text["союзники"] if h.speaker == "Владимир Путин")
    assert allies.target == "Россия"  # «Казахстан и Россия – … надежные союзники», — заявил Путин
    for text in ("неспокойном мире", "союзниками"):
        for h in by_text[text]:
            assert h.speaker != "AUTHOR"
            assert h.speaker not in h.target.split("; "), (text, h.speaker, h.target)


def test_speakers_own_mentions_inside_the_quote_stay_targets(annotate, registry, quote_finder,
                                                             matcher):
    from framing.actors import find_mentions

    # guards: a quote about someone else; a speaker who names himself inside his quote
    doc = annotate("«Токаев — наш надежный союзник», — заявил Путин. "
                   "«Путин для них — главный враг», — сказал Путин.")
    ms = find_mentions(doc, registry)
    hits = matcher.match_doc(doc, quote_finder.find(doc, ms), ms)
    ally = next(h for h in hits if h.text.startswith("союзник"))
    assert (ally.speaker, ally.target) == ("Владимир Путин", "Касым-Жомарт Токаев")
    enemy = next(h for h in hits if h.text.startswith("враг"))
    assert enemy.speaker == "Владимир Путин"
    assert "Владимир Путин" in enemy.target.split("; ")
