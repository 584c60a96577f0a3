"""Helpers for the thin Snakemake ``script:`` adapters in ``workflow/scripts/``."""

from __future__ import annotations

import contextlib
import logging
import sys
import time
import traceback
from collections.abc import Iterator
from pathlib import Path


@contextlib.contextmanager
def logged(smk, stage: str) -> Iterator[logging.Logger]:
    """Log a stage to its rule's log file (and stderr); record failures with a traceback."""
    log_path = Path(smk.log[0]) if smk.log else None
    logger = logging.getLogger("framing")
    logger.setLevel(logging.INFO)
    logger.handlers.clear()
    fmt = logging.Formatter("%(levelname)s framing." + stage + ": %(message)s")
    handlers: list[logging.Handler] = [logging.StreamHandler(sys.stderr)]
    if log_path is not None:
        log_path.parent.mkdir(parents=True, exist_ok=True)
        handlers.append(logging.FileHandler(log_path, mode="w", encoding="utf-8"))
    for h in handlers:
        h.setFormatter(fmt)
        logger.addHandler(h)
    t0 = time.perf_counter()
    from .stages import throughput_gc

    throughput_gc()  # a stage reads and writes whole-corpus tables: few cycles, many objects
    try:
        yield logger
    except Exception:
        logger.error("failed:\n%s", traceback.format_exc())
        raise
    logger.info("done in %.2f s", time.perf_counter() - t0)
