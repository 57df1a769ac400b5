"""Content checks a process engineer relies on: Korean text reads as edited Korean."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

MODELS_DIR = Path(__file__).resolve().parent.parent / "models"
SPEC_FILES = sorted(MODELS_DIR.glob("*/*.json"))

# An unedited particle placeholder left by a template sentence ("양품 부품 수은(는)"): "(는)", "(를)", "(가)", ...
PARTICLE_PLACEHOLDER = re.compile(r"\((?:은|는|이|가|을|를|과|와|으로|로|이다|아|야|이나|나|의|에)\)")


def _ko_texts(node: Any, path: str = "$") -> Iterator[tuple[str, str]]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "ko" and isinstance(value, str):
                yield f"{path}.ko", value
            else:
                yield from _ko_texts(value, f"{path}.{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _ko_texts(value, f"{path}[{i}]")


def test_placeholder_pattern_catches_the_known_defect() -> None:
    assert PARTICLE_PLACEHOLDER.search("ISO 22400-2에서 양품 부품 수은(는) 일련번호")
    assert PARTICLE_PLACEHOLDER.search("값을(를) 기록")
    assert not PARTICLE_PLACEHOLDER.search("퀜칭유(냉각제) 온도")
    assert not PARTICLE_PLACEHOLDER.search("최대 타격 수(SPM)")


@pytest.mark.parametrize("path", SPEC_FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_no_korean_text_has_a_particle_placeholder(path: Path) -> None:
    doc = json.loads(path.read_text(encoding="utf-8"))
    bad = [f"{where}: {text}" for where, text in _ko_texts(doc) if PARTICLE_PLACEHOLDER.search(text)]
    assert bad == [], "\n".join(bad)


EXAMPLES = MODELS_DIR.parent / "examples"
VARIANTS = sorted(EXAMPLES.glob("*/values-*.json"))


def test_exclusive_variants_have_their_own_example_records() -> None:
    """One example record is one coherent record: spot welding, induction hardening and spray painting are
    separate records (values-<variant>.json), not mixed into the MAG seam, carburizing load or e-coat record."""
    assert {p.relative_to(EXAMPLES).as_posix() for p in VARIANTS} >= {
        "welding/values-spot.json", "heat-treatment/values-induction.json", "painting/values-spray.json"}
    base = {p.parent.name: json.loads((p.parent / "values.json").read_text(encoding="utf-8")) for p in VARIANTS}
    assert "SpotWeld" not in base["welding"]["ProcessData"]
    assert not {"NitridingPotential", "Induction"} & set(base["heat-treatment"]["ProcessData"])
    assert not {"BellSpeed", "ElectrostaticVoltage", "AtomizingAirPressure"} & set(base["painting"]["ProcessData"])


@pytest.mark.parametrize("path", VARIANTS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_variant_example_builds_a_valid_instance(path: Path) -> None:
    from aas_refmodels.build import build_instance
    from aas_refmodels.io import serialize
    from aas_refmodels.spec import load_model

    from .checks import aas_core_errors

    built = build_instance(load_model(path.parent.name), json.loads(path.read_text(encoding="utf-8")))
    assert aas_core_errors(serialize(built.objects(), "json", "3.1"), "json", "3.1") == []  # type: ignore[arg-type]
