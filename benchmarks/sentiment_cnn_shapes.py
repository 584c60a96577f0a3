"""Model folders for timing other CNN sizes: the packaged sentiment model with its CNNs
replaced by random weights of another shape (timing only — the predictions are meaningless).

    python benchmarks/sentiment_cnn_shapes.py OUT [--shape 64x2 ...]

Writes ``OUT/hHlL/`` for each ``--shape HxL`` (channels × convolutions; default 128x2, 96x2,
64x2, 128x1, 96x1, 64x1) and ``OUT/linear/`` (no CNN), as many networks as the packaged
model has.  The forward pass's cost depends on the shapes only, so
``python benchmarks/article_costs.py --n 200 --sentiment-model OUT/h64l2`` measures what a
64-channel model would cost per article before training one.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np


def random_like(ref: dict[str, np.ndarray], H: int, L: int, seed: int) -> dict[str, np.ndarray]:
    """Parameters shaped like ``ref`` but with ``H`` channels and ``L`` convolutions."""
    rng = np.random.default_rng(seed)
    p = {}
    for k, v in ref.items():
        if k.startswith("convs."):
            continue
        shape = list(v.shape)
        if k in ("inp.weight", "inp.bias", "q.weight"):
            shape[0] = H
        if k == "q.weight":
            shape[1] = H
        if k == "hid.weight":
            shape[1] = 3 * H + ref["tag.weight"].shape[1]
        p[k] = rng.normal(scale=0.05, size=shape)
    for j in range(L):
        p[f"convs.{j}.weight"] = rng.normal(scale=0.05, size=(H, H, 3))
        p[f"convs.{j}.bias"] = rng.normal(scale=0.05, size=H)
    return {k: v.astype(np.float32) for k, v in p.items()}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("--shape", action="append",
                    help="HxL (default: 128x2 96x2 64x2 128x1 96x1 64x1)")
    args = ap.parse_args()
    from framing.resources import load_sentiment_model
    from framing.sentiment_cnn import CNNSentimentModel

    base = load_sentiment_model()
    if base is None or not base.cnn:
        raise SystemExit("the packaged sentiment model has no CNN part")
    ref = base.cnn[0].params
    nets = len(base.cnn)
    base.linear_only().save(args.out / "linear")
    for shape in args.shape or ["128x2", "96x2", "64x2", "128x1", "96x1", "64x1"]:
        H, L = (int(x) for x in shape.split("x"))
        base.cnn = [CNNSentimentModel(random_like(ref, H, L, s), base.classes,
                                      {"hidden": H, "layers": L, "seed": s, "random": True})
                    for s in range(nets)]
        base.save(args.out / f"h{H}l{L}")
        print(args.out / f"h{H}l{L}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
