"""Render planned pages with Jinja2.

Templates see only their explicit context plus pure filters; nothing here
reads the site model, so a page is a function of (template files, context).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import jinja2
from jinja2 import pass_context
from jinja2.runtime import Context as JinjaContext

from sitegen.plan import PagePlan
from sitegen.urls import relative

MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


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


class Renderer:
    def __init__(self, template_dirs: Sequence[Path], base_path: str) -> None:
        self.env = jinja2.Environment(
            loader=jinja2.FileSystemLoader([str(d) for d in template_dirs]),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
        )
        self.env.filters["url"] = url_filter
        self.env.filters["date"] = date_filter
        self.env.globals["base_path"] = base_path

    def render(self, plan: PagePlan) -> bytes:
        template = self.env.get_template(plan.template)
        return template.render(plan.context).encode("utf-8")

    def render_string(self, template_name: str, context: dict[str, Any]) -> str:
        return self.env.get_template(template_name).render(context)
