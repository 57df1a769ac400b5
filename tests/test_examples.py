"""Every example values file builds a valid instance; the example script runs."""

from __future__ import annotations

import importlib.util
import io
import json
import zipfile
from pathlib import Path

import pytest

from aas_refmodels.build import build_instance
from aas_refmodels.io import serialize
from aas_refmodels.spec import load_model

from .builds import PROCESS_MODELS
from .checks import aas_core_errors

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def test_every_process_has_an_example() -> None:
    assert sorted(p.parent.name for p in EXAMPLES.glob("*/values.json")) == sorted(PROCESS_MODELS)


@pytest.mark.parametrize("model", PROCESS_MODELS)
def test_example_values_build_a_valid_instance(model: str) -> None:
    values = json.loads((EXAMPLES / model / "values.json").read_text(encoding="utf-8"))
    built = build_instance(load_model(model), values)
    for version in ("3.1", "3.0"):
        assert aas_core_errors(serialize(built.objects(), "json", version), "json", version) == []  # type: ignore[arg-type]


def test_example_script_builds_everything(tmp_path: Path) -> None:
    spec = importlib.util.spec_from_file_location("build_examples", EXAMPLES / "build_examples.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    written = module.main(tmp_path)
    assert len(written) == 2 * len(PROCESS_MODELS) + 1
    shell = (tmp_path / "machining-shell.aasx").read_bytes()
    with zipfile.ZipFile(io.BytesIO(shell)) as zf:
        logo = zf.read("aasx/files/hanbit-logo.png")
        assert logo == (EXAMPLES / "machining" / "hanbit-logo.png").read_bytes()
        env = json.loads(zf.read("aasx/data.json"))
    assert len(env["assetAdministrationShells"]) == 1
    nameplate = next(sm for sm in env["submodels"] if sm["idShort"] == "Nameplate")
    serial = next(e for e in nameplate["submodelElements"] if e["idShort"] == "SerialNumber")
    assert serial["value"] == "HB-VMC850-2611-0042"
    kpis = next(sm for sm in env["submodels"] if sm["idShort"] == "ManufacturingKPIs")
    oee = next(e for e in kpis["submodelElements"] if e["idShort"] == "OEE")
    assert 0 < float(oee["value"]) < 1  # computed from the shell's ISO 22400-2 variables
