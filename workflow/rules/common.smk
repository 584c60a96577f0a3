import hashlib

RAW = config["raw_dir"]
PROCESSED = config["processed_dir"]
REPORTS = config["reports_dir"]
RES = config["resources"]
LOGS = f"{PROCESSED}/logs"
import framing as _framing

CODE = Path(_framing.__file__).parent


def raw_files():
    """Every input file under the raw folder (hidden files and READMEs skipped)."""
    root = Path(RAW)
    if not root.is_dir():
        raise WorkflowError(f"raw data folder {RAW!r} does not exist")
    return sorted(
        str(p)
        for p in root.rglob("*")
        if p.is_file()
        and not p.name.startswith(".")
        and p.name.lower() not in {"readme.md", "readme.txt"}
    )


def code_version(*modules):
    """Hash of library modules; a change in them reruns the jobs that use them."""
    h = hashlib.sha256()
    for name in sorted(modules):
        h.update((CODE / name).read_bytes())
    return h.hexdigest()[:16]


def sentiment_model_dir():
    """The model folder the sentiment stage uses, or "" for the lexicon only."""
    from framing.resources import sentiment_model_dir as resolve

    d = resolve(config.get("sentiment_model", "packaged"))
    return "" if d is None else str(d)


def sentiment_model_files():
    d = sentiment_model_dir()
    return [f"{d}/model.json", f"{d}/weights.npz"] if d else []


# --- validation against human coding (workflow/rules/validation.smk)
VALIDATION = config.get("validation", {})
VALIDATION_SAMPLE = VALIDATION.get("sample", {})
OPTIONAL_TABLES = ("sv_items", "mfc_frames")


def optional_tables(wildcards):
    """Frame tables (S&V items, MFC frames) when some rule makes them or they exist."""
    made = {str(f) for r in workflow.rules for f in r.output}
    paths = [f"{PROCESSED}/{n}.parquet" for n in OPTIONAL_TABLES]
    return [p for p in paths if p in made or Path(p).exists()]
