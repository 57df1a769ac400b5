"""aasref fix --profile kosmo: default shells become passing files; every change is in the ledger; no value invented."""

from __future__ import annotations

import json
import os
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

sys.path.insert(0, str(Path(__file__).parent / "kosmo"))
sys.path.insert(0, str(Path(__file__).parent))
from scaffold import scaffold
from test_kosmo_validate import MUTATIONS

from aas_refmodels.cli import main
from aas_refmodels.profiles import load_profile
from aas_refmodels.validate import validate

SCHEMAS = Path(os.environ.get("AASREF_SCHEMA_DIR") or Path(__file__).resolve().parent.parent.parent / "shared" / "schemas")
PROCESSES = ["assembly", "die-casting", "forging", "heat-treatment", "injection-molding", "machining", "painting",
             "press", "surface-treatment", "welding"]


def _default_shell(tmp: Path, process: str, name: str = "plain.aasx", *extra: str) -> Path:
    out = tmp / name
    r = CliRunner().invoke(main, ["build", "--process", process, "--asset-id",
                                  f"https://factory.example.kr/asset/{process}-07", "-o", str(out), *extra])
    assert r.exit_code == 0, r.output
    return out


def _fix(src: Path, dst: Path, *extra: str) -> tuple[int, str, dict[str, Any]]:
    r = CliRunner().invoke(main, ["fix", "--profile", "kosmo", str(src), str(dst), "--schema-dir", str(SCHEMAS),
                                  *extra])
    ledger = dst.with_name(dst.name + ".ledger.json")
    return r.exit_code, r.output, json.loads(ledger.read_text(encoding="utf-8")) if ledger.exists() else {}


def _check_fixed(src: Path, dst: Path) -> dict[str, Any]:
    before = validate(src, profile="kosmo", layers=["deserialize", "profile"], basyx=False)
    assert not before.ok
    code, out, ledger = _fix(src, dst)
    assert code == 0, out
    assert "passes the kosmo profile" in out
    after = validate(dst, profile="kosmo", schema_dir=SCHEMAS)
    assert after.findings == (), [f"{f.code} {f.path}: {f.message}" for f in after.findings][:10]
    assert ledger["remainingFindings"] == [] and ledger["cannotFix"] == []
    fixed_rules = {c["rule"] for c in ledger["changes"]}
    failed_rules = {f.code for f in before.errors}
    assert failed_rules <= fixed_rules, failed_rules - fixed_rules      # a ledger entry for every repaired rule
    for c in ledger["changes"]:
        assert c["rule"] in load_profile("kosmo").rules and c["where"] and c["action"]
    return ledger


def test_fix_default_machining_shell(tmp_path: Path) -> None:
    src = _default_shell(tmp_path, "machining")
    ledger = _check_fixed(src, tmp_path / "fixed.aasx")
    assert [sm["idShort"] for sm in ledger["removedSubmodels"]] == ["QualityControlForMachining"]
    assert ledger["relocatedIris"]
    z = zipfile.ZipFile(tmp_path / "fixed.aasx")
    assert "aasx/thumbnail.png" in z.namelist()
    # every other part is kept byte for byte
    src_zip = zipfile.ZipFile(src)
    for name in src_zip.namelist():
        if name.endswith((".png", ".pdf")) or name.startswith("docProps"):
            assert z.read(name) == src_zip.read(name)
    assert (tmp_path / "fixed.aasx.ledger.json").exists()


def test_fix_xml_part_v30(tmp_path: Path) -> None:
    src = _default_shell(tmp_path, "welding", "plain.aasx", "--spec-version", "3.0", "--aasx-part", "xml")
    _check_fixed(src, tmp_path / "fixed.aasx")
    assert validate(tmp_path / "fixed.aasx", profile="kosmo").version == "3.0"


@pytest.mark.slow
@pytest.mark.parametrize("process", PROCESSES)
def test_fix_every_default_shell(tmp_path: Path, process: str) -> None:
    _check_fixed(_default_shell(tmp_path, process), tmp_path / "fixed.aasx")


def test_json_input_ledger_says_why_not(tmp_path: Path) -> None:
    src = _default_shell(tmp_path, "press", "plain.json")
    code, out, ledger = _fix(src, tmp_path / "fixed.json")
    assert code == 1
    assert {f["code"] for f in ledger["remainingFindings"]} == {"KOSMO-AAS-1"}
    assert any(u["rule"] == "KOSMO-AAS-1" and "AASX" in u["reason"] for u in ledger["cannotFix"])
    assert "cannot  KOSMO-AAS-1" in out


def test_values_are_never_invented(tmp_path: Path) -> None:
    doc = scaffold()
    MUTATIONS["KOSMO-SME-4"](doc)           # an empty Property value
    MUTATIONS["KOSMO-CD-3"](doc)            # a CD without definition
    src = tmp_path / "in.json"
    src.write_text(json.dumps(doc))
    code, _, ledger = _fix(src, tmp_path / "out.json")
    assert code == 1
    out = json.loads((tmp_path / "out.json").read_text())
    cycle = next(e for s in out["submodels"] if s["idShort"] == "OperationalData" for e in s["submodelElements"]
                 if e["idShort"] == "CycleTime")
    assert cycle["value"] == " "
    tool = next(c for c in out["conceptDescriptions"] if c["idShort"] == "ToolId")
    assert "definition" not in tool["embeddedDataSpecifications"][0]["dataSpecificationContent"]
    left = {f["code"] for f in ledger["remainingFindings"] if f["layer"] == "profile"}
    assert left == {"KOSMO-SME-4", "KOSMO-CD-3"}   # (the standard layers also see the blank double and definition)


FIXABLE = ["KOSMO-AAS-3", "KOSMO-AAS-5", "KOSMO-AAS-6", "KOSMO-SM-2", "KOSMO-SM-3", "KOSMO-SM-4", "KOSMO-SME-3",
           "KOSMO-SME-5", "KOSMO-CD-2", "KOSMO-CD-4", "KOSMO-CD-5", "PKG-FILE-URI", "PKG-LANG-DUP", "PKG-EMPTY-ARRAY"]


@pytest.mark.parametrize("code", FIXABLE)
def test_fix_repairs_each_fixable_mutation(tmp_path: Path, code: str) -> None:
    doc = scaffold()
    MUTATIONS[code](doc)
    src = tmp_path / "in.json"
    src.write_text(json.dumps(doc))
    _, _, ledger = _fix(src, tmp_path / "out.json")
    assert code in {c["rule"] for c in ledger["changes"]}
    left = {f["code"] for f in ledger["remainingFindings"] if f["severity"] == "error"}
    assert left == set(), left


def test_fix_usage_errors_leave_nothing(tmp_path: Path) -> None:
    src = tmp_path / "in.json"
    src.write_text(json.dumps(scaffold()))
    r = CliRunner().invoke(main, ["fix", str(src), str(src)])
    assert r.exit_code == 2
    r = CliRunner().invoke(main, ["fix", str(src), str(tmp_path / "o.aasx")])
    assert r.exit_code == 2 and not (tmp_path / "o.aasx").exists()
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    r = CliRunner().invoke(main, ["fix", str(bad), str(tmp_path / "o.json")])
    assert r.exit_code == 3 and not (tmp_path / "o.json").exists()
    assert len(r.output.strip().splitlines()) == 1
