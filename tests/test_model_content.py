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


def _values(model: str, name: str = "values.json") -> Any:
    return json.loads((EXAMPLES / model / name).read_text(encoding="utf-8"))


def test_injection_moulding_example_is_physically_coherent() -> None:
    """Screw geometry, strokes, volumes, shot weight and speeds of the example shot agree with each other."""
    import math

    from aas_refmodels.spec import load_model

    spec = load_model("injection-molding")
    screw_d = next(e.example for e in spec.technical_properties if e.id_short == "ScrewDiameter")  # mm
    area = math.pi * (screw_d / 20) ** 2  # cm² per cm of stroke
    data = _values("injection-molding")["ProcessData"]
    unit = data["InjectionUnits"][0]
    assert unit["PlastificationVolume"] == pytest.approx(area * unit["PlastificationStroke"] / 10, rel=0.01)
    assert unit["CushionVolume"] == pytest.approx(area * unit["CushionStroke"] / 10, rel=0.01)
    melt_density = 1.17  # g/cm³, PA66-GF30 at 295 °C (solid: 1.36)
    injected = unit["PlastificationVolume"] - unit["CushionVolume"]
    assert data["ShotWeight"] == pytest.approx(injected * melt_density, rel=0.02)
    cavities = 2
    assert 0 < data["ShotWeight"] - cavities * data["PartWeight"] < 0.15 * data["ShotWeight"]  # runner
    speed = (unit["PlastificationStroke"] - unit["VPChangeOverPosition"]) / unit["InjectionTime"]
    assert unit["InjectionSpeedAverage"] == pytest.approx(speed, rel=0.02)
    assert unit["InjectionSpeedAverage"] < unit["InjectionSpeedMaximum"]
    assert abs(unit["VPChangeOverPosition"] - unit["TransferStroke"]) < 1.0  # switched near its set point


def test_welding_example_is_physically_coherent() -> None:
    """Heat input Q = k·U·I/v (k = 0.8 for MAG, ISO/TR 17671-1) and arc time = weld length / travel speed."""
    data = _values("welding")["ProcessData"]
    q = 0.8 * data["ArcVoltage"] * data["WeldingCurrent"] / data["TravelSpeed"] * 1000  # J/mm -> J/m
    assert data["HeatInput"] == pytest.approx(q, rel=0.02)
    assert data["ArcTime"] == pytest.approx(data["WeldLength"] / data["TravelSpeed"], rel=0.02)
    assert data["PreheatTemperature"] < 50 and data["InterpassTemperature"] <= 150  # thin bracket, no preheat
