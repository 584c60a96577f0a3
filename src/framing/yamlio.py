"""YAML loading that remembers line numbers, so resource errors can name file, line and entry.

>>> data = load_yaml_text("a:\\n  - id: x\\n    k: 1\\n", "f.yaml")
>>> data["a"][0]["id"], line_of(data["a"][0])
('x', 2)
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

LINE_KEY = "__line__"


class ResourceError(ValueError):
    """An error in an analyst-edited resource file (codebook, registry, lexicon, config)."""


class _LineLoader(yaml.SafeLoader):
    pass


# libyaml's parser (when PyYAML has it) reads the codebook ~10x faster, with the same nodes and
# line marks; errors are re-read with the pure-Python loader, whose messages quote the line.
class _FastLineLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    pass


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode, deep: bool = False) -> dict:
    keys = [loader.construct_object(k, deep=deep) for k, _ in node.value]
    for k, (knode, _) in zip(keys, node.value, strict=True):
        if not isinstance(k, str | int | float | bool | type(None)):
            raise ResourceError(f"line {knode.start_mark.line + 1}: a key must be a plain "
                                f"value, not {type(k).__name__}")
    dupes = {k for k in keys if keys.count(k) > 1}
    if dupes:
        raise ResourceError(
            f"line {node.start_mark.line + 1}: duplicate key(s) {sorted(map(str, dupes))}"
        )
    mapping = loader.construct_mapping(node, deep=deep)
    mapping[LINE_KEY] = node.start_mark.line + 1
    return mapping


for _loader in (_LineLoader, _FastLineLoader):
    _loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def load_yaml_text(text: str, name: str) -> Any:
    try:
        return yaml.load(text, Loader=_FastLineLoader)  # noqa: S506 - SafeLoader subclass
    except (ResourceError, yaml.YAMLError):
        pass  # re-read below for the pure-Python loader's message
    try:
        return yaml.load(text, Loader=_LineLoader)  # noqa: S506 - SafeLoader subclass
    except ResourceError as exc:
        raise ResourceError(f"{name}: {exc}") from None
    except yaml.YAMLError as exc:
        raise ResourceError(f"{name}: not valid YAML: {exc}") from None


def load_yaml(path: Path) -> Any:
    return load_yaml_text(Path(path).read_text(encoding="utf-8"), str(path))


def line_of(entry: Any) -> int | None:
    return entry.get(LINE_KEY) if isinstance(entry, dict) else None


def key_line(path: Path, key: str) -> int | None:
    """Line of a top-level ``key`` in the YAML file at ``path`` (for error messages).

    >>> import tempfile, pathlib
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "v.yaml"
    >>> _ = f.write_text("# c\\na: [x]\\nb: [y]\\n", encoding="utf-8")
    >>> key_line(f, "b"), key_line(f, "z")
    (3, None)
    """
    try:
        node = yaml.compose(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError):
        return None
    if isinstance(node, yaml.MappingNode):
        for k, _ in node.value:
            if getattr(k, "value", None) == str(key):
                return k.start_mark.line + 1
    return None
