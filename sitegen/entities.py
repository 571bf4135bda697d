"""The entity registry: ``content/entities/<id>.md`` → :class:`Entity`.

One file per person, organisation, place or event. The front matter names the
entity and lists the forms it goes by in the text (the name and its aliases);
the Markdown body is an optional note for the entity's page. Every problem is
reported at once with ``file:line``; a file with an error is dropped and the
others still load. A form claimed by two entities is kept by the entity whose
id sorts first and reported as an error naming both files.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from sitegen.diagnostics import Diagnostic, Level, error, warning
from sitegen.editorial import read_text_file, unknown_keys
from sitegen.frontmatter import FrontMatter, split_front_matter
from sitegen.markdown import unsafe_links
from sitegen.seeds import digest_bytes
from sitegen.urlpolicy import unsafe_url

KINDS = ("person", "organization", "place", "event", "other")
ENTITY_KEYS = ("name", "kind", "aliases", "wikidata", "description", "links")
ENTITY_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
WIKIDATA = re.compile(r"^Q[1-9][0-9]*$")
_ALIAS_KEYS = ("alias", "ignore_case")
_LINK_KEYS = ("title", "url")


# Words a news text is full of: an alias that is one of them would link ordinary text.
COMMON_WORDS = frozenset(
    """a about after all also an and any are as at be been but by can could did do for from had
    has have he her here him his how i if in into is it its last man may more most much new no
    not now of on one only or other our out over people said says she so some state than that
    the their them then there they this those time to two up us was we were what when which who
    will with war world would year you""".split()  # noqa: SIM905 (a list of 90 words, one a line, reads worse)
)


def fold_case(text: str) -> str:
    """The case folding used for ``ignore_case`` forms, here and by the mention finder.

    ``str.lower`` never shortens a string; final sigma is folded to sigma so that
    a word compares the same wherever it stands.
    """
    return text.lower().replace("ς", "σ")


@dataclass(frozen=True, slots=True)
class Alias:
    text: str
    ignore_case: bool = False
    line: int = 0  # line of the form in the entity file

    def same_as(self, other: Alias) -> bool:
        """True when the two forms can match the same text (how clashes are judged)."""
        if self.ignore_case or other.ignore_case:
            return fold_case(self.text) == fold_case(other.text)
        return self.text == other.text

    def covers(self, other: Alias) -> bool:
        """True when every text ``other`` matches is matched by this form too."""
        if self.ignore_case:
            return fold_case(self.text) == fold_case(other.text)
        return not other.ignore_case and self.text == other.text


@dataclass(frozen=True, slots=True)
class Link:
    title: str
    url: str


@dataclass(frozen=True, slots=True)
class Entity:
    id: str  # the file stem
    path: str  # relative to the site root
    name: str
    kind: str
    aliases: tuple[Alias, ...]  # not including the name
    wikidata: str | None
    description: str
    links: tuple[Link, ...]
    note_markdown: str
    note_line: int  # line of the note's first line in the file
    digest: str  # content hash of the file's bytes
    name_line: int = 1

    @property
    def forms(self) -> tuple[Alias, ...]:
        """Every form matched in text: the name first (case-sensitive), then the aliases."""
        return (Alias(self.name, False, self.name_line), *self.aliases)


def _clean(text: str) -> str:
    """Outer whitespace removed, inner runs of whitespace made one space (as paragraphs are)."""
    return " ".join(text.split())


def _name(fm: FrontMatter, rel: str, problems: list[Diagnostic]) -> str | None:
    value = fm.data.get("name")
    if value is None:
        problems.append(
            error("entity-name", "an entity needs a 'name' in its front matter (between '---' lines)", rel, 1)
        )
        return None
    if not isinstance(value, str) or not _clean(value):
        problems.append(
            error("entity-name", "'name' must be non-empty text; put it in quotes", rel, fm.line("name"))
        )
        return None
    return _clean(value)


def _kind(fm: FrontMatter, rel: str, problems: list[Diagnostic]) -> str | None:
    value = fm.data.get("kind")
    allowed = ", ".join(KINDS)
    if value is None:
        problems.append(error("entity-kind", f"an entity needs a 'kind': one of {allowed}", rel, 1))
        return None
    if value not in KINDS:
        close = difflib.get_close_matches(str(value), KINDS, n=1, cutoff=0.6)
        hint = f"; did you mean '{close[0]}'?" if close else ""
        problems.append(
            error("entity-kind", f"kind '{value}' is not one of {allowed}{hint}", rel, fm.line("kind"))
        )
        return None
    return str(value)


def _alias(item: Any, line: int, rel: str, problems: list[Diagnostic]) -> Alias | None:
    ignore_case: Any = False
    if isinstance(item, dict):
        for key in item:
            if key not in _ALIAS_KEYS:
                close = difflib.get_close_matches(str(key), _ALIAS_KEYS, n=1, cutoff=0.6)
                hint = f"did you mean '{close[0]}'?" if close else "use 'alias' and 'ignore_case'"
                problems.append(error("entity-alias", f"unknown alias key '{key}'; {hint}", rel, line))
                return None
        ignore_case = item.get("ignore_case", False)
        if not isinstance(ignore_case, bool):
            problems.append(error("entity-alias", "'ignore_case' must be true or false", rel, line))
            return None
        item = item.get("alias")
    if not isinstance(item, str):
        problems.append(
            error(
                "entity-alias",
                f"alias {item!r} must be text (put it in quotes), or a mapping "
                'such as {alias: "Quds Force", ignore_case: true}',
                rel,
                line,
            )
        )
        return None
    text = _clean(item)
    if not any(c.isalnum() for c in text):
        problems.append(error("entity-alias", f"alias {item!r} has no letter or digit to match", rel, line))
        return None
    return Alias(text, ignore_case, line)


def _aliases(fm: FrontMatter, name: str | None, rel: str, problems: list[Diagnostic]) -> tuple[Alias, ...]:
    raw = fm.data.get("aliases")
    if raw is None:
        return ()
    if not isinstance(raw, list):
        problems.append(error("entity-aliases", "'aliases' must be a list", rel, fm.line("aliases")))
        return ()
    kept: list[Alias] = []
    name_form = Alias(name, False, fm.line("name")) if name else None
    for index, item in enumerate(raw):
        alias = _alias(item, fm.line("aliases", index), rel, problems)
        if alias is None:
            continue
        if name_form is not None and name_form.covers(alias):
            problems.append(
                warning(
                    "entity-alias-is-name",
                    f"alias '{alias.text}' is the entity's name, which is always matched; remove it",
                    rel,
                    alias.line,
                )
            )
            continue
        earlier = next((k for k in kept if k.covers(alias)), None)
        if earlier is not None:
            problems.append(
                warning(
                    "entity-alias-duplicate",
                    f"alias '{alias.text}' repeats the alias on line {earlier.line}; remove one",
                    rel,
                    alias.line,
                )
            )
            continue
        common = _common_word(alias)
        if common:
            problems.append(
                warning(
                    "alias-common-word",
                    f"alias '{alias.text}' {common}, so ordinary text would be linked to this entity; "
                    "use a longer form, or a case-sensitive one in capitals (an acronym such as 'UN')",
                    rel,
                    alias.line,
                )
            )
        kept.append(alias)
    return tuple(kept)


def _common_word(alias: Alias) -> str | None:
    """Why ``alias`` would match ordinary words, or None."""
    letters = sum(c.isalnum() for c in alias.text)
    if not alias.ignore_case and alias.text.isupper() and letters > 1:
        return None  # an acronym ('UN', 'U.S.'): matches capitals only
    if fold_case(alias.text) in COMMON_WORDS:
        return "is a common English word"
    if letters <= 2:
        return f"has only {letters} letter{'s' if letters > 1 else ''}"
    return None


def _text(fm: FrontMatter, key: str, code: str, rel: str, problems: list[Diagnostic]) -> str | None:
    value = fm.data.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        problems.append(error(code, f"'{key}' must be text; put it in quotes", rel, fm.line(key)))
        return None
    return value.strip()


def _url_ok(url: str) -> bool:
    """An entity's links lead to other sites: absolute http(s) addresses only."""
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and bool(parts.netloc) and not any(c.isspace() for c in url)


def _links(fm: FrontMatter, rel: str, problems: list[Diagnostic]) -> tuple[Link, ...]:
    raw = fm.data.get("links")
    if raw is None:
        return ()
    shape = 'each link is a mapping such as {title: Wikipedia, url: "https://en.wikipedia.org/..."}'
    if not isinstance(raw, list):
        problems.append(error("entity-links", f"'links' must be a list; {shape}", rel, fm.line("links")))
        return ()
    links: list[Link] = []
    for index, item in enumerate(raw):
        line = fm.line("links", index)
        if not isinstance(item, dict):
            problems.append(error("entity-links", f"link {item!r} is not a mapping; {shape}", rel, line))
            continue
        extra = [str(k) for k in item if k not in _LINK_KEYS]
        title, url = item.get("title"), item.get("url")
        if extra:
            problems.append(
                error("entity-links", f"unknown link key '{extra[0]}'; use 'title' and 'url'", rel, line)
            )
        elif not isinstance(title, str) or not title.strip():
            problems.append(error("entity-links", "a link needs a 'title' (text)", rel, line))
        elif isinstance(url, str) and (refused := unsafe_url(url, "link url", rel, line)):
            problems.append(refused)
        elif not isinstance(url, str) or not _url_ok(url):
            problems.append(
                error("entity-links", f"link url {url!r} must be an http:// or https:// address", rel, line)
            )
        else:
            links.append(Link(_clean(title), url))
    return tuple(links)


def parse_entity(text: str, entity_id: str, rel: str) -> tuple[Entity | None, list[Diagnostic]]:
    """Parse one registry file. Returns the entity (None if any error) and every problem found."""
    fm, problems = split_front_matter(text, rel)
    if fm is None:
        return None, problems
    if not ENTITY_ID.match(entity_id):
        problems.append(
            error(
                "entity-bad-id",
                f"'{entity_id}' is not a usable entity id; name the file with lowercase letters, "
                "digits and single hyphens, such as 'qasem-soleimani.md'",
                rel,
            )
        )
    problems.extend(unknown_keys(fm, ENTITY_KEYS, rel, "entity-unknown-key"))
    name = _name(fm, rel, problems)
    kind = _kind(fm, rel, problems)
    aliases = _aliases(fm, name, rel, problems)
    wikidata = _text(fm, "wikidata", "entity-wikidata", rel, problems)
    if wikidata is not None and not WIKIDATA.match(wikidata):
        problems.append(
            error(
                "entity-wikidata",
                f"wikidata '{wikidata}' must be a Wikidata item id such as 'Q42'",
                rel,
                fm.line("wikidata"),
            )
        )
    description = _text(fm, "description", "entity-description", rel, problems) or ""
    if "\n" in description:
        problems.append(
            error(
                "entity-description",
                "'description' must be one line; put longer text in the note below the front matter",
                rel,
                fm.line("description"),
            )
        )
    links = _links(fm, rel, problems)
    dropped = name is None or kind is None or any(p.level >= Level.ERROR for p in problems)
    # A refused link in the note is left out of the page; the entity itself stays.
    problems.extend(unsafe_links(fm.body, rel, fm.body_line))
    if dropped or name is None or kind is None:
        return None, problems
    body = fm.body.rstrip()
    stripped = body.lstrip("\n")
    entity = Entity(
        id=entity_id,
        path=rel,
        name=name,
        kind=kind,
        aliases=aliases,
        wikidata=wikidata,
        description=description,
        links=links,
        note_markdown=stripped,
        note_line=fm.body_line + len(body) - len(stripped),
        digest=digest_bytes(text.encode("utf-8")),
        name_line=fm.line("name"),
    )
    return entity, problems


def _clashes(entities: list[Entity]) -> tuple[list[Entity], list[Diagnostic]]:
    """Drop forms claimed by an entity whose id sorts earlier; report each with both files.

    A clashing alias is dropped from the later entity. A clashing name stays the
    later entity's label, and the mention finder links the text to the first.
    """
    claimed: dict[str, list[tuple[Entity, Alias, str]]] = {}  # folded text -> (entity, form, "name"/"alias")
    problems: list[Diagnostic] = []
    result: list[Entity] = []
    for entity in sorted(entities, key=lambda e: e.id):
        kept: list[Alias] = []
        for index, form in enumerate(entity.forms):
            what = "name" if index == 0 else "alias"
            bucket = claimed.setdefault(fold_case(form.text), [])
            owner = next((c for c in bucket if c[0].id != entity.id and c[1].same_as(form)), None)
            if owner is not None:
                first, first_form, first_what = owner
                action = (
                    f"the text it matches is linked to '{first.id}'"
                    if index == 0
                    else f"the alias is kept for '{first.id}' and dropped here"
                )
                problems.append(
                    error(
                        "entity-alias-clash",
                        f"{what} '{form.text}' is also claimed by {first.path}:{first_form.line} "
                        f"({first_what} '{first_form.text}' of '{first.id}'); a form may belong to one "
                        f"entity only, so {action}",
                        entity.path,
                        form.line,
                    )
                )
                if index > 0:
                    continue
            bucket.append((entity, form, what))
            if index > 0:
                kept.append(form)
        if len(kept) != len(entity.aliases):
            entity = replace(entity, aliases=tuple(kept))
        result.append(entity)
    return result, problems


ParseCache = dict[str, tuple[str, "Entity | None", list[Diagnostic]]]


def load_registry(
    paths: Sequence[Path], root: Path, cache: ParseCache | None = None
) -> tuple[list[Entity], list[Diagnostic]]:
    """Read every registry file; returns the valid entities sorted by id, and all problems.

    With ``cache`` (kept by a long-lived builder), a file whose text is unchanged is not
    parsed again: YAML parsing was most of a rebuild's registry cost.
    """
    problems: list[Diagnostic] = []
    entities: list[Entity] = []
    seen: dict[str, str] = {}
    for path in sorted(paths, key=lambda p: (p.stem, p.as_posix())):
        rel = path.relative_to(root).as_posix()
        if path.stem in seen:
            problems.append(
                error(
                    "entity-duplicate-id",
                    f"entity id '{path.stem}' is already used by {seen[path.stem]}; rename one of the files",
                    rel,
                )
            )
            continue
        seen[path.stem] = rel
        text, read_problems = read_text_file(path, root)
        problems.extend(read_problems)
        if text is None:
            continue
        cached = cache.get(rel) if cache is not None else None
        if cached is not None and cached[0] == text:
            entity, entity_problems = cached[1], cached[2]
        else:
            entity, entity_problems = parse_entity(text, path.stem, rel)
            if cache is not None:
                cache[rel] = (text, entity, entity_problems)
        problems.extend(entity_problems)
        if entity is not None:
            entities.append(entity)
    entities, clash_problems = _clashes(entities)
    problems.extend(clash_problems)
    return entities, problems
