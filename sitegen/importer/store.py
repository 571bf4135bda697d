"""Writing imported articles: ``seeds/<id>.txt`` and ``content/articles/<id>.md``.

A seed's id is its date and a hash of its text (``20210211_4f0c2a9be1d27e35``): stable, so
importing the same text again finds the seed it made. Files are created, never replaced:
an existing seed or editorial file is left as it is.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import yaml

from sitegen.corrections import collection_name
from sitegen.importer.records import Candidate
from sitegen.seeds import read_seed
from sitegen.sources import CONTENT_DIR, SEEDS_DIR, correction_files

ARTICLES_DIR = f"{CONTENT_DIR}/articles"


def text_hash(paragraphs: Iterable[str]) -> str:
    """The hash of an article's text, paragraph by paragraph as the seed reader reads it."""
    return hashlib.blake2b("\n\n".join(paragraphs).encode("utf-8"), digest_size=8).hexdigest()


def candidate_hash(candidate: Candidate) -> str:
    return text_hash(p.text for p in candidate.paragraphs)


def seed_id(candidate: Candidate) -> str:
    return f"{candidate.date:%Y%m%d}_{candidate_hash(candidate)}"


def seed_text(candidate: Candidate) -> str:
    """The seed file: 'date YYYY-MM-DD' and the first paragraph on the first line, then one
    paragraph per block, blank lines between."""
    blocks = ["\n".join(p.lines) for p in candidate.paragraphs]
    return f"date {candidate.date.isoformat()} " + "\n\n".join(blocks) + "\n"


def editorial_front_matter(candidate: Candidate, collections: Iterable[str] = ()) -> dict[str, Any]:
    """The editorial file's fields for an imported article: its title, the roles of the
    paragraphs that are not body text, where it came from, and the rule collections the
    import was told to accept for it (``--collection``). Empty when there is nothing to say."""
    front: dict[str, Any] = {}
    if candidate.title:
        front["title"] = candidate.title
    roles: dict[str, list[int]] = {}
    for number, paragraph in enumerate(candidate.paragraphs, start=1):
        if paragraph.role != "body":
            roles.setdefault(paragraph.role, []).append(number)
    if roles:
        front["roles"] = roles
    provenance = candidate.provenance
    source: dict[str, Any] = {}
    if provenance.publisher:
        source["publisher"] = provenance.publisher
    if provenance.url:
        source["url"] = provenance.url
    if provenance.author:
        source["author"] = provenance.author
    if provenance.captured is not None:
        source["captured"] = provenance.captured.date()
    if source:
        front["source"] = source
    rules = dict.fromkeys(collections, "accept")
    if rules:
        front["rules"] = rules
    return front


def editorial_text(candidate: Candidate, collections: Iterable[str] = ()) -> str | None:
    front = editorial_front_matter(candidate, collections)
    if not front:
        return None
    # Flow style for the innermost mappings and lists: source: {publisher: …, url: …}
    body = yaml.safe_dump(front, allow_unicode=True, sort_keys=False, width=1 << 16, default_flow_style=None)
    where = candidate.origin.rsplit("/", 1)[-1].replace("\n", " ")  # the file, not where it sat
    return f"---\n# imported by sitegen from {where}\n{body}---\n"


def create(path: Path, text: str) -> bool:
    """Write a new file; False, and nothing written, when ``path`` exists."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with path.open("x", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
    except FileExistsError:
        return False
    return True


def collection_names(root: Path) -> set[str]:
    """The site's rule collections, as the build finds them (sitegen.sources)."""
    return {collection_name(path.relative_to(root).as_posix()) for path in correction_files(root, [])}


def existing_texts(root: Path) -> dict[str, str]:
    """The text hash of every seed the site holds → its id: what a new import duplicates."""
    known: dict[str, str] = {}
    folder = root / SEEDS_DIR
    if not folder.is_dir():
        return known
    for path in sorted(folder.glob("*.txt")):
        seed, _ = read_seed(path, root)  # a seed with errors is the build's to report
        if seed is not None:
            known.setdefault(text_hash(p.text for p in seed.paragraphs), seed.id)
    return known
