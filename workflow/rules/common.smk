import hashlib
import os

RAW = config["raw_dir"]
PROCESSED = config["processed_dir"]
REPORTS = config["reports_dir"]
RES = config["resources"]
LOGS = f"{PROCESSED}/logs"
# where the report job stages the index pages until publish moves them (under REPORTS: the same
# file system, so publishing them is a rename)
STAGING = f"{REPORTS}/.staging"
import framing as _framing

CODE = Path(_framing.__file__).parent


def _raw_paths():
    root = Path(RAW)
    if not root.is_dir():
        raise WorkflowError(f"raw data folder {RAW!r} does not exist")
    return sorted(
        p
        for p in root.rglob("*")
        if p.is_file()
        and not p.name.startswith(".")
        and p.name.lower() not in {"readme.md", "readme.txt"}
    )


def _trackable(path):
    """Snakemake reads {...} as wildcards and <...> as path variables, writes lock files one
    path a line, and needs UTF-8 names: other names are tracked by untracked_raw() instead."""
    s = str(path)
    return not any(c in s for c in "{}<>\n\r") and s.isprintable() and s == s.encode(
        "utf-8", "surrogateescape"
    ).decode("utf-8", "replace")


def raw_files():
    """Every input file under the raw folder (hidden files and READMEs skipped) whose name
    Snakemake can track; ingest reads the folder itself, so the others are processed too."""
    return [str(p) for p in _raw_paths() if _trackable(p)]


def untracked_raw():
    """Digest of the raw files raw_files() leaves out (name, size, mtime): a change reruns
    ingest through its params."""
    h = hashlib.sha256()
    for p in _raw_paths():
        if not _trackable(p):
            st = p.stat()
            h.update(os.fsencode(p) + f"\0{st.st_size}\0{st.st_mtime_ns}\0".encode())
    return h.hexdigest()[:16]


def code_version(*modules):
    """Hash of library modules; a change in them reruns the jobs that use them."""
    h = hashlib.sha256()
    for name in sorted(modules):
        h.update((CODE / name).read_bytes())
    return h.hexdigest()[:16]


def stage_code(stage):
    """code_version() of a per-article stage: its modules and those of the stages it reads.
    The stage jobs compute their upstream result keys themselves (they do not wait for the
    upstream jobs), so a change in an upstream stage's code must rerun them too."""
    from framing.annotators import STAGE_MODULES, UPSTREAM

    mods = {m for s in (*UPSTREAM[stage], stage) for m in STAGE_MODULES[s]}
    return code_version("stages.py", *mods)


def side_by_side_threads():
    """Threads of the figures and report jobs, which run at the same time: half the cores
    of a local run each (at least one); cluster profiles set their own (set-threads)."""
    cores = workflow.resource_settings.cores
    return max(1, int(cores) // 2) if isinstance(cores, int) else 1


def sentiment_model_dir():
    """The model folder the sentiment stage uses, or "" for the lexicon only."""
    from framing.resources import sentiment_model_dir as resolve

    d = resolve(config.get("sentiment_model", "packaged"))
    return "" if d is None else str(d)


def sentiment_model_files():
    d = sentiment_model_dir()
    # local(): the packaged model stays with the installed package, never staged to storage
    return [local(f"{d}/model.json"), local(f"{d}/weights.npz")] if d else []


# --- validation against human coding (workflow/rules/validation.smk)
VALIDATION = config.get("validation", {})
VALIDATION_SAMPLE = VALIDATION.get("sample", {})
OPTIONAL_TABLES = ("sv_items", "mfc_frames")


def optional_tables(wildcards):
    """Frame tables (S&V items, MFC frames) when some rule makes them or they exist."""
    made = {str(f) for r in workflow.rules for f in r.output}
    paths = [f"{PROCESSED}/{n}.parquet" for n in OPTIONAL_TABLES]
    return [p for p in paths if p in made or Path(p).exists()]


def reliability_table():
    """The reliability table of a validation run, if one was made: figures and reports then
    mark what rests on unreliable or tentative variables.  (Not a dependency: the validation
    rules are explicit targets.)"""
    p = Path(PROCESSED) / "reliability.parquet"
    return [str(p)] if p.exists() else []
