"""``sitegen init``: scaffold a new archive that builds as it is, without one error or warning.

Nothing is ever overwritten: a file that already exists (or cannot be created
because something else is in the way) is skipped and reported, so ``init`` can
be run again in a folder to add only what is missing.

The example article is a short text written for the scaffold. It carries one
deliberate misspelling ('wheather') that a rule of the collection
``content/corrections/typos.toml`` corrects (the article accepts that collection in its
editorial file), and mentions one registered entity, the fictional harbour town of
Kestrel Bay.
"""

from __future__ import annotations

import json
from pathlib import Path

# Where the GitHub Pages workflow installs sitegen from: the one place to change once sitegen is
# published. It is not on PyPI yet, and a different project uses the name 'sitegen' there, so a bare
# `pip install sitegen` would install the wrong program; the workflow refuses to run until the
# placeholder is replaced (the scaffold's README says how).
PLACEHOLDER = "OWNER/REPO"
SITEGEN_REQUIREMENT = f"sitegen[search] @ git+https://github.com/{PLACEHOLDER}"
DEFAULT_TITLE = "Kestrel Bay news archive"
SEED_ID = "2024-05-14-lighthouse"
ENTITY_ID = "kestrel-bay"
WORKFLOW_PATH = ".github/workflows/pages.yml"


def _quoted(text: str) -> str:
    """A double-quoted string valid in both TOML and YAML (JSON's escapes are a subset of both)."""
    return json.dumps(text, ensure_ascii=False).replace("\x7f", "\\u007f")


def _config(title: str) -> str:
    return f"""\
# sitegen configuration. Every key is optional; an unknown key is an error that names the nearest known one.
title = {_quoted(title)}
description = "News articles kept exactly as they were received, with every correction footnoted."
language = "en"
publisher = "The archive's editors"

# The address the site is published at. "/" suits a local preview. Feeds and sitemaps need a full
# address such as "https://user.github.io/repo/": the GitHub Pages workflow passes it with --base-url.
base_url = "/"

# permalink = "/{{year}}/{{month}}/{{day}}/{{slug}}/"
# per_page = 50
"""


SEED = """\
date 2024-05-14 The lighthouse on Gull Point will open to visitors again this summer
after six years behind locked doors, the Kestrel Bay harbour trust said on Tuesday.

Volunteers spent the winter repainting the tower and mending the lamp room. The
trust expects the first guided tours to start in early July, wheather permitting.

Tickets will be sold at the harbour office in Kestrel Bay; children under twelve
go free.
"""

EDITORIAL = """\
---
title: "Gull Point lighthouse to reopen this summer"
tags: [lighthouse, harbour]
summary: "The Kestrel Bay harbour trust plans guided tours of the Gull Point lighthouse from July."
# The correction rules of content/corrections/typos.toml apply here: an editor accepted them.
rules: {typos: accept}
---
An example article written for a new sitegen archive. Replace it with your own:
the seed in `seeds/` is the text as received, this file is the editorial layer.
"""

ENTITY = """\
---
name: Kestrel Bay
kind: place
description: A fictional harbour town, the setting of this archive's example article.
---
Every place, person or organisation in `content/entities/` gets a page of its own, and
its mentions in the articles link to it.
"""

CORRECTIONS_PATH = "content/corrections/typos.toml"
CORRECTIONS = """\
# A collection of correction rules, named after this file: 'typos'. Each [[rule]] finds a word
# or phrase; the seeds are never edited, and every correction is shown as a footnote.
# The rules apply only to articles an editor accepted them for: an article's editorial file
# says `rules: {typos: accept}` (or `reject`), or this file lists articles (ids or globs):
# articles = ["2024-*"]
# In other articles their matches await a decision: `sitegen check` lists them.
[[rule]]
find = "wheather"
replace = "weather"
type = "error"
category = "typo"
note = "Misspelt in the source text."
"""

ABOUT = """\
---
title: "About this archive"
---
This archive keeps news articles **exactly as they were received**. Corrections are
kept beside the text, never in it: you read the corrected text, and a footnote for
every correction says what the source has.

Each article also links the people, organisations and places it mentions to a page
of their own.
"""

GITIGNORE = """\
# Built by `sitegen build`.
_site/
# sitegen's cache.
.sitegen/
"""


def _workflow(requirement: str) -> str:
    return f"""\
# Build the archive with sitegen and publish it on GitHub Pages.
# Once, on GitHub: Settings -> Pages -> Build and deployment -> Source: GitHub Actions.
name: Publish to GitHub Pages

on:
  # Every push to the default branch (rename "main" if yours is called differently).
  push:
    branches: [main]
  # A "Run workflow" button in the Actions tab.
  workflow_dispatch:

# The workflow may read the repository and deploy to Pages, nothing more.
permissions:
  contents: read
  pages: write
  id-token: write

# One deployment at a time; a new push waits rather than cancelling a deployment under way.
concurrency:
  group: "pages"
  cancel-in-progress: false

env:
  # EDIT THIS: where pip installs sitegen from. sitegen is not on PyPI yet (and a different
  # project uses the name there), so install it from its Git repository, ideally pinned:
  #   SITEGEN_REQUIREMENT: "sitegen[search] @ git+https://github.com/<owner>/<repo>@<tag or commit>"
  # The [search] extra adds Pagefind, the site's search.
  SITEGEN_REQUIREMENT: {_quoted(requirement)}

jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - name: Check out the archive
        uses: actions/checkout@v7
      - name: Set up Python
        uses: actions/setup-python@v7
        with:
          python-version: "3.12"
      - name: Install sitegen
        run: |
          case "$SITEGEN_REQUIREMENT" in
            *{PLACEHOLDER}*)
              echo "::error file={WORKFLOW_PATH}::Set SITEGEN_REQUIREMENT in this file (see README.md)."
              exit 1 ;;
          esac
          python -m pip install "$SITEGEN_REQUIREMENT"
      - name: Set up Pages
        id: pages
        uses: actions/configure-pages@v6
      - name: Build the site
        run: sitegen build --base-url "${{{{ steps.pages.outputs.base_url }}}}/"
      - name: Upload the site
        uses: actions/upload-pages-artifact@v5
        with:
          path: _site

  deploy:
    needs: build
    runs-on: ubuntu-latest
    environment:
      name: github-pages
      url: ${{{{ steps.deployment.outputs.page_url }}}}
    steps:
      - name: Deploy to GitHub Pages
        id: deployment
        uses: actions/deploy-pages@v5
"""


_README_GITHUB = f"""\
## Publish on GitHub Pages

`{WORKFLOW_PATH}` builds the site and publishes it on every push to `main`.

1. **Say where sitegen comes from.** sitegen is not on PyPI yet, so the workflow installs it
   from its Git repository: in `{WORKFLOW_PATH}`, set `SITEGEN_REQUIREMENT` to
   `sitegen[search] @ git+https://github.com/<owner>/<repo>@<tag or commit>`. Until you do,
   the workflow stops at "Install sitegen" with a message saying so.
2. **Push this folder** to a new GitHub repository:

   ```sh
   git init -b main && git add . && git commit -m "New archive"
   git remote add origin https://github.com/<you>/<archive>.git && git push -u origin main
   ```

3. **Turn Pages on:** on GitHub, open the repository's *Settings → Pages* and under
   *Build and deployment* choose *Source: GitHub Actions*.
4. **Run it:** push again, or open *Actions → Publish to GitHub Pages → Run workflow*. The
   site appears at `https://<you>.github.io/<archive>/`; the deploy job links to it.

The workflow passes the published address to `sitegen build --base-url`, which also writes
`feed.xml` and `sitemap.xml` (they need full URLs, so a local build with `base_url = "/"`
leaves them out and says so with `sitegen build -v`).
"""

_README_ELSEWHERE = """\
## Publish

Upload the contents of `_site/` to any static web host. Build with the address it will
be served at, for example `sitegen build --base-url https://example.org/archive/`:
`feed.xml` and `sitemap.xml` need full URLs and are left out otherwise.
"""


def _readme(title: str, github_pages: bool) -> str:
    heading = " ".join(title.split()) or DEFAULT_TITLE
    return f"""\
# {heading}

A news archive built with sitegen: the articles are kept
exactly as received, corrections are footnoted, and every person, organisation and place
mentioned links to a page of its own.

## Layout

| Path | What it holds |
| --- | --- |
| `sitegen.toml` | the site's title, language, address and other settings |
| `seeds/` | the articles as received, one `YYYY-MM-DD-name.txt` each: never edited |
| `content/articles/` | per article (same name, `.md`): title, tags, summary, notes |
| `content/entities/` | one file per person, organisation, place or event |
| `content/corrections/` | collections of correction rules, shown as footnotes where accepted |
| `content/pages/` | pages such as *About* |

A seed is plain UTF-8 text. Its first line starts with `date YYYY-MM-DD` and goes on with
the first paragraph; a blank line separates paragraphs.

## Build and preview

```sh
sitegen build                                     # writes the site to _site/
python3 -m http.server --directory _site 8000     # then open http://127.0.0.1:8000/
```

`sitegen build -v` also lists notices; `--strict` makes warnings fail the build.

A rule corrects an article only once an editor accepts its collection for it: add
`rules: {{typos: accept}}` (or `reject`) to the article's file in `content/articles/`, or list
articles in the collection's file (`articles = ["2024-*"]`). `sitegen check` lists every
rule match still awaiting that decision, with its line.

{_README_GITHUB if github_pages else _README_ELSEWHERE}"""


def scaffold_files(
    github_pages: bool, title: str = DEFAULT_TITLE, sitegen_requirement: str = SITEGEN_REQUIREMENT
) -> dict[str, str]:
    """The files of a new archive: relative path → text."""
    files = {
        "sitegen.toml": _config(title),
        f"seeds/{SEED_ID}.txt": SEED,
        f"content/articles/{SEED_ID}.md": EDITORIAL,
        f"content/entities/{ENTITY_ID}.md": ENTITY,
        CORRECTIONS_PATH: CORRECTIONS,
        "content/pages/about.md": ABOUT,
        ".gitignore": GITIGNORE,
        "README.md": _readme(title, github_pages),
    }
    if github_pages:
        files[WORKFLOW_PATH] = _workflow(sitegen_requirement)
    return files


def init_site(
    directory: Path,
    github_pages: bool,
    *,
    title: str = DEFAULT_TITLE,
    sitegen_requirement: str = SITEGEN_REQUIREMENT,
) -> tuple[list[Path], list[Path]]:
    """Scaffold a new archive in ``directory``; return (created, skipped) paths.

    An existing file is never overwritten: it is skipped, as is a path whose
    folder cannot be made because a file stands in the way. Other OS errors
    (permissions, a full disk) propagate.
    """
    created: list[Path] = []
    skipped: list[Path] = []
    for rel, text in scaffold_files(github_pages, title, sitegen_requirement).items():
        path = directory / rel
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            # 'x' creates the file or fails if anything (file, folder, link) is already there.
            with path.open("x", encoding="utf-8", newline="\n") as handle:
                handle.write(text)
        except (FileExistsError, IsADirectoryError, NotADirectoryError):
            skipped.append(path)
            continue
        created.append(path)
    return created, skipped
