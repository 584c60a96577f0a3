"""Run the workflow so that an interrupted run (killed, power loss) never blocks the next one.

``make run`` and ``framing run`` call :func:`run`.  It holds an operating-system lock on
``.snakemake/framing-run.lock`` for the whole run (released by the kernel however the process
ends), so a second run in the same folder is refused while one is going; holding it, any lock
Snakemake left behind is stale and is removed; and Snakemake reruns jobs whose outputs were left
incomplete (``--rerun-incomplete``).  Outputs are written atomically or tracked as incomplete by
Snakemake, so no truncated file is ever used as input.

    python -m framing.runner [--cores N] [snakemake args...]
"""

from __future__ import annotations

import argparse
import contextlib
import os
import subprocess
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path

LOCK_NAME = "framing-run.lock"


class RunInProgress(RuntimeError):
    """Another ``make run`` / ``framing run`` holds the lock of this project folder."""


@contextlib.contextmanager
def run_lock(project: Path) -> Iterator[None]:
    """Hold an exclusive, non-blocking OS lock on ``project/.snakemake/framing-run.lock``."""
    try:
        import fcntl
    except ImportError:  # not POSIX: no OS lock, Snakemake's own lock still applies
        yield
        return
    lock_dir = Path(project) / ".snakemake"
    lock_dir.mkdir(parents=True, exist_ok=True)
    fd = os.open(lock_dir / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise RunInProgress(f"another framing run is in progress in {project}") from None
        yield
    finally:
        os.close(fd)


def stale_snakemake_locks(project: Path) -> list[Path]:
    d = Path(project) / ".snakemake" / "locks"
    return sorted(d.glob("*.lock")) if d.is_dir() else []


def snakemake_command(cores: int, extra: Sequence[str] = ()) -> list[str]:
    """The Snakemake call of a run: keep going past a failed job, rerun incomplete outputs."""
    return [sys.executable, "-m", "snakemake", "--cores", str(cores), "--keep-going",
            "--rerun-incomplete", *extra]


def run(cores: int = 2, extra: Sequence[str] = (), project: Path | None = None) -> int:
    """Run the workflow in ``project`` (default: the current folder); return its exit status."""
    project = Path(project or Path.cwd())
    try:
        with run_lock(project):
            if stale_snakemake_locks(project):
                print("framing: removing the lock left by an interrupted run", file=sys.stderr)
                subprocess.run([sys.executable, "-m", "snakemake", "--cores", str(cores),
                                "--unlock", "--quiet"], cwd=project, check=False,
                               stdout=subprocess.DEVNULL)
            return subprocess.call(snakemake_command(cores, extra), cwd=project)
    except RunInProgress as exc:
        print(f"framing: {exc}", file=sys.stderr)
        return 1


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m framing.runner", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cores", type=int, default=2)
    args, extra = parser.parse_known_args(argv)
    return run(args.cores, extra)


if __name__ == "__main__":
    raise SystemExit(main())
