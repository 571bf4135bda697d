"""The one Markdown renderer for authored text (pages, editor's notes, entity notes).

Seeds never pass through here: they are plain text. Raw HTML in Markdown is
disabled so that editorial text is escaped like everything else.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from markdown_it import MarkdownIt
from markupsafe import escape
from mdit_py_plugins.anchors import anchors_plugin
from mdit_py_plugins.footnote import footnote_plugin
from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import get_lexer_by_name
from pygments.util import ClassNotFound

from sitegen.diagnostics import Diagnostic
from sitegen.mdplugins import critic_plugin, sitelinks_plugin
from sitegen.urlpolicy import unsafe_url

_FORMATTER = HtmlFormatter(nowrap=True)  # markdown-it writes the <pre><code> around it


def highlight_code(code: str, lang: str, _attrs: str) -> str:
    """markdown-it ``highlight`` hook: Pygments markup, or '' to let markdown-it escape."""
    if not lang:
        return ""
    try:
        lexer = get_lexer_by_name(lang)
    except ClassNotFound:
        return ""
    # markdown-it uses a result starting with <pre as the whole block; a bare fragment would be
    # wrapped in <pre><code> again, and Pygments' own <div> inside <code> is not valid HTML.
    body = str(highlight(code, lexer, _FORMATTER))
    return f'<pre class="highlight"><code class="language-{escape(lang)}">{body}</code></pre>\n'


@lru_cache(maxsize=1)
def markdown_renderer() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "highlight": highlight_code, "typographer": False})
    md.enable("table")
    md.use(anchors_plugin, min_level=2, max_level=3, permalink=False)
    md.use(footnote_plugin)
    md.use(critic_plugin)
    md.use(sitelinks_plugin)
    return md


def render_markdown(
    text: str,
    page_url: str,
    *,
    first_line: int = 1,
    absolute_base: str | None = None,
    links: list[tuple[str, int]] | None = None,
) -> str:
    """HTML for Markdown shown on the page at ``page_url`` (site-relative).

    Site-root links (``/about/``) become relative to the page, or base-path-absolute
    with ``absolute_base`` (the 404 page). ``first_line`` is the file line the Markdown
    starts on; every link and image is appended to ``links`` as ``(href, line)``.
    """
    env: dict[str, Any] = {
        "page_url": page_url,
        "first_line": first_line,
        "links": [] if links is None else links,
    }
    if absolute_base is not None:
        env["absolute_base"] = absolute_base
    html: str = markdown_renderer().render(text, env)
    return html


def unsafe_links(text: str, rel: str, first_line: int = 1) -> list[Diagnostic]:
    """An error for each link or image in ``text`` that the URL policy refuses (rendering
    leaves them out), at its line in the file ``rel``: checked where the file is read."""
    if "]" not in text and "<" not in text:  # no link, image nor autolink: skip the parse
        return []
    env: dict[str, Any] = {"first_line": first_line}
    markdown_renderer().parse(text, env)
    found = (unsafe_url(target, "the link", rel, line) for target, line in env["unsafe_links"])
    return [problem for problem in found if problem is not None]


def link_lines(links: list[tuple[str, int]]) -> dict[str, int]:
    """``href -> line`` for ``PagePlan.link_lines``: the first line an href is on."""
    lines: dict[str, int] = {}
    for href, line in links:
        lines.setdefault(href, line)
    return lines
