"""Write outputs atomically, only when their bytes change, and prune what we wrote before.

A manifest in the output directory lists every file sitegen wrote; only those
are ever replaced or deleted. An output directory holding other files is
refused unless the caller forces it, and even then those files are kept.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import threading
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from sitegen.budget import GITHUB_PAGES_LIMIT, OTHER, dominant, entry_size, format_size
from sitegen.diagnostics import Diagnostic, SitegenError, error, warning

MANIFEST = ".sitegen-manifest.json"
PENDING_FILE = ".sitegen-pending.json"  # see OutputDir.begin
MANIFEST_VERSION = 2  # entries: '<blake2b hex>:<size in bytes>'


def digest(data: bytes) -> str:
    """A manifest entry: content hash and size (the size feeds the Pages limit check)."""
    return f"{hashlib.blake2b(data, digest_size=16).hexdigest()}:{len(data)}"


def manifest_id(files: dict[str, str]) -> int:
    """A digest of a manifest's entries that does not depend on their order, so it can be
    updated entry by entry (:func:`entry_id`): the same outputs give the same id."""
    value = 0
    for rel, entry in files.items():
        value ^= entry_id(rel, entry)
    return value


def entry_id(rel: str, entry: str) -> int:
    data = f"{rel}\0{entry}".encode()
    return int.from_bytes(hashlib.blake2b(data, digest_size=8).digest(), "big")


def safe_relative(rel: str) -> bool:
    """True for a plain relative path that stays inside the output directory."""
    return all(part not in ("", ".", "..") for part in rel.split("/"))  # '' also catches '/abs' and 'a//b'


# A manifest entry for a file a build announced (OutputDir.begin) and may have written
# before it stopped: sitegen's, but its bytes are not known, so it is never kept as is.
PENDING = "pending:"
# atomic_write's temporary files: '.sitegen-<pid>-<thread>-<name>.tmp'.
_TEMPORARY = re.compile(r"\.sitegen-(\d+)-\d+-.+\.tmp")

_MADE_DIRS: set[str] = set()
_TMP_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)


def _running(pid: int) -> bool:
    """Whether process ``pid`` is alive. A killed process stays a zombie until its parent,
    or init, reaps it; in a container without an init that can take long: not running."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's
        return True
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as stat:
            return stat.read().rpartition(")")[2].split()[0] != "Z"
    except FileNotFoundError:  # gone meanwhile (or no /proc: not Linux, where kill() is the answer)
        return not os.path.isdir("/proc")
    except (OSError, IndexError):
        return True


@contextlib.contextmanager
def _writing(path: Path) -> Iterator[None]:
    """A write into the output folder that failed (a file where a folder should be, no space
    left, no permission) stops the build with one clear error, not a traceback."""
    try:
        yield
    except OSError as exc:
        raise SitegenError(
            [
                error(
                    "output-unwritable",
                    f"cannot write {path}: {exc.strerror or exc}; the output folder must be a "
                    "writable directory with free space (or choose another with --output)",
                )
            ]
        ) from exc


def atomic_write(path: Path, data: bytes) -> None:
    """Write to a temporary file beside ``path``, then rename it over ``path``.

    A few system calls per file (this runs for every output): directories known to
    exist are not made again, and the temporary name is unique per process and file.
    """
    parent = str(path.parent)
    if parent not in _MADE_DIRS:
        os.makedirs(parent, exist_ok=True)
        _MADE_DIRS.add(parent)
    tmp = f"{parent}/.sitegen-{os.getpid()}-{threading.get_ident()}-{path.name}.tmp"
    try:
        fd = os.open(tmp, _TMP_FLAGS, 0o644)
    except FileNotFoundError:  # the directory went away (removed by a prune): make it again
        os.makedirs(parent, exist_ok=True)
        fd = os.open(tmp, _TMP_FLAGS, 0o644)
    except FileExistsError:  # left by a crashed run of this very process id: start it afresh
        os.unlink(tmp)
        fd = os.open(tmp, _TMP_FLAGS, 0o644)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


@dataclass
class WriteReport:
    written: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)


class OutputDir:
    """The output directory and the record of what sitegen wrote into it."""

    def __init__(self, path: Path, force: bool = False, dry_run: bool = False) -> None:
        self.path = path
        self.dry_run = dry_run  # compute everything, write nothing (sitegen check)
        self.previous = self.read_manifest()
        self.current: dict[str, str] = {}
        self.report = WriteReport()
        self.present: set[str] = set()  # regular files found in the output directory
        self._announced: set[str] = set()  # see begin()
        self.foreign = self._foreign_files()
        if self.foreign and not force and not dry_run:
            shown = ", ".join(sorted(self.foreign)[:5]) + (" …" if len(self.foreign) > 5 else "")
            raise SitegenError(
                [
                    error(
                        "output-not-ours",
                        f"the output directory {path} holds {len(self.foreign)} file(s) sitegen did not "
                        f"write ({shown}); choose an empty directory, move them away, or pass --force "
                        "to build beside them (they are never deleted)",
                    )
                ]
            )

    @classmethod
    def resume(cls, path: Path, manifest: dict[str, str], foreign: set[str]) -> OutputDir:
        """The output directory as this process's last build left it, not read again: its
        manifest and the files beside ours are known (``sitegen serve``, between edits)."""
        self = cls.__new__(cls)
        self.path = path
        self.dry_run = False
        self.previous = manifest
        self.current = {}
        self.report = WriteReport()
        self.present = set(manifest)
        self._announced = set()
        self.foreign = foreign
        return self

    def keep_rest(self) -> None:
        """Every output of the last build not produced now stands, unchanged."""
        produced = self.current
        self.report.unchanged.extend(rel for rel in self.previous if rel not in produced)
        self.current = {**self.previous, **produced}

    def read_manifest(self) -> dict[str, str]:
        """What sitegen wrote here: the manifest's entries, and the files a build that stopped
        half-way had announced (see begin()) as PENDING entries."""
        entries = self._manifest_entries()
        entries.update((rel, PENDING + "0") for rel in self._pending_note())
        return entries

    def _pending_note(self) -> list[str]:
        try:
            pending = json.loads((self.path / PENDING_FILE).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return []
        if not isinstance(pending, list):
            return []
        return [str(rel) for rel in pending if safe_relative(str(rel))]

    def _manifest_entries(self) -> dict[str, str]:
        try:
            data = json.loads((self.path / MANIFEST).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        files = data.get("files") if isinstance(data, dict) else None
        if data.get("version") not in (1, MANIFEST_VERSION) or not isinstance(files, dict):
            return {}
        # Entries that point outside the output directory ('../x', '/etc/x') are never ours:
        # pruning them would delete files sitegen did not write.
        entries = {str(k): str(v) for k, v in files.items() if safe_relative(str(k))}
        if data["version"] == 1:  # written before sizes were recorded: the files are still ours
            entries = {k: f"{v}:{self._size(k)}" for k, v in entries.items()}
        return entries

    def _size(self, rel: str) -> int:
        try:
            return (self.path / rel).stat().st_size
        except OSError:
            return 0

    def _foreign_files(self) -> set[str]:
        """Files in the output directory that sitegen did not write; also notes which files
        are there (``self.present``), so keeping an output needs no system call of its own."""
        foreign: set[str] = set()
        if not self.path.is_dir():
            return foreign
        # os.scandir, not os.walk: the entry types come with the listing, which makes this
        # walk (every file of the site, on every build) three times faster.
        pending = [(str(self.path), "")]
        while pending:
            directory, prefix = pending.pop()
            with os.scandir(directory) as entries:
                for entry in entries:
                    rel = prefix + entry.name
                    if entry.is_dir(follow_symlinks=False):
                        pending.append((entry.path, rel + "/"))
                        continue
                    if entry.is_file(follow_symlinks=False):
                        temporary = _TEMPORARY.fullmatch(entry.name)
                        if temporary and self._left_behind(entry.path, int(temporary.group(1))):
                            continue
                        self.present.add(rel)
                    if rel not in (MANIFEST, PENDING_FILE) and rel not in self.previous:
                        foreign.add(rel)  # a file, or a link (to a file or a directory), ...
        return foreign

    def _left_behind(self, path: str, pid: int) -> bool:
        """A temporary file of atomic_write whose process is gone (killed mid-write): ours,
        removed. One of a live process (a build running beside this one) is left alone."""
        if pid != os.getpid() and _running(pid):
            return False
        if not self.dry_run:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(path)
        return True

    def begin(self, rels: Iterable[str]) -> None:
        """Before writing: note every file this build (or patch) may write, in PENDING_FILE.
        A build that stops half-way (Ctrl-C, a crash) leaves files that no manifest lists,
        or lists with other bytes; with this note the next build knows they are sitegen's
        (not files to refuse and keep) and trusts none of them: it writes them again.
        finish() removes the note once the manifest is written."""
        if self.dry_run:
            return
        new = {r for r in rels if safe_relative(r) and r not in self.foreign} - self._announced
        if not new:
            return
        if not self._announced:  # what earlier patches announced, before a finish() (sitegen serve)
            self._announced = set(self._pending_note())
        self._announced |= new
        note = json.dumps(sorted(self._announced), indent=0).encode("utf-8")
        with _writing(self.path / PENDING_FILE):
            atomic_write(self.path / PENDING_FILE, note)

    def write(self, rel: str, data: bytes) -> Diagnostic | None:
        """Write one output if its bytes changed. Returns a problem instead of clobbering."""
        problem = self.refuse(rel)
        if problem is None and rel in self.current:
            problem = error("output-duplicate", f"two parts of the site both write {rel}")
        if problem:
            return problem
        self.record(rel, *self.store(rel, data))
        return None

    # write() in three steps, so worker processes can store files while the parent keeps
    # the books: refuse() and store() change nothing in this object, record() does.
    def refuse(self, rel: str) -> Diagnostic | None:
        """Why ``rel`` must not be written, if it must not."""
        if not safe_relative(rel):
            return error(
                "output-unsafe",
                f"refusing to write {rel!r}: it is not a plain path inside the output directory",
            )
        if rel in self.foreign:
            return error(
                "output-not-ours",
                f"{rel} exists in the output directory and was not written by "
                "sitegen; it is left alone and this output is skipped",
            )
        return None

    def store(self, rel: str, data: bytes) -> tuple[str, bool]:
        """Put the bytes on disk unless the same bytes are there: (manifest entry, written)."""
        new_digest = digest(data)
        target = self.path / rel
        if self.previous.get(rel) == new_digest and rel in self.present:
            return new_digest, False
        if not self.dry_run:
            with _writing(target):
                atomic_write(target, data)
        return new_digest, True

    def record(self, rel: str, entry: str, written: bool) -> None:
        self.current[rel] = entry
        if not written:
            self.report.unchanged.append(rel)
        elif not self.dry_run:
            self.report.written.append(rel)

    def can_keep(self, rel: str) -> bool:
        """An output of an earlier build that is still on disk."""
        return (
            rel in self.previous
            and rel not in self.current
            and rel in self.present
            and not self.previous[rel].startswith(PENDING)
        )

    def keep(self, rel: str) -> bool:
        """Keep an output written by an earlier build, unchanged. False if it is gone from disk."""
        if not self.can_keep(rel):
            return False
        self.record(rel, self.previous[rel], False)
        return True

    def intact(self) -> bool:
        """Every file the last build wrote is still there."""
        return bool(self.previous) and all(
            rel in self.present and not entry.startswith(PENDING) for rel, entry in self.previous.items()
        )

    def finish_unchanged(self) -> WriteReport:
        """Nothing to do: every output of the last build stands."""
        self.report.unchanged.extend(sorted(self.previous))
        return self.report

    def adopt(self, prefix: str, rels: list[str]) -> None:
        """Files under ``prefix`` written by a tool sitegen ran (the search index): ours now."""
        for rel in [r for r in self.current if r.startswith(prefix)]:
            del self.current[rel]
        self.report.unchanged = [r for r in self.report.unchanged if not r.startswith(prefix)]
        for rel in rels:
            self.current[rel] = digest((self.path / rel).read_bytes())
            same = self.previous.get(rel) == self.current[rel]
            (self.report.unchanged if same else self.report.written).append(rel)

    def prune(self) -> None:
        """Remove outputs written before and not now."""
        if self.dry_run:
            return
        for rel in sorted(set(self.previous) - set(self.current)):
            target = self.path / rel
            if target.is_file() or target.is_symlink():
                target.unlink()
                self.report.removed.append(rel)
                self._remove_empty_parents(target.parent)
        self.previous = {r: d for r, d in self.previous.items() if r in self.current}

    def finish(self) -> WriteReport:
        """Remove outputs written before and not now; save the manifest."""
        if self.dry_run:
            return self.report
        manifest = {"version": MANIFEST_VERSION, "files": dict(sorted(self.current.items()))}
        with _writing(self.path / MANIFEST):
            self.prune()
            atomic_write(self.path / MANIFEST, json.dumps(manifest, indent=0).encode("utf-8"))
            (self.path / PENDING_FILE).unlink(missing_ok=True)
        return self.report

    def size(self) -> int:
        """Bytes of every output (as the manifest entries record them)."""
        return sum(entry_size(entry) for entry in self.current.values())

    def pages_limits(
        self, sizes: Mapping[str, int] | None = None, limit: int = GITHUB_PAGES_LIMIT
    ) -> list[Diagnostic]:
        """GitHub Pages refuses symlinks in an artifact and publishes at most 1 GB (``limit``:
        ``max_site_size``). ``sizes``: our outputs' bytes by kind, if known."""
        problems = []
        links = sorted(r for r in self.foreign if (self.path / r).is_symlink())
        if links:
            problems.append(
                error(
                    "pages-symlink",
                    f"the output directory holds symbolic links ({', '.join(links[:5])}"
                    f"{' …' if len(links) > 5 else ''}); GitHub Pages rejects an "
                    "artifact with links: remove them",
                )
            )
        by_kind = dict(sizes) if sizes is not None else {OTHER: self.size()}
        beside = sum((self.path / r).stat().st_size for r in self.foreign if (self.path / r).is_file())
        by_kind[OTHER] = by_kind.get(OTHER, 0) + beside
        total = sum(by_kind.values())
        if total > limit:
            over = "max_site_size" if limit != GITHUB_PAGES_LIMIT else "GitHub Pages' limit"
            problems.append(
                warning(
                    "site-too-large",
                    f"the published site is {format_size(total)}, over {format_size(limit)} ({over}); "
                    f"most of it is {', '.join(dominant(by_kind))}. GitHub Pages refuses a site over "
                    "1 GB (the deployment fails) and stops any deployment after 10 minutes; GitLab "
                    "Pages has the same 1 GB limit. Shrink or split the archive, or host it elsewhere",
                )
            )
        return problems

    def _remove_empty_parents(self, directory: Path) -> None:
        while directory != self.path and directory.is_dir() and not any(directory.iterdir()):
            directory.rmdir()
            directory = directory.parent
