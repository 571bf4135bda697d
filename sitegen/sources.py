"""Find a site's input files and read them: the one place inputs are read through.

Only regular files inside the site are inputs. A symbolic link (to a file or a folder)
is refused with an error naming it, so a link to a file outside the site (``/etc/passwd``)
is never read nor published; so is a device, socket or pipe. A seed, article, page, entity
or rules file whose name starts with '.' is hidden: skipped, and named in a warning (an
info for editors' lock files). A link with such a name elsewhere is passed over silently:
editors' lock files (``.#x.html``) are links.
"""

from __future__ import annotations

import errno
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

from sitegen.diagnostics import Diagnostic, SitegenError, error, info, warning

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
    template_files: tuple[Path, ...] = ()  # every file under template_dirs
    static_files: tuple[Path, ...] = ()  # every file under static_dirs, in their order
    problems: tuple[Diagnostic, ...] = ()  # what discovery refused or skipped
    redirect_files: tuple[Path, ...] = ()  # content/redirects.toml, if there is one
    extra: dict[str, Path] = field(default_factory=dict)

    def rel(self, path: Path) -> str:
        return path.relative_to(self.root).as_posix()

    @property
    def collections(self) -> list[str]:
        """The rule collections, one per rules file (named as sitegen.corrections names them)."""
        from sitegen.corrections import collection_name  # corrections reads through this module

        return [collection_name(self.rel(p)) for p in self.correction_files]


INPUT_SYMLINK = "input-symlink"
INPUT_NOT_FILE = "input-not-file"
INPUT_HIDDEN = "input-hidden"
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)  # not on Windows: a check before opening instead
_READ_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | _NOFOLLOW | getattr(os, "O_CLOEXEC", 0)


def _rel(path: Path, root: Path) -> str:
    return path.relative_to(root).as_posix() if path.is_relative_to(root) else path.as_posix()


def refused(path: Path, root: Path, *, symlink: bool) -> Diagnostic:
    """The error for an input that is a symbolic link, or not a regular file."""
    rel = _rel(path, root)
    if symlink:
        return error(
            INPUT_SYMLINK,
            "refusing to read a symbolic link: a site's inputs are the files inside it; "
            "put a copy of the file here instead of a link",
            rel,
        )
    return error(
        INPUT_NOT_FILE,
        "not a regular file; inputs must be plain files (not directories, devices or pipes)",
        rel,
    )


def read_input(path: Path, root: Path) -> tuple[bytes | None, Diagnostic | None]:
    """The bytes of the input file ``path`` of the site at ``root``, or why it cannot be read.

    The last component is opened without following a link (the folders above it were
    checked by :func:`discover`); a pipe is opened without waiting for a writer, then refused.
    """
    if not _NOFOLLOW and os.path.islink(path):
        return None, refused(path, root, symlink=True)
    try:
        fd = os.open(path, _READ_FLAGS)
    except OSError as exc:
        if exc.errno in (errno.ELOOP, errno.EMLINK) and os.path.islink(path):
            return None, refused(path, root, symlink=True)
        return None, error("input-unreadable", f"cannot be read: {exc.strerror}", _rel(path, root))
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None, refused(path, root, symlink=False)
        with open(fd, "rb", closefd=False) as handle:
            return handle.read(), None
    except OSError as exc:
        return None, error("input-unreadable", f"cannot be read: {exc.strerror}", _rel(path, root))
    finally:
        os.close(fd)


def _hidden(path: Path, root: Path) -> Diagnostic:
    name = path.name
    if name.startswith((".#", "._")):  # an editor's lock file, macOS metadata: not news
        return info(
            INPUT_HIDDEN,
            "skipped: a hidden file (an editor's lock file or system metadata)",
            _rel(path, root),
        )
    return warning(
        INPUT_HIDDEN,
        f"skipped: a name that starts with '.' is a hidden file; rename it '{name.lstrip('.')}' "
        "to build it, or move it out of the folder",
        _rel(path, root),
    )


def _folder(path: Path, root: Path, problems: list[Diagnostic]) -> bool:
    """True when ``path`` is a folder, not a link to one (reported)."""
    try:
        mode = os.lstat(path).st_mode
    except OSError:
        return False
    if stat.S_ISLNK(mode):
        problems.append(refused(path, root, symlink=True))
        return False
    return stat.S_ISDIR(mode)


def _files(directory: Path, suffix: str, root: Path, problems: list[Diagnostic]) -> tuple[Path, ...]:
    """The regular files of ``directory`` named ``*<suffix>``, sorted by name; hidden ones,
    links and others of that name are reported."""
    names: list[str] = []
    try:
        with os.scandir(directory) as entries:  # names, not Paths, until sorted: 10,000s of seeds
            for entry in entries:
                name = entry.name
                if not name.endswith(suffix):
                    continue
                if name[0] == ".":
                    problems.append(_hidden(directory / name, root))
                elif entry.is_file(follow_symlinks=False):
                    names.append(name)
                else:
                    problems.append(refused(directory / name, root, symlink=entry.is_symlink()))
    except OSError:  # missing (or unreadable, which the glob this replaced ignored too)
        return ()
    return tuple(directory / n for n in sorted(names))


def _tree(directory: Path, root: Path, problems: list[Diagnostic]) -> list[Path]:
    """Every regular file under ``directory``; links are reported, but for hidden ones
    (editors' lock files are links)."""
    found: list[Path] = []
    try:
        with os.scandir(directory) as scan:
            entries = sorted(scan, key=lambda e: e.name)
    except OSError:
        return found
    for entry in entries:
        path = directory / entry.name
        if entry.is_dir(follow_symlinks=False):
            found.extend(_tree(path, root, problems))
        elif entry.is_file(follow_symlinks=False):
            found.append(path)
        elif not entry.name.startswith("."):
            problems.append(refused(path, root, symlink=entry.is_symlink()))
    return found


def files_under(directory: Path) -> list[Path]:
    """Every regular file under ``directory`` (a template folder), links left out."""
    return sorted(_tree(directory, directory, []))


def theme_dir(root: Path, theme: str) -> Path | None:
    """A site's own ``themes/<name>`` wins over the theme shipped with sitegen (not a link
    to a folder: :func:`discover` reports one)."""
    local = root / THEMES_DIR / theme
    if _folder(local.parent, root, []) and _folder(local, root, []):
        return local
    packaged = Path(__file__).parent / "_themes" / theme
    if packaged.is_dir():
        return packaged
    # Running from a source checkout: the default theme sits at the repository root.
    checkout = Path(__file__).resolve().parent.parent / THEMES_DIR / theme
    return checkout if checkout.is_dir() else None


def require_theme(root: Path, theme: str) -> Path:
    """The theme's folder; an error naming sitegen.toml when there is none."""
    found = theme_dir(root, theme)
    if found is None:
        raise SitegenError(
            [
                error(
                    "theme-missing",
                    f"theme '{theme}' not found in themes/ nor among the themes shipped with sitegen",
                    "sitegen.toml",
                )
            ]
        )
    return found


def resolve_output(root: Path, output_dir: str, output: Path | None) -> Path:
    """Where the site is written (``--output``, else the configuration's ``output_dir``),
    refused when it would overwrite the site's own sources."""
    out = (output if output is not None else root / output_dir).resolve()
    root = root.resolve()
    if out == root or root.is_relative_to(out) or any(out.is_relative_to(root / d) for d in RESERVED_DIRS):
        raise SitegenError(
            [
                error(
                    "output-unsafe",
                    f"refusing to write the site into {out}: it would overwrite "
                    "the site's own sources; use a separate directory such as "
                    "'_site'",
                )
            ]
        )
    return out


def _file(path: Path, root: Path, problems: list[Diagnostic]) -> bool:
    """True when ``path`` is a regular file; anything else there is reported."""
    try:
        mode = os.lstat(path).st_mode
    except OSError:
        return False
    if not stat.S_ISREG(mode):
        problems.append(refused(path, root, symlink=stat.S_ISLNK(mode)))
    return stat.S_ISREG(mode)


def correction_files(root: Path, problems: list[Diagnostic]) -> tuple[Path, ...]:
    """The rules files, one per collection: content/corrections.toml and
    content/corrections/*.toml, neither through a link (also what `sitegen import
    --collection` may name)."""
    legacy = root / CONTENT_DIR / "corrections.toml"
    folder = root / CONTENT_DIR / "corrections"
    found = (legacy,) if _file(legacy, root, problems) else ()
    return found + (_files(folder, ".toml", root, problems) if _folder(folder, root, problems) else ())


def discover(root: Path, theme: Path) -> SiteInputs:
    """Every input of the site at ``root`` with the theme at ``theme``, and what was refused."""
    problems: list[Diagnostic] = []
    local_theme = root / THEMES_DIR / theme.name
    if _folder(local_theme.parent, root, problems):
        _folder(local_theme, root, problems)  # a link is reported (and theme_dir did not take it)

    def folder_files(folder: Path, suffix: str) -> tuple[Path, ...]:
        return _files(folder, suffix, root, problems) if _folder(folder, root, problems) else ()

    content = root / CONTENT_DIR
    has_content = _folder(content, root, problems)

    def content_files(folder: str, suffix: str) -> tuple[Path, ...]:
        return folder_files(content / folder, suffix) if has_content else ()

    corrections = correction_files(root, problems) if has_content else ()
    redirects = content / "redirects.toml"
    redirect_files = (redirects,) if has_content and _file(redirects, root, problems) else ()
    template_dirs = tuple(
        d for d in (root / TEMPLATES_DIR, theme / "templates") if _folder(d, root, problems)
    )
    static_dirs = tuple(d for d in (theme / "static", root / STATIC_DIR) if _folder(d, root, problems))
    return SiteInputs(
        root=root,
        seeds=folder_files(root / SEEDS_DIR, ".txt"),
        editorials=content_files("articles", ".md"),
        pages=content_files("pages", ".md"),
        entities=content_files("entities", ".md"),
        correction_files=corrections,
        template_dirs=template_dirs,
        static_dirs=static_dirs,
        template_files=tuple(p for d in template_dirs for p in sorted(_tree(d, root, problems))),
        static_files=tuple(p for d in static_dirs for p in sorted(_tree(d, root, problems))),
        problems=tuple(problems),
        redirect_files=redirect_files,
    )
