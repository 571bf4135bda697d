"""The W3C Web Annotation export (``annotations.jsonld``): conformance and use.

- Every MUST of the Web Annotation Data Model (W3C Recommendation, 23 February 2017) that
  the export can touch is checked over the example archive's export, and the export is
  expanded with pyld against the official context, ``tests/data/anno.jsonld``: a copy of
  http://www.w3.org/ns/anno.jsonld (w3c/web-annotation: admin/ns/anno.jsonld, 2016-11-23,
  W3C Document License), served by the document loader so no network is needed.
- A consumer holding only the export and the seed it points to places every correction:
  the received words it replaces (sliced from ``<id>.txt``) and the corrected reading,
  compared with the page's own two readings.
"""

from __future__ import annotations

import gzip
import json
import re
from collections import Counter
from pathlib import Path
from typing import Any
from urllib.parse import urldefrag, urljoin

import pytest

from sitegen.seeds import FileOffsets, parse_seed

from .conftest import BuiltSite
from .htmltext import corrected_places, corrected_text, parse_html
from .test_annotated_article import analyse_example, is_rule

DATA = Path(__file__).parent / "data"
ANNO = "http://www.w3.org/ns/anno.jsonld"
OA = "http://www.w3.org/ns/oa#"
AS = "http://www.w3.org/ns/activitystreams#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
# The motivations the model defines (§3.3.5); 'assessing' is in the model but not in the context.
MOTIVATIONS = {
    "assessing", "bookmarking", "classifying", "commenting", "describing", "editing", "highlighting",
    "identifying", "linking", "moderating", "questioning", "replying", "tagging",
}  # fmt: skip
# Where the export is fetched from, to resolve its relative IRIs as a client would.
FETCHED_AT = "https://archive.example/"
IRI = re.compile(r"[^\s<>\"{}|\\^`]*")  # an IRI reference: no spaces or excluded characters


def official_context() -> dict[str, Any]:
    data = json.loads((DATA / "anno.jsonld").read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def load_document(url: str, options: Any = None) -> dict[str, Any]:
    if url.rstrip("/") != ANNO:
        raise AssertionError(f"the export needs a context other than the Web Annotation one: {url}")
    return {
        "contentType": "application/ld+json",
        "contextUrl": None,
        "documentUrl": url,
        "document": official_context(),
    }


def no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """JSON object hook: 'exactly 1' cannot hide behind a key given twice."""
    keys = [k for k, _ in pairs]
    assert len(keys) == len(set(keys)), (
        f"a key appears twice: {sorted(k for k, n in Counter(keys).items() if n > 1)}"
    )
    return dict(pairs)


def read_export(path: Path) -> dict[str, Any]:
    # published gzip-compressed, deterministically: no mtime, no file name in the header
    packed = path.read_bytes()
    assert packed[:2] == b"\x1f\x8b" and packed[4:8] == bytes(4) and not packed[3] & 0x08
    data = json.loads(gzip.decompress(packed).decode("utf-8"), object_pairs_hook=no_duplicate_keys)
    assert isinstance(data, dict)
    return data


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


# --------------------------------------------------------------------------- the model's MUSTs


def selector_violations(selector: Any, where: str) -> list[str]:
    if not isinstance(selector, dict):
        return [f"{where}: a selector must be described in the annotation, got {selector!r}"]
    kind = selector.get("type")
    problems: list[str] = []
    required: dict[str, tuple[str, ...]] = {
        "TextQuoteSelector": ("exact",),
        "TextPositionSelector": ("start", "end"),
        "DataPositionSelector": ("start", "end"),
        "FragmentSelector": ("value",),
        "CssSelector": ("value",),
        "XPathSelector": ("value",),
        "RangeSelector": ("startSelector", "endSelector"),
    }
    if not isinstance(kind, str) or (kind not in required and kind != "SvgSelector"):
        return [f"{where}: a selector has exactly 1 type of the model's, got {kind!r}"]
    problems += [
        f"{where}: {kind} needs exactly 1 {key}" for key in required.get(kind, ()) if key not in selector
    ]
    if kind in ("TextPositionSelector", "DataPositionSelector"):
        for key in ("start", "end"):
            value = selector.get(key)
            if not (isinstance(value, int) and not isinstance(value, bool) and value >= 0):
                problems.append(f"{where}: {kind}.{key} must be a non-negative integer, got {value!r}")
    if kind == "TextQuoteSelector":
        problems += [
            f"{where}: TextQuoteSelector.{key} must be one string"
            for key in ("exact", "prefix", "suffix")
            if key in selector and not isinstance(selector[key], str)
        ]
    for key in ("startSelector", "endSelector"):
        if key in selector:
            problems += selector_violations(selector[key], f"{where}.{key}")
    for refined in as_list(selector.get("refinedBy", [])):
        problems += selector_violations(refined, f"{where}.refinedBy")
    return problems


def resource_violations(resource: Any, role: str, where: str) -> list[str]:
    """A body or target: an IRI, an embedded TextualBody (bodies only) or a SpecificResource."""
    if isinstance(resource, str):
        return [] if IRI.fullmatch(resource) else [f"{where}: {resource!r} is not an IRI"]
    if not isinstance(resource, dict):
        return [f"{where}: a {role} is an IRI or an object, got {resource!r}"]
    types = as_list(resource.get("type", []))
    problems: list[str] = []
    textual = "TextualBody" in types or "value" in resource
    specific = "SpecificResource" in types or "source" in resource or "selector" in resource
    if textual:
        if role == "target":
            problems.append(f"{where}: a target is always an external resource, never a TextualBody")
        if not isinstance(resource.get("value"), str):
            problems.append(f"{where}: a TextualBody has exactly 1 value, a string")
    elif specific:
        source = resource.get("source")
        source_id = source.get("id") if isinstance(source, dict) else source
        if not isinstance(source_id, str) or not IRI.fullmatch(source_id):
            problems.append(f"{where}: a SpecificResource has exactly 1 source (an IRI), got {source!r}")
        for selector in as_list(resource.get("selector", [])):
            problems += selector_violations(selector, f"{where}.selector")
    elif not isinstance(resource.get("id"), str):
        problems.append(f"{where}: an external resource has exactly 1 id")
    if "purpose" in resource:
        if not (textual or specific):
            problems.append(f"{where}: purpose belongs on a TextualBody or SpecificResource only")
        problems += [
            f"{where}: purpose {p!r} is not a motivation"
            for p in as_list(resource["purpose"])
            if p not in MOTIVATIONS
        ]
    if "textDirection" in resource and resource["textDirection"] not in ("ltr", "rtl", "auto"):
        problems.append(f"{where}: textDirection must be ltr, rtl or auto")
    return problems


def annotation_violations(annotation: Any, where: str) -> list[str]:
    if not isinstance(annotation, dict):
        return [f"{where}: an annotation is an object"]
    problems: list[str] = []
    identity = annotation.get("id")
    if not isinstance(identity, str) or not IRI.fullmatch(identity):
        problems.append(f"{where}: an Annotation has exactly 1 IRI as id, got {identity!r}")
    where = f"{where} ({identity})"
    if "Annotation" not in as_list(annotation.get("type", [])):
        problems.append(f"{where}: the Annotation class must be one of its types")
    targets = as_list(annotation.get("target", []))
    if not targets:
        problems.append(f"{where}: an Annotation has 1 or more targets")
    for i, target in enumerate(targets):
        problems += resource_violations(target, "target", f"{where}.target[{i}]")
    if "bodyValue" in annotation and "body" in annotation:
        problems.append(f"{where}: bodyValue and body are never both present")
    for i, body in enumerate(as_list(annotation.get("body", []))):
        problems += resource_violations(body, "body", f"{where}.body[{i}]")
    problems += [
        f"{where}: motivation {m!r} is not in the vocabulary"
        for m in as_list(annotation.get("motivation", []))
        if m not in MOTIVATIONS
    ]
    return problems


def context_violations(context: Any) -> list[str]:
    if isinstance(context, str):
        return [] if context == ANNO else [f"@context must include {ANNO}, got {context!r}"]
    if not isinstance(context, list) or ANNO not in context:
        return [f"@context must be {ANNO} or a list including it, got {context!r}"]
    if len(context) == 1:
        return ["a single @context value must be given as a string"]
    defined = set(official_context()["@context"])
    return [
        f"an extension context must not redefine the Web Annotation key {key!r}"
        for extra in context
        if isinstance(extra, dict)
        for key in extra
        if key in defined
    ]


def collection_violations(collection: dict[str, Any]) -> list[str]:
    problems = []
    if not isinstance(collection.get("id"), str) or not IRI.fullmatch(collection["id"]):
        problems.append("the Collection has exactly 1 IRI as id")
    if "AnnotationCollection" not in as_list(collection.get("type", [])):
        problems.append("the AnnotationCollection class must be one of the Collection's types")
    if not all(isinstance(label, str) for label in as_list(collection.get("label", []))):
        problems.append("a Collection's label is a string")
    total = collection.get("total", 0)
    if not (isinstance(total, int) and total >= 0):
        problems.append("the Collection's total must be a non-negative integer")
    if total and not isinstance(collection.get("first"), str | dict):
        problems.append("a Collection with annotations has exactly 1 first page")
    return problems


def export_violations(export: dict[str, Any]) -> list[str]:
    """Every MUST of the model that the export can break: an AnnotationPage of embedded
    annotations, or (for an article with nothing to annotate) an empty AnnotationCollection."""
    if "AnnotationCollection" in as_list(export.get("type", [])):
        problems = context_violations(export.get("@context")) + collection_violations(export)
        return problems + (["an empty collection has no items"] if "items" in export else [])
    problems = context_violations(export.get("@context"))
    if not isinstance(export.get("id"), str) or not IRI.fullmatch(export["id"]):
        problems.append("the Page has exactly 1 IRI as id")
    if "AnnotationPage" not in as_list(export.get("type", [])):
        problems.append("the AnnotationPage class must be one of the Page's types")
    items = export.get("items")
    if not isinstance(items, list) or not items:
        problems.append("a Page has an array of 1 or more Annotations as items")
        items = []
    start = export.get("startIndex", 0)
    if not (isinstance(start, int) and start >= 0):
        problems.append("startIndex must be a non-negative integer")
    collection = export.get("partOf")
    if isinstance(collection, dict):
        problems += collection_violations(collection)
        total = collection.get("total")
        if collection.get("first") == export.get("id") and total != len(items):
            problems.append(
                f"the Collection's only page lists {len(items)} annotations, its total says {total}"
            )
        if collection.get("last", export.get("id")) != export.get("id") and "next" not in export:
            problems.append("a page that is not the last must name the next one")
    ids = Counter(item.get("id") for item in items if isinstance(item, dict))
    problems += [f"{identity}: given to {n} annotations" for identity, n in ids.items() if n > 1]
    for i, item in enumerate(items):
        problems += annotation_violations(item, f"items[{i}]")
    return problems


def expanded_nodes(value: Any) -> list[dict[str, Any]]:
    """Every node object of an expanded JSON-LD document, depth first."""
    found: list[dict[str, Any]] = []
    if isinstance(value, list):
        for item in value:
            found += expanded_nodes(item)
    elif isinstance(value, dict):
        if "@value" not in value and "@list" not in value:
            found.append(value)
        for key, item in value.items():
            if key not in ("@value", "@id", "@type"):
                found += expanded_nodes(item)
    return found


def expanded_violations(page: dict[str, Any], fetched_at: str) -> list[str]:
    """The same constraints on the graph, after pyld expands it with the official context."""
    from pyld import jsonld

    dropped: list[str | None] = []
    expanded = jsonld.expand(
        page, {"documentLoader": load_document, "base": fetched_at}, on_property_dropped=dropped.append
    )
    problems = [
        f"a key the Web Annotation context does not define: {key}" for key in sorted(set(map(str, dropped)))
    ]
    nodes = expanded_nodes(expanded)
    annotations = [n for n in nodes if OA + "Annotation" in n.get("@type", [])]
    if len(annotations) != len(page.get("items", [])):
        problems.append(f"{len(annotations)} annotations in the graph, {len(page.get('items', []))} items")
    for node in annotations:
        if not node.get("@id", "").startswith(("http://", "https://")):
            problems.append(f"an annotation's id does not resolve to an absolute IRI: {node.get('@id')}")
        if not node.get(OA + "hasTarget"):
            problems.append(f"{node.get('@id')}: no target in the graph")
        for motivation in node.get(OA + "motivatedBy", []):
            if motivation["@id"].removeprefix(OA) not in MOTIVATIONS:
                problems.append(f"{node.get('@id')}: motivation {motivation['@id']} is not the model's")
    for node in nodes:
        if OA + "hasPurpose" in node:
            types = node.get("@type", [])
            if OA + "TextualBody" not in types and OA + "SpecificResource" not in types:
                problems.append(f"purpose on a node that is neither TextualBody nor SpecificResource: {node}")
    return problems


# --------------------------------------------------------------------------- the example's export


@pytest.fixture(scope="module")
def export_path(example_site: BuiltSite) -> Path:
    (path,) = example_site.out.rglob("annotations.jsonld.gz")
    return path


@pytest.fixture(scope="module")
def export(export_path: Path) -> dict[str, Any]:
    return read_export(export_path)


def test_the_example_export_keeps_every_must_of_the_model(export: dict[str, Any]) -> None:
    problems = export_violations(export)
    assert not problems, f"{len(problems)} violation(s):\n" + "\n".join(problems[:10])
    motivations = Counter(item["motivation"] for item in export["items"])
    assert motivations["editing"] > 0 and motivations["identifying"] > 0


def test_the_example_export_expands_with_the_official_context(export: dict[str, Any]) -> None:
    problems = expanded_violations(export, FETCHED_AT + "2020/01/04/x/annotations.jsonld.gz")
    assert not problems, "\n".join(problems[:10])


def test_the_checks_catch_what_the_model_forbids(export: dict[str, Any]) -> None:
    """Each check above fails on an export broken the way an earlier one was."""
    editing = next(i for i in export["items"] if i["motivation"] == "editing")
    identifying = next(i for i in export["items"] if i["motivation"] == "identifying")
    unended = {"type": "TextPositionSelector", "start": 1}
    wrong = {
        # the entity page as a SpecificResource without a source, Wikidata as a resource with a purpose
        "specific resource without source": (identifying, "body", [{"id": "x", "type": "SpecificResource"}]),
        "purpose on an external resource": (identifying, "body", [{"id": "x", "purpose": "identifying"}]),
        "no target": (editing, "target", []),
        "a selector without its end": (editing, "target", [{"source": "s", "selector": unended}]),
        "a motivation of our own": (editing, "motivation", "correcting"),
        "a textual body without value": (editing, "body", [{"type": "TextualBody", "purpose": "editing"}]),
    }  # fmt: skip
    for what, (item, key, value) in wrong.items():
        broken = {**export, "items": [{**item, key: value}]}
        assert export_violations(broken), what
    purpose_on_iri = {
        **export,
        "items": [{**identifying, "body": [{"id": "https://x.example/", "purpose": "identifying"}]}],
    }
    assert expanded_violations(purpose_on_iri, FETCHED_AT), "purpose on an external resource, in the graph"
    assert context_violations(["http://www.w3.org/ns/anno.jsonld"]), "one context must be a string"
    assert context_violations([ANNO, {"id": "@id"}]), "an extension context redefines a key"


def test_a_consumer_places_every_correction_from_the_export_and_the_seed(
    export: dict[str, Any], export_path: Path, example_site: BuiltSite
) -> None:
    """Only the export and the files it names: every place's received words and corrected
    reading, in text order, are the page's two readings of each corrected place."""
    here = urljoin(FETCHED_AT, export_path.relative_to(example_site.out).as_posix())
    described = {
        urljoin(here, node["id"]): node
        for item in export["items"]
        for node in as_list(item.get("body", []))
        if isinstance(node, dict) and "id" in node
    }

    def body(reference: Any) -> dict[str, Any]:
        if isinstance(reference, dict):
            return reference
        url = urljoin(here, reference)
        if url not in described:  # a note the site states once (corrections/notes.jsonld)
            described.update(linked_notes(urldefrag(url)[0], example_site))
        return described[url]

    def seed_text(target: dict[str, Any]) -> str:
        source = target["source"]
        url = urljoin(here, source["id"] if isinstance(source, dict) else source)
        assert url.startswith(FETCHED_AT) and url.endswith(".txt"), url
        return (example_site.out / url.removeprefix(FETCHED_AT)).read_bytes().decode("utf-8")

    placed: list[tuple[int, str, str, str]] = []
    for item in export["items"]:
        if item["motivation"] != "editing":
            continue
        bodies = [body(b) for b in item["body"]]
        (replacement,) = [b["value"] for b in bodies if b.get("purpose") == "editing"]
        notes = [b["value"] for b in bodies if b.get("purpose") == "commenting"]
        assert len(notes) == 1 and notes[0], f"{item['id']}: its note"
        for target in item["target"]:
            selector = target["selector"]
            start, end = selector["start"], selector["end"]
            placed.append(
                (start, seed_text(target)[start:end], replacement, urldefrag(urljoin(here, item["id"]))[1])
            )
    placed.sort()

    page = parse_html((export_path.parent / "index.html").read_text(encoding="utf-8"))
    places = corrected_places(page)
    expected = [(place.source.text(), corrected_text(place.corrected)) for place in places]
    assert len(placed) == len(expected) > 1000
    assert len({p[0] for p in placed}) == len(placed), "two corrections at one position"
    assert [(received, corrected) for _, received, corrected, _ in placed] == expected
    # the footnote each place links to is the correction whose annotation places it
    markers = [place.marker.attrs["href"] for place in places]
    assert [m.removeprefix("#n") for m in markers] == [p[3].removeprefix("fn-").split("-")[0] for p in placed]


def linked_notes(url: str, example_site: BuiltSite) -> dict[str, dict[str, Any]]:
    """The bodies a notes document published at ``url`` states, by their resolved ids."""
    assert url.startswith(FETCHED_AT), url
    path = example_site.out / url.removeprefix(FETCHED_AT)
    document = json.loads(path.read_bytes(), object_pairs_hook=no_duplicate_keys)
    return {urljoin(url, node["id"]): node for node in document["@graph"]}


def test_notes_are_stated_once(export: dict[str, Any], export_path: Path, example_site: BuiltSite) -> None:
    """In the export, an article's own note once; a site-wide rule's note is stated once for
    the whole site, in corrections/notes.jsonld, and each export references it there."""
    example = analyse_example(example_site.root)
    editing = [item for item in export["items"] if item["motivation"] == "editing"]
    bodies = [b for item in editing for b in as_list(item.get("body", []))]
    texts = [b["value"] for b in bodies if isinstance(b, dict) and b.get("purpose") == "commenting"]
    assert texts and len(texts) == len(set(texts))
    rule_notes = {f.note for f in example.article.footnotes if is_rule(f)}
    assert len(rule_notes) > 100 and not rule_notes & set(texts)
    here = urljoin(FETCHED_AT, export_path.relative_to(example_site.out).as_posix())
    notes_url = FETCHED_AT + "corrections/notes.jsonld"
    referenced = {urljoin(here, b) for b in bodies if isinstance(b, str) and not b.startswith("#")}
    assert {urldefrag(url)[0] for url in referenced} == {notes_url}
    stated = linked_notes(notes_url, example_site)
    assert {stated[url]["value"] for url in referenced} == rule_notes


def test_the_notes_document_keeps_every_must_of_the_model(example_site: BuiltSite) -> None:
    document = json.loads((example_site.out / "corrections" / "notes.jsonld").read_bytes())
    assert not context_violations(document["@context"])
    problems = [p for i, n in enumerate(document["@graph"]) for p in resource_violations(n, "body", f"[{i}]")]
    assert len(document["@graph"]) > 100 and not problems, problems[:10]
    assert all(n["type"] == "TextualBody" and n["purpose"] == "commenting" for n in document["@graph"])


def test_identifying_annotations_name_each_mention(
    export: dict[str, Any], export_path: Path, example_site: BuiltSite
) -> None:
    example = analyse_example(example_site.root)
    seed_text = (export_path.parent / f"{example.seed.id}.txt").read_bytes().decode("utf-8")
    here = urljoin(FETCHED_AT, export_path.relative_to(example_site.out).as_posix())
    found: Counter[tuple[str, str]] = Counter()
    for item in export["items"]:
        if item["motivation"] != "identifying":
            continue
        page, *wikidata = (urljoin(here, b) for b in item["body"])
        entity_id = page.removeprefix(FETCHED_AT + "entities/").removesuffix("/")
        assert (example_site.out / "entities" / entity_id / "index.html").is_file(), page
        entity = example.entities[entity_id]
        assert wikidata == ([f"http://www.wikidata.org/entity/{entity.wikidata}"] if entity.wikidata else [])
        for target in item["target"]:
            found[entity_id, seed_text[target["selector"]["start"] : target["selector"]["end"]]] += 1
    source = example.seed.source_text
    expected = Counter((m.entity, source[m.start : m.end]) for m in example.body.mentions)
    assert found == expected


# --------------------------------------------------------------------------- positions and the base


def test_file_offsets_count_the_file_as_published() -> None:
    """Soft wraps, indentation, CRLF, a BOM and a first paragraph on the date line: each word
    of the parsed text is found at its place in the file's own text."""
    raw = (
        "\ufeffdate 2020-01-04  The  first\r\n   line goes on\r\n\r\n\n"
        "  Second\tparagraph,\n wrapped  \r\n\r\nThird."
    )
    seed, problems = parse_seed(raw.encode("utf-8"), "x", "seeds/x.txt")
    assert seed is not None and not problems
    offsets = FileOffsets(raw, seed)
    file_text = raw.removeprefix("\ufeff")
    source = seed.source_text
    for match in re.finditer(r"\S+(?: \S+)?", source):
        start, end = offsets(match.start()), offsets(match.end(), end=True)
        assert file_text[start:end].split() == match.group().split(), match.group()
    late = "date 2020-01-04\n\ndate night was fun"
    seed, _ = parse_seed(late.encode("utf-8"), "y", "seeds/y.txt")
    assert seed is not None and seed.source_text == "date night was fun"
    assert FileOffsets(late, seed)(0) == late.index("date night")


ENTITY = "---\nname: Ana Pereira\nkind: person\naliases:\n  - Pereira\nwikidata: Q1\n---\n"
RULE = '[[rule]]\nfind = "struggle"\nreplace = "war"\ntype = "error"\nnote = "Spun."\n'


def test_with_an_absolute_base_url_the_export_names_its_base(make_site: Any) -> None:
    site = make_site(
        seeds={"s1": "date 2020-02-03 Ana Pereira said the\r\n  struggle went on.\r\n\r\nPereira left.\n"},
        config='title = "T"\ndescription = "D"\nbase_url = "https://archive.example/news/"\n',
        files={"content/entities/ana-pereira.md": ENTITY, "content/corrections.toml": RULE},
    )
    site.build()
    (path,) = site.out.rglob("annotations.jsonld.gz")
    page = read_export(path)
    own_url = "https://archive.example/news/" + path.relative_to(site.out).as_posix()
    assert page["@context"] == [ANNO, {"@base": own_url}]
    assert not export_violations(page) and not expanded_violations(
        page, "https://elsewhere.example/copy.jsonld"
    )
    seed = (path.parent / "s1.txt").read_bytes().decode("utf-8")
    words = {
        seed[t["selector"]["start"] : t["selector"]["end"]]: item["motivation"]
        for item in page["items"]
        for t in item["target"]
    }
    assert words == {"Ana Pereira": "identifying", "struggle": "editing", "Pereira": "identifying"}
    from pyld import jsonld

    expanded = jsonld.expand(page, {"documentLoader": load_document, "base": "https://elsewhere.example/"})
    sources = {s["@id"] for n in expanded_nodes(expanded) for s in n.get(OA + "hasSource", [])}
    assert sources == {urljoin(own_url, "s1.txt")}


def test_an_article_with_nothing_to_annotate_exports_an_empty_collection(make_site: Any) -> None:
    site = make_site(seeds={"s1": "date 2020-02-03 Nothing to correct here.\n"})
    site.build()
    (path,) = site.out.rglob("annotations.jsonld.gz")
    export = read_export(path)
    assert export["type"] == "AnnotationCollection" and export["total"] == 0
    assert not export_violations(export) and not expanded_violations(export, FETCHED_AT)


def test_the_export_is_compact(export_path: Path) -> None:
    """At most 10 times its seed (issue 14); the example's seed is 61 KB."""
    seed = next(export_path.parent.glob("*.txt"))
    assert export_path.stat().st_size <= 10 * seed.stat().st_size
    assert b"\n " not in gzip.decompress(export_path.read_bytes()), "no indentation"


def test_the_bundled_context_is_the_official_one() -> None:
    context = official_context()["@context"]
    assert context["oa"] == OA and context["as"] == AS and context["value"] == "rdf:value"
    assert context["purpose"] == {"@type": "@vocab", "@id": "oa:hasPurpose"}
    assert context["rdf"] == RDF
