"""Reports and exit codes: JUnit warnings, SARIF/GitHub regions for JSON input, informationUri, skipped layers
in every format, --require-schemas, --schema-dir, report.complete, -q, a cp949 console, BuiltModel input,
and the one exit-code table (missing input = 3 everywhere)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st
from validate_helpers import base_env, dumps

import aas_refmodels
from aas_refmodels.cli import main
from aas_refmodels.validate import output
from aas_refmodels.validate._jsonpos import positions

FORMATS = ["text", "json", "junit", "sarif", "github"]


@pytest.fixture()
def no_schemas(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("AASREF_SCHEMA_DIR", raising=False)
    monkeypatch.delenv("AASREF_REQUIRE_SCHEMAS", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "empty-xdg"))


def cli(*args: str, **kw: Any) -> Any:
    return CliRunner().invoke(main, list(args), **kw)


def one_line(text: str) -> str:
    lines = text.splitlines()
    assert len(lines) == 1 and "Traceback" not in text, text
    return lines[0]


def write(tmp_path: Path, env: dict[str, Any], name: str = "m.json", **dump: Any) -> Path:
    p = tmp_path / name
    p.write_text(json.dumps(env, **dump), encoding="utf-8")
    return p


def bad_env() -> dict[str, Any]:
    env = base_env()
    env["submodels"][0]["submodelElements"][0]["value"] = "fast"  # MM001 at /submodels/0/submodelElements/0/value
    return env


def warn_env() -> dict[str, Any]:
    env = base_env()
    env["assetAdministrationShells"][0]["submodels"].append(
        {"type": "ModelReference", "keys": [{"type": "Submodel", "value": "https://example.org/absent"}]})  # MM012
    return env


# --- JUnit -----------------------------------------------------------------------------------------------------

def test_junit_warnings_are_not_failures(tmp_path: Path, no_schemas: None) -> None:
    path = write(tmp_path, warn_env())
    res = cli("validate", str(path), "--format", "junit")
    assert res.exit_code == 0
    root = ET.fromstring(res.stdout)
    assert root.get("failures") == "0" and root.find("testsuite").get("failures") == "0"  # type: ignore[union-attr]
    case = root.find(".//testcase")
    assert case is not None and case.find("failure") is None
    assert "MM012 warning" in (case.findtext("system-out") or "")
    res = cli("validate", str(path), "--format", "junit", "--fail-on", "warning")
    assert res.exit_code == 1
    root = ET.fromstring(res.stdout)
    assert root.get("failures") == "1"
    assert [f.get("type") for f in root.iter("failure")] == ["MM012"]


# --- SARIF / GitHub regions --------------------------------------------------------------------------------------

def at(text: str, line: int, column: int) -> str:
    return text.split("\n")[line - 1][column - 1:]


@pytest.mark.parametrize("indent", [None, 2])
def test_sarif_and_github_carry_the_line_and_column_of_json_findings(tmp_path: Path, no_schemas: None,
                                                                      indent: int | None) -> None:
    env = bad_env()
    env["submodels"][0]["description"] = [{"language": "ko", "text": "절삭 가공 데이터 🌡"}]  # columns count code points
    path = write(tmp_path, env, indent=indent, ensure_ascii=False)
    text = path.read_text(encoding="utf-8")
    res = cli("validate", str(path), "--format", "sarif")
    assert res.exit_code == 1
    run = json.loads(res.stdout)["runs"][0]
    assert run["columnKind"] == "unicodeCodePoints"
    result = next(r for r in run["results"] if r["ruleId"] == "MM001")
    region = result["locations"][0]["physicalLocation"]["region"]
    assert at(text, region["startLine"], region["startColumn"]).startswith('"fast"')
    assert result["properties"]["jsonPointer"] == "/submodels/0/submodelElements/0/value"
    res = cli("validate", str(path), "--format", "github")
    line = next(x for x in res.stdout.splitlines() if "title=MM001" in x)
    assert f",line={region['startLine']},col={region['startColumn']}," in line


def test_github_regions_for_stdin(no_schemas: None) -> None:
    data = json.dumps(bad_env(), indent=1)
    res = cli("validate", "-", "--format", "github", input=data)
    line = next(x for x in res.stdout.splitlines() if "title=MM001" in x)
    n = int(line.split(",line=")[1].split(",")[0])
    c = int(line.split(",col=")[1].split(",")[0])
    assert at(data, n, c).startswith('"fast"')


def test_text_and_json_formats_are_unchanged_by_regions(tmp_path: Path, no_schemas: None) -> None:
    path = write(tmp_path, bad_env(), indent=2)
    doc = json.loads(cli("validate", str(path), "--format", "json").stdout)
    f = next(f for f in doc["reports"][0]["findings"] if f["code"] == "MM001")
    assert "line" not in f["location"]  # the pointer is the location; regions are only computed for SARIF/GitHub


def test_sarif_information_uri_is_real(tmp_path: Path, no_schemas: None) -> None:
    res = cli("validate", str(write(tmp_path, bad_env())), "--format", "sarif")
    driver = json.loads(res.stdout)["runs"][0]["tool"]["driver"]
    uri = driver["informationUri"]
    assert uri == output.information_uri() and uri.startswith("https://")
    assert uri != "https://github.com/aas-refmodels" and "example" not in uri
    assert driver["version"] == aas_refmodels.__version__


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=5), children, max_size=4),
    max_leaves=25)


def walk(value: Any, pointer: str = "") -> Any:
    yield pointer, value
    if isinstance(value, dict):
        for k, v in value.items():
            yield from walk(v, f"{pointer}/{k.replace('~', '~0').replace('/', '~1')}")
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from walk(v, f"{pointer}/{i}")


@given(json_values, st.sampled_from([None, 0, 1, 2, "\t"]), st.booleans())
def test_positions_point_at_the_value_of_every_pointer(doc: Any, indent: Any, ascii_only: bool) -> None:
    text = json.dumps(doc, indent=indent, ensure_ascii=ascii_only)
    expected = dict(walk(doc))
    found = positions(text, expected)
    assert set(found) == set(expected)
    lines = text.split("\n")
    decoder = json.JSONDecoder()
    for pointer, (line, column) in found.items():
        offset = sum(len(x) + 1 for x in lines[:line - 1]) + column - 1
        value, _ = decoder.raw_decode(text, offset)
        assert value == expected[pointer], pointer


def test_positions_of_missing_members_fall_back_to_the_parent() -> None:
    text = '{\n  "a": {"b": 1}\n}'
    assert positions(text, ["/a/zz", "/nope"]) == {"/a/zz": (2, 8), "/nope": (1, 1)}


# --- skipped schema layer, --require-schemas, --schema-dir ---------------------------------------------------------

@pytest.mark.parametrize("fmt", FORMATS)
def test_a_skipped_schema_layer_is_stated_in_every_format(tmp_path: Path, no_schemas: None, fmt: str) -> None:
    res = cli("validate", str(write(tmp_path, base_env())), "--format", fmt)
    assert res.exit_code == 0, res.output
    out = res.stdout
    if fmt == "text":
        assert "schema layer skipped" in out and "1 incomplete" in out
    elif fmt == "json":
        report = json.loads(out)["reports"][0]
        assert report["ok"] is True and report["complete"] is False
        layer = next(x for x in report["layers"] if x["layer"] == "schema")
        assert layer["status"] == "skipped" and layer["incomplete"] is True
        assert json.loads(out)["summary"]["incomplete"] == 1
    elif fmt == "junit":
        root = ET.fromstring(out)
        prop = root.find(".//properties/property[@name='aasref.incomplete']")
        assert prop is not None and "schema layer skipped" in (prop.get("value") or "")
        assert "schema layer skipped" in (root.findtext(".//testcase/system-out") or "")
        assert root.get("failures") == "0"
    elif fmt == "sarif":
        run = json.loads(out)["runs"][0]
        notes = run["invocations"][0]["toolExecutionNotifications"]
        assert any("schema layer skipped" in n["message"]["text"] and n["level"] == "warning" for n in notes)
        assert run["invocations"][0]["executionSuccessful"] is True
    else:
        assert any(x.startswith("::warning title=aasref incomplete report::") and "schema layer skipped" in x
                   for x in out.splitlines())


def test_a_report_with_every_layer_run_is_complete(tmp_path: Path, schema_dir: Path) -> None:
    report = aas_refmodels.validate(dumps(base_env()), schema_dir=schema_dir)
    assert report.complete and report.ok and report.to_dict()["complete"] is True
    res = cli("validate", str(write(tmp_path, base_env())), "--format", "sarif", "--schema-dir", str(schema_dir))
    assert json.loads(res.stdout)["runs"][0]["invocations"][0]["toolExecutionNotifications"] == []
    res = cli("validate", str(write(tmp_path, base_env())), "--format", "github", "--schema-dir", str(schema_dir))
    assert "incomplete" not in res.stdout


def test_ok_and_complete_are_independent(no_schemas: None) -> None:
    report = aas_refmodels.validate(dumps(bad_env()))
    assert not report.ok and not report.complete
    assert [lr.layer for lr in report.incomplete_layers] == ["schema"]
    selected = aas_refmodels.validate(dumps(base_env()), layers=["metamodel"])  # not requested: not incomplete
    assert selected.ok and selected.complete


@pytest.mark.parametrize("how", ["flag", "env"])
def test_require_schemas_makes_a_skip_exit_3(tmp_path: Path, no_schemas: None, how: str) -> None:
    out = tmp_path / "report.sarif"
    args = ["validate", str(write(tmp_path, base_env())), "--format", "sarif", "-o", str(out)]
    res = cli(*args, "--require-schemas") if how == "flag" else cli(*args, env={"AASREF_REQUIRE_SCHEMAS": "1"})
    assert res.exit_code == 3
    line = one_line(res.stderr)
    assert line.startswith("error: schema layer skipped for 1 of 1 file (--require-schemas): no official schemas")
    assert res.stdout == "" and not out.exists()


def test_require_schemas_passes_when_the_schemas_are_there(tmp_path: Path, schema_dir: Path) -> None:
    res = cli("validate", str(write(tmp_path, base_env())), "--require-schemas", "--schema-dir", str(schema_dir))
    assert res.exit_code == 0, res.output


@pytest.mark.parametrize("how", ["option", "env"])
def test_a_missing_schema_dir_is_a_usage_error(tmp_path: Path, no_schemas: None, how: str) -> None:
    missing = tmp_path / "no-such-folder"
    out = tmp_path / "r.json"
    args = ["validate", str(write(tmp_path, base_env())), "-o", str(out)]
    res = (cli(*args, "--schema-dir", str(missing)) if how == "option"
           else cli(*args, env={"AASREF_SCHEMA_DIR": str(missing)}))
    assert res.exit_code == 2
    name = "--schema-dir" if how == "option" else "$AASREF_SCHEMA_DIR"
    assert one_line(res.stderr) == (f"error: {name} {missing}: no such folder "
                                    "(aasref schemas status shows where schemas are looked for)")
    assert not out.exists()


# --- text output: -q, a cp949 console ---------------------------------------------------------------------------

def test_quiet_prints_findings_only(tmp_path: Path, no_schemas: None) -> None:
    res = cli("validate", str(write(tmp_path, bad_env())), "-q")
    assert res.exit_code == 1
    lines = res.stdout.splitlines()
    assert lines and all(": MM001 error: " in x or ": SER" in x or " error: " in x for x in lines)
    assert not any("note:" in x or " file: " in x or "clean" in x for x in lines)
    assert "schema layer skipped" in one_line(res.stderr)  # the incomplete verdict is still said, on stderr
    res = cli("validate", str(write(tmp_path, base_env(), "clean.json")), "-q", "--schema-dir", str(tmp_path))
    assert res.stdout == ""


def test_text_output_survives_a_cp949_console(tmp_path: Path, no_schemas: None) -> None:
    env = base_env()
    env["submodels"][0]["submodelElements"][0]["idShort"] = "Temp🌡"  # U+1F321 has no cp949 form
    path = write(tmp_path, env, ensure_ascii=False)
    for fmt in ("text", "json", "github"):
        proc = subprocess.run([sys.executable, "-m", "aas_refmodels.cli", "validate", str(path), "--format", fmt],
                              capture_output=True, env={**os.environ, "PYTHONIOENCODING": "cp949"}, timeout=120)
        assert proc.returncode == 1, proc.stderr
        assert b"Traceback" not in proc.stderr and b"UnicodeEncodeError" not in proc.stderr
        out = proc.stdout.decode("cp949")
        assert "Temp?" in out and "AASd-002" in out


# --- library: a BuiltModel ------------------------------------------------------------------------------------------

def test_validate_accepts_a_built_model(no_schemas: None) -> None:
    from aas_refmodels import build_template, load_model
    built = build_template(load_model("press"))
    report = aas_refmodels.validate(built)
    assert report.source == "<objects>" and report.layer("metamodel").status == "run"
    assert report.errors == ()
    assert report.findings == aas_refmodels.validate(built.objects()).findings


# --- one exit-code table: a missing or unreadable input is 3 everywhere ------------------------------------------------

@pytest.mark.parametrize("kind", ["missing", "directory"])
def test_missing_or_unreadable_inputs_exit_3_with_one_line(tmp_path: Path, no_schemas: None, kind: str) -> None:
    good = write(tmp_path, base_env())
    missing = tmp_path / "missing.json"
    if kind == "directory":
        missing.mkdir()
    out = tmp_path / "out.json"
    cases = [
        ["validate", str(missing)],
        ["validate", str(good), "--template", str(missing)],
        ["build", "press", "--kind", "instance", "--asset-id", "https://example.com/a/1", "--values", str(missing),
         "-o", str(out)],
        ["build", "--process", "press", "--asset-id", "https://example.com/a/1", "--thumbnail", str(missing),
         "-o", str(tmp_path / "out.aasx")],
        ["convert", str(missing), str(out)],
    ]
    if kind == "directory":
        cases = cases[1:]  # `validate DIR` validates the files in DIR
    for args in cases:
        res = cli(*args)
        assert res.exit_code == 3, (args, res.output)
        assert one_line(res.stderr).startswith("error: ") and str(missing) in res.stderr, args
        assert not out.exists() and not (tmp_path / "out.aasx").exists()


def test_values_file_not_json_is_3_and_values_that_do_not_fit_are_1(tmp_path: Path) -> None:
    out = tmp_path / "out.json"
    not_json = tmp_path / "values.json"
    not_json.write_text("{ not json", encoding="utf-8")
    res = cli("build", "press", "--kind", "instance", "--asset-id", "https://example.com/a/1", "--values", str(not_json), "-o", str(out))
    assert res.exit_code == 3 and "not a JSON values file" in one_line(res.stderr)
    wrong = tmp_path / "wrong.json"
    wrong.write_text(json.dumps(["a list"]), encoding="utf-8")
    res = cli("build", "press", "--kind", "instance", "--asset-id", "https://example.com/a/1", "--values", str(wrong), "-o", str(out))
    assert res.exit_code == 1 and "JSON object" in one_line(res.stderr)
    unfit = tmp_path / "unfit.json"
    unfit.write_text(json.dumps({"ProcessData.NoSuchElement": 1}), encoding="utf-8")
    res = cli("build", "press", "--kind", "instance", "--asset-id", "https://example.com/a/1", "--values", str(unfit), "-o", str(out))
    assert res.exit_code == 1 and "Traceback" not in res.output
    assert not out.exists()
