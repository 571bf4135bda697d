"""benchmarks/synth.py mirrors sitegen's default title and slug (it must run on the standard
library alone) to give its Hugo copy the same URLs: the mirror must not drift."""

from __future__ import annotations

import importlib.util
import sys
from typing import Any

from sitegen import text
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
    ]
    for sample in samples:
        assert synth.first_sentence(sample) == text.first_sentence(sample), sample
        assert synth.slugify(sample) == text.slugify(sample), sample
