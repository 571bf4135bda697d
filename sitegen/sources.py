"""Find a site's input files. Knows the layout of a site; reads no contents."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

SEEDS_DIR = "seeds"
CONTENT_DIR = "content"
TEMPLATES_DIR = "templates"
STATIC_DIR = "static"
THEMES_DIR = "themes"
RESERVED_DIRS = (SEEDS_DIR, CONTENT_DIR, TEMPLATES_DIR, STATIC_DIR, THEMES_DIR, ".sitegen", ".git")


@dataclass(frozen=True, slots=True)
class SiteInputs:
    root: Path
    seeds: tuple[Path, ...]
    editorials: tuple[Path, ...]  # content/articles/*.md
    pages: tuple[Path, ...]  # content/pages/*.md
    entities: tuple[Path, ...]  # content/entities/*.md
    correction_files: tuple[Path, ...]  # content/corrections.toml, content/corrections/*.toml
    template_dirs: tuple[Path, ...]  # site first, then theme: first match wins
    static_dirs: tuple[Path, ...]  # theme first, then site: later ones override
    extra: dict[str, Path] = field(default_factory=dict)

    def rel(self, path: Path) -> str:
        return path.relative_to(self.root).as_posix()


def _files(directory: Path, suffix: str) -> tuple[Path, ...]:
    """The entries of ``directory`` named ``*<suffix>``, but hidden ones, sorted by name."""
    try:
        names = os.listdir(directory)  # names, not Paths, until sorted: 10,000s of seeds
    except OSError:  # missing (or unreadable, which the glob this replaced ignored too)
        return ()
    return tuple(directory / n for n in sorted(n for n in names if n.endswith(suffix) and n[0] != "."))


def theme_dir(root: Path, theme: str) -> Path | None:
    """A site's own ``themes/<name>`` wins over the theme shipped with sitegen."""
    local = root / THEMES_DIR / theme
    if local.is_dir():
        return local
    packaged = Path(__file__).parent / "_themes" / theme
    if packaged.is_dir():
        return packaged
    # Running from a source checkout: the default theme sits at the repository root.
    checkout = Path(__file__).resolve().parent.parent / THEMES_DIR / theme
    return checkout if checkout.is_dir() else None


def discover(root: Path, theme: Path) -> SiteInputs:
    content = root / CONTENT_DIR
    corrections = [content / "corrections.toml"] if (content / "corrections.toml").is_file() else []
    corrections.extend(_files(content / "corrections", ".toml"))
    return SiteInputs(
        root=root,
        seeds=_files(root / SEEDS_DIR, ".txt"),
        editorials=_files(content / "articles", ".md"),
        pages=_files(content / "pages", ".md"),
        entities=_files(content / "entities", ".md"),
        correction_files=tuple(corrections),
        template_dirs=tuple(d for d in (root / TEMPLATES_DIR, theme / "templates") if d.is_dir()),
        static_dirs=tuple(d for d in (theme / "static", root / STATIC_DIR) if d.is_dir()),
    )
