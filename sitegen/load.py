"""Load stage for authored pages: ``content/pages/*.md`` → records.

Seeds and editorial files are read by the pipeline only for the articles
that must be analysed again (see pipeline.py).
"""

from __future__ import annotations

from sitegen.diagnostics import Diagnostic
from sitegen.editorial import parse_page, read_text_file
from sitegen.model import AuthoredPage
from sitegen.sources import SiteInputs


def load_pages(inputs: SiteInputs) -> tuple[list[AuthoredPage], list[Diagnostic]]:
    pages: list[AuthoredPage] = []
    problems: list[Diagnostic] = []
    for path in inputs.pages:
        rel = inputs.rel(path)
        text, more = read_text_file(path, inputs.root)
        problems.extend(more)
        if text is None:
            continue
        page, more = parse_page(text, path.stem, rel)
        problems.extend(more)
        if page is not None:
            pages.append(page)
    return pages, problems
