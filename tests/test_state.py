"""The build state: bodies and texts of analyses are stored compressed and read back whole."""

from __future__ import annotations

import pickle
import sqlite3
from pathlib import Path

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
