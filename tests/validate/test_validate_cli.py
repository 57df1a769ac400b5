"""aasref validate / rules / explain through click's CliRunner: formats, filters, exit codes."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import pytest
from click.testing import CliRunner
from validate_helpers import CORPUS, base_env, dumps

from aas_refmodels import rules
from aas_refmodels.cli.validate_cmds import COMMANDS, explain_cmd, rules_cmd, validate_cmd


@pytest.fixture(scope="module")
def schema_dir(schema_dir_if_any):
    """These tests do not depend on the schema layer: they run without the official schemas too."""
    return schema_dir_if_any


@pytest.fixture()
def runner():
    return CliRunner()


@pytest.fixture()
def clean_file(tmp_path):
    p = tmp_path / "clean.json"
    p.write_bytes(dumps(base_env()))
    return p


@pytest.fixture()
def bad_file(tmp_path):
    env = base_env()
    env["submodels"][0]["submodelElements"][0]["value"] = "fast"  # MM001
    p = tmp_path / "bad.json"
    p.write_bytes(dumps(env))
    return p


@pytest.fixture()
def warn_file(tmp_path):
    env = base_env()
    env["assetAdministrationShells"][0]["submodels"].append(
        {"type": "ModelReference", "keys": [{"type": "Submodel", "value": "https://example.org/absent"}]})  # MM012
    p = tmp_path / "warn.json"
    p.write_bytes(dumps(env))
    return p


def invoke(runner, args, schema_dir, **kw):
    extra = ["--schema-dir", str(schema_dir)] if schema_dir is not None else []
    return runner.invoke(validate_cmd, [*args, *extra], catch_exceptions=False, **kw)


def test_commands_exposed():
    assert [c.name for c in COMMANDS] == ["validate", "rules", "explain"]


def test_group_wires_the_commands():
    from aas_refmodels.cli import main
    assert {"validate", "rules", "explain"} <= set(main.load_all())


def test_clean_file_exits_0(runner, clean_file, schema_dir):
    res = invoke(runner, [str(clean_file)], schema_dir)
    assert res.exit_code == 0, res.output
    assert "1 file: 1 passed, 0 passed with warnings, 0 failed, 0 unreadable" in res.output


def test_findings_exit_1_with_located_text(runner, bad_file, schema_dir):
    res = invoke(runner, [str(bad_file)], schema_dir)
    assert res.exit_code == 1
    line = next(line for line in res.output.splitlines() if " MM001 " in line)
    assert line.startswith(f"{bad_file}: MM001 error: Submodel[id=https://example.org/sm/1].Speed")
    assert "(#/submodels/0/submodelElements/0/value)" in line


def test_fail_on_warning(runner, warn_file, schema_dir):
    assert invoke(runner, [str(warn_file)], schema_dir).exit_code == 0
    assert invoke(runner, [str(warn_file), "--fail-on", "warning"], schema_dir).exit_code == 1


def test_select_and_ignore(runner, bad_file, schema_dir):
    res = invoke(runner, [str(bad_file), "--ignore", "MM001,SER"], schema_dir)
    assert res.exit_code == 0, res.output
    res = invoke(runner, [str(bad_file), "--select", "MM", "--format", "json"], schema_dir)
    codes = {f["code"] for r in json.loads(res.output)["reports"] for f in r["findings"]}
    assert codes == {"MM001"}


def test_unknown_select_code_is_usage_error(runner, bad_file, schema_dir):
    res = runner.invoke(validate_cmd, [str(bad_file), "--select", "XYZ9"])
    assert res.exit_code == 2


def test_missing_input_file_could_not_run(runner, tmp_path):
    res = runner.invoke(validate_cmd, [str(tmp_path / "nope.json")])
    assert res.exit_code == 3
    assert res.stderr == f"error: no such file or directory: {tmp_path / 'nope.json'}\n" and res.stdout == ""


def test_json_format(runner, bad_file, schema_dir):
    res = invoke(runner, [str(bad_file), "--format", "json"], schema_dir)
    doc = json.loads(res.output)
    assert doc["summary"]["files"] == 1 and doc["summary"]["with_findings"] == 1
    f = next(f for f in doc["reports"][0]["findings"] if f["code"] == "MM001")
    assert f["path"] == "Submodel[id=https://example.org/sm/1].Speed#value"
    assert f["location"]["pointer"] == "/submodels/0/submodelElements/0/value"
    assert f["standard"] == "IDTA-01001-3-1"


def test_junit_format(runner, bad_file, clean_file, schema_dir):
    res = invoke(runner, [str(clean_file), str(bad_file), "--format", "junit"], schema_dir)
    root = ET.fromstring(res.output)
    cases = root.findall(".//testcase")
    assert len(cases) == 2
    failures = {c.get("name"): [f.get("type") for f in c.findall("failure")] for c in cases}
    assert failures[str(clean_file)] == [] and "MM001" in failures[str(bad_file)]


def test_sarif_format(runner, bad_file, schema_dir):
    res = invoke(runner, [str(bad_file), "--format", "sarif"], schema_dir)
    doc = json.loads(res.output)
    assert doc["version"] == "2.1.0"
    run = doc["runs"][0]
    ids = [r["id"] for r in run["tool"]["driver"]["rules"]]
    for result in run["results"]:
        assert ids[result["ruleIndex"]] == result["ruleId"]
    assert any(r["ruleId"] == "MM001" for r in run["results"])


def test_github_format_with_line(runner, official_schemas):
    case = CORPUS / "SCH201" / "unknown-xml-element.xml"
    res = invoke(runner, [str(case), "--format", "github"], official_schemas)
    assert res.exit_code == 1
    line = next(line for line in res.output.splitlines() if "title=SCH201" in line)
    assert line.startswith("::error file=") and ",line=7," in line and "title=SCH201::" in line


def test_output_file(runner, bad_file, tmp_path, schema_dir):
    out = tmp_path / "report.sarif"
    res = invoke(runner, [str(bad_file), "--format", "sarif", "-o", str(out)], schema_dir)
    assert res.exit_code == 1 and res.output == ""
    assert json.loads(out.read_text())["runs"][0]["results"]


def test_stdin(runner, schema_dir):
    res = invoke(runner, ["-"], schema_dir, input=dumps(base_env()))
    assert res.exit_code == 0, res.output


def test_directory_batch_with_jobs_and_summary(runner, tmp_path, schema_dir):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "ok.json").write_bytes(dumps(base_env()))
    (tmp_path / "a" / "broken.json").write_bytes(b"{")
    env = base_env()
    env["submodels"][0]["submodelElements"][0]["value"] = "fast"
    (tmp_path / "bad.json").write_bytes(dumps(env))
    (tmp_path / "notes.txt").write_text("ignored")
    res = invoke(runner, [str(tmp_path), "--jobs", "2", "--format", "json"], schema_dir)
    assert res.exit_code == 1
    doc = json.loads(res.output)
    assert [r["source"].rsplit("/", 1)[-1] for r in doc["reports"]] == ["broken.json", "ok.json", "bad.json"]
    assert doc["summary"] == {"files": 3, "passed": 1, "passed_with_warnings": 0, "failed": 1, "unreadable": 1,
                              "could_not_run": 0, "clean": 1, "with_findings": 1,
                              "errors": doc["summary"]["errors"], "warnings": doc["summary"]["warnings"],
                              "incomplete": 0 if schema_dir else 2}


def test_no_progress_bar_when_piped(runner, tmp_path, schema_dir):
    for i in range(3):
        (tmp_path / f"f{i}.json").write_bytes(dumps(base_env()))
    res = invoke(runner, [str(tmp_path)], schema_dir)
    assert "\x1b[" not in res.output and "validating" not in res.output


def test_no_schema_dir_gives_one_line_hint(runner, clean_file, monkeypatch):
    monkeypatch.delenv("AASREF_SCHEMA_DIR", raising=False)
    res = runner.invoke(validate_cmd, [str(clean_file)])
    assert res.exit_code == 0
    hints = [line for line in res.output.splitlines() if "schema layer skipped" in line]
    assert len(hints) == 1 and "--schema-dir" in hints[0]
    second = clean_file.with_name("second.json")
    second.write_bytes(clean_file.read_bytes())
    res = runner.invoke(validate_cmd, [str(clean_file), str(second)])
    hints = [line for line in res.output.splitlines() if "schema layer skipped" in line]
    assert len(hints) == 1 and "for 2 of 2 files" in hints[0]


def test_unreadable_template_could_not_run(runner, clean_file, tmp_path, schema_dir):
    bad = tmp_path / "template.json"
    bad.write_text("{ not json")
    res = invoke(runner, [str(clean_file), "--template", str(bad)], schema_dir)
    assert res.exit_code == 3
    assert "Traceback" not in res.output


def test_rules_lists_the_catalogue(runner):
    res = runner.invoke(rules_cmd, [])
    assert res.exit_code == 0
    assert len(res.output.splitlines()) == len(rules.RULES)
    res = runner.invoke(rules_cmd, ["--format", "json"])
    assert {r["code"] for r in json.loads(res.output)} == set(rules.RULES)


def test_explain(runner):
    res = runner.invoke(explain_cmd, ["AASd-120"])
    assert res.exit_code == 0
    assert "IDTA-01001-3-0 AASd-120" in res.output and "versions:  3.0\n" in res.output
    assert "source 3.1" not in res.output
    assert runner.invoke(explain_cmd, ["NOPE1"]).exit_code == 2


def test_progress_bar_only_on_a_terminal(runner, tmp_path, schema_dir, monkeypatch):
    import aas_refmodels.cli.validate_cmds as cmds
    for i in range(3):
        (tmp_path / f"f{i}.json").write_bytes(dumps(base_env()))
    calls = []

    class FakeProgress:
        def __init__(self, *a, **kw):
            calls.append(kw)

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

        def add_task(self, *a, **kw):
            return 1

        def advance(self, task, n):
            calls.append(n)

        def refresh(self):
            calls.append("refresh")

    import rich.progress
    monkeypatch.setattr(rich.progress, "Progress", FakeProgress)
    monkeypatch.setattr(cmds, "_stderr_is_terminal", lambda: True)
    res = invoke(runner, [str(tmp_path)], schema_dir)
    assert res.exit_code == 0
    assert calls.count(1) == 3 and calls[0]["console"].stderr
    # no refresh thread (workers are forked from one thread): redrawn from the loop, the first time at once
    assert calls[0]["auto_refresh"] is False and calls[2] == "refresh"


def test_internal_failure_on_one_file_is_exit_3_and_batch_continues(runner, tmp_path, schema_dir, monkeypatch):
    import importlib
    v = importlib.import_module("aas_refmodels.validate")  # the module even if the package exports validate()
    real = v.validate

    def flaky(source, **kw):
        if str(source).endswith("boom.json"):
            raise RuntimeError("simulated internal error")
        return real(source, **kw)

    monkeypatch.setattr(v, "validate", flaky)
    (tmp_path / "boom.json").write_bytes(dumps(base_env()))
    (tmp_path / "ok.json").write_bytes(dumps(base_env()))
    res = invoke(runner, [str(tmp_path), "--format", "json"], schema_dir)
    assert res.exit_code == 3
    doc = json.loads(res.stdout)
    assert doc["summary"]["could_not_run"] == 1 and doc["summary"]["clean"] == 1
    assert "could not run: RuntimeError: simulated internal error" in res.stderr


def test_basyx_objects_can_be_validated(schema_dir):
    from basyx.aas import model

    from aas_refmodels.validate import validate
    sm = model.Submodel("https://example.org/sm/x", id_short="Xy", kind=model.ModellingKind.INSTANCE)
    sm.submodel_element.add(model.Property("Speed", model.datatypes.Double, 1.5))
    report = validate(sm, schema_dir=schema_dir)
    assert report.findings == () and report.layer("metamodel").status == "run"
    sm.submodel_element.add(model.Property("P", model.datatypes.Double, 1.5))  # one-character idShort (3.1)
    assert "AASd-002" in validate([sm], schema_dir=schema_dir).codes


def test_basyx_compat_is_opt_in(runner, schema_dir):
    """SER005 (basyx strict read) runs only with --basyx-compat; every other finding is the same."""
    case = str(CORPUS / "SER005" / "integer-beyond-basyx.json")
    where = ["--schema-dir", str(schema_dir)] if schema_dir else []
    plain = runner.invoke(validate_cmd, [case, *where, "--format", "json"])
    compat = runner.invoke(validate_cmd, [case, *where, "--format", "json", "--basyx-compat"])
    codes = [[f["code"] for f in json.loads(r.output)["reports"][0]["findings"]] for r in (plain, compat)]
    assert "SER005" not in codes[0] and "SER005" in codes[1]
    assert codes[0] == [c for c in codes[1] if c != "SER005"]
