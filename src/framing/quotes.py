"""Who speaks: direct and indirect speech, its speaker and reporting verb.

Direct speech is text in «…» (nested „…“ or «…» inside belong to the same quote; a quote may run
over several paragraphs) attributed by a reporting clause after it («…», — заявил Путин), a clause
interrupting it («…, — отметил Шибутов. — …»), or the sentence that embeds it (Путин
констатировал: …«…»; назвал последнего «…»).  Indirect speech is recognised from «по словам X»,
parentheticals («как считает X», «…, считает X, …», «…, объясняет X») and «X отметил, что …».

Speakers resolve to actors: a named mention (``name``), a pronoun (``pronoun``: nearest preceding
person outside quotes), a title with a country («президент РФ», «лидер Казахстана»:
``descriptor``, the nearest person affiliated with that country), a bare title
(«президент», «политолог», «87-летний политик»: ``title``, the subject of the nearest sentence
that names a person, else the nearest person), or an unnamed collective («эксперты»:
``collective``).  An unnamed source («источник «Медузы»», «собеседник, близкий к Кремлю», «один
из экспертов») is ``anonymous``: no actor, never the outlet or the name it is close to.  A bare
body noun («компания заявила», «по оценкам правительства») refers back to the organisation or
state named before (``title``); a document («— сообщает отчет») speaks for the issuer named with
it, else for no one (``document``); «оба» is the coordinated persons just named.  «Пресс-служба
X», «представитель X» and «эксперты X» speak for the body X hanging from the noun (not a state
inside its name), unless a person introduced with X is named just before («директор X Елена …»);
a noun for a person with a possessor («племянница Бродского») is never the possessor but the
person introduced with that noun, else no one.  A title's verb gives its gender («— отметила
представитель», «мужчина сказал»).  Text outside every quote is the author's voice.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from .actors import MAIN_CLAUSE, first_name_gender
from .docview import doc_text, doc_view, sentence_back
from .lexmatch import norm
from .yamlio import ResourceError, key_line, line_of, load_yaml

OPEN, CLOSE = "«„“", "»“”"
_PRONOUNS = {"он", "она", "его", "ее", "её", "него", "нее", "ней", "ему", "им", "ним"}
_PLURAL_PRONOUNS = {"они", "их", "им", "ими", "них", "ним", "ними"}
# «тот ответил», «та попросила»: the person just named (a subject head only)
_DEMONSTRATIVES = {"тот", "та"}
# nouns for a person whom the text gives no name («мужчина», «женщина»)
_SOMEONE = {"мужчина", "женщина", "парень", "девушка"}
# answering, and asking someone (who was asked answers: «задал студентам вопрос … Они ответили»)
_ANSWER = {"ответить", "отвечать"}
_ASK = {"задать", "задавать", "спросить", "спрашивать"}
# determiners of a place noun, no part of the body's name («в самом музее», «в этой компании»)
_DETERMINERS = {"сам", "самый", "этот", "тот", "данный", "такой"}
_DASH = {"—", "–", "-"}


@dataclass
class Quote:
    article_id: str
    quote_id: int
    kind: str  # direct | indirect
    start: int
    end: int
    text: str
    speaker: str
    speaker_text: str
    resolution: str
    verb: str
    verb_type: str

    def as_row(self) -> dict:
        # its fields are plain values: no deep copy (dataclasses.asdict) needed
        return {k: getattr(self, k) for k in self.__dataclass_fields__}


class ReportingVerbs:
    """Reporting-verb lexicon (lemma → type), with the nouns that name a speaker.

    ``titles``: nouns that stand for a person already named when they head a reporting clause
    («— заявил президент», «убежден политолог»); ``attribution``: nouns of «по словам X», «по
    мнению X».  Both come from the same YAML file (``speaker_titles``, ``attribution_nouns``).
    """

    TYPES = ("neutral", "assertive", "opinion", "distancing", "naming")
    LISTS = ("speaker_titles", "attribution_nouns", "outlet_nouns", "spokesperson_nouns",
             "citing_verbs", "cited_words", "document_nouns", "body_nouns", "member_nouns",
             "publishing_verbs", "unnamed_nouns", "unnamed_singular_nouns")
    #: the kinds of actor a body noun can refer back to (``body_nouns`` in the YAML file):
    #: ``organisation`` (the nearest organisation named), ``named`` (only one whose name holds
    #: the noun: «суд» → «Мосгорсуд»), ``state`` (the state the text names most)
    BODY_KINDS = ("organisation", "named", "state")

    def __init__(self, table: dict[str, str], titles: frozenset[str] = frozenset(),
                 attribution: dict[str, str] | None = None,
                 outlets: frozenset[str] = frozenset(),
                 spokespersons: frozenset[str] = frozenset(),
                 citing: frozenset[str] = frozenset(),
                 cited_words: frozenset[str] = frozenset(),
                 documents: frozenset[str] = frozenset(),
                 bodies: dict[str, str] | None = None,
                 members: frozenset[str] = frozenset(),
                 publishing: frozenset[str] = frozenset(),
                 unnamed: frozenset[str] = frozenset(),
                 unnamed_singular: frozenset[str] = frozenset()) -> None:
        self.table = table
        self.titles = titles
        #: «по словам» noun → type of the report («по утверждению»: distancing)
        self.attribution = attribution or {}
        #: nouns that refer back to a named outlet or organisation («издание», «агентство»)
        self.outlets = outlets
        #: nouns of someone speaking for a body («представитель X»): the body X is the speaker
        self.spokespersons = spokespersons
        #: verbs of citing («цитирует X Y», «передает X слова Y»): Y speaks, not X
        self.citing = citing
        #: nouns for someone's words («передает слова Y»): their owner Y speaks
        self.cited_words = cited_words
        #: nouns of documents («сообщает отчет», «указано в документе»): their issuer speaks
        self.documents = documents
        #: body nouns («компания», «правительство») → the kind of actor they refer back to
        self.bodies = bodies or {}
        #: nouns of a body's people («эксперты S&P», «аналитики банка X»): in the plural with
        #: the body named in the phrase, the body speaks
        self.members = members
        #: verbs of publishing («статья вышла на Би-би-си», «газета опубликовала»): the outlet
        #: is the issuer of a document the next sentences report from
        self.publishing = publishing
        #: nouns of an unnamed person who speaks («— признает знакомый Жукова»): no actor, and
        #: a pronoun after such a report refers to that person («по его словам»)
        self.unnamed = unnamed
        #: the same in the singular only (their plural is a group: «участники акции»)
        self.unnamed_singular = unnamed_singular

    def unnamed_person(self, tok) -> bool:
        """``tok`` is a noun of an unnamed person (``unnamed_nouns``; ``unnamed_singular_nouns``
        in the singular: «бывший участник «Реструкта»», not «участники форума»)."""
        lemma = norm(tok.lemma_)
        return lemma in self.unnamed or (lemma in self.unnamed_singular
                                         and tok.morph.get("Number") != ["Plur"])

    @classmethod
    def from_yaml(cls, path: Path) -> ReportingVerbs:
        data = load_yaml(path)
        if not isinstance(data, dict):
            raise ResourceError(f"{path}: expected a mapping of verb type to lemma list")
        table: dict[str, str] = {}
        lists: dict[str, frozenset[str]] = {}
        attribution: dict[str, str] = {}
        bodies: dict[str, str] = {}

        def lemma_list(key: str, lemmas: object, typ: str) -> list[str]:
            if not isinstance(lemmas, list) or not all(
                    isinstance(x, str) and x.strip() for x in lemmas):
                raise ResourceError(f"{path}, line {key_line(path, key)}: {typ!r} must be a "
                                    f"list of lemmas")
            return [norm(x) for x in lemmas]

        def by_kind(key: str, value: object, kinds: tuple[str, ...]) -> dict[str, list[str]]:
            if not isinstance(value, dict):
                raise ResourceError(f"{path}, line {key_line(path, key)}: {key!r} must be a "
                                    f"mapping of {' / '.join(kinds)} to lemma lists")
            out = {}
            for t, nouns in value.items():
                if t == "__line__":
                    continue
                if t not in kinds:
                    line = line_of(value) or key_line(path, key)
                    raise ResourceError(f"{path}, line {line}: {key}: unknown type {t!r} "
                                        f"(known: {kinds})")
                out[t] = lemma_list(key, nouns, f"{key}.{t}")
            return out

        for typ, lemmas in data.items():
            if typ == "__line__":
                continue
            if typ not in cls.TYPES and typ not in cls.LISTS:
                where = f"{path}, line {key_line(path, typ)}"
                if typ == "anonymous_sources":
                    raise ResourceError(f"{where}: 'anonymous_sources' belongs in the actor "
                                        "registry (actors.yaml), read by quotes and actors")
                raise ResourceError(f"{where}: unknown key {typ!r} (verb types: {cls.TYPES}; "
                                    f"word lists: {cls.LISTS})")
            if typ == "attribution_nouns":
                # a plain list is neutral; a mapping gives each noun its report type
                by_type = by_kind(typ, lemmas if isinstance(lemmas, dict) else
                                  {"neutral": lemmas}, cls.TYPES)
                for t, nouns in by_type.items():
                    attribution.update(dict.fromkeys(nouns, t))
            elif typ == "body_nouns":
                for t, nouns in by_kind(typ, lemmas, cls.BODY_KINDS).items():
                    bodies.update(dict.fromkeys(nouns, t))
            elif typ in cls.LISTS:
                lists[typ] = frozenset(lemma_list(typ, lemmas, typ))
            else:
                table.update(dict.fromkeys(lemma_list(typ, lemmas, typ), typ))
        empty: frozenset[str] = frozenset()
        return cls(table, lists.get("speaker_titles", empty), attribution,
                   lists.get("outlet_nouns", empty),
                   lists.get("spokesperson_nouns", empty), lists.get("citing_verbs", empty),
                   lists.get("cited_words", empty), lists.get("document_nouns", empty), bodies,
                   lists.get("member_nouns", empty), lists.get("publishing_verbs", empty),
                   lists.get("unnamed_nouns", empty), lists.get("unnamed_singular_nouns", empty))

    def marked_type(self, verb, vtype: str, content=None) -> str:
        """``distancing`` when a distancing particle qualifies the report («якобы сказал»,
        «Лавров, мол, сказал», «заявил, якобы …»: ``content`` is the word that opens the
        reported content), else ``vtype``."""
        near = [c for c in verb.children if c.pos_ not in {"VERB", "AUX", "NOUN", "PROPN"}]
        if verb.i > 0:
            near.append(verb.doc[verb.i - 1])
        if content is not None:
            near.append(content)
        if any(self.table.get(norm(t.lemma_)) == "distancing" for t in near if t.i != verb.i):
            return "distancing"
        return vtype

    def type_of(self, tok) -> str:
        return self.table.get(norm(tok.lemma_), "")


# ----------------------------------------------------------------------------- direct quotes


def quote_spans(text: str) -> list[tuple[int, int]]:
    """Top-level «…» spans as (content_start, content_end) character offsets.

    Nested quotes stay inside their outer quote.  A paragraph that opens with « while a quote
    is still open continues it (Russian multi-paragraph convention).

    Straight double quotes ("…", common in wire copy) count too, paired in order within a
    paragraph when they pair cleanly (an even number, each opening one before a word, each
    closing one after it); a «…» inside them stays inside.

    >>> quote_spans("Он сказал: «Это „план“ и «тест»». Конец «два»")
    [(12, 31), (41, 44)]
    >>> quote_spans('Он сказал: "Это «план»".\\nНо "непарная')
    [(12, 22)]
    """
    spans = _guillemet_spans(text)
    if '"' not in text:
        return spans
    straight = _straight_spans(text, spans)
    if not straight:
        return spans
    # a «…» inside "…": the straight spans are in order and apart, so only the last one
    # opening at or before it can hold it (a binary search, not a scan of every pair)
    starts = [a for a, _ in straight]

    def held(sp: tuple[int, int]) -> bool:
        k = bisect_right(starts, sp[0]) - 1
        return k >= 0 and sp[1] <= straight[k][1]

    inside = [sp for sp in spans if not held(sp)]
    return sorted(inside + straight)


def _straight_spans(text: str, taken: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    pos = 0
    inside = _in_spans(taken)
    for para in text.split("\n"):
        marks = [pos + i for i, ch in enumerate(para) if ch == '"' and not inside(pos + i)]
        pos += len(para) + 1
        if not marks or len(marks) % 2:
            continue
        pairs = list(zip(marks[::2], marks[1::2], strict=True))
        ok = all(o + 1 < c and not text[o + 1].isspace() and not text[c - 1].isspace()
                 and (o == 0 or not text[o - 1].isalnum()) for o, c in pairs)
        if ok:
            out.extend((o + 1, c) for o, c in pairs)
    return out


#: the characters :func:`_guillemet_spans` acts on
_QUOTE_MARKS = re.compile("[\n«„»“]")
#: a website's domain name («lifenews.ru», «Gazeta.Ru», «rbc.ru»)
_DOMAIN = re.compile(r"[A-Za-zА-Яа-я0-9][\w-]*(?:\.[\w-]+)*\.(?:ru|com|org|net|ua|by|kz|"
                     r"info|su|io|de|uk|fm|tv|me|рф)", re.IGNORECASE)
_DOMAIN_IN_TEXT = re.compile(r"(?<![\w.@/-])" + _DOMAIN.pattern + r"(?![\w-])", re.IGNORECASE)


def _in_spans(spans: list[tuple[int, int]]):
    """``lambda x: any(a <= x < b for a, b in spans)``, by binary search when the spans are in
    order and do not overlap (as :func:`_guillemet_spans` makes them): linear, not quadratic,
    in a long article's quotes.

    >>> inside = _in_spans([(2, 4), (4, 4), (6, 9)])
    >>> [x for x in range(11) if inside(x)]
    [2, 3, 6, 7, 8]
    """
    if any(a > b for a, b in spans) or any(
            spans[k][1] > spans[k + 1][0] for k in range(len(spans) - 1)):
        return lambda x: any(a <= x < b for a, b in spans)
    starts = [a for a, _ in spans]

    def inside(x: int) -> bool:
        k = bisect_right(starts, x) - 1
        return k >= 0 and x < spans[k][1]

    return inside


def _guillemet_spans(text: str) -> list[tuple[int, int]]:
    """«…» spans; a quote still open at a paragraph end closes there unless the next paragraph
    opens with « (the multi-paragraph convention) or closes it before opening another: one
    missing » must not swallow the rest of the article.

    >>> t = "«Мы не согласны, — заявлял «Известиям» он.\\n\\nДругой абзац. «Да», — сказал он."
    >>> [t[a:b] for a, b in _guillemet_spans(t)]
    ['Мы не согласны, — заявлял «Известиям» он.', 'Да']
    """
    spans: list[tuple[int, int]] = []
    depth, start = 0, -1
    for found in _QUOTE_MARKS.finditer(text):  # only these characters change anything
        i, ch = found.start(), found.group()
        if ch == "\n" and depth > 0:
            # the next paragraph (no copy of the rest of the text: linear in its length)
            k = i
            while k < len(text) and text[k].isspace():
                k += 1
            stop = text.find("\n", k)
            para = text[k:stop if stop >= 0 else len(text)]
            close, reopen = para.find("»"), para.find("«")
            # the quote goes on if the next paragraph reopens it or closes it first
            if not para.startswith("«") and not (close >= 0 and (reopen < 0 or close < reopen)):
                end = i
                while end > 0 and text[end - 1].isspace():
                    end -= 1
                spans.append((start, end))
                depth = 0
            continue
        if ch == "«" or (ch == "„" and depth > 0):
            if depth > 0 and ch == "«" and text[max(0, i - 2):i] == "\n\n":
                continue
            if depth == 0:
                start = i + 1
            depth += 1
        elif ch in "»“" and depth > 0:
            if ch == "“" and depth == 1:
                continue  # an English closing quote inside is not ours
            depth -= 1
            if depth == 0:
                spans.append((start, i))
    return spans


def _tok_range(doc, a: int, b: int) -> tuple[int, int]:
    span = doc.char_span(a, b, alignment_mode="expand")
    if span is None:
        return (0, 0)
    return span.start, span.end


def _subject(verb):
    subjects = [c for c in verb.children if c.dep_ in {"nsubj", "nsubj:pass"}]
    if len(subjects) > 1:
        # «Оговариваясь, что Канделаки имела право …, Коплин отмечает»: a capitalised gerund the
        # tagger took for a name is no subject, and of the others the one next to the verb is
        # its own (the parser hung the subordinate clause's subject on it too)
        names = [c for c in subjects if c.pos_ != "PROPN" or _name_like(c.text)]
        if len(names) < len(subjects) and names:
            return min(names, key=lambda c: abs(c.i - verb.i))
    if subjects:
        return subjects[0]
    # shared subject of coordinated verbs («он встречался … и назвал …»)
    if verb.dep_ == "conj" and verb.head.pos_ in {"VERB", "ADJ"}:
        return _subject(verb.head)
    return None


class QuoteFinder:
    """Find quotes and resolve their speakers."""

    def __init__(self, verbs: ReportingVerbs, affiliations: dict[str, str] | None = None,
                 anonymous: frozenset[str] = frozenset(),
                 holders: dict[str, frozenset[str]] | None = None,
                 title_heads: dict[str, frozenset[str]] | None = None,
                 state_adjectives: dict[str, str] | None = None) -> None:
        self.verbs = verbs
        self.affiliations = affiliations or {}
        #: nouns of an unnamed source («источник», «собеседник «Медузы»»): never a named person
        self.anonymous = frozenset(anonymous)
        #: a one-word role title of the registry («президент») → everyone who ever held it: a
        #: bare title no one was introduced with is one of them, not the nearest person
        self.holders = holders or {}
        #: a role title → the generic heads that may stand for it («глава», «лидер»: the
        #: registry's ``descriptor_titles``)
        self.title_heads = title_heads or {}
        #: an adjective lemma → the state it names («украинский» → Украина): «руководитель
        #: украинского ведомства» is no one known to be of another state
        self.state_adjectives = state_adjectives or {}

    @classmethod
    def for_registry(cls, verbs: ReportingVerbs, registry) -> QuoteFinder:
        """The finder for the actors of ``registry`` (an :class:`framing.actors.ActorRegistry`):
        their affiliations, and its ``anonymous_sources`` — one list for quotes and for the
        pronoun mentions of the actors stage."""
        holders: dict[str, set[str]] = {}
        for title, held in registry.roles.items():
            if len(title) == 1:
                holders.setdefault(title[0], set()).update(p for p, _ in held)
        heads: dict[str, set[str]] = {}
        for head, titles in registry.vocabulary.descriptor_titles.items():
            for t in titles:
                heads.setdefault(t, set()).add(head)
        return cls(verbs, {e.id: e.affiliation for e in registry.entries.values()},
                   frozenset(registry.vocabulary.anonymous_sources),
                   {t: frozenset(h) for t, h in holders.items()},
                   {t: frozenset(h) for t, h in heads.items()}, dict(registry.adjective_of))

    # -- speaker resolution ------------------------------------------------------------------
    def _resolve(self, head, doc, mentions: Sequence, inside: list[tuple[int, int]],
                 span: tuple[int, int] | None = None):
        """Resolve a speaker head token to (actor, surface text, resolution); ``span``: the
        speaker phrase's token range when the cue delimits it («по словам X, …»)."""
        lo, hi = span if span is not None else _contiguous_subtree(head)
        ms, starts = self._by_tok
        in_phrase = ms[bisect_left(starts, lo):bisect_left(starts, hi)]
        # a name after a preposition is not who speaks («Президент вместе с Путиным заявил»)
        persons = [m for m in in_phrase if m.actor_type == "person"
                   and not any(c.dep_ == "case" for c in doc[m.tok_start:m.tok_end].root.children)
                   and not _in_clause_of(doc[m.tok_start:m.tok_end].root, head)]
        # a name the parser left outside the phrase, right before the verb: «Бывший редактор
        # «России 2», а теперь ведущий «Матч ТВ» Дмитрий Губерниев отметил», «Наш собеседник
        # Иван Петров заявил»
        verb = head.head
        if span is None and hi <= verb.i and verb.i - hi <= 12 and verb.sent.start <= lo:
            persons += [m for m in ms[bisect_left(starts, hi):bisect_left(starts, verb.i)]
                        if m.actor_type == "person" and m.tok_end == verb.i
                        and doc[m.tok_start:m.tok_end].root.dep_ in _SUBJECT_LIKE]
            # … or in apposition to the subject beyond a name in guillemets the parse hung
            # elsewhere («Директор сада МГУ «Аптекарский огород» Алексей Ретеюм … отметил»)
            persons += [m for m in ms[bisect_left(starts, hi):bisect_left(starts, verb.i)]
                        if m.actor_type == "person" and m.tok_start - hi <= 6
                        and (r := doc[m.tok_start:m.tok_end].root).head.i == head.i
                        and r.dep_ in _APPOSITION and m not in persons]
        surface = doc[lo:hi].text
        lemma = norm(head.lemma_)
        anonymous = lemma in self.anonymous or (
            lemma in _SOME_OF and any(c.dep_ == "nmod" and any(
                g.lower_ == "из" for g in c.children) for c in head.children)) or (
            self.verbs.unnamed_person(head)) or _another(head)
        part = next((c for c in head.children if c.dep_ == "nmod" and c.pos_ == "NOUN"
                     and c.morph.get("Number") == ["Plur"] and c.morph.get("Case") == ["Gen"]
                     and not any(g.dep_ == "case" for g in c.children)), None) if (
            lemma in _PART_OF) else None
        if part is not None and _animate_plural(part) and not anonymous:
            # «Часть депутатов Народного собрания заявила», «большинство экспертов считают»:
            # those people, as a group
            return norm(part.lemma_), surface, "collective"
        if (head.pos_ == "VERB" and head.dep_ in {"nsubj", "nsubj:pass"}
                and head.morph.get("VerbForm") == ["Part"] and head.morph.get("Number") != ["Plur"]
                and head.i > head.head.i):
            # «— вспоминает присутствовавший на этих встречах футбольный комментатор Алексей
            # Андронов»: the parse made the participle the subject; the name it describes
            # closes the clause
            named = next((m for m in ms[bisect_left(starts, head.i + 1):
                                        bisect_left(starts, head.sent.end)]
                          if m.actor_type == "person"), None)
            if named is not None and not any(t.is_punct
                                             for t in doc[head.i + 1:named.tok_start]):
                return named.actor, doc[head.i:named.tok_end].text, "name"
        if (head.pos_ in {"VERB", "ADJ"} and head.dep_ in {"nsubj", "nsubj:pass"}
                and head.morph.get("Number") == ["Plur"] and head.morph.get("Case") == ["Nom"]
                and (head.morph.get("VerbForm") == ["Part"] or head.pos_ == "ADJ")):
            # «Протестующие называли ситуацию …», «Собравшиеся заявили», «близкие погибших
            # отказались говорить»: a participle or adjective for a group of people
            return (_participle_noun(head) if head.morph.get("VerbForm") == ["Part"]
                    else norm(head.lemma_)), surface, "collective"
        if anonymous:
            # «собеседник «Медузы»», «источник, близкий к Кремлю», «один из экспертов»: an
            # unnamed source, never the outlet, the person it is close to or the nearest name
            named = [m for m in persons if (m.tok_end == verb.i and not _possessor(m, head, doc))
                     or _attached(doc[m.tok_start:m.tok_end].root, head, _APPOSITION)]
            if named:
                return named[-1].actor, surface, "name"
            if self.verbs.unnamed_person(head):
                # «Иван Петров, знакомый Жукова, … — признает знакомый»: who was introduced so
                p = self._introduced_with(lemma, head)
                if p is not None and p.actor not in {m.actor for m in persons}:
                    return p.actor, surface, "title"
            return "", surface, "anonymous"
        if in_phrase and lemma not in self.verbs.members and _animate_plural(head) and all(
                _possessor(m, head, doc) or m.actor_type == "location" for m in in_phrase):
            # «читатели «Медузы»», «сторонники Навального», «жители района Бирюлево»: the group
            # speaks, not whose group it is or where it lives (a body's own people — «эксперты
            # S&P», `member_nouns` — speak for the body)
            return lemma, surface, "collective"
        if persons and _animate_noun(head) and all(_possessor(m, head, doc) for m in persons):
            # «кузина Пастернака», «знакомый Слуцкого»: whose the speaker is, not the speaker —
            # the person introduced with that noun, else no one (an unnamed relation)
            p = self._introduced_with(lemma, head)
            if p is not None and p.actor in {m.actor for m in persons}:
                p = None
            return (p.actor if p else ""), surface, ("title" if p else "unresolved")
        if persons:
            m = _closest(persons, head, doc)
            how = m.resolution if m.resolution in {"pronoun", "descriptor", "title"} else "name"
            if how == "pronoun":
                a = self._anonymous_subject(head, inside)
                if a is not None and self._later_subject(a, m, antecedent=True):
                    return self._anonymous(a, head.text, doc)
                if _last_mention_quoted(m, mentions, inside):
                    # «Челентано … «… такой человек, как Берлускони, …», — заявил он»: whom a
                    # quote speaks of is not who speaks it; the person named outside quotes
                    p = self._nearest_person(head.idx, gender=head.morph.get("Gender"))
                    if p is not None:
                        return p.actor, head.text, how
            return m.actor, (head.text if how == "pronoun" else surface), how
        before = head.idx
        if lemma in _PLURAL_PRONOUNS and head.morph.get("Number") == ["Plur"]:
            return self._plural_antecedent(head, inside)
        if lemma in _BOTH:  # «по мнению обоих»: the coordinated persons just named
            return self._plural_antecedent(head, inside)
        if lemma == "который" and head.dep_ in {"nsubj", "nsubj:pass"} and (
                head.head.dep_ == "acl:relcl" and head.head.head.i < head.i):
            # «табличка, которая сообщает, что …», «владельцы, которые утверждают»: whoever or
            # whatever the relative clause hangs on — the name right before the comma first
            # («оперуполномоченный МВД Артем Екимов, который заявил»)
            m = self._mention_at(head.i - 2) if head.i >= 2 and doc[head.i - 1].text == "," \
                else None
            if m is not None and m.tok_end == head.i - 1:
                return m.actor, m.text, "name"
            ante = head.head.head
            if norm(ante.lemma_) in _SOMEONE and ante.morph.get("Number") != ["Plur"]:
                return "", ante.text, "anonymous"  # «присоединился мужчина, который сообщил»
            return self._resolve(ante, doc, mentions, inside)
        if head.pos_ == "PRON" or lemma in _PRONOUNS or lemma in _DEMONSTRATIVES:
            # «она заявила» is no man («Еврокомиссия … она заявила» after «Видениус»); «тот»
            # is the person last named, not the subject («Саблин отсудил деньги у Навального,
            # поскольку тот утверждал …» → Навальный)
            p = self._nearest_person(before, gender=head.morph.get("Gender"),
                                     nearest=lemma in _DEMONSTRATIVES)
            a = self._anonymous_subject(head, inside)
            if a is not None and (p is None or self._later_subject(
                    a, p, antecedent=p.resolution == "pronoun")):
                # «А источник, работавший с Улюкаевым, … «…», — говорит он»
                return self._anonymous(a, head.text, doc)
            return (p.actor if p else "", head.text, "pronoun")
        kind = self.verbs.bodies.get(lemma)
        if kind and not in_phrase and head.morph.get("Number") != ["Plur"] and not _described(
                head):
            # «клиника заявила», «по оценкам правительства»: the body named before
            m = self._nearest_body(head, lemma, kind)
            if m is not None:
                return m.actor, surface, "title"
            if kind == "named":
                # «по заявлениям мэрии», «суд постановил» with no such body named: the unnamed
                # body speaks, as «столичные власти» do (a collective), not no one
                return lemma, surface, "collective"
        own = next((c for c in head.children if c.dep_ == "nmod" and c.pos_ == "NOUN"
                    and c.morph.get("Case") == ["Gen"]
                    and not any(g.dep_ == "case" for g in c.children)), None) if (
            kind and not in_phrase and head.morph.get("Number") != ["Plur"]) else None
        if own is not None:
            # «Администрация метрополитена объясняет», «Департамент природопользования
            # пояснил»: a body that no mention names, named by its own phrase (a collective)
            last = max(x.i for x in own.subtree)
            rest = doc[head.i + 1:last + 1].text.lower()
            return f"{lemma} {rest}".strip(" ,.;:—–"), surface, "collective"
        amods = [c for c in head.children if c.dep_ == "amod" and c.pos_ == "ADJ"
                 and c.i < head.i and norm(c.lemma_) not in _DETERMINERS]
        if kind == "named" and not in_phrase and amods and head.morph.get("Number") != [
                "Plur"] and all(c.dep_ in {"amod", "det", "punct"} for c in head.children):
            # «Авиационное управление сообщило», «европейское антимонопольное ведомство»: an
            # institution named by its adjectives (a collective; «европейская компания» is no
            # one in particular)
            name = _phrase_name(doc[min(c.i for c in amods):head.i + 1])
            return name[:1].lower() + name[1:], surface, "collective"
        side = doc[head.i + 1] if lemma == "сторона" and head.i + 1 < len(doc) else None
        if side is not None and norm(side.lemma_) not in {"обвинение", "защита"}:
            side = None  # (the word after it, wherever the parse hung it)
        if side is not None:
            # «сторона обвинения утверждает»: a party to the trial
            return f"сторона {side.text.lower()}", surface, "collective"
        if lemma == "автор":
            # «— пишет автор письма»: who issued the document named before («письмо Германа
            # Левитаса»); a bare «— отмечает автор»: of the latest document named
            work = next((c for c in head.children if c.dep_ == "nmod"
                         and norm(c.lemma_) in self.verbs.documents), None)
            m = self._issuer(work, norm(work.lemma_)) if work is not None else None
            if work is None and not any(c.dep_ == "nmod" for c in head.children):
                # (in the paragraph: «Пайпс в статье … высказал убеждение … — отмечает автор»)
                para = self._text.rfind("\n", 0, head.idx) + 1
                lemmas = {norm(t.lemma_) for t in doc[:head.i] if t.idx >= para} & set(
                    self.verbs.documents)
                found = [x for x in (self._issuer(head, lem, para) for lem in sorted(lemmas))
                         if x is not None]
                m = max(found, key=lambda x: x.start) if found else None
            if m is not None:
                return m.actor, surface, "document"
        if lemma in self.verbs.documents and not in_phrase:
            # «— сообщает отчет», «указано в документе»: the issuer named with the document
            # («отчет Общественной палаты») in this sentence or the three before, else no one
            m = self._issuer(head, lemma) or self._publisher(head)
            if m is None:
                # «в декларации депутата указано»: the person the noun's owner stands for
                who = self._owner_of(head, mentions, inside)
                if who:
                    return who, surface, "document"
            if m is None:
                # «в петиции участников форума»: an unnamed collective issues it
                group = next((c for c in head.children if c.dep_ == "nmod" and c.pos_ == "NOUN"
                              and c.morph.get("Number") == ["Plur"]), None)
                if group is not None:
                    return norm(group.lemma_), surface, "collective"
                # «в Гражданском кодексе сообщается»: a document known by its name speaks
                words = [t for t in doc[lo:hi] if t.dep_ != "case"]
                if words and words[0].i < head.i and words[0].text[:1].isupper() and (
                        words[0].i > words[0].sent.start):
                    return _phrase_name(doc[words[0].i:hi]), surface, "document"
            return (m.actor if m else ""), surface, "document"
        titles = self.verbs.titles
        if lemma in titles or any(norm(t.lemma_) in titles for t in doc[lo:hi]):
            states = [m for m in in_phrase if m.actor_type in {"state", "bloc", "organisation"}]
            plural = head.morph.get("Number") == ["Plur"]
            if states and (lemma in self.verbs.spokespersons or (
                    plural and lemma in self.verbs.members)):
                # «представитель Microsoft», «пресс-служба Кремля», «эксперты S&P»: the body
                # named in the phrase speaks — the one hanging from the noun, not a state inside
                # its name («пресс-служба Федерации бобслея России»: the federation)
                own = [m for m in states if _attached(
                    doc[m.tok_start:m.tok_end].root, head, _APPOSITION | {"nmod"}) and
                    doc[m.tok_start:m.tok_end].root.head.i == head.i]
                if not plural:
                    # «… директора Philips Елену Сябренко. … — отметила представитель Philips»
                    p = self._member_of((own or states)[0].actor, head)
                    if p is not None:
                        return p.actor, surface, "title"
                if own:
                    return own[0].actor, surface, "descriptor"
                name = self._unnamed_body(head)
                if name:
                    return name, surface, "descriptor"
                if lemma in self.verbs.spokespersons:
                    return states[0].actor, surface, "descriptor"
            if states:
                p = self._nearest_person(before, affiliated=states[0].actor)
                if p:
                    return p.actor, surface, "descriptor"
            if head.morph.get("Number") == ["Plur"]:
                body = _from_body(head, in_phrase) or self._own_body(head, lemma)
                if body is not None:
                    return body.actor, surface, "descriptor"
                return lemma, surface, "collective"
            p = self._introduced_with(lemma, head)
            if p is None and lemma in self.holders:
                # a role of the registry («президент»): whoever was introduced with it, however
                # far back («президент РФ Владимир Путин» … «— подчеркнул президент»)
                p = self._introduced_with(lemma, head, window=False)
            if p is not None:  # «режиссер Пиманов … По словам Пиманова … — рассказывал режиссер»
                return p.actor, surface, "title"
            if lemma in self.verbs.spokespersons:
                # «представитель департамента транспорта ответил ему»: the body speaks, not
                # whoever was named last (the addressee, someone of another company)
                body = self._spoken_for(head)
                if body is not None:
                    return body, surface, ("descriptor" if body else "anonymous")
            # a feminine noun («пенсионерка», «женщина») names a woman; a masculine title
            # («президент», «министр») may name anyone, but its verb tells («— отметила
            # представитель», «мужчина сказал»)
            p = self._nearest_person(self._title_chain_start(head, lemma, before),
                                     gender=_speaker_gender(head),
                                     skip=self._in_gerund_clause(head),
                                     exclude=self._addressees(head.head) | self._other_office(
                                         lemma, head.idx) | self._of_other_states(doc[lo:hi]))
            a = self._anonymous_subject(head, inside)
            if a is not None and (p is None or self._later_subject(
                    a, p, antecedent=p.resolution == "pronoun")):
                # «Источники «Медузы» в «Единой России» рассказали, что … Яшина. «…», —
                # отмечает единоросс»: the unnamed source, not the person it spoke of
                return "", surface, "anonymous"
            return (p.actor if p else "", surface, "title")
        if in_phrase:
            return in_phrase[-1].actor, surface, "name"
        if lemma in self.verbs.outlets and head.morph.get("Number") != ["Plur"] and not any(
                c.dep_ == "nmod" for c in head.children):  # «сайт движения»: someone else's
            o = self._nearest_org(head, medium=lemma in _PRESS)
            if o is not None:  # «Foreign Policy пишет … — сообщает издание»
                return o.actor, surface, "title"
        if head.pos_ in {"NOUN", "PROPN"} and head.morph.get("Number") == ["Plur"]:
            body = _from_body(head, in_phrase) or self._own_body(head, lemma)
            if body is not None:  # «оппоненты президента из Народной партии заявляют»
                return body.actor, surface, "descriptor"
            return lemma, surface, "collective"
        if _animate_noun(head) and not in_phrase:
            # a noun for a person not in the lists, bare or in a descriptor phrase («—
            # отмечает бывший соратник вождя», «— заявил артист»): the person introduced with
            # that noun lately («Иван Петров, соратник вождя», «заслуженный артист России
            # Тимур Бадалбейли»), else no one — «бывший топ-менеджер канала», «знакомый
            # семьи», «— сказал кардинал» are as often unnamed
            p = self._introduced_with(lemma, head)
            if p is not None:
                return p.actor, surface, "title"
            if not any(c.dep_ not in {"punct", "case"} for c in head.children):
                # the bare noun right after someone's report («Паулс считает, что … . …,
                # считает маэстро», «Околелов рассказывает … «…», — уверен строитель»): the
                # person reporting in this sentence or the one before
                end = self._window_start(head, 0)
                p = self._nearest_person(end, gender=_speaker_gender(head),
                                         since=self._window_start(head, 1),
                                         exclude=self._addressees(head.head))
                persons, starts = self._outside
                if p is not None and self._speaks.get(p.mention_id) and not any(
                        self._main.get(m.mention_id) and m.actor != p.actor
                        for m in persons[bisect_left(starts, p.end):bisect_left(starts, end)]):
                    # (no one else a main clause's subject after them: «Слуцкий заявил …;
                    # оправдывал его и епископ Даниил … «…», — рассказывал священник»)
                    return p.actor, surface, "title"
        if head.pos_ == "PROPN" and head.text[:1].isupper() and lo == head.i and (
                hi == head.i + 1 or doc[head.i + 1].text == ",") and _name_like(head.text):
            # a name the NER missed («Косачев заявил», «Лиухто, который известен как …,
            # считает»): the person of that surname named elsewhere in the text, else the name
            named = self._by_surname(lemma)
            return (named or head.lemma_[:1].upper() + head.lemma_[1:]), surface, "name"
        if _DOMAIN.fullmatch(surface):
            # «По сообщениям lifenews.ru»: the website speaks (the NER takes no domain name)
            return surface.lower(), surface, "name"
        return "", surface, "unresolved"

    # -- main ---------------------------------------------------------------------------------
    def _prepare(self, mentions: Sequence, spans: list[tuple[int, int]]) -> None:
        """Index mentions once per document (keeps speaker resolution linear-logarithmic)."""
        ms = sorted(mentions, key=lambda m: (m.tok_start, m.tok_end))
        self._by_tok = (ms, [m.tok_start for m in ms])
        bounds = sorted(spans)
        starts = [a for a, _ in bounds]
        outside, orgs = [], []
        for m in sorted(mentions, key=lambda m: m.start):
            if m.actor_type not in {"person", "organisation"}:
                continue
            k = bisect_right(starts, m.start) - 1
            quoted = k >= 0 and bounds[k][0] <= m.start < bounds[k][1]
            if m.actor_type == "person" and not quoted:
                # inside a quote: not an antecedent for the narrator's references
                outside.append(m)
            elif m.actor_type == "organisation" and not (quoted and not (
                    bounds[k][0] == m.start and m.end == bounds[k][1])):
                # an outlet's name is often in guillemets («Foreign Policy»): only the
                # mention's own quote marks, not a quote around it, keep it out
                orgs.append(m)
        self._orgs = (orgs, [m.start for m in orgs])
        self._states = [m for m in sorted(mentions, key=lambda m: m.start)
                        if m.actor_type == "state"]
        self._outside = (outside, [m.start for m in outside])
        # a speaker named by «по мнению X», «по словам X» is as salient as a subject: «По
        # мнению Лобанова, … указ Путина. По его словам, …» → Лобанов
        attribution = self.verbs.attribution
        self._is_subject = {}
        self._speaks = {}  # the subject of a reporting verb, or the X of «по словам X»
        self._main = {}  # the subject of a main clause (not of «…, что X предлагал»)
        for m in outside:
            root = self._doc[m.tok_start:m.tok_end].root
            subj = root.dep_ in {"nsubj", "nsubj:pass"}
            cited = _attributed_to(root, attribution)
            main = subj and root.head.dep_ in MAIN_CLAUSE
            self._is_subject[m.mention_id] = subj or cited
            self._main[m.mention_id] = main
            self._speaks[m.mention_id] = cited or (
                main and bool(self.verbs.type_of(root.head)))
        # the title a person was introduced with («режиссер Алексей Пиманов», «министр обороны
        # Сергей Шойгу»): a later bare «режиссер» refers back to that person
        doc, titles = self._doc, self.verbs.titles
        self._introduced: dict[str, list] = {}
        for m in outside:
            root = doc[m.tok_start:m.tok_end].root
            cands = [doc[m.tok_start - 1]] if m.tok_start > 0 else []
            if cands and root.dep_ == "nmod" and root.head.i == cands[0].i:
                cands = []  # «племянница Бродского»: whose niece, not her name
            if root.dep_ == "appos":
                cands.append(root.head)
            # «Иван Петров, бывший соратник вождя, …»: a noun for a person in apposition
            cands += [c for c in root.children if c.dep_ == "appos" and _animate_noun(c)]
            for t in cands:
                lem = norm(t.lemma_)
                if lem in titles or _animate_noun(t):
                    self._introduced.setdefault(lem, []).append(m)
        # the bodies a person is introduced with («директор по развитию Philips в России Елена
        # Сябренко»): organisations between a title and the name, no verb between them
        self._bodies_of: dict[str, set[str]] = {}
        self._states_of: dict[str, set[str]] = {}
        ms, starts = self._by_tok
        for m in outside:
            k, sent_start = m.tok_start - 1, doc[m.tok_start].sent.start
            while k >= sent_start and m.tok_start - k <= 20:
                t = doc[k]
                if t.pos_ in {"VERB", "AUX"} or t.text in {".", "—", "–", ":", ";", "«", "»"}:
                    break
                if norm(t.lemma_) in titles:
                    bodies = [o for o in ms[bisect_left(starts, k):bisect_left(starts, m.tok_start)]
                              if o.actor_type in {"organisation", "state", "bloc"}]
                    self._bodies_of.setdefault(m.actor, set()).update(o.actor for o in bodies)
                    self._states_of.setdefault(m.actor, set()).update(
                        o.actor for o in bodies if o.actor_type == "state")
                    break
                k -= 1

    def _plural_antecedent(self, head, inside: list[tuple[int, int]]):
        """«они» → the plural subject of the nearest sentence (this one or the two before,
        outside quotes) that has one: an unnamed collective («Врачи говорят … Они
        предупреждают» → врач) or the first of coordinated persons («Цивилев и Чернов …
        Они объяснили» → Цивилев); nobody if no sentence has one."""
        doc = head.doc
        if head.i + 1 < len(doc) and norm(doc[head.i + 1].lemma_) == "сам":
            # «многих сотрудников, как говорят они сами, вывели за штат»: «они сами» are the
            # people just named in their sentence, whatever their role in it
            for t in reversed(doc[head.sent.start:head.i]):
                if t.pos_ == "NOUN" and t.morph.get("Number") == ["Plur"] and t.morph.get(
                        "Animacy") == ["Anim"] and not any(a <= t.idx < b for a, b in inside):
                    return norm(t.lemma_), head.text, "collective"
        said = head.head
        if said.dep_ == "parataxis" and said.head.pos_ == "NOUN" and said.head.i < head.i and (
                said.head.morph.get("Number") == ["Plur"]):
            # «А против — подмосковные власти: они считают, что …»: the group the verbless
            # clause names
            return norm(said.head.lemma_), head.text, "collective"
        lo = sentence_back(head, 2).start
        ms, starts = self._by_tok
        if norm(said.lemma_) in _ANSWER:
            # «задал 20 студентам вопрос … Они ответили»: who was asked answers
            asked = next((t for t in reversed(doc[lo:head.sent.start]) if _animate_plural(t)
                          and (t.morph.get("Case") == ["Dat"] or t.dep_ == "iobj")
                          and not any(c.dep_ == "case" for c in t.children)
                          and not any(a <= t.idx < b for a, b in self._spans)
                          and any(norm(x.lemma_) in _ASK for x in t.sent)), None)
            if asked is not None:
                return norm(asked.lemma_), head.text, "collective"
        for t in reversed(doc[lo:head.i]):
            if t.dep_ not in {"nsubj", "nsubj:pass"} or any(a <= t.idx < b for a, b in inside):
                continue
            if t.pos_ == "NOUN" and t.morph.get("Number") == ["Plur"]:
                if t.morph.get("Animacy") == ["Inan"] and head.dep_ in {
                        "nsubj", "nsubj:pass"} and norm(t.lemma_) not in self.verbs.bodies:
                    continue  # «чьи родовые башни находятся …»: things say nothing (bodies do)
                return norm(t.lemma_), head.text, "collective"
            if t.pos_ == "PROPN" and any(c.dep_ == "conj" for c in t.children):
                k = bisect_left(starts, t.i)
                while k > 0 and ms[k - 1].tok_end > t.i:
                    k -= 1
                for m in ms[k:bisect_left(starts, t.i + 1)]:
                    if m.actor_type == "person" and m.tok_start <= t.i < m.tok_end:
                        return m.actor, head.text, "pronoun"
        return "", head.text, "unresolved"

    def _by_surname(self, lemma: str) -> str:
        """The one person actor of the document whose name ends with ``lemma``, else ""."""
        found = {m.actor for m in self._by_tok[0] if m.actor_type == "person"
                 and norm(self._doc[m.tok_end - 1].lemma_) == lemma}
        return found.pop() if len(found) == 1 else ""

    def _other_office(self, lemma: str, before: int) -> set[str]:
        """For a role title of the registry («президент»): the people introduced before
        ``before`` only with other titles — «вице-премьера Дмитрия Козака» is not «—
        подчеркнул президент» — unless one of those holds the role («президента Путина»);
        the registry's generic heads for it («глава», «лидер») may stand for it.  Empty for
        other titles."""
        holders = self.holders.get(lemma)
        if not holders:
            return set()
        same = {lemma} | self.title_heads.get(lemma, frozenset())
        other = {m.actor for t, ms in self._introduced.items() if t not in same
                 and t in self.verbs.titles for m in ms if m.start < before}
        own = {m.actor for t in same for m in self._introduced.get(t, ()) if m.start < before}
        return other - own - holders

    def _of_other_states(self, phrase) -> set[str]:
        """For a title phrase naming a state by its adjective («руководитель украинского
        внешнеполитического ведомства»): the people known to be of another state — by the
        registry or by the state they were introduced with («министр иностранных дел Германии
        Франк-Вальтер Штайнмайер»).  Empty for other phrases."""
        state = next((self.state_adjectives[lem] for t in phrase
                      if (lem := norm(t.lemma_)) in self.state_adjectives), "")
        if not state:
            return set()
        states = set(self.state_adjectives.values())
        other = {a for a, s in self._states_of.items() if s and state not in s}
        other |= {a for a, s in self.affiliations.items() if s in states and s != state}
        return other

    def _introduced_with(self, lemma: str, head, window: bool = True):
        """The person introduced earlier with the title ``lemma`` («режиссер Алексей
        Пиманов») whose latest mention is the nearest before ``head``, if that mention lies in
        ``head``'s sentence or the three before (anywhere before, without ``window``); else
        None."""
        same = _LEADERS if lemma in _LEADERS else (lemma,)
        actors = {m.actor for t in same for m in self._introduced.get(t, ())
                  if m.start < head.idx}
        if not actors:
            return None
        first = sentence_back(head, 3) if window else head.doc[0:1]
        persons, starts = self._outside
        for k in range(bisect_left(starts, head.idx) - 1, -1, -1):
            m = persons[k]
            if m.start < first.start_char:
                return None
            if m.actor in actors:
                return m
        return None

    def _anonymous_subject(self, head, inside: list[tuple[int, int]]):
        """An anonymous source («источник», «собеседник»; an unnamed person, «знакомый Жукова»,
        as the subject of a reporting verb) that is the subject of ``head``'s sentence or one
        of the two before, outside quotes: the nearest such token, or None."""
        doc = head.doc
        first = sentence_back(head, 2)
        number = {"он": ["Sing"], "она": ["Sing"], "они": ["Plur"]}.get(norm(head.lemma_))
        own_start = head.sent.start if number else head.i
        for t in reversed(doc[first.start:head.i]):
            if t.dep_ not in {"nsubj", "nsubj:pass"}:
                # in the pronoun's own sentence in any role («У самого собеседника «Медузы» не
                # было сомнений, …: по его словам, …»)
                if (t.i >= own_start and t.pos_ == "NOUN"
                        and norm(t.lemma_) in self.anonymous and number
                        and t.morph.get("Number") == number
                        and not any(a <= t.idx < b for a, b in inside)):
                    return t
                continue
            if any(a <= t.idx < b for a, b in inside):
                continue
            if norm(t.lemma_) in self.anonymous:
                return t
            if number == ["Sing"] and (t.head.dep_ in MAIN_CLAUSE or self.verbs.type_of(
                    t.head)) and self._unnamed_spokesperson(t):
                # «связалась представительница пресс-службы банка. Она сообщила»; not «что …
                # совет возглавит представитель нового собственника»
                return t
            # an unnamed person («знакомый Жукова», «еще один коллега») only when it reported
            if (self.verbs.unnamed_person(t) or _another(t)) and self.verbs.type_of(
                    t.head) and not any(c.dep_ in _APPOSITION and c.pos_ == "PROPN"
                                        for c in t.children):
                return t  # (not «основатель одного из движений Андрей Кормухин»: named)
            # a man or woman introduced with no name, who reports in a relative clause («К
            # беседе присоединился мужчина, который сообщил …»); not «мужчина» standing for
            # someone named («— ответил мужчина на том конце трубки»)
            if norm(t.lemma_) in _SOMEONE and t.morph.get("Number") != ["Plur"] and any(
                    c.dep_ == "acl:relcl" and self.verbs.type_of(c) for c in t.children) \
                    and not any(c.dep_ in _APPOSITION and c.pos_ == "PROPN"
                                for c in t.children):
                return t
        return None

    def _unnamed_spokesperson(self, t) -> bool:
        """``t`` is a spokesperson noun in the singular with no person named in its phrase
        («представительница пресс-службы Промсвязьбанка», not «представитель МИД Мария
        Захарова»)."""
        lemma = norm(t.lemma_)
        if not (lemma in self.verbs.spokespersons or lemma == "представительница") or (
                t.morph.get("Number") == ["Plur"]):
            return False
        lo, hi = _contiguous_subtree(t)
        ms, starts = self._by_tok
        return not any(m.actor_type == "person"
                       for m in ms[bisect_left(starts, lo):bisect_left(starts, hi + 1)])

    def _anonymous(self, a, surface: str, doc) -> tuple[str, str, str]:
        """The speaker an anonymous subject ``a`` (:meth:`_anonymous_subject`) stands for: a
        spokesperson's body when its phrase names one («представительница пресс-службы
        Промсвязьбанка» → Промсвязьбанк), else no one («источник»)."""
        if self._unnamed_spokesperson(a):
            lo, hi = _contiguous_subtree(a)
            ms, starts = self._by_tok
            bodies = [m for m in ms[bisect_left(starts, lo):bisect_left(starts, hi)]
                      if m.actor_type in {"organisation", "state", "bloc"}]
            if bodies:
                return bodies[-1].actor, surface, "descriptor"
            body = self._spoken_for(a)
            if body:
                return body, surface, "descriptor"
        return "", surface, "anonymous"

    def _later_subject(self, tok, person, antecedent: bool = False) -> bool:
        """The anonymous subject ``tok`` is more recent than ``person``: in a later sentence,
        or in the same one when the person is no subject there («источник, работавший с
        Улюкаевым»).  ``antecedent``: ``person`` is a pronoun mention, compare with the
        person it was resolved to (the nearest earlier mention of that actor)."""
        if antecedent:
            persons, starts = self._outside
            k = bisect_left(starts, person.start) - 1
            while k >= 0 and (persons[k].actor != person.actor
                              or persons[k].resolution == "pronoun"):
                k -= 1
            if k < 0:
                return True
            person = persons[k]
        psent = self._doc[person.tok_start].sent.start
        if tok.sent.start != psent:
            return tok.sent.start > psent
        return not (self._is_subject.get(person.mention_id) and person.start > tok.idx)

    def _gender_of(self, m) -> list:
        """A person mention's gender: the first name of the actor's («Руслан Шамсутдинов» →
        Masc: the tagger reads «Шамсутдинову» as feminine; a parse may hang «Людмила
        Соловьева» on a masculine verb); else its verb's when it is the subject of a past verb
        («Зорыч сообщила» → Fem: indeclinable surnames carry none); else the tagger's."""
        g = first_name_gender(m.actor)
        if g:
            return [g]
        root = self._doc[m.tok_start:m.tok_end].root
        if root.dep_ in {"nsubj", "nsubj:pass"}:
            g = root.head.morph.get("Gender")
            if g:
                return g
        return root.morph.get("Gender")

    def _window_start(self, head, n: int) -> int:
        """Where the ``n`` sentences before ``head``'s begin, counted from the start of the
        quote its reporting clause follows («…», — отметила представитель X: the quote's own
        sentences do not count)."""
        tok = head
        k = bisect_left(self._spans, (head.idx, -1)) - 1
        if k >= 0:
            a, b = self._spans[k]
            if head.sent.start_char <= b <= head.idx and "." not in self._text[b:head.idx]:
                span = self._doc.char_span(a, b, alignment_mode="expand")
                tok = span[0] if span is not None and len(span) else head
        return sentence_back(tok, n).start_char

    def _member_of(self, body: str, head):
        """A person named in ``head``'s sentence or the three before who was introduced with
        the body ``body`` («директор Philips Елена Сябренко») or is registered with it, and
        whose gender agrees with the noun's verb; the nearest such, else None."""
        gender = _speaker_gender(head)
        first = self._window_start(head, 3)
        persons, starts = self._outside
        for k in range(bisect_left(starts, head.idx) - 1, -1, -1):
            m = persons[k]
            if m.start < first:
                return None
            bodies = self._bodies_of.get(m.actor, set()) | {
                m.affiliation or self.affiliations.get(m.actor, "")}
            if body in bodies and not (gender and (g := self._gender_of(m)) and g != gender):
                return m
        return None

    def _back_outside_quotes(self, head, n: int):
        """The sentence ``n`` sentences before ``head``'s, sentences that begin inside a quote
        not counted (a quote of several sentences is one step back: «Тем временем стало
        известно, что «Газпром-медиа» … «…. …», — рассказали агентству. В холдинге
        уточнили»)."""
        sent, doc, spans = head.sent, head.doc, self._spans
        steps = 0
        while steps < n and sent.start > 0:
            sent = doc[sent.start - 1].sent
            k = bisect_left(spans, (sent.start_char + 1, -1)) - 1
            if not (k >= 0 and spans[k][0] < sent.start_char < spans[k][1]):
                steps += 1
        return sent

    def _spoken_for(self, head) -> str | None:
        """The body a spokesperson noun with a common noun in the genitive speaks for
        («представитель компании», «пресс-служба департамента транспорта»): the organisation
        that noun refers back to (:meth:`_nearest_body`, :meth:`_nearest_org`), else the body's
        phrase when it says more than the noun («департамент транспорта»), else "" (unnamed);
        None when no such noun hangs from it (a person's spokesperson, «представитель
        президента», is left to the title)."""
        doc = head.doc
        for c in head.children:
            if (c.dep_ != "nmod" or c.i < head.i or c.pos_ != "NOUN"
                    or c.morph.get("Case") != ["Gen"] or _animate_noun(c)):
                continue
            noun = norm(c.lemma_)
            if noun in self.verbs.outlets:
                o = self._nearest_org(c)
                return o.actor if o is not None else ""
            if c.morph.get("Number") == ["Plur"]:
                return ""  # «представитель субподрядчиков», «… правительственных кругов»
            kind = self.verbs.bodies.get(noun)
            if kind in {"organisation", "named"}:
                # one named with the noun or whose name holds it; not just the latest
                # organisation (often the outlet told: «сообщил «Медузе» представитель …»)
                b = self._nearest_body(c, noun, "named")
                if b is not None:
                    return b.actor
            lo, hi = _contiguous_subtree(c)
            if hi - lo > 1:
                return _phrase_name(doc[lo:hi])
            # a lone noun: an institution is worth naming («мэрия»), «компания» is not
            return noun if kind == "named" else ""
        return None

    def _unnamed_body(self, head) -> str:
        """The name of a body the NER missed, hanging from a spokesperson noun («пресс-служба
        Федерации бобслея России» → «Федерация бобслея России»), else ""."""
        for c in head.children:
            if c.dep_ in {"nmod", "appos"} and c.i > head.i and c.text[:1].isupper() and (
                    c.pos_ in {"PROPN", "NOUN"}):
                lo, hi = _contiguous_subtree(c)
                return _phrase_name(head.doc[max(lo, head.i + 1):hi])
        return ""

    def _nearest_body(self, head, lemma: str, kind: str):
        """The actor a bare body noun refers back to (``kind`` from ``body_nouns``): for
        ``state`` the state named most often before ``head`` (the latest on a tie); else an
        organisation named before it in its sentence or the two before: in the latest sentence
        naming one, one introduced with the noun («компания «Теомедиа»») or whose name holds
        it; else the nearest whose name holds it («суд» → «Мосгорсуд»); else, for
        ``organisation`` only, that sentence's subject or its last one."""
        if kind == "state":
            counts: dict[str, int] = {}
            last: dict[str, object] = {}
            for m in self._states:
                if m.end > head.idx:
                    break
                counts[m.actor] = counts.get(m.actor, 0) + 1
                last[m.actor] = m
            if not counts:
                return None
            best = max(counts.values())
            return max((last[a] for a in counts if counts[a] == best), key=lambda m: m.start)
        first = self._back_outside_quotes(head, 2).start_char
        orgs, starts = self._orgs
        stem = lemma[:max(3, len(lemma) - 2)]
        earlier = orgs[:bisect_left(starts, head.idx)]
        # the organisations introduced with this noun anywhere before («компания «Теомедиа»»)
        introduced = {m.actor for m in earlier if _word_before(self._doc, m.tok_start) == lemma}
        window = [m for m in earlier if m.start >= first and m.end <= head.idx]
        if not window:
            return None
        latest = [m for m in window if m.sent == window[-1].sent]

        def holds(m) -> bool:
            return stem in m.text.lower() or stem in m.actor.lower()

        for m in reversed(latest):
            if m.actor in introduced or holds(m):
                return m
        for m in reversed(window):
            if holds(m):
                return m
        if kind != "organisation":
            return None
        # else the subject of the latest sentence naming one, or the latest one named there
        subjects = [m for m in latest if self._doc[m.tok_start:m.tok_end].root.dep_ in {
            "nsubj", "nsubj:pass"}]
        return (subjects or latest)[-1]

    def _own_body(self, head, lemma: str):
        """The body whose own people a plural member noun names by a bare noun — «юристы
        канала» (the channel named before), «сотрудники компании» — as :meth:`_nearest_body`
        or, for an outlet noun, :meth:`_nearest_org` finds it; else None."""
        if lemma not in self.verbs.members:
            return None
        for c in head.children:
            if (c.dep_ != "nmod" or c.pos_ != "NOUN" or c.morph.get("Case") != ["Gen"]
                    or c.morph.get("Number") != ["Sing"] or _described(c)):
                continue  # «сотрудники заводов»: several bodies, none named
            noun = norm(c.lemma_)
            if noun in self.verbs.outlets:
                return self._nearest_org(c)
            kind = self.verbs.bodies.get(noun)
            if kind is not None and kind != "state":
                return self._nearest_body(c, noun, kind)
        return None

    def _issuer(self, head, lemma: str, start_char: int | None = None):
        """The actor named as the issuer of a document with the noun ``lemma`` («письмо
        Германа Левитаса», «отчета Общественной палаты»: a mention hanging from the noun) in
        ``head``'s sentence or the three before (counted from the start of the quote a
        reporting clause follows), or from ``start_char``, the nearest first; else None."""
        doc = self._doc
        ms, starts = self._by_tok
        start = self._window_start(head, 3) if start_char is None else start_char
        first = doc.char_span(start, head.idx, alignment_mode="expand")
        for t in reversed(doc[first.start if first is not None else head.i:head.i]):
            if norm(t.lemma_) != lemma:
                continue
            for m in ms[bisect_left(starts, t.i + 1):bisect_left(starts, t.i + 12)]:
                root = doc[m.tok_start:m.tok_end].root
                between = self._text[t.idx:m.start]
                if m.actor_type != "location" and root.head.i == t.i and root.dep_ in {
                        "nmod", "appos"} and between.count('"') % 2 == 0 and (
                        between.count("«") <= between.count("»")):
                    return m  # (not a word of the document's title: «статья "Мусульманская
                    # Россия?"»)
            if t.dep_ == "obl" and any(c.dep_ == "case" and c.lower_ in {"в", "во"}
                                       for c in t.children):
                # «Пайпс в статье …, опубликованной в Washington Times, высказал убеждение»:
                # who wrote in it — the subject of its verb or, when the parse hung the noun
                # elsewhere, of the sentence whose verb follows it
                for verb in (t.head, t.sent.root):
                    m = self._subject_mention(verb) if verb.pos_ == "VERB" else None
                    if m is not None and m.start < t.idx:
                        return m
        return None

    def _subject_mention(self, verb):
        """The person or organisation mention that is ``verb``'s subject, or is in apposition
        to it («президент форума Дэниэл Пайпс»); else None."""
        subj = _subject(verb)
        if subj is None:
            return None
        for tok in (subj, *(c for c in subj.children if c.dep_ in _APPOSITION)):
            m = self._mention_at(tok.i)
            if m is not None and m.actor_type in {"person", "organisation"}:
                return m
        return None

    def _publisher(self, head):
        """The outlet that published what a document noun refers back to, in ``head``'s
        sentence or the two before: an organisation that is the subject of a publishing verb
        («Би-би-си опубликовала статью») or the place a document was published in («статья
        … вышла на Би-би-си. В публикации говорилось …»); the latest; else None."""
        publishing = self.verbs.publishing
        if not publishing:
            return None
        doc = self._doc
        first = sentence_back(head, 2).start_char
        orgs, starts = self._orgs
        for m in reversed(orgs[:bisect_left(starts, head.idx)]):
            if m.start < first:
                break
            root = doc[m.tok_start:m.tok_end].root
            if root.dep_ in _APPOSITION | {"nmod"} and norm(root.head.lemma_) in (
                    self.verbs.outlets):
                root = root.head  # «в издании «Такие дела» вышла статья»: the outlet's noun
            verb = root.head
            place = any(c.dep_ == "case" and c.lower_ in {"в", "на"} for c in root.children)
            if place and norm(verb.lemma_) not in publishing:
                verb = root.sent.root  # (a place the parse hung on another word)
            if verb.i == root.i or norm(verb.lemma_) not in publishing:
                continue
            if root.dep_ == "nsubj":
                return m
            if place and any(
                    c.dep_ in {"nsubj", "nsubj:pass"} and norm(c.lemma_) in self.verbs.documents
                    for c in verb.children):
                return m
        return None

    def _nearest_org(self, head, medium: bool = False):
        """The organisation named last in the two sentences before ``head``'s (names in its
        own sentence belong to the reported content: «… орден ФСБ, сообщает издание»); a clause
        before a semicolon counts as a sentence before («Об этом писали «Ведомости»; … издание
        также сообщало»)."""
        first = sentence_back(head, 2)
        orgs, starts = self._orgs
        semi = next((t for t in reversed(self._doc[head.sent.start:head.i]) if t.text == ";"),
                    None)
        k = bisect_left(starts, semi.idx if semi is not None else head.sent.start_char) - 1
        if k < 0 or orgs[k].start < first.start_char or first.start >= head.sent.start:
            return None
        # ``medium``: the latest one told of as a medium («корреспонденты РБК … в мастерских
        # Союза художников. Как указывало издание» → РБК), else the latest
        j = k if medium else -1
        while j >= 0 and orgs[j].start >= first.start_char:
            if self._reports(orgs[j]):
                return orgs[j]
            j -= 1
        return orgs[k]

    def _reports(self, m) -> bool:
        """The organisation mention ``m`` is told of as a medium: a journalist's or a
        publication's («корреспонденты РБК», «газета «Ведомости»»), or the subject of a
        reporting or publishing verb."""
        root = self._doc[m.tok_start:m.tok_end].root
        up = norm(root.head.lemma_)
        if up in self.verbs.outlets or up in _JOURNALISTS:
            return True
        if root.dep_ in {"nsubj", "nsubj:pass"} and (self.verbs.type_of(root.head)
                                                    or up in self.verbs.publishing):
            return True
        return norm(_word_before(self._doc, m.tok_start)) in self.verbs.outlets

    def _in_gerund_clause(self, head) -> set[int]:
        """Mention ids of the persons in ``head``'s sentence, before it, inside an adverbial
        participle's clause («Комментируя разгром выставки Сидура, патриарх признал»): what the
        clause is about, not who the title refers to."""
        ms, starts = self._by_tok
        out = set()
        for m in ms[bisect_left(starts, head.sent.start):bisect_left(starts, head.i)]:
            t = self._doc[m.tok_start:m.tok_end].root
            while t.head.i != t.i and t.i != head.i:
                if t.morph.get("VerbForm") == ["Conv"]:
                    out.add(m.mention_id)
                    break
                t = t.head
        return out

    def _nearest_person(self, before: int, affiliated: str = "", gender: list | None = None,
                        since: int = -1, exclude: frozenset[str] | set[str] = frozenset(),
                        skip: set[int] | frozenset[int] = frozenset(), nearest: bool = False):
        """The person a pronoun or bare title before ``before`` refers to: in the nearest
        sentence (outside quotes) that mentions a compatible person, its grammatical subject
        if one of them is («Токаев поддержал настрой своего российского коллеги. «…», —
        заявил президент» → Токаев) — the subject of a main clause's reporting verb first
        («Колеров сообщил, что Сорокин и Федина покинули компанию. По его словам, …» →
        Колеров), then of a main clause («Лесин опроверг информацию о том, что Венедиктов
        предлагал …» → Лесин) — else the nearest of them.  ``nearest``: the nearest of them
        that is no subject, else the nearest (what a demonstrative «тот» refers to)."""
        persons, starts = self._outside
        found = subject = main = None
        for k in range(bisect_left(starts, before) - 1, -1, -1):
            m = persons[k]
            if m.start < since:
                break
            if m.actor in exclude or m.mention_id in skip:
                continue
            if affiliated:
                aff = m.affiliation or self.affiliations.get(m.actor, "")
                if aff != affiliated:
                    continue
            if gender:
                g = self._gender_of(m)
                if g and g != gender:
                    continue
            if found is not None and m.sent != found.sent:
                break
            if found is None:
                found = m
            if nearest:
                if not self._is_subject.get(m.mention_id):
                    return m
                continue
            if self._is_subject.get(m.mention_id):
                if self._speaks.get(m.mention_id):
                    return m
                if self._main.get(m.mention_id):
                    main = main or m
                subject = subject or m
        return main or subject or found

    def find(self, doc, mentions: Sequence) -> list[Quote]:
        aid = doc.user_data["framing"]["id"]
        # Doc.text joins every token on each access: read it once per document, from arrays
        text = self._text = doc_text(doc)
        self._doc = doc
        spans = quote_spans(text)
        self._spans = spans
        splits = [(a, b, *_split_interrupted(doc, a, b, text, self.verbs.type_of))
                  for a, b in spans]
        # a name in a clause interrupting a quote («— заявил Кирилл. —») is the narrator's
        self._prepare(mentions, [p for _, _, parts, _ in splits for p in parts])
        quotes: list[Quote] = []
        direct: list[tuple[int, int]] = []  # content spans of attributed direct quotes
        pending: list[tuple[int, int]] = []
        used_verbs: set[int] = set()
        for a, b, parts, clause in splits:
            attribution = clause or self._after_clause(doc, b, a)
            if clause is None and attribution is not None and _embedded_name(doc, a, b, text):
                attribution = None  # «… оплачивал «Российский фонд мира» — депутат говорил …»
            if attribution is None:
                pending.append((a, b))
                continue
            verb, subj_tok = attribution
            used_verbs.add(verb.i)
            subj_tok = _cited(verb, self.verbs) or subj_tok  # «— цитирует NEWSru.com Шремса»
            for pa, pb in parts:
                direct.append((pa, pb))
            if subj_tok is None:
                speaker, surface, res = "", "", "unresolved"
            elif subj_tok.dep_ == "obl" and self._body_place(subj_tok):
                speaker, surface, res = self._place_speaker(subj_tok, mentions, direct + pending)
            else:
                speaker, surface, res = self._resolve(subj_tok, doc, mentions, direct + pending)
            final = self._clause_final_name(doc, verb, subj_tok)
            if final is not None:
                # «— признает бывший министр экономики, а теперь бизнесмен Вильям Дзагоев. —»
                speaker, surface, res = final.actor, final.text, "name"
            for pa, pb in parts:
                quotes.append(Quote(aid, 0, "direct", pa, pb, text[pa:pb], speaker, surface, res,
                                    verb.text, self.verbs.marked_type(
                                        verb, self.verbs.type_of(verb))))
        inside = direct + pending
        indirect = self._indirect(doc, mentions, inside, used_verbs)
        for q in indirect:
            q.article_id = aid
        quotes.extend(indirect)
        # direct quotes attributed by their sentence (colon cues, «назвал … «…»», по словам …)
        for a, b in pending:
            short = len(text[a:b].split()) <= 3
            owner = next((q for q in indirect if q.start <= a and b <= q.end), None)
            # «Захарова констатировала: «Это провокация».»: the whole reported content
            whole = owner is not None and not text[owner.start:a].strip(" «„\"") and not \
                text[b:owner.end].strip(" »“\".")
            # an impersonal report that names no one («В департаменте … сказали, что …»)
            # yields to a speaker the quote's own governing verb finds
            unnamed = owner is not None and not owner.speaker_text
            if owner is not None and (not short or whole) and not unnamed:
                quotes.append(Quote(aid, 0, "direct", a, b, text[a:b], owner.speaker,
                                    owner.speaker_text, owner.resolution, owner.verb,
                                    owner.verb_type))
                continue
            found = self._governing_verb(doc, a, b)
            if found is not None and short and _quoted_name_role(doc, a, b, found[0]):
                found = None  # «его «Новая газета» называет …», «группы «1520»»: names
            if found is None and owner is not None and (not short or whole):
                quotes.append(Quote(aid, 0, "direct", a, b, text[a:b], owner.speaker,
                                    owner.speaker_text, owner.resolution, owner.verb,
                                    owner.verb_type))
                continue
            if found is not None and short and self.verbs.type_of(found[0]) != "naming":
                found = None  # a short quote is reported only by a naming verb
            if found is None and not short:
                # «Вот как это прокомментировал писатель X, который …, кто …: «…»»: the
                # reporting verb of the clause the colon ends, when the parse hangs the quote
                # elsewhere
                found = self._colon_verb(doc, a)
            if found is not None:
                verb, subj = found
                speaker, surface, res = self._resolve(subj, doc, mentions, inside)
                quotes.append(Quote(aid, 0, "direct", a, b, text[a:b], speaker, surface, res,
                                    verb.text, self.verbs.marked_type(
                                        verb, self.verbs.type_of(verb))))
                continue
            named = None if short else self._colon_speaker(a)
            if named is not None:  # interview style: «Борис Гребенщиков: «Мы все знаем …»»
                quotes.append(Quote(aid, 0, "direct", a, b, text[a:b], named.actor, named.text,
                                    "name", ":", "neutral"))
        quotes.sort(key=lambda q: (q.start, q.end, q.kind))
        for n, q in enumerate(quotes):
            q.quote_id = n
        return quotes

    def _clause_final_name(self, doc, verb, subj, stops: frozenset | set = frozenset(_DASH)):
        """A person named at the very end of a reporting clause whose subject (or cited
        object) is a noun for a person — a title or description the parse cut short («—
        признает бывший министр экономики, а теперь бизнесмен и владелец гостиницы Вильям
        Дзагоев. —») — else None.  The clause ends at the sentence's end, a quote mark or a
        dash (of ``stops``: a hyphen joins two titles of one person in a report that ends its
        sentence, «…, заявил замглавы аппарата - начальник управления Юрий Шувалов.»)."""
        if subj is None or subj.pos_ != "NOUN" or subj.i < verb.i:
            return None
        sent_end = doc[verb.i].sent.end
        end = verb.i + 1
        relative: set[int] = set()  # tokens of a relative clause between the title and name
        while end < sent_end and doc[end].text not in CLOSE and doc[end].text not in stops:
            if doc[end].text in OPEN:
                name = _short_name_in_guillemets(doc, end, sent_end)
                if not name:  # (not the outlet told: «— сказал «Медузе» автор книг …»)
                    break
                end = name
                continue
            if doc[end].text == "," and end + 1 < sent_end and norm(
                    doc[end + 1].lemma_) == "который":
                # «— объясняет руководитель фонда, который помогает детям, Владимир Вавилов.
                # —»: the title's relative clause, the name after it; else «…, ветеран
                # Афганистана Виталий Феськов, который …»: his clause ends
                after = self._name_after_relative(doc, end, sent_end, stops)
                if after is None:
                    break
                relative.update(range(end, after))
                end = after
                continue
            end += 1
        while end > verb.i + 1 and (doc[end - 1].is_punct or doc[end - 1].is_space):
            end -= 1
        # the subject's case; the object's for a cited person («— цитирует infox.ru директора
        # по стратегии Philips в России, на Украине и в Казахстане Елену Сябренко»)
        cases = (["Acc"], ["Gen"]) if subj.dep_ == "obj" or (
            subj.dep_ != "nsubj" and subj.morph.get("Case") in (["Acc"], ["Gen"])) else (["Nom"],)
        ms, starts = self._by_tok
        k = bisect_left(starts, subj.i + 1)
        for m in ms[k:bisect_left(starts, end)]:
            root = doc[m.tok_start:m.tok_end].root
            if (m.tok_end == end and m.actor_type == "person" and m.resolution != "pronoun"
                    and root.morph.get("Case") in cases
                    and not any(c.dep_ == "case" for c in root.children)
                    # not the subject of a clause of its own («…, которого поддержал Петров»)
                    and not any(t.pos_ in {"VERB", "AUX"} or t.pos_ == "PRON"
                                for t in doc[verb.i + 1:m.tok_start] if t.i not in relative)):
                return m
        return None

    def _name_after_relative(self, doc, comma: int, sent_end: int, stops):
        """The token after the comma that closes a relative clause opening at ``comma`` («,
        который помогает детям,»), when a person's name follows it and ends the reporting
        clause; else None."""
        j = comma + 2
        while j < sent_end and doc[j].text != "," and doc[j].text not in CLOSE + OPEN and (
                doc[j].text not in stops) and j - comma <= 15:
            j += 1
        if j >= sent_end or doc[j].text != ",":
            return None
        m = self._mention_at(j + 1)
        if m is None or m.tok_start != j + 1 or m.actor_type != "person":
            return None
        nxt = doc[m.tok_end] if m.tok_end < sent_end else None
        if nxt is not None and not (nxt.is_punct or nxt.text in stops):
            return None
        return j + 1

    def _colon_verb(self, doc, a: int):
        """The last reporting verb with a subject in the sentence part that ends with the
        colon right before the quote opening at ``a`` (verb, subject), else None."""
        k = _colon_before(self._text, a)
        if k < 0:
            return None
        colon = doc.char_span(k, k + 1, alignment_mode="expand")
        if colon is None:
            return None
        start = colon.sent.start
        for tok in reversed(doc[start:colon.start]):
            if tok.text in CLOSE or tok.text in OPEN:
                return None  # another quote in between: not this clause's
            if tok.pos_ == "VERB" and self.verbs.type_of(tok):
                subj = _subject(tok)
                return (tok, subj) if subj is not None and subj.i < colon.start else None
        return None

    def _colon_speaker(self, a: int):
        """A person named right before «: «» at the start of a sentence or paragraph
        («Борис Гребенщиков: «…»»), else None."""
        text = self._text
        k = _colon_before(text, a)
        if k < 0:
            return None
        persons, starts = self._outside
        i = bisect_left(starts, k) - 1
        if i < 0 or text[persons[i].end:k].strip():
            return None
        m = persons[i]
        before = text[:m.start].rstrip(" ")
        if before and before[-1] not in ".!?\n»\"" and not before.endswith("—"):
            return None  # «… сказал Путин: «…»» belongs to the verb, handled elsewhere
        return m

    def _verb_after_comma(self, doc, j: int, opening: int) -> bool:
        """«…», цитирует infox.ru X / «…», сказал он: a quote that opens its sentence (its
        text starts at ``opening``), a comma after it and then, as the next word, a finite (or
        short-form) reporting verb — the clause without its dash.  (In «Меркель должна сказать:
        «…», считает Штюрмер» the whole sentence is what Штюрмер thinks: an indirect report.)"""
        text = self._text
        if not text.startswith(", ", j):
            return False
        o, _ = _tok_range(doc, max(0, opening - 1), opening)
        if o >= len(doc) or any(not t.is_punct for t in doc[doc[o].sent.start:o]):
            return False
        s, _ = _tok_range(doc, j + 2, min(len(text), j + 3))
        if s >= len(doc) or doc[s].idx != j + 2:
            return False
        t = doc[s]
        return bool(self.verbs.type_of(t)) and t.pos_ in {"VERB", "ADJ", "AUX"} and (
            t.morph.get("VerbForm") == ["Fin"] or t.morph.get("Variant") == ["Short"])

    def _after_clause(self, doc, close: int, opening: int):
        """«…», — заявил X  /  «…» — говорит X  /  «…», сказал X: verb and subject after the
        closing quote (the quote's text spans ``opening``–``close``)."""
        text = self._text
        j = close + 1
        tail = text[j:j + 6]
        stripped = tail.lstrip(" ,")
        if not stripped or (stripped[0] not in _DASH and not self._verb_after_comma(
                doc, j, opening)):
            return None
        if text[j:j + 12].lstrip(" ,—–-").lower().startswith("это "):
            return None  # «Город» — это не та программа …: a definition, not a report
        s, _ = _tok_range(doc, j, min(len(text), j + 1))
        sent = doc[s].sent if s < len(doc) else None
        if sent is None:
            return None
        first = next((t for t in doc[s:min(s + 3, sent.end)] if t.is_alpha), None)
        # «Она называет поездку «…» — и добавляет, что Дерипаска …»: the sentence goes on
        # with the subject it had before the quote («— и вовсе заявил Жириновский» has its own)
        goes_on = first is not None and first.lower_ in {"и", "а", "но"}
        end = sent.end
        k = s
        while k < end:
            t = doc[k]
            if t.text in OPEN:
                name = _short_name_in_guillemets(doc, k, end)
                if name:  # «— заявил «Медузе» глава департамента Иван Петров»: whom he told
                    k = name
                    continue
            if t.text in OPEN or (t.text in _DASH and t.i > s + 2):
                end = t.i
                break
            k += 1
        for t in doc[s:end]:
            # a full participle describes a noun («— фильм, рассказывающий о …», «— с ними
            # были заключены контракты»); short forms report («— убежден политолог»)
            if t.morph.get("VerbForm") == ["Part"] and t.morph.get("Variant") != ["Short"]:
                continue
            if self.verbs.type_of(t) and t.pos_ in {"VERB", "ADJ", "AUX"}:
                subj = _subject(t)
                if subj is None and t.morph.get("VerbForm") == ["Conv"]:
                    # «— глава ТПП Алан Алборов, говоря о компании, переходит на шепот»: the
                    # gerund's doer is its verb's subject
                    subj = _subject(t.head)
                if subj is None or not (s <= subj.i < end):
                    if goes_on:
                        return None
                    subj = _noun_after(doc, t.i, end)
                    # «— заявили «Медузе» в приемной учреждения (ГКУ) …»: an indefinite
                    # report from a body's place, not the noun found inside it
                    place = next((x for x in doc[t.i + 1:end] if self._body_place(x)), None)
                    if place is not None and t.morph.get("Number") == ["Plur"] and (
                            subj is None or place.i < subj.i < place.right_edge.i + 1):
                        subj = place
                return t, subj
        return None

    def _governing_verb(self, doc, a: int, b: int):
        """A reporting verb that governs the quote inside its sentence («назвал … «…»»)."""
        s, e = _tok_range(doc, a, b)
        if s >= e:
            return None
        tok = doc[s]
        seen = set()
        while tok.i not in seen:
            seen.add(tok.i)
            if self.verbs.type_of(tok) and not (s <= tok.i < e):
                subj = _subject(tok)
                if subj is None or s <= subj.i < e or subj.dep_ == "nsubj:pass":
                    # «указано в документации к тендеру: «…»»: the document says it (its issuer
                    # is found from it), not what is stated (a passive's subject) nor a subject
                    # of another clause before the verb
                    source = _document_obl(tok, self.verbs.documents)
                    if source is not None and s <= max(x.i for x in source.subtree) and (
                            min(x.i for x in source.subtree) < e) and not self._text[:a].rstrip(
                                " «„\"").endswith(":"):
                        return None  # «говорится в статье «Как наказать Путина»»: its title
                    subj = source or subj
                if subj is None or s <= subj.i < e:
                    # a mis-attached conjunct, or a noun of the quote hung on the verb («глава
                    # СК писал … и замечал: «Все мои попытки …»»): the closest subject before
                    # the verb outside the quote, if any
                    told = self._addressees(tok)
                    subj = next((x for x in reversed(doc[tok.sent.start:tok.i])
                                 if x.dep_ in {"nsubj", "nsubj:pass"} and not s <= x.i < e
                                 and x.morph.get("Case") != ["Gen"]  # «нет сомнений»
                                 and not (self._actor_at(x.i) in told  # «ей заявили»
                                          or "pron:" + norm(x.lemma_) in told)),
                                subj)
                return (tok, subj) if subj is not None else None
            if tok.head.i == tok.i:
                break
            tok = tok.head
        return None

    def _indirect(self, doc, mentions: Sequence, inside: list[tuple[int, int]],
                  used_verbs: set[int]) -> list[Quote]:
        out: list[Quote] = []
        text = self._text
        quoted = [False] * len(doc)  # token → inside a direct quote (computed once: linear)
        for a, b in inside:
            span = doc.char_span(a, b, alignment_mode="expand")
            if span is not None:
                for i in range(span.start, span.end):
                    quoted[i] = True

        def in_quote(t) -> bool:
            return quoted[t.i]

        # a sentence with no «по»/«согласно» and no reporting verb yields nothing: skip it
        # without making its Tokens (the view's lemma is ``norm(lemma_)``, as in ``type_of``)
        v = doc_view(doc)
        table = self.verbs.table
        cue_at = [low in {"по", "согласно"} or (p in {"VERB", "ADJ"} and bool(table.get(lem)))
                  for low, lem, p in zip(v.lower, v.lemma, v.pos, strict=True)]
        for sent in doc.sents:
            if not any(cue_at[sent.start:sent.end]):
                continue
            toks = [t for t in sent if not t.is_space]
            if not toks:
                continue
            # «По словам X, …» / «По мнению X, …»
            for k, t in enumerate(toks[:-2]):
                if in_quote(t):
                    continue
                if t.lower_ == "согласно" and (k == 0 or toks[k - 1].is_punct):
                    # «Согласно Марку, …», «согласно источнику в Кремле, …»: only a named
                    # actor or a source noun, not «согласно закону»
                    comma = next((x for x in toks[k + 1:] if x.text == ","), None)
                    if comma is None or comma.i - t.i > 12:
                        continue
                    ms_, st_ = self._by_tok
                    named = ms_[bisect_left(st_, t.i + 1):bisect_left(st_, comma.i)]
                    holder = list(doc[t.i + 1:comma.i])
                    if holder and (named or norm(holder[0].lemma_) in self.anonymous):
                        head, cue, span = _phrase_head(holder), t, (t.i + 1, comma.i)
                        speaker, surface, res = self._resolve(head, doc, mentions, inside, span)
                        a, b = comma.idx + 1, _sent_end(sent)
                        while a < b and text[a] == " ":
                            a += 1
                        if b - a >= 3:
                            out.append(Quote("", 0, "indirect", a, b, text[a:b], speaker,
                                             surface, res, t.text, "neutral"))
                            break
                    continue
                if t.lower_ != "по":
                    continue
                cue = toks[k + 1]
                attribution = self.verbs.attribution
                if k > 0 and toks[k - 1].pos_ in {"NOUN", "PROPN"} and cue.dep_ == "nmod" and (
                        cue.head.i < t.i):
                    continue  # a noun's modifier: «проректор университета по информации»
                if norm(cue.lemma_) in attribution:
                    # the phrase ends at a comma, or at a dash («по утверждению «Новой газеты» —
                    # жена полковника ФСО»; see :func:`_phrase_end`)
                    comma = _phrase_end(toks, k)
                    if comma is None:
                        continue
                    comma = self._apposition_end(doc, comma) or comma
                    holder = [x for x in doc[cue.i + 1:comma.i]]
                    head = _phrase_head(holder, genitive=True) if holder else None
                    span = (cue.i + 1, comma.i)
                elif norm(cue.lemma_) in _PRONOUNS and norm(toks[k + 2].lemma_) in attribution:
                    head, cue = cue, toks[k + 2]  # «по его словам»
                    span = None
                    comma = next((x for x in toks[k + 3:] if x.text == ","), None)
                    if comma is None:
                        continue
                else:
                    continue
                if head is None:
                    continue
                speaker, surface, res = self._resolve(head, doc, mentions, inside, span)
                a = comma.idx + 1
                b = _sent_end(sent)
                while a < b and text[a] == " ":
                    a += 1
                out.append(Quote("", 0, "indirect", a, b, text[a:b], speaker, surface, res,
                                 f"{t.text} {cue.text}",
                                 self.verbs.attribution.get(norm(cue.lemma_), "neutral")))
                break
            else:
                q = self._verb_speech(doc, sent, toks, mentions, inside,
                                      lambda t: in_quote(t) or t.i in used_verbs)
                if q is not None:
                    out.append(q)
        return out

    def _verb_speech(self, doc, sent, toks, mentions, inside, in_quote):
        text = self._text
        lemmas, table = doc_view(doc).lemma, self.verbs.table  # type_of, without a Token each
        impersonal = None
        for t in toks:
            vtype = table.get(lemmas[t.i], "")
            if not vtype or in_quote(t) or t.pos_ not in {"VERB", "ADJ"}:
                continue
            subj = (_subject(t) or self._gerund_subject(t) or _crossing_subject(t)
                    or self._organisation_before(t))
            if subj is not None and subj.lower_ == "там" and subj.pos_ == "ADV":
                subj = None  # «Там заявили, что …» (parsed as the subject): a place
            if subj is not None:
                subj = _animate_subject_between(t, subj) or subj
            if subj is not None and subj.i > t.i and any(
                    x.lower_ == "что" for x in doc[t.i + 1:subj.i]):
                subj = None  # «Признано, что цены завышаются»: the clause's own subject
            if subj is not None and in_quote(subj) and not _quoted_name(subj, inside):
                continue  # a word of a quote; a name in guillemets («пишет «Коммерсант»») is not
            if subj is not None and subj.lower_ in {"вы", "ты"} and sent.text.rstrip(
                    " »\"").endswith("?"):
                continue  # «Вы не думали, что …?»: an interviewer's question, not a report
            if subj is None:
                # kept only if no verb with a subject reports in the sentence («В репортаже
                # сообщалось, что …, а жители рассказывали, что …»: the residents)
                impersonal = impersonal or self._impersonal(t, sent, toks, in_quote, vtype,
                                                            mentions, inside)
                continue
            if (toks[0].lower_ in {"об", "о"} and len(toks) > 1 and toks[1].lower_ == "этом"
                    and t.i - toks[0].i <= 4 and subj.i > t.i):
                q = self._about_this(t, subj, sent, vtype, doc, mentions, inside, in_quote)
                if q is not None:
                    return q
                continue
            after = [x for x in toks if x.i > t.i]
            # «X отметил, что …» / «X констатировал: …»
            nxt = [x for x in after if x.i <= subj.i + 40]
            colon = next((x for x in nxt[:2] if x.text == ":"), None)
            chto = None
            if colon is not None and subj.i < t.i:
                a, b = colon.idx + 1, _sent_end(sent)
            else:
                # «сообщает о том, что …»: the content after «о том,»
                skip = 2 if [x.lower_ for x in after[:2]] in (["о", "том"], ["об", "этом"]) else 0
                for x in after[skip:skip + 3]:
                    if x.lower_ in {"что", "чтобы"}:
                        chto = x
                        break
                    if x.text == "," and after.index(x) + 1 < len(after):
                        y = after[after.index(x) + 1]
                        if y.lower_ in {"что", "будто", "якобы", "мол", "дескать"}:
                            chto = y
                            break
                if chto is not None and chto.i + 1 < len(doc) and (
                        doc[chto.i + 1].lower_ in _WHAT_HAPPENED):
                    continue  # «рассказывает, что известно о деле»: a question, not a claim
                if chto is not None and subj.i < t.i:
                    a, b = chto.idx + len(chto.text), _sent_end(sent)
                elif subj.i > t.i and _is_parenthetical(t, toks):
                    # «…, считает X, …» / «…, объясняет X.» / «Как считает X, …»
                    lo, hi = _clause_bounds(t, subj, toks)
                    content_after = any(x.i >= hi and not x.is_punct for x in toks)
                    if lo <= toks[0].i:
                        a, b = doc[hi].idx, _sent_end(sent)
                    else:
                        a = toks[0].idx
                        b = _sent_end(sent) if content_after else doc[lo - 1].idx
                else:
                    continue
            while a < b and text[a] in " ,—–":
                a += 1
            while b > a and text[b - 1] in " ,—–":
                b -= 1
            if b - a < 3:
                continue
            speaker, surface, res = self._resolve(subj, doc, mentions, inside)
            final = self._clause_final_name(doc, t, subj, _DASHES) if subj.i > t.i else None
            if final is not None and final.actor != speaker and not any(
                    x.text == "," for x in doc[subj.i:final.tok_start]):
                # «…, заявил замглавы аппарата палаты - начальник управления Юрий Шувалов.»
                speaker, surface, res = final.actor, final.text, "name"
            return Quote("", 0, "indirect", a, b, text[a:b], speaker, surface, res, t.text,
                         self.verbs.marked_type(t, vtype, chto))
        return impersonal


    def _gerund_subject(self, verb):
        """:func:`_governing_subject`, one verb further up when the verb it hangs from has a
        thing for its subject: «Гринспен выступал против того, чтобы слово «face» ушло к
        Цукербергу, полагая, что …» (the parser hangs «полагая» from «ушло»; a word does not
        believe)."""
        subj = _governing_subject(verb)
        if subj is None or not self._mute(subj):
            return subj
        head = verb.head
        if head.head.i == head.i:
            return subj
        return _subject(head.head) or subj

    def _mute(self, tok) -> bool:
        """``tok`` is a thing that cannot speak: an inanimate common noun that no mention
        covers and that the verbs file does not list as a body, document, outlet or title."""
        if tok.pos_ != "NOUN" or tok.morph.get("Animacy") != ["Inan"]:
            return False
        lemma = norm(tok.lemma_)
        v = self.verbs
        if (lemma in v.bodies or lemma in v.documents or lemma in v.outlets
                or lemma in v.titles):
            return False
        return self._mention_at(tok.i) is None

    def _impersonal(self, t, sent, toks, in_quote, vtype: str, mentions, inside):
        """«Отмечалось, что …», «Признано, что …», «Ранее сообщалось, что …», «Говорят, что …»,
        «В документе говорится, что …», «Как сообщается в пресс-релизе X, …»: a reporting verb
        with no subject anywhere — impersonal (neuter, or a passive) or indefinite (plural) —
        right before «что», or opening its sentence after «как»: speech whose speaker the text
        does not name (or a place or document it names: its body or issuer)."""
        morph = t.morph
        neuter = morph.get("Gender") == ["Neut"] and morph.get("Number") == ["Sing"]
        passive = morph.get("Voice") in (["Pass"], ["Mid"]) and morph.get("Number") == ["Sing"]
        indefinite = morph.get("Number") == ["Plur"] and morph.get("VerbForm") == ["Fin"] and (
            morph.get("Person") == ["3"] or morph.get("Tense") == ["Past"])
        if not (neuter or passive or indefinite):
            return None
        text = self._text
        if toks[0].lower_ == "как" and t.i - toks[0].i <= 2:
            # «Как сообщается в пресс-релизе «Роснефти», ВР стала …»: after the clause's comma
            comma = next((x for x in toks if x.i > t.i and x.text == "," and not in_quote(x)),
                         None)
            if comma is None or comma.i - t.i > 12 or (
                    comma.i == t.i + 1 and norm(t.lemma_) == "говориться"):
                return None  # «Как говорится, …»: a saying, not a report
            nxt, a, b = None, comma.idx + 1, _sent_end(sent)
        else:
            if t.dep_ not in {"root", "ROOT", "parataxis"}:
                return None
            nxt = next((x for x in toks if x.i > t.i and not x.is_punct), None)
            if nxt is None or nxt.lower_ != "что" or in_quote(nxt):
                return None
            a, b = nxt.idx + len(nxt.text), _sent_end(sent)
        while a < b and text[a] in " ,—–":
            a += 1
        if b - a < 3:
            return None
        source = (_document_obl(t, self.verbs.documents) or self._place_obl(t)
                  or self._there(t))
        if source is None and nxt is None:
            # «Как сообщили «Медузе» в Партии возрождения России, …»: a place the parse hung
            # anywhere, in the «как» clause after the verb
            clause = t.doc[t.i + 1:comma.i]
            if not any(norm(x.lemma_) in self.anonymous for x in clause):
                # (not «Как рассказали «Медузе» два источника в столичной мэрии»)
                source = next((x for x in clause if self._body_place(x, any_dep=True)), None)
        if source is None:
            # «поручение президента. В нем отмечается, что …»: the document named before
            found = self._pronoun_document(t, mentions, inside)
            if found is not None:
                return Quote("", 0, "indirect", a, b, text[a:b], *found, t.text,
                             self.verbs.marked_type(t, vtype, nxt))
        own = None if source is None else self._mention_at(source.i)
        if own is not None:  # «В Центризбиркоме Монголии сообщают»: the body, not the state
            speaker, surface, res = own.actor, own.text, "name"
        elif source is not None and source.text[:1].isupper() and source.i > 0:
            # a body the NER missed (its phrase up to the «как» clause's comma, when the parse
            # hung it anywhere)
            lo, hi = _contiguous_subtree(source)
            if source.dep_ != "obl" and nxt is None:
                lo, hi = source.i, comma.i
            speaker, surface, res = _phrase_name(t.doc[lo:hi]), t.doc[lo:hi].text, "descriptor"
        elif source is not None:
            speaker, surface, res = self._place_speaker(source, mentions, inside)
        elif (neuter or passive) and toks[0].i == t.i and (
                found := self._prior_reporter(t, mentions, inside)) is not None:
            # «Пресс-служба Кремля сообщила о разговоре. Отмечалось, что …»: what was noted
            # in the report the sentence before tells of
            speaker, surface, res = found
        else:
            speaker, surface, res = "", "", "unresolved"
        return Quote("", 0, "indirect", a, b, text[a:b], speaker, surface, res, t.text,
                     self.verbs.marked_type(t, vtype, nxt))

    def _pronoun_document(self, verb, mentions, inside):
        """(speaker, surface, "document") for an impersonal report «в нем / в ней / в них
        говорится» whose pronoun stands for a document named in its sentence or the two
        before (the nearest document noun agreeing with it): the document's issuer — named
        with it, its publisher, or the person its genitive owner names («поручение
        президента») — else no one; None when the verb has no such pronoun or no document
        precedes it."""
        pron = next((c for c in verb.children if c.dep_ == "obl" and c.pos_ == "PRON"
                     and norm(c.lemma_) in {"он", "она", "оно", "они"} and any(
                         g.dep_ == "case" and g.lower_ in {"в", "во"} for g in c.children)),
                    None)
        if pron is None:
            return None
        doc = verb.doc
        number, gender = pron.morph.get("Number"), pron.morph.get("Gender")
        ante = None
        for t in reversed(doc[sentence_back(verb, 2).start:pron.i]):
            if t.pos_ != "NOUN" or norm(t.lemma_) not in self.verbs.documents:
                continue
            if number == ["Plur"]:
                if t.morph.get("Number") == ["Plur"]:
                    ante = t
                    break
            elif t.morph.get("Number") != ["Plur"] and (
                    not gender or not t.morph.get("Gender") or t.morph.get("Gender") == gender
                    or (gender == ["Masc"] and t.morph.get("Gender") == ["Neut"])):
                ante = t
                break
        if ante is None:
            return None
        m = self._issuer(pron, norm(ante.lemma_)) or self._publisher(ante)
        if m is not None:
            return m.actor, ante.text, "document"
        return self._owner_of(ante, mentions, inside), ante.text, "document"

    def _owner_of(self, noun, mentions, inside) -> str:
        """The person a document noun's genitive owner stands for, when that owner is a title
        («декларации депутата», «поручение президента»), else ""."""
        owner = next((c for c in noun.children if c.dep_ == "nmod" and c.pos_ == "NOUN"
                      and c.morph.get("Case") == ["Gen"] and _animate_noun(c)
                      and not any(g.dep_ == "case" for g in c.children)), None)
        if owner is None or norm(owner.lemma_) not in self.verbs.titles:
            return ""
        who, _, how = self._resolve(owner, noun.doc, mentions, inside)
        return who if who and how in {"title", "name", "descriptor"} else ""

    def _prior_reporter(self, t, mentions, inside):
        """(speaker, surface, resolution) of the report the sentence before ``t``'s tells
        of, in the same paragraph and outside quotes: the subject of its reporting verb
        («Пресс-служба Кремля сообщила о разговоре»), when it resolves to someone; else None."""
        prev = self._sentence_before(t)
        if prev is None:
            return None
        for v in prev:
            if v.pos_ != "VERB" or not self.verbs.type_of(v) or any(
                    a <= v.idx < b for a, b in inside):
                continue
            subj = _subject(v)
            if subj is None:
                continue
            found = self._resolve(subj, t.doc, mentions, inside)
            if found[0]:
                return found
        return None

    def _place_obl(self, verb):
        """Where an impersonal report comes from, when it names a body: «В Центризбиркоме
        сообщают», «В компании заявляют», «в пресс-службе парламента заявили», «на сайте
        движения говорится» — an ``obl`` after «в/на» that is a body, outlet or spokesperson
        noun or holds an organisation, state or place; else None («в понедельник
        сообщалось»)."""
        # the verb's own, and one before it that the parse hung on the reported content
        # («В «Мосреалстрое» на вопрос, …, ответили, что он был снят с продаж»: on «снят»)
        # or on a verb of the clause before («Там указан ISBN, но в Книжной палате на письмо
        # ответили»: on «указан»)
        doc = verb.doc
        before = [t for t in doc[verb.sent.start:verb.i]
                  if t.dep_ == "obl" and (t.head.i > verb.i or (t.head.i < t.i and any(
                      x.text in {",", ";"} for x in doc[t.head.i:t.i]) and not any(
                      x.pos_ in {"VERB", "AUX"} for x in doc[t.i:verb.i])))
                  and not _clause_break(doc[t.i:verb.i])]
        return next((c for c in [*verb.children, *before] if self._body_place(c)), None)

    def _body_place(self, c, kinds: frozenset = frozenset(
            {"organisation", "state", "bloc", "location"}), any_dep: bool = False) -> bool:
        """``c`` is an ``obl`` after «в/на» that is a body, outlet or spokesperson noun or
        holds an actor of one of ``kinds`` (:meth:`_place_obl`), or «по телефону» of one."""
        if (c.dep_ != "obl" and not any_dep) or not any(g.dep_ == "case" and (
                g.lower_ in {"в", "во", "на"} or (
                g.lower_ == "по" and norm(c.lemma_) == "телефон")) for g in c.children):
            return False  # «по телефонам компании «Стройтеплосервис» заявили»: the company
        verbs = self.verbs
        if (norm(c.lemma_) in verbs.bodies or norm(c.lemma_) in verbs.outlets
                or norm(c.lemma_) in verbs.spokespersons):
            return True
        if norm(c.lemma_) == "телефон" and any(
                x.dep_ == "nmod" and norm(x.lemma_) in verbs.bodies for x in c.children):
            return True  # «по телефонам двух других компаний»
        ms, starts = self._by_tok
        lo, hi = _contiguous_subtree(c)
        return any(m.actor_type in kinds
                   for m in ms[bisect_left(starts, lo):bisect_left(starts, hi)])

    def _sentence_before(self, tok):
        """The sentence before ``tok``'s, when it is in the same paragraph; else None."""
        sent = tok.sent
        if sent.start == 0:
            return None
        prev = tok.doc[sent.start - 1].sent
        return None if "\n" in self._text[prev.start_char:sent.start_char] else prev

    def _there(self, verb):
        """«… отправили в пресс-службу «Газпром-медиа». Там заявили, что …»: the body of
        the last place after «в/на» (:meth:`_body_place`) in the sentence before, in the same
        paragraph, when the reporting verb has «там»; else None (a town is no body: «Мы
        поехали в Казань. Там рассказали, …»)."""
        if not any(c.lower_ == "там" for c in verb.children):
            return None
        # first a clause before it in its own sentence («Когда жители обратились в мэрию и
        # санэпидстанцию, там ответили»)
        own = verb.doc[verb.sent.start:verb.i]
        found = next((c for c in reversed(own) if c.head.i != verb.i
                      and self._body_place(c, frozenset({"organisation"}), any_dep=True)), None)
        if found is not None:
            return found
        prev = self._sentence_before(verb)
        if prev is None:
            return None
        return next((c for c in reversed(prev)
                     if self._body_place(c, frozenset({"organisation"}))), None)

    def _dative(self, tok) -> bool:
        """``tok`` is in the dative: so tagged, or a word in guillemets that pymorphy3 reads as
        a dative and never as a nominative (the tagger reads «Медузе» after «В мэрии» as one)."""
        if tok.morph.get("Case") == ["Dat"]:
            return True
        if tok.i == 0 or tok.doc[tok.i - 1].text not in OPEN or tok.morph.get("Case") in (
                ["Gen"], ["Loc"]):
            return False  # («в пресс-релизе «Роснефти»»: whose)
        from .lemmas import Lemmatizer

        parses = Lemmatizer.shared().morph.parse(tok.text.lower())
        return any("datv" in p.tag for p in parses) and not any("nomn" in p.tag for p in parses)

    def _organisation_before(self, verb):
        """The subject a parse hung elsewhere: an organisation named right before a finite
        active verb in the singular — only a place phrase between, no punctuation — whose
        head agrees with a past verb's gender (or is an abbreviation): «После премьеры фильма
        УМВД Украины в Черкасской области сообщило, что …»; else None."""
        morph = verb.morph
        if morph.get("VerbForm") != ["Fin"] or morph.get("Number") != ["Sing"] or morph.get(
                "Voice") in (["Pass"], ["Mid"]):
            return None
        ms, starts = self._by_tok
        lo = max(verb.sent.start, verb.i - 7)
        m = next((m for m in ms[bisect_left(starts, lo):bisect_left(starts, verb.i)][::-1]
                  if m.tok_end <= verb.i and m.actor_type == "organisation"), None)
        if m is None:
            return None
        doc = verb.doc
        # between: its closing guillemets, its genitives, then one place («Украины в
        # Черкасской области»)
        between = [x for x in doc[m.tok_end:verb.i] if x.text not in CLOSE]
        k = next((n for n, x in enumerate(between) if x.pos_ == "ADP"), len(between))
        if not all(x.pos_ in {"PROPN", "NOUN", "ADJ"} and x.morph.get("Case") == ["Gen"]
                   for x in between[:k]):
            return None
        if k < len(between) and not (between[k].lower_ in {"в", "во"} and all(
                x.pos_ in {"PROPN", "NOUN", "ADJ"} and x.morph.get("Case") == ["Loc"]
                for x in between[k + 1:])):
            return None
        if any(x.pos_ == "PRON" and x.morph.get("Case") == ["Nom"]
               for x in doc[verb.sent.start:m.tok_start]):
            return None  # «(именно он в посте ВДНХ на фейсбуке … уверяет»
        head = doc[m.tok_start:m.tok_end].root
        if any(c.dep_ == "case" for c in head.children) or head.morph.get("Case") in (
                ["Ins"], ["Dat"], ["Loc"]):
            return None  # «в разговоре с «Медузой» утверждает»: no subject
        gender = morph.get("Gender")
        # the verb agrees with the name, or with the noun it is named with («издание
        # «РусБизнесНьюс» утверждало»)
        k = m.tok_start - 1
        while k > verb.sent.start and doc[k].text in OPEN:
            k -= 1
        noun = doc[k] if k >= verb.sent.start and doc[k].pos_ == "NOUN" else None
        if gender and not head.text.isupper() and head.morph.get("Gender") not in (
                [], gender) and (noun is None or noun.morph.get("Gender") != gender):
            return None
        return head

    def _mention_at(self, i: int):
        """The mention whose tokens hold token ``i`` (from the per-document index), or None."""
        ms, starts = self._by_tok
        k = bisect_right(starts, i) - 1
        for m in ms[max(0, k - 3):k + 1][::-1]:  # the latest starts; mentions rarely nest
            if m.tok_start <= i < m.tok_end:
                return m
        return None

    def _apposition_end(self, doc, comma):
        """The comma that closes an apposition naming the person of «по словам X,»: «по словам
        члена комиссии, журналистки Евы Меркачевой, …» (a genitive noun for a person with a
        person's name and no verb, closed by a comma); else None."""
        if comma.text != ",":
            return None
        end = comma.i + 1
        sent_end = comma.sent.end
        while end < sent_end and doc[end].text != "," and end - comma.i <= 8:
            end += 1
        if end >= sent_end or doc[end].text != "," or end == comma.i + 1:
            return None
        seg = doc[comma.i + 1:end]
        first = next((t for t in seg if t.pos_ != "ADJ"), seg[0])  # «бывшего главы», «журналистки»
        if not _animate_noun(first) or first.morph.get("Case") != ["Gen"]:
            return None  # «собеседников «Медузы», Слуцкого, не обладающего …»: an object
        if any(t.pos_ in {"VERB", "AUX"} for t in seg):
            return None
        ms, starts = self._by_tok
        named = [m for m in ms[bisect_left(starts, seg.start):bisect_left(starts, seg.end)]
                 if m.actor_type == "person"]
        return doc[end] if named else None

    def _title_chain_start(self, head, lemma: str, before: int) -> int:
        """Where to look back from for the person a bare title refers to: before the same title
        as the subject of the sentence before (and so on back), whose other names are whom that
        sentence speaks of («Серуканов стал заместителем … В конце декабря активист написал пост
        с критикой … Волкова. В частности, активист сообщил» → Серуканов, not Волков)."""
        doc = self._doc
        sent = head.sent
        for _ in range(3):
            if sent.start == 0:
                break
            prev = doc[sent.start - 1].sent
            same = next((t for t in prev if norm(t.lemma_) == lemma and t.dep_ in {
                "nsubj", "nsubj:pass"} and self._mention_at(t.i) is None), None)
            if same is None:
                break
            before, sent = same.idx, prev
        return before

    def _actor_at(self, i: int) -> str:
        """The actor of the mention holding token ``i``, or ''."""
        m = self._mention_at(i)
        return m.actor if m is not None else ""

    def _addressees(self, verb) -> set[str]:
        """The actors a verb speaks to — its indirect object or bare dative («мужчина
        объяснил Шамсутдинову», «ей заявили»): never its speaker.  A pronoun that no mention
        resolves stands as ``pron:`` + its lemma."""
        out = set()
        for c in verb.children:
            if c.dep_ == "iobj" or (c.dep_ == "obl" and c.morph.get("Case") == ["Dat"] and not
                                    any(g.dep_ == "case" for g in c.children)):
                a = self._actor_at(c.i)
                if a:
                    out.add(a)
                elif c.pos_ == "PRON":  # «ей» (no mention): «она» is the same person
                    out.add("pron:" + norm(c.lemma_))
        return out

    def _place_speaker(self, place, mentions, inside) -> tuple[str, str, str]:
        """Who speaks from a place noun after «в/на» (:meth:`_place_obl`): a bare body noun
        («в мэрии утверждают») is the body named before, else the unnamed body; a press service
        («в пресс-службе департамента транспорта отметили») the body it belongs to, named or
        not; else what the noun's phrase names."""
        lemma, verbs = norm(place.lemma_), self.verbs
        kind = verbs.bodies.get(lemma)
        lo, hi = _contiguous_subtree(place)
        # a name in guillemets the parse cut («парка «Россия — моя история»»): to its end
        opened = sum(t.text == "«" for t in place.doc[lo:hi]) - sum(
            t.text == "»" for t in place.doc[lo:hi])
        end = place.sent.end
        while opened > 0 and hi < end:
            opened += {"«": 1, "»": -1}.get(place.doc[hi].text, 0)
            hi += 1
        # «в самом музее», «в этой компании»: a determiner is no part of the body's name
        while lo < place.i and (place.doc[lo].dep_ == "case"
                                or norm(place.doc[lo].lemma_) in _DETERMINERS):
            lo += 1
        # «в департаменте культуры, которому подведомственны школы, сообщили»: a relative
        # clause is no part of the name either
        rel = [c for c in place.children if c.dep_ in {"acl:relcl", "acl"} and c.i > place.i]
        if rel:
            cut = min(x.i for x in rel[0].subtree)
            hi = min(hi, cut - 1 if place.doc[cut - 1].text == "," else cut)
        # «В мэрии «Медузе» заявили»: the outlet told (a dative the parse hung on the place
        # noun) is no part of the place
        told = [c for c in place.children if c.i > place.i and c.dep_ in _APPOSITION | {"nmod"}
                and self._dative(c)]
        if told:
            hi = min(hi, min(x.i for x in told[0].subtree))
            if place.doc[hi - 1].text in OPEN:
                hi -= 1
        ms, starts = self._by_tok
        named = ms[bisect_left(starts, lo):bisect_left(starts, hi)]
        if kind and not any(c.dep_ in {"nmod", "appos", "amod"} and c.i < hi and norm(
                c.lemma_) not in _DETERMINERS for c in place.children):
            m = self._nearest_body(place, lemma, kind)
            if m is not None:
                return m.actor, place.text, "title"
            return (lemma, place.text, "collective") if kind == "named" else ("", "", "unresolved")
        own = [m for m in named if place.doc[m.tok_start:m.tok_end].root.head.i == place.i]
        if kind and place.morph.get("Number") == ["Plur"] and all(
                m.actor_type == "location" for m in own):
            # «в трех компаниях Сибири и Поволжья рассказали», «в информационных центрах в
            # управах»: those bodies as a group, not the places
            return lemma, place.text, "collective"
        if kind and (not named or (not own and place.morph.get("Number") != ["Plur"])):
            # «в департаменте транспорта (Москвы) сообщили»: that unnamed body — a place named
            # deeper in its phrase only says where the body is
            return _phrase_name(place.doc[lo:hi]), place.doc[lo:hi].text, "collective"
        if lemma in verbs.outlets and not named:
            # «на сайте движения говорится»: the body the site belongs to, named before
            owner = next((c for c in place.children if c.dep_ == "nmod" and c.i > place.i
                          and norm(c.lemma_) in verbs.bodies), None)
            if owner is not None:
                m = self._nearest_body(owner, norm(owner.lemma_), verbs.bodies[norm(
                    owner.lemma_)])
                if m is not None:
                    return m.actor, place.doc[lo:hi].text, "title"
                olo, ohi = _contiguous_subtree(owner)
                return (_phrase_name(place.doc[olo:ohi]), place.doc[lo:hi].text,
                        "collective")
            # «адрес его сайта — troika-gorod.ru. Как указано на этом сайте, …»: the website
            # named by its domain in this sentence or the two before
            start = sentence_back(place, 2).start_char
            sites = list(_DOMAIN_IN_TEXT.finditer(self._text, start, place.idx))
            if owner is None and sites:
                return sites[-1].group(0).lower(), place.doc[lo:hi].text, "title"
        if lemma in verbs.spokespersons:
            body = next((c for c in place.children if c.dep_ == "nmod" and c.i > place.i
                         and c.pos_ in {"NOUN", "PROPN"}), None)
            if body is not None:
                lo, hi = _contiguous_subtree(body)
                # «в приемной администрации «Медузе» сообщили»: not whom it was told
                told = [c for c in body.children if c.i > body.i and self._dative(c)]
                if told:
                    hi = min(hi, min(x.i for x in told[0].subtree))
                    if place.doc[hi - 1].text in OPEN:
                        hi -= 1
                own = self._mention_at(body.i)
                own = own if own is not None and own.tok_start == body.i else None
                if own is not None:
                    return own.actor, own.text, "descriptor"
                return _phrase_name(place.doc[lo:hi]), place.doc[lo:hi].text, "descriptor"
            if not any(c.dep_ in {"nmod", "appos", "amod"} for c in place.children):
                # «— добавляют в пресс-службе»: the press service of the body named before
                m = self._nearest_body(place, lemma, "organisation")
                if m is not None:
                    return m.actor, place.text, "descriptor"
        if lemma == "телефон":
            # «по телефонам двух других компаний … сообщили»: those the phones belong to
            owner = next((c for c in place.children if c.dep_ == "nmod" and c.i > place.i
                          and norm(c.lemma_) in verbs.bodies), None)
            if owner is not None and owner.morph.get("Number") == ["Plur"]:
                return norm(owner.lemma_), place.doc[lo:hi].text, "collective"
        return self._resolve(place, place.doc, mentions, inside, (lo, hi) if told else None)

    def _about_this(self, t, subj, sent, vtype: str, doc, mentions, inside, in_quote):
        """«… . Об этом заявил замглавы МИДа Григорий Карасин.»: the sentence before, in the
        same paragraph and outside quotes, is what the subject said."""
        if sent.start == 0:
            return None
        prev = doc[sent.start - 1].sent
        text = self._text
        a, b = prev.start_char, _sent_end(prev)
        if "\n" in text[a:sent.start_char] or any(in_quote(x) for x in prev) or any(
                a < qe and qs < b for qs, qe in inside):
            return None
        while b > a and text[b - 1] in " .":
            b -= 1
        if b - a < 3:
            return None
        speaker, surface, res = self._resolve(subj, doc, mentions, inside)
        return Quote("", 0, "indirect", a, b, text[a:b], speaker, surface, res, t.text,
                     self.verbs.marked_type(t, vtype))


_DASHES = frozenset({"—", "–"})


def _phrase_end(toks, k: int):
    """The token that ends the phrase of «по словам X, …» (``toks[k]`` is «по»): the first
    comma, or a dash before it — outside guillemets («координатора «Вольного дела — Юг»»),
    when the cue is not itself after a dash («— по данным опроса — большинство …», an aside)
    and the phrase does not open with a preposition («по данным на февраль …»)."""
    depth = 0
    dash_ok = not (k and toks[k - 1].text in _DASHES) and k + 2 < len(toks) and (
        toks[k + 2].pos_ != "ADP")
    for x in toks[k + 2:]:
        if x.text == ",":
            return x
        if x.text in OPEN:
            depth += 1
        elif x.text in CLOSE:
            depth = max(0, depth - 1)
        elif x.text in _DASHES and depth == 0 and dash_ok:
            return x
    return None


def _colon_before(text: str, a: int) -> int:
    """The offset of the colon right before the quote that opens at ``a`` (quote marks and
    spaces between them skipped), else -1.

    >>> _colon_before('Он сказал: «Да»', 12), _colon_before('Он сказал «Да»', 11)
    (9, -1)
    """
    k = a - 1
    while k >= 0 and text[k] in OPEN + '"':
        k -= 1
    while k >= 0 and text[k] == " ":
        k -= 1
    return k if k >= 0 and text[k] == ":" else -1


def _quoted_name_role(doc, a: int, b: int, verb) -> bool:
    """The short quote ``text[a:b]`` stands where a name does: it is a subject («его «Новая
    газета» называет …») or hangs on the noun before it («группы «1520»») — unless that noun
    is what ``verb`` names («называли фонтан «китчем»», «охарактеризовали инициативу как
    «вмешательство»»: the parser hangs the naming on the object too)."""
    s, e = _tok_range(doc, a, b)
    if s >= e:
        return False
    root = next((t for t in doc[s:e] if not s <= t.head.i < e or t.head.i == t.i), None)
    if root is None:
        return False
    if root.dep_ in {"nsubj", "nsubj:pass"}:
        return True
    if not (root.dep_ in {"appos", "flat", "flat:name", "flat:foreign"}
            and root.head.pos_ == "NOUN" and root.head.i < s):
        return False
    noun = root.head
    while noun.dep_ == "conj" and noun.head.i != noun.i:  # «… «нежность», а недостатком — «…»»
        noun = noun.head
    return noun.head.i != verb.i  # the named object hangs on the verb itself


def _crossing_subject(verb):
    """A subject right before ``verb`` that the parser hung on a later verb: «сотрудники
    «Роснефти», работающие на месторождениях, писали, что … начал …» (the subject of
    «писали», taken for that of «начал»).  Its phrase must end just before the verb (commas
    aside, and adverbs: «арабы столь же твердо заявляют, что …», and a gerund's clause:
    «агентство ТАСС, ссылаясь на свои источники, написало»), and its head must lie after the
    verb — or before a colon or semicolon before it, the subject agreeing with the verb in
    number («всплывали в суде: несколько подсудимых на допросах заявили»)."""
    if verb.pos_ != "VERB" or verb.morph.get("VerbForm") == ["Part"]:
        return None  # «все сказанное»: a participle has no subject of its own
    sent_start = verb.sent.start
    doc = verb.doc
    k = verb.i - 1
    while k >= sent_start and (doc[k].is_punct or doc[k].pos_ in {"ADV", "PART"}):
        k -= 1
    if k < sent_start:
        return None
    node = doc[k]
    gerund = next((a for a in [node, *node.ancestors] if a.morph.get("VerbForm") == ["Conv"]
                   and a.i < verb.i and a.sent.start == sent_start), None)
    if gerund is not None:
        # the clause's commas hang on the gerund: from its first word
        k = next(x.i for x in gerund.subtree if not x.is_punct) - 1
        if k <= sent_start or doc[k].text != ",":
            return None
        k -= 1  # before the gerund's clause and its comma
        node = doc[k]
    if node.pos_ == "PRON" and any(not x.is_punct for x in verb.doc[k + 1:verb.i]):
        return None  # past adverbs, a noun only («мы ещё, конечно, ожидаем»: a speaker's own)
    for _ in range(8):  # up from the word before the verb to its phrase's head
        if node.dep_ in {"nsubj", "nsubj:pass"}:
            if node.head.i > verb.i and max(x.i for x in node.subtree) < verb.i:
                return node
            if node.head.i < node.i and any(x.text in {":", ";"} for x in doc[
                    node.head.i:node.i]) and node.morph.get("Number") == verb.morph.get(
                    "Number") and not any(x.text in {":", ";"} for x in doc[node.i:verb.i]):
                return node
            return None
        if node.head.i == node.i or node.head.i >= verb.i:
            return None
        node = node.head
    return None


def _animate_subject_between(verb, subj):
    """A person's subject between a thing the parse made the reporting verb's subject and the
    verb, with no finite verb between it and the verb («Его роль остается неопределенной, но
    пресс-секретарь Дмитрий Песков, комментируя …, заявил»: Песков, not «роль»); else None."""
    if subj.i >= verb.i or subj.pos_ != "NOUN" or subj.morph.get("Animacy") != ["Inan"]:
        return None
    for t in reversed(verb.doc[subj.i + 1:verb.i]):
        if t.pos_ in {"VERB", "AUX"} and t.morph.get("VerbForm") == ["Fin"]:
            return None
        if t.pos_ in {"PRON", "DET"} and t.dep_ in {"nsubj", "nsubj:pass"}:
            return None  # «…, который, общаясь с читателями, отметил»: the relative's own
        if t.dep_ == "nsubj" and t.morph.get("Case") == ["Nom"] and (
                t.morph.get("Animacy") == ["Anim"] or t.pos_ == "PROPN"):
            return t
    return None


def _governing_subject(verb):
    """The subject a reporting verb shares with the verb it hangs from: a gerund («…
    перевернул ситуацию, заявив, что …») or a subordinate clause without its own
    («организации выступают за запрет, поскольку считают, что …»)."""
    if verb.dep_ in {"advcl", "conj"} and verb.head.i != verb.i and (
            verb.morph.get("VerbForm") == ["Conv"] or verb.dep_ == "advcl"):
        return _subject(verb.head)
    return None


def _quoted_name(tok, inside: list[tuple[int, int]]) -> bool:
    """``tok`` is in a quote that is a short name («Коммерсант», «Новая газета»: at most
    three words, capitalised), not in reported speech."""
    text = doc_text(tok.doc)
    for qs, qe in inside:
        if qs <= tok.idx < qe:
            words = text[qs:qe].split()
            return 0 < len(words) <= 3 and words[0][:1].isupper()
    return False


_BOTH = {"оба", "обе"}
# «рассказывает, что известно / что произошло»: an indirect question after «что», not a claim
_WHAT_HAPPENED = {"известно", "произошло", "случилось", "происходит"}
# modifiers that keep a body noun a reference back («эта компания», «сама клиника»)
_DETERMINERS = {"этот", "тот", "данный", "сам", "весь", "свой", "указанный", "названный"}


def _from_body(head, in_phrase: Sequence):
    """An organisation the people of a plural noun come from, named in its phrase with «из»
    («оппоненты президента из Народной партии», «аналитики из Сбербанка»): they speak for
    it; else None."""
    doc = head.doc
    for m in in_phrase:
        root = doc[m.tok_start:m.tok_end].root
        if m.actor_type == "organisation" and root.dep_ == "nmod" and root.head.i == head.i and (
                any(c.dep_ == "case" and c.lower_ == "из" for c in root.children)):
            return m
    return None


def _name_like(word: str) -> bool:
    """``word`` can be a name, not a capitalised verb form the tagger took for one
    («Оговариваясь, что …, Коплин отмечает»).

    >>> _name_like("Косачев"), _name_like("Оговариваясь")
    (True, False)
    """
    from .actors import name_like
    from .lemmas import Lemmatizer

    return name_like(word, Lemmatizer.shared().morph)


def _word_before(doc, i: int) -> str:
    """The lemma of the last word before token ``i``, quote marks skipped («компания
    «Теомедиа»» → «компания»), else ""."""
    k = i - 1
    while k >= 0 and doc[k].is_punct and doc[k].text in OPEN + CLOSE + '"':
        k -= 1
    return norm(doc[k].lemma_) if k >= 0 else ""


def _described(head) -> bool:
    """A body noun with its own description («европейское антимонопольное ведомство», «сторона
    обвинения», «сервис 2Gis») names a body of its own, not one named before; after a
    preposition («говоря о компании») it is no speaker at all."""
    return any((c.dep_ == "amod" and norm(c.lemma_) not in _DETERMINERS) or c.dep_ in {
        "nmod", "case", "appos", "flat", "flat:foreign", "flat:name"} for c in head.children)


def _in_clause_of(tok, head) -> bool:
    """``tok`` hangs from ``head`` through a clause («чиновник, наблюдавший за переговорами
    при посредничестве госсекретаря Уоррена Кристофера»): whom the phrase speaks of, not who
    it names."""
    t = tok
    for _ in range(12):
        if t.i == head.i or t.head.i == t.i:
            return False
        if t.i != tok.i and t.pos_ in {"VERB", "AUX"}:
            return True
        t = t.head
    return False


def _another(head) -> bool:
    """A person noun that introduces someone new and unnamed: «еще один (его) коллега»,
    «другой сотрудник», «представитель одной из компаний» — not whoever was named before with
    that noun."""
    if head.pos_ != "NOUN" or head.morph.get("Animacy") != ["Anim"]:
        return False
    for c in head.children:
        if c.dep_ == "nmod" and norm(c.lemma_) in {"один", "одна"} and any(
                g.dep_ == "nmod" and any(x.lower_ == "из" for x in g.children)
                for g in c.children):
            return True  # «представитель одной из компаний», «сотрудник одного из банков»
        if c.dep_ not in {"amod", "det", "nummod"}:
            continue
        lemma = norm(c.lemma_)
        if (lemma == "другой" and head.morph.get("Number") != ["Plur"]) or (
                lemma == "один" and any(norm(g.lemma_) == "еще" for g in c.children)):
            return True  # («другие ритейлеры»: a group, a collective)
        if lemma == "один" and c.i < head.i and c.i == min(x.i for x in head.subtree) and (
                head.morph.get("Number") != ["Plur"]):
            return True  # «Один бывший высокопоставленный американский чиновник рассказал»
    return False


def _animate_noun(tok) -> bool:
    """A singular common noun for a person («соратник», «кузина»), not a pronoun or name."""
    return (tok.pos_ == "NOUN" and tok.morph.get("Animacy") == ["Anim"]
            and tok.morph.get("Number") != ["Plur"]
            and (tok.text[:1].islower() or tok.i == tok.sent.start))


def _animate_plural(tok) -> bool:
    """A plural common noun for people («читатели», «сторонники»), not a pronoun or name."""
    return (tok.pos_ == "NOUN" and tok.morph.get("Animacy") == ["Anim"]
            and tok.morph.get("Number") == ["Plur"])


def _possessor(m, head, doc) -> bool:
    """The mention ``m`` is whose ``head`` is («кузина Пастернака», «помощник президента РФ»),
    not its name: a genitive hanging from the noun (no preposition; the tagger often reads an
    animate genitive as accusative)."""
    root = doc[m.tok_start:m.tok_end].root
    return root.dep_ == "nmod" and root.head.i == head.i and root.morph.get("Case") in (
        ["Gen"], ["Acc"]) and not any(c.dep_ == "case" for c in root.children)


def _speaker_gender(head) -> list | None:
    """The speaker's gender as the words tell it: a feminine noun («пенсионерка»), else the
    past-tense verb the noun is the subject of («— отметила представитель», «мужчина
    сказал»); else None."""
    if head.morph.get("Animacy") == ["Inan"]:
        return None  # «пресс-служба сообщила»: the verb agrees with the noun, not a person
    if head.morph.get("Gender") == ["Fem"]:
        return ["Fem"]
    if head.dep_ in {"nsubj", "nsubj:pass"} and head.head.morph.get("Number") != ["Plur"]:
        g = head.head.morph.get("Gender")
        if g in (["Fem"], ["Masc"]):
            return g
    return None


_SOME_OF = {"один", "одна", "одно", "некоторый", "кто-то", "кто-нибудь", "многие", "часть"}
# a part of a group of people that speaks as the group («часть депутатов», «большинство
# опрошенных экспертов»)
_PART_OF = {"часть", "большинство", "половина", "треть", "группа", "ряд", "меньшинство"}
_APPOSITION = {"appos", "flat", "flat:name", "flat:foreign"}
_SUBJECT_LIKE = {"nsubj", "nsubj:pass"} | _APPOSITION


def _cited(verb, verbs: ReportingVerbs):
    """Who is cited by «цитирует X Y», «передает X слова Y», «приводит X заявление Y»: Y (the
    object — a name or a noun for a person — or the owner of «слова/заявление»), not X the
    outlet that cites; None if the verb cites no one.  Objects that are words without an
    owner («приводит данные») and inanimate things are left alone.  The verbs and the nouns
    for words are ``citing_verbs`` and ``cited_words`` of the reporting-verbs file."""
    if norm(verb.lemma_) not in verbs.citing:
        return None
    # (the parse may take the object for a second subject: «цитирует «Лента.ру»
    # пресс-секретаря Людмилу Зенькович»; not in the nominative, it is no subject)
    for obj in (c for c in verb.children if c.dep_ == "obj" or (
            c.dep_ == "nsubj" and c.morph.get("Case") in (["Acc"], ["Gen"]))):
        if norm(obj.lemma_) in verbs.cited_words or norm(obj.lemma_) in verbs.documents:
            # («цитирует NEWSru.com поручение президента»: whose document it is)
            owner = next((c for c in obj.children if c.dep_ == "nmod"), None)
            if owner is not None and owner.pos_ in {"PROPN", "NOUN"}:
                return owner
        elif obj.pos_ == "PROPN" and obj.morph.get("Animacy") != ["Inan"]:
            return obj
        elif obj.pos_ == "NOUN" and obj.morph.get("Animacy") == ["Anim"]:
            return obj  # «цитирует infox.ru директора по стратегии Philips Елену Сябренко»
    # the object the parse hung on the outlet as its genitive («цитирует РБК президента
    # «Сколково» Виктора Вексельберга»: «президента» under «РБК»)
    for outlet in (c for c in verb.children if c.dep_ in {"iobj", "nsubj"} and c.i > verb.i):
        for g in outlet.children:
            if g.dep_ == "nmod" and g.i == outlet.i + 1 and g.morph.get("Case") in (
                    ["Acc"], ["Gen"]) and ((g.pos_ == "NOUN" and g.morph.get("Animacy") == [
                        "Anim"]) or (g.pos_ == "PROPN" and g.morph.get("Animacy") != ["Inan"])):
                return g
    return None


def _attributed_to(tok, attribution) -> bool:
    """``tok`` names the holder of «по словам/мнению …» («по мнению сопредседателя профсоюза
    Михаила Лобанова»): up through nmod/appos links to an attribution noun after «по»."""
    for _ in range(4):
        if tok.dep_ not in {"nmod", "appos", "flat", "flat:name"} or tok.head.i == tok.i:
            return False
        tok = tok.head
        if norm(tok.lemma_) in attribution and tok.i > 0 and tok.nbor(-1).lower_ == "по":
            return True
    return False


def _clause_break(tokens) -> bool:
    """A colon, semicolon or dash among ``tokens`` outside guillemets (not the dash of a
    name: «в филиале парка «Россия — моя история» заявили»)."""
    depth = 0
    for x in tokens:
        if x.text == "«":
            depth += 1
        elif x.text == "»":
            depth = max(0, depth - 1)
        elif depth == 0 and x.text in {":", ";", "—", "–"}:
            return True
    return False


#: generic heads of a body that stand for one another («лидер ЛДПР Владимир Жириновский … по
#: данным главы либерал-демократов»)
_LEADERS = ("глава", "лидер", "руководитель")
#: outlet nouns of the press: the organisation they refer back to is a medium
_PRESS = frozenset({"издание", "газета", "агентство", "журнал"})
#: nouns of people who write for a medium («корреспонденты РБК»)
_JOURNALISTS = frozenset({"корреспондент", "журналист", "редактор", "обозреватель", "колумнист",
                          "редакция", "автор"})


def _participle_noun(tok) -> str:
    """The masculine singular nominative of a plural participle standing for people
    («протестующие» → «протестующий»), else the word lowercased."""
    from .lemmas import Lemmatizer

    for p in Lemmatizer.shared().morph.parse(tok.text.lower()):
        if "PRTF" in p.tag and "plur" in p.tag:
            form = p.inflect({"sing", "nomn", "masc"})
            if form is not None:
                return form.word
    return tok.text.lower()


def _phrase_name(span) -> str:
    """The nominative name of a body the NER missed («Центризбиркоме Монголии» →
    «Центризбирком Монголии»)."""
    from .actors import normal_form
    from .lemmas import Lemmatizer

    return normal_form(span, Lemmatizer.shared())


def _contiguous_subtree(head) -> tuple[int, int]:
    """Token range of ``head``'s subtree around it, stopping at the first gap: a mis-attached
    token far away (a comma, a clause of the reported content) does not stretch the phrase.

    >>> from spacy.tokens import Doc
    >>> from spacy.vocab import Vocab
    >>> d = Doc(Vocab(), words=["эксперт", "из", "Москвы", "сказал", ",", "что"],
    ...         heads=[3, 2, 0, 3, 0, 3], deps=["nsubj", "case", "nmod", "ROOT", "punct", "mark"])
    >>> _contiguous_subtree(d[0])
    (0, 3)
    """
    ids = {t.i for t in head.subtree}
    lo = hi = head.i
    while lo - 1 in ids:
        lo -= 1
    while hi + 1 in ids:
        hi += 1
    return lo, hi + 1


def _attached(tok, head, deps: set[str]) -> bool:
    """``tok`` is ``head`` or hangs from it through ``deps`` links only."""
    seen = 0
    while tok.i != head.i and seen < 8:
        if tok.dep_ not in deps or tok.head.i == tok.i:
            return False
        tok = tok.head
        seen += 1
    return tok.i == head.i


def _closest(persons: list, head, doc):
    """The person mention nearest to ``head`` in the tree (its own name, an apposition), the
    later one on a tie («помощник Путина Юрий Ушаков» → Ушаков); a name inside a clause that
    qualifies the head («Адвокат Сердюк, представляющий интересы Януковича») ranks after it."""
    def depth(m) -> int:
        tok, d = doc[m.tok_start:m.tok_end].root, 0
        # a possessor of the head («полпред президента РФ Виктор Ишаев», «помощник Путина
        # Юрий Ушаков») is whose the speaker is, not the speaker: it ranks after the others
        penalty = 20 if tok.dep_ == "nmod" and tok.head.i == head.i else 0
        while tok.i != head.i and tok.head.i != tok.i and d < 12:
            tok, d = tok.head, d + 1
        return (d + penalty) if tok.i == head.i else 99

    best = min(depth(m) for m in persons)
    return [m for m in persons if depth(m) == best][-1]


def _embedded_name(doc, a: int, b: int, text: str) -> bool:
    """A short capitalised «…» that is an argument of the clause before it («вышел «Крым»»,
    «компании «Гриндор»», «оплачивал «Российский фонд мира»») names something; a quote that
    is speech hangs from the verb after it («Хорошо», — сказал он).

    >>> from spacy.tokens import Doc
    >>> from spacy.vocab import Vocab
    >>> w = ["вышел", "«", "Крым", "»", "—", "фильм"]
    >>> d = Doc(Vocab(), words=w, spaces=[True, False, False, True, True, False],
    ...         heads=[0, 2, 0, 2, 5, 0],
    ...         deps=["ROOT", "punct", "nsubj", "punct", "punct", "appos"])
    >>> _embedded_name(d, 7, 11, d.text)
    True
    """
    if len(text[a:b].split()) > 4 or not text[a:a + 1].isupper():
        return False
    s, e = _tok_range(doc, a, b)
    for t in doc[s:e]:
        if not (s <= t.head.i < e) and t.head.i != t.i:
            return t.head.i < s
    return False


def _phrase_head(tokens, genitive: bool = False):
    """The first token of ``tokens`` whose head is outside them; with ``genitive`` (the
    holder of «по словам X»), the first such noun in the genitive when the parse splits the
    phrase («по данным принадлежащей бизнесмену группы СКМ»: «группы», not «бизнесмену»)."""
    ids = {t.i for t in tokens}
    roots = [t for t in tokens if t.head.i not in ids or t.head.i == t.i]
    if genitive and len(roots) > 1:
        gen = [t for t in roots if t.pos_ in {"NOUN", "PROPN"} and t.morph.get("Case") == ["Gen"]]
        if gen:
            return gen[0]
    return roots[0] if roots else tokens[0]


def _sent_end(sent) -> int:
    toks = [t for t in sent if not t.is_space]
    last = toks[-1]
    if last.text in {".", "!", "?", "…"} and len(toks) > 1:
        return toks[-2].idx + len(toks[-2].text) if toks[-2].text not in "»" else last.idx
    return last.idx + len(last.text)


def _is_parenthetical(verb, toks) -> bool:
    """A verb in a comma- or dash-delimited insertion, or after «как»."""
    k = [t.i for t in toks].index(verb.i)
    prev = toks[k - 1] if k > 0 else None
    if prev is not None and prev.lower_ == "как":
        return True
    return prev is not None and prev.text in {",", "—", "–"}


def _clause_bounds(verb, subj, toks) -> tuple[int, int]:
    """Token range of a parenthetical reporting clause, including «как» and the subject."""
    ids = [t.i for t in toks]
    k = ids.index(verb.i)
    lo = verb.i
    if k > 0 and toks[k - 1].lower_ == "как":
        lo = toks[k - 1].i
    hi = max(x.i for x in subj.subtree) + 1
    for t in toks:
        if t.i >= hi and t.text in {",", ".", "—", "–", "!", "?"}:
            hi = t.i
            break
    return lo, hi


# an interrupting clause « — …» (a name in guillemets may be in it: «— говорит президент фонда
# «Предание» Иван Петров, —») and its closing « , — » (a lookahead, so that it can open the
# next stretch)
_CLAUSE_OPEN = re.compile(
    r"[,.!?]?\s+[—–]\s+((?:[^«»—–]|«[^«»—–]{1,60}»){3,200}?)(?=[.,]\s+[—–]\s+)")
_CLAUSE_CLOSE = re.compile(r"[.,]\s+[—–]\s+")
_CLAUSE_OPEN_DASHED = re.compile(
    r"[,.!?]?\s+[—–]\s+((?:[^«»—–?!]|«[^«»—–]{1,60}»){3,60}?\s+[—–]\s+"
    r"(?:[^«»—–]|«[^«»—–]{1,60}»){3,200}?)(?=[.,]\s+[—–]\s+)")


#: The most words of an interrupting clause with no reporting verb («— Иванов вздохнул. —»).
_SHORT_CLAUSE = 6


def _split_interrupted(doc, a: int, b: int, text: str, is_reporting=None):
    """«A, — отметил X. — B»: return content parts and the clause's (verb, subject).

    Of the « — … , — » stretches inside the quote, the clause is, in this order of preference:
    the first that opens with a reporting verb (``is_reporting(token)``; after «как» too); the
    first that opens with any finite verb with its subject after it («— продолжает он. —», «—
    рассуждает X. —»); the first whose words include a reporting verb; the first that opens
    with any other finite verb («— хотят помочь, —»); the first with any verb, in at most
    :data:`_SHORT_CLAUSE` words.  So a dash inside the
    content («… — тот самый сбор, который …, — отмечает Зубанова. — …», «— а касалось их, как
    они считали, …, — рассуждает Мовчан. —») is not the clause; nor is an infinitive («— но
    нужно сказать, что …, —», «— к чему можно придраться, —»)."""
    closing = _CLAUSE_CLOSE
    best = None  # (rank, parts, verb, end)
    # after the plain stretches, a clause that holds one dash of its own and opens with a
    # reporting verb («— добавляет Михаил Лебедев — активист группы «…» (…). —»), taken only
    # when no plain stretch opens with a reporting verb
    found_in = [(False, m) for m in _CLAUSE_OPEN.finditer(text, a, b)] + [
        (True, m) for m in _CLAUSE_OPEN_DASHED.finditer(text, a, b)]
    for dashed, m in found_in:
        ca, cb = m.start(1), m.end(1)
        s, e = _tok_range(doc, ca, cb)
        if s >= e:
            continue
        first = doc[s + 1] if doc[s].lower_ == "как" and s + 1 < e else doc[s]
        verbs = [t for t in doc[s:e] if t.pos_ in {"VERB", "ADJ", "AUX"}
                 and t.morph.get("VerbForm") != ["Inf"]]
        reporting = [t for t in verbs if is_reporting is not None and is_reporting(t)]
        finite = first.pos_ == "VERB" and first.morph.get("VerbForm") == ["Fin"]
        if reporting and reporting[0].i == first.i:
            found = (0, reporting[0])
        elif finite:
            # «— приводит он пример. —» (its subject after it) over «— хотят помочь, —» (the
            # speaker's words between dashes)
            found = (1 if any(c.dep_ in {"nsubj", "nsubj:pass"} and first.i < c.i < e
                              for c in first.children) else 2.5, first)
        elif reporting:
            found = (2, reporting[0])
        elif sum(not t.is_punct for t in doc[s:e]) <= _SHORT_CLAUSE:
            verb = next((t for t in verbs if t.pos_ == "VERB"), None)
            found = (3, verb) if verb is not None else None
        else:  # a long stretch without a reporting verb is content between dashes («…
            found = None  # Церковь – как институт … – уже давно увязла в политике, … – это …»)
        if dashed and (found is None or found[0] != 0):
            continue
        if found is not None and (best is None or found[0] < best[0]):
            parts = [(a, m.start()), (closing.match(text, cb).end(), b)]
            best = (found[0], parts, found[1], e)
            if found[0] == 0:
                break
    if best is None:
        return [(a, b)], None
    _, parts, verb, e = best
    return parts, (verb, _clause_subject(verb, doc, e))


def _last_mention_quoted(m, mentions: Sequence, inside: list[tuple[int, int]]) -> bool:
    """The pronoun mention ``m``'s actor was last mentioned before it inside a quote."""
    last = max((o.start for o in mentions if o.actor == m.actor and o.start < m.start),
               default=-1)
    return last >= 0 and any(a <= last < b for a, b in inside)


def _short_name_in_guillemets(doc, k: int, end: int) -> int:
    """Past the closing guillemet when ``doc[k]`` opens a short capitalised name («Медузе»,
    «Коммерсанту»: at most three words) that closes before ``end``; else 0.

    >>> from spacy.lang.ru import Russian
    >>> doc = Russian().make_doc("заявил « Медузе » глава")
    >>> _short_name_in_guillemets(doc, 1, 5), _short_name_in_guillemets(doc, 0, 5)
    (4, 0)
    """
    if doc[k].text not in OPEN or k + 1 >= end or not doc[k + 1].text[:1].isupper():
        return 0
    for j in range(k + 2, min(end, k + 5)):
        if doc[j].text in CLOSE:
            return j + 1
        if doc[j].text in OPEN or doc[j].is_punct:
            return 0
    return 0


def _document_obl(verb, documents) -> object | None:
    """The document a verb with no subject reports from: «указано в документации», «сказано
    в отчете» (an ``obl`` noun of :attr:`ReportingVerbs.documents` after «в»), else None."""
    for c in verb.children:
        if c.dep_ == "obl" and norm(c.lemma_) in documents and any(
                g.dep_ == "case" and g.lower_ in {"в", "во"} for g in c.children):
            return c
    return None


def _clause_subject(verb, doc, end: int):
    subj = _subject(verb)
    if subj is None and verb.morph.get("VerbForm") == ["Conv"]:
        # «— глава ТПП Алан Алборов, говоря о компании, переходит на шепот. —»: the gerund's
        # doer is the subject of its verb
        subj = _subject(verb.head)
    return _noun_after(doc, verb.i, end) if subj is None else subj


def _noun_after(doc, verb: int, end: int):
    """The subject a parse missed in a reporting clause: the first nominative noun after the
    verb («— заявил в преддверии переговоров главный врач Онищенко», «— объясняет карьеру
    Морозовой знакомый с ней музейный работник. —»: not its object), else the first noun
    that is not whom it was told («— заявили «Медузе» в пресс-службе»)."""
    nouns = [x for x in doc[verb + 1:end] if x.pos_ in {"PROPN", "NOUN", "PRON"}
             and x.morph.get("Case") != ["Dat"]]
    return next((x for x in nouns if x.morph.get("Case") == ["Nom"]), nouns[0] if nouns else None)


def quote_at(quotes: Sequence[Quote], offset: int) -> Quote | None:
    """The innermost quote containing the character ``offset``, else None."""
    best = None
    for q in quotes:
        if q.start <= offset < q.end and (best is None or q.end - q.start < best.end - best.start):
            best = q
    return best


def speaker_at(quotes: Sequence[Quote], offset: int) -> str:
    """The speaker whose quote contains ``offset`` (innermost), else ``AUTHOR``."""
    best = quote_at(quotes, offset)
    if best is None:
        return "AUTHOR"
    return best.speaker or "UNATTRIBUTED"
