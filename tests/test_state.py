"""The build state: bodies and texts of analyses are stored compressed and read back whole."""

from __future__ import annotations

import pickle
import sqlite3
from pathlib import Path
from typing import Any

from sitegen.diagnostics import DiagnosticLog
from sitegen.keeper import BuildMemory
from sitegen.model import ArticleBody, Block
from sitegen.state import BuildState, pack_blob

HTML = "The <del>struggle</del>war<a href=#n1>1</a> went on; <a href=../../entities/iran/>Iran</a> said"


def test_a_stored_body_reads_back_whole_and_takes_less_room_than_its_pickle(tmp_path: Path) -> None:
    blocks = tuple(
        Block(n, "body", f"p{n}", f"{HTML} {n}.", f"The war went on; Iran said {n}.", n) for n in range(1, 60)
    )
    body = ArticleBody(blocks, ("\n\n".join(b.text for b in blocks)).encode("utf-8"))
    texts = ("the war went on", "The war went on", "the war went on", (), ())
    state = BuildState(tmp_path)
    state.put_bodies([("d1", pack_blob(body), pack_blob(texts))])
    state.close()
    again = BuildState(tmp_path)
    assert again.body("d1") == body
    assert dict(again.texts()) == {"d1": texts}
    assert again.body("d2") is None
    again.close()
    with sqlite3.connect(again.path) as db:
        (stored,) = db.execute("SELECT length(body) FROM bodies").fetchone()
    assert stored * 3 < len(pickle.dumps(body, protocol=5))


def test_the_outputs_of_one_article_decode_its_body_once(tmp_path: Path, monkeypatch: Any) -> None:
    """An article's outputs are produced one after the other (its page and source view, its
    seed copy and export): the body read for one serves the next, not decoded again."""
    bodies = {d: ArticleBody((Block(1, "body", "p1", d, d, 1),), d.encode()) for d in ("d1", "d2")}
    state = BuildState(tmp_path)
    state.put_bodies([(d, pack_blob(b), pack_blob(())) for d, b in bodies.items()])
    state.close()
    memory = BuildMemory(tmp_path, use_state=True)
    memory.load_state(DiagnosticLog())
    assert memory.state is not None
    reads: list[str] = []
    read = memory.state.body
    monkeypatch.setattr(memory.state, "body", lambda digest: reads.append(digest) or read(digest))
    assert [memory.body(d) for d in ("d1", "d1", "d2", "d2", "d1")] == [
        bodies[d] for d in ("d1", "d1", "d2", "d2", "d1")
    ]
    assert reads == ["d1", "d2", "d1"]
    memory.state.close()
