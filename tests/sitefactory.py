"""Sample archives described in memory, the edits made to them, and build-output comparison.

Used by ``test_incremental.py``. An :class:`Archive` is a plain description of a site
(seeds, editorial files, entities, correction rules, one page, template and style
overrides, configuration); ``Archive.files()`` renders it to ``{relative path: text}``
and :func:`sync` writes the difference between two versions to a site folder, so the
same edits reach several copies of a site byte for byte. An edit is a small frozen
dataclass: ``edit.apply(archive)`` returns the edited archive and a one-line account
of what changed, so a failing example reads as a list of edits.

The vocabulary is chosen so that edits interact: sentences carry entity names and
aliases, rule finds ('kay' → 'quay') create alias matches ('the quay') in the
corrected reading only, titles and slugs can collide; the rules' collection is accepted for
some articles (its 'articles' list, an editorial file's 'rules' line) and pending in others.
"""

from __future__ import annotations

import dataclasses
import difflib
import shutil
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from hypothesis import strategies as st

from sitegen.diagnostics import Diagnostic
from sitegen.sources import theme_dir
from sitegen.writer import MANIFEST, PENDING_FILE

# --------------------------------------------------------------------------- vocabulary

NEUTRAL = (
    "Boats queued at dawn.",
    "Prices fell by a third.",
    "Stalls opened early.",
    "Rain fell all week.",
    "Walkers used the road instead.",
    "Costs ran over budget.",
)
WITH_ENTITIES = (
    "Ana Pereira waved the first boats through.",
    "Pereira said it would not happen again.",
    "Crowds filled Saltmere on Saturday.",
    "Work on the North Quay ended.",
    "Everyone agreed the quay was busy.",
    "The Harbour Board met on Monday.",
    "The Board approved the budget.",
    "Tom Okafor spoke for the stallholders.",
    "Okafor's boat came in first.",
)
WITH_RULES = (
    "The struggle went on for weeks.",
    "Talks at the habour ended late.",
    "Officials of the Quds Drive spoke.",
    "Repairs to the kay ran late.",
    "Prices in the Center East rose.",
)
SENTENCES = NEUTRAL + WITH_ENTITIES + WITH_RULES

DATES = (
    "2021-03-02",
    "2021-03-15",
    "2021-03-15",  # twice: same-day articles order by id
    "2021-04-09",
    "2021-04-20",
    "2021-05-01",
    "2021-05-28",
)
BROKEN_DATE = "2021-02-30"


@dataclass(frozen=True)
class EntityKind:
    name: str
    kind: str
    aliases: tuple[str, ...]
    sentence: str  # a sentence in which one of its forms occurs


ENTITY_POOL: dict[str, EntityKind] = {
    "ana-pereira": EntityKind("Ana Pereira", "person", ("Pereira",), WITH_ENTITIES[0]),
    "saltmere": EntityKind("Saltmere", "place", (), WITH_ENTITIES[2]),
    "north-quay": EntityKind("North Quay", "place", ("the quay",), WITH_ENTITIES[3]),
    "harbour-board": EntityKind("Harbour Board", "organization", ("Board",), WITH_ENTITIES[5]),
    "tom-okafor": EntityKind("Tom Okafor", "person", ("Okafor",), WITH_ENTITIES[7]),
    "quds-force": EntityKind("Quds Force", "organization", (), WITH_RULES[2]),  # only after a correction
}
ENTITY_IDS = tuple(ENTITY_POOL)
EXTRA_ALIASES = ("Ana", "Mrs Pereira", "boats", "war", "quay", "Middle East", "Crowds", "Saltmere")
RENAMES = ("Ana Pereira-Lopes", "Saltmere Town", "The North Quay", "Okafor")
DESCRIPTIONS = ("", "Harbour master of Saltmere.", "A fishing town on the Mere.", "Chair of the board.")

RULE_POOL = (
    ("struggle", "war", "spinner", WITH_RULES[0]),
    ("habour", "harbour", "typo", WITH_RULES[1]),
    ("Quds Drive", "Quds Force", "spinner", WITH_RULES[2]),
    ("kay", "quay", "typo", WITH_RULES[3]),
    ("Center East", "Middle East", "spinner", WITH_RULES[4]),
)
TITLES = ("Harbour reopens", "Market day in Saltmere", "Bridge to close", "The Board meets", "A quiet week")
SLUGS = (None, "harbour-reopens", "market-day", "bridge")  # few: articles collide on one URL
TAGS = ("harbour", "council", "fish", "weather")
ABOUT = ((), ("ana-pereira",), ("saltmere", "quds-force"), ("tom-okafor",))  # present in the registry or not
ARTICLE_CORRECTIONS = (("Boats", "Ships"), ("Prices", "Costs"), ("Pereira", "Pereyra"), ("Rain", "Snow"))
COLLECTION = "corrections"  # the collection of content/corrections.toml
ACCEPTED = (("*",), (), ("s1",), ("s[13]*", "s5"))  # the collection's 'articles': everywhere, nowhere, some
DECISIONS = (None, "accept", "reject")  # an editorial file's 'rules' line for the collection

SITE_TITLES = ("Harbour archive", "Saltmere papers", "The Mere Gazette")
PERMALINKS = (
    "/{year}/{month}/{day}/{slug}/",
    "/{year}/{slug}/",
    "/articles/{id}/",
    "/{year}/{month}/{id}-{slug}/",
)
LINK_MENTIONS = ("first", "every", "none")
PER_PAGE = (50, 2)
ENTITY_PER_PAGE = (100, 1)  # [entities] per_page: one article a page paginates every entity
PUBLISHERS = ("The test suite", "Saltmere Press")
DESCRIPTIONS = ("A generated archive.", "Harbour news, as received.")
BASE_URLS = ("https://example.org/archive/", "https://example.org/", "/")  # '/': no feed, no sitemap
KINDS = ("person", "place", "organization", "persn")  # 'persn': an error, the entity is left out

# Template overrides: a string of the theme's file and what an edit puts in its place.
TEMPLATE_EDITS: dict[str, tuple[str, str]] = {
    "article.html": ("Related articles", "See also"),
    "base.html": ("Skip to content", "Skip to the text"),
    "entity.html": ("Often mentioned with", "Seen with"),
    "list.html": ("<h1>{{ heading }}</h1>", "<h1>{{ heading }} (list)</h1>"),
    "pagination.html": ("<span>Page {{ pagination.number }}", "<span>Sheet {{ pagination.number }}"),
    # templates a patch plans apart (patch.TEMPLATE_PLANNERS)
    "page.html": (
        '<h1 id="page-title">{{ page.title }}</h1>',
        '<h1 id="page-title">{{ page.title }} (page)</h1>',
    ),
    "ledger.html": ('<h2 id="by">By correction</h2>', '<h2 id="by">By rule</h2>'),
    "timeline.html": ("<h1>Timeline</h1>", "<h1>Time line</h1>"),
}
BROKEN_TEMPLATE = 3  # this variant fails to render: a template-error for every page that uses it


def default_theme() -> Path:
    theme = theme_dir(Path("/nonexistent-site-root"), "default")
    assert theme is not None, "the default theme is missing"
    return theme


def theme_template(name: str) -> str:
    return (default_theme() / "templates" / name).read_text(encoding="utf-8")


def theme_asset(name: str) -> str:
    return (default_theme() / "static" / name).read_text(encoding="utf-8")


# --------------------------------------------------------------------------- the archive


@dataclass(frozen=True)
class Seed:
    date: str
    paragraphs: tuple[tuple[str, ...], ...]  # sentences per paragraph

    def text(self) -> str:
        paragraphs = []
        for sentences in self.paragraphs:
            # A soft line break after the second sentence: paragraphs are joined on read.
            lines = [" ".join(sentences[:2]), " ".join(sentences[2:])]
            paragraphs.append("\n".join(line for line in lines if line))
        return f"date {self.date} " + "\n\n".join(paragraphs) + "\n"


@dataclass(frozen=True)
class Editorial:
    title: str | None = None
    slug: str | None = None
    tags: tuple[str, ...] = ()
    heading: int | None = None  # paragraph number given the role 'heading'
    correction: tuple[str, str] | None = None  # (exact, replace)
    note: str = ""
    about: tuple[str, ...] = ()  # entity ids the article is about, known or not
    rules: str | None = None  # accept | reject: the 'rules' line for the collection

    def text(self) -> str:
        lines = ["---"]
        if self.title is not None:
            lines.append(f'title: "{self.title}"')
        if self.slug is not None:
            lines.append(f"slug: {self.slug}")
        lines.append(f"tags: [{', '.join(self.tags)}]")
        if self.about:
            lines.append(f"about: [{', '.join(self.about)}]")
        if self.rules is not None:
            lines.append(f"rules: {{{COLLECTION}: {self.rules}}}")
        if self.heading is not None:
            lines += ["roles:", f"  heading: [{self.heading}]"]
        if self.correction is not None:
            exact, new = self.correction
            lines += [
                "corrections:",
                f'  - exact: "{exact}"',
                f'    replace: "{new}"',
                "    type: error",
                '    note: "Corrected by the editor."',
            ]
        lines.append("---")
        return "\n".join(lines) + "\n" + (self.note + "\n" if self.note else "")


@dataclass(frozen=True)
class Entity:
    name: str
    kind: str
    aliases: tuple[str, ...] = ()
    description: str = ""
    note: str = ""

    def text(self) -> str:
        aliases = ", ".join(f'"{a}"' for a in self.aliases)
        lines = ["---", f'name: "{self.name}"', f"kind: {self.kind}", f"aliases: [{aliases}]"]
        if self.description:
            lines.append(f'description: "{self.description}"')
        lines.append("---")
        return "\n".join(lines) + "\n" + (self.note + "\n" if self.note else "")


@dataclass(frozen=True)
class Rule:
    find: str
    replace: str
    category: str
    note: str = "Damage to the text."
    exclude: tuple[str, ...] = ()

    def toml(self) -> str:
        lines = [
            "[[rule]]",
            f'find = "{self.find}"',
            f'replace = "{self.replace}"',
            'type = "error"',
            f'category = "{self.category}"',
            f'note = "{self.note}"',
        ]
        if self.exclude:
            lines.append("exclude = [" + ", ".join(f'"{i}"' for i in self.exclude) + "]")
        return "\n".join(lines) + "\n"


@dataclass(frozen=True)
class Config:
    title: str = SITE_TITLES[0]
    permalink: str = PERMALINKS[0]
    link_mentions: str = "first"
    per_page: int = 50
    base_url: str = BASE_URLS[0]
    broken: bool = False  # an unknown key: the build stops with a config error
    entity_per_page: int = ENTITY_PER_PAGE[0]
    publisher: str = PUBLISHERS[0]
    description: str = DESCRIPTIONS[0]

    def text(self) -> str:
        return (
            f'title = "{self.title}"\n'
            + ('titel = "A typo"\n' if self.broken else "")
            + f'description = "{self.description}"\n'
            f'base_url = "{self.base_url}"\n'
            f'publisher = "{self.publisher}"\n'
            f'permalink = "{self.permalink}"\n'
            f"per_page = {self.per_page}\n"
            "\n[entities]\n"
            f'link_mentions = "{self.link_mentions}"\n'
            f"per_page = {self.entity_per_page}\n"
        )


@dataclass(frozen=True)
class Archive:
    seeds: Mapping[str, Seed]
    editorials: Mapping[str, Editorial] = field(default_factory=dict)
    entities: Mapping[str, Entity] = field(default_factory=dict)
    rules: tuple[Rule, ...] = ()
    accepted: tuple[str, ...] = ("*",)  # the collection's 'articles' (ids or globs)
    page_title: str = "About"
    page_body: str = "This archive keeps articles as received."
    templates: Mapping[str, int] = field(default_factory=dict)  # overridden template → variant
    style: int | None = None  # variant of the site's static/style.css override
    config: Config = field(default_factory=Config)

    def files(self) -> dict[str, str]:
        files = {"sitegen.toml": self.config.text()}
        for seed_id, seed in self.seeds.items():
            files[f"seeds/{seed_id}.txt"] = seed.text()
        for seed_id, editorial in self.editorials.items():
            files[f"content/articles/{seed_id}.md"] = editorial.text()
        for entity_id, entity in self.entities.items():
            files[f"content/entities/{entity_id}.md"] = entity.text()
        if self.rules:
            accepted = ", ".join(f'"{a}"' for a in self.accepted)
            head = f"articles = [{accepted}]\n" if self.accepted else ""
            files["content/corrections.toml"] = head + "\n".join(rule.toml() for rule in self.rules)
        files["content/pages/about.md"] = f'---\ntitle: "{self.page_title}"\n---\n{self.page_body}\n'
        for name, variant in self.templates.items():
            old, new = TEMPLATE_EDITS[name]
            source = theme_template(name)
            assert old in source, f"the theme's {name} no longer contains {old!r}"
            if variant == BROKEN_TEMPLATE:
                new = "{{ page.no_such_key.deeper }}"
            elif variant > 1:
                new = f"{new} {variant}"
            files[f"templates/{name}"] = source.replace(old, new)
        if self.style is not None:
            files["static/style.css"] = theme_asset("style.css") + f"\n/* site override {self.style} */\n"
        return files

    def seed_ids(self) -> list[str]:
        return sorted(self.seeds)


def write_files(root: Path, files: Mapping[str, str]) -> None:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text.encode("utf-8"))


def sync(root: Path, old: Mapping[str, str], new: Mapping[str, str]) -> None:
    """Make the site at ``root`` (holding ``old``) hold ``new``: write changed files, delete gone ones."""
    for rel in sorted(set(old) - set(new)):
        (root / rel).unlink()
    write_files(root, {rel: text for rel, text in new.items() if old.get(rel) != text})


def copy_sources(root: Path, dest: Path) -> None:
    """The site's sources only: no build state, no output."""
    shutil.copytree(root, dest, ignore=shutil.ignore_patterns(".sitegen", "_site"))


# --------------------------------------------------------------------------- edits


def _pick(items: list[str], index: int) -> str | None:
    return items[index % len(items)] if items else None


@dataclass(frozen=True)
class Edit:
    def apply(self, archive: Archive) -> tuple[Archive, str]:  # pragma: no cover - overridden
        raise NotImplementedError

    def __str__(self) -> str:
        values = ", ".join(f"{f.name}={getattr(self, f.name)!r}" for f in dataclasses.fields(self))
        return f"{type(self).__name__}({values})"


def _with_seed(archive: Archive, seed_id: str, seed: Seed | None) -> Archive:
    seeds = dict(archive.seeds)
    if seed is None:
        del seeds[seed_id]
    else:
        seeds[seed_id] = seed
    return replace(archive, seeds=seeds)


@dataclass(frozen=True)
class ReplaceSentence(Edit):
    seed: int
    paragraph: int
    sentence: int
    new: int

    def apply(self, archive: Archive) -> tuple[Archive, str]:
        seed_id = _pick(archive.seed_ids(), self.seed)
        if seed_id is None:
            return archive, "no seed to edit"
        seed = archive.seeds[seed_id]
        p = self.paragraph % len(seed.paragraphs)
        sentences = list(seed.paragraphs[p])
        s = self.sentence % len(sentences)
        old, sentences[s] = sentences[s], SENTENCES[self.new % len(SENTENCES)]
        paragraphs = (*seed.paragraphs[:p], tuple(sentences), *seed.paragraphs[p + 1 :])
        return (
            _with_seed(archive, seed_id, replace(seed, paragraphs=paragraphs)),
            f"seeds/{seed_id}.txt paragraph {p + 1}: {old!r} → {sentences[s]!r}",
        )


@dataclass(frozen=True)
class AddParagraph(Edit):
    seed: int
    new: int

    def apply(self, archive: Archive) -> tuple[Archive, str]:
        seed_id = _pick(archive.seed_ids(), self.seed)
        if seed_id is None:
            return archive, "no seed to edit"
        seed = archive.seeds[seed_id]
        sentence = SENTENCES[self.new % len(SENTENCES)]
        seed = replace(seed, paragraphs=(*seed.paragraphs, (sentence,)))
        return _with_seed(archive, seed_id, seed), f"seeds/{seed_id}.txt: new last paragraph {sentence!r}"


@dataclass(frozen=True)
class RemoveParagraph(Edit):
    seed: int
    paragraph: int

    def apply(self, archive: Archive) -> tuple[Archive, str]:
        seed_id = _pick(archive.seed_ids(), self.seed)
        if seed_id is None or len(archive.seeds[seed_id].paragraphs) < 2:
            return archive, "no paragraph to remove"
        seed = archive.seeds[seed_id]
        p = self.paragraph % len(seed.paragraphs)
        seed = replace(seed, paragraphs=seed.paragraphs[:p] + seed.paragraphs[p + 1 :])
        return _with_seed(archive, seed_id, seed), f"seeds/{seed_id}.txt: paragraph {p + 1} removed"


@dataclass(frozen=True)
class SetDate(Edit):
    seed: int
    date: str

    def apply(self, archive: Archive) -> tuple[Archive, str]:
        seed_id = _pick(archive.seed_ids(), self.seed)
        if seed_id is None:
            return archive, "no seed to edit"
        seed = replace(archive.seeds[seed_id], date=self.date)
        return _with_seed(archive, seed_id, seed), f"seeds/{seed_id}.txt: date {self.date}"


@dataclass(frozen=True)
class AddSeed(Edit):
    date: str
    paragraphs: tuple[tuple[str, ...], ...]

    def apply(self, archive: Archive) -> tuple[Archive, str]:
        number = 1 + max((int(i[1:]) for i in archive.seeds), default=0)
        seed_id = f"s{number}"
        return _with_seed(archive, seed_id, Seed(self.date, self.paragraphs)), f"seeds/{seed_id}.txt added"


@dataclass(frozen=True)
class DeleteSeed(Edit):
    seed: int

    def apply(self, archive: Archive) -> tuple[Archive, str]:
        seed_id = _pick(archive.seed_ids(), self.seed)
        if seed_id is None:
            return archive, "no seed to delete"
        return _with_seed(archive, seed_id, None), f"seeds/{seed_id}.txt deleted (its editorial file kept)"


@dataclass(frozen=True)
class SetEditorial(Edit):
    """Create or change one field of a seed's editorial file."""

    seed: int
    field: str  # title | slug | tags | heading | correction | note | about | rules
    value: int

    def apply(self, archive: Archive) -> tuple[Archive, str]:
        seed_id = _pick(archive.seed_ids(), self.seed)
        if seed_id is None:
            return archive, "no seed for an editorial file"
        current = archive.editorials.get(seed_id, Editorial())
        values: dict[str, object] = {
            "title": (None, *TITLES)[self.value % (len(TITLES) + 1)],
            "slug": SLUGS[self.value % len(SLUGS)],
            "tags": tuple(t for i, t in enumerate(TAGS) if self.value >> i & 1),
            "heading": (None, 1, 2)[self.value % 3],
            "correction": (None, *ARTICLE_CORRECTIONS)[self.value % (len(ARTICLE_CORRECTIONS) + 1)],
            "note": ("", "Typed from the printed page.", "See [the about page](/about/).")[self.value % 3],
            "about": ABOUT[self.value % len(ABOUT)],
            "rules": DECISIONS[self.value % len(DECISIONS)],
        }
        value = values[self.field]
        editorials = dict(archive.editorials)
        editorials[seed_id] = replace(current, **{self.field: value})
        verb = "changed" if seed_id in archive.editorials else "added"
        return (
            replace(archive, editorials=editorials),
            f"content/articles/{seed_id}.md {verb}: {self.field} = {value!r}",
        )


@dataclass(frozen=True)
class DeleteEditorial(Edit):
    index: int

    def apply(self, archive: Archive) -> tuple[Archive, str]:
        seed_id = _pick(sorted(archive.editorials), self.index)
        if seed_id is None:
            return archive, "no editorial file to delete"
        editorials = dict(archive.editorials)
        del editorials[seed_id]
        return replace(archive, editorials=editorials), f"content/articles/{seed_id}.md deleted"


def _with_entity(archive: Archive, entity_id: str, entity: Entity | None) -> Archive:
    entities = dict(archive.entities)
    if entity is None:
        del entities[entity_id]
    else:
        entities[entity_id] = entity
    return replace(archive, entities=entities)


@dataclass(frozen=True)
class AddEntity(Edit):
    pool: int
    description: int

    def apply(self, archive: Archive) -> tuple[Archive, str]:
        missing = [e for e in ENTITY_IDS if e not in archive.entities]
        entity_id = _pick(missing, self.pool)
        if entity_id is None:
            return archive, "every entity already exists"
        kind = ENTITY_POOL[entity_id]
        entity = Entity(
            kind.name, kind.kind, kind.aliases, DESCRIPTIONS[self.description % len(DESCRIPTIONS)]
        )
        return _with_entity(archive, entity_id, entity), f"content/entities/{entity_id}.md added"


@dataclass(frozen=True)
class DeleteEntity(Edit):
    index: int

    def apply(self, archive: Archive) -> tuple[Archive, str]:
        entity_id = _pick(sorted(archive.entities), self.index)
        if entity_id is None:
            return archive, "no entity to delete"
        return _with_entity(archive, entity_id, None), f"content/entities/{entity_id}.md deleted"


@dataclass(frozen=True)
class EditEntity(Edit):
    index: int
    field: str  # description | add_alias | drop_alias | name | kind | note
    value: int

    def apply(self, archive: Archive) -> tuple[Archive, str]:
        entity_id = _pick(sorted(archive.entities), self.index)
        if entity_id is None:
            return archive, "no entity to edit"
        entity = archive.entities[entity_id]
        if self.field == "description":
            entity = replace(entity, description=DESCRIPTIONS[self.value % len(DESCRIPTIONS)])
        elif self.field == "add_alias":
            alias = EXTRA_ALIASES[self.value % len(EXTRA_ALIASES)]
            if alias in entity.aliases or alias == entity.name:
                return archive, f"content/entities/{entity_id}.md already has {alias!r}"
            entity = replace(entity, aliases=(*entity.aliases, alias))
        elif self.field == "drop_alias":
            if not entity.aliases:
                return archive, f"content/entities/{entity_id}.md has no alias to drop"
            entity = replace(entity, aliases=entity.aliases[:-1])
        elif self.field == "name":
            entity = replace(entity, name=RENAMES[self.value % len(RENAMES)])
        elif self.field == "kind":
            entity = replace(entity, kind=KINDS[self.value % len(KINDS)])
        else:
            entity = replace(entity, note=("", "A longer note.", "Also see *Saltmere*.")[self.value % 3])
        return (
            _with_entity(archive, entity_id, entity),
            f"content/entities/{entity_id}.md: {self.field} → {entity}",
        )


@dataclass(frozen=True)
class AddRule(Edit):
    pool: int

    def apply(self, archive: Archive) -> tuple[Archive, str]:
        find, new, category, _ = RULE_POOL[self.pool % len(RULE_POOL)]
        rule = Rule(find, new, category)
        what = f"content/corrections.toml: rule {find!r} added"
        return replace(archive, rules=(*archive.rules, rule)), what


@dataclass(frozen=True)
class DeleteRule(Edit):
    index: int

    def apply(self, archive: Archive) -> tuple[Archive, str]:
        if not archive.rules:
            return archive, "no rule to delete"
        i = self.index % len(archive.rules)
        rules = archive.rules[:i] + archive.rules[i + 1 :]
        what = f"content/corrections.toml: rule {i + 1} ({archive.rules[i].find!r}) deleted"
        return replace(archive, rules=rules), what


@dataclass(frozen=True)
class EditRule(Edit):
    index: int
    field: str  # replace | note | exclude
    value: int

    def apply(self, archive: Archive) -> tuple[Archive, str]:
        if not archive.rules:
            return archive, "no rule to edit"
        i = self.index % len(archive.rules)
        rule = archive.rules[i]
        if self.field == "replace":
            rule = replace(rule, replace=f"{rule.replace}{'!' * (1 + self.value % 2)}")
        elif self.field == "note":
            rule = replace(rule, note=f"Damage to the text ({self.value}).")
        else:
            seed_id = _pick(archive.seed_ids(), self.value)
            rule = replace(rule, exclude=() if rule.exclude or seed_id is None else (seed_id,))
        rules = (*archive.rules[:i], rule, *archive.rules[i + 1 :])
        return replace(archive, rules=rules), f"content/corrections.toml: rule {i + 1} → {rule}"


@dataclass(frozen=True)
class SetAccepted(Edit):
    """Change the articles the rules' collection is accepted for (its 'articles' list)."""

    value: int

    def apply(self, archive: Archive) -> tuple[Archive, str]:
        accepted = ACCEPTED[self.value % len(ACCEPTED)]
        return replace(archive, accepted=accepted), f"content/corrections.toml: articles = {list(accepted)}"


@dataclass(frozen=True)
class OverrideTemplate(Edit):
    name: str
    variant: int  # 0 deletes the override

    def apply(self, archive: Archive) -> tuple[Archive, str]:
        templates = dict(archive.templates)
        if self.variant == 0:
            if templates.pop(self.name, None) is None:
                return archive, f"templates/{self.name}: no override to delete"
            return replace(archive, templates=templates), f"templates/{self.name} deleted"
        templates[self.name] = self.variant
        what = f"templates/{self.name}: override, variant {self.variant}"
        return replace(archive, templates=templates), what


@dataclass(frozen=True)
class OverrideStyle(Edit):
    variant: int  # 0 deletes the override

    def apply(self, archive: Archive) -> tuple[Archive, str]:
        style = self.variant or None
        return replace(archive, style=style), f"static/style.css: {'deleted' if style is None else style}"


@dataclass(frozen=True)
class SetConfig(Edit):
    field: str  # title | permalink | link_mentions | per_page | base_url | broken | entity_per_page | ...
    value: int

    def apply(self, archive: Archive) -> tuple[Archive, str]:
        pools: dict[str, tuple[object, ...]] = {
            "title": SITE_TITLES,
            "permalink": PERMALINKS,
            "link_mentions": LINK_MENTIONS,
            "per_page": PER_PAGE,
            "base_url": BASE_URLS,
            "broken": (False, True),
            "entity_per_page": ENTITY_PER_PAGE,
            "publisher": PUBLISHERS,
            "description": DESCRIPTIONS,
        }
        value = pools[self.field][self.value % len(pools[self.field])]
        return replace(archive, config=replace(archive.config, **{self.field: value})), (
            f"sitegen.toml: {self.field} = {value!r}"
        )


@dataclass(frozen=True)
class EditPage(Edit):
    value: int

    def apply(self, archive: Archive) -> tuple[Archive, str]:
        title = ("About", "About this archive")[self.value % 2]
        # Links whose targets come and go with other edits (an entity, a tag), and a broken
        # in-page one: the link check of a page not rendered again must stay right.
        body = (
            "This archive keeps articles as received.",
            "Written by the editors.",
            "See [Ana Pereira](/entities/ana-pereira/) and [the notes](#notes).",
            "Browse [the harbour tag](/tags/harbour/) or [the fish](/tags/fish/#top).",
        )[self.value // 2 % 4]
        what = f"content/pages/about.md: {title!r}, {body!r}"
        return replace(archive, page_title=title, page_body=body), what


# --------------------------------------------------------------------------- strategies

small = st.integers(min_value=0, max_value=20)
sentences = st.lists(st.sampled_from(SENTENCES), min_size=1, max_size=3).map(tuple)
paragraph_lists = st.lists(sentences, min_size=1, max_size=3).map(tuple)


@st.composite
def archives(draw: st.DrawFn) -> Archive:
    """2–5 seeds over 2–3 months, 0–3 editorial files, 2–4 entities, 1–4 rules, one page."""
    months = draw(
        st.lists(st.sampled_from(["2021-03", "2021-04", "2021-05"]), min_size=2, max_size=3, unique=True)
    )
    count = draw(st.integers(min_value=2, max_value=5))
    seeds: dict[str, Seed] = {}
    for number in range(1, count + 1):
        month = months[(number - 1) % len(months)] if number <= len(months) else draw(st.sampled_from(months))
        day = draw(st.sampled_from(["02", "15", "28"]))
        seeds[f"s{number}"] = Seed(f"{month}-{day}", draw(paragraph_lists))
    entity_ids = draw(st.lists(st.sampled_from(ENTITY_IDS), min_size=2, max_size=4, unique=True))
    rule_indices = draw(st.lists(st.integers(0, len(RULE_POOL) - 1), min_size=1, max_size=4, unique=True))
    # Every entity's forms and every rule's find occur in some seed.
    ids = sorted(seeds)
    needed = [ENTITY_POOL[e].sentence for e in entity_ids] + [RULE_POOL[i][3] for i in rule_indices]
    for sentence in needed:
        seed_id = draw(st.sampled_from(ids))
        seed = seeds[seed_id]
        seeds[seed_id] = replace(seed, paragraphs=(*seed.paragraphs[:-1], (*seed.paragraphs[-1], sentence)))
    entities = {
        e: Entity(
            ENTITY_POOL[e].name,
            ENTITY_POOL[e].kind,
            ENTITY_POOL[e].aliases,
            draw(st.sampled_from(DESCRIPTIONS)),
        )
        for e in sorted(entity_ids)
    }
    rules = tuple(Rule(*RULE_POOL[i][:3]) for i in rule_indices)
    editorials: dict[str, Editorial] = {}
    for seed_id in draw(st.lists(st.sampled_from(ids), max_size=3, unique=True)):
        editorials[seed_id] = Editorial(
            title=draw(st.sampled_from((None, *TITLES))),
            slug=draw(st.sampled_from(SLUGS)),
            tags=tuple(draw(st.lists(st.sampled_from(TAGS), max_size=2, unique=True))),
            heading=draw(st.sampled_from((None, 1, 2))),
            correction=draw(st.sampled_from((None, *ARTICLE_CORRECTIONS))),
            about=draw(st.sampled_from(ABOUT)),
            rules=draw(st.sampled_from(DECISIONS)),
        )
    config = Config(permalink=draw(st.sampled_from(PERMALINKS)))
    accepted = draw(st.sampled_from(ACCEPTED))
    return Archive(
        seeds=seeds, editorials=editorials, entities=entities, rules=rules, accepted=accepted, config=config
    )


def edits() -> st.SearchStrategy[Edit]:
    return st.one_of(
        st.builds(ReplaceSentence, small, small, small, small),
        st.builds(AddParagraph, small, small),
        st.builds(RemoveParagraph, small, small),
        st.builds(SetDate, small, st.sampled_from((*DATES, BROKEN_DATE))),
        st.builds(AddSeed, st.sampled_from(DATES), paragraph_lists),
        st.builds(DeleteSeed, small),
        st.builds(
            SetEditorial,
            small,
            st.sampled_from(("title", "slug", "tags", "heading", "correction", "note", "about", "rules")),
            small,
        ),
        st.builds(DeleteEditorial, small),
        st.builds(AddEntity, small, small),
        st.builds(DeleteEntity, small),
        st.builds(
            EditEntity,
            small,
            st.sampled_from(("description", "add_alias", "drop_alias", "name", "kind", "note")),
            small,
        ),
        st.builds(AddRule, small),
        st.builds(DeleteRule, small),
        st.builds(EditRule, small, st.sampled_from(("replace", "note", "exclude")), small),
        st.builds(SetAccepted, small),
        st.builds(OverrideTemplate, st.sampled_from(sorted(TEMPLATE_EDITS)), st.integers(0, BROKEN_TEMPLATE)),
        st.builds(OverrideStyle, st.integers(0, 3)),
        st.builds(
            SetConfig,
            st.sampled_from(
                (
                    "title",
                    "permalink",
                    "link_mentions",
                    "per_page",
                    "base_url",
                    "broken",
                    "entity_per_page",
                    "publisher",
                    "description",
                )
            ),
            small,
        ),
        st.builds(EditPage, small),
    )


# --------------------------------------------------------------------------- comparing builds


def output_files(directory: Path) -> dict[str, bytes]:
    """Every output file by relative path, less sitegen's records: the manifest, and the note
    of files a build or an unsaved patch may be writing (see OutputDir.begin)."""
    return {
        p.relative_to(directory).as_posix(): p.read_bytes()
        for p in sorted(directory.rglob("*"))
        if p.is_file() and p.name not in (MANIFEST, PENDING_FILE)
    }


def diff_outputs(actual: Mapping[str, bytes], expected: Mapping[str, bytes], limit: int = 40) -> list[str]:
    """What differs between two outputs: files missing, extra, or with other bytes (with a short diff)."""
    problems = [f"missing (a clean build has it): {rel}" for rel in sorted(set(expected) - set(actual))]
    problems += [
        f"stale (a clean build does not have it): {rel}" for rel in sorted(set(actual) - set(expected))
    ]
    for rel in sorted(set(actual) & set(expected)):
        if actual[rel] != expected[rel]:
            lines = list(
                difflib.unified_diff(
                    expected[rel].decode("utf-8", "replace").splitlines(),
                    actual[rel].decode("utf-8", "replace").splitlines(),
                    "clean/" + rel,
                    "incremental/" + rel,
                    n=1,
                    lineterm="",
                )
            )
            shown = "\n".join(lines[:limit]) + ("\n…" if len(lines) > limit else "")
            problems.append(f"differs: {rel}\n{shown}")
    return problems


def diagnostic_keys(
    items: Iterable[Diagnostic],
    ignore: Callable[[Diagnostic], bool] = lambda d: False,
    messages: Callable[[Diagnostic], bool] = lambda d: False,
) -> set[tuple[str, str, str | None, int | None, str]]:
    """What tells diagnostics apart: level, code, place and, where ``messages`` says so, the
    words (counts and names in them included)."""
    return {
        (d.level.name, d.code, d.path, d.line, d.message if messages(d) else "")
        for d in items
        if not ignore(d)
    }


# --------------------------------------------------------------------------- a fixed archive

FIXED_CONFIG = (
    'title = "Harbour Town Gazette"\n'
    'description = "A fixed archive for the render-count tests."\n'
    'base_url = "https://example.org/gazette/"\n'
    'publisher = "The test suite"\n'
)

# Six articles over two months, newest first: a6, a5, a4, a3, a2, a1. a1 and a2 share
# Ana Pereira and Saltmere; a1, a3 and a5 the North Quay or the Board; a4 (Hollin Lane)
# and a6 (no entity) share nothing with a1 and are not its neighbours.
FIXED_FILES: dict[str, str] = {
    "sitegen.toml": FIXED_CONFIG,
    "seeds/a1.txt": (
        "date 2021-03-02 The harbour at Saltmere reopened on Tuesday after repairs to the\n"
        "North Quay.\n\n"
        "Ana Pereira, the harbour master, waved the first boats through.\n\n"
        "The struggle over the budget went on for weeks.\n\n"
        "Gulls circled over the empty sheds all morning.\n"
    ),
    "seeds/a2.txt": (
        "date 2021-03-15 Saturday's fish market drew the biggest crowd in Saltmere since the\n"
        "harbour reopened.\n\n"
        "Ana Pereira said the stalls were full by seven.\n\n"
        "Prices for cod fell by a third.\n"
    ),
    "seeds/a3.txt": (
        "date 2021-03-20 The Harbour Board met on Monday to approve the budget.\n\n"
        "Tom Okafor spoke for the stallholders.\n"
    ),
    "seeds/a4.txt": (
        "date 2021-04-09 The footbridge over the Mere will close for a month from Monday.\n\n"
        "Walkers are asked to use Hollin Lane instead.\n"
    ),
    "seeds/a5.txt": (
        "date 2021-04-20 Repairs to the kay at the North Quay ran late.\n\nRain fell all week.\n"
    ),
    "seeds/a6.txt": (
        "date 2021-04-28 The library will open late on Thursdays.\n\n"
        "Members of the harbour committee will staff the desk.\n"
    ),
    "content/articles/a1.md": (
        "---\n"
        'title: "Saltmere harbour reopens"\n'
        "slug: harbour-reopens\n"
        "tags: [harbour, council]\n"
        'summary: "The harbour reopened after repairs."\n'
        "---\n"
        "Typed from the printed page.\n"
    ),
    "content/articles/a2.md": (
        "---\n"
        'title: "Fish market draws a crowd"\n'
        "slug: fish-market\n"
        "tags: [harbour, fish]\n"
        'summary: "The first market since the harbour reopened."\n'
        "---\n"
    ),
    "content/articles/a4.md": (
        '---\ntitle: "Footbridge to close"\nslug: footbridge\ntags: [roads]\nsummary: "For a month."\n---\n'
    ),
    "content/entities/ana-pereira.md": (
        '---\nname: "Ana Pereira"\nkind: person\naliases: ["Pereira"]\n'
        'description: "Harbour master of Saltmere."\n---\n'
    ),
    "content/entities/saltmere.md": (
        '---\nname: "Saltmere"\nkind: place\ndescription: "A fishing town."\n---\n'
    ),
    "content/entities/north-quay.md": (
        '---\nname: "North Quay"\nkind: place\naliases: ["the quay"]\n'
        'description: "The harbour\'s main quay."\n---\n'
    ),
    "content/entities/harbour-board.md": (
        '---\nname: "Harbour Board"\nkind: organization\naliases: ["Board"]\n'
        'description: "Runs the harbour."\n---\n'
    ),
    "content/entities/tom-okafor.md": (
        '---\nname: "Tom Okafor"\nkind: person\naliases: ["Okafor"]\ndescription: "A stallholder."\n---\n'
    ),
    "content/entities/hollin-lane.md": '---\nname: "Hollin Lane"\nkind: place\ndescription: "A road."\n---\n',
    "content/corrections.toml": (
        'articles = ["*"]\n\n'
        '[[rule]]\nfind = "struggle"\nreplace = "war"\ntype = "error"\ncategory = "spinner"\n'
        'note = "Spinner damage."\n\n'
        '[[rule]]\nfind = "kay"\nreplace = "quay"\ntype = "error"\ncategory = "typo"\nnote = "A typo."\n'
    ),
    "content/pages/about.md": '---\ntitle: "About"\n---\nThe archive keeps articles as received.\n',
}
