"""A seed edited while a build runs: every output made of it (article page, seed copy, source
view, annotation export) shows one version of it, and the next build catches up.

The edits are made in-process at a stage boundary (the build's own functions wrapped by
monkeypatch), so each test is deterministic: no sleeps, no threads.
"""

from __future__ import annotations

import gzip
import json
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from sitegen import patcher, pipeline

from .conftest import DEFAULT_CONFIG, SampleSite
from .htmltext import article_blocks

V1 = "date 2021-03-15 The mayor of Saltmere opened the spring fair.\n\nStalls lined the quay all day.\n"
V2 = "date 2021-03-15 The mayor of Saltmere opened the autumn fair.\n\nStalls lined the pier all night.\n"
ENTITY_PATH = "content/entities/saltmere.md"
ENTITY = '---\nname: Saltmere\nkind: place\ndescription: "A small harbour town."\n---\n'
V1_EDITED = V1 + "\n"  # another file, the same text
CONFIG = DEFAULT_CONFIG + "[search]\nenabled = false\n"  # no Pagefind run: faster
MARKERS = {V1: "spring fair", V1_EDITED: "spring fair", V2: "autumn fair"}


def outputs_of(site: SampleSite) -> dict[str, str]:
    """The four outputs made of seed 'fair', as text."""
    (page,) = site.out.glob("2021/03/15/*/index.html")
    folder = page.parent
    return {
        "article page": "\n\n".join(b.received for b in article_blocks(page.read_text("utf-8"))),
        "seed copy": (folder / "fair.txt").read_text("utf-8"),
        "source view": (folder / "source" / "index.html").read_text("utf-8"),
        "annotations": json.dumps(
            json.loads(gzip.decompress((folder / "annotations.jsonld.gz").read_bytes()))
        ),
    }


def assert_shows(site: SampleSite, version: str) -> None:
    """Every output shows ``version`` of the seed and no other."""
    shown = outputs_of(site)
    assert shown["seed copy"] == version
    other = next(m for m in MARKERS.values() if m != MARKERS[version])
    for name, text in shown.items():
        assert MARKERS[version] in text and other not in text, f"the {name} shows another version"


def edit_at(monkeypatch: pytest.MonkeyPatch, stage: str, edit: Callable[[], None]) -> list[bool]:
    """Run ``edit`` once, right after the build calls its ``stage`` function (in a full build or
    a patch). Returns a list that holds True once the edit is made."""
    done: list[bool] = []
    for module in (pipeline, patcher):
        real = getattr(module, stage, None)
        if real is None:
            continue

        def wrapped(*args: Any, real: Any = real, **kwargs: Any) -> Any:
            if stage == "produce_outputs" and not done:  # before writing
                edit()
                done.append(True)
            result = real(*args, **kwargs)
            if not done:  # after stamping: before the analysis reads the seeds
                edit()
                done.append(True)
            return result

        monkeypatch.setattr(module, stage, wrapped)
    return done


@pytest.mark.parametrize("full", [False, True], ids=["patch", "full-build"])
@pytest.mark.parametrize(
    ("during", "after"),
    [(V2, V2), ("", V1)],  # "": an editor that truncates the file, then writes it again
    ids=["rewritten", "truncated-then-rewritten"],
)
def test_a_seed_edited_while_outputs_are_written(
    make_site: Callable[..., SampleSite],
    monkeypatch: pytest.MonkeyPatch,
    during: str,
    after: str,
    full: bool,
) -> None:
    site = make_site(seeds={"fair": V1}, config=CONFIG, files={ENTITY_PATH: ENTITY})
    assert site.build(jobs=1).log.errors == 0
    site.seed("fair", V1_EDITED)
    if full:  # an entity edited too: not a patch of the article alone
        site.write(ENTITY_PATH, ENTITY.replace("small", "little"))
    edited = edit_at(monkeypatch, "produce_outputs", lambda: site.seed("fair", during))
    report = site.build(jobs=1)
    assert edited and report.log.errors == 0
    assert_shows(site, V1_EDITED)  # the bytes the analysis read, everywhere
    monkeypatch.undo()

    site.seed("fair", after)
    report = site.build(jobs=1)
    assert report.log.errors == 0
    assert_shows(site, after)
    assert site.build(jobs=1).write.written == []  # and it stays so


def test_a_seed_edited_between_stamping_and_analysis_is_seen_by_the_next_build(
    make_site: Callable[..., SampleSite], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The state must record the bytes the analysis read, not the stamps' earlier read: when
    the file is then put back as it was stamped (same bytes, size and an old mtime, as a tool
    that restores mtimes leaves it), the next build must still see that it changed."""
    site = make_site(seeds={"fair": V1}, config=CONFIG, files={ENTITY_PATH: ENTITY})
    path = site.root / "seeds" / "fair.txt"
    old = time.time_ns() - 60 * 10**9  # older than the stamps' racy window: its hash is trusted
    os.utime(path, ns=(old, old))

    def rewrite(text: str) -> None:
        path.write_text(text, encoding="utf-8")
        os.utime(path, ns=(old, old))

    edited = edit_at(monkeypatch, "stamp_files", lambda: rewrite(V2))
    assert site.build(jobs=1).log.errors == 0 and edited
    assert_shows(site, V2)
    monkeypatch.undo()

    rewrite(V1)
    assert site.build(jobs=1).log.errors == 0
    assert_shows(site, V1)


def test_outputs_need_no_seed_file_once_analysed(
    make_site: Callable[..., SampleSite], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Each seed is read once per build: after the analysis, nothing reads it again."""
    site = make_site(seeds={"fair": V1}, config=CONFIG, files={ENTITY_PATH: ENTITY})
    seeds = site.root / "seeds"
    edited = edit_at(monkeypatch, "produce_outputs", lambda: seeds.rename(tmp_path / "away"))
    assert site.build(jobs=1).log.errors == 0 and edited
    assert_shows(site, V1)


def test_a_template_edited_during_a_build_is_seen_by_the_next_build(
    make_site: Callable[..., SampleSite], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Templates too: the pages are rendered from the text read once, and the state records
    those bytes, so putting the file back as it was stamped still rebuilds the pages."""
    template = '{% extends "base.html" %}{% block main %}<p id="version">one</p>{% endblock %}\n'
    site = make_site(seeds={"fair": V1}, config=CONFIG, files={"templates/article.html": template})
    path = site.root / "templates" / "article.html"
    old = time.time_ns() - 60 * 10**9
    os.utime(path, ns=(old, old))

    def rewrite(text: str) -> None:
        path.write_text(text, encoding="utf-8")
        os.utime(path, ns=(old, old))

    def version() -> str:
        (page,) = site.out.glob("2021/03/15/*/index.html")
        return page.read_text("utf-8").split('<p id="version">')[1].split("<")[0]

    edited = edit_at(monkeypatch, "produce_outputs", lambda: rewrite(template.replace("one", "two")))
    assert site.build(jobs=1).log.errors == 0 and edited
    assert version() == "two"
    monkeypatch.undo()

    rewrite(template)  # same bytes, size and mtime as stamped
    assert site.build(jobs=1).log.errors == 0
    assert version() == "one"
