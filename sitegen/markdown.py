"""The one Markdown renderer for authored text (pages, editor's notes, entity notes).

Seeds never pass through here: they are plain text. Raw HTML in Markdown is
disabled so that editorial text is escaped like everything else.
"""

from __future__ import annotations

from functools import lru_cache

from markdown_it import MarkdownIt
from mdit_py_plugins.anchors import anchors_plugin
from mdit_py_plugins.footnote import footnote_plugin
from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import get_lexer_by_name
from pygments.util import ClassNotFound

_FORMATTER = HtmlFormatter(cssclass="highlight", wrapcode=True)


def highlight_code(code: str, lang: str, _attrs: str) -> str:
    """markdown-it ``highlight`` hook: Pygments markup, or '' to let markdown-it escape."""
    if not lang:
        return ""
    try:
        lexer = get_lexer_by_name(lang)
    except ClassNotFound:
        return ""
    return str(highlight(code, lexer, _FORMATTER))


@lru_cache(maxsize=1)
def markdown_renderer() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "highlight": highlight_code, "typographer": False})
    md.enable("table")
    md.use(anchors_plugin, min_level=2, max_level=3, permalink=False)
    md.use(footnote_plugin)
    return md


def render_markdown(text: str) -> str:
    html: str = markdown_renderer().render(text)
    return html
