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


#: Snakemake's scheduler re-evaluates after its job-rate timespan with a non-daemon
#: ``threading.Timer`` started from this function, so a finished run waits for the last one.
_REEVALUATION = ("snakemake.scheduling.job_scheduler",
                 "JobScheduler._schedule_reevalutation.<locals>.<lambda>")


def release_scheduler_timers() -> int:
    """Cancel the scheduler's pending re-evaluation timers once a run has ended (called by
    the Snakefile's ``onsuccess``/``onerror`` handlers); returns how many were cancelled.

    Snakemake's job-rate limiter (``--max-jobs-per-timespan``, default 100/1s) starts a
    1-second timer whenever the scheduler waits; they are not daemon threads, so the
    interpreter waited up to a second for them after the last job (measured: 1.0 s of every
    run, the +1-article run included).  Only those timers are touched, after the scheduler
    has returned, when no more jobs will be scheduled.
    """
    import threading

    n = 0
    for t in threading.enumerate():
        fn = getattr(t, "function", None)
        if (isinstance(t, threading.Timer) and fn is not None
                and (getattr(fn, "__module__", None), getattr(fn, "__qualname__", None))
                == _REEVALUATION):
            t.cancel()
            t.join()
            n += 1
    return n


def freeze_before_exit() -> int:
    """Move every object of the Snakemake process into the garbage collector's permanent
    generation once the run is over (called by the Snakefile's ``onsuccess``/``onerror``
    handlers, after the last job); returns how many objects are frozen.

    The interpreter's collections while it shuts down then skip them: Snakemake imports about
    two thousand modules (the installed executor plugins with the Kubernetes client and
    pandas among them), and scanning them took ~0.25 s CPU at the end of every run
    (measured: ``import snakemake.api`` then exit, 0.92 s user → 0.67 s).  Nothing is
    collected differently while the run lasts; frozen objects are freed with the process.

    >>> import gc
    >>> freeze_before_exit() > 0
    True
    >>> gc.unfreeze()
    """
    import gc

    gc.freeze()
    return gc.get_freeze_count()


def publish(moves: list[tuple[str | Path, str | Path]], log: str | Path | None = None) -> None:
    """Move staged files into place, in order, each by a rename (it appears whole or not at
    all; the staging folder is on the destination's file system): the ``publish`` rule moves
    the report's index pages into ``reports/`` once the figures are drawn too, the index's
    HTML last.  The moves are logged to ``log``.  Nothing heavy is imported: the job costs
    the interpreter's start-up only.

    >>> import tempfile
    >>> d = Path(tempfile.mkdtemp())
    >>> _ = (d / "staged.html").write_text("page", encoding="utf-8")
    >>> publish([(d / "staged.html", d / "index.html")])
    >>> (d / "index.html").read_text(encoding="utf-8"), (d / "staged.html").exists()
    ('page', False)
    """
    import os

    lines = []
    for src, dst in moves:
        os.replace(src, dst)
        lines.append(f"{src} -> {dst}\n")
    if log is not None:
        Path(log).write_text("".join(lines), encoding="utf-8")
