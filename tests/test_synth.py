"""benchmarks/synth.py mirrors sitegen's default title and slug (it must run on the standard
library alone) to give its Hugo copy the same URLs: the mirror must not drift."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from typing import Any

from sitegen import text
from sitegen.pipeline import BuildOptions, build
from sitegen.seeds import read_seed
from tests.conftest import REPO_ROOT


def load_synth() -> Any:
    spec = importlib.util.spec_from_file_location("synth", REPO_ROOT / "benchmarks" / "synth.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("synth", module)  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def test_default_titles_and_slugs_are_sitegens() -> None:
    synth = load_synth()
    seed, _ = read_seed(next((REPO_ROOT / "seeds").glob("*.txt")), REPO_ROOT)
    assert seed is not None
    samples = [p.text for p in seed.paragraphs] + [
        "Dr. Who? No. “Quoted.” Then more",
        "Ünïcödé — dashes… and “quotes” 2024",
        "x" * 200,
        "Prices rose by 1,000 dollars — and the mayor's office said nothing, again.",
    ]
    for sample in samples:
        assert synth.first_sentence(sample) == text.first_sentence(sample), sample
        assert synth.derived_title(sample) == text.derived_title(sample)[0], sample
        assert synth.slugify(sample) == text.slugify(sample), sample
        words = text.SLUG_WORDS
        assert synth.slugify(sample, max_words=words) == text.slugify(sample, max_words=words), sample


def load_realistic() -> Any:
    load_synth()  # realistic.py imports its sibling by name
    spec = importlib.util.spec_from_file_location("realistic", REPO_ROOT / "benchmarks" / "realistic.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_realistic_profile_is_deterministic_and_builds_cleanly(tmp_path: Path) -> None:
    realistic = load_realistic()
    written = []
    for name in ("a", "b"):
        args = realistic.parse_args(
            [str(tmp_path / name), "--articles", "3", "--hugo", str(tmp_path / f"h{name}")]
        )
        stats = realistic.generate(args)
        written.append(
            {p.relative_to(tmp_path / name): p.read_bytes() for p in (tmp_path / name).rglob("*.txt")}
        )
    assert written[0] == written[1] and len(written[0]) == 3
    # The example's rules and registry, resampled seeds of the example's length per article / 6.
    assert stats["params"]["rules"] > 500 and stats["params"]["entities"] > 150
    assert 5_000 < stats["seed_bytes_per_article"] < 14_000
    report = build(BuildOptions(root=tmp_path / "a", output=tmp_path / "out", jobs=1))
    assert report.log.errors == 0, [d.message for d in report.log.items]
    assert sum(1 for _ in (tmp_path / "out").rglob("annotations.jsonld.gz")) == 3


def test_the_benchmarks_that_need_no_peer_run_on_a_small_archive(tmp_path: Path) -> None:
    """Nothing else runs the benchmarks, and they follow the code's records: stages.py once
    built Article records with a field that had been renamed, and broke unseen. Each runs on
    a 30-article synthetic archive (Hugo's need a Hugo and are left out)."""
    import subprocess

    site = tmp_path / "site"
    synth = [sys.executable, str(REPO_ROOT / "benchmarks" / "synth.py"), str(site), "--articles", "30"]
    subprocess.run([*synth, "--entities", "40", "--rules", "20", "-q"], check=True)
    runs = {
        "stages.py": ([str(site), "--repeat", "1"], "whole entity stage"),
        "memory.py": ([str(site), "--jobs", "1"], "peak tree PSS"),
        "sizes.py": ([str(site / "_site"), "--source", str(site)], "article pages"),
    }
    for name, (args, expected) in runs.items():
        done = subprocess.run(
            [sys.executable, str(REPO_ROOT / "benchmarks" / name), *args],
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert done.returncode == 0 and expected in done.stdout, (
            name,
            done.stdout[-2000:],
            done.stderr[-2000:],
        )
