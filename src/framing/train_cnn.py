"""Training of :class:`framing.sentiment_cnn.CNNSentimentModel` with torch (training only).

torch is an optional dependency (``pip install -e .[train]``); inference never needs it.
Training is deterministic on one CPU thread: fixed seed, one thread, a fixed schedule (AdamW,
one-cycle learning rate over :data:`EPOCHS` epochs, class-balanced cross-entropy) — no early
stopping, so nothing is chosen on held-out rows.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .sentiment_cnn import CATEGORICAL, N_FLOAT, CNNSentimentModel, MentionTokens

CLASSES = [-1, 0, 1]
#: Hyper-parameters, fixed in advance (not tuned on the cross-validation's test folds).
HIDDEN, EPOCHS, LR, DROPOUT, WEIGHT_DECAY, BATCH, LAYERS = 128, 10, 2e-3, 0.3, 1e-4, 32, 2


def torch_or_exit():
    """Import torch, or stop with the command that installs it."""
    try:
        import torch
    except ImportError:
        raise SystemExit("training the CNN sentiment model needs torch: "
                         "pip install -e '.[train]' (or pass --linear-only)") from None
    return torch


def _net(torch, dim: int, H: int, drop: float, layers: int, hid: int = 64):
    nn = torch.nn

    class Net(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            for name, size in CATEGORICAL:
                setattr(self, name, nn.Embedding(size, 16))
            self.inp = nn.Linear(dim + 16 * len(CATEGORICAL) + N_FLOAT, H)
            self.convs = nn.ModuleList([nn.Conv1d(H, H, 3, padding=1) for _ in range(layers)])
            self.q = nn.Linear(H, H, bias=False)
            self.tag = nn.Embedding(8, 8)
            self.hid = nn.Linear(3 * H + 8, hid)
            self.out = nn.Linear(hid, len(CLASSES))
            self.drop = nn.Dropout(drop)

        def forward(self, vec, cat, flt, mask, ment, tag):
            parts = [self.drop(vec)] + [getattr(self, name)(cat[..., j])
                                         for j, (name, _) in enumerate(CATEGORICAL)]
            x = torch.cat(parts + [flt], -1)
            mk = mask[..., None]
            h = torch.relu(self.inp(x)) * mk
            for conv in self.convs:
                h = (h + torch.relu(conv(self.drop(h).transpose(1, 2)).transpose(1, 2))) * mk
            m = (h * ment[..., None]).sum(1) / ment.sum(1, keepdim=True)
            s = (self.q(h) * m[:, None, :]).sum(-1) / H ** 0.5
            a = torch.softmax(s.masked_fill(mask == 0, -1e9), -1)
            ctx = (a[..., None] * h).sum(1)
            g = h.masked_fill(mk == 0, -1e9).max(1).values
            z = torch.cat([m, ctx, g, self.tag(tag)], -1)
            return self.out(self.drop(torch.relu(self.hid(self.drop(z)))))

    return Net()


class _Batcher:
    """Pads the mentions' token arrays into torch batches (vectors looked up per batch)."""

    def __init__(self, torch, items: Sequence[MentionTokens], vectors: Sequence[np.ndarray],
                 mask_mention: float = 0.0, word_drop: float = 0.0, seed: int = 0):
        self.torch, self.items, self.vectors = torch, items, vectors
        self.mask_mention, self.word_drop = mask_mention, word_drop
        self.rng = np.random.RandomState(seed + 7919)  # augmentation draws only

    def __call__(self, idx, train: bool = False):
        T = self.torch.tensor
        L = max(1, max(len(self.items[i].words) for i in idx))
        n, dim = len(idx), self.vectors[idx[0]].shape[1]
        vec = np.zeros((n, L, dim), np.float32)
        cat = np.zeros((n, L, len(CATEGORICAL)), np.int64)
        flt = np.zeros((n, L, N_FLOAT), np.float32)
        mask = np.zeros((n, L), np.float32)
        ment = np.zeros((n, L), np.float32)
        tag = np.zeros(n, np.int64)
        for k, i in enumerate(idx):
            t, m = self.items[i], len(self.items[i].words)
            if m:
                vec[k, :m], cat[k, :m], flt[k, :m] = self.vectors[i], t.cat, t.flt
                mask[k, :m] = 1
                ment[k, t.a:t.b] = 1
            else:
                ment[k, 0] = 1
            tag[k] = t.tag
            if train and m and self.word_drop:  # whole words' vectors dropped
                vec[k, :m][self.rng.random_sample(m) < self.word_drop] = 0.0
            if train and m and self.mask_mention and self.rng.random_sample() < self.mask_mention:
                vec[k, t.a:t.b] = 0.0  # the mention's name hidden: only its type remains
        return T(vec), T(cat), T(flt), T(mask), T(ment), T(tag)


def fit_cnn(items: Sequence[MentionTokens], vectors: Sequence[np.ndarray], y: Sequence[int],
            seed: int = 0, epochs: int = EPOCHS, meta: dict | None = None,
            mask_mention: float = 0.0, word_drop: float = 0.0,
            smoothing: float = 0.0, hidden: int = HIDDEN,
            layers: int = LAYERS, soft: np.ndarray | None = None, alpha: float = 0.5,
            temperature: float = 1.0) -> CNNSentimentModel:
    """Train the network on mentions (``vectors[i]``: navec rows of ``items[i].words``), with
    ``hidden`` channels and ``layers`` residual convolutions (the saved config records both;
    :class:`~framing.sentiment_cnn.CNNSentimentModel` reads them from the weight shapes).

    Training-only regularisers (inference is unchanged): ``mask_mention`` — probability that a
    mention's own word vectors are zeroed in a training step (its type embedding remains), so
    the network cannot lean on memorised names; ``word_drop`` — probability that each word's
    vector is zeroed; ``smoothing`` — label smoothing of the loss.

    Distillation: with ``soft`` (n × classes, in :data:`CLASSES` order — e.g. a teacher
    ensemble's mean probabilities on these same training rows) the loss is
    ``alpha · CE(hard label) + (1 − alpha) · T² · CE(soft_T, softmax(z / T))``, where
    ``soft_T`` ∝ ``soft ** (1 / T)`` (the teachers' probabilities at temperature ``T``) and the
    hard term keeps the class weights.  The schedule and random draws are those of plain
    training, so a student and a plain network of the same seed differ only by the loss."""
    torch = torch_or_exit()
    torch.set_num_threads(1)
    torch.manual_seed(seed)
    rng = np.random.RandomState(seed)
    yi = np.searchsorted(CLASSES, np.asarray(y))
    net = _net(torch, vectors[0].shape[1], hidden, DROPOUT, layers)
    counts = np.bincount(yi, minlength=len(CLASSES)).astype(np.float64)
    weight = torch.tensor(len(yi) / (len(CLASSES) * np.maximum(counts, 1)), dtype=torch.float32)
    opt = torch.optim.AdamW(net.parameters(), lr=LR, weight_decay=WEIGHT_DECAY)
    steps_per_epoch = (len(yi) + BATCH - 1) // BATCH
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=LR, total_steps=epochs
                                                * steps_per_epoch, pct_start=0.1)
    batch = _Batcher(torch, items, vectors, mask_mention, word_drop, seed)
    target = torch.tensor(yi)
    if soft is not None:
        if len(soft) != len(yi):
            raise ValueError(f"soft targets: {len(soft)} rows for {len(yi)} labels")
        q = np.log(np.clip(np.asarray(soft, np.float64), 1e-12, None)) / temperature
        q = np.exp(q - q.max(1, keepdims=True))
        soft_t = torch.tensor(q / q.sum(1, keepdims=True), dtype=torch.float32)
    for _ in range(epochs):
        net.train()
        perm = rng.permutation(len(yi))
        for k in range(0, len(perm), BATCH):
            idx = perm[k:k + BATCH]
            logits = net(*batch(idx, train=True))
            loss = torch.nn.functional.cross_entropy(logits, target[idx], weight=weight,
                                                     label_smoothing=smoothing)
            if soft is not None:
                logq = torch.log_softmax(logits / temperature, -1)
                distil = -(soft_t[idx] * logq).sum(-1).mean() * temperature ** 2
                loss = alpha * loss + (1 - alpha) * distil
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
    net.train(False)  # inference mode (dropout off)
    params = {k: v.detach().numpy().astype(np.float32) for k, v in net.state_dict().items()}
    config = dict(meta or {}, hidden=hidden, epochs=epochs, lr=LR, dropout=DROPOUT,
                  weight_decay=WEIGHT_DECAY, batch=BATCH, layers=layers, seed=seed)
    for k, v in (("mask_mention", mask_mention), ("word_drop", word_drop),
                 ("smoothing", smoothing)):
        if v:
            config[k] = v
    if soft is not None:
        config["distil"] = {"alpha": alpha, "temperature": temperature}
    return CNNSentimentModel(params, CLASSES, config)


def fit_student(items: Sequence[MentionTokens], vectors: Sequence[np.ndarray],
                y: Sequence[int], teachers: Sequence[CNNSentimentModel], seed: int = 0,
                alpha: float = 0.5, temperature: float = 1.0,
                also: dict[str, np.ndarray] | None = None, **kw) -> CNNSentimentModel:
    """One network distilled from ``teachers`` (networks trained on these same rows): the
    targets are their mean probabilities on the training rows, see :func:`fit_cnn` (``kw``:
    its size and training options).  ``also``: more teachers' probabilities on these rows
    (name → n × classes, e.g. the linear part's and a sentence encoder's), averaged with the
    networks' mean as equal members.  The config records the teachers."""
    soft = np.mean([t.proba_batch(items, vectors) for t in teachers], axis=0)
    if also:
        soft = np.mean([soft, *also.values()], axis=0)
    net = fit_cnn(items, vectors, y, seed=seed, soft=soft, alpha=alpha,
                  temperature=temperature, **kw)
    net.config["distil"]["teachers"] = len(teachers)
    net.config["distil"]["teacher_seeds"] = [t.config.get("seed") for t in teachers]
    if also:
        net.config["distil"]["also"] = sorted(also)
    return net


def torch_proba(model: CNNSentimentModel, items: Sequence[MentionTokens],
                vectors: Sequence[np.ndarray]) -> np.ndarray:
    """The same model's probabilities computed by torch (for the equivalence test)."""
    torch = torch_or_exit()
    net = _net(torch, model.dim, model.H, 0.0, len(model._convs),
               model.params["hid.weight"].shape[0])
    net.load_state_dict({k: torch.tensor(np.asarray(v, dtype=np.float32))
                         for k, v in model.params.items()})
    net.train(False)  # inference mode (dropout off)
    with torch.no_grad():
        out = net(*_Batcher(torch, items, vectors)(list(range(len(items)))))
    return torch.softmax(out.double(), -1).numpy()
