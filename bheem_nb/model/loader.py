"""Read a model from YAML or a dict, turning every problem into one readable ModelError.

Errors carry the path of the offending key (``tables.orders.measures.revenue.agg``) and,
for YAML files, its line number, because that is where the user has to go and fix it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from bheem_nb.errors import ModelError
from bheem_nb.model.schema import ModelSpec

Loc = tuple[str | int, ...]


class _Loader(yaml.SafeLoader):
    """YAML 1.2 booleans: only true/false. YAML 1.1 reads the join key ``on:`` as True."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
for _first in "tTfF":
    _Loader.yaml_implicit_resolvers.setdefault(_first, []).insert(
        0, ("tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"))
    )


class LineIndex:
    """Maps a key path in a YAML document to the line it was written on."""

    def __init__(self, root: yaml.Node | None, source: str) -> None:
        self._root = root
        self.source = source

    def line(self, path: Sequence[str | int]) -> int | None:
        node = self._root
        line = None if node is None else node.start_mark.line + 1
        for part in path:
            found = _child(node, part)
            if found is None:
                break
            key, node = found
            line = key.start_mark.line + 1
        return line

    def where(self, path: Sequence[str | int]) -> str:
        line = self.line(path)
        dotted = ".".join(str(p) for p in path) or "(top level)"
        return f"{self.source}:{line}: {dotted}" if line else dotted


def _child(node: yaml.Node | None, part: str | int) -> tuple[yaml.Node, yaml.Node] | None:
    """(node whose line to report, node to descend into) for one path step."""
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if key.value == str(part):
                return key, value
    if isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
        item: yaml.Node = node.value[part]
        return item, item
    return None


def _check_duplicate_keys(node: yaml.Node | None, source: str) -> None:
    """PyYAML keeps the last of two equal keys; a model must not lose the first silently."""
    if isinstance(node, yaml.MappingNode):
        seen: dict[str, int] = {}
        for key, value in node.value:
            line = key.start_mark.line + 1
            if key.value in seen:
                raise ModelError(f"{source}:{line}: key {key.value!r} appears twice (first on line {seen[key.value]})")
            seen[key.value] = line
            _check_duplicate_keys(value, source)
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            _check_duplicate_keys(item, source)


def parse_yaml(text: str, source: str = "<yaml>") -> tuple[dict[str, Any], LineIndex]:
    """Parse YAML text into a dict plus the line index used for error messages."""
    try:
        root = yaml.compose(text, Loader=_Loader)
        data = yaml.load(text, Loader=_Loader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{source}:{mark.line + 1}" if mark is not None else source
        problem = getattr(exc, "problem", None) or str(exc)
        raise ModelError(f"{where}: malformed YAML: {problem}") from exc
    _check_duplicate_keys(root, source)
    if data is None:
        raise ModelError(f"{source}: the file is empty; a model needs `name` and `tables`")
    if not isinstance(data, dict):
        raise ModelError(f"{source}: a model must be a mapping with `name` and `tables`, not {type(data).__name__}")
    return data, LineIndex(root, source)


def validate_spec(data: Mapping[str, Any], index: LineIndex | None = None) -> ModelSpec:
    """Validate a dict against the schema; every problem is listed with its path."""
    index = index or LineIndex(None, "<dict>")
    try:
        return ModelSpec.model_validate(data)
    except ValidationError as exc:
        raise ModelError(format_validation_error(exc, index)) from exc


def format_validation_error(exc: ValidationError, index: LineIndex) -> str:
    lines = []
    for err in exc.errors():
        loc: Loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and p.startswith("function-")))
        msg = err["msg"].removeprefix("Value error, ")
        if err["type"] == "extra_forbidden":
            msg = f"unknown key {loc[-1]!r}" if loc else "unknown key"
        elif err["type"] == "missing":
            msg = f"missing required key {loc[-1]!r}" if loc else "missing key"
        elif err["type"] == "literal_error":
            msg = f"{msg} (got {err.get('input')!r})"
        lines.append(f"{index.where(loc)}: {msg}")
    head = "invalid semantic model" + (f" in {index.source}" if index.source != "<dict>" else "")
    return head + ":\n  " + "\n  ".join(lines)


def read_yaml_file(path: str | Path) -> tuple[dict[str, Any], LineIndex]:
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise ModelError(f"model file not found: {p}") from exc
    return parse_yaml(text, source=str(p))
