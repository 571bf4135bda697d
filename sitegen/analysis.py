"""Analyse one article: seed + editorial layer → :class:`~sitegen.model.Article`.

This is the per-article stage (corrections, then mentions, plug in here);
it depends only on its own inputs, so its result can be cached by their hash.
"""

from __future__ import annotations

from sitegen.config import SiteConfig
from sitegen.diagnostics import Diagnostic, warning
from sitegen.markdown import render_markdown
from sitegen.model import Article, Block, Editorial, Seed, TocEntry
from sitegen.text import first_sentence, html_escape, slugify
from sitegen.urls import permalink


def _heading_anchor(text: str, used: set[str], number: int) -> str:
    base = slugify(text, 50) or f"section-{number}"
    anchor, n = base, 2
    while anchor in used:
        anchor, n = f"{base}-{n}", n + 1
    used.add(anchor)
    return anchor


def analyse_article(
    seed: Seed, editorial: Editorial | None, config: SiteConfig
) -> tuple[Article, list[Diagnostic]]:
    problems: list[Diagnostic] = []
    roles = dict(editorial.roles) if editorial else {}
    count = len(seed.paragraphs)
    if editorial:
        for number in sorted(n for n in roles if n > count):
            problems.append(
                warning(
                    "editorial-roles",
                    f"paragraph {number} does not exist: the seed {seed.path} has {count} paragraphs",
                    editorial.path,
                    editorial.key_lines.get("roles"),
                )
            )
            del roles[number]

    used_anchors: set[str] = set()
    blocks: list[Block] = []
    toc: list[TocEntry] = []
    for number, paragraph in enumerate(seed.paragraphs, start=1):
        role = roles.get(number, "body")
        text = paragraph.text
        if role == "heading":
            anchor = _heading_anchor(text, used_anchors, number)
            toc.append(TocEntry(anchor, text))
        else:
            anchor = f"p{number}"
        blocks.append(Block(number, role, anchor, html_escape(text), text, paragraph.line))

    first_body = next((b.text for b in blocks if b.role == "body"), blocks[0].text)
    title = (editorial.title if editorial and editorial.title else None) or first_sentence(first_body)
    slug = (editorial.slug if editorial and editorial.slug else None) or slugify(title) or slugify(seed.id)
    url = permalink(
        config.permalink,
        year=seed.date.year,
        month=seed.date.month,
        day=seed.date.day,
        slug=slug,
        article_id=seed.id,
    )
    note_html = render_markdown(editorial.note_markdown) if editorial and editorial.note_markdown else ""
    article = Article(
        id=seed.id,
        seed_path=seed.path,
        editorial_path=editorial.path if editorial else None,
        date=seed.date,
        title=title,
        subtitle=editorial.subtitle if editorial else "",
        slug=slug,
        url=url,
        tags=editorial.tags if editorial else (),
        summary=(editorial.summary if editorial and editorial.summary else first_sentence(first_body, 240)),
        note_html=note_html,
        blocks=tuple(blocks),
        toc=tuple(toc),
        source_publisher=editorial.source.publisher if editorial else "",
        source_url=editorial.source.url if editorial else "",
    )
    return article, problems
