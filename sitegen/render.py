"""Render planned pages with Jinja2.

Templates see only their explicit context plus pure filters; nothing here
reads the site model, so a page is a function of (template files, context).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import marshal
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import jinja2
import markupsafe
from jinja2 import meta, pass_context
from jinja2.runtime import Context as JinjaContext

from sitegen.inline import attribute
from sitegen.plan import PagePlan
from sitegen.text import MONTHS
from sitegen.urls import relative


@pass_context
def url_filter(ctx: JinjaContext, target: str) -> str:
    """Link from the current page to a site-relative URL."""
    page = ctx["page"]
    if page.get("absolute_links"):
        return str(ctx["base_path"]) + target
    return relative(page["url"], target)


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
        self.env = _Environment(
            loader=jinja2.FileSystemLoader([str(d) for d in template_dirs]),
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

    def render(self, plan: PagePlan, context: dict[str, Any] | None = None) -> bytes:
        """The page's bytes; ``context`` is the plan's, when the caller has built it already."""
        template = self.env.get_template(plan.template)
        context = plan.make_context() if context is None else context
        if plan.lazy:
            context = dict(context)
            for key, ref in plan.lazy:
                context[key] = self.resolvers[key](ref)
        return template.render(context).encode("utf-8")

    def template_digest(self, name: str) -> str:
        """Hash of every template file ``name`` loads (extends, includes, imports), transitively."""
        digest = self._closures.get(name)
        if digest is None:
            h = hashlib.blake2b(digest_size=16)
            for path in sorted(self._closure(name)):
                h.update(path.encode("utf-8") + b"\0")
                h.update(Path(path).read_bytes() if Path(path).is_file() else b"<missing>")
            digest = self._closures[name] = h.hexdigest()
        return digest

    def _closure(self, name: str) -> set[str]:
        seen: set[str] = set()
        files: set[str] = set()
        pending = [name]
        while pending:
            current = pending.pop()
            if current in seen:
                continue
            seen.add(current)
            try:
                source, filename, _ = self.env.loader.get_source(self.env, current)  # type: ignore[union-attr]
            except jinja2.TemplateNotFound:
                # A template that does not exist yet: creating it later must change the digest.
                files.update(str(d / current) for d in self.template_dirs)
                continue
            files.add(str(filename))
            for referenced in meta.find_referenced_templates(self.env.parse(source, current, filename)):
                if referenced is None:  # a dynamic include: depend on every template
                    return {str(p) for d in self.template_dirs for p in d.rglob("*") if p.is_file()}
                pending.append(referenced)
        return files

    def fingerprint(self, plan: PagePlan, context: dict[str, Any] | None = None) -> str:
        """Everything the page's bytes depend on: its template files, its context (or the key
        of the inputs it is built from: plan.PageKeys), lazy references."""
        h = hashlib.blake2b(digest_size=16)
        h.update(self.template_digest(plan.template).encode("ascii"))
        if plan.key:
            h.update(b"key:" + plan.key.encode("ascii"))
        else:  # marshal version 2: no object references, so the bytes are stable
            h.update(marshal.dumps(plan.make_context() if context is None else context, 2))
        h.update(repr(plan.lazy).encode("utf-8"))
        return h.hexdigest()
