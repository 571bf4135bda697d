#!/usr/bin/env python3
"""Incremental-build scenarios on a synthetic archive: clean build, no-op rebuild,
one-article edit, one summary edit, one correction edit, one-entity edit, one-template
edit, a setting no page reads (each a separate `sitegen build` process reading the state
in .sitegen/), and the `sitegen serve` latency from a file write to the reload event.

    python benchmarks/synth.py /tmp/a10k --articles 10000          # once
    python benchmarks/rebuild.py /tmp/a1k /tmp/a10k [--runs 5] [--serve-edits 5] [--only serve,edit]

Each scenario is run --runs times (an edit and its revert alternate, so every run has
work to do); the median of wall time, CPU time and peak RSS is printed. The archive is
copied to a scratch directory first: the originals are never modified.
"""

from __future__ import annotations

import argparse
import http.client
import itertools
import json
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import tomllib
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from peer import DEFAULT_SITEGEN, measure  # noqa: E402


def middle_seed(site: Path) -> Path:
    seeds = sorted((site / "seeds").glob("*.txt"))
    return seeds[len(seeds) // 2]


def edited_seed(seed: Path, revert: bool) -> str:
    """The seed's text with a marker added to (or taken from) its last line."""
    text = seed.read_text(encoding="utf-8")
    marker = " (edited for the benchmark)"
    if revert:
        return text.replace(marker, "", 1)
    lines = text.split("\n")
    lines[-1] = lines[-1] + marker if lines[-1].strip() else lines[-1]
    return "\n".join(lines) if marker in "\n".join(lines) else text + marker


def edit_seed(site: Path, revert: bool) -> None:
    seed = middle_seed(site)
    seed.write_text(edited_seed(seed, revert), encoding="utf-8")


def edit_entity(site: Path, revert: bool) -> None:
    entity = sorted((site / "content" / "entities").glob("*.md"))[0]  # the most mentioned in zipf archives
    entity.write_text(edit_description(entity, revert), encoding="utf-8")


def edit_summary(site: Path, revert: bool) -> None:
    """A summary: the editorial file of the middle article (by name) gains one, or loses it;
    the listings and the pages that show the article's link are planned again."""
    editorial = middle_editorial(site)
    text = editorial.read_text(encoding="utf-8")
    line = 'summary: "An edited summary."\n'
    editorial.write_text(
        text.replace(line, "") if revert else text.replace("---\n", "---\n" + line, 1), encoding="utf-8"
    )


def add_correction(site: Path) -> None:
    """A correction in the editorial file of the middle article (by name): two words of its
    seed's second paragraph no rule matches (a correction may not overlap a rule's). It is a
    new entry of the ledger: at a multiple of its page size (a synthetic archive's rules
    are), a new ledger page, which takes a full build; the scenario adds it untimed."""
    editorial = middle_editorial(site)
    text = editorial.read_text(encoding="utf-8")
    seed = (site / "seeds" / (editorial.stem + ".txt")).read_text(encoding="utf-8")
    with open(site / "content" / "corrections.toml", "rb") as handle:
        finds = [r["find"].lower() for r in tomllib.load(handle).get("rule", []) if "find" in r]
    words = seed.split("\n\n")[1].split()
    exact = next(
        f"{a} {b}"
        for a, b in itertools.pairwise(words)
        if (a + b).isalpha() and not any(f in a.lower() or f in b.lower() or a.lower() in f for f in finds)
    )
    record = (
        f'corrections:\n  - exact: "{exact}"\n    replace: "{exact} (corrected)"\n'
        '    type: error\n    note: "Corrected for the benchmark."\n'
    )
    closing = text.index("---\n", 4)  # the front matter's closing line
    editorial.write_text(text[:closing] + record + text[closing:], encoding="utf-8")


def edit_correction(site: Path, revert: bool) -> None:
    """The replacement of that correction changed (or back): the article's outputs and the
    ledger's pages are planned again, the ledger's index made anew."""
    editorial = middle_editorial(site)
    text = editorial.read_text(encoding="utf-8")
    old, new = ("(corrected again)", "(corrected)") if revert else ("(corrected)", "(corrected again)")
    editorial.write_text(text.replace(old, new, 1), encoding="utf-8")


def middle_editorial(site: Path) -> Path:
    files = sorted((site / "content" / "articles").glob("*.md"))
    return files[len(files) // 2]


def rare_entity(site: Path) -> Path:
    """The first entity file (by name) whose name occurs in at least one seed and at most 1 %
    of them: the acceptance case of a scoped entity edit."""
    seeds = [p.read_text(encoding="utf-8") for p in sorted((site / "seeds").glob("*.txt"))]
    for entity in sorted((site / "content" / "entities").glob("*.md")):
        name = re.search(r'^name: "(.*)"$', entity.read_text(encoding="utf-8"), re.M)
        if name is None:
            continue
        count = sum(1 for text in seeds if name.group(1) in text)
        if 1 <= count <= len(seeds) / 100:
            return entity
    raise SystemExit(f"{site}: no entity occurs in at most 1 % of the seeds")


def edit_description(entity: Path, revert: bool) -> str:
    text = entity.read_text(encoding="utf-8")
    if revert:
        return text.replace("description: Edited. ", "description: ")
    return text.replace("description: ", "description: Edited. ", 1)


def override_template(site: Path, name: str, old: str, new: str, revert: bool) -> None:
    """Override the default theme's template ``name`` in templates/ with ``old`` replaced by
    ``new`` (``revert``: remove the override, back to the theme's)."""
    from sitegen.sources import theme_dir

    theme = theme_dir(site, "default")
    assert theme is not None
    override = site / "templates" / name
    if revert:
        override.unlink(missing_ok=True)
    else:
        override.parent.mkdir(exist_ok=True)
        source = (theme / "templates" / name).read_text(encoding="utf-8")
        override.write_text(source.replace(old, new, 1), encoding="utf-8")


def edit_page_template(site: Path, revert: bool) -> None:
    """Override the template only authored pages use (content/pages/)."""
    override_template(site, "page.html", "<article", '<article data-edited=""', revert)


def edit_template(site: Path, revert: bool) -> None:
    override_template(site, "entity.html", "Often mentioned with", "Also mentioned with", revert)


def edit_setting(site: Path, revert: bool) -> None:
    """A setting no page reads (the size budget): every page is planned, none rendered."""
    config = site / "sitegen.toml"
    text = config.read_text(encoding="utf-8")
    setting = "max_site_size = 900000000\n"
    config.write_text(text.replace(setting, "") if revert else setting + text, encoding="utf-8")


def scenario(label: str, site: Path, runs: int, tmp: Path, prepare: Callable[[int], None] | None) -> None:
    results = []
    for index in range(runs):
        if prepare:
            prepare(index)
        results.append(
            measure(
                "sitegen",
                index,
                [*DEFAULT_SITEGEN.split(), "build", "--source", str(site), "-q"],
                tmp,
                site / "_site",
                False,
            )
        )
    failed = [r for r in results if r.rc not in (0,)]
    wall = statistics.median(r.wall for r in results)
    cpu = statistics.median(r.cpu for r in results)
    rss = statistics.median(r.rss for r in results) / 2**20
    tree = statistics.median(r.tree for r in results) / 2**20
    note = f"  ({len(failed)} run(s) failed: {failed[0].error[:200]})" if failed else ""
    print(
        f"  {label:<28} wall {wall:7.2f} s   cpu {cpu:7.2f} s   peak RSS {rss:7.0f} MiB"
        f"   tree PSS {tree:7.0f} MiB{note}",
        flush=True,
    )


def _peak_rss(pid: int) -> str:
    """The largest resident set of a running process so far (VmHWM), in MiB."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return str(int(line.split()[1]) // 1024)
    except OSError:
        pass
    return "?"


def serve_latency(site: Path, edits: int, pause: float, what: str = "seed") -> None:
    """Median time from writing a seed (or, ``what="entity"``, the description of an entity
    mentioned in at most 1 % of the articles) to the server's reload event (``pause``: seconds
    between an event and the next write; with 1 s or more, serve saves the state between)."""
    target = middle_seed(site) if what == "seed" else rare_entity(site)
    command = [*DEFAULT_SITEGEN.split(), "serve", "--source", str(site), "--port", "0"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    url = None
    assert process.stdout is not None
    for line in process.stdout:
        match = re.search(r"at (http://127\.0\.0\.1:\d+/\S*)", line)
        if match:
            url = match.group(1)
            break
    if url is None:
        process.kill()
        print("  serve: the server did not start")
        return
    threading.Thread(target=lambda: [None for _ in process.stdout or []], daemon=True).start()
    host, port = re.match(r"http://([^:/]+):(\d+)", url).groups()  # type: ignore[union-attr]
    connection = http.client.HTTPConnection(host, int(port), timeout=120)
    connection.request("GET", "/__sitegen__/events")
    stream = connection.getresponse()

    def next_event() -> str:
        name = ""
        while True:
            line = stream.readline().decode("utf-8").rstrip("\n")
            if line.startswith("event:"):
                name = line.split(":", 1)[1].strip()
            elif line == "" and name:
                return name

    while next_event() != "hello":
        pass
    latencies = []
    edit = edited_seed if what == "seed" else edit_description
    for index in range(edits):
        text = edit(target, revert=index % 2 == 1)  # prepared: the clock starts at the write
        time.sleep(pause)
        started = time.perf_counter()
        target.write_text(text, encoding="utf-8")
        while next_event() not in ("ok", "error"):
            pass
        latencies.append(time.perf_counter() - started)
    peak = _peak_rss(process.pid)
    process.terminate()
    process.wait(timeout=30)
    print(
        f"  {f'serve: {what} write → reload':<28} median {statistics.median(latencies) * 1000:7.0f} ms "
        f"(min {min(latencies) * 1000:.0f}, max {max(latencies) * 1000:.0f}, {edits} edits, "
        f"{pause:g} s apart; server peak RSS {peak} MiB)",
        flush=True,
    )


SCENARIOS = (
    "clean",
    "noop",
    "edit",
    "summary",
    "correction",
    "entity",
    "rare-entity",
    "template",
    "page-template",
    "setting",
    "serve",
)


def run_site(original: Path, runs: int, serve_edits: int, only: set[str], serve_pauses: list[float]) -> None:
    with tempfile.TemporaryDirectory(prefix="sitegen-rebuild-") as scratch:
        tmp = Path(scratch)
        site = tmp / "site"
        shutil.copytree(original, site, ignore=shutil.ignore_patterns("_site", ".sitegen"))
        count = len(list((site / "seeds").glob("*.txt")))
        print(f"{original} ({count} articles), medians of {runs} runs:", flush=True)

        def clean(index: int) -> None:
            # Moved aside, removed with the scratch folder at the end: removing 40,000 files
            # just before a build slows its file creation on these machines (see peer.py).
            if (site / "_site").exists():
                (site / "_site").rename(tmp / f"old-site-{index}-{time.monotonic_ns()}")
            shutil.rmtree(site / ".sitegen", ignore_errors=True)

        if "clean" in only:
            scenario("clean build", site, runs, tmp, clean)
        elif only - {"serve"}:  # the other scenarios start from a built site with its state
            scenario("first build (setup)", site, 1, tmp, None)
        if "noop" in only:
            scenario("no-op rebuild", site, runs, tmp, None)
        if "edit" in only:
            scenario("one-article edit", site, runs, tmp, lambda i: edit_seed(site, revert=i % 2 == 1))
        if "summary" in only:
            scenario("one summary edit", site, runs, tmp, lambda i: edit_summary(site, revert=i % 2 == 1))
        if "correction" in only:
            add_correction(site)
            scenario("(a correction added: setup)", site, 1, tmp, None)
            scenario(
                "one correction edit", site, runs, tmp, lambda i: edit_correction(site, revert=i % 2 == 1)
            )
        if "entity" in only:
            scenario("one-entity edit", site, runs, tmp, lambda i: edit_entity(site, revert=i % 2 == 1))
        if "rare-entity" in only:
            rare = rare_entity(site)

            def edit_rare(index: int) -> None:
                rare.write_text(edit_description(rare, revert=index % 2 == 1), encoding="utf-8")

            scenario("entity in ≤1 % edit", site, runs, tmp, edit_rare)
        if "template" in only:
            scenario("one-template edit", site, runs, tmp, lambda i: edit_template(site, revert=i % 2 == 1))
        if "page-template" in only:
            scenario(
                "authored-page template", site, runs, tmp, lambda i: edit_page_template(site, i % 2 == 1)
            )
        if "setting" in only:
            scenario("size-budget setting", site, runs, tmp, lambda i: edit_setting(site, revert=i % 2 == 1))
        if serve_edits and "serve" in only:
            for pause in serve_pauses:
                serve_latency(site, serve_edits, pause)
                serve_latency(site, serve_edits, pause, "entity")
        print(json.dumps({"site": str(original), "articles": count}))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("sites", nargs="+", type=Path)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--serve-edits", type=int, default=5)
    parser.add_argument(
        "--serve-pauses",
        default="0,1",
        help="seconds between a reload and the next write, comma-separated (default 0,1)",
    )
    parser.add_argument(
        "--only", default=",".join(SCENARIOS), help=f"comma-separated scenarios: {', '.join(SCENARIOS)}"
    )
    args = parser.parse_args(argv)
    only = set(args.only.split(","))
    if only - set(SCENARIOS):
        parser.error(f"unknown scenario(s): {', '.join(sorted(only - set(SCENARIOS)))}")
    for original in args.sites:
        run_site(
            original, args.runs, args.serve_edits, only, [float(p) for p in args.serve_pauses.split(",")]
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
