"""Content stamps of a site's input files: what changed since the last build.

A stamp is a file's content hash; its mtime and size are only a fast path to
reuse the stored hash (git checkouts and CI reset mtimes).
"""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Iterable, Mapping
from pathlib import Path

from sitegen.sources import SiteInputs
from sitegen.state import FileStamp

# A file modified within this long before it was hashed may change again without its mtime
# moving (coarse timestamps: 1 s or 2 s on FAT, HFS+, some network mounts), so its stored
# hash is not trusted on mtime and size alone: it is hashed again (git's "racy clean" rule).
RACY_NS = 2_000_000_000


def stamp_files(paths: Iterable[Path], root: Path, old: dict[str, FileStamp]) -> dict[str, FileStamp]:
    """Content hashes of ``paths``; an unchanged mtime and size reuse the stored hash (fast path)."""
    stamps: dict[str, FileStamp] = {}
    now = time.time_ns()
    inside = os.path.join(root, "")  # strings, not pathlib: a large site has 10,000s of inputs
    for path in paths:
        name = str(path)
        try:
            stat = os.stat(name)
        except OSError:
            continue
        key = name[len(inside) :] if name.startswith(inside) and os.sep == "/" else stamp_key(path, root)
        previous = old.get(key)
        if (
            previous
            and previous.mtime_ns == stat.st_mtime_ns
            and previous.size == stat.st_size
            and previous.mtime_ns < previous.checked_ns - RACY_NS
        ):
            stamps[key] = previous
            continue
        try:
            digest = hashlib.blake2b(path.read_bytes(), digest_size=16).hexdigest()
        except OSError:
            continue
        stamps[key] = FileStamp(stat.st_mtime_ns, stat.st_size, digest, now)
    return stamps


def settle(stamps: dict[str, FileStamp], read: Mapping[str, str]) -> bool:
    """Make ``stamps`` name the bytes a build used (``read``: path → hash of the bytes read),
    where those differ from the bytes stamped: the file changed between the two reads. Such a
    stamp matches no file's mtime, so the next build hashes the file again and sees the change.
    Returns whether any stamp changed."""
    changed = False
    for key, digest in read.items():
        stamp = stamps.get(key)
        if (stamp.digest if stamp else "") != digest:  # "": not read, then or now
            stamps[key] = FileStamp(0, 0, digest)
            changed = True
    return changed


def stamp_key(path: Path, root: Path) -> str:
    """How an input is named in the state: relative to the site, or absolute (a packaged theme)."""
    return path.relative_to(root).as_posix() if path.is_relative_to(root) else path.resolve().as_posix()


def template_files(inputs: SiteInputs) -> list[Path]:
    return [p for d in inputs.template_dirs for p in sorted(d.rglob("*")) if p.is_file()]


def all_inputs(inputs: SiteInputs, root: Path) -> list[Path]:
    paths = [
        root / "sitegen.toml",
        *inputs.seeds,
        *inputs.editorials,
        *inputs.pages,
        *inputs.entities,
        *inputs.correction_files,
    ]
    paths.extend(template_files(inputs))
    for directory in inputs.static_dirs:
        paths.extend(p for p in sorted(directory.rglob("*")) if p.is_file())
    return paths


def static_files(dirs: tuple[Path, ...]) -> dict[str, Path]:
    """Theme assets first, then the site's own: same relative path → the site wins."""
    files: dict[str, Path] = {}
    for directory in dirs:
        for path in sorted(directory.rglob("*")):
            if path.is_file() and not path.name.startswith("."):
                files[path.relative_to(directory).as_posix()] = path
    return files
