"""Persistent build state in ``.sitegen/state.sqlite`` (standard-library sqlite3).

The state is a cache: a missing, corrupt or older-version file means one full
build with a one-line notice, never an error or a wrong site. It is written
in one transaction that commits after the outputs (page records join it as pages
are made), so a crash before leaves an older state that can only cause extra work,
never a stale page.
"""

from __future__ import annotations

import functools
import hashlib
import os
import pickle
import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import zstandard

from sitegen import __version__
from sitegen.model import model_signature
from sitegen.workers import no_fork

STATE_DIR = ".sitegen"
STATE_FILE = "state.sqlite"
# 3: an analysis's texts live beside its body, by digest; 4: snapshot; 5: the build record's
# table; 6: bodies and texts compressed (pack_blob); 7: with Zstandard, not zlib
SCHEMA_VERSION = 7

_SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE record (version INTEGER NOT NULL, data BLOB NOT NULL);  -- one row: record.py
CREATE TABLE inputs (path TEXT PRIMARY KEY, mtime_ns INTEGER NOT NULL, size INTEGER NOT NULL,
                     digest TEXT NOT NULL, checked_ns INTEGER NOT NULL);
CREATE TABLE analyses (id TEXT PRIMARY KEY, deps TEXT NOT NULL, article BLOB NOT NULL);
CREATE TABLE bodies (digest TEXT PRIMARY KEY, body BLOB NOT NULL, texts BLOB NOT NULL);
CREATE TABLE pages (path TEXT PRIMARY KEY, fingerprint TEXT NOT NULL, links BLOB NOT NULL);
"""


@functools.cache
def code_signature() -> str:
    """Hash of sitegen's own code: a build state made by other code (an upgrade, or a
    developer's edit under the same version number) is discarded, never trusted."""
    package = Path(__file__).parent
    h = hashlib.blake2b(digest_size=8)
    for path in sorted(p for p in package.rglob("*") if p.suffix in (".py", ".js") and p.is_file()):
        h.update(path.relative_to(package).as_posix().encode("utf-8") + b"\0" + path.read_bytes())
    return h.hexdigest()


class _Stale(Exception):
    """The state file is missing or from another version: start afresh."""


@dataclass(frozen=True, slots=True)
class FileStamp:
    mtime_ns: int
    size: int
    digest: str
    checked_ns: int = 0  # when the file was hashed


# Zstandard's fastest level: at 10,000 synthetic articles it makes bodies and texts 3.85
# times smaller at 417 MB/s and reads them back at 684 MB/s, where zlib's fastest level
# (used before) made them 3.70 times smaller at 98 and 307 MB/s: 2 s of the workers' CPU.
_COMPRESS = zstandard.ZstdCompressor(level=1)
_DECOMPRESS = zstandard.ZstdDecompressor()


def pack_blob(value: object) -> bytes:
    """An analysis's body or texts as stored (put_bodies): pickled, then compressed (in the
    workers). They are most of the state, written by the parent process while the workers
    analyse, twice with the write-ahead log."""
    return _COMPRESS.compress(pickle.dumps(value, protocol=5))


def unpack_blob(blob: bytes) -> Any:
    return pickle.loads(_DECOMPRESS.decompress(blob))


def _connect(path: Path) -> sqlite3.Connection:
    """The state is a cache written in a few large transactions per build: with a write-ahead
    log and ``synchronous=NORMAL`` a commit does not wait for the disk (two fsyncs each in the
    default mode), and SQLite still never leaves it corrupt (a power cut may lose the last
    commits, as if the build had stopped there)."""
    db = sqlite3.connect(path)
    db.execute("PRAGMA journal_mode = WAL")
    db.execute("PRAGMA synchronous = NORMAL")
    return db


class BuildState:
    """Open (or start) the state of the site at ``root``."""

    def __init__(self, root: Path) -> None:
        self.path = root / STATE_DIR / STATE_FILE
        self.notice = ""
        self.db: sqlite3.Connection | None = None
        self.pid = os.getpid()  # the process self.db was opened in
        try:
            self.db = self._open()
        except _Stale:
            self._reset()
        except (sqlite3.DatabaseError, OSError, ValueError) as exc:
            self.notice = f"build state in {STATE_DIR}/ could not be read ({exc}); building everything"
            self._reset()

    def _open(self) -> sqlite3.Connection:
        if not self.path.is_file():
            self.notice = "no build state yet: building everything"
            raise _Stale
        db = _connect(self.path)
        rows = dict(db.execute("SELECT key, value FROM meta").fetchall())
        if (
            rows.get("schema") != str(SCHEMA_VERSION)
            or rows.get("sitegen") != __version__
            or rows.get("model") != model_signature()
            or rows.get("code") != code_signature()
        ):
            db.close()
            self.notice = "build state is from another sitegen version: building everything"
            raise _Stale
        return db

    def reset(self) -> None:
        """Discard everything stored (an unreadable record was found)."""
        self.notice = self.notice or "build state discarded"
        self._reset()

    def _reset(self) -> None:
        if self.db is not None:
            self.db.close()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-journal", "-wal", "-shm"):
            Path(str(self.path) + suffix).unlink(missing_ok=True)
        db = _connect(self.path)
        db.executescript(_SCHEMA)
        db.executemany(
            "INSERT INTO meta VALUES (?, ?)",
            [
                ("schema", str(SCHEMA_VERSION)),
                ("sitegen", __version__),
                ("model", model_signature()),
                ("code", code_signature()),
            ],
        )
        db.commit()
        self.db = db
        gitignore = self.path.parent / ".gitignore"
        if not gitignore.exists():
            gitignore.write_text("*\n", encoding="utf-8")

    @property
    def fresh(self) -> bool:
        return bool(self.notice)

    def _db(self) -> sqlite3.Connection:
        assert self.db is not None
        if self.pid != os.getpid():
            # A forked worker reading a page's body: a connection must not cross a fork
            # (SQLite's locks are per process), so the worker opens its own, read-only.
            self.db = sqlite3.connect(self.path.resolve().as_uri() + "?mode=ro", uri=True)
            self.pid = os.getpid()
        return self.db

    def record(self) -> tuple[int, bytes] | None:
        """(format version, data) of the last build's record (sitegen.record), if any."""
        row = self._db().execute("SELECT version, data FROM record").fetchone()
        return (int(row[0]), bytes(row[1])) if row else None

    def stamps(self) -> dict[str, FileStamp]:
        rows = self._db().execute("SELECT path, mtime_ns, size, digest, checked_ns FROM inputs")
        return {p: FileStamp(m, s, d, c) for p, m, s, d, c in rows}

    def articles(self) -> Iterator[tuple[str, str, Any]]:
        for article_id, deps, blob in self._db().execute("SELECT id, deps, article FROM analyses"):
            yield article_id, deps, pickle.loads(blob)

    def article(self, article_id: str) -> tuple[str, Any] | None:
        """(deps, (article, problems)) of one cached analysis."""
        row = self._db().execute("SELECT deps, article FROM analyses WHERE id = ?", (article_id,)).fetchone()
        return (row[0], pickle.loads(row[1])) if row else None

    def snapshot(self) -> bytes | None:
        row = self._db().execute("SELECT value FROM meta WHERE key = 'snapshot'").fetchone()
        return row[0] if row and isinstance(row[0], bytes) else None

    def body(self, digest: str) -> Any:
        row = self._db().execute("SELECT body FROM bodies WHERE digest = ?", (digest,)).fetchone()
        return unpack_blob(row[0]) if row else None

    def texts(self) -> Iterator[tuple[str, Any]]:
        """(analysis digest, texts) of every stored analysis."""
        for digest, blob in self._db().execute("SELECT digest, texts FROM bodies"):
            yield digest, unpack_blob(blob)

    def pages(self) -> dict[str, tuple[str, bytes]]:
        return {p: (f, links) for p, f, links in self._db().execute("SELECT * FROM pages")}

    def page_links(self, path: str) -> bytes | None:
        """One page's packed links as stored (b"" for a file), written by put_pages too."""
        row = self._db().execute("SELECT links FROM pages WHERE path = ?", (path,)).fetchone()
        return row[0] if row else None

    def all_page_links(self) -> Iterator[tuple[str, bytes]]:
        """(path, packed links) of every page stored with links, in no particular order."""
        return iter(self._db().execute("SELECT path, links FROM pages WHERE links != x''"))

    def put_pages(self, pages: Iterable[tuple[str, str, bytes]], replace: bool = False) -> None:
        """Write (path, fingerprint, links) page records into the transaction that the next
        save() commits (``replace``: every stored record is dropped first): a build writes its
        records as it makes them, so an interrupted build leaves the stored ones as they were
        (see discard)."""
        db = self._db()
        with no_fork():  # while workers render: see workers.no_fork
            if replace:
                db.execute("DELETE FROM pages")
            db.executemany("INSERT OR REPLACE INTO pages VALUES (?, ?, ?)", pages)

    def discard(self) -> None:
        """Drop what was written since the last save (a build that failed or was stopped)."""
        if self.db is not None and self.pid == os.getpid():
            self.db.rollback()

    def save(
        self,
        *,
        record: tuple[int, bytes],  # the build's record (sitegen.record.encode_record)
        stamps: dict[str, FileStamp],
        analyses: dict[str, tuple[str, Any]],
        removed_analyses: Iterable[str],
        live_bodies: set[str] | None,  # digests of the analyses in use: other bodies are deleted
        dead_bodies: Iterable[str] = (),  # when live_bodies is None: the bodies to delete
        snapshot: bytes | None = None,  # the last build, for the next process to patch (patch.py)
        pages: Iterable[tuple[str, str, bytes]],
        removed_pages: Iterable[str],
        replace_pages: bool = False,
    ) -> None:
        """Write what changed, in one transaction. Records are pickled one at a time as they
        are inserted (generators, not lists), so a large save does not hold them all at once."""
        db = self._db()
        with db:
            db.execute("DELETE FROM record")
            db.execute("INSERT INTO record VALUES (?, ?)", record)
            db.execute("DELETE FROM inputs")
            db.executemany(
                "INSERT INTO inputs VALUES (?, ?, ?, ?, ?)",
                [(p, s.mtime_ns, s.size, s.digest, s.checked_ns) for p, s in stamps.items()],
            )
            db.executemany("DELETE FROM analyses WHERE id = ?", [(i,) for i in removed_analyses])
            db.executemany(
                "INSERT OR REPLACE INTO analyses VALUES (?, ?, ?)",
                ((i, deps, pickle.dumps(a, protocol=5)) for i, (deps, a) in analyses.items()),
            )
            if live_bodies is None:
                stale = set(dead_bodies)
            else:
                stale = {d for (d,) in db.execute("SELECT digest FROM bodies")} - live_bodies
            db.executemany("DELETE FROM bodies WHERE digest = ?", [(d,) for d in stale])
            if snapshot is None:
                db.execute("DELETE FROM meta WHERE key = 'snapshot'")
            else:
                db.execute("INSERT OR REPLACE INTO meta VALUES ('snapshot', ?)", (snapshot,))
            if replace_pages:
                db.execute("DELETE FROM pages")
            db.executemany("DELETE FROM pages WHERE path = ?", [(p,) for p in removed_pages])
            db.executemany(
                "INSERT OR REPLACE INTO pages VALUES (?, ?, ?)",
                pages,  # links come packed (linkcheck.pack); b"" for a file
            )

    def put_bodies(self, bodies: Iterable[tuple[str, bytes, bytes]]) -> None:
        """Store (digest, pickled body, pickled texts) of analyses now: content-addressed, so
        storing early is harmless (one no article uses is deleted by the next save)."""
        with self._db() as db:
            db.executemany("INSERT OR REPLACE INTO bodies VALUES (?, ?, ?)", bodies)

    def close(self) -> None:
        if self.db is not None:
            self.db.close()
            self.db = None
