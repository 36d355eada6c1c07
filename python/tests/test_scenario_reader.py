"""The tiny YAML reader for top-level strings agrees with PyYAML (no binary needed)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from neuroplast.scenario import parse, top_level_scalar

REPO = Path(__file__).resolve().parents[2]


def test_shipped_scenarios():
    files = sorted((REPO / "Scenarios").glob("*.yaml"))
    assert files
    for f in files:
        text = f.read_text(encoding="utf-8")
        data = yaml.safe_load(text)
        for key in ("name", "description"):
            assert top_level_scalar(text, key) == data.get(key), f"{f.name}: {key}"


@pytest.mark.parametrize("text", [
    'description: "PFC at rest \\u2014 a 1 mm\\xB2\n  sheet, AI state."\nname: x\n',
    "description: 'it''s\n\n  two lines'\n",
    "description: |\n  line one\n  line two\nname: x\n",
    "description: >-\n  folded\n  text\n\n  para\nname: x\n",
    "description: plain words\n  continued here\nname: x\n",
    'description: "escaped \\\n  join"\n',
    "name: x\n",
])
def test_styles(text):
    assert top_level_scalar(text, "description") == yaml.safe_load(text).get("description")


def test_nested_mapping_is_not_a_string():
    assert top_level_scalar("time:\n  dt: 0.1 ms\n", "time") is None


def test_parse():
    assert parse("schema: 1\nname: x\n") == {"schema": 1, "name": "x"}
