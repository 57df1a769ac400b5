"""Golden files of the built templates (JSON, metamodel V3.1). AASREF_RECORD=1 rewrites them.

A test fails when the committed golden differs from what the builder produces, so every change of a
model's published form shows up in review.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from .builds import MODELS, output

GOLDEN = Path(__file__).resolve().parent / "golden"


@pytest.mark.parametrize("model", MODELS)
def test_template_matches_golden(model: str, record: bool) -> None:
    got = output(model, "template", "3.1", "json").decode("utf-8")
    path = GOLDEN / f"{model}.template.json"
    if record:
        path.parent.mkdir(exist_ok=True)
        path.write_text(got, encoding="utf-8")
        pytest.skip(f"recorded {path.name}")
    assert path.is_file(), f"no golden {path.name}: run with AASREF_RECORD=1"
    assert got == path.read_text(encoding="utf-8"), f"{model} template differs from {path.name}"


def test_every_golden_belongs_to_a_model() -> None:
    """A removed or renamed model leaves no stale golden behind."""
    assert sorted(p.name.removesuffix(".template.json") for p in GOLDEN.glob("*.template.json")) == sorted(MODELS)
