"""Actors: the editable registry, and mentions of actors found in a ``Doc``.

Registry terms (aliases, metonyms) are matched on lemmas; every named entity the NER finds that
the registry does not cover becomes an *automatic* actor named by its normal form («Марата
Шибутова» → «Марат Шибутов»), and a bare surname joins the full name seen in the same article
(of namesakes, the one its verb's gender agrees with, then the one named most often); a first
name that differs from theirs makes a namesake of its own («Нина Зорыч» is not «Александр
Зорыч»).
Each mention records how it was resolved: ``alias``, ``metonym``, ``periphrasis`` («из-за
океана» → США), ``ner``, ``surname``, ``descriptor`` («лидер Казахстана» → the office holder at the
article's date), ``title`` (a bare «президент» → the nearest preceding holder of that title) or
``pronoun`` («он», «последний»).  An unnamed collective («внешние силы») that the text links to a
state («в лице США», «из-за океана») carries that state as its mention's ``affiliation``.

Named entities that cannot hold a stance do not become automatic actors: places and things whose
head word is listed under ``not_actor_heads`` in the registry file («Георгиевский зал», «Почетный
караул»), entities inside a ``not_actor_contexts`` sequence («по ВКС»: by video link), spans
with no noun, and «persons» with no word that can be a name («Формулы-1», «В.Л.»).  The
vocabulary of descriptors (``descriptor_titles``, ``counterparts``) lives in the registry file
too.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from .docview import doc_text, doc_view, sentence_back
from .lemmas import Lemmatizer
from .lexmatch import PhraseIndex, doc_tokens, norm
from .yamlio import ResourceError, line_of, load_yaml, load_yaml_text

ACTOR_TYPES = ("person", "state", "organisation", "bloc", "collective", "location")
_ENTRY_KEYS = {"id", "type", "aliases", "metonyms", "periphrases", "adjectives", "roles",
               "affiliation", "match_case", "__line__"}
_ROLE_KEYS = {"title", "of", "from", "to", "__line__"}
#: top-level keys of the registry file
_TOP_KEYS = {"actors", "descriptor_titles", "counterparts", "not_actor_heads",
             "not_actor_contexts", "collective_links", "office_nouns", "anonymous_sources",
             "city_metonyms", "city_nouns", "home_capitals", "region_adjectives", "__line__"}
_NER_LABELS = ("LOC", "ORG", "PER")
_PRONOUNS = {"он", "она"}
#: parts of speech of words that can name an actor («Большой» for the theatre, «1+1»)
_NOMINAL = {"NOUN", "PROPN", "X", "ADJ", "NUM"}
#: pymorphy3 parts of speech a (known) word of a person's name can have
_NAME_POS = {"NOUN", "ADJF", "ADJS", "COMP"}
#: pymorphy3 tags of a word that can be (part of) a person's name
_NAME_TAGS = {"Name", "Surn", "Patr", "Init"}
OPEN_QUOTES = {"«", "„", "“", '"'}
_NER_TYPE = {"PER": "person", "ORG": "organisation", "LOC": "location"}
_PLACE_PREPS = {"в": {"Loc", "Acc"}, "во": {"Loc", "Acc"}, "на": {"Loc"}, "из": {"Gen"},
                "под": {"Ins"}, "над": {"Ins"}}
_GENDER = {"Masc": "masc", "Fem": "femn", "Neut": "neut"}
#: the tagger's cases as pymorphy3 grammemes
_CASE = {"Nom": "nomn", "Gen": "gent", "Dat": "datv", "Acc": "accs", "Ins": "ablt", "Loc": "loct"}


@dataclass
class Role:
    title: str
    of: str
    start: str = ""
    end: str = ""

    def holds(self, date: str) -> bool:
        """Held on ``date`` (ISO); with no date, a current (open-ended) role counts."""
        if not date:
            return not self.end
        return (not self.start or self.start <= date) and (not self.end or date < self.end)


@dataclass
class ActorEntry:
    id: str
    type: str
    aliases: list[str]
    metonyms: list[str] = field(default_factory=list)
    periphrases: list[str] = field(default_factory=list)
    affiliation: str = ""
    match_case: bool = False
    adjectives: list[str] = field(default_factory=list)
    roles: list[Role] = field(default_factory=list)


@dataclass
class Mention:
    article_id: str
    mention_id: int
    actor: str
    actor_type: str
    text: str
    start: int
    end: int
    tok_start: int
    tok_end: int
    sent: int
    resolution: str
    segment: str
    affiliation: str = ""

    def as_row(self) -> dict:
        # its fields are plain values: no deep copy (dataclasses.asdict) needed
        return {k: getattr(self, k) for k in self.__dataclass_fields__}


@dataclass
class Vocabulary:
    """Word lists of the registry file that are not actors.

    ``descriptor_titles``: a generic head → the role titles it can stand for («лидер
    Казахстана» → the holder of «президент»); ``counterparts``: «(российский) коллега»;
    ``not_actor_heads``: NER label → head lemmas of entities that are not actors;
    ``not_actor_contexts``: word sequences ending with an entity that make it no actor («по
    ВКС»: by video link);
    ``collective_links``: word sequences that link an unnamed collective to a state («в лице»);
    ``office_nouns``: nouns after which a title is the office, not a person («пост»);
    ``anonymous_sources``: nouns of an unnamed source («источник»): a pronoun whose nearest
    subject is one refers to that source, not to a named person;
    ``city_metonyms``: metonyms that are cities («Москва»): the city itself, not the state, in
    the genitive of a ``city_nouns`` noun («мэр Москвы», «улицы Лондона»); ``home_capitals``
    («Москва») also where no state is named in its sentence, the two before or the one after;
    ``region_adjectives``: adjectives that make a state's name a region («Латинская Америка»).
    """

    descriptor_titles: dict[str, set[str]] = field(default_factory=dict)
    counterparts: set[str] = field(default_factory=set)
    not_actor_heads: dict[str, set[str]] = field(default_factory=dict)
    not_actor_contexts: list[tuple[str, ...]] = field(default_factory=list)
    collective_links: list[tuple[str, ...]] = field(default_factory=list)
    office_nouns: set[str] = field(default_factory=set)
    anonymous_sources: set[str] = field(default_factory=set)
    city_metonyms: set[str] = field(default_factory=set)
    city_nouns: set[str] = field(default_factory=set)
    home_capitals: set[str] = field(default_factory=set)
    region_adjectives: set[str] = field(default_factory=set)


class ActorRegistry:
    """The actor registry loaded from YAML and compiled into a lemma phrase index."""

    def __init__(self, entries: list[ActorEntry], lemmatizer: Lemmatizer | None = None,
                 vocabulary: Vocabulary | None = None) -> None:
        self.entries = {e.id: e for e in entries}
        self.lemmatizer = lemmatizer or Lemmatizer.shared()
        self.vocabulary = vocabulary or Vocabulary()
        self._name_like: dict[str, bool] = {}
        self._first_names: dict[str, object] = {}  # word → _first_name_parse
        self.index = PhraseIndex(self.lemmatizer)
        for e in entries:
            for a in e.aliases:
                self.index.add(f"alias\t{e.id}", a, e.match_case)
            for m in e.metonyms:
                self.index.add(f"metonym\t{e.id}", m, e.match_case)
            for m in e.periphrases:
                self.index.add(f"periphrasis\t{e.id}", m, False)
        self.adjective_of: dict[str, str] = {}
        for e in entries:
            for a in e.adjectives:
                for lemma in self.lemmatizer.candidates(a):
                    self.adjective_of[lemma] = e.id
        # role title (as lemma tuple) → [(person, role)]
        self.roles: dict[tuple[str, ...], list[tuple[str, Role]]] = {}
        for e in entries:
            for r in e.roles:
                key = tuple(norm(self.lemmatizer.lemma(w)) for w in r.title.split())
                self.roles.setdefault(key, []).append((e.id, r))

    def role_holder(self, titles: set[tuple[str, ...]], state: str, date: str,
                    mentioned: frozenset[str] = frozenset()) -> str:
        """The person holding one of ``titles`` of ``state`` on ``date`` ("" if none/ambiguous).

        With no date, a holder of the office at any time who is ``mentioned`` by name in the
        article wins when exactly one is (an undated 2010 text naming Медведев: «президент РФ»
        → Медведев); otherwise the current holder."""
        if not date and mentioned:
            named = {person for t in titles for person, r in self.roles.get(t, [])
                     if r.of == state and person in mentioned}
            if len(named) == 1:
                return named.pop()
        found = {person for t in titles for person, r in self.roles.get(t, [])
                 if r.of == state and r.holds(date)}
        return found.pop() if len(found) == 1 else ""

    def can_be_name(self, word: str) -> bool:
        """Whether ``word`` can be part of a person's name: a word pymorphy3 does not know, or
        one with a name/surname/patronymic, noun or adjective parse — not a verb form, pronoun
        or particle, an initial or a word with digits (cached per word).

        >>> r = ActorRegistry([])
        >>> [r.can_be_name(w) for w in ("Шибутов", "Хван", "Карасин", "Подана", "Кто",
        ...                             "Обернувшись", "Формулы-1", "В")]
        [True, True, True, False, False, False, False, False]
        """
        got = self._name_like.get(word)
        if got is None:
            got = self._name_like[word] = name_like(word, self.lemmatizer.morph)
        return got

    def plausible_actor(self, ent) -> bool:
        """Whether a named entity the NER found can be an (automatic) actor.

        Not: a span with no noun, adjective or number («Все»); a place or thing whose head
        lemma is listed for its label in ``not_actor_heads`` («Георгиевском зале», «Почетного
        караула»); a «person» with no word that can be a name («Формулы-1», «В.Л.)»,
        «Подана», «Обернувшись»), or a verb opening a sentence («Приобняла»).
        """
        nouns = [t for t in ent if t.pos_ in _NOMINAL]
        if not nouns:
            return False
        if ent.label_ == "PER":
            if len(ent) == 1 and self._sentence_initial_verb(ent[0]):
                return False
            return any(self.can_be_name(t.text) for t in nouns)
        stop = self.vocabulary.not_actor_heads.get(ent.label_)
        if stop:
            head = ent.root if ent.root.pos_ in _NOMINAL else nouns[0]
            if norm(head.lemma_) in stop:
                return False
        return not self._in_not_actor_context(ent)

    def _sentence_initial_verb(self, tok) -> bool:
        """A capitalised verb form opening a sentence, which the NER took for a name
        («Приобняла меня за плечи»): pymorphy3's likeliest reading is a verb, and the word has
        no name or surname reading."""
        at_start = tok.i == tok.sent.start or not any(
            c.isalnum() for c in tok.doc[tok.sent.start:tok.i].text)
        if not at_start:
            return False
        parses = _parse(self.lemmatizer, tok.text.lower())
        return bool(parses) and parses[0].tag.POS in {"VERB", "INFN", "GRND", "PRTF", "PRTS"} \
            and not any(_NAME_TAGS & p.tag.grammemes for p in parses)

    def _in_not_actor_context(self, ent) -> bool:
        """Whether a ``not_actor_contexts`` sequence ends with ``ent`` and covers it, each
        word matching a token's form or lemma («Путин и Токаев по ВКС обратились»)."""
        v = doc_view(ent.doc)  # norm(t.text), norm(t.lemma_) without a Token each
        forms, lemmas = v.norm, v.lemma
        for phrase in self.vocabulary.not_actor_contexts:
            start = ent.end - len(phrase)
            if 0 <= start <= ent.start and all(
                    w in (forms[k], lemmas[k])
                    for w, k in zip(phrase, range(start, ent.end), strict=True)):
                return True
        return False

    @classmethod
    def from_yaml(cls, path: Path, lemmatizer: Lemmatizer | None = None) -> ActorRegistry:
        return cls.from_data(load_yaml(path), str(path), lemmatizer)

    @classmethod
    def from_yaml_text(cls, text: str, name: str,
                       lemmatizer: Lemmatizer | None = None) -> ActorRegistry:
        """A registry from YAML text (``name`` appears in error messages)."""
        return cls.from_data(load_yaml_text(text, name), name, lemmatizer)

    @classmethod
    def from_data(cls, data: object, name: str,
                  lemmatizer: Lemmatizer | None = None) -> ActorRegistry:
        return cls(parse_registry(data, name), lemmatizer, parse_vocabulary(data, name))


def _word_list(val: object, where: str, key: str) -> list[str]:
    if not isinstance(val, list) or not all(isinstance(v, str) and v.strip() for v in val):
        raise ResourceError(f"{where}: '{key}' must be a list of non-empty strings")
    return val


def parse_vocabulary(data: object, name: str) -> Vocabulary:
    """The registry file's word lists (``descriptor_titles``, ``counterparts``,
    ``not_actor_heads``, ``collective_links``, ``office_nouns``, ``anonymous_sources``);
    errors name the file, line and key.  Absent lists are empty.

    >>> from framing.yamlio import load_yaml_text
    >>> v = parse_vocabulary(load_yaml_text(
    ...     "actors: []\\ndescriptor_titles:\\n  лидер: [президент]\\n"
    ...     "not_actor_heads:\\n  LOC: [Зал]\\n", "a.yaml"), "a.yaml")
    >>> v.descriptor_titles, v.not_actor_heads
    ({'лидер': {'президент'}}, {'LOC': {'зал'}})
    >>> try:
    ...     parse_vocabulary(load_yaml_text("actors: []\\nnot_actor_heads:\\n  GPE: [x]\\n",
    ...                                     "a.yaml"), "a.yaml")
    ... except ResourceError as exc:
    ...     print(exc)
    a.yaml, line 3: not_actor_heads: unknown NER label 'GPE' (known: LOC, ORG, PER)
    """
    if not isinstance(data, dict):
        raise ResourceError(f"{name}: expected a mapping with an 'actors:' list")
    unknown = set(data) - _TOP_KEYS
    if unknown:
        raise ResourceError(f"{name}, line {line_of(data)}: unknown top-level key(s) "
                            f"{sorted(map(str, unknown))} (known: "
                            f"{', '.join(sorted(_TOP_KEYS - {'__line__'}))})")
    vocab = Vocabulary()

    def mapping(key: str) -> dict:
        val = data.get(key) or {}
        if not isinstance(val, dict):
            raise ResourceError(f"{name}: '{key}' must be a mapping")
        return val

    titles = mapping("descriptor_titles")
    for head, roles in titles.items():
        if head == "__line__":
            continue
        where = f"{name}, line {line_of(titles)}: descriptor_titles: {head!r}"
        vocab.descriptor_titles[norm(str(head))] = {
            norm(r) for r in _word_list(roles, where, "role titles")}
    for key in ("counterparts", "office_nouns", "anonymous_sources", "city_metonyms",
                "city_nouns", "home_capitals", "region_adjectives"):
        if key in data:
            setattr(vocab, key, {norm(w) for w in _word_list(data[key], name, key)})
    if "collective_links" in data:
        vocab.collective_links = sorted(
            {tuple(norm(w) for w in c.split()) for c in _word_list(
                data["collective_links"], name, "collective_links")}, key=lambda c: -len(c))
    if "not_actor_contexts" in data:
        vocab.not_actor_contexts = sorted(
            {tuple(norm(w) for w in c.split()) for c in _word_list(
                data["not_actor_contexts"], name, "not_actor_contexts")},
            key=lambda c: (-len(c), c))
    heads = mapping("not_actor_heads")
    for label, words in heads.items():
        if label == "__line__":
            continue
        where = f"{name}, line {line_of(heads)}"
        if label not in _NER_LABELS:
            raise ResourceError(f"{where}: not_actor_heads: unknown NER label {label!r} "
                                f"(known: {', '.join(_NER_LABELS)})")
        vocab.not_actor_heads[label] = {norm(w) for w in _word_list(
            words, f"{where}, {label}", "not_actor_heads")}
    return vocab


def name_like(word: str, morph) -> bool:
    """Whether ``word`` can be part of a person's name (``morph``: a pymorphy3 analyser): a
    word it does not know, or one with a name/surname/patronymic, noun or adjective parse — not
    a verb form or gerund («Оговариваясь», «Работая»), pronoun or particle, an initial or a
    word with digits (:meth:`ActorRegistry.can_be_name` caches it)."""
    w = word.lower()
    if sum(c.isalpha() for c in w) < 2 or any(c.isdigit() for c in w):
        return False
    if not morph.word_is_known(w):
        return True
    # surnames are often adjectives too («Карасин», «Толстой»)
    return any(_NAME_TAGS & p.tag.grammemes or p.tag.POS in _NAME_POS for p in morph.parse(w))


def parse_registry(data: object, name: str) -> list[ActorEntry]:
    """Validate registry data; errors name the file, line and actor id."""
    if not isinstance(data, dict) or not isinstance(data.get("actors"), list):
        raise ResourceError(f"{name}: expected a top-level 'actors:' list")
    out: list[ActorEntry] = []
    seen: dict[str, int | None] = {}
    for raw in data["actors"]:
        line = line_of(raw)
        where = f"{name}, line {line}"
        if not isinstance(raw, dict):
            raise ResourceError(f"{where}: each actor must be a mapping")
        aid = raw.get("id")
        if not isinstance(aid, str) or not aid.strip():
            raise ResourceError(f"{where}: actor without an 'id'")
        where += f", actor {aid!r}"
        unknown = set(raw) - _ENTRY_KEYS
        if unknown:
            raise ResourceError(f"{where}: unknown key(s) {sorted(unknown)}")
        if aid in seen:
            raise ResourceError(f"{where}: duplicate id (first at line {seen[aid]})")
        seen[aid] = line
        if raw.get("type") not in ACTOR_TYPES:
            raise ResourceError(f"{where}: type must be one of {ACTOR_TYPES}")
        terms = {}
        for key in ("aliases", "metonyms", "periphrases", "adjectives"):
            val = raw.get(key, [])
            if not isinstance(val, list) or not all(isinstance(v, str) and v.strip() for v in val):
                raise ResourceError(f"{where}: '{key}' must be a list of non-empty strings")
            terms[key] = val
        if not terms["aliases"]:
            raise ResourceError(f"{where}: needs at least one alias")
        roles = []
        for r in raw.get("roles", []) or []:
            if not isinstance(r, dict) or set(r) - _ROLE_KEYS or not isinstance(
                    r.get("title"), str) or not isinstance(r.get("of"), str):
                raise ResourceError(f"{where}: each role needs 'title' and 'of' (and optional "
                                    f"'from', 'to' dates)")
            roles.append(Role(r["title"], r["of"], str(r.get("from") or ""),
                              str(r.get("to") or "")))
        out.append(ActorEntry(aid, raw["type"], terms["aliases"], terms["metonyms"],
                              terms["periphrases"], str(raw.get("affiliation") or ""),
                              bool(raw.get("match_case")), terms["adjectives"], roles))
    for e in out:
        if e.affiliation and e.affiliation not in seen:
            raise ResourceError(f"{name}: actor {e.id!r}: affiliation {e.affiliation!r} "
                                f"is not an actor id in the registry")
        for r in e.roles:
            if r.of not in seen:
                raise ResourceError(f"{name}: actor {e.id!r}: role of {r.of!r} is not an "
                                    f"actor id in the registry")
    return out


def normal_forms(span, lemmatizer: Lemmatizer) -> tuple[str, str]:
    """(:func:`normal_form`, the same without the feminine surname): the second only differs
    for a woman's name the lemmatizer gives in the masculine."""
    if not _may_be_feminine(span) or _feminine_person(span, lemmatizer) is None:
        nf = normal_form(span, lemmatizer, feminine=False)
        return nf, nf
    return normal_form(span, lemmatizer), normal_form(span, lemmatizer, feminine=False)


def _may_be_feminine(span) -> bool:
    """A cheap test before :func:`_feminine_person`: a person's name with a proper noun tagged
    feminine or ending in «-ой», «-ую», «-у» (most names have none, and pymorphy3 is slow on
    unknown words)."""
    return span.root.ent_type_ == "PER" and any(
        t.pos_ == "PROPN" and (t.morph.get("Gender") == ["Fem"] or t.text.lower().endswith(
            ("ой", "ую", "у"))) for t in span)


def normal_form(span, lemmatizer: Lemmatizer, feminine: bool = True) -> str:
    """Nominative normal form of an entity span, keeping capitalisation.

    The span's head and the words agreeing with it are put in the nominative; dependents in
    other cases stay as written («Международного института социологии» → «Международный
    институт социологии»).
    """
    root = span.root
    person = root.ent_type_ == "PER"
    first = _feminine_person(span, lemmatizer) if feminine and _may_be_feminine(span) else None
    agree = _agreeing_names(span, lemmatizer) if person and first is None else {}
    words = []
    for t in span:
        if t.i in agree:
            words.append(_recase(agree[t.i], t.text) + t.whitespace_)
            continue
        inflect = t == root or (t.head == root and t.dep_ in {"amod", "det", "flat:name", "flat",
                                                             "appos", "nummod"})
        inflect = inflect or (person and t.pos_ == "PROPN")
        w = t.text
        if inflect and t.pos_ in {"NOUN", "PROPN", "ADJ"}:
            w = _to_nominative(t, lemmatizer, plural=root.morph.get("Number") == ["Plur"]
                               and t.pos_ != "PROPN", gender=root.morph.get("Gender"))
            if first is not None and t.pos_ == "PROPN" and t.morph.get("Case") != ["Nom"]:
                if t.i in first:  # a woman's first name («Александру» → «Александра»)
                    w = _recase(first[t.i], t.text)
                else:
                    w = feminine_surname(w)
        if person and t.text in {"[", "]"}:
            w = ""  # an editor's bracket inside a name («Николай Михайлович [Изюмов]»)
        words.append(w + t.whitespace_)
    out = "".join(words).strip()
    return re.sub(r"\s{2,}", " ", out) if person else out


def _agreeing_names(span, lemmatizer: Lemmatizer) -> dict[int, str]:
    """Token index → the nominative to use, for a person's name whose first name the tagger
    read as a woman's nominative beside a man's surname in an oblique case: the two words
    disagree, and the name's role decides.  As an object or a modifier it is a man's
    («подождать Александра Зорыча» → «Александр»: pymorphy3's masculine first name in the
    surname's case); as a subject, or joined to one, a woman's, as written («сыграла Евгения
    Лапова», «Турищев и Валентина Ковалева, которой …»)."""
    propn = [t for t in span if t.pos_ == "PROPN"]
    if len(propn) < 2:
        return {}
    last = propn[-1].morph
    case = _CASE.get(last.get("Case")[0], "") if last.get("Case") else ""
    if last.get("Gender") != ["Masc"] or case in {"", "nomn"}:
        return {}
    root = span.root
    firsts = [t for t in propn[:-1]
              if t.morph.get("Gender") == ["Fem"] and t.morph.get("Case") == ["Nom"]]
    if not firsts and _in_subject(root) and _womans_nominative(propn, lemmatizer):
        # «сообщила Александра Смирнова»: tagged a man's genitive, but a subject is no
        # genitive — a woman's name as written
        return {t.i: t.text for t in propn}
    if not firsts:
        return {}
    if _in_subject(root):
        if all(any("Name" in p.tag and "femn" in p.tag and "nomn" in p.tag and p.is_known
                   for p in _parse(lemmatizer, t.text.lower())) for t in firsts):
            return {t.i: t.text for t in propn}
        return {}
    if root.dep_ not in {"obj", "obl", "nmod", "iobj"}:
        return {}
    out = {}
    for t in firsts:
        masc = [p for p in _parse(lemmatizer, t.text.lower())
                if "Name" in p.tag and "masc" in p.tag and case in p.tag and p.is_known]
        if masc:
            out[t.i] = masc[0].normal_form
    return out


def _womans_nominative(propn: list, lemmatizer: Lemmatizer) -> bool:
    """The proper nouns read as a woman's name in the nominative: first names that
    pymorphy3's dictionary knows as a woman's nominative, then a surname with a feminine
    nominative surname reading, the subject of a verb in the feminine («сообщила Александра
    Смирнова»; a parse may make a subject of a genitive: «студия Ольги Скабеевой и Евгения
    Попова»)."""
    *firsts, last = propn
    head = propn[0]
    while head.dep_ in {"conj", "appos", "flat", "flat:name"} and head.head.i != head.i:
        head = head.head
    verb = head.head
    if verb.pos_ not in {"VERB", "AUX"} or verb.morph.get("Gender") != ["Fem"] or sum(
            c.dep_ in _SUBJ for c in verb.children) != 1:
        return False  # (two subjects: a genitive taken for one, «Задорина получила из рук
        # замсекретаря … Рашида Нургалиева»)
    return all(any("Name" in p.tag and "femn" in p.tag and "nomn" in p.tag and p.is_known
                   for p in _parse(lemmatizer, t.text.lower())) for t in firsts) and any(
        "Surn" in p.tag and "femn" in p.tag and "nomn" in p.tag
        for p in _parse(lemmatizer, last.text.lower()))


def _in_subject(tok) -> bool:
    """``tok`` is a subject, or joined to one through conjunctions and appositions («Новый
    владелец Денис Турищев и Валентина Ковалева, которой …»)."""
    for _ in range(4):
        if tok.dep_ in _SUBJ:
            return True
        if tok.dep_ not in {"conj", "appos", "flat", "flat:name"} or tok.head.i == tok.i:
            return False
        tok = tok.head
    return False


_PARSES: dict[str, list] = {}
_KNOWN: dict[tuple[str, str], list] = {}


def _parse(lemmatizer: Lemmatizer, word: str) -> list:
    """pymorphy3's readings of ``word`` (lowercased), cached per word (bounded)."""
    got = _PARSES.get(word)
    if got is None:
        if len(_PARSES) > 200_000:
            _PARSES.clear()
        got = _PARSES[word] = lemmatizer.morph.parse(word)
    return got


def _readings(lemmatizer: Lemmatizer, tok, grammeme: str) -> list:
    """pymorphy3's dictionary readings of ``tok`` with ``grammeme`` (Name, Surn), those in the
    case the tagger gives when there are any («Аллу»: Алла's accusative, not a masculine
    dative)."""
    key = (tok.text.lower(), grammeme)
    found = _KNOWN.get(key)
    if found is None:
        if len(_KNOWN) > 200_000:
            _KNOWN.clear()
        found = _KNOWN[key] = [p for p in _parse(lemmatizer, key[0])
                               if grammeme in p.tag and p.is_known]
    case = _CASE.get(tok.morph.get("Case")[0], "") if tok.morph.get("Case") else ""
    return [p for p in found if case in p.tag] or found


#: oblique forms of Russian women's surnames («Ивановой», «Кирилловой», «Вяземскую»)
_FEM_OBLIQUE = ("овой", "евой", "ёвой", "иной", "ыной", "ову", "еву", "ёву", "ину", "ыну",
                "ской", "цкой", "скую", "цкую")


def _feminine_person(span, lemmatizer: Lemmatizer) -> dict[int, str] | None:
    """For a woman's name whose surname the lemmatizer would give in the masculine («Татьяны
    Зубановой», «Аллу Джиоеву»): token index → nominative of each of its first names (empty
    for a surname alone); None for any other name.  A woman's name: first names that
    pymorphy3's dictionary reads as feminine only (in the tagger's case) and surnames that
    agree (tagged feminine, or with a feminine surname reading in their case); a surname
    alone: a feminine oblique ending and only feminine singular surname readings
    («Кирилловой»; as tagged when pymorphy3 does not know it).  Men whose first name can
    read as feminine («Николы Груевского», «Ульви Касимова») keep their surname: it does not
    agree."""
    propn = [t for t in span if t.pos_ == "PROPN"]
    names = {t.i: _readings(lemmatizer, t, "Name") for t in propn}
    names = {i: r for i, r in names.items() if r}
    surnames = [t for t in propn if t.i not in names]
    if not surnames:
        return None
    if not names:
        t = surnames[0]
        if len(surnames) != 1 or not t.text.lower().endswith(_FEM_OBLIQUE) \
                or t.morph.get("Number") == ["Plur"]:
            return None
        surn = [p for p in _parse(lemmatizer, t.text.lower()) if "Surn" in p.tag]
        if not surn:  # a surname pymorphy3 does not know: as the tagger reads it
            return {} if t.morph.get("Gender") == ["Fem"] else None
        return {} if all("femn" in p.tag and "sing" in p.tag for p in surn) else None
    first: dict[int, str] = {}
    for i, readings in names.items():
        if any("femn" not in p.tag for p in readings):
            return None
        first[i] = readings[0].normal_form
    for t in surnames:
        case = _CASE.get(t.morph.get("Case")[0], "") if t.morph.get("Case") else ""
        if t.morph.get("Gender") != ["Fem"] and not any(
                "Surn" in p.tag and "femn" in p.tag and case in p.tag
                for p in _parse(lemmatizer, t.text.lower())):
            return None
    return first


def masculine_surname(word: str) -> str:
    """The masculine form of a Russian woman's surname (:func:`feminine_surname` undone):
    «Шокина» → «Шокин», «Вяземская» → «Вяземский»; other words unchanged.

    >>> [masculine_surname(w) for w in ("Шокина", "Вяземская", "Иванов", "Меркель", "Ли")]
    ['Шокин', 'Вяземский', 'Иванов', 'Меркель', 'Ли']
    """
    low = word.lower()
    if low.endswith(("ова", "ева", "ёва", "ина", "ына")) and len(low) > 4:
        return word[:-1]
    for fem, masc in (("ская", "ский"), ("цкая", "цкий")):
        if low.endswith(fem) and len(low) > len(fem) + 1:
            return word[: -len(fem)] + (masc.upper() if word.isupper() else masc)
    return word


def feminine_surname(word: str) -> str:
    """The feminine nominative of a Russian surname whose masculine form the lemmatizer gave
    («Зубановой» → lemma «Зубанов» → «Зубанова»); other surnames unchanged.

    >>> [feminine_surname(w) for w in ("Зубанов", "Джиоев", "Алехин", "Вяземский",
    ...                                "Толстой", "Меркель", "Бабченко", "Иванова")]
    ['Зубанова', 'Джиоева', 'Алехина', 'Вяземская', 'Толстая', 'Меркель', 'Бабченко', 'Иванова']
    """
    low = word.lower()
    if low.endswith(("ов", "ев", "ёв", "ин", "ын")) and len(low) > 3:
        return word + ("А" if word.isupper() else "а")
    for masc, fem in (("ский", "ская"), ("цкий", "цкая"), ("ской", "ская"), ("цкой", "цкая"),
                      ("ой", "ая")):
        if low.endswith(masc) and len(low) > len(masc) + 1:
            tail = fem.upper() if word.isupper() else fem
            return word[: -len(masc)] + tail
    return word


def _to_nominative(tok, lemmatizer: Lemmatizer, plural: bool, gender: list[str]) -> str:
    if tok.morph.get("Case") == ["Nom"] or (tok.text.isupper() and len(tok.text) > 1):
        return tok.text  # an abbreviation is written alike in every case («по данным ЕГРЮЛ»)
    return _nominative(lemmatizer, tok.text, tok.lemma_, tok.pos_, plural,
                       gender[0] if gender else "")


@lru_cache(maxsize=100_000)
def _nominative(lemmatizer: Lemmatizer, text: str, lemma: str, pos: str, plural: bool,
                gender: str) -> str:
    """:func:`_to_nominative` of a word not in the nominative, cached per word and reading
    (pymorphy3's parse and inflection are the costly part of an entity's normal form).

    >>> _nominative(Lemmatizer.shared(), "Международного", "международный", "ADJ", False, "Masc")
    'Международный'
    """
    if pos == "ADJ" or (pos == "NOUN" and not plural):
        target = {"nomn", "plur"} if plural else {"nomn"}
        if pos == "ADJ" and not plural and gender in _GENDER:
            target |= {"sing", _GENDER[gender]}
        for p in lemmatizer.morph.parse(text.lower()):
            if p.normal_form.replace("ё", "е") == lemma or pos == "ADJ":
                form = p.inflect(target)
                if form:
                    return _recase(form.word, text)
    return _recase(lemma, text)


def _recase(word: str, like: str) -> str:
    if "ё" not in like.lower():
        word = word.replace("ё", "е")
    if like.isupper() and len(like) > 1:
        return word.upper()
    if like[:1].isupper():
        return "-".join(p[:1].upper() + p[1:] for p in word.split("-"))
    return word


def _other_first_name(doc, i: int, registry: ActorRegistry) -> bool:
    """The one-word person alias at token ``i`` follows a capitalised first name («Мишель
    Обама»): another person with the same surname (a first name of the registered person itself
    would have made a longer alias match)."""
    return i > 0 and _first_name_parse(doc[i - 1], registry) is not None


_GENDER_OF_NAME: dict[str, str] = {}


def first_name_gender(actor: str) -> str:
    """"Masc"/"Fem" when the actor's first word is a first name of one gender only (every
    nominative singular first-name reading pymorphy3 gives agrees), else "" — one rule for the
    quote finder (a title's or pronoun's gender) and for namesakes here.

    >>> first_name_gender("Руслан Шамсутдинов"), first_name_gender("Мария Захарова")
    ('Masc', 'Fem')
    >>> first_name_gender("Минкульт")
    ''
    """
    first = actor.split(" ", 1)[0]
    if " " not in actor or not first[:1].isupper():
        return ""
    if first not in _GENDER_OF_NAME:
        genders = {("Masc" if "masc" in p.tag else "Fem" if "femn" in p.tag else "")
                   for p in Lemmatizer.shared().morph.parse(first)
                   if "Name" in p.tag and "nomn" in p.tag and "sing" in p.tag and p.is_known}
        genders.discard("")
        _GENDER_OF_NAME[first] = genders.pop() if len(genders) == 1 else ""
    return _GENDER_OF_NAME[first]


def _namesake(doc, i: int, names: list[tuple[int, str]]) -> str:
    """Which of the full names sharing a surname (``names``: (token, name) in text order) a
    bare surname at token ``i`` stands for: of those named before it, the ones whose first
    name agrees with the gender of the verb it is the subject of («Зорыч ответила» → «Нина
    Зорыч»), then the one named most often, the latest on a tie; else the first named."""
    before = [f for k, f in names if k < i] or [names[0][1]]
    tok = doc[i]
    gender = tok.head.morph.get("Gender") if tok.dep_ in {"nsubj", "nsubj:pass"} else []
    if gender and gender[0] in {"Masc", "Fem"}:
        agree = [f for f in before if first_name_gender(f) == gender[0]]
        before = agree or before
    counts = {f: before.count(f) for f in before}
    best = max(counts.values())
    return next(f for f in reversed(before) if counts[f] == best)


def _first_name_before(doc, i: int, registry: ActorRegistry, covered: list[bool]) -> str:
    """The first name (nominative, capitalised) right before token ``i`` when it is one
    («Нина» in «Нина Зорыч»: pymorphy3 tags it a first name) and no actor covers it, else ""."""
    if i == 0 or covered[i - 1]:
        return ""
    p = _first_name_parse(doc[i - 1], registry)
    if p is None or "nomn" not in p.tag:
        return ""
    return p.normal_form[:1].upper() + p.normal_form[1:]


def _first_name_parse(tok, registry: ActorRegistry):
    """pymorphy3's likeliest reading of a capitalised token when it is a first name, else None
    (the likeliest only: «Карьера», «У», «И» have first-name readings too) — one rule for a
    first name before a surname, whether it names another person or a namesake."""
    text = tok.text
    if not text[:1].isupper():
        return None
    if text not in registry._first_names:  # cached per word: pymorphy3 is the costly part
        parses = registry.lemmatizer.morph.parse(text)
        registry._first_names[text] = parses[0] if parses and "Name" in parses[0].tag else None
    return registry._first_names[text]


def _the_city(doc, i: int, actor: str, matches, registry, sent_of: list[int]) -> bool:
    """The city metonym at token ``i`` (standing for ``actor``) names the city: the genitive
    of a city noun («мэр Москвы», «на улицах Лондона», «уроженка Киева», «Новой Москвы»); for a
    home capital (``home_capitals``: «Москва»), also where no state or bloc (the metonym's own
    by another name included) and no person of one is named in its sentence, the two before or
    the one after («Москва закупила липы»; not «между Вашингтоном и Москвой»)."""
    tok = doc[i]
    vocab = registry.vocabulary
    t = tok
    for _ in range(3):  # «департамента градостроительной политики Москвы»: up a genitive chain
        if t.dep_ not in {"nmod", "appos"} or t.head.i == t.i:
            break
        if norm(t.head.lemma_) in vocab.city_nouns:
            return True
        t = t.head
    if any(c.dep_ == "amod" and norm(c.lemma_) == "новый" for c in tok.children):
        return True
    if norm(tok.lemma_) not in vocab.home_capitals:
        return False
    here = sent_of[i]
    for key, a, _b in matches:
        kind, other = key.split("\t", 1)
        if a == i or not -2 <= sent_of[a] - here <= 1:
            continue
        e = registry.entries[other]
        if e.type in ("state", "bloc") and not (
                kind == "metonym" and norm(doc[a].lemma_) in vocab.home_capitals):
            return False  # (the capital again does not count; «Кремль», «Россия» do)
        if e.type == "person" and e.affiliation:
            return False  # «Путин обвинил Киев»
    return True


def _common_alias(tok, entry) -> bool:
    """``tok`` matches a one-word alias of ``entry`` that is a common noun («альянс» for
    НАТО) but is used as one: a name of its own in guillemets («Альянс»), or an alliance of
    someone or with someone («альянсом Асада», «военный альянс с войсками Асада»)."""
    lemma = norm(tok.lemma_)
    if not any(a == lemma for a in entry.aliases if " " not in a and a[:1].islower()):
        return False
    doc = tok.doc
    if 0 < tok.i < len(doc) - 1 and doc[tok.i - 1].text in ("«", "„", '"') and (
            doc[tok.i + 1].text in ("»", "“", '"')):
        return True
    return any(c.dep_ == "nmod" and c.i > tok.i and (c.pos_ == "PROPN" or any(
        g.dep_ == "case" and g.lower_ in {"с", "со"} for g in c.children)) for c in tok.children)


def _quoted_org_names(doc) -> list[tuple[int, int]]:
    """Token ranges of the organisations the NER found as a whole name in guillemets
    («Единой России», «Эха Москвы», «Голос Америки»): a country, city or bloc word inside one
    is part of the name, not a mention of its own."""
    out = []
    n = len(doc)
    for ent in doc.ents:
        if ent.label_ == "ORG" and ent.start > 0 and ent.end < n and doc[ent.start - 1].text in (
                "«", "„", '"', "“") and doc[ent.end].text in ("»", "“", '"', "”") and (
                ent.end - ent.start <= 6) and not any(
                t.is_punct and t.text not in {"-", ".", "&"} for t in ent):
            out.append((ent.start, ent.end))  # (not a slogan: «Кубань — это Украина»)
    return out


def find_mentions(doc, registry: ActorRegistry) -> list[Mention]:
    """All actor mentions in ``doc``, sorted by position."""
    meta = doc.user_data["framing"]
    aid = meta["id"]
    toks = doc_tokens(doc)
    sent_of = _sentence_index(doc)
    raw: list[tuple[int, int, str, str, str]] = []  # (start, end, actor, type, resolution)
    covered = [False] * len(doc)
    named = _quoted_org_names(doc)
    matches = list(registry.index.find(toks))
    vocab = registry.vocabulary
    for key, i, j in matches:
        kind, actor = key.split("\t", 1)
        if kind == "metonym" and _used_as_place(doc, i):
            for k in range(i, j):
                covered[k] = True
            continue
        if kind == "metonym" and j - i == 1 and norm(doc[i].lemma_) in vocab.city_metonyms and (
                _the_city(doc, i, actor, matches, registry, sent_of)):
            continue  # «мэр Москвы», «улицы Москвы»: the city (the NER's place), not the state
        e = registry.entries[actor]
        if e.type != "person" and any(a <= i and j <= b and (a, b) != (i, j) for a, b in named):
            continue  # «Единой России», «Эха Москвы», «Народный альянс»: part of a name
        if e.type == "state" and any(c.dep_ == "amod" and not i <= c.i < j and norm(
                c.lemma_) in vocab.region_adjectives for c in doc[i:j].root.children):
            continue  # «Латинской Америке», «Северной Америке»: a region, not the state
        if j - i == 1 and kind == "alias" and _common_alias(doc[i], e):
            continue  # «группа компаний «Альянс»», «альянс Асада с "Хезболлой"»: not НАТО
        if e.type == "person" and j - i == 1 and _other_first_name(doc, i, registry):
            continue  # «Мишель Обама», «Даниил Медведев»: someone else with that surname
        raw.append((i, j, actor, e.type, kind))
        for k in range(i, j):
            covered[k] = True
    # automatic actors from NER
    auto: list[tuple[int, int, str, str, str]] = []
    for ent in doc.ents:
        if any(covered[k] for k in range(ent.start, ent.end)) or not registry.plausible_actor(ent):
            continue
        label, span = ent.label_, ent
        if label == "PER":
            # «Глеб Васильченко Работая в АИИ …»: a verb form the NER ran on into, not parsed
            # as part of the name, is no name («Юрия Дудя», «Ивана Селило» are: flat:name)
            while len(span) > 1 and span[-1].is_alpha and len(span[-1]) > 1 and not (
                    span[-1].dep_.startswith("flat") or registry.can_be_name(span[-1].text)):
                span = span[:-1]
        # names are linked by the lemmatizer's forms (a woman's surname in an oblique case as
        # the masculine: «Ольге Шокиной» → «шокин»), shown in their own gender
        nf, key_nf = normal_forms(span, registry.lemmatizer)
        if label == "PER":
            # one person with and without the patronymic («Сергей Семенович Собянин», «Сергей
            # Собянин»): the name without it, in the same order in every article
            nf, key_nf = without_patronymic(nf), without_patronymic(key_nf)
        if nf:
            auto.append((span.start, span.end, nf, _NER_TYPE.get(label, "organisation"),
                         key_nf))
    # surname → the full names with it, in text order («Александр Зорыч», «Нина Зорыч»)
    by_surname: dict[str, list[tuple[int, str]]] = {}
    for s, _e, nf, typ, key_nf in auto:
        if typ == "person" and " " in nf:
            words = _name_words(key_nf)
            named = len(words) == 2 and _first_name_before(doc, s + 1, registry, covered)
            # a namesake only counts with a first name («Нина Зорыч», not «Карьера Слуцкий»)
            if norm(words[-1]) not in by_surname or named:
                by_surname.setdefault(norm(words[-1]), []).append((s, nf))
            # a woman's name in an oblique case is keyed by the lemmatizer's masculine form;
            # also by her own form, which a bare surname that only a woman has looks up
            # («Ирине Бирюковой» … «партнер Бирюковой» → «бирюкова»)
            own = norm(_name_words(nf)[-1])
            if own != norm(words[-1]) and own not in by_surname:
                by_surname[own] = [(s, nf)]
    full_names = {k: v[0][1] for k, v in by_surname.items()}
    full_by_first: dict[str, set[str]] = {}
    for _s, _e, nf, typ, _k in auto:
        words = _name_words(nf)
        if typ == "person" and len(words) > 1 and not (
                len(words) == 2 and _known_patronymic(words[1], registry.lemmatizer)):
            full_by_first.setdefault(norm(words[0]), set()).add(nf)
    surname_keys: dict[tuple[str, str], str] = {}
    by_prefix = _keys_by_prefix(full_names)
    for s, e, nf, typ, key_nf in auto:
        res = "ner"
        # a bare surname joins the full name, even when the NER took it for a place or an
        # organisation («Свиридов» after «Егор Свиридов») or left it inflected («Лофнера»)
        if full_names and " " not in nf and (typ == "person" or e - s == 1):
            # the same surname recurs in an article: its key is looked up once
            word = doc[s:e].text
            # a surname only a woman has («Бирюковой») first looks up her own form
            look = nf if nf != key_nf and norm(nf) in full_names else key_nf
            if (word, look) not in surname_keys:
                surname_keys[word, look] = _surname_key(word, look, full_names,
                                                        registry.lemmatizer, by_prefix)
            key = surname_keys[word, look]
            if key:
                first = _first_name_before(doc, s, registry, covered)
                names = by_surname[key]
                full = _namesake(doc, s, names)
                same = [f for _, f in names if norm(f.split()[0]) == norm(first)]
                if first and not same:
                    # «Нина Зорыч» with the NER's span on the surname only: a namesake
                    nf, typ, s = f"{first} {full.split()[-1]}", "person", s - 1
                else:
                    full = same[-1] if same else full
                    nf, typ, res = full, "person", "surname"
        if res == "ner" and typ == "person" and ((e - s == 1 and " " not in nf) or (
                e - s == 2 and len(nf.split()) == 2
                and _known_patronymic(nf.split()[1], registry.lemmatizer)
                and not (e < len(doc) and doc[e].text == "["))):
            # (not «Сергею Семеновичу [Собянину]»: the editor names him)
            # a bare first name («а сама Алена говорила»), or one with a patronymic («Это
            # Герман Львович?»), is the one person of the article with that first name
            # («Алена Стерлигова»)
            p = _first_name_parse(doc[s], registry)
            fulls = sorted({f for f in full_by_first.get(norm(p.normal_form), ())}) if p else []
            if len(fulls) == 1:
                nf, res = fulls[0], "first_name"
        raw.append((s, e, nf, typ, res))
    quoted = _in_quotes(doc)
    raw.extend(_descriptors(doc, registry, raw, meta.get("date", ""), quoted))
    raw.sort(key=lambda r: (r[0], r[1]))
    raw.extend(_pronouns(doc, raw, registry, sent_of, quoted))
    raw.sort(key=lambda r: (r[0], r[1]))
    links = _collective_links(doc, raw, registry.vocabulary.collective_links)
    segment_at = _segment_kinds(doc)
    # a span's offsets and text from the token lists (no spaCy Span and Tokens per mention)
    v = doc_view(doc)
    full, idx, tok_text = v.full_text, v.idx, v.text
    out = []
    for n, (i, j, actor, typ, res) in enumerate(raw):
        if i < j:
            start, end = idx[i], idx[j - 1] + len(tok_text[j - 1])
            text = full[start:end]
        else:
            span = doc[i:j]
            start, end, text = span.start_char, span.end_char, span.text
        entry = registry.entries.get(actor)
        out.append(Mention(
            article_id=aid, mention_id=n, actor=actor, actor_type=typ, text=text,
            start=start, end=end, tok_start=i, tok_end=j,
            sent=sent_of[i], resolution=res, segment=segment_at(start),
            affiliation=(entry.affiliation if entry else "") or links.get(n, ""),
        ))
    return out


def _segment_kinds(doc):
    """:func:`framing.nlp.segment_kind` of ``doc`` as a function of the character offset: a
    binary search when the segments are in order and do not overlap (as the ingest makes
    them), else that function itself (it scans every segment: quadratic on long articles).

    >>> from framing.ingest import parse_text
    >>> from framing.nlp import NLP, segment_kind
    >>> doc = NLP()(parse_text("Заголовок\\n\\nТекст статьи.", "x", "x.txt"))
    >>> at = _segment_kinds(doc)
    >>> [at(k) == segment_kind(doc, k) for k in range(-1, len(doc.text) + 2)] == [True] * (
    ...     len(doc.text) + 3)
    True
    """
    from .nlp import segment_kind

    segs = doc.user_data["framing"]["segments"]
    if any(start > end for _, start, end in segs) or any(
            segs[k][2] > segs[k + 1][1] for k in range(len(segs) - 1)):
        return lambda offset: segment_kind(doc, offset)
    starts = [start for _, start, _ in segs]

    def at(offset: int) -> str:
        k = bisect_right(starts, offset) - 1
        return segs[k][0] if k >= 0 and offset < segs[k][2] else "prose"

    return at


def _collective_links(doc, raw, cues: Sequence[tuple[str, ...]]) -> dict[int, str]:
    """Index in ``raw`` of each unnamed collective the text links to a state → that state:
    «внешние силы в лице США», «некоторые силы, прежде всего Вашингтон», «третьи силы (США и
    Британия)», «деструктивные силы из-за океана» (the first state named after the link; a
    bare comma or «и» is no link: «внешние силы и Китай» are two actors)."""
    out: dict[int, str] = {}
    if not any(typ == "collective" for _, _, _, typ, _ in raw):
        return out
    state_at = {i: actor for i, _, actor, typ, _ in raw if typ == "state"}
    words = doc_view(doc).norm
    for n, (i, j, _, typ, _) in enumerate(raw):
        if typ != "collective":
            continue
        k, end, linked = j, min(len(doc), doc[i].sent.end), False
        while k < end and k - j < 6:
            if k in state_at:
                # «силы из-за океана»: a periphrasis with its preposition is a link of its own
                if linked or (k == j and doc[k].pos_ == "ADP"):
                    out[n] = state_at[k]
                break
            w = words[k]
            if w in {"(", "—", "–", ":"}:
                linked = True
                k += 1
                continue
            if w == ",":
                k += 1
                continue
            cue = next((c for c in cues if tuple(words[k:k + len(c)]) == c), None)
            if cue is None:
                break
            linked, k = True, k + len(cue)
    return out


#: nominative endings of Russian patronymics («Семенович», «Ильич», «Петровна», «Ильинична»)
_PATRONYMIC = ("вич", "вна", "ична", "ьич", "ич")


def without_patronymic(name: str) -> str:
    """A person's name of three words without its patronymic, given name first: «Сергей
    Семенович Собянин» → «Сергей Собянин»; the official order «Собянин Сергей Семенович» →
    «Сергей Собянин»; other names unchanged (a patronymic is a capitalised word ending as
    one: «-вич», «-вна», «-ична», «-ич»).

    A gender the normal form got wrong in the patronymic goes with it («Зоя Анатолиевич
    Космодемьянская»).

    >>> [without_patronymic(n) for n in ("Сергей Семенович Собянин", "Собянин Сергей Семенович",
    ...  "Анна Васильевна Шурыгина", "Роман Аркадьевич Абрамович")]
    ['Сергей Собянин', 'Сергей Собянин', 'Анна Шурыгина', 'Роман Абрамович']
    >>> [without_patronymic(n) for n in ("Реджеп Тайип Эрдоган", "Сергей Собянин",
    ...  "Новак Джокович")]
    ['Реджеп Тайип Эрдоган', 'Сергей Собянин', 'Новак Джокович']
    """
    words = name.split()
    if len(words) != 3 or not all(w[:1].isupper() and w.isalpha() for w in words):
        return name
    if _patronymic(words[1]):  # «Роман Аркадьевич Абрамович»: the middle word
        return f"{words[0]} {words[2]}"
    if _patronymic(words[2]):
        return f"{words[1]} {words[0]}"
    return name


def _known_patronymic(word: str, lemmatizer: Lemmatizer) -> bool:
    """pymorphy3's dictionary knows ``word`` as a patronymic and not as a surname («Львович»,
    not «Абрамович», «Юткевич»)."""
    parses = _parse(lemmatizer, word.lower())
    return any("Patr" in p.tag and p.is_known for p in parses) and not any(
        "Surn" in p.tag for p in parses)


def _patronymic(word: str) -> bool:
    low = word.lower()
    return len(low) > 4 and low.endswith(_PATRONYMIC)


def _name_words(nf: str) -> list[str]:
    """The words of a person's name without a parenthesised gloss («Кари Лиухто (Kari Liuhto)»
    → ['Кари', 'Лиухто']).

    >>> _name_words("Кари Лиухто (Kari Liuhto)")
    ['Кари', 'Лиухто']
    """
    words = re.sub(r"\s*\([^()]*\)\s*$", "", nf).split()
    return words or nf.split()


#: endings a surname's forms differ by once the NER's normal form went astray («Раковой» →
#: «Раковый» beside the bare «Ракова»): the stems must agree up to one of these
_SURNAME_ENDINGS = {"", "а", "ы", "у", "ой", "ый", "ий", "ая", "ом", "ым", "ого", "ому",
                    "е", "ей", "ую"}


def _surname_key(text: str, nf: str, full_names: dict[str, str], lemmatizer: Lemmatizer,
                 by_prefix: dict[str, list[str]] | None = None) -> str:
    """The key of ``full_names`` (surname → full name) that a one-word entity is the surname
    of: its normal form, else one of pymorphy3's normal forms of the word, else the one key
    whose stem it shares up to a surname ending (the full name was misnormalised: «Анастасия
    Раковый» beside «Ракова»); "" if none.

    ``by_prefix`` (:func:`_keys_by_prefix` of ``full_names``) only saves time on long
    articles: the stems compared share the first four letters, the misspellings the first.

    >>> names = {"ракова": "Анастасия Ракова", "каверзина": "Ирина Каверзина"}
    >>> lem = Lemmatizer.shared()
    >>> [_surname_key(w, w, names, lem, index) for w in ("Раковый", "Каверина")
    ...  for index in (None, _keys_by_prefix(names))]
    ['ракова', 'ракова', 'каверзина', 'каверзина']
    """
    if norm(nf) in full_names:
        return norm(nf)
    found = sorted(k for k in (norm(c) for c in lemmatizer.candidates(text)) if k in full_names)
    if found:
        return _one_name(found, full_names)
    word = norm(nf)
    near = full_names if by_prefix is None else by_prefix.get(word[:4], ())
    stems = sorted(k for k in near if _same_stem(word, k))
    if not stems:
        # a misspelt surname («Каверина» after «Ирина Каверзина», «Шамстудинов» after «Руслан
        # Шамсутдинов»): one letter dropped, added, changed or two swapped inside the stem
        near = full_names if by_prefix is None else by_prefix.get(word[:1], ())
        stems = sorted(k for k in near if _typo_of(word, k))
    return _one_name(stems, full_names)


def _one_name(keys: list[str], full_names: dict[str, str]) -> str:
    """The first of ``keys`` when they all stand for one full name (a woman's surname is
    keyed in both genders: «ракова», «раков»), else ""."""
    return keys[0] if keys and len({full_names[k] for k in keys}) == 1 else ""


def _keys_by_prefix(full_names: dict[str, str]) -> dict[str, list[str]]:
    """The keys of ``full_names`` under their first letter and under their first four letters
    (a key shorter than four letters under itself: no stem of four letters is shared)."""
    out: dict[str, list[str]] = {}
    for k in full_names:
        out.setdefault(k[:1], []).append(k)
        if len(k) > 1:  # (a one-letter key is its own first letter)
            out.setdefault(k[:4], []).append(k)
    return out


def _typo_of(a: str, b: str) -> bool:
    """``a`` is ``b`` misspelt: one letter dropped, added or changed, or two neighbours
    swapped, after the first letter and before the last two (the ending tells gender and case:
    «Петрова» is no misspelt «Петров»); both at least seven letters long.

    >>> _typo_of("каверина", "каверзина"), _typo_of("шамстудинов", "шамсутдинов")
    (True, True)
    >>> _typo_of("петрова", "петров"), _typo_of("смирнова", "смирновы")
    (False, False)
    >>> _typo_of("лунина", "лунгина")
    False
    """
    if min(len(a), len(b)) < 7 or a == b or abs(len(a) - len(b)) > 1:
        return False
    n = 0
    while n < min(len(a), len(b)) and a[n] == b[n]:
        n += 1
    if n < 1:
        return False
    tail = min(len(a), len(b)) - 2
    if len(a) == len(b):
        if a[n + 1:] == b[n + 1:]:  # one letter changed
            return n < tail
        # two neighbours swapped
        return n + 1 < tail and a[n] == b[n + 1] and a[n + 1] == b[n] and a[n + 2:] == b[n + 2:]
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    return n < tail and short[n:] == long_[n + 1:]


def _same_stem(a: str, b: str) -> bool:
    """Two forms of one surname: a common stem of at least four letters and endings from
    ``_SURNAME_ENDINGS``.

    >>> _same_stem("ракова", "раковый"), _same_stem("петров", "петровский")
    (True, False)
    """
    n = 0
    while n < min(len(a), len(b)) and a[n] == b[n]:
        n += 1
    return n >= 4 and a[n:] in _SURNAME_ENDINGS and b[n:] in _SURNAME_ENDINGS


def _descriptors(doc, registry: ActorRegistry, found, date: str, inside):
    """«президент РФ», «лидер Казахстана», «казахстанский лидер», «глава МИД РФ» → the person
    holding that office on the article's date; a bare «президент» → the nearest such person
    (``title``)."""
    state_at = {}
    for i, j, actor, typ, _ in found:
        if typ == "state":
            for k in range(i, j):
                state_at[k] = (actor, j)
    persons = {k for i, j, _, typ, _ in found if typ == "person" for k in range(i, j)}
    named = frozenset(a for _, _, a, typ, _ in found if typ == "person") if not date else \
        frozenset()
    out = _colleagues(doc, registry, found, date)
    bare: list[tuple[int, set[tuple[str, ...]]]] = []
    generic = registry.vocabulary.descriptor_titles
    titles_multi = [t for t in registry.roles if len(t) > 1]
    firsts = {t[0] for t in titles_multi}
    lemmas = doc_view(doc).lemma
    n = len(doc)
    for i, lemma in enumerate(lemmas):
        if lemma not in generic and lemma not in firsts:
            continue
        titles: set[tuple[str, ...]] = set()
        end = i + 1
        for t in titles_multi:
            if tuple(lemmas[i:i + len(t)]) == t:
                titles.add(t)
                end = max(end, i + len(t))
        if lemma in generic and not titles:  # a specific title wins («глава МИД»)
            titles = {(x,) for x in generic[lemma]}
        if not titles or i in persons or (end < n and end in persons):
            continue  # «президент Путин»: the name is the mention
        state, start, stop = "", i, end
        prev = doc[i - 1] if i > 0 else None
        if prev is not None and norm(prev.lemma_) in registry.adjective_of:
            state, start = registry.adjective_of[norm(prev.lemma_)], i - 1
        elif end < n and end in state_at:
            state, stop = state_at[end]
        if not state and end == i + 1 and _bare(doc[i], registry):
            bare.append((i, titles))
            continue
        if not state or stop in persons:
            continue  # «президентом Америки Дональдом Трампом»: the name is the mention
        if doc[i].dep_ == "nmod" and norm(doc[i].head.lemma_) in registry.vocabulary.office_nouns:
            continue  # «кандидатом на пост главы Франции», «выборы президента США»: the office
        if _not_the_holder(doc, i, stop):
            continue  # «американские президенты», «первого российского президента»
        person = registry.role_holder(titles, state, date, named)
        if person:
            out.append((start, stop, person, "person", "descriptor"))
    if bare:
        out.extend(_bare_titles(doc, registry, found, date, bare, inside))
    return out


_NOT_NOW = frozenset({"первый", "бывший", "прежний", "будущий", "следующий", "предыдущий",
                      "экс", "покойный", "советский"})


def _not_the_holder(doc, i: int, stop: int) -> bool:
    """The title at token ``i`` (its phrase ends at ``stop``) names no present holder: a
    generic plural («американских президентов»; not «президенты России и Украины», each
    country's), or an office of another time («первого российского президента», «бывший глава
    МИД»)."""
    tok = doc[i]
    if any(norm(c.lemma_) in _NOT_NOW for c in tok.children if c.dep_ in {"amod", "nummod"}):
        return True
    if tok.morph.get("Number") == ["Plur"]:
        return not any(t.dep_ == "conj" for t in doc[i:min(stop + 3, len(doc))])
    return False


def _bare(tok, registry: ActorRegistry) -> bool:
    """A singular title with no name, country, qualifier or number of its own, that names a
    person rather than the office: «— заявил президент», not «президенты», «президент
    компании», «главы Росгвардии», «бывший президент», «во главе», «на посту президента»."""
    doc = tok.doc
    nxt = doc[tok.i + 1] if tok.i + 1 < len(doc) else None
    prev = doc[tok.i - 1] if tok.i > 0 else None
    office_nouns = registry.vocabulary.office_nouns
    # the tagger misses some plurals («Президенты обменялись …»): ask pymorphy3 too (rare words)
    lemma = norm(tok.lemma_)
    tags = [p.tag for p in registry.lemmatizer.morph.parse(tok.lower_)
            if norm(p.normal_form) == lemma]
    plural = tok.morph.get("Number") == ["Plur"] or bool(tags) and all("plur" in t
                                                                        for t in tags)
    return (not plural and tok.dep_ != "fixed"
            and not any(c.dep_ in {"nmod", "appos", "flat", "flat:name", "amod", "det",
                                   "nummod", "conj", "fixed"} for c in tok.children)
            and not (nxt is not None and (nxt.pos_ == "PROPN" or nxt.text in OPEN_QUOTES or (
                nxt.pos_ in {"NOUN", "ADJ", "DET"} and nxt.morph.get("Case") == ["Gen"])))
            and not (prev is not None and prev.lower_ == "во")
            and not (tok.dep_ == "nmod" and norm(tok.head.lemma_) in office_nouns))


def _bare_titles(doc, registry: ActorRegistry, found, date: str, bare, inside):
    """A bare title («президент») outside quotes → the nearest preceding person outside quotes
    (within three sentences) who holds that title at the article's date (undated: at any
    time): in the nearest
    sentence naming such a person, its grammatical subject if one of them is, else the nearest
    of them («Токаев поддержал настрой своего российского коллеги. «…», — заявил президент»
    → Токаев).  ``inside``: :func:`_in_quotes` of ``doc``."""

    def quoted(tok) -> bool:
        return inside(tok.idx)

    sent_starts = [s.start for s in doc.sents]

    def sent(i: int) -> int:
        return bisect_right(sent_starts, i) - 1

    persons = sorted((i, j, actor) for i, j, actor, typ, _ in found
                     if typ == "person" and not quoted(doc[i]))
    out = []
    for i, titles in bare:
        if quoted(doc[i]):
            continue
        # undated: a past holder named nearby is a better guess than no one
        holders = {p for t in titles for p, r in registry.roles.get(t, [])
                   if not date or r.holds(date)}
        best = None
        for pi, pj, actor in reversed(persons):
            if pj > i or actor not in holders or _other_office(doc[pi:pj].root, registry):
                continue
            if sent(i) - sent(pi) > 3 or (best is not None and sent(pi) != best[1]):
                break
            if best is None:
                best = (actor, sent(pi))
            if doc[pi:pj].root.dep_ in {"nsubj", "nsubj:pass"}:
                best = (actor, sent(pi))
                break
        if best is not None:
            out.append((i, i + 1, best[0], "person", "title"))
    return out


#: a title's genitive that keeps it the head of state's («глава государства»)
_STATE_NOUNS = frozenset({"государство", "страна", "республика"})


def _other_office(name, registry: ActorRegistry) -> bool:
    """The name is introduced here with an office no descriptor title stands for: a title
    noun it is in apposition to that is no ``descriptor_titles`` head, or one with a common
    noun's genitive («назначил главу правительства Дмитрия Медведева»: in this text not
    «президент», whatever roles he held)."""
    # in apposition, or a genitive the parse hung on the title in the title's own case (not
    # a possessor: «доверенным лицом Владимира Путина»)
    heads = [name.head] if name.head.i < name.i and (name.dep_ == "appos" or (
        name.dep_ == "nmod" and name.morph.get("Case") == name.head.morph.get("Case"))) else []
    heads += [c for c in name.children if c.dep_ == "appos"]
    for h in heads:
        if h.pos_ != "NOUN" or h.morph.get("Animacy") != ["Anim"]:
            continue
        if norm(h.lemma_) not in registry.vocabulary.descriptor_titles:
            return True
        if any(c.dep_ == "nmod" and c.pos_ == "NOUN" and norm(c.lemma_) not in _STATE_NOUNS
               for c in h.children):
            return True
    return False


def _colleagues(doc, registry: ActorRegistry, found, date: str):
    """«(своего) российского коллеги» → the person holding, in that state, the office the
    nearest preceding person (same or previous sentence) holds at the article's date."""
    out = []
    persons = sorted((i, actor) for i, _, actor, typ, _ in found if typ == "person")
    counterparts = registry.vocabulary.counterparts
    lemmas = doc_view(doc).lemma
    for i in range(1, len(doc)):
        if lemmas[i] not in counterparts:
            continue
        tok = doc[i]
        adj = lemmas[i - 1]
        state = registry.adjective_of.get(adj, "")
        if not state:
            continue
        sent_start = doc[tok.sent.start - 1].sent.start if tok.sent.start > 0 else 0
        before = [a for i, a in persons if sent_start <= i < tok.i]
        if not before:
            continue
        entry = registry.entries.get(before[-1])
        titles = {tuple(norm(registry.lemmatizer.lemma(w)) for w in r.title.split())
                  for r in (entry.roles if entry else []) if r.holds(date) and r.of != state}
        person = registry.role_holder(titles, state, date) if titles else ""
        if person and person != before[-1]:
            out.append((tok.i - 1, tok.i + 1, person, "person", "descriptor"))
    return out


_SUBJ = {"nsubj", "nsubj:pass"}
#: the dependency of a main clause's verb (not «…, что …», a relative or adverbial clause)
MAIN_CLAUSE = frozenset({"ROOT", "root", "conj", "parataxis"})


def _pronouns(doc, found, registry: ActorRegistry, sent_of: list[int], quoted):
    """Third-person pronouns («он», «её») and «последний» → the nearest preceding person
    mention (gender-compatible, within three sentences).  ``quoted``: :func:`_in_quotes` of
    ``doc``."""
    persons = sorted(((i, j, actor) for i, j, actor, typ, _ in found if typ == "person"),
                     key=lambda p: (p[1], p[0]))
    ends = [j for _, j, _ in persons]
    out = []
    anonymous = registry.vocabulary.anonymous_sources
    v = doc_view(doc)
    part = None  # the sentences cut again before a quote that opens one (made when needed)
    chained: set[int] = set()  # resolved subject pronouns added to ``persons``
    for i, lemma in enumerate(v.lemma):
        if not ((lemma in _PRONOUNS and v.pos[i] == "PRON") or lemma == "последний"):
            continue  # (the conditions below, on the view: no Token made for most words)
        tok = doc[i]
        # subjects only: oblique «ему», «его» refer to things as often as to people
        is_pron = (tok.pos_ == "PRON" and lemma in _PRONOUNS and tok.morph.get("Case") == ["Nom"]
                   and tok.morph.get("Number") != ["Plur"])
        # «последний» standing for a noun: an argument, or an «amod» that does not agree
        is_latter = lemma == "последний" and (
            tok.dep_ in {"obj", "nsubj", "iobj", "obl"}
            or (tok.dep_ == "amod" and tok.morph.get("Case") != tok.head.morph.get("Case")))
        if not (is_pron or is_latter):
            continue
        gender = tok.morph.get("Gender")
        best = sub = None
        if part is None:
            part = _quote_cut_sentences(doc, v)
        # the narrator's subject pronoun («Он отметил») continues a main clause's subject
        # («Он отметил, что помнит, как Михалыч … «…», — написал он»: not Михалыч); inside a
        # quote «он» is as often whom the speaker talks about
        narrator = is_pron and tok.dep_ in _SUBJ and (
            not quoted(tok.idx) or _interrupting(doc, tok.i))
        # walk back from the pronoun: in the nearest sentence with a compatible person, its
        # subject if one of them is, else the nearest («последний»: always the nearest)
        for k in range(bisect_right(ends, tok.i) - 1, -1, -1):
            i, j, actor = persons[k]
            if sent_of[tok.i] - sent_of[i] > 3:
                break
            if is_latter and i in chained:
                continue  # «последний»: the last one named
            if narrator and quoted(doc[i].idx) and not _interrupting(doc, i):
                continue  # ««… господин Путин …», — сказал он»: not whom the quote names
            if i in chained and not narrator and quoted(tok.idx) and not quoted(doc[i].idx):
                continue  # «…», — сказал он. «… тут он ошибается»: not the speaker himself
            last = doc[j - 1].morph
            if last.get("Number") == ["Plur"] or _family(doc[j - 1].text, actor):
                continue  # «родового села Кадыровых»: the family, not its member
            if _label_of(doc, i, j, tok.i):
                continue  # «Мустафа Джемилев: Положительная была реакция! Он сказал …»
            # the first name's gender, else the tagger's on the mention's last word (the
            # tagger often reads a woman's surname as masculine: «Натали Нугеред»)
            g = [fg] if (fg := first_name_gender(actor)) else last.get("Gender")
            if gender and g and gender != g:
                continue
            if best is not None and part[i] != part[best[2]]:
                break
            if best is None:
                best = (actor, sent_of[i], i)
                if is_latter or part[i] == part[tok.i]:
                    break
            root = doc[i:j].root
            if root.dep_ == "appos" and root.head.dep_ in _SUBJ:
                root = root.head  # («Начальник отдела Анна Симоненко … отметила»)
            if root.dep_ in _SUBJ:
                if narrator and root.head.dep_ not in MAIN_CLAUSE:
                    sub = sub or (actor, sent_of[i], i)
                    continue
                best, sub = (actor, sent_of[i], i), None
                break
        if sub is not None:
            best = sub  # no main clause's subject: the nearest subject
        if best is not None and _anonymous_since(doc, tok, best[:2], anonymous, persons,
                                                 sent_of):
            best = None  # «А источник, работавший с Улюкаевым, … — говорит он»: the source
        best = best[0] if best is not None else None
        if best is not None:
            out.append((tok.i, tok.i + 1, best, "person", "pronoun"))
            if is_pron and tok.dep_ in _SUBJ:
                # a resolved subject pronoun is an antecedent in turn: «Петров заявил … Он
                # объяснил, что благодарен Иванову … Он отметил …» — the second «он» is the
                # subject of the sentence before, not Иванов
                k = bisect_right(ends, tok.i + 1)
                persons.insert(k, (tok.i, tok.i + 1, best))
                ends.insert(k, tok.i + 1)
                chained.add(tok.i)
    return out


def _interrupting(doc, i: int) -> bool:
    """Token ``i`` is in the narrator's clause interrupting a quote: «…, — написал он. — …»,
    «…, — он добавил, — …» (a dash after the quote's comma, at most two words before it)."""
    for d in range(i - 1, max(i - 4, 0), -1):
        if doc[d].text in {"—", "–"}:
            return doc[d - 1].text in {",", "!", "?", "…"}
        if not doc[d].is_alpha:
            return False
    return False


def _in_quotes(doc):
    """A test of a character offset of ``doc``: is it inside a quote
    (:func:`framing.quotes.quote_spans`)?  The spans are found on the first call, once per
    document for every step that asks."""
    found: list = []

    def quoted(at: int) -> bool:
        if not found:
            from .quotes import quote_spans

            spans = quote_spans(doc_text(doc))
            found.append((spans, [a for a, _ in spans]))
        spans, starts = found[0]
        k = bisect_right(starts, at) - 1
        return k >= 0 and spans[k][0] <= at < spans[k][1]

    return quoted


def _label_of(doc, i: int, j: int, at: int) -> bool:
    """The mention ``doc[i:j]`` is the speaker label of an interview answer («Мустафа
    Джемилев: …» opening a paragraph) that holds token ``at``: the speaker's own words, where
    «он» is someone else."""
    if j >= len(doc) or doc[j].text != ":" or (i > 0 and "\n" not in doc[i - 1].text
                                               and "\n" not in doc[i - 1].whitespace_):
        return False
    return not any("\n" in t.text or "\n" in t.whitespace_ for t in doc[j:at])


def _family(word: str, actor: str) -> bool:
    """``word`` is the plural of the surname of ``actor`` («Кадыровых» of «Рамзан Кадыров»;
    the tagger reads it as anything).

    >>> _family("Кадыровых", "Рамзан Кадыров"), _family("Седых", "Анна Седых")
    (True, False)
    """
    low = word.lower()
    return low.endswith(("ых", "ыми")) and not actor.lower().endswith(("ых", "ыми"))


def _anonymous_since(doc, tok, best: tuple[str, int], anonymous: set[str], persons,
                     sent_of: list[int]) -> bool:
    """An anonymous source («источник», «собеседник») is the subject of one of the two
    sentences before ``tok``'s and more recent than the person ``best`` = (actor, sentence) the
    pronoun would refer to: that person's last mention comes before the source or inside the
    source's own phrase («А источник, работавший с Улюкаевым, … «…», — говорит он»).  A
    pronoun in the source's own sentence («источник утверждает, что он …») is whom the source
    speaks of, never the source."""
    if not anonymous:
        return False
    first = sentence_back(tok, 2)
    src = next((t for t in reversed(doc[first.start:tok.sent.start])
                if t.dep_ in {"nsubj", "nsubj:pass"} and norm(t.lemma_) in anonymous), None)
    if src is None:
        return False
    last = max((i for i, j, a in persons if a == best[0] and j <= tok.i), default=-1)
    if last < src.i:
        return True
    # inside the source's phrase: up from the name to the source without a coordination
    node = doc[last]
    for _ in range(8):
        if node.i == src.i:
            return True
        if node.dep_ == "conj" or node.head.i == node.i:
            return False
        node = node.head
    return False


def _used_as_place(doc, i: int) -> bool:
    """«в Кремле», «на Банковой»: a metonym in the locative after a place preposition, or
    joined to such a place («в Париже и Брюсселе»)."""
    if i == 0:
        return False
    cases = _PLACE_PREPS.get(doc[i - 1].lower_, set())
    if set(doc[i].morph.get("Case")) & cases:
        return True
    tok = doc[i]
    if tok.dep_ == "conj" and tok.head.i < i and doc[i - 1].lower_ in {"и", "или", ","}:
        first = tok.head
        prep = next((c for c in first.children if c.dep_ == "case"), None)
        return prep is not None and bool(
            set(tok.morph.get("Case")) & _PLACE_PREPS.get(prep.lower_, set()))
    return False


def _quote_cut_sentences(doc, v) -> list[int]:
    """Each token's sentence number, the parser's sentences cut again after a semicolon and
    where a sentence end («.», «!», «?», «…») is followed by a quote that opens with a capital
    letter.  The segmenter sometimes keeps «Бабкин познакомился со Стерлиговым. «В моде была
    …», — вспоминает он» as one sentence, and a pronoun after the quote then took the nearest
    name (the object) instead of the previous sentence's subject; likewise «Бебчук подал на
    Туровского иск; он указывал, что …» (Бебчук).

    >>> from framing.ingest import parse_text
    >>> from framing.nlp import NLP
    >>> doc = NLP()(parse_text("Он пришел. «Мы здесь», — сказал он.", "x", "x.txt"))
    >>> cut = _quote_cut_sentences(doc, doc_view(doc))
    >>> cut[0] < cut[3] == cut[-1]
    True
    """
    out, n = [0] * len(doc), -1
    starts = {s.start for s in doc.sents}
    text = v.text
    for i in range(len(doc)):
        if i in starts or (i >= 1 and text[i - 1] == ";") or (
                i >= 1 and text[i] in _QUOTE_OPENERS and text[i - 1] in _SENTENCE_ENDS
                and i + 1 < len(doc) and text[i + 1][:1].isupper()):
            n += 1
        out[i] = n
    return out


_QUOTE_OPENERS = frozenset({"«", "„", "\"", "“"})
_SENTENCE_ENDS = frozenset({".", "!", "?", "…"})


def _sentence_index(doc) -> list[int]:
    out = [0] * len(doc)
    for n, s in enumerate(doc.sents):
        for k in range(s.start, s.end):
            out[k] = n
    return out
