"""The byte budget: the published size by kind of output, and the host's limit on it.

Each output's kind comes from the plan that produced it (a page's template, a file's
``kind``), so the report needs no guessing from paths. GitHub Pages (and GitLab Pages)
refuse a published site over 1 GB; ``max_site_size`` in sitegen.toml sets another limit.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sitegen.plan.records import FilePlan, PagePlan

ARTICLE_PAGES = "article pages"
ANNOTATIONS = "annotation exports"
SOURCE_VIEWS = "source views"
SEED_COPIES = "seed copies"
ENTITY_PAGES = "entity pages"
LISTINGS = "listings"  # tags, timeline, ledger, index, feeds
ASSETS = "assets/search"
OTHER = "other"  # authored pages, 404, sitemaps, files beside ours
KINDS = (ARTICLE_PAGES, ANNOTATIONS, SOURCE_VIEWS, SEED_COPIES, ENTITY_PAGES, LISTINGS, ASSETS, OTHER)

TEMPLATE_KINDS = {
    "article.html": ARTICLE_PAGES,
    "source.html": SOURCE_VIEWS,
    "entity.html": ENTITY_PAGES,
    "entities.html": ENTITY_PAGES,
    "index.html": LISTINGS,
    "ledger.html": LISTINGS,
    "list.html": LISTINGS,
    "tags.html": LISTINGS,
    "timeline.html": LISTINGS,
    "year.html": LISTINGS,
    "search.html": ASSETS,
}

GITHUB_PAGES_LIMIT = 1_000_000_000  # bytes: GitHub Pages publishes at most 1 GB
_UNITS = {"": 1, "b": 1, "kb": 10**3, "mb": 10**6, "gb": 10**9, "kib": 2**10, "mib": 2**20, "gib": 2**30}
_SIZE = re.compile(r"\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*", re.IGNORECASE)


def parse_size(value: object) -> int | None:
    """Bytes from a whole number or a string such as '500MB', '1.5 GB' or '1GiB'; None if invalid."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value if value > 0 else None
    match = _SIZE.fullmatch(value) if isinstance(value, str) else None
    if match is None or match.group(2).lower() not in _UNITS:
        return None
    size = int(float(match.group(1)) * _UNITS[match.group(2).lower()])
    return size if size > 0 else None


def output_kinds(pages: Iterable[PagePlan], files: Iterable[FilePlan]) -> dict[str, str]:
    """Output path -> kind, for every planned output."""
    kinds = {page.path: TEMPLATE_KINDS.get(page.template, OTHER) for page in pages}
    kinds.update((file.path, file.kind) for file in files)
    return kinds


def entry_size(entry: str) -> int:
    """The size in a manifest entry ('<hash>:<size>')."""
    return int(entry.rsplit(":", 1)[1])


def sizes_by_kind(
    kinds: Mapping[str, str], entries: Mapping[str, str], rels: Iterable[str]
) -> dict[str, int]:
    """Bytes of the outputs ``rels`` (sizes from manifest ``entries``) by kind. An output
    no plan names is the search index, which Pagefind writes."""
    sizes = dict.fromkeys(KINDS, 0)
    for rel in rels:
        entry = entries.get(rel)
        if entry is not None and ":" in entry:
            sizes[kinds.get(rel, ASSETS)] += entry_size(entry)
    return sizes


def patched_sizes(
    sizes: Mapping[str, int],
    kinds: Mapping[str, str],
    before: Mapping[str, str],
    after: Mapping[str, str],
    changed: Iterable[str],
) -> dict[str, int]:
    """``sizes`` after the outputs ``changed`` (written or gone) went from their ``before``
    to their ``after`` manifest entries."""
    changed = list(changed)
    added, dropped = sizes_by_kind(kinds, after, changed), sizes_by_kind(kinds, before, changed)
    return {kind: sizes.get(kind, 0) + added[kind] - dropped[kind] for kind in KINDS}


def format_size(size: float) -> str:
    for unit in ("B", "KB", "MB"):
        if size < 1000:
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1000
    return f"{size:.2f} GB"


def report_lines(sizes: Mapping[str, int]) -> list[str]:
    """The summary's size lines: the total, then each kind that has bytes, largest first."""
    total = sum(sizes.values())
    lines = [f"published size {format_size(total)}:"]
    for kind, size in sorted(sizes.items(), key=lambda item: -item[1]):
        if size:
            lines.append(f"  {kind:<19} {format_size(size):>9}  {size / total:6.1%}")
    return lines


def dominant(sizes: Mapping[str, int], share: float = 0.8) -> list[str]:
    """The largest kinds that together make up ``share`` of the bytes, each with its share."""
    total = sum(sizes.values()) or 1
    named, covered = [], 0
    for kind, size in sorted(sizes.items(), key=lambda item: -item[1]):
        if covered >= share * total or not size:
            break
        named.append(f"{kind} {format_size(size)} ({size / total:.0%})")
        covered += size
    return named
