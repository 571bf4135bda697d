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
from stat import S_ISREG

from sitegen.sources import SiteInputs, read_input
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
            stat = os.lstat(name)
        except OSError:
            continue
        if not S_ISREG(stat.st_mode):
            continue  # no longer an input: discovery reports what it is
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
        data, _ = read_input(path, root)
        if data is None:
            continue
        digest = hashlib.blake2b(data, digest_size=16).hexdigest()
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
    return list(inputs.template_files)


def all_inputs(inputs: SiteInputs, root: Path) -> list[Path]:
    return [
        root / "sitegen.toml",
        *inputs.seeds,
        *inputs.editorials,
        *inputs.pages,
        *inputs.entities,
        *inputs.correction_files,
        *inputs.redirect_files,
        *inputs.template_files,
        *inputs.static_files,
    ]


def static_files(inputs: SiteInputs) -> dict[str, Path]:
    """Theme assets first, then the site's own: same relative path → the site wins."""
    files: dict[str, Path] = {}
    for directory in inputs.static_dirs:
        for path in (p for p in inputs.static_files if p.is_relative_to(directory)):  # sorted
            if not path.name.startswith("."):
                files[path.relative_to(directory).as_posix()] = path
    return files
