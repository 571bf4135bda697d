"""Split a Markdown file into front matter (YAML ``---`` or TOML ``+++``) and body.

Positions of keys are kept so that later stages can report ``file:line``.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from typing import Any

import yaml

from sitegen.diagnostics import Diagnostic, error
from sitegen.tomlpos import TomlPositions

Path_ = tuple[str | int, ...]


@dataclass(frozen=True, slots=True)
class FrontMatter:
    data: dict[str, Any]
    body: str
    body_line: int  # 1-based line where the body starts
    positions: dict[Path_, int] = field(default_factory=dict)

    def line(self, *path: str | int) -> int:
        """Line of ``path`` or its nearest enclosing key; 1 when unknown."""
        while path:
            if path in self.positions:
                return self.positions[path]
            path = path[:-1]
        return 1


def _yaml_positions(node: yaml.Node, path: Path_, out: dict[Path_, int], offset: int) -> None:
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            if isinstance(key_node, yaml.ScalarNode):
                key_path = (*path, key_node.value)
                out[key_path] = key_node.start_mark.line + offset
                _yaml_positions(value_node, key_path, out, offset)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            item_path = (*path, index)
            out[item_path] = item.start_mark.line + offset
            _yaml_positions(item, item_path, out, offset)


_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when PyYAML has it: ~10x faster


def _load_yaml(raw: str) -> tuple[yaml.Node | None, Any]:
    """Parse once: the node tree (for line numbers) and the data built from it."""
    loader = _Loader(raw)
    try:
        node = loader.get_single_node()
        return node, (loader.construct_document(node) if node is not None else None)
    finally:
        loader.dispose()


def _impossible_date(raw: str) -> tuple[int, str]:
    """The line (from 0) and value of the first YAML timestamp in ``raw`` that is not a real
    date or time, judged by the constructor that failed to build it."""
    loader = _Loader(raw)
    try:
        stack = [loader.get_single_node()]
        while stack:
            node = stack.pop(0)
            if isinstance(node, yaml.ScalarNode) and node.tag == "tag:yaml.org,2002:timestamp":
                try:
                    loader.construct_yaml_timestamp(node)
                except ValueError:
                    return node.start_mark.line, node.value
            elif isinstance(node, yaml.MappingNode):
                stack.extend(item for pair in node.value for item in pair)
            elif isinstance(node, yaml.SequenceNode):
                stack.extend(node.value)
    finally:
        loader.dispose()
    return 0, "?"


def split_front_matter(text: str, rel: str) -> tuple[FrontMatter | None, list[Diagnostic]]:
    # Same line ends as the seed reader: CRLF and lone CR (old Mac editors) both end a line.
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    fence = lines[0].rstrip() if lines else ""
    if fence not in ("---", "+++"):
        return FrontMatter({}, text, 1), []
    try:
        end = next(i for i in range(1, len(lines)) if lines[i].rstrip() == fence)
    except StopIteration:
        return None, [
            error(
                "frontmatter-unclosed",
                f"front matter opened with '{fence}' on line 1 is "
                f"never closed; add a line '{fence}' after it",
                rel,
                1,
            )
        ]
    raw = "\n".join(lines[1:end])
    body = "\n".join(lines[end + 1 :])
    positions: dict[Path_, int] = {}
    data: Any
    if fence == "---":
        try:
            node, data = _load_yaml(raw)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            line = mark.line + 2 if mark is not None else 1
            problem = getattr(exc, "problem", None) or str(exc)
            return None, [error("frontmatter-yaml", f"front matter is not valid YAML: {problem}", rel, line)]
        except ValueError as exc:  # PyYAML takes 2021-02-30 for a date, and fails without a mark
            line, value = _impossible_date(raw)
            message = f"'{value}' is not a real date ({exc}); correct it, or quote it if it is text"
            return None, [error("frontmatter-yaml", message, rel, line + 2)]
        if node is not None:
            _yaml_positions(node, (), positions, 2)
    else:
        try:
            data = tomllib.loads(raw)
        except tomllib.TOMLDecodeError as exc:
            # tomllib counts from the first line after '+++', which is line 2 of the file.
            match = re.search(r"line (\d+)", str(exc))
            line = int(match.group(1)) + 1 if match else 1
            return None, [error("frontmatter-toml", f"front matter is not valid TOML: {exc}", rel, line)]
        positions = dict(TomlPositions(raw, first_line=2).lines)
    if data is None:
        data = {}
    if not isinstance(data, dict):
        return None, [error("frontmatter-type", "front matter must be a mapping of keys to values", rel, 2)]
    return FrontMatter(data, body, end + 2, positions), []
