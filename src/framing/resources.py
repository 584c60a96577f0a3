"""Where resources live: the project's ``config/`` and the model shipped with the package."""

from __future__ import annotations

from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
#: The mention-sentiment model shipped with the package (JSON + NPZ + model card).
PACKAGED_SENTIMENT_MODEL = PACKAGE / "models" / "sentiment"


def default_path(name: str) -> Path:
    """``config/<name>`` of the current project, else of the source checkout."""
    for base in (Path.cwd() / "config", PACKAGE.parents[1] / "config"):
        if (base / name).exists():
            return base / name
    raise FileNotFoundError(f"config/{name} not found (run from the project folder)")


def sentiment_model_dir(setting: str | None) -> Path | None:
    """Resolve the ``sentiment_model`` config value: ``packaged``, ``lexicon`` (no model) or
    a folder holding ``model.json`` and ``weights.npz``."""
    if setting in (None, "", "packaged"):
        return PACKAGED_SENTIMENT_MODEL
    if setting == "lexicon":
        return None
    return Path(setting)


def load_sentiment_model(model_dir: Path | None = None):
    """The model in ``model_dir`` (default: packaged), or ``None`` if there is none."""
    from .sentiment_model import LinearSentimentModel

    d = Path(model_dir) if model_dir is not None else PACKAGED_SENTIMENT_MODEL
    if not (d / "model.json").exists():
        return None
    return LinearSentimentModel.load(d)
