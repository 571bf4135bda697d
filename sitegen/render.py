"""Render planned pages with Jinja2.

Templates see only their explicit context plus pure filters; nothing here
reads the site model, so a page is a function of (template files, context).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import marshal
import os
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2
import markupsafe
from jinja2 import meta, pass_context
from jinja2.loaders import split_template_path
from jinja2.runtime import Context as JinjaContext

from sitegen.incremental import library_versions
from sitegen.inline import attribute
from sitegen.plan.records import PagePlan
from sitegen.sources import INPUT_SYMLINK, files_under, read_input
from sitegen.text import MONTHS
from sitegen.urls import relative

# The context key of the list the url filter appends each link it writes to (set only
# while rendering, never in the context a page is fingerprinted by).
MADE_HREFS = "_sitegen_hrefs"


@dataclass
class PageMade:
    """What a page links to and the ids it has, as known while it is rendered (linkcheck)."""

    hrefs: list[str] = field(default_factory=list)  # as written on the page
    ids: set[str] = field(default_factory=set)


@pass_context
def url_filter(ctx: JinjaContext, target: str) -> str:
    """Link from the current page to a site-relative URL."""
    page = ctx["page"]
    href = str(ctx["base_path"]) + target if page.get("absolute_links") else relative(page["url"], target)
    made = ctx.parent.get(MADE_HREFS)  # the dict render() was given: a plain lookup, per link
    if made is not None:
        made.append(href)
    return href


def date_filter(value: str, style: str = "long") -> str:
    date = dt.date.fromisoformat(value)
    if style == "month":
        return f"{MONTHS[date.month - 1]} {date.year}"
    return f"{date.day} {MONTHS[date.month - 1]} {date.year}"


Resolver = Callable[[str], Any]


class _Environment(jinja2.Environment):
    """Contexts are plain dicts: look ``x.y`` up as a key first. Jinja tries the attribute
    first and falls back on an AttributeError, which was the single hottest call of a build."""

    def getattr(self, obj: Any, attribute: str) -> Any:
        if type(obj) is dict:
            try:
                return obj[attribute]
            except KeyError:
                pass
        return super().getattr(obj, attribute)


class _TemplateFiles(jinja2.BaseLoader):
    """Jinja's FileSystemLoader, reading through :func:`sitegen.sources.read_input`: a link
    (a template, or a folder on its way) is passed over as if absent, so a link to a file
    outside the site is never read; discovery reports it. Each file is read once for the
    renderer's life (which ends when a template file changes): a page is rendered from the
    very text its fingerprint names, even when the file is edited during the build (the
    next build sees that: Renderer.read)."""

    def __init__(self, searchpath: Sequence[Path]) -> None:
        self.searchpath = tuple(searchpath)
        self.texts: dict[str, tuple[str, str] | None] = {}  # file → (text, hash of its bytes)

    def text(self, filename: str) -> str | None:
        if filename not in self.texts:
            path = Path(filename)
            data, _ = read_input(path, path.parent) if os.path.lexists(path) else (None, None)
            if data is None:  # missing, a link or not a file: as the template search does, try the next
                self.texts[filename] = None
            else:  # as open() in text mode reads it for FileSystemLoader: universal newlines
                text = data.decode("utf-8").replace("\r\n", "\n").replace("\r", "\n")
                self.texts[filename] = (text, hashlib.blake2b(data, digest_size=16).hexdigest())
        found = self.texts[filename]
        return found[0] if found is not None else None

    def get_source(
        self, environment: jinja2.Environment, template: str
    ) -> tuple[str, str, Callable[[], bool]]:
        pieces = split_template_path(template)
        links: list[str] = []
        for directory in self.searchpath:
            path = directory.joinpath(*pieces)
            folders = [directory.joinpath(*pieces[:i]) for i in range(1, len(pieces))]
            if any(os.path.islink(f) for f in folders):
                links.append(str(path))
                continue
            if not os.path.lexists(path):
                continue
            text = self.text(str(path))
            if text is not None:
                # auto_reload is off: a Renderer lives only while its template files are unchanged.
                return text, str(path), lambda: True
            _, refused = read_input(path, directory)
            if refused is not None and refused.code != INPUT_SYMLINK:
                raise jinja2.TemplateError(f"{path}: {refused.message}")
            links.append(str(path))
        passed = f" (symbolic links are not read: {', '.join(links)})" if links else ""
        raise jinja2.TemplateNotFound(template, f"template '{template}' not found{passed}")


def attribute_filter(value: object) -> markupsafe.Markup:
    """An attribute value, quoted only where HTML requires it (for loops that write many links)."""
    return markupsafe.Markup(attribute(str(value)))


class Renderer:
    """Renders plans; knows each template's file closure for page fingerprints."""

    def __init__(
        self, template_dirs: Sequence[Path], base_path: str, resolvers: Mapping[str, Resolver] | None = None
    ) -> None:
        self.template_dirs = tuple(template_dirs)
        self.resolvers = dict(resolvers or {})
        self._closures: dict[str, str] = {}
        self._references: dict[str, list[str | None]] = {}  # template name → the names it loads
        self.files = _TemplateFiles(template_dirs)
        self.env = _Environment(
            loader=self.files,
            auto_reload=False,  # a renderer lives only while its template files are unchanged
            autoescape=True,
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
        )
        self.env.filters["url"] = url_filter
        self.env.filters["date"] = date_filter
        self.env.filters["attribute"] = attribute_filter
        self.env.globals["base_path"] = base_path

    def render(
        self, plan: PagePlan, context: dict[str, Any] | None = None, made: PageMade | None = None
    ) -> bytes:
        """The page's bytes; ``context`` is the plan's, when the caller has built it already.
        ``made`` is filled in with the page's links and ids (PagePlan.made)."""
        template = self.env.get_template(plan.template)
        context = plan.make_context() if context is None else context
        if plan.lazy or made is not None:
            context = dict(context)
            for key, ref in plan.lazy:
                context[key] = self.resolvers[key](ref)
        if made is None:
            return template.render(context).encode("utf-8")
        context[MADE_HREFS] = made.hrefs
        data = template.render(context).encode("utf-8")
        made.hrefs.extend(plan.link_lines)  # the links of its Markdown, as written
        if plan.made is not None:
            ids, hrefs = plan.made(context)
            made.ids.update(ids)
            made.hrefs.extend(hrefs)
        return data

    def template_digest(self, name: str) -> str:
        """Hash of every template file ``name`` loads (extends, includes, imports), transitively."""
        digest = self._closures.get(name)
        if digest is None:
            h = hashlib.blake2b(digest_size=16)
            for path in sorted(self._closure(name)):
                text = self.files.text(path)
                h.update(path.encode("utf-8") + b"\0")
                h.update(text.encode("utf-8") if text is not None else b"<missing>")
            digest = self._closures[name] = h.hexdigest()
        return digest

    def read(self) -> dict[str, str]:
        """The hash of the bytes read of every template file read so far, by absolute path."""
        return {path: found[1] for path, found in self.files.texts.items() if found is not None}

    def _closure(self, name: str) -> set[str]:
        files, _, dynamic = self._walk(name)
        if dynamic:  # a dynamic include: depend on every template
            return {str(p) for d in self.template_dirs for p in files_under(d)}
        return files

    def loads_any(self, name: str, names: Collection[str]) -> bool:
        """Whether template ``name`` is one of ``names`` or loads one (extends, includes,
        imports), transitively, as the template files are now. A template an edit stopped
        loading is still reached: through the edited file that loaded it."""
        _, loaded, dynamic = self._walk(name)
        return dynamic or not loaded.isdisjoint(names)

    def _walk(self, name: str) -> tuple[set[str], set[str], bool]:
        """The files and the template names ``name`` loads, itself included, transitively;
        and whether one of them includes a template named at render time (dynamic)."""
        seen: set[str] = set()
        files: set[str] = set()
        pending = [name]
        while pending:
            current = pending.pop()
            if current in seen:
                continue
            seen.add(current)
            try:
                source, filename, _ = self.files.get_source(self.env, current)
            except jinja2.TemplateNotFound:
                # A template that does not exist yet: creating it later must change the digest.
                files.update(str(d / current) for d in self.template_dirs)
                continue
            files.add(str(filename))
            referenced = self._references.get(current)
            if referenced is None:  # parsed once for the renderer's life (its files are fixed)
                parsed = self.env.parse(source, current, filename)
                referenced = self._references[current] = list(meta.find_referenced_templates(parsed))
            if None in referenced:
                return files, seen, True
            pending.extend(r for r in referenced if r is not None)
        return files, seen, False

    def fingerprint(self, plan: PagePlan, context: dict[str, Any] | None = None) -> str:
        """Everything the page's bytes depend on: its template files, the libraries' versions,
        its context (or the key of the inputs it is built from: plan.PageKeys), lazy references."""
        h = hashlib.blake2b(digest_size=16)
        h.update(self.template_digest(plan.template).encode("ascii"))
        h.update(library_versions().encode("utf-8"))  # Jinja, MarkupSafe, Pygments: their output
        if plan.key:
            h.update(b"key:" + plan.key.encode("ascii"))
        else:  # marshal version 2: no object references, so the bytes are stable
            h.update(marshal.dumps(plan.make_context() if context is None else context, 2))
        h.update(repr(plan.lazy).encode("utf-8"))
        return h.hexdigest()
