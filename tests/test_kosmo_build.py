"""build --process NAME --profile kosmo: a submission-ready type shell that passes every layer and the profile."""

from __future__ import annotations

import json
import os
import zipfile
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from aas_refmodels.cli import main
from aas_refmodels.io.png import default_thumbnail, is_png
from aas_refmodels.validate import validate

ROOT = Path(__file__).resolve().parent.parent
SCHEMAS = Path(os.environ.get("AASREF_SCHEMA_DIR") or ROOT.parent / "shared" / "schemas")
HAVE_SCHEMAS = (SCHEMAS / "V3.1.2" / "aas.json").is_file()  # a fresh clone has none: the schema layer is skipped
PROCESSES = ["assembly", "die-casting", "forging", "heat-treatment", "injection-molding", "machining", "painting",
             "press", "surface-treatment", "welding"]
IRI_BASE = "https://www.smart-factory.kr/ids"


def _build(tmp: Path, process: str, *args: str, name: str = "out.aasx") -> Path:
    out = tmp / name
    r = CliRunner().invoke(main, ["build", "--process", process, "--profile", "kosmo", "--asset-id",
                                  f"https://factory.example.kr/asset/{process}-01", "-o", str(out), *args])
    assert r.exit_code == 0, r.output
    return out


def _spec_doc(path: Path) -> dict[str, Any]:
    if path.suffix == ".json":
        return json.loads(path.read_text(encoding="utf-8"))  # type: ignore[no-any-return]
    z = zipfile.ZipFile(path)
    name = next(n for n in z.namelist() if n.startswith("aasx/data."))
    return json.loads(z.read(name))  # type: ignore[no-any-return]


def _clean(path: Path, **kw: Any) -> Any:
    if not HAVE_SCHEMAS and os.environ.get("AASREF_REQUIRE_SCHEMAS") == "1":
        pytest.fail(f"AASREF_REQUIRE_SCHEMAS=1 but no official schemas in {SCHEMAS}", pytrace=False)
    report = validate(path, profile="kosmo", schema_dir=SCHEMAS if HAVE_SCHEMAS else None, **kw)
    assert report.findings == (), [f"{f.code} {f.path}: {f.message}" for f in report.findings][:20]
    ran = {str(lr.layer) for lr in report.layers if lr.status == "run"}
    assert {"deserialize", "metamodel", "profile"} | ({"schema"} if HAVE_SCHEMAS else set()) <= ran
    return report


def _check_shape(doc: dict[str, Any]) -> None:
    aas = doc["assetAdministrationShells"][0]
    assert aas["assetInformation"]["assetKind"] == "Type"
    assert aas["id"].startswith(IRI_BASE + "/aas/") and aas["id"].endswith("/1/0")
    names = [s["idShort"] for s in doc["submodels"]]
    assert names[:5] == ["DigitalNameplate", "HandoverDocumentation", "TechnicalData", "OperationalData",
                         "ProcessParameters"]
    assert 6 <= len(names) <= 8
    cd_ids = {c["id"] for c in doc["conceptDescriptions"]}
    filled = 0
    for sm in doc["submodels"]:
        adm = sm["administration"]
        assert sm["kind"] == "Template"
        assert sm["id"].startswith(IRI_BASE + "/sm/") and sm["id"].endswith(f"/{adm['version']}/{adm['revision']}")

        def walk(els: list[dict[str, Any]]) -> None:
            nonlocal filled
            for e in els:
                assert e["modelType"] not in ("Operation", "BasicEventElement", "Capability")
                sid = e.get("semanticId", {}).get("keys", [{}])[0].get("value")
                assert sid in cd_ids, sid
                if e["modelType"] == "Property" and e.get("value"):
                    filled += 1
                walk(e.get("value") if isinstance(e.get("value"), list) and e["modelType"] in (
                    "SubmodelElementCollection", "SubmodelElementList") else e.get("statements", []))
        walk(sm.get("submodelElements", []))
    assert filled > 50


def test_machining_v31_aasx_is_clean_and_shaped(tmp_path: Path) -> None:
    out = _build(tmp_path, "machining")
    _clean(out)
    _check_shape(_spec_doc(out))
    z = zipfile.ZipFile(out)
    assert is_png(z.read("aasx/thumbnail.png"))


def test_injection_molding_v30_is_clean(tmp_path: Path) -> None:
    out = _build(tmp_path, "injection-molding", "--spec-version", "3.0", "--aasx-part", "xml")
    assert _clean(out).version == "3.0"   # from the XML namespace
    out = _build(tmp_path, "injection-molding", "--spec-version", "3.0", name="o.json")
    assert _clean(out, spec_version="3.0").version == "3.0"


@pytest.mark.slow
@pytest.mark.parametrize("version", ["3.1", "3.0"])
@pytest.mark.parametrize("process", PROCESSES)
def test_every_process_both_versions(tmp_path: Path, process: str, version: str) -> None:
    out = _build(tmp_path, process, "--spec-version", version)
    assert _clean(out, spec_version=version).version == version
    _check_shape(_spec_doc(out))


def test_user_values_and_thumbnail_and_file_uris(tmp_path: Path) -> None:
    thumb = tmp_path / "photo.png"
    thumb.write_bytes(default_thumbnail(64, "user"))
    out = _build(tmp_path, "machining", "--values", str(ROOT / "examples" / "machining" / "shell-values.json"),
                 "--thumbnail", str(thumb))
    _clean(out)
    z = zipfile.ZipFile(out)
    assert z.read("aasx/thumbnail.png") == thumb.read_bytes()
    doc = _spec_doc(out)
    logo = next(e for e in doc["submodels"][0]["submodelElements"] if e["idShort"] == "CompanyLogo")
    assert logo["value"] == "file:///aasx/files/hanbit-logo.png"
    assert "aasx/files/hanbit-logo.png" in z.namelist()


def test_iri_conflict_switch_in_build(tmp_path: Path) -> None:
    pol = tmp_path / "p.yaml"
    pol.write_text("iriConflict: idta-preserve\n")
    kosmo_first = _spec_doc(_build(tmp_path, "press", name="a.json"))
    preserve_path = _build(tmp_path, "press", "--policy", str(pol), name="b.json")
    preserve = _spec_doc(preserve_path)
    dn_a, dn_b = kosmo_first["submodels"][0], preserve["submodels"][0]
    idta = "https://admin-shell.io/idta/nameplate/3/0/Nameplate"
    assert dn_a["semanticId"]["keys"][0]["value"] == dn_a["id"]
    assert idta in [s["keys"][0]["value"] for s in dn_a["supplementalSemanticIds"]]
    assert dn_b["semanticId"]["keys"][0]["value"] == idta
    assert dn_b["id"] in [s["keys"][0]["value"] for s in dn_b["supplementalSemanticIds"]]
    under_preserve = validate(preserve_path, profile="kosmo", policy=str(pol), layers=["profile"])
    assert not under_preserve.errors and under_preserve.warnings
    assert {f.code for f in validate(preserve_path, profile="kosmo", layers=["profile"]).errors} >= {
        "KOSMO-SM-3", "KOSMO-CD-2"}


def test_build_profile_usage_errors(tmp_path: Path) -> None:
    bad = tmp_path / "x.png"
    bad.write_bytes(b"not a png")
    out = tmp_path / "o.aasx"
    for args in (["machining", "--profile", "kosmo"], ["--process", "machining", "--profile", "kosmo", "--kind",
                                                          "template"],
                 ["--process", "machining", "--profile", "kosmo", "--thumbnail", str(bad)]):
        r = CliRunner().invoke(main, ["build", *args, "-o", str(out)])
        assert r.exit_code == 2, r.output
        assert not out.exists()
