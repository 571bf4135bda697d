"""Inputs are the regular files inside the site: a symbolic link in any input folder (to a
file or to a folder outside the site) is an error naming it, and nothing it points to is
read or published; the rest of the site still builds. Hidden names are reported, not read."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from sitegen.sources import theme_dir

from .conftest import SampleSite

SECRET = "SECRET-4471"
GOOD = "date 2020-01-04 The Harbour reopens today.\n"
GOOD_PAGE = "2020/01/04/the-harbour-reopens-today/index.html"

# link in the site -> (what it points to, relative to an outside folder; files written there)
LINKS: dict[str, tuple[str, dict[str, str]]] = {
    "seeds/leak.txt": ("leak.txt", {"leak.txt": f"date 2020-01-05 {SECRET} text.\n"}),
    "seeds": ("seeds", {"seeds/leak.txt": f"date 2020-01-05 {SECRET} text.\n"}),
    "content": ("content", {"content/pages/leak.md": f"---\ntitle: {SECRET}\n---\n{SECRET}\n"}),
    "content/articles/good.md": ("good.md", {"good.md": f"---\ntitle: {SECRET}\n---\n{SECRET}\n"}),
    "content/articles": ("articles", {"articles/good.md": f"---\ntitle: {SECRET}\n---\n"}),
    "content/entities/harbour.md": ("e.md", {"e.md": f"---\nname: Harbour\nkind: place\n---\n{SECRET}\n"}),
    "content/entities": (
        "entities",
        {"entities/harbour.md": f"---\nname: Harbour\nkind: place\n---\n{SECRET}\n"},
    ),
    "content/pages/leak.md": ("leak.md", {"leak.md": f"---\ntitle: Leak\n---\n{SECRET}\n"}),
    "content/pages": ("pages", {"pages/leak.md": f"---\ntitle: Leak\n---\n{SECRET}\n"}),
    "content/corrections.toml": (
        "rules.toml",
        {"rules.toml": f'[[rule]]\nfind = "reopens"\nreplace = "{SECRET}"\ntype = "error"\nnote = "n"\n'},
    ),
    "content/corrections/leak.toml": (
        "rules.toml",
        {"rules.toml": f'[[rule]]\nfind = "reopens"\nreplace = "{SECRET}"\ntype = "error"\nnote = "n"\n'},
    ),
    "templates/article.html": ("article.html", {"article.html": f"{SECRET}\n"}),
    "templates/partials": ("partials", {"partials/x.html": f"{SECRET}\n"}),
    "templates": ("templates", {"templates/article.html": f"{SECRET}\n"}),
    "static/leak.css": ("leak.css", {"leak.css": f"/* {SECRET} */\n"}),
    "static/fonts": ("fonts", {"fonts/leak.css": f"/* {SECRET} */\n"}),
    "static": ("static", {"static/leak.css": f"/* {SECRET} */\n"}),
    "themes/default": ("theme", {"theme/templates/base.html": f"{SECRET}\n"}),
    "themes/default/static/leak.css": ("leak.css", {"leak.css": f"/* {SECRET} */\n"}),
    "themes/default/templates/page.html": ("page.html", {"page.html": f"{SECRET}\n"}),
}


def _published(site: SampleSite) -> list[Path]:
    return [p for p in site.out.rglob("*") if p.is_file()] if site.out.exists() else []


@pytest.mark.parametrize("link", sorted(LINKS))
def test_a_symlink_in_an_input_folder_is_refused(
    make_site: Callable[..., SampleSite], tmp_path: Path, link: str
) -> None:
    target, outside_files = LINKS[link]
    outside = tmp_path / "outside"
    for rel, text in outside_files.items():
        (outside / rel).parent.mkdir(parents=True, exist_ok=True)
        (outside / rel).write_text(text, encoding="utf-8")
    site = make_site(
        seeds={} if link == "seeds" else {"good": GOOD},
        files={"content/pages/about.md": "---\ntitle: About\n---\nAbout us.\n"} if link != "content" else {},
    )
    if link.startswith("themes/default/"):  # a site's own copy of the theme
        packaged = theme_dir(Path("/nonexistent"), "default")
        assert packaged is not None
        shutil.copytree(packaged, site.root / "themes" / "default")
    path = site.root / link
    if path.exists() and path.is_dir():
        shutil.rmtree(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.unlink(missing_ok=True)
    path.symlink_to(outside / target)

    result = site.cli()

    assert result.exit_code == 1
    assert f"{link}: ERROR: refusing to read a symbolic link" in result.stderr
    assert "[input-symlink]" in result.stderr
    for published in _published(site):
        assert SECRET.encode() not in published.read_bytes(), published
    outputs = site.outputs()
    assert "index.html" in outputs
    if link != "seeds":
        assert GOOD_PAGE in outputs
    if link != "content" and not link.startswith(("content/pages", "themes/default/templates/page")):
        assert "about/index.html" in outputs  # (a refused page.html leaves it no template)


def test_a_linked_configuration_is_refused(make_site: Callable[..., SampleSite], tmp_path: Path) -> None:
    (tmp_path / "elsewhere.toml").write_text(f'title = "{SECRET}"\n', encoding="utf-8")
    site = make_site(seeds={"good": GOOD})
    (site.root / "sitegen.toml").unlink()
    (site.root / "sitegen.toml").symlink_to(tmp_path / "elsewhere.toml")
    result = site.cli()
    assert result.exit_code == 1
    assert "sitegen.toml: ERROR: refusing to read a symbolic link" in result.stderr
    assert SECRET not in result.stderr + result.stdout
    assert not _published(site)


def test_a_pipe_in_static_is_refused_without_waiting(make_site: Callable[..., SampleSite]) -> None:
    site = make_site(seeds={"good": GOOD})
    (site.root / "static").mkdir()
    os.mkfifo(site.root / "static" / "pipe.css")  # opening it for reading would wait for a writer
    result = site.cli()
    assert result.exit_code == 1
    assert "static/pipe.css: ERROR: not a regular file" in result.stderr
    assert "[input-not-file]" in result.stderr
    assert GOOD_PAGE in site.outputs()


def test_hidden_seeds_are_named_not_skipped_silently(make_site: Callable[..., SampleSite]) -> None:
    site = make_site(seeds={"good": GOOD, ".draft": "date 2020-01-06 A hidden draft.\n"})
    (site.root / "seeds" / ".#good.txt").symlink_to("editor@host.1234")  # Emacs' lock file: a dangling link
    (site.root / "seeds" / ".good.txt.swp").write_bytes(b"vim swap")  # not a seed's name: not news
    result = site.cli("-v")
    assert result.exit_code == 0
    assert (
        "seeds/.draft.txt: WARNING: skipped: a name that starts with '.' is a hidden file; " in result.stderr
    )
    assert "rename it 'draft.txt'" in result.stderr
    assert "seeds/.#good.txt: INFO: skipped: a hidden file" in result.stderr
    assert ".swp" not in result.stderr
    assert "refusing" not in result.stderr
    assert "hidden draft" not in site.read("index.html")
    assert result.stderr.count("[input-hidden]") == 2


def test_a_link_added_after_a_build_is_reported_by_the_next(
    make_site: Callable[..., SampleSite], tmp_path: Path
) -> None:
    site = make_site(seeds={"good": GOOD}, files={"static/site.css": "p {}\n"})
    assert site.cli().exit_code == 0
    (tmp_path / "leak.css").write_text(SECRET, encoding="utf-8")
    (site.root / "static" / "leak.css").symlink_to(tmp_path / "leak.css")  # no input changed
    result = site.cli()
    assert result.exit_code == 1
    assert "static/leak.css: ERROR: refusing to read a symbolic link" in result.stderr
    site.seed("good", GOOD + "\nA second paragraph.\n")  # a full build, which records the error
    assert site.cli().exit_code == 1
    (site.root / "static" / "leak.css").unlink()  # again no input changed: the error must go
    result = site.cli()
    assert result.exit_code == 0, result.stderr
