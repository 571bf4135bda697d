"""Typed site configuration from ``sitegen.toml``.

Every problem is reported at once, each with ``file:line``; an unknown key is
an error that suggests the nearest known one (MkDocs and Zola do the same).
"""

from __future__ import annotations

import difflib
import os
import re
import string
import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from sitegen.budget import GITHUB_PAGES_LIMIT, parse_size
from sitegen.diagnostics import Diagnostic, SitegenError, error
from sitegen.sources import read_input
from sitegen.tomlpos import TomlPositions
from sitegen.urlpolicy import unsafe_reason

CONFIG_FILE = "sitegen.toml"
PERMALINK_FIELDS = {"year", "month", "day", "slug", "id"}
MENTION_LINKING = ("first", "every", "none")


@dataclass(frozen=True, slots=True)
class EntitiesConfig:
    link_mentions: str = "first"  # first | every | none
    # Rows of an entity's listing (one line per article): fewer, longer pages, since a
    # widely mentioned entity lists most of the archive and each page repeats the site's frame.
    per_page: int = 100


@dataclass(frozen=True, slots=True)
class SearchConfig:
    enabled: bool = True  # a search page and index, when Pagefind is installed


@dataclass(frozen=True, slots=True)
class SiteConfig:
    title: str = "Untitled archive"
    description: str = ""
    language: str = "en"
    base_url: str = "/"
    publisher: str = ""
    output_dir: str = "_site"
    theme: str = "default"
    permalink: str = "/{year}/{month}/{day}/{slug}/"
    per_page: int = 50
    custom_domain: str = ""  # GitHub Pages custom domain: written to CNAME
    max_site_size: int = GITHUB_PAGES_LIMIT  # bytes; above it the build warns (budget.py)
    entities: EntitiesConfig = field(default_factory=EntitiesConfig)
    search: SearchConfig = field(default_factory=SearchConfig)

    @property
    def base_path(self) -> str:
        """The path part of base_url, always with leading and trailing slash."""
        path = re.sub(r"^[a-z][a-z0-9+.-]*://[^/]*", "", self.base_url)
        path = "/" + path.strip("/") + "/"
        return "/" if path == "//" else path

    @property
    def site_origin(self) -> str:
        match = re.match(r"^[a-z][a-z0-9+.-]*://[^/]*", self.base_url)
        return match.group(0) if match else ""


def _check_str(value: Any) -> str | None:
    return None if isinstance(value, str) else "must be a string"


def _check_domain(value: Any) -> str | None:
    if not isinstance(value, str):
        return "must be a string"
    if value and not re.fullmatch(
        r"(?=.{1,253}\Z)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}", value
    ):
        return "must be a bare host name such as 'archive.example.org' (no scheme, no path)"
    return None


def _check_bool(value: Any) -> str | None:
    return None if isinstance(value, bool) else "must be true or false"


def _check_int(value: Any) -> str | None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        return "must be a positive integer"
    return None


# Characters that have no place in a base URL and could end the HTML attribute or JavaScript
# string it is written into.
_NOT_IN_BASE_URL = re.compile(r"[\s\"'<>`\\\x00-\x1f\x7f]")


def _check_base_url(value: Any) -> str | None:
    if not isinstance(value, str):
        return "must be a string"
    shape = "must be an absolute http(s) URL such as 'https://user.github.io/repo/', or a path such as '/'"
    unsafe = unsafe_reason(value)
    if unsafe:
        return f"{shape}; {value!r} {unsafe}"
    bad = _NOT_IN_BASE_URL.search(value)
    if bad:
        return f"{shape}, without {bad.group()!r} (no quotes, '<', '>', backslashes, spaces or controls)"
    if value.startswith("/") or re.fullmatch(r"https?://[^/\s]+(/[^\s?#]*)?", value):
        return None
    return shape


def _check_permalink(value: Any) -> str | None:
    if not isinstance(value, str):
        return "must be a string"
    # Parse exactly as str.format will at build time: '{}', '{0}', '{slug.upper}', '{year:>8}' or a
    # stray '{' would otherwise pass here and crash (or produce odd URLs) when articles are placed.
    try:
        parsed = list(string.Formatter().parse(value))
    except ValueError as exc:
        return f"is not a valid pattern ({exc}); put braces only around fields such as {{slug}}"
    names = set()
    literal = ""
    for text, name, spec, conversion in parsed:
        literal += text
        if name is None:
            continue
        if spec or conversion or not re.fullmatch(r"\w+", name):
            field_text = name + (f"!{conversion}" if conversion else "") + (f":{spec}" if spec else "")
            return f"field '{{{field_text}}}' must be a plain name such as {{slug}}"
        names.add(name)
        literal += "x"
    if re.search(r"[\s?#\\%\"'<>`]", literal) or any(part in (".", "..") for part in literal.split("/")):
        return (
            "must be a plain path: no whitespace, '?', '#', '%', '\\', quotes, '<', '>', "
            "nor '.' or '..' segments"
        )
    unknown = names - PERMALINK_FIELDS
    if unknown:
        return f"uses unknown field(s) {sorted(unknown)}; known: {sorted(PERMALINK_FIELDS)}"
    if "slug" not in names and "id" not in names:
        return "must contain {slug} or {id} so that every article gets its own URL"
    if not value.startswith("/") or not value.endswith("/"):
        return "must start and end with '/' (for example '/{year}/{month}/{day}/{slug}/')"
    return None


def _check_size(value: Any) -> str | None:
    if parse_size(value) is None:
        return (
            'must be a size such as "500MB" or "1GiB" (units B, KB, MB, GB, KiB, MiB, GiB) '
            "or a positive number of bytes"
        )
    return None


def _check_choice(choices: tuple[str, ...]) -> Any:
    def check(value: Any) -> str | None:
        if value not in choices:
            return f"must be one of {', '.join(repr(c) for c in choices)}"
        return None

    return check


def _check_relative_dir(value: Any) -> str | None:
    if not isinstance(value, str) or not value.strip():
        return "must be a non-empty string"
    if Path(value).is_absolute() or ".." in Path(value).parts or value.strip("/.") == "":
        return "must be a directory inside the site root, such as '_site'"
    return None


_CHECKS: dict[str, Any] = {
    "title": _check_str,
    "description": _check_str,
    "language": _check_str,
    "base_url": _check_base_url,
    "publisher": _check_str,
    "output_dir": _check_relative_dir,
    "theme": _check_str,
    "permalink": _check_permalink,
    "per_page": _check_int,
    "custom_domain": _check_domain,
    "max_site_size": _check_size,
    "entities.link_mentions": _check_choice(MENTION_LINKING),
    "entities.per_page": _check_int,
    "search.enabled": _check_bool,
}
_SECTIONS: dict[str, type] = {"entities": EntitiesConfig, "search": SearchConfig}
_CONVERT: dict[str, Any] = {"max_site_size": parse_size}  # checked values stored in another form


def _unknown_key(key: str, known: list[str], rel: str, line: int | None) -> Diagnostic:
    close = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
    hint = f"; did you mean '{close[0]}'?" if close else f"; known keys: {', '.join(sorted(known))}"
    return error("config-unknown-key", f"unknown key '{key}'{hint}", rel, line)


def parse_config(text: str, rel: str = CONFIG_FILE) -> tuple[SiteConfig, list[Diagnostic]]:
    """Parse configuration text; return the config and every problem found."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        match = re.search(r"line (\d+)", str(exc))
        return SiteConfig(), [
            error(
                "config-syntax",
                f"not valid TOML: {exc}",
                rel,
                int(match.group(1)) if match else None,
            )
        ]
    positions = TomlPositions(text)
    problems: list[Diagnostic] = []
    top_known = [f.name for f in fields(SiteConfig)]
    values: dict[str, Any] = {}
    for key, value in data.items():
        if key not in top_known:
            problems.append(_unknown_key(key, top_known, rel, positions.line(key)))
            continue
        if key in _SECTIONS:
            section_type = _SECTIONS[key]
            if not isinstance(value, dict):
                problems.append(error("config-type", f"'{key}' must be a table", rel, positions.line(key)))
                continue
            section_known = [f.name for f in fields(section_type)]
            section_values = {}
            for sub, sub_value in value.items():
                if sub not in section_known:
                    problems.append(
                        _unknown_key(
                            f"{key}.{sub}",
                            [f"{key}.{k}" for k in section_known],
                            rel,
                            positions.line(key, sub),
                        )
                    )
                    continue
                message = _CHECKS[f"{key}.{sub}"](sub_value)
                if message:
                    problems.append(
                        error(
                            "config-value",
                            f"'{key}.{sub}' {message}",
                            rel,
                            positions.line(key, sub),
                        )
                    )
                else:
                    section_values[sub] = sub_value
            values[key] = section_type(**section_values)
            continue
        message = _CHECKS[key](value)
        if message:
            problems.append(error("config-value", f"'{key}' {message}", rel, positions.line(key)))
        else:
            values[key] = _CONVERT[key](value) if key in _CONVERT else value
    return SiteConfig(**values), problems


def load_config(root: Path, base_url: str | None = None) -> SiteConfig:
    """Read ``sitegen.toml`` under ``root``; raise :class:`SitegenError` listing every problem."""
    path = root / CONFIG_FILE
    if not os.path.lexists(path):
        raise SitegenError(
            [
                error(
                    "config-missing",
                    f"no {CONFIG_FILE} in {root}; is this a sitegen site? ('sitegen init' creates one)",
                )
            ]
        )
    data, refused = read_input(path, root)
    if data is None:
        raise SitegenError([refused] if refused else [])
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SitegenError([error("config-encoding", f"not UTF-8: {exc}", CONFIG_FILE)]) from exc
    config, problems = parse_config(text)
    if base_url is not None:
        message = _check_base_url(base_url)
        if message:
            problems.append(error("config-value", f"--base-url {message}"))
        else:
            config = replace(config, base_url=base_url)
    if problems:
        raise SitegenError(problems)
    return config
