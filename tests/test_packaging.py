"""The tests run against the installed wheel: its packaged models and schemas are really there."""

from __future__ import annotations

import os
from importlib import metadata, resources
from pathlib import Path

import pytest

import aas_refmodels
from aas_refmodels.spec import available_models, load_model

ROOT = Path(__file__).resolve().parent.parent


def _installed_from_wheel() -> bool:
    package_dir = Path(aas_refmodels.__file__).resolve().parent
    return package_dir != ROOT / "aas_refmodels" and "site-packages" in package_dir.parts


@pytest.mark.skipif(os.environ.get("AASREF_TEST_INSTALLED") != "1",
                    reason="set AASREF_TEST_INSTALLED=1 (as .ci/run and tox do) to require the installed wheel")
def test_package_is_imported_from_the_installed_wheel() -> None:
    assert _installed_from_wheel(), f"aas_refmodels imported from the source tree: {aas_refmodels.__file__}"
    files = {str(f) for f in metadata.files("aas-refmodels") or []}
    assert "aas_refmodels/_data/schemas/refmodel-spec.schema.json" in files
    assert "aas_refmodels/_data/models/machining/1.0.json" in files
    assert "aas_refmodels/py.typed" in files
    data = resources.files("aas_refmodels") / "_data" / "models"
    assert data.is_dir()
    packaged = sorted(p.name for p in data.iterdir() if p.is_dir() and not p.name.startswith("_"))
    assert packaged == sorted({m for m, _ in available_models()})


def test_packaged_models_are_the_repository_models() -> None:
    """What the package loads is byte-for-byte what is in models/ (wheel or source tree alike)."""
    for name, version in available_models():
        spec = load_model(name, version)
        assert spec.file == f"models/{name}/{version}.json"
        source = ROOT / "models" / name / f"{version}.json"
        packaged = resources.files("aas_refmodels") / "_data" / "models" / name / f"{version}.json"
        if _installed_from_wheel():
            assert packaged.read_bytes() == source.read_bytes()


def test_console_script_is_declared() -> None:
    eps = metadata.entry_points(group="console_scripts")
    assert any(ep.name == "aasref" and ep.value == "aas_refmodels.cli:main" for ep in eps)
