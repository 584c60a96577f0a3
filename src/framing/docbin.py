"""Writing a Doc as spaCy's ``DocBin`` bytes, faster than ``DocBin`` itself.

The NLP workers store every new Doc (:func:`framing.nlp.load_doc` reads it back).  The bytes
are exactly those of :func:`framing.nlp.save_doc` (``DocBin``), so cached Docs stay valid;
this module is kept apart from :mod:`framing.nlp`, whose code hash keys the Doc cache.
"""

from __future__ import annotations

from pathlib import Path


def save_doc(doc, path: Path) -> None:
    """:func:`framing.nlp.save_doc` (the same bytes), written atomically."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_bytes(doc_bytes(doc))
    tmp.replace(path)


#: The string attributes ``DocBin.add`` stores for every token (besides ``str(token.morph)``).
_STRING_ATTRS = ("ORTH", "TAG", "LEMMA", "NORM", "DEP", "ENT_TYPE", "ENT_KB_ID", "ENT_ID")
_PACKER: list = []


def doc_bytes(doc) -> bytes:
    """The bytes of ``DocBin(store_user_data=True)`` holding ``doc`` — what ``DocBin.add`` and
    ``DocBin.to_bytes`` make, without their two costs per Doc: a Python loop over every token
    for its strings (the distinct string ids of the token array are looked up instead) and a
    msgpack packer built twice (each time scanning the installed packages' entry points).
    Byte-identical to ``DocBin`` (tested)."""
    import zlib

    import numpy as np
    import srsly
    from spacy import attrs as A
    from spacy.tokens import DocBin

    db = DocBin(store_user_data=True)
    array = doc.to_array(db.attrs)
    if len(array.shape) == 1:
        array = array.reshape((array.shape[0], 1))
    spaces = doc.to_array(A.SPACY).reshape((-1, 1))
    strings = doc.vocab.strings
    # the string ids are columns of the token array (DocBin stores every string attribute)
    cols = [db.attrs.index(getattr(A, a)) for a in _STRING_ATTRS]
    found = set(_strings_of(np.unique(array[:, cols]).tolist(), strings))
    empty = doc.vocab.morphology.EMPTY_MORPH  # str() of an empty morphology is "", not "_"
    found.update("" if m == empty else m for m in _strings_of(
        np.unique(array[:, db.attrs.index(A.MORPH)]).tolist(), strings))
    for group in doc.spans.values():
        for span in group:
            found.add(span.label_)
            if span.kb_id in span.doc.vocab.strings:
                found.add(span.kb_id_)
            if span.id in span.doc.vocab.strings:
                found.add(span.id_)
    if not _PACKER:
        _PACKER.append(srsly.msgpack.Packer(use_bin_type=True))
    pack = _PACKER[0].pack
    msg = {
        "version": db.version,
        "attrs": db.attrs,
        "tokens": array.tobytes("C"),
        "spaces": np.asarray(spaces, dtype=bool).tobytes("C"),
        "lengths": np.asarray([len(array)], dtype="int32").tobytes("C"),
        "strings": sorted(found),
        "cats": [doc.cats],
        "flags": [{"has_unknown_spaces": doc.has_unknown_spaces}],
        "span_groups": [doc.spans.to_bytes()],
        "user_data": [pack(doc.user_data)],
    }
    return zlib.compress(pack(msg))


#: string id → string, kept across Docs (an id is the hash of one string); news repeats its
#: words, so most ids of a Doc are known and spaCy's StringStore is asked for the rest
_STRING_OF: dict[int, str] = {}


def _strings_of(ids: list[int], strings) -> list[str]:
    """The strings of ``ids`` (``strings[i]`` for each), through :data:`_STRING_OF`."""
    known = _STRING_OF
    if len(known) > 1_000_000:  # bounded memory on a very large corpus
        known.clear()
    for i in ids:
        if i not in known:
            known[i] = strings[i]
    return [known[i] for i in ids]
