"""Load stage: read every input file into records, reporting problems per file."""

from __future__ import annotations

from dataclasses import dataclass, field

from sitegen.diagnostics import Diagnostic, warning
from sitegen.editorial import parse_editorial, parse_page, read_text_file
from sitegen.model import AuthoredPage, Editorial, Seed
from sitegen.seeds import read_seed
from sitegen.sources import SiteInputs


@dataclass
class LoadedSite:
    seeds: list[Seed] = field(default_factory=list)
    editorials: dict[str, Editorial] = field(default_factory=dict)
    pages: list[AuthoredPage] = field(default_factory=list)
    problems: list[Diagnostic] = field(default_factory=list)


def load_site(inputs: SiteInputs) -> LoadedSite:
    loaded = LoadedSite()
    for path in inputs.seeds:
        seed, problems = read_seed(path, inputs.root)
        loaded.problems.extend(problems)
        if seed is not None:
            loaded.seeds.append(seed)
    seed_ids = {s.id for s in loaded.seeds}
    failed_seed_ids = {p.stem for p in inputs.seeds} - seed_ids
    for path in inputs.editorials:
        rel = inputs.rel(path)
        article_id = path.stem
        if article_id not in seed_ids:
            if article_id not in failed_seed_ids:
                loaded.problems.append(
                    warning(
                        "editorial-orphan",
                        f"no seed 'seeds/{article_id}.txt' matches this editorial file; "
                        "rename it to the id of its seed or remove it",
                        rel,
                    )
                )
            continue
        text, problems = read_text_file(path, rel)
        loaded.problems.extend(problems)
        if text is None:
            continue
        editorial, problems = parse_editorial(text, article_id, rel)
        loaded.problems.extend(problems)
        if editorial is not None:
            loaded.editorials[article_id] = editorial
    for path in inputs.pages:
        rel = inputs.rel(path)
        text, problems = read_text_file(path, rel)
        loaded.problems.extend(problems)
        if text is None:
            continue
        page, problems = parse_page(text, path.stem, rel)
        loaded.problems.extend(problems)
        if page is not None:
            loaded.pages.append(page)
    return loaded
