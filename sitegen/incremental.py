"""Which articles must be analysed again, given what changed since the last build.

An article's analysis depends on its seed, its editorial file, the site
configuration it reads, the correction rules that can apply to it and the
registry entries that can match in it. Seeds and editorial files are compared
by hash; for rules and entities, only the *changed* ones are tested against
each article's stored text, so editing one entity re-analyses only the
articles where its old or new forms occur, or that mention it.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from importlib import metadata
from pathlib import Path

from sitegen import __version__, search
from sitegen.config import SiteConfig
from sitegen.corrections import Rule
from sitegen.entities import Entity
from sitegen.scope import accepted_by
from sitegen.state import FileStamp


@dataclass(frozen=True, slots=True)
class ArticleTexts:
    """What invalidation needs of an article's text, kept beside its cached analysis."""

    source_lower: str  # the source text, lower-cased (rule finds are tested against it)
    corrected: str  # the corrected reading (entity forms are tested against it)
    corrected_lower: str
    entity_refs: tuple[str, ...] = ()  # entity ids the editorial file names ('about'), known or not
    collection_refs: tuple[str, ...] = ()  # rule collections its 'rules' line names, known or not


@dataclass(frozen=True, slots=True)
class RuleInfo:
    find: str
    regex: bool
    articles: tuple[str, ...]
    exclude: tuple[str, ...]
    accepted: tuple[str, ...] = ()  # its collection's 'articles' (ids or globs)

    def in_scope(self, article_id: str) -> bool:
        return (not self.articles or article_id in self.articles) and article_id not in self.exclude

    def accepts(self, article_id: str) -> bool:
        """Whether its collection's list names the article."""
        return accepted_by(article_id, self.accepted)

    def can_apply(self, article_id: str, texts: ArticleTexts) -> bool:
        if not self.in_scope(article_id):
            return False
        return self.regex or self.find.lower() in texts.source_lower


@dataclass(frozen=True, slots=True)
class EntityInfo:
    """What an article's analysis is given of an entity besides its id: its forms (the mention
    finder; analysis.Annotators holds nothing else of the registry). Its name, description
    and links are shown by pages (sidebar, cards), not read by any analysis."""

    forms: frozenset[tuple[str, bool]]  # (text, ignore_case)


def rule_signatures(rules: Sequence[Rule]) -> dict[str, RuleInfo]:
    """Each rule under a hash of everything about it, its key included (footnotes show keys),
    but its collection's list of articles: a change of that list is compared by article."""
    return {
        hashlib.blake2b(
            repr(replace(rule, accepted=())).encode("utf-8"), digest_size=16
        ).hexdigest(): RuleInfo(rule.find, rule.regex, rule.articles, rule.exclude, rule.accepted)
        for rule in rules
    }


def entity_signatures(entities: Iterable[Entity]) -> dict[str, EntityInfo]:
    return {e.id: EntityInfo(frozenset((f.text, f.ignore_case) for f in e.forms)) for e in entities}


def affected_by_rules(
    old: Mapping[str, RuleInfo], new: Mapping[str, RuleInfo], texts: Mapping[str, ArticleTexts]
) -> set[str]:
    changed = [info for sig, info in old.items() if sig not in new]
    changed += [info for sig, info in new.items() if sig not in old]
    # The same rule, its collection accepted for other articles: only those can change.
    rescoped = [
        (old[sig], info) for sig, info in new.items() if sig in old and old[sig].accepted != info.accepted
    ]
    if not changed and not rescoped:
        return set()
    return {
        article_id
        for article_id, text in texts.items()
        if any(r.can_apply(article_id, text) for r in changed)
        or any(
            was.accepts(article_id) != now.accepts(article_id) and now.can_apply(article_id, text)
            for was, now in rescoped
        )
    }


def affected_by_registry(
    old: Mapping[str, EntityInfo], new: Mapping[str, EntityInfo], texts: Mapping[str, ArticleTexts]
) -> set[str]:
    empty = EntityInfo(frozenset())
    added_or_removed = old.keys() ^ new.keys()
    forms: set[tuple[str, bool]] = set()  # forms that now match where they did not, or the reverse
    for entity_id in old.keys() | new.keys():
        forms |= old.get(entity_id, empty).forms ^ new.get(entity_id, empty).forms
    exact = [text for text, ignore_case in forms if not ignore_case]
    folded = [text.lower() for text, ignore_case in forms if ignore_case]
    affected = set()
    for article_id, text in texts.items():
        form_occurs = any(f in text.corrected for f in exact) or any(
            f in text.corrected_lower for f in folded
        )
        if form_occurs or added_or_removed.intersection(text.entity_refs):
            affected.add(article_id)
    return affected


def affected_by_collections(
    old: frozenset[str], new: frozenset[str], texts: Mapping[str, ArticleTexts]
) -> set[str]:
    """Articles whose 'rules' line names a collection (a rules file) added or removed: whether
    it is known changes, though no rule of it may match (a file with no valid rule)."""
    changed = old ^ new
    if not changed:
        return set()
    return {article_id for article_id, text in texts.items() if changed.intersection(text.collection_refs)}


def article_deps(stamps: dict[str, FileStamp], seed: str, editorial: str | None) -> str:
    """An analysis's own inputs: the hashes of its seed and editorial file."""
    return repr(
        (
            stamps.get(seed, FileStamp(0, 0, "")).digest,
            stamps[editorial].digest if editorial and editorial in stamps else None,
        )
    )


# The libraries whose work shows in the output (templates, escaping, Markdown, front matter,
# highlighting, matching): another version of one may change pages without any input changing.
LIBRARIES = (
    "jinja2",
    "markupsafe",
    "markdown-it-py",
    "mdit-py-plugins",
    "pygments",
    "PyYAML",
    "pyahocorasick",
    "google-re2",
    "orjson",
)


@functools.cache
def library_versions() -> str:
    """sitegen's version and the versions of LIBRARIES it runs with (fixed for a process)."""
    versions = [("sitegen", __version__)]
    for name in LIBRARIES:
        try:
            versions.append((name, metadata.version(name)))
        except metadata.PackageNotFoundError:
            versions.append((name, ""))
    return repr(versions)


def site_digest(stamps: dict[str, FileStamp], config: SiteConfig, out: Path, theme: Path) -> str:
    """Everything a build depends on: a build with the same digest as the last has nothing to do.
    Besides the inputs, the optional parts it runs with: the libraries' versions and Pagefind
    (installing it adds search to a site built without). What discovery refused (a link added
    to static/ is news, though no input changed) is compared with the record's ``refused``."""
    inputs = sorted((p, s.digest) for p, s in stamps.items())
    environment = (library_versions(), search.pagefind_identity())
    return hashlib.blake2b(
        repr((environment, inputs, config, str(out), str(theme))).encode("utf-8"),
        digest_size=16,
    ).hexdigest()
