"""slovnet's morphology, syntax and NER models run by a lean executor over the same weights.

slovnet's own API (``slovnet.Morph`` …) wraps every token in ``Record`` objects, decodes every
morphology tag with ``parse_conll_tag``, re-tokenises every NER text and runs each convolution
through ``np.pad`` and a strided im2col copy.  :class:`SlovnetExec` does the same arithmetic —
the same numpy and BLAS calls on arrays of the same shapes and values, so the scores are equal
bit for bit — with less around it:

* words are encoded through a per-word memo of (word id, shape id), and their navec vectors
  copied from a table filled once per word; morphology and syntax share one encoding of a
  batch (same sentences, same batches, same vocabularies and embeddings);
* the im2col matrix of a convolution is filled from a channels-last array by ``kernel`` slice
  copies (no ``np.pad``, no transposed copies); ReLU, batch norm and masking run in place;
* a morphology tag id decodes once into ``(pos, feats string)``; NER tags become spans without
  markup objects; the CRF's Viterbi pass picks the best previous tag with one gather per step;
* NER takes the tokens of a text from the caller (``framing.nlp`` reuses its sentences' tokens
  where razdel would tokenise the whole text into the same words, see
  :func:`framing.razdel_tokens.joinable_sentences`).

``tests/test_nlp.py`` checks the results against slovnet's API on tricky texts and
(slow-marked) on 300 news articles.
"""

from __future__ import annotations

import numpy as np

#: A token's morphology: slovnet's UD POS and the UD feats string.
Morph = tuple[str, str]


def _tag_table(items: list[str]) -> list[Morph]:
    """``(pos, feats)`` of every morphology tag as ``framing.nlp`` reads them: slovnet's
    ``parse_conll_tag``, then the feats sorted by name and joined with ``|``.

    >>> _tag_table(["<pad>", "NOUN|Case=Nom|Animacy=Inan", "PUNCT", ""])
    [('<pad>', ''), ('NOUN', 'Animacy=Inan|Case=Nom'), ('PUNCT', ''), ('', '')]
    """
    from slovnet.conll import parse_conll_tag

    out = []
    for tag in items:
        pos, feats = parse_conll_tag(tag)
        out.append((pos, "|".join(f"{k}={v}" for k, v in sorted(feats.items()))))
    return out


def _bio_table(items: list[str]) -> list[tuple[str, str | None]]:
    """slovnet's ``parse_bio`` of every NER tag id."""
    from slovnet.bio import parse_bio

    return [parse_bio(t) for t in items]


class _Encoder:
    """Word → (word id, shape id) as slovnet's ``WordShapeEncoder.item``, memoised per word."""

    def __init__(self, words_vocab, shapes_vocab) -> None:
        self.words = words_vocab
        self.shapes = shapes_vocab
        self.memo: dict[str, tuple[int, int]] = {}

    def ids(self, word: str) -> tuple[int, int]:
        from slovnet.shape import word_shape

        got = self.memo.get(word)
        if got is None:
            got = (self.words.encode(word.lower()), self.shapes.encode(word_shape(word)))
            if len(self.memo) < 200_000:
                self.memo[word] = got
        return got

    def batch(self, items: list[list[str]]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``word_id``, ``shape_id`` and ``pad_mask`` exactly as slovnet's ``input``
        (``pad_sequence``: padded to the longest item with the vocabularies' pad ids)."""
        size = max(len(it) for it in items)
        word_id = np.full((len(items), size), self.words.pad_id)
        shape_id = np.full((len(items), size), self.shapes.pad_id)
        memo = self.memo
        for i, words in enumerate(items):
            if words:
                pairs = [memo.get(w) or self.ids(w) for w in words]
                word_id[i, :len(words)] = [p[0] for p in pairs]
                shape_id[i, :len(words)] = [p[1] for p in pairs]
        return word_id, shape_id, word_id == self.words.pad_id


class _WordVectors:
    """navec's vectors of word ids (slovnet's ``NavecEmbedding``: a product-quantised lookup,
    ~100 small gathers per word) copied from a table filled once per word id, for up to
    ``capacity`` distinct words; the rest are looked up as slovnet does.  The same floats."""

    def __init__(self, navec_emb, capacity: int = 16384) -> None:
        self.emb = navec_emb
        self.slot = np.full(navec_emb.indexes.array.shape[0], -1, dtype=np.int64)
        self.table = np.empty((capacity, navec_emb.dim), dtype=navec_emb.codes.array.dtype)
        self.used = 0

    def __call__(self, word_id: np.ndarray) -> np.ndarray:
        flat = word_id.reshape(-1)
        rows = self.slot[flat]
        miss = rows < 0
        if miss.any():
            new = np.unique(flat[miss])
            take = new[:len(self.table) - self.used]
            if len(take):
                self.table[self.used:self.used + len(take)] = self.emb(take)
                self.slot[take] = np.arange(self.used, self.used + len(take))
                self.used += len(take)
                rows = self.slot[flat]
                miss = rows < 0
        out = self.table[rows]
        if miss.any():  # the table is full
            out[miss] = self.emb(flat[miss])
        return out.reshape(*word_id.shape, self.emb.dim)


class _Layer:
    """One ``CNNEncoderLayer`` (conv → ReLU → batch norm) on channels-last arrays."""

    def __init__(self, layer) -> None:
        conv, norm = layer.conv, layer.norm
        filters, in_dim, kernel = conv.weight.shape
        self.kernel, self.padding = kernel, conv.padding
        # slovnet's own view of the weight: (filters, in * kernel), transposed in the matmul
        self.weight_t = conv.weight.array.reshape(filters, in_dim * kernel).T
        self.bias = conv.bias.array
        self.mean, self.std = norm.mean.array, norm.std.array
        self.scale, self.shift = norm.weight.array, norm.bias.array
        self.filters = filters

    def __call__(self, x: np.ndarray, pad_mask: np.ndarray, any_pad: bool) -> np.ndarray:
        batch, seq, in_dim = x.shape
        k, p = self.kernel, self.padding
        windows = seq + 2 * p - k + 1
        # im2col in slovnet's order: cols[b, w, c, j] = padded input[b, c, w + j]
        cols = np.empty((batch, windows, in_dim, k), dtype=x.dtype)
        for j in range(k):
            s = j - p  # window w reads position w + s
            lo = min(max(0, -s), windows)
            hi = max(lo, min(windows, seq - s))
            if lo:
                cols[:, :lo, :, j] = 0
            if hi < windows:
                cols[:, hi:, :, j] = 0
            if hi > lo:
                cols[:, lo:hi, :, j] = x[:, lo + s:hi + s, :]
        out = np.matmul(cols.reshape(batch * windows, in_dim * k), self.weight_t)
        out += self.bias
        out = out.reshape(batch, windows, self.filters)
        np.maximum(out, 0, out=out)  # ReLU as slovnet's ``clip(0)``
        out -= self.mean
        out /= self.std
        out *= self.scale
        out += self.shift
        if any_pad:
            out[pad_mask] = 0
        return out


class _Model:
    """Embedding + CNN encoder of one slovnet model, channels-last."""

    def __init__(self, api) -> None:
        self.model = api.infer.model
        self.layers = [_Layer(layer) for layer in self.model.encoder.layers]

    def encode(self, words_emb: np.ndarray, shape_id: np.ndarray,
               pad_mask: np.ndarray) -> np.ndarray:
        x = np.concatenate((words_emb, self.model.emb.shape(shape_id)), axis=-1)
        any_pad = bool(pad_mask.any())
        for layer in self.layers:
            x = layer(x, pad_mask, any_pad)
        return x


def _lengths(pad_mask: np.ndarray) -> list[int]:
    """slovnet's ``split_masked`` sizes: the non-pad count of every row."""
    return (~pad_mask).sum(-1).tolist()


class SlovnetExec:
    """slovnet's Morph, Syntax and NER (loaded ``slovnet`` API objects with navec injected)
    run without slovnet's per-token objects.  Results equal slovnet's for the same batches.

    ``batch_size`` is the API objects' batch size (``framing.nlp._map_by_length`` uses it).
    """

    def __init__(self, morph, syntax, ner) -> None:
        enc = morph.infer.encoder
        for other in (syntax.infer.encoder, ner.infer.encoder):
            if (other.words_vocab.items != enc.words_vocab.items
                    or other.shapes_vocab.items != enc.shapes_vocab.items):
                raise ValueError("slovnet models with different vocabularies")
        self.encoder = _Encoder(enc.words_vocab, enc.shapes_vocab)
        self.batch_size = min(morph.batch_size, syntax.batch_size, ner.batch_size)
        self.morph, self.syntax, self.ner = _Model(morph), _Model(syntax), _Model(ner)
        navec = self.morph.model.emb.word  # shared by the three models
        for m in (self.syntax, self.ner):
            if (m.model.emb.word.indexes.array is not navec.indexes.array
                    or m.model.emb.word.codes.array is not navec.codes.array):
                raise ValueError("slovnet models with different navec embeddings")
        self.word_emb = _WordVectors(navec)
        self.tags = _tag_table(morph.infer.decoder.tags_vocab.items)
        self.rels = list(syntax.infer.decoder.rels_vocab.items)
        self.bio = _bio_table(ner.infer.decoder.tags_vocab.items)

    # -- morphology + syntax ----------------------------------------------------------------
    def morph_syntax(self, items: list[list[str]]) -> list[tuple[list[Morph], list[int],
                                                                  list[str]]]:
        """For each sentence (a list of words): its tokens' ``(pos, feats)``, slovnet's 1-based
        head ids and relations — what ``Morph.map`` and ``Syntax.map`` give for this batch."""
        word_id, shape_id, pad_mask = self.encoder.batch(items)
        emb = self.word_emb(word_id)
        sizes = _lengths(pad_mask)

        x = self.morph.encode(emb, shape_id, pad_mask)
        tag_ids = self.morph.model.head(x).argmax(-1).tolist()

        model = self.syntax.model
        x = self.syntax.encode(emb, shape_id, pad_mask)
        mask = ~pad_mask
        head_id = model.head.decode(model.head(x), mask)
        rel_id = model.rel.decode(model.rel(x, head_id), mask).tolist()
        head_id = head_id.tolist()

        tags, rels = self.tags, self.rels
        out = []
        for i, n in enumerate(sizes):
            out.append(([tags[t] for t in tag_ids[i][:n]], head_id[i][:n],
                        [rels[r] for r in rel_id[i][:n]]))
        return out

    # -- NER ----------------------------------------------------------------------------------
    def ner_spans(self, items: list[list[tuple[int, int, str]]]
                  ) -> list[list[tuple[int, int, str]]]:
        """For each text given as its razdel tokens ``(start, stop, text)``: the entity spans
        ``(start, stop, type)`` that ``NER.map`` finds in it (a batch of texts without
        tokens has none, where slovnet's CRF fails on the empty sequences)."""
        if not any(items):
            return [[] for _ in items]
        word_id, shape_id, pad_mask = self.encoder.batch([[t[2] for t in it] for it in items])
        x = self.ner.encode(self.word_emb(word_id), shape_id, pad_mask)
        emissions = self.ner.model.head(x)
        out = []
        for toks, tag_ids in zip(items, _viterbi(self.ner.model.head.crf.transitions.array,
                                                 emissions, ~pad_mask), strict=True):
            out.append(self._spans(toks, tag_ids))
        return out

    def _spans(self, toks: list[tuple[int, int, str]], tag_ids: list[int]
               ) -> list[tuple[int, int, str]]:
        """slovnet's ``bio_spans`` over the tokens and their tags."""
        spans = []
        previous = None
        start = stop = 0
        bio = self.bio
        for (a, b, _), t in zip(toks, tag_ids, strict=True):
            part, kind = bio[t]
            if part == "O":
                if previous:
                    spans.append((start, stop, previous))
                    previous = None
            elif part == "B":
                if previous:
                    spans.append((start, stop, previous))
                previous, start, stop = kind, a, b
            elif part == "I":
                stop = b
        if previous:
            spans.append((start, stop, previous))
        return spans


def _viterbi(transitions: np.ndarray, emissions: np.ndarray, mask: np.ndarray) -> list[list[int]]:
    """slovnet's ``CRF.decode`` (the same sums in the same order): the best tag path of every
    row of ``emissions`` (batch x seq x tags) over its unmasked positions.

    >>> t = np.array([[0, -5], [-5, 0]], dtype=np.float32)
    >>> e = np.array([[[1, 0], [0, 1], [0, 3]]], dtype=np.float32)
    >>> _viterbi(t, e, np.array([[True, True, False]]))
    [[0, 0]]
    """
    batch, seq, tags = emissions.shape
    em = emissions.swapaxes(1, 0).reshape(seq, batch, 1, tags)  # em[i][b, 0, j]
    mask_t = mask.swapaxes(1, 0)
    keep = mask_t.reshape(seq, batch, 1)
    score = em[0].reshape(batch, tags).copy()
    column = score.reshape(batch, tags, 1)  # a view: score[b, i] as a column
    step = np.empty((batch, tags, tags), dtype=np.result_type(score, transitions, em))
    flat = step.reshape(-1)
    history = []
    # step[b, i, j] is at flat index b*tags*tags + i*tags + j: gather step[b, best[b, j], j]
    base = (np.arange(batch) * (tags * tags)).reshape(batch, 1) + np.arange(tags)
    for index in range(1, seq):
        np.add(column, transitions, out=step)  # slovnet: score + transitions + emissions
        np.add(step, em[index], out=step)
        best = step.argmax(1)
        np.copyto(score, flat[best * tags + base], where=keep[index])
        history.append(best)
    sizes = (mask_t.sum(0) - 1).tolist()
    hist = np.stack(history, axis=1).tolist() if history else [[] for _ in range(batch)]
    last = score.argmax(-1).tolist()
    out = []
    for index in range(batch):
        best_tag = last[index]
        path = [best_tag]
        steps = hist[index]
        for k in range(sizes[index] - 1, -1, -1):
            best_tag = steps[k][best_tag]
            path.append(best_tag)
        path.reverse()
        out.append(path)
    return out
