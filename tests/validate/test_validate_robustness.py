"""Issue 8, validator side: an input that breaks a layer is a finding (never "could not run"), special files,
version evidence, verdict fixes (MM011, TPL011, PKG006, SER005), batch verdicts and the basis of own rules."""

from __future__ import annotations

import copy
import json
import os
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner
from foundation_models import emitted
from make_corpus import CD_ID, NEW, base_env, el, good_parts, model_ref, package, rels
from validate_helpers import dumps

from aas_refmodels import rules
from aas_refmodels.cli.validate_cmds import explain_cmd, validate_cmd
from aas_refmodels.findings import Severity
from aas_refmodels.validate import Limits, output, read_limited, validate
from aas_refmodels.validate._read import NO_EVIDENCE

CRASH = Path(__file__).resolve().parent / "crash_corpus"
EXPECTED: dict[str, str] = json.loads((CRASH / "expected.json").read_text(encoding="utf-8"))


def run_cli(args, schema_dir, timeout=60.0, **kw):
    """CliRunner in a thread: a hang fails the test instead of blocking the suite."""
    result: list = []
    t = threading.Thread(target=lambda: result.append(CliRunner().invoke(
        validate_cmd, [*args, "--schema-dir", str(schema_dir)], catch_exceptions=False, **kw)), daemon=True)
    t.start()
    t.join(timeout)
    assert result, f"aasref validate {args} did not finish within {timeout} s"
    return result[0]


# ------------------------------------------------------------------------------ crash corpus

@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_input_that_broke_a_layer_is_a_finding(name, schema_dir, tmp_path):
    out = tmp_path / "report.json"
    res = run_cli([str(CRASH / name), "--max-depth", "1000", "--format", "json", "-o", str(out)], schema_dir)
    assert res.exit_code == 1, res.output
    assert "could not run" not in res.output and "Traceback" not in res.output
    report = json.loads(out.read_text(encoding="utf-8"))["reports"][0]
    assert report["ok"] is False and "couldNotRun" not in report
    codes = [f["code"] for f in report["findings"]]
    assert EXPECTED[name] in codes, codes
    for f in report["findings"]:
        assert f["code"] in rules.RULES and f["path"]
        assert "<class '" not in f["message"] and "{type(" not in f["message"]


@pytest.mark.parametrize("fmt", output.FORMATS)
def test_lone_surrogates_render_in_every_format(fmt, schema_dir, tmp_path):
    out = tmp_path / f"report.{fmt}"
    res = run_cli([str(CRASH / "surrogate-in-idshort.json"), "--format", fmt, "-o", str(out)], schema_dir)
    assert res.exit_code == 1
    text = out.read_bytes().decode("utf-8")  # written, not a 0-byte file, and valid UTF-8
    assert "\\ud800" in text
    if fmt in ("json", "sarif"):
        json.loads(text)


def test_deep_nesting_within_max_depth_is_validated_not_refused(schema_dir):
    report = validate(CRASH / "deep-400-collections-invalid.json", schema_dir=schema_dir,
                      limits=Limits(max_depth=1000))
    assert report.layer("schema").status in ("run", "skipped")
    mm001 = [f for f in report.findings if f.code == "MM001"]
    assert len(mm001) == 1 and str(mm001[0].path).endswith(".Leaf#value") and str(mm001[0].path).count(".G") == 400
    assert "SER007" not in report.codes


def test_blob_that_is_not_base64_is_located_and_the_rest_still_checked(schema_dir):
    env = base_env()
    el(env, "Speed")["value"] = "fast"
    env["submodels"][0]["submodelElements"].append(
        {"idShort": "Bin", "modelType": "Blob", "contentType": "application/octet-stream", "value": "abcde"})
    report = validate(dumps(env), schema_dir=schema_dir)
    ser004 = next(f for f in report.findings if f.code == "SER004")
    assert str(ser004.path).endswith(".Bin#value") and "base64" in ser004.message
    assert "MM001" in report.codes  # pruning went on past the broken Blob


# ------------------------------------------------------------------------------ special files

@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this platform")
def test_fifo_alone_and_in_a_folder_is_refused_unread(schema_dir, tmp_path):
    fifo = tmp_path / "pipe.json"
    os.mkfifo(fifo)
    report = validate(fifo, schema_dir=schema_dir)
    assert report.codes == ["SER008"] and not report.ok and "FIFO" in report.findings[0].message
    (tmp_path / "ok.json").write_bytes(dumps(base_env()))
    res = run_cli([str(tmp_path), "--format", "json"], schema_dir, timeout=60)
    assert res.exit_code == 1
    doc = json.loads(res.output)
    assert doc["summary"]["unreadable"] == 1 and doc["summary"]["passed"] == 1


def test_symlink_to_dev_zero_is_refused_unread(schema_dir, tmp_path):
    if not Path("/dev/zero").exists():
        pytest.skip("no /dev/zero")
    link = tmp_path / "zero.json"
    link.symlink_to("/dev/zero")
    res = run_cli([str(link)], schema_dir, timeout=30)
    assert res.exit_code == 1 and "SER008" in res.output and "character device" in res.output


def test_stdin_is_read_with_the_size_limit(schema_dir):
    if not Path("/dev/zero").exists():
        pytest.skip("no /dev/zero")
    with open("/dev/zero", "rb") as zero:
        assert len(read_limited(zero, Limits(max_file_bytes=1000))) == 1001
        res = run_cli(["-", "--max-file-size", "1000"], schema_dir, timeout=30, input=zero)
    assert res.exit_code == 1 and "SER007" in res.output


def test_a_file_growing_past_the_limit_is_cut_while_reading(schema_dir, tmp_path):
    p = tmp_path / "big.json"
    p.write_bytes(b" " * 5000 + dumps(base_env()))
    report = validate(p, schema_dir=schema_dir, limits=Limits(max_file_bytes=1000))
    assert report.codes == ["SER007"]


# ------------------------------------------------------------------------------ SER005

def test_ser005_does_not_repeat_and_shows_no_python_message(schema_dir):
    env = base_env()
    el(env, "Speed")["value"] = "fast"
    report = validate(dumps(env), schema_dir=schema_dir, basyx=True)
    assert "MM001" in report.codes and "SER005" not in report.codes
    assert "could not convert" not in report.to_json()


def test_ser005_kept_alone_in_plain_words(schema_dir):
    env = base_env()
    el(env, "Speed").update(valueType="xs:integer", value="9" * 5000)
    report = validate(dumps(env), schema_dir=schema_dir, basyx=True)
    assert report.codes == ["SER005"] and report.ok
    assert validate(dumps(env), schema_dir=schema_dir).codes == []  # the basyx check is opt-in
    msg = report.findings[0].message
    assert "4,300 digits" in msg and "set_int_max_str_digits" not in msg


# ------------------------------------------------------------------------------ version evidence

def _list_children_with_idshorts() -> dict:
    env = base_env()
    for i, item in enumerate(el(env, "Passes")["value"]):
        item["idShort"] = f"Pass{i}"  # AASd-120: forbidden in 3.0, allowed in 3.1
    return env


def _count_30_verifies(monkeypatch) -> list[str]:
    """Records the version of every aas-core verification (metamodel.verify) of the run."""
    from aas_refmodels.validate import metamodel
    calls: list[str] = []
    real = metamodel.verify

    def counting(env, version, *args, **kw):
        calls.append(version)
        return real(env, version, *args, **kw)

    monkeypatch.setattr(metamodel, "verify", counting)
    return calls


def test_own_30_build_is_read_as_31_without_evidence_and_the_reason_says_how_to_check_30(schema_dir):
    report = validate(emitted("machining", "instance", "3.0", "json"), schema_dir=schema_dir)
    assert report.findings == () and report.version == "3.1"
    assert report.version_reason.startswith("no version evidence")
    assert "read as 3.1; --spec-version 3.0 checks it as 3.0" in report.version_reason
    forced = validate(emitted("machining", "instance", "3.0", "json"), schema_dir=schema_dir, spec_version="3.0")
    assert forced.version == "3.0" and forced.findings == ()


def test_without_evidence_a_file_valid_as_31_is_read_as_31_with_no_30_pass(schema_dir, monkeypatch):
    env = _list_children_with_idshorts()  # invalid as 3.0 (AASd-120): a 3.0 pass would name it in the reason
    calls = _count_30_verifies(monkeypatch)
    import aas_refmodels.validate as validate_pkg

    def no_30_pass(*args, **kw):
        raise AssertionError("the 3.0 pass ran for a file valid as 3.1")

    monkeypatch.setattr(validate_pkg, "_metamodel_findings", no_30_pass)
    report = validate(dumps(env), schema_dir=schema_dir)
    assert report.version == "3.1" and report.ok and report.codes == []
    assert report.version_reason == f"{NO_EVIDENCE}; read as 3.1; --spec-version 3.0 checks it as 3.0"
    assert calls == ["3.1"]  # one aas-core verification, under 3.1
    assert validate(dumps(env), schema_dir=schema_dir, spec_version="3.0").codes.count("AASd-120") >= 1


def test_without_evidence_the_cli_report_says_read_as_31(schema_dir, tmp_path):
    src, out = tmp_path / "model.json", tmp_path / "report.json"
    src.write_bytes(dumps(_list_children_with_idshorts()))
    res = run_cli([str(src), "--format", "json", "-o", str(out)], schema_dir)
    assert res.exit_code == 0, res.output
    doc = json.loads(out.read_text(encoding="utf-8"))
    report = doc["reports"][0] if "reports" in doc else doc
    assert report["version"] == "3.1" and "read as 3.1" in report["versionReason"]
    assert "valid as 3.0" not in report["versionReason"]


def test_without_evidence_a_file_valid_only_as_30_is_reported_as_30(schema_dir, monkeypatch):
    env = base_env()
    el(env, "Speed")["idShort"] = "S"  # one character: 3.0 allows it, 3.1 does not (AASd-002)
    calls = _count_30_verifies(monkeypatch)
    report = validate(dumps(env), schema_dir=schema_dir)
    assert calls[0] == "3.1" and "3.0" in calls  # the 3.1 errors start the 3.0 pass
    assert report.version == "3.0" and report.ok and "AASd-002" not in report.codes
    assert "valid as 3.0; as 3.1: AASd-002 ×1" in report.version_reason
    assert "read as 3.1" not in report.version_reason
    assert "AASd-002" in validate(dumps(env), schema_dir=schema_dir, spec_version="3.1").codes


def test_without_evidence_a_file_invalid_as_both_is_reported_as_31_naming_the_30_verdict(schema_dir):
    env = _list_children_with_idshorts()  # AASd-120 as 3.0
    el(env, "Speed")["idShort"] = "S"  # AASd-002 as 3.1
    report = validate(dumps(env), schema_dir=schema_dir)
    assert report.version == "3.1" and "AASd-002" in report.codes and "AASd-120" not in report.codes
    assert "invalid as 3.1 and as 3.0 (as 3.0: AASd-120 ×" in report.version_reason
    assert report.version_reason.endswith("reported as 3.1")


def test_iec61360_template_iri_is_no_evidence(schema_dir):
    env = _list_children_with_idshorts()
    env["conceptDescriptions"][0]["embeddedDataSpecifications"][0]["dataSpecification"]["keys"][0]["value"] = \
        "https://admin-shell.io/DataSpecificationTemplates/DataSpecificationIec61360/3/0"
    report = validate(dumps(env), schema_dir=schema_dir)
    assert report.version == "3.1" and report.ok and "AASd-120" not in report.codes


def test_real_evidence_is_named(schema_dir):
    env = _list_children_with_idshorts()
    el(env, "Speed")["idShort"] = "Spindle-Speed"
    report = validate(dumps(env), schema_dir=schema_dir)
    assert report.version == "3.1" and "idShort 'Spindle-Speed' with a hyphen" in report.version_reason
    assert "as 3.0" not in report.version_reason  # evidence: no second run


# ------------------------------------------------------------------------------ verdict fixes

def test_submodel_key_naming_a_concept_description_is_a_warning_saying_what_is_meant(schema_dir):
    env = base_env()
    env["submodels"][0]["semanticId"] = model_ref(("Submodel", CD_ID))
    report = validate(dumps(env), schema_dir=schema_dir)
    mm011 = [f for f in report.findings if f.code == "MM011"]
    assert len(mm011) == 1 and mm011[0].severity is Severity.WARNING and report.ok
    assert "means that ConceptDescription" in mm011[0].message
    assert mm011[0].location.pointer == "/submodels/0/semanticId/keys/0"


def _strip_korean(doc: dict) -> dict:
    doc = copy.deepcopy(doc)
    stack: list = [doc]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            for attr in ("displayName", "description"):
                if isinstance(node.get(attr), list):
                    node[attr] = [x for x in node[attr] if x.get("language") != "ko"] or None
                    if node[attr] is None:
                        del node[attr]
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return doc


@pytest.mark.parametrize(("model", "languages_required"), [("idta-nameplate", False), ("machining", True)])
def test_language_requirement_only_for_our_own_models(model, languages_required, schema_dir):
    doc = _strip_korean(json.loads(emitted(model, "instance", "3.1", "json")))
    report = validate(dumps(doc), schema_dir=schema_dir)
    assert report.layer("template").status == "run"
    assert ("TPL011" in report.codes) is languages_required


def test_pkg006_says_when_the_origin_relationship_is_external(schema_dir):
    parts = good_parts()
    parts["_rels/.rels"] = rels((NEW + "aasx-origin", "/aasx/aasx-origin")).replace(
        b'Id="r0"', b'Id="r0" TargetMode="External"')
    report = validate(package(parts), schema_dir=schema_dir)
    pkg006 = next(f for f in report.findings if f.code == "PKG006")
    assert 'TargetMode="External"' in pkg006.message


def test_batch_summary_counts_verdicts(schema_dir, tmp_path):
    (tmp_path / "a-passed.json").write_bytes(dumps(base_env()))
    warn = base_env()
    warn["assetAdministrationShells"][0]["submodels"].append(model_ref(("Submodel", "https://example.org/absent")))
    (tmp_path / "b-warn.json").write_bytes(dumps(warn))
    bad = base_env()
    el(bad, "Speed")["value"] = "fast"
    (tmp_path / "c-failed.json").write_bytes(dumps(bad))
    (tmp_path / "d-broken.json").write_bytes(b"{")
    res = run_cli([str(tmp_path)], schema_dir)
    assert res.exit_code == 1
    assert "4 files: 1 passed, 1 passed with warnings, 1 failed, 1 unreadable" in res.output


# ------------------------------------------------------------------------------ basis of our own rules

OWN = [c for c in rules.RULES if c.startswith(("MM", "REF", "PKG"))]


@pytest.mark.parametrize("code", OWN)
def test_own_rule_states_its_basis_and_unfounded_ones_are_warnings(code):
    rule = rules.RULES[code]
    assert rule.explanation, f"{code} states no clause or reason"
    res = CliRunner().invoke(explain_cmd, [code])
    assert res.exit_code == 0 and rule.explanation in res.output
    if "No constraint of IDTA-01001 requires this" in rule.explanation:
        assert rule.severity is Severity.WARNING


@pytest.mark.parametrize("bad", [5, ["en"], None, {"en": 1}])
def test_language_of_wrong_type_in_an_element_matched_to_a_reference_model(bad, schema_dir):
    doc = json.loads(emitted("machining", "instance", "3.1", "json"))
    sm = doc["submodels"][0]
    sm["submodelElements"][0]["displayName"][0]["language"] = bad
    sm["displayName"][0]["language"] = bad
    report = validate(dumps(doc), schema_dir=schema_dir)
    assert report.layer("template").status == "run" and not report.ok and report.failure is None
    assert {"SER004", "SCH102"} & set(report.codes)


def test_pkg007_says_when_the_spec_relationship_is_external(schema_dir):
    parts = good_parts()
    parts["aasx/_rels/aasx-origin.rels"] = rels((NEW + "aas-spec", "/aasx/data.json")).replace(
        b'Id="r0"', b'Id="r0" TargetMode="External"')
    report = validate(package(parts), schema_dir=schema_dir)
    pkg007 = next(f for f in report.findings if f.code == "PKG007")
    assert 'TargetMode="External"' in pkg007.message
