"""``framing`` command line.

    framing run [--cores N] [snakemake args...]   run the workflow (same as `make run`)
    framing validate [--config-dir config]        check codebook, registry, lexicons; run the
                                                  codebook's own examples
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path


def _validate(config_dir: Path) -> int:
    from .actors import ActorRegistry
    from .codebook import load_codebook
    from .devices import DeviceMatcher, check_examples
    from .nlp import NLP
    from .quotes import ReportingVerbs
    from .sentiment import load_lexicon
    from .yamlio import ResourceError

    try:
        nlp = NLP()
        registry = ActorRegistry.from_yaml(config_dir / "actors.yaml", nlp.lemmatizer)
        codebook = load_codebook(config_dir / "codebook.yaml", nlp.lemmatizer)
        ReportingVerbs.from_yaml(config_dir / "reporting_verbs.yaml")
        lexicon = load_lexicon(config_dir / "sentiment_lexicon.tsv")
    except (ResourceError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    failures = check_examples(DeviceMatcher(codebook, nlp.lemmatizer), nlp)
    print(f"actors: {len(registry.entries)}; devices: {len(codebook.devices)} in "
          f"{len(codebook.categories)} categories; lexicon: {len(lexicon)} lemmas")
    for f in failures:
        print(f"codebook example failed: {f}", file=sys.stderr)
    return 1 if failures else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="framing", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="cmd", required=True)
    run = sub.add_parser("run", help="run the Snakemake workflow in the current folder")
    run.add_argument("--cores", type=int, default=2)
    run.add_argument("extra", nargs=argparse.REMAINDER, help="passed on to snakemake")
    val = sub.add_parser("validate", help="validate resources and run codebook examples")
    val.add_argument("--config-dir", type=Path, default=Path("config"))
    args = parser.parse_args(argv)
    if args.cmd == "run":
        cmd = [sys.executable, "-m", "snakemake", "--cores", str(args.cores), "--keep-going",
               *args.extra]
        return subprocess.call(cmd)
    return _validate(args.config_dir)


if __name__ == "__main__":
    raise SystemExit(main())
