"""Checks run when the workflow starts, before any job: the configuration against its JSON
schema, and every analyst-edited resource (codebook, actor registry, reporting verbs, sentiment
lexicon, extra boilerplate patterns).  Every problem names the file, line and key, e.g.
``config/config.yaml:28: ingest.max_bytes: 'big' is not of type 'integer'`` or
``config/codebook.yaml, line 42, device 'wedge': pattern 3: unknown key(s) ['LEMA']``.

>>> import tempfile, pathlib
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> _ = (d / "c.yaml").write_text("a: 1\\nb:\\n  c: x\\n", encoding="utf-8")
>>> schema = {"type": "object", "additionalProperties": False, "properties": {
...     "a": {"type": "integer"}, "b": {"type": "object", "properties": {
...         "c": {"type": "integer"}}}}}
>>> check_config({"a": 1, "b": {"c": "x"}}, [d / "c.yaml"], schema)
["...c.yaml:3: b.c: 'x' is not of type 'integer'"]
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml

from .yamlio import ResourceError


class PreflightError(ResourceError):
    """One or more problems in the configuration or resources; the message lists them all."""


def _node_line(path: Path, keys: Sequence[Any]) -> tuple[bool, int | None]:
    """Whether the YAML file at ``path`` defines ``keys`` (a path of mapping keys / list
    indices), and the line of the deepest node found on the way."""
    try:
        node = yaml.compose(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError):
        return False, None
    if node is None:
        return False, None
    line = node.start_mark.line + 1
    for key in keys:
        if isinstance(node, yaml.MappingNode):
            for k, v in node.value:
                if getattr(k, "value", None) == str(key):
                    line, node = k.start_mark.line + 1, v
                    break
            else:
                return False, line
        elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) \
                and key < len(node.value):
            node = node.value[key]
            line = node.start_mark.line + 1
        else:
            return False, line
    return True, line


_MISSING = object()


def _value_at(path: Path, keys: Sequence[Any]) -> Any:
    try:
        node = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError):
        return _MISSING
    for key in keys:
        try:
            node = node[key]
        except (KeyError, IndexError, TypeError):
            return _MISSING
    return node


def _where(files: Sequence[Path], keys: Sequence[Any], value: Any = _MISSING) -> str:
    """``file:line`` of the last config file that sets ``keys`` (to ``value``, if given)."""
    for f in reversed(files):
        found, line = _node_line(f, keys)
        if found and (value is _MISSING or _value_at(f, keys) == value):
            return f"{f}:{line}"
    return "--config (command line)"


def check_config(config: dict, files: Sequence[Path | str], schema: dict | Path | str) -> list[str]:
    """Validate the merged ``config`` against ``schema``; each problem as
    ``file:line: key.path: message``, sorted by file and line."""
    import jsonschema

    if not isinstance(schema, dict):
        schema = yaml.safe_load(Path(schema).read_text(encoding="utf-8"))
    files = [Path(f) for f in files]
    validator = jsonschema.Draft202012Validator(schema)
    problems: list[tuple[str, str]] = []
    for err in validator.iter_errors(config):
        keys = list(err.absolute_path)
        dotted = ".".join(str(k) for k in keys) or "(top level)"
        msg = err.message
        if err.validator == "additionalProperties" and isinstance(err.instance, dict):
            allowed = sorted((err.schema.get("properties") or {}).keys())
            for extra in sorted(set(err.instance) - set(allowed), key=str):
                sub = [*keys, extra]
                problems.append((_where(files, sub),
                                 f"{'.'.join(str(k) for k in sub)}: unknown key "
                                 f"(allowed: {', '.join(allowed)})"))
            continue
        problems.append((_where(files, keys, err.instance), f"{dotted}: {msg}"))
    return sorted({f"{where}: {msg}" for where, msg in problems}, key=_sort_key)


def _sort_key(msg: str) -> tuple[str, int, str]:
    m = re.match(r"^(.*?):(\d+): ", msg)
    return (m[1], int(m[2]), msg) if m else (msg, 0, msg)


def check_boilerplate(patterns: Sequence[Any], where: str) -> list[str]:
    """Each extra boilerplate pattern must be a valid regular expression."""
    out = []
    for k, pat in enumerate(patterns, 1):
        try:
            re.compile(str(pat))
        except re.error as exc:
            out.append(f"{where}: ingest.extra_boilerplate[{k}] {pat!r}: not a valid regular "
                       f"expression ({exc})")
    return out


def _load_registry(path: Path) -> None:
    from .actors import parse_registry, parse_vocabulary
    from .yamlio import load_yaml

    data = load_yaml(path)
    parse_registry(data, str(path))
    parse_vocabulary(data, str(path))


def _load_verbs(path: Path) -> None:
    from .quotes import ReportingVerbs

    ReportingVerbs.from_yaml(path)


#: Resource key → loader (``framing`` module, function); each validates its file and raises
#: ResourceError naming file, line and entry.  A loader whose module is not installed, and any
#: other resource, is checked for existence only.
_LOADERS = {
    "codebook": ("codebook", "load_codebook"),
    "actors": ("preflight", "_load_registry"),
    "reporting_verbs": ("preflight", "_load_verbs"),
    "sentiment_lexicon": ("sentiment", "load_lexicon"),
    "frames": ("frames", "load_frames"),
}


def check_resources(config: dict, config_name: str = "config/config.yaml") -> list[str]:
    """Load and validate every resource named in ``config``; each problem as a message naming
    the file, line and entry."""
    import importlib

    res = config.get("resources") or {}
    order = {k: n for n, k in enumerate(_LOADERS)}
    problems: list[str] = []
    for key in sorted(res, key=lambda k: (order.get(k, len(order)), k)):
        path = Path(str(res[key]))
        if not path.is_file():
            problems.append(f"{path}: file not found (resources.{key} in {config_name})")
            continue
        if key not in _LOADERS:
            continue
        module, func = _LOADERS[key]
        try:
            load = getattr(importlib.import_module(f"framing.{module}"), func)
        except ModuleNotFoundError as exc:
            if exc.name != f"framing.{module}":
                raise
            continue
        try:
            load(path)
        except (ResourceError, UnicodeDecodeError) as exc:
            problems.append(str(exc) if isinstance(exc, ResourceError)
                            else f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})")
    extra = (config.get("ingest") or {}).get("extra_boilerplate") or []
    problems += check_boilerplate(extra, config_name)
    model = config.get("sentiment_model", "packaged")
    if model not in (None, "", "packaged", "lexicon") and not (
            Path(str(model)) / "model.json").is_file():
        problems.append(f"{config_name}: sentiment_model: {model!r} is neither 'packaged', "
                        f"'lexicon' nor a folder with model.json and weights.npz")
    return problems


def workflow_config_files(workflow: Any) -> list[Path]:
    """Snakemake's config files in order of precedence (``--configfile`` ones last)."""
    cli = [str(f) for f in (getattr(workflow, "overwrite_configfiles", None) or [])]
    files = [str(f) for f in getattr(workflow, "configfiles", [])]
    return [Path(f) for f in [f for f in files if f not in cli] + cli]


def preflight_digest(config: dict, schema: Path | str) -> str:
    """What the checks depend on: the configuration, the schema, every resource file, the
    sentiment model's description and framing's own code.

    >>> preflight_digest({"resources": {}}, __file__) == preflight_digest({"resources": {}},
    ...                                                                   __file__)
    True
    """
    import hashlib
    import json

    h = hashlib.sha256(json.dumps(config, sort_keys=True, default=str).encode())
    model = Path(str(config.get("sentiment_model") or "")) / "model.json"
    paths = [Path(schema), *(Path(str(p)) for _k, p in sorted(
        (config.get("resources") or {}).items())), model]
    paths += sorted(Path(__file__).parent.glob("*.py"))
    for p in paths:
        h.update(str(p).encode())
        h.update(p.read_bytes() if p.is_file() else b"\x00absent")
    return h.hexdigest()


def preflight(config: dict, files: Sequence[Path | str], schema: Path | str,
              stamp: Path | str | None = None) -> None:
    """Check the configuration, then the resources; raise :class:`PreflightError` listing
    every problem (nothing has run yet).  With ``stamp``, a passed check is remembered there
    and skipped while nothing it depends on changed (:func:`preflight_digest`): it loads every
    resource, about a second on each run."""
    digest = preflight_digest(config, schema) if stamp is not None else ""
    if stamp is not None and Path(stamp).is_file() and \
            Path(stamp).read_text(encoding="utf-8").strip() == digest:
        return
    files = [Path(f) for f in files]
    name = str(files[-1]) if files else "config/config.yaml"
    problems = check_config(config, files, schema)
    if not problems:
        problems = check_resources(config, name)
    if problems:
        raise PreflightError(f"{len(problems)} problem(s) in the configuration or resources "
                             f"(nothing was run):\n" + "\n".join(f"  {p}" for p in problems))
    if stamp is not None:
        import os

        stamp = Path(stamp)
        stamp.parent.mkdir(parents=True, exist_ok=True)
        tmp = stamp.with_name(f"{stamp.name}.{os.getpid()}.tmp")
        tmp.write_text(digest + "\n", encoding="utf-8")
        os.replace(tmp, stamp)
