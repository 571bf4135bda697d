#!/usr/bin/env python3
"""Published bytes of a built site by kind of output, against the bytes of its seeds.

    python benchmarks/sizes.py OUTPUT_DIR [--source SITE_DIR] [--json FILE]

Classifies the files of a finished output folder by their place in sitegen's default URL
layout, so it measures the output of any commit alike, including commits whose
``sitegen build`` does not report sizes itself (the build's own report classifies by the
plan that produced each file; both should agree). With ``--source`` the site is also set
against the bytes of ``SITE_DIR/seeds``: the ratio the byte budget of issue 14 is about.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

from sitegen.budget import (
    ANNOTATIONS,
    ARTICLE_PAGES,
    ASSETS,
    ENTITY_PAGES,
    KINDS,
    LISTINGS,
    OTHER,
    SEED_COPIES,
    SOURCE_VIEWS,
)

ARTICLE_DIR = re.compile(r"^\d{4}/\d{2}/\d{2}/[^/]+/")


def kind_of(rel: str) -> str:
    if ARTICLE_DIR.match(rel):
        rest = ARTICLE_DIR.sub("", rel)
        if rest.startswith("source/"):
            return SOURCE_VIEWS
        if rest.endswith((".jsonld", ".jsonld.gz")):
            return ANNOTATIONS
        if rest.endswith(".txt"):
            return SEED_COPIES
        return ARTICLE_PAGES
    top = rel.split("/", 1)[0]
    if rel.endswith(".jsonld"):  # corrections/notes.jsonld, the notes the exports reference
        return ANNOTATIONS
    if top == "entities":
        return ENTITY_PAGES
    if (
        top in ("tags", "timeline", "corrections", "page")
        or rel == "index.html"
        or rel.endswith((".xml", ".atom"))
    ):
        return LISTINGS
    if top in ("assets", "pagefind", "search"):
        return ASSETS
    return OTHER


def measure(output: Path) -> dict[str, list[int]]:
    """kind -> [files, bytes]; sitegen's manifest and the .nojekyll marker are not published content."""
    sizes = {kind: [0, 0] for kind in KINDS}
    for path in output.rglob("*"):
        rel = path.relative_to(output).as_posix()
        if path.is_file() and rel not in (".sitegen-manifest.json", ".nojekyll"):
            entry = sizes[kind_of(rel)]
            entry[0] += 1
            entry[1] += path.stat().st_size
    return sizes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("output", help="a built site (sitegen's output folder)")
    parser.add_argument("--source", help="the archive it was built from, to compare with its seeds' bytes")
    parser.add_argument("--json", help="also write the figures to this file")
    args = parser.parse_args(argv)
    sizes = measure(Path(args.output))
    total = sum(b for _, b in sizes.values())
    seeds = sum(p.stat().st_size for p in Path(args.source, "seeds").glob("*.txt")) if args.source else 0
    print(f"{'kind':<20} {'files':>7} {'MiB':>9} {'share':>7}" + ("  × seeds" if seeds else ""))
    for kind, (files, size) in sorted(sizes.items(), key=lambda item: -item[1][1]):
        ratio = f"  {size / seeds:7.1f}" if seeds else ""
        print(f"{kind:<20} {files:>7} {size / 2**20:>9.1f} {size / max(total, 1):>7.1%}{ratio}")
    files = sum(f for f, _ in sizes.values())
    print(
        f"{'total':<20} {files:>7} {total / 2**20:>9.1f} {1:>7.0%}"
        + (f"  {total / seeds:7.1f}" if seeds else "")
    )
    if seeds:
        print(f"seeds: {seeds / 2**20:.1f} MiB ({seeds:,} bytes)")
    if args.json:
        Path(args.json).write_text(json.dumps({"seed_bytes": seeds, "kinds": sizes}, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
