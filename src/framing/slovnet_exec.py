"""slovnet's morphology, syntax and NER models run by a lean executor over the same weights.

slovnet's own API (``slovnet.Morph`` …) wraps every token in ``Record`` objects, decodes every
morphology tag with ``parse_conll_tag``, re-tokenises every NER text and runs each convolution
through ``np.pad`` and a strided im2col copy.  :class:`SlovnetExec` does the same arithmetic
with less around it, except in the first convolution, whose sums it takes in another order:

* the first convolution of each model is linear before its ReLU and its input at a position
  is the token's navec vector and shape embedding, so it is a sum of per-word rows (one per
  kernel offset) kept in a table filled once per word (:class:`_FirstLayers`) — gathers and
  adds instead of ~28 % of the NLP's CPU time.  Its sums round differently from slovnet's
  990-long dot products (~1e-6 relative), so scores differ by float rounding and a label can
  flip only where two candidates tie that closely (measured over the 400 dev articles: 16 of
  366k tokens' heads, no tag, relation or entity).  Every row is computed by the same product
  whatever else is computed with it, so an article's results do not depend on the articles
  annotated before it;
* the other convolutions: the same numpy and BLAS calls on arrays of the same shapes and
  values as slovnet's; the im2col matrix is filled from a channels-last array by ``kernel``
  slice copies (no ``np.pad``, no transposed copies); ReLU, batch norm and masking run in place;
* words are encoded through a per-word memo of (word id, shape id); morphology and syntax
  share one encoding of a batch (same sentences, same batches, same vocabularies and
  embeddings);
* a morphology tag id decodes once into ``(pos, feats string)``; NER tags become spans without
  markup objects; the CRF's Viterbi pass picks the best previous tag with one gather per step;
* NER takes the tokens of a text from the caller (``framing.nlp`` reuses its sentences' tokens
  where razdel would tokenise the whole text into the same words, see
  :func:`framing.razdel_tokens.joinable_sentences`).

``tests/test_nlp.py`` checks the results against slovnet's API on tricky texts (the same
labels, scores within rounding) and (slow-marked) on 300 news articles.
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


def _block_rows(weight: np.ndarray, candidates: tuple[int, ...] = (8, 4, 2)) -> int:
    """The row count of the blocks in which :class:`_FirstLayers` computes ``x @ weight``:
    the first of ``candidates`` for which BLAS gives every row the same bits whatever row
    of the block it is in and whatever the other rows hold (checked here on pseudo-random
    rows, every row at every position); else 1 (one row per product).

    OpenBLAS's kernels for a given shape are fixed, but for some row counts the rows at the
    block's edge go through another kernel (measured: 6, 12, 16 and 32 rows of a 300-column
    product give a row other bits at another position; 8 and 4 do not), and a product of
    one row is a gemv with yet other bits.

    >>> w = np.random.default_rng(0).standard_normal((300, 256)).astype(np.float32)
    >>> _block_rows(w) in (8, 4, 2, 1)
    True
    """
    rng = np.random.default_rng(0)
    for rows in candidates:
        x = rng.standard_normal((rows, weight.shape[0])).astype(weight.dtype)
        base = np.matmul(x, weight)
        other = rng.standard_normal(x.shape).astype(weight.dtype)
        other[::2] = x[::2]  # the same rows in other company
        ok = np.array_equal(np.matmul(other, weight)[::2], base[::2])
        for shift in range(1, rows):  # every row at every position
            ok = ok and np.array_equal(np.matmul(np.roll(x, shift, 0), weight),
                                       np.roll(base, shift, 0))
        if ok:
            return rows
    return 1


class _FirstLayers:
    """The first convolution of several slovnet models as sums of per-token rows.

    Layer 1 is linear before its ReLU and its input at a position is the token's navec
    vector and shape embedding, so with ``W_j`` the weight rows of kernel offset ``j``
    (slovnet flattens the weight as (in channel, offset)) its pre-activation at window ``w``
    is ``bias + sum_j P_j[token at w + j - padding]`` (nothing outside the sentence, like the
    convolution's zero padding), ``P_j = word vector @ W_j[:word dim] + shape vector @
    W_j[word dim:]``.  The word part of the ``P_j`` of every model is kept per word id in a
    table of ``capacity`` rows, filled as words come (no eviction; a word met when the table
    is full is computed again each time); the shape part of every shape id is computed at
    load.  The pad token's navec vector and shape embedding are zero, so its rows are zero
    and padding adds nothing, as in slovnet's convolution: a sentence's layer 1 does not
    depend on its batch.

    Every row is computed by the same product in blocks of :func:`_block_rows` rows (padded
    with zero rows), so its bits depend on its word alone (and on the process's BLAS set-up,
    like every product of the models), not on which words were computed with it or whether
    it was cached, hence not on the articles annotated before.  The sums differ from the
    convolution's 990-long dot products in rounding (~1e-6 relative).
    """

    def __init__(self, navec_emb, models: list, capacity: int = 65536) -> None:
        self.navec = navec_emb
        word_dim = navec_emb.dim
        self.layers = [m.layers[0] for m in models]
        word_w, shape_parts, self.widths = [], [], []
        for model, layer in zip(models, self.layers, strict=True):
            k, in_dim, filters = layer.kernel, layer.in_dim, layer.filters
            # weight_t row c * k + j is input channel c at kernel offset j
            w = layer.weight_t.reshape(in_dim, k, filters)
            word_w.append(w[:word_dim].reshape(word_dim, k * filters))
            shape_w = np.ascontiguousarray(w[word_dim:].reshape(in_dim - word_dim, k * filters))
            shape_parts.append((model.model.emb.shape.weight.array, shape_w))
            self.widths.append(k * filters)
        self.word_w = np.ascontiguousarray(np.concatenate(word_w, axis=1))
        self.block = _block_rows(self.word_w)
        #: per model, the shape part of the rows of every shape id
        self.shape_rows = [self._product(emb, w) for emb, w in shape_parts]
        self.offsets = np.cumsum([0] + self.widths).tolist()
        self.slot = np.full(navec_emb.indexes.array.shape[0], -1, dtype=np.int64)
        self.tables = [np.empty((capacity, width), dtype=self.word_w.dtype)
                       for width in self.widths]
        self.used = 0

    def _product(self, x: np.ndarray, weight: np.ndarray) -> np.ndarray:
        """``x @ weight``, row by row the same bits whatever the other rows (see the class)."""
        n, b = len(x), self.block
        padded = np.zeros((-(-n // b) * b, x.shape[1]), dtype=weight.dtype)
        padded[:n] = x
        out = np.empty((len(padded), weight.shape[1]), dtype=weight.dtype)
        for i in range(0, len(padded), b):
            np.matmul(padded[i:i + b], weight, out=out[i:i + b])
        return out[:n]

    def _word_rows(self, ids: np.ndarray) -> list[np.ndarray]:
        """The word part of every model's rows for the word ids ``ids``."""
        rows = self._product(self.navec(ids), self.word_w)
        return [rows[:, a:b] for a, b in zip(self.offsets, self.offsets[1:], strict=False)]

    def lookup(self, word_id: np.ndarray) -> tuple[np.ndarray, np.ndarray | None,
                                                   list[np.ndarray] | None]:
        """The table rows of ``word_id`` (computing the words not yet in it while there is
        room); for words left out (the table is full) a mask of their positions and their
        rows.  What :meth:`preact` takes, once per batch for all models."""
        rows = self.slot[word_id]
        miss = rows < 0
        if not miss.any():
            return rows, None, None
        new = np.unique(word_id[miss])
        take = new[:len(self.tables[0]) - self.used]
        if len(take):
            for table, part in zip(self.tables, self._word_rows(take), strict=True):
                table[self.used:self.used + len(take)] = part
            self.slot[take] = np.arange(self.used, self.used + len(take))
            self.used += len(take)
            rows = self.slot[word_id]
            miss = rows < 0
            if not miss.any():
                return rows, None, None
        left, inverse = np.unique(word_id[miss], return_inverse=True)
        return rows, miss, [part[inverse] for part in self._word_rows(left)]

    def preact(self, model: int, found, shape_id: np.ndarray) -> np.ndarray:
        """Model ``model``'s layer-1 pre-activation (batch x windows x filters) for the word
        rows ``found`` (from :meth:`lookup`) and shape ids ``shape_id``."""
        rows, miss, extra = found
        layer = self.layers[model]
        table = self.tables[model]
        if miss is None:
            g = table[rows]
        else:  # words left out of the full table
            g = np.empty(rows.shape + table.shape[1:], dtype=table.dtype)
            g[~miss] = table[rows[~miss]]
            g[miss] = extra[model]
        g += self.shape_rows[model][shape_id]
        batch, seq, _ = g.shape
        k, p, filters = layer.kernel, layer.padding, layer.filters
        g = g.reshape(batch, seq, k, filters)
        windows = seq + 2 * p - k + 1
        out = np.empty((batch, windows, filters), dtype=g.dtype)
        out[...] = layer.bias
        for j in range(k):
            s = j - p  # window w reads position w + s
            lo = min(max(0, -s), windows)
            hi = max(lo, min(windows, seq - s))
            if hi > lo:
                out[:, lo:hi] += g[:, lo + s:hi + s, j]
        return out


class _Layer:
    """One ``CNNEncoderLayer`` (conv → ReLU → batch norm) on channels-last arrays."""

    def __init__(self, layer) -> None:
        conv, norm = layer.conv, layer.norm
        filters, in_dim, kernel = conv.weight.shape
        self.kernel, self.padding, self.in_dim = kernel, conv.padding, in_dim
        # slovnet's own view of the weight: (filters, in * kernel), transposed in the matmul
        self.weight_t = conv.weight.array.reshape(filters, in_dim * kernel).T
        self.bias = conv.bias.array
        self.mean, self.std = norm.mean.array, norm.std.array
        self.scale, self.shift = norm.weight.array, norm.bias.array
        self.filters = filters

    def conv(self, x: np.ndarray) -> np.ndarray:
        """The convolution (before the ReLU) as slovnet computes it: im2col + one product."""
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
        return out.reshape(batch, windows, self.filters)

    def finish(self, out: np.ndarray, pad_mask: np.ndarray, any_pad: bool) -> np.ndarray:
        """ReLU, batch norm and masking of a convolution's output, in place."""
        np.maximum(out, 0, out=out)  # ReLU as slovnet's ``clip(0)``
        out -= self.mean
        out /= self.std
        out *= self.scale
        out += self.shift
        if any_pad:
            out[pad_mask] = 0
        return out

    def __call__(self, x: np.ndarray, pad_mask: np.ndarray, any_pad: bool) -> np.ndarray:
        return self.finish(self.conv(x), pad_mask, any_pad)


class _Model:
    """Embedding + CNN encoder of one slovnet model, channels-last."""

    def __init__(self, api) -> None:
        self.model = api.infer.model
        self.layers = [_Layer(layer) for layer in self.model.encoder.layers]

    def encode(self, first: np.ndarray, pad_mask: np.ndarray) -> np.ndarray:
        """The encoder's output from the first layer's pre-activation ``first``
        (:meth:`_FirstLayers.preact`)."""
        any_pad = bool(pad_mask.any())
        x = self.layers[0].finish(first, pad_mask, any_pad)
        for layer in self.layers[1:]:
            x = layer(x, pad_mask, any_pad)
        return x

    def encode_im2col(self, words_emb: np.ndarray, shape_id: np.ndarray,
                      pad_mask: np.ndarray) -> np.ndarray:
        """The encoder's output as slovnet computes it (the first layer by im2col too)."""
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
    run without slovnet's per-token objects.  For the same batches the scores are slovnet's
    up to float rounding in the first convolution (see the module), so the labels are
    slovnet's but where two candidates tie to ~1e-6.

    ``batch_size`` is the API objects' batch size (``framing.nlp._map_by_length`` uses it);
    ``capacity`` the number of words whose first-layer rows are kept (:class:`_FirstLayers`:
    9 KB per word, filled as words come: 390 MB after the 400 dev articles' 42k words, at most
    600 MB at the default; measured over those articles, 32768 words cost ~2 ms more per
    article, recomputing the words left out).
    """

    def __init__(self, morph, syntax, ner, capacity: int = 65536) -> None:
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
        self.first = _FirstLayers(navec, [self.morph, self.syntax, self.ner], capacity)
        self.tags = _tag_table(morph.infer.decoder.tags_vocab.items)
        self.rels = list(syntax.infer.decoder.rels_vocab.items)
        self.bio = _bio_table(ner.infer.decoder.tags_vocab.items)

    # -- morphology + syntax ----------------------------------------------------------------
    def morph_syntax(self, items: list[list[str]]) -> list[tuple[list[Morph], list[int],
                                                                  list[str]]]:
        """For each sentence (a list of words): its tokens' ``(pos, feats)``, slovnet's 1-based
        head ids and relations — what ``Morph.map`` and ``Syntax.map`` give for this batch."""
        word_id, shape_id, pad_mask = self.encoder.batch(items)
        found = self.first.lookup(word_id)
        sizes = _lengths(pad_mask)

        x = self.morph.encode(self.first.preact(0, found, shape_id), pad_mask)
        tag_ids = self.morph.model.head(x).argmax(-1).tolist()

        model = self.syntax.model
        x = self.syntax.encode(self.first.preact(1, found, shape_id), pad_mask)
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
        found = self.first.lookup(word_id)
        x = self.ner.encode(self.first.preact(2, found, shape_id), pad_mask)
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
