"""CriticMarkup for authored Markdown, shown like the article corrections.

``{~~old~>new~~}``, ``{++added++}``, ``{--deleted--}``, ``{>>comment<<}`` and
``{==highlight==}`` (a comment right after any of them, with nothing between,
belongs to it). The edited reading is shown; the old reading stays in the
markup as ``<span class="reading-sic">`` (hidden by the theme's CSS, shown by
the "as received" switch) and each edit gets a numbered note in a
``<section class="footnotes critic-notes">`` appended to the document, the same
convention as the article corrections. A highlight without a comment is just
``<mark>``, with no note.

Parts may hold inline Markdown (``{++*new*++}``). CriticMarkup does not nest:
an opener met before the closer makes the first opener literal text, as is
unclosed or blank markup. Nor is it recognised in link text, where the note
marker (itself a link) cannot go. A code span inside a part hides any closing
marker in it, and nothing is recognised in code spans or code blocks.

Ids are ``cm-fn-N`` / ``cm-fnref-N`` (counted from 1 in each render call), apart
from the article footnotes (``fn-N``, ``fnref-N-x``) and markdown-it's
footnotes (``fn1``, ``fnref1``). When two renders share a page, give one of
them another prefix with ``env["critic_id_prefix"]`` (default ``"cm-"``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.renderer import RendererProtocol
from markdown_it.rules_core import StateCore
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict

ID_PREFIX_KEY = "critic_id_prefix"
DEFAULT_ID_PREFIX = "cm-"

# opener -> (kind, closer)
_FORMS = {
    "{~~": ("sub", "~~}"),
    "{++": ("add", "++}"),
    "{--": ("del", "--}"),
    "{==": ("mark", "==}"),
    "{>>": ("comment", "<<}"),
}
_OPENERS = tuple(_FORMS)
_SUB_SPLIT = "~>"
_BREAKS = ("softbreak", "hardbreak")


def critic_plugin(md: MarkdownIt) -> None:
    """Recognise CriticMarkup in inline text and append the notes after the document."""
    md.inline.ruler.before("emphasis", "critic", _critic_inline)
    # last, not right after "inline": footnote_tail builds the inline footnotes' tokens late
    md.core.ruler.push("critic_notes", _critic_notes)
    md.add_render_rule("critic_ref", _render_ref)
    md.add_render_rule("critic_backref", _render_backref)
    md.add_render_rule("critic_notes_open", _render_notes_open)
    md.add_render_rule("critic_notes_close", _render_notes_close)
    md.add_render_rule("critic_note_open", _render_note_open)
    md.add_render_rule("critic_note_close", _render_note_close)


# --- inline: recognise the markup -------------------------------------------------------------------


def _skip_code_span(src: str, pos: int, hi: int) -> int:
    """``src[pos]`` starts a backtick run: the position after its code span, or after the run."""
    run = pos
    while run < hi and src[run] == "`":
        run += 1
    width, scan = run - pos, run
    while scan < hi:
        if src[scan] != "`":
            scan += 1
            continue
        end = scan
        while end < hi and src[end] == "`":
            end += 1
        if end - scan == width:
            return end
        scan = end
    return run


def _find(src: str, lo: int, hi: int, marker: str) -> int:
    """Where ``marker`` starts in ``src[lo:hi]``, past backslash escapes and code spans.

    -1 if it is absent, or if another opener comes first: CriticMarkup does not nest.
    """
    pos = lo
    while pos < hi:
        char = src[pos]
        if char == "\\":
            pos += 2
        elif char == "`":
            pos = _skip_code_span(src, pos, hi)
        elif src.startswith(marker, pos) and pos + len(marker) <= hi:
            return pos
        elif src.startswith(_OPENERS, pos):
            return -1
        else:
            pos += 1
    return -1


def _part_end(src: str, lo: int, hi: int, closer: str) -> int:
    """The closer of a part that starts at ``lo``, or -1 when it is missing or the part is blank."""
    end = _find(src, lo, hi, closer)
    return end if end > lo and src[lo:end].strip() else -1


def _inside_critic(state: StateInline) -> bool:
    return sum(token.nesting for token in state.tokens if token.type.startswith("critic_")) > 0


def _critic_inline(state: StateInline, silent: bool) -> bool:
    src, start = state.src, state.pos
    form = _FORMS.get(src[start : start + 3])
    if form is None:
        return False
    kind, closer = form
    lo = start + 3
    hi = _part_end(src, lo, state.posMax, closer)
    if hi < 0:
        return False
    split = -1
    if kind == "sub":
        split = _find(src, lo, hi, _SUB_SPLIT)
        if split < 0 or not src[lo:split].strip() or not src[split + 2 : hi].strip():
            return False
    end = hi + len(closer)
    comment: tuple[int, int] | None = (lo, hi) if kind == "comment" else None
    if kind != "comment" and src.startswith("{>>", end):
        comment_end = _part_end(src, end + 3, state.posMax, "<<}")
        if comment_end >= 0:
            comment = (end + 3, comment_end)
            end = comment_end + 3
    if state.linkLevel > 0 or _inside_critic(state):
        return False  # no note marker (a link) inside a link; no nesting
    if not silent:
        _emit(state, kind, (lo, hi), split, comment)
    state.pos = end
    return True


def _tokenize(state: StateInline, lo: int, hi: int) -> None:
    pos, pos_max = state.pos, state.posMax
    state.pos, state.posMax = lo, hi
    state.md.inline.tokenize(state)
    state.pos, state.posMax = pos, pos_max


def _part(state: StateInline, name: str, tag: str, span: tuple[int, int], part: str | None) -> None:
    """``name_open``, the inline tokens of ``src[span]``, ``name_close``; ``part`` names it for the note."""
    opening = state.push(name + "_open", tag, 1)
    if part is not None:
        opening.meta["part"] = part
    _tokenize(state, *span)
    state.push(name + "_close", tag, -1)


def _reading(state: StateInline, css: str, name: str, tag: str, span: tuple[int, int], part: str) -> None:
    outer = state.push("critic_reading_open", "span", 1)
    outer.attrSet("class", css)
    _part(state, name, tag, span, part)
    state.push("critic_reading_close", "span", -1)


def _emit(
    state: StateInline, kind: str, span: tuple[int, int], split: int, comment: tuple[int, int] | None
) -> None:
    lo, hi = span
    if kind == "mark":
        _part(state, "critic_mark", "mark", span, "mark" if comment else None)
    elif kind != "comment":
        wrapper = state.push("critic_open", "span", 1)
        wrapper.attrSet("class", "corr critic")
        if kind in ("sub", "add"):
            _reading(
                state, "reading-corr", "critic_ins", "ins", (split + 2, hi) if split >= 0 else span, "new"
            )
        if kind in ("sub", "del"):
            _reading(state, "reading-sic", "critic_del", "del", (lo, split) if split >= 0 else span, "old")
    if comment is not None:
        _part(state, "critic_comment", "", comment, "comment")
    if kind != "mark" or comment is not None:
        ref = state.push("critic_ref", "sup", 0)
        ref.meta["kind"] = kind
    if kind not in ("mark", "comment"):
        state.push("critic_close", "span", -1)


# --- core: number the edits and write the notes -----------------------------------------------------


def _plain(tokens: Sequence[Token]) -> str:
    """The text a reader sees in ``tokens``, whitespace collapsed."""
    text: list[str] = []
    for token in tokens:
        if token.type in ("text", "text_special", "code_inline"):
            text.append(token.content)
        elif token.type in _BREAKS:
            text.append(" ")
        elif token.type == "image" and token.children:
            text.append(_plain(token.children))
    return " ".join("".join(text).split())


def _text(content: str) -> Token:
    token = Token("text", "", 0)
    token.content = content
    return token


def _trimmed(tokens: list[Token]) -> list[Token]:
    """``tokens`` without leading and trailing white space.

    Done on tokens, not by narrowing the span tokenized: the text rule of markdown-it-py 4
    runs on to the next terminator character even past ``posMax``.
    """
    if tokens and tokens[0].type == "text":
        tokens[0].content = tokens[0].content.lstrip()
    if tokens and tokens[-1].type == "text":
        tokens[-1].content = tokens[-1].content.rstrip()
    return tokens


def _note(kind: str, parts: dict[str, list[Token]], ids: tuple[str, int], line: int | None) -> Token:
    """The inline token of one note: what the source had, the comment, the back-link."""
    old, new, mark = (_plain(parts.get(part, [])) for part in ("old", "new", "mark"))
    lead = {
        "sub": f"Changed from “{old}” to “{new}”.",
        "add": "Added by the editor.",
        "del": f"Deleted by the editor: “{old}”.",
        "mark": f"Highlighted “{mark}”.",
    }.get(kind, "")
    comment = _trimmed(parts.get("comment", []))
    children = [_text(lead)] if lead else []
    if lead and comment:
        children.append(_text(" "))
    children.extend(comment)
    back = Token("critic_backref", "a", 0)
    back.meta.update(prefix=ids[0], n=ids[1])
    children += [_text(" "), back]
    note = Token("inline", "", 0)
    note.children = children
    note.content = " ".join(part for part in (lead, _plain(comment)) if part)
    note.map = None if line is None else [line, line + 1]
    return note


def _number(block: Token, notes: list[Token], prefix: str) -> list[Token]:
    """Number the edits in one inline token, file their notes, take comments out of the text."""
    assert block.children is not None
    kept: list[Token] = []
    parts: dict[str, list[Token]] = {}
    part: str | None = None
    close_type = ""
    breaks = comment_breaks = 0
    for token in block.children:
        if token.type in _BREAKS:
            breaks += 1
        if part is not None:
            if token.type == close_type:
                part = None
            else:
                parts[part].append(token)
            if close_type == "critic_comment_close":
                continue
        elif token.nesting == 1 and token.meta and "part" in token.meta:
            part, close_type = token.meta["part"], token.type[: -len("_open")] + "_close"
            parts[part] = []
            if part == "comment":
                comment_breaks = breaks
                continue
        elif token.type == "critic_ref":
            number = len(notes) + 1
            token.meta.update(prefix=prefix, n=number)
            line = block.map[0] + comment_breaks if block.map else None
            notes.append(_note(token.meta["kind"], parts, (prefix, number), line))
            parts = {}
        kept.append(token)
    return kept


def _block(token_type: str, nesting: Literal[-1, 1], **meta: object) -> Token:
    token = Token(token_type, "", nesting)
    token.block = True
    token.meta.update(meta)
    return token


def _critic_notes(state: StateCore) -> None:
    prefix = str(state.env.get(ID_PREFIX_KEY, DEFAULT_ID_PREFIX))
    notes: list[Token] = []
    for token in state.tokens:
        if token.type == "inline" and token.children:
            token.children = _number(token, notes, prefix)
    if not notes:
        return
    section = [_block("critic_notes_open", 1)]
    for number, note in enumerate(notes, 1):
        section += [_block("critic_note_open", 1, prefix=prefix, n=number), note]
        section.append(_block("critic_note_close", -1))
    section.append(_block("critic_notes_close", -1))
    state.tokens.extend(section)


# --- rendering --------------------------------------------------------------------------------------


def _ids(token: Token) -> tuple[str, int]:
    return escapeHtml(str(token.meta["prefix"])), int(token.meta["n"])


def _render_ref(
    self: RendererProtocol, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    if "n" not in tokens[idx].meta:
        return ""  # out of the critic_notes rule's reach (another plugin's late tokens): no note
    prefix, n = _ids(tokens[idx])
    return (
        f'<sup class="fn-ref"><a id="{prefix}fnref-{n}" href="#{prefix}fn-{n}" role="doc-noteref">'
        f"{n}</a></sup>"
    )


def _render_backref(
    self: RendererProtocol, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    prefix, n = _ids(tokens[idx])
    return f'<a href="#{prefix}fnref-{n}" role="doc-backlink" aria-label="Back to the text">↩</a>'


def _render_notes_open(
    self: RendererProtocol, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    return (
        '<section class="footnotes critic-notes" role="doc-endnotes">\n'
        '<h2 class="visually-hidden">Editorial changes</h2>\n<ol>\n'
    )


def _render_notes_close(
    self: RendererProtocol, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    return "</ol>\n</section>\n"


def _render_note_open(
    self: RendererProtocol, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    prefix, n = _ids(tokens[idx])
    return f'<li id="{prefix}fn-{n}" role="doc-endnote"><p>'


def _render_note_close(
    self: RendererProtocol, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    return "</p></li>\n"
