"""The long lists of an article page, written in Python: its footnotes and entity sidebar.

An article of densely damaged text has hundreds of footnotes; written by Jinja loops they
were most of the page's rendering time (a MarkupSafe escape and a filter call per value).
Each function here writes exactly what the loop it replaces in ``article.html`` wrote, the
values escaped as Jinja's autoescape would, and adds the links it writes to ``hrefs`` (as
the template's ``url`` filter records them for the link check). The page's markup of these
lists lives here, one function per list.
"""

from __future__ import annotations

from typing import Any

from sitegen.inline import attribute
from sitegen.inline import escape_html as escape
from sitegen.model import note_anchor
from sitegen.urls import relative

Context = dict[str, Any]


def footnotes_html(notes: list[Context], page_url: str, hrefs: list[str]) -> str:
    """The items of an article's footnote list (``<ol>`` of ``section.footnotes``), one line
    each; ``notes`` as :func:`sitegen.plan.article_context` gives them."""
    items = []
    pages: dict[str, str] = {}  # a ledger page → the link to it (notes link a few pages)
    links: dict[str, None] = {}
    for note in notes:
        why = note["why"]
        if why:
            path, hash_mark, fragment = why.partition("#")
            page = pages.get(path)
            if page is None:  # as relative(page_url, why), once per page linked
                page = pages[path] = "" if hash_mark and path == page_url else relative(page_url, path)
            href = page + hash_mark + fragment
            links[href] = None
            reason = f"<a href={attribute(href)}>why</a>"
        else:
            reason = escape(note["note"])
        readings = "</del>, <del>".join(map(escape, note["readings"]))
        replacements = ", ".join(map(escape, note["replacements"]))
        kind = f" <b>{escape(note['kind'])}.</b>" if note["kind"] else ""
        meta = f" <small>{escape(note['meta'])}</small>" if note["meta"] else ""
        count = f" ({note['places']})" if note["places"] > 1 else ""
        anchor = note_anchor(note["number"])
        items.append(
            f"<li id={anchor}><del>{readings}</del> → {replacements}.{kind} {reason}{meta}"
            f" <a href={attribute('#' + note['ref'])}>↩</a>{count}\n"
        )
    hrefs.extend(links)
    return "".join(items)


def sidebar_html(groups: list[Context], page_url: str, hrefs: list[str]) -> str:
    """The groups of an article's entity sidebar (``aside.entity-sidebar``): per kind, each
    entity linked, with its mention count (its description is in entities/cards.json, which
    reading.js puts here); ``groups`` as ``_sidebar`` gives them."""
    parts = []
    for group in groups:
        parts.append(f'<section class="entity-group">\n<h3>{escape(group["label"])}</h3>\n<ul>\n')
        for entity in group["entities"]:
            href = relative(page_url, entity["url"])
            hrefs.append(href)
            name, count = escape(entity["name"]), entity["count"]
            parts.append(f"<li><a href={attribute(href)}>{name}</a> ({count})\n")
        parts.append("</ul>\n</section>\n")
    return "".join(parts)
